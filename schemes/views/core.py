from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from mentoring.permissions import get_scheme_for_user, report_viewer_required
from schemes.models import Role
from schemes.selectors import scheme_coordinators, schemes_with_counts


@login_required
def scheme_detail(request, slug):
    """A scheme's page, for anyone who holds a role in it."""
    scheme = get_scheme_for_user(request.user, slug)
    return render(
        request,
        "schemes/detail.html",
        {
            "scheme": scheme,
            "coordinators": scheme_coordinators(scheme),
            "is_coordinator": Role.COORDINATOR in scheme.user_roles,
            "my_roles": [Role(role).label for role in Role if role in scheme.user_roles],
        },
    )


@report_viewer_required
def reports_overview(request):
    """HR's view of every scheme: its status and how many people hold each role."""
    return render(request, "schemes/reports_overview.html", {"schemes": schemes_with_counts()})
