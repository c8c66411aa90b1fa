from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from mentoring import views

admin.site.site_header = "Mentoring administration"
admin.site.site_title = "Mentoring administration"

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    # Browsers ask for /favicon.ico whatever the page links to.
    path("favicon.ico", RedirectView.as_view(url=static("img/favicon.svg"), permanent=True)),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("schemes.urls")),
]
