"""The roof's own pages. Home and a scheme's hub are named in the root URLconf
(``mentoring/urls.py``), because every app links to them."""

from django.urls import path

from dashboard import views, views_exports, views_figures, views_impact

app_name = "dashboard"

urlpatterns = [
    path("reports/", views.reports_overview, name="reports"),
    path("reports/schemes/<slug:slug>/", views.scheme_figures, name="scheme_figures"),
    # The coordinator's dashboard of a scheme.
    path("schemes/<slug:slug>/dashboard/", views_figures.scheme_dashboard, name="scheme_dashboard"),
    # The impact report: one scheme, or every scheme the reader may read.
    path("schemes/<slug:slug>/impact/", views_impact.scheme_impact, name="scheme_impact"),
    path("reports/impact/", views_impact.impact_overview, name="impact"),
    # Exports: a download, or a large one written by a worker for the person who asked.
    path("reports/export/<slug:report>/", views_exports.export, name="export"),
    path("reports/exports/<uuid:uid>/", views_exports.export_job, name="export_job"),
    path(
        "reports/exports/<uuid:uid>/download/",
        views_exports.export_download,
        name="export_download",
    ),
]
