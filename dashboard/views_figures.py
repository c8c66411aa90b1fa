"""The coordinator's dashboard of a scheme: its funnel, its pairs at work, the
evaluations given and the charts, counts only."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dashboard.figures import FEWEST_RATINGS, dashboard_figures
from schemes.permissions import SchemeAccess, coordinator_view

__all__ = ["scheme_dashboard"]


@coordinator_view
@require_GET
def scheme_dashboard(request: HttpRequest, access: SchemeAccess) -> HttpResponse:
    """The scheme's dashboard for its coordinators, in a fixed number of queries."""
    board = dashboard_figures(access.scheme, reader=request.user)
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "scheme": access.scheme,
            "board": board,
            "charts": board.charts,
            "fewest_ratings": FEWEST_RATINGS,
        },
    )
