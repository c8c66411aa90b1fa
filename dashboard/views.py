"""The roof's pages: each person's home, a scheme's hub and HR's reports page. They read
every app through its selectors; the pages of the apps themselves stay in the apps."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from matching.selectors import (
    matching_summary,
    open_mentorships_for_user,
    shortlist_applications_for_user,
)
from mentoring.permissions import can_view_reports, report_viewer_required
from schemes import selectors
from schemes.models import Application, Role
from schemes.permissions import SchemeAccess, can_create_schemes, scheme_view


def home(request: HttpRequest) -> HttpResponse:
    """The landing page; signed in, what this person can do in each of their roles,
    their matches and mentorships in progress and their applications, each with what to
    do next."""
    if not request.user.is_authenticated:
        return render(request, "dashboard/home_anonymous.html")
    memberships = list(selectors.memberships_for_user(request.user))
    coordinating = [m for m in memberships if m.role == Role.COORDINATOR]
    applications = selectors.with_resume_steps(
        selectors.applications_for_user(request.user).filter(status__in=Application.EDITABLE)
    )
    return render(
        request,
        "dashboard/home.html",
        {
            "mentorships": open_mentorships_for_user(request.user),
            "shortlists": list(shortlist_applications_for_user(request.user)),
            "coordinating": coordinating,
            "participating": [m for m in memberships if m.role != Role.COORDINATOR],
            "applications": applications,
            # A coordinator may create schemes: no need to ask the permission tables.
            "can_create_schemes": bool(coordinating) or can_create_schemes(request.user),
            "can_view_reports": can_view_reports(request.user),
        },
    )


@scheme_view()
def scheme_hub(request: HttpRequest, access: SchemeAccess) -> HttpResponse:
    """A scheme's page, for anyone who holds a role in it: the coordinators' hub with
    its settings, figures and links; for mentors and mentees, their own applications."""
    scheme = access.scheme
    context = {
        "scheme": scheme,
        "coordinators": selectors.scheme_coordinators(scheme),
        "is_coordinator": access.is_coordinator,
        "my_roles": access.role_labels,
        "my_applications": (
            list(selectors.applications_for_user(request.user).filter(scheme=scheme))
            if access.participant_roles
            else []
        ),
    }
    if access.is_coordinator:
        context.update(
            application_counts=selectors.scheme_application_counts(scheme),
            pending_invitations=selectors.invitation_counts(scheme)["pending"],
            matching=matching_summary(scheme),
            open_link_url=(
                request.build_absolute_uri(
                    reverse("schemes:open_apply", kwargs={"token": scheme.open_link_token})
                )
                if scheme.open_link_token
                else ""
            ),
        )
    return render(request, "dashboard/scheme.html", context)


@report_viewer_required
def reports_overview(request: HttpRequest) -> HttpResponse:
    """HR's view of every scheme: its status and how many people hold each role."""
    return render(request, "dashboard/reports.html", {"schemes": selectors.schemes_with_counts()})
