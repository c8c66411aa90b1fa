"""The roof's own pages. Home and a scheme's hub are named in the root URLconf
(``mentoring/urls.py``), because every app links to them."""

from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("reports/", views.reports_overview, name="reports"),
    path("reports/schemes/<slug:slug>/", views.scheme_figures, name="scheme_figures"),
]
