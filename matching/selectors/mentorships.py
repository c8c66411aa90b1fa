"""Reads of mentorships: a person's own, a scheme's for its coordinators, and the
mentee applications that choose their mentor from a shortlist."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from matching.links import coordinator_pair_url, pair_page_url
from matching.models import SHAREABLE_ANSWERS, Mentorship
from mentoring.models import User
from schemes import questionnaire
from schemes.choices import MatchingMode
from schemes.models import Application, Role, Scheme
from schemes.selectors import Tally

__all__ = [
    "GoalAnswer",
    "MentorshipCounts",
    "MentorshipForViewer",
    "answers_shared_with_mentor",
    "mentee_goal_answers",
    "mentorship_for_viewer",
    "mentorship_reasons",
    "mentorship_status_counts",
    "mentorships_for_user",
    "mentorships_for_viewer",
    "open_mentorship_for_application",
    "open_mentorships_for_user",
    "scheme_mentorship_list",
    "shortlist_applications_for_user",
]


def mentorships_for_user(user: Any) -> QuerySet[Mentorship]:
    """Every mentorship ``user`` is in, as mentee or as mentor, newest first, with its
    scheme, both people and both applications, in one query."""
    return (
        Mentorship.objects.filter(Q(mentee=user) | Q(mentor=user))
        .select_related("scheme", "mentee", "mentor", "mentee_application", "mentor_application")
        .order_by("-created_at", "-pk")
    )


def shortlist_applications_for_user(user: Any) -> QuerySet[Application]:
    """``user``'s approved mentee applications in shortlist-mode schemes that have no
    proposed or active mentorship: each can choose a mentor from its shortlist."""
    return (
        Application.objects.filter(
            user=user,
            role=Role.MENTEE,
            status=Application.Status.APPROVED,
            scheme__matching_mode=MatchingMode.SHORTLIST,
        )
        .exclude(mentorships_as_mentee__status__in=Mentorship.OPEN)
        .select_related("scheme")
        .order_by("scheme__name")
    )


def open_mentorship_for_application(application: Application) -> Mentorship | None:
    """The proposed or active mentorship of a mentee application, with the mentor, or
    None (there is at most one)."""
    return (
        Mentorship.objects.filter(mentee_application=application, status__in=Mentorship.OPEN)
        .select_related("mentor", "mentor_application")
        .first()
    )


def scheme_mentorship_list(scheme: Scheme, *, status: str = "") -> QuerySet[Mentorship]:
    """``scheme``'s mentorships, newest first, with both people, in one query;
    only those in ``status`` when it is given."""
    mentorships = Mentorship.objects.filter(scheme=scheme).select_related("mentee", "mentor")
    if status:
        mentorships = mentorships.filter(status=status)
    return mentorships.order_by("-created_at", "-pk")


@dataclass(frozen=True)
class MentorshipCounts:
    total: int
    by_status: list[Tally]


def mentorship_status_counts(scheme: Scheme) -> MentorshipCounts:
    """How many of ``scheme``'s mentorships are in each status, in one query."""
    statuses = Mentorship.Status.choices
    figures = Mentorship.objects.filter(scheme=scheme).aggregate(
        total=Count("pk"),
        **{value: Count("pk", filter=Q(status=value)) for value, _ in statuses},
    )
    return MentorshipCounts(
        total=figures["total"],
        by_status=[Tally(value, label, figures[value]) for value, label in statuses],
    )


def mentorship_reasons(breakdown: list[dict], limit: int | None = None) -> list[str]:
    """The reasons of a stored breakdown that earned points, the strongest first: why
    a pair was matched, in words the pair can read. ``limit`` keeps the first few."""
    earned = [item for item in breakdown or [] if item.get("points", 0) > 0 and item.get("reason")]
    earned.sort(key=lambda item: -item["points"])
    reasons = [item["reason"] for item in earned]
    return reasons[:limit] if limit is not None else reasons


