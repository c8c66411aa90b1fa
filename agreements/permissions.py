"""Who may reach the pair's space, on the rule of ``mentoring.permissions``.

The pair's pages (``/pairs/<pk>/...``: their page, the agreement, goals and targets, a
concern) are for the mentee and the mentor of a mentorship that has started, and
nobody else: a coordinator, HR, another pair or an outsider gets 404, whatever the
object. The coordinator's view of a pair (dates, stage, signed or not, counts) and the
concerns sent to them are reached through a scheme resolved for its coordinator
(``schemes.permissions.coordinator_view``).
"""

from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from agreements.models import AgreementVersion, Concern, Goal, Target
from matching.models import Mentorship
from mentoring.models import User
from mentoring.permissions import View, first_or_404
from schemes.models import Scheme

__all__ = [
    "PairAccess",
    "concerns_readable_by",
    "get_pair_for_user",
    "get_pair_goal",
    "get_pair_target",
    "get_pair_version",
    "get_scheme_concern",
    "get_scheme_pair",
    "pair_view",
]


@dataclass(frozen=True)
class PairAccess:
    """A started mentorship as one of its pair reaches it: their role ("mentee" or
    "mentor") and the other person."""

    mentorship: Mentorship
    role: str

    @property
    def other(self) -> User:
        return self.mentorship.mentor if self.role == "mentee" else self.mentorship.mentee

    @property
    def other_role(self) -> str:
        return "mentor" if self.role == "mentee" else "mentee"

    @property
    def can_change(self) -> bool:
        """The pair writes while the mentorship is active; afterwards they read."""
        return self.mentorship.status == Mentorship.Status.ACTIVE


def get_pair_for_user(user: Any, pk: int) -> PairAccess:
    """Mentorship ``pk`` for its mentee or its mentor once it has started; 404 for
    anyone else (its scheme's coordinators included) and before the start."""
    if not user.is_authenticated:
        raise Http404("No such pair.")
    mentorship = first_or_404(
        Mentorship.objects.select_related("scheme", "mentee", "mentor").filter(
            pk=pk, started_at__isnull=False
        ),
        "No such pair.",
    )
    role = mentorship.role_of(user)
    if role is None:
        raise Http404("No such pair.")
    return PairAccess(mentorship=mentorship, role=role)


def pair_view(view: View) -> View:
    """Decorate a view of ``pairs/<pk>/...``: sign-in required, then the pair is
    resolved for the person (``get_pair_for_user``) and the view receives a
    ``PairAccess`` in place of the pk. Put ``require_POST`` beneath it, so that anyone
    outside the pair gets 404 whatever the method."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return view(request, get_pair_for_user(request.user, pk), *args, **kwargs)

    return wrapper


def get_pair_version(access: PairAccess, number: int) -> AgreementVersion:
    """Version ``number`` of the pair's agreement; 404 otherwise."""
    return first_or_404(
        AgreementVersion.objects.filter(mentorship=access.mentorship, number=number),
        "No such version.",
    )


def get_pair_goal(access: PairAccess, pk: int) -> Goal:
    """Goal ``pk`` of the pair; 404 for another pair's."""
    return first_or_404(
        Goal.objects.select_related("mentorship").filter(pk=pk, mentorship=access.mentorship),
        "No such goal.",
    )


def get_pair_target(goal: Goal, pk: int) -> Target:
    """Target ``pk`` of ``goal``; 404 otherwise."""
    return first_or_404(
        Target.objects.select_related("goal__mentorship").filter(pk=pk, goal=goal),
        "No such target.",
    )


def get_scheme_pair(scheme: Scheme, pk: int) -> Mentorship:
    """Mentorship ``pk`` of ``scheme`` once started, for its coordinators; 404 otherwise."""
    return first_or_404(
        Mentorship.objects.select_related("scheme", "mentee", "mentor").filter(
            pk=pk, scheme=scheme, started_at__isnull=False
        ),
        "No such pair.",
    )


def concerns_readable_by(reader: Any) -> QuerySet[Concern]:
    """The concerns a coordinator may read: never one about a pair they are in
    themselves (a person may coordinate a scheme and mentor in it)."""
    return Concern.objects.exclude(mentorship__mentee=reader).exclude(mentorship__mentor=reader)


def get_scheme_concern(scheme: Scheme, pk: int, reader: Any) -> Concern:
    """Concern ``pk`` about a pair of ``scheme`` for its coordinator ``reader``; 404
    otherwise, and for a concern about the reader's own pair."""
    return first_or_404(
        concerns_readable_by(reader)
        .select_related(
            "mentorship__scheme",
            "mentorship__mentee",
            "mentorship__mentor",
            "raised_by",
            "action_by",
        )
        .filter(pk=pk, mentorship__scheme=scheme),
        "No such concern.",
    )
