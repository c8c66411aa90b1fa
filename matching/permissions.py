"""Who may see match runs, proposals and mentorships, on the rule of
``mentoring.permissions``. Runs and proposals are reached through a scheme already
resolved for its coordinator (``schemes.permissions.coordinator_view``); a mentorship
through ``mentorship_view``."""

from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from matching.models import MatchRun, Mentorship, Proposal, Unmatched
from mentoring.permissions import View, first_or_404
from schemes.models import Role, Scheme
from schemes.permissions import scheme_roles

COORDINATOR = Role.COORDINATOR.value


def get_scheme_run(scheme: Scheme, pk: int) -> MatchRun:
    """Match run ``pk`` of ``scheme``; 404 when it belongs to another scheme."""
    return first_or_404(
        MatchRun.objects.select_related("scheme", "started_by").filter(pk=pk, scheme=scheme),
        "No such run.",
    )


def get_scheme_proposal(scheme: Scheme, pk: int) -> Proposal:
    """Proposal ``pk`` of one of ``scheme``'s runs; 404 otherwise."""
    return first_or_404(
        Proposal.objects.select_related("run", "mentee__user", "mentor__user").filter(
            pk=pk, run__scheme=scheme
        ),
        "No such proposal.",
    )


def get_scheme_unmatched(scheme: Scheme, pk: int) -> Unmatched:
    """Unmatched mentee ``pk`` of one of ``scheme``'s runs; 404 otherwise."""
    return first_or_404(
        Unmatched.objects.select_related("run__scheme", "mentee__user").filter(
            pk=pk, run__scheme=scheme
        ),
        "No such unmatched mentee.",
    )


@dataclass(frozen=True)
class MentorshipAccess:
    """A mentorship as one person reaches it, and in which role: "mentee", "mentor" or
    "coordinator". What the pair keeps private is shown only when the role is theirs."""

    mentorship: Mentorship
    role: str

    @property
    def is_coordinator(self) -> bool:
        return self.role == COORDINATOR


def get_mentorship_for_user(user: Any, pk: int) -> MentorshipAccess:
    """Mentorship ``pk`` for its mentee, its mentor or a coordinator of its scheme; 404
    for anyone else."""
    if not user.is_authenticated:
        raise Http404("No such mentorship.")
    mentorship = first_or_404(
        Mentorship.objects.select_related("scheme", "mentee", "mentor").filter(pk=pk),
        "No such mentorship.",
    )
    role = mentorship.role_of(user)
    if role is None and Role.COORDINATOR in scheme_roles(user, mentorship.scheme):
        role = COORDINATOR
    if role is None:
        raise Http404("No such mentorship.")
    return MentorshipAccess(mentorship=mentorship, role=role)


def mentorship_view(view: View) -> View:
    """Decorate a view of ``mentorships/<pk>/...``: sign-in required, then the mentorship
    is resolved for the person (``get_mentorship_for_user``) before the view runs, and
    the view receives a ``MentorshipAccess`` in place of the pk.

    Put ``require_POST`` (or ``require_http_methods``) beneath it: a person who may not
    see the mentorship gets 404 whatever the method, and only then a wrong method 405.
    """

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponseBase:
        access = get_mentorship_for_user(request.user, pk)
        return view(request, access, *args, **kwargs)

    return wrapper
