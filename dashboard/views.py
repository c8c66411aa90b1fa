"""The roof's pages: each person's home, a scheme's hub and HR's reports page. They read
every app through its selectors; the pages of the apps themselves stay in the apps."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from agreements.selectors import pair_counts
from dashboard.views_impact import filtered_impact, query_string, scheme_sections
from matching.models import Mentorship
from matching.selectors import (
    matching_summary,
    open_mentorships_for_user,
    shortlist_applications_for_user,
)
from mentoring.permissions import can_view_reports, first_or_404, report_viewer_required
from privacy.retention import NOTICE_DAYS, scheme_retention
from schemes import selectors
from schemes.models import Application, Role
from schemes.permissions import SchemeAccess, can_create_schemes, scheme_view
from sessions.selectors.risk import at_risk_count


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
            "administrator_only": request.user.is_superuser and not memberships,
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
        matching = matching_summary(scheme)
        open_pairs = sum(
            matching.mentorships.get(status, 0)
            for status in (Mentorship.Status.ACTIVE, Mentorship.Status.PROPOSED)
        )
        context.update(
            application_counts=selectors.scheme_application_counts(scheme),
            pending_invitations=selectors.invitation_counts(scheme)["pending"],
            matching=matching,
            pairs=pair_counts(scheme, reader=request.user),
            # Pairs with a flag no coordinator has handled, in a fixed number of queries;
            # a scheme with no open pair has none, and the scan is not run for it.
            at_risk=at_risk_count(scheme, reader=request.user) if open_pairs else 0,
            retention_notice_days=NOTICE_DAYS,
            # A closed scheme's dates in the retention schedule (two queries).
            retention=(
                next(iter(scheme_retention(scheme_ids=[scheme.pk])), None)
                if scheme.status == scheme.Status.CLOSED
                else None
            ),
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
@require_GET
def reports_overview(request: HttpRequest) -> HttpResponse:
    """HR's view of every scheme: its status and how many people hold each role, each
    scheme linking to its figures and its impact report; then the impact figures per
    scheme and in total, filtered by scheme, period, department and grade, under the
    impact report's suppression. Counts and ratings only: no name, no link to a pair."""
    schemes = list(selectors.schemes_with_counts())
    form, impact = filtered_impact(request, schemes)
    return render(
        request,
        "dashboard/reports.html",
        {
            "schemes": schemes,
            "administrator_only": _administrator_only(request.user),
            "form": form,
            "action": reverse("dashboard:reports"),
            "impact": impact,
            "total": impact.section() if impact else None,
            **scheme_sections(impact),
            "scheme": None,
            "printing": False,
            "print_query": query_string(request, print="1"),
        },
    )


@report_viewer_required
@require_GET
def scheme_figures(request: HttpRequest, slug: str) -> HttpResponse:
    """One scheme's figures for HR: counts only (applications, invitations, the matching
    pool and the mentorships), never a name, an answer or what a pair wrote."""
    scheme = first_or_404(
        selectors.schemes_with_counts().filter(slug=slug), "There is no such scheme."
    )
    return render(
        request,
        "dashboard/scheme_figures.html",
        {
            "scheme": scheme,
            "applications": selectors.scheme_application_counts(scheme),
            "invitations": selectors.invitation_counts(scheme),
            "matching": matching_summary(scheme),
        },
    )


def _administrator_only(user) -> bool:
    """A superuser who holds no role in any scheme: scheme pages are closed to them
    (404, as for anyone without a role), so their pages say how to get one."""
    return bool(user.is_superuser) and not selectors.memberships_for_user(user).exists()
