from django.urls import path

from schemes import views

app_name = "schemes"

urlpatterns = [
    path("reports/", views.reports_overview, name="reports"),
    path("schemes/<slug:slug>/", views.scheme_detail, name="detail"),
]