@dataclass(frozen=True)
class MentorshipForViewer:
    """A mentorship as one person sees it: in which role ("mentee", "mentor" or
    "coordinator"), and for the pair, the other person, both replies, and whether it is
    their turn to reply or they may still withdraw. A coordinator has no other person and
    no reply (``other`` is None, the replies are empty and both flags are False)."""

    mentorship: Mentorship
    role: str
    other: User | None = None
    other_role: str = ""
    my_response: str = ""
    their_response: str = ""
    my_turn: bool = False
    can_withdraw: bool = False

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def status_label(self) -> str:
        """The status in words for this viewer: a proposed match says whose reply it waits
        for (the viewer's own, the other person's, or for a coordinator, which side's)."""
        mentorship = self.mentorship
        if mentorship.status != Mentorship.Status.PROPOSED:
            return str(mentorship.get_status_display())
        if self.my_turn:
            return "Waiting for your reply"
        if self.can_withdraw and self.other is not None:
            return f"You accepted; waiting for {self.other.get_short_name()}"
        pending = Mentorship.Response.PENDING
        if self.is_coordinator and mentorship.mentee_response != mentorship.mentor_response:
            if mentorship.mentee_response == pending:
                return "Waiting for the mentee"
            if mentorship.mentor_response == pending:
                return "Waiting for the mentor"
        return str(mentorship.get_status_display())

    @property
    def pair_url(self) -> str:
        """Once the mentorship has started, the pair's own page (their agreement, goals
        and stage) for the pair, and for a coordinator what they may see of it; ""
        before the start."""
        if self.is_coordinator:
            return coordinator_pair_url(self.mentorship)
        return pair_page_url(self.mentorship)

    @property
    def is_shortlist_request(self) -> bool:
        """The viewer is the mentee who asked for this mentor from their shortlist."""
        return self.role == Role.MENTEE and self.mentorship.source == Mentorship.Source.SHORTLIST


def mentorship_for_viewer(mentorship: Mentorship, role: str) -> MentorshipForViewer:
    """What the pages show of ``mentorship`` to the person who holds ``role`` in it (as
    found by ``matching.permissions.get_mentorship_for_user`` or ``role_of``)."""
    if role not in {Role.MENTEE, Role.MENTOR}:
        return MentorshipForViewer(mentorship=mentorship, role=str(role))
    other_role = Role.MENTOR.value if role == Role.MENTEE else Role.MENTEE.value
    my_response = getattr(mentorship, f"{role}_response")
    waiting = (
        mentorship.status == Mentorship.Status.PROPOSED and timezone.now() < mentorship.respond_by
    )
    return MentorshipForViewer(
        mentorship=mentorship,
        role=str(role),
        other=getattr(mentorship, other_role),
        other_role=other_role,
        my_response=my_response,
        their_response=getattr(mentorship, f"{other_role}_response"),
        my_turn=waiting and my_response == Mentorship.Response.PENDING,
        # Someone who accepted can still change their mind until the match starts.
        can_withdraw=waiting and my_response == Mentorship.Response.ACCEPTED,
    )


def _for_viewer(mentorships: QuerySet[Mentorship], user: Any) -> list[MentorshipForViewer]:
    return [
        mentorship_for_viewer(mentorship, mentorship.role_of(user) or "")
        for mentorship in mentorships
    ]


def mentorships_for_viewer(user: Any) -> list[MentorshipForViewer]:
    """Every mentorship ``user`` is in, newest first, as they see it, in one query."""
    return _for_viewer(mentorships_for_user(user), user)


def open_mentorships_for_user(user: Any) -> list[MentorshipForViewer]:
    """``user``'s proposed and active mentorships, newest first, as they see them, in one
    query."""
    return _for_viewer(mentorships_for_user(user).filter(status__in=Mentorship.OPEN), user)


@dataclass(frozen=True)
class GoalAnswer:
    """One of the mentee's answers to the goal-setting questions, as they wrote it, and
    whether their mentor may read it."""

    field: str
    label: str
    value: str
    shared: bool


def mentee_goal_answers(mentorship: Mentorship) -> list[GoalAnswer]:
    """The goal-setting questions the mentee of ``mentorship`` answered, in the
    questionnaire's order, each marked shared with the mentor or not: for the mentee to
    choose from."""
    application = mentorship.mentee_application
    shared = set(mentorship.shared_answers)
    answers = []
    for field in SHAREABLE_ANSWERS:
        value = questionnaire.display_value(application, field)
        if value:
            answers.append(
                GoalAnswer(field, questionnaire.field_label(field), value, field in shared)
            )
    return answers


def answers_shared_with_mentor(mentorship: Mentorship) -> list[GoalAnswer]:
    """What the mentor of ``mentorship`` may read of the mentee's goal-setting answers:
    exactly those the mentee chose, and only while the mentorship is active."""
    if mentorship.status != Mentorship.Status.ACTIVE:
        return []
    return [answer for answer in mentee_goal_answers(mentorship) if answer.shared]
