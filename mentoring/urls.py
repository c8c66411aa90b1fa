from django.contrib import admin
from django.urls import include, path

from dashboard import views as dashboard_views
from mentoring import views

# The only module besides the settings that names every app: the ground's pages, then
# each app's, then the roof's. The roof serves the two pages every app links to, named
# here rather than in its namespace so that no app names the roof: "home", and
# "scheme", a scheme's hub (``Scheme.get_absolute_url``).
urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("health/", views.health, name="health"),
    path("favicon.ico", views.favicon),
    # allauth's address and name for the sessions page, answered by the ground's view
    # (mentoring.views.signed_in_sessions); allauth's own, included next, is never reached.
    path("accounts/sessions/", views.signed_in_sessions, name="usersessions_list"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("schemes.urls")),
    path("", include("matching.urls")),
    path("", include("agreements.urls")),
    path("", include("sessions.urls")),
    path("", include("privacy.urls")),
    # After the apps: "schemes/new/" and the other fixed addresses come first.
    path("schemes/<slug:slug>/", dashboard_views.scheme_hub, name="scheme"),
    path("", include("dashboard.urls")),
]
