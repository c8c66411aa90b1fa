"""Being written (issue 17)."""

from django.http import Http404


def _missing(request, *args, **kwargs):
    raise Http404


scheme_dashboard = scheme_impact = impact_overview = export = export_job = export_download = (
    _missing
)
