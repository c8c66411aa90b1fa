"""Reads of schemes, memberships and applications shared by views and reports."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from schemes.models import Application, Invitation, Membership, ParticipantRole, Role, Scheme
from schemes.questionnaire import resume_step


def memberships_for_user(user) -> QuerySet[Membership]:
    """Every role ``user`` holds, with its scheme, in one query."""
    return (
        Membership.objects.filter(user=user)
        .select_related("scheme")
        .order_by("scheme__name", "role")
    )


def roles_held(user) -> frozenset[str]:
    """The roles ``user`` holds in any scheme (for the navigation), in one query."""
    return frozenset(Membership.objects.filter(user=user).values_list("role", flat=True).distinct())


def scheme_coordinators(scheme: Scheme) -> QuerySet:
    """The people who coordinate ``scheme``, by name."""
    return scheme.members.filter(memberships__role=Role.COORDINATOR).order_by("name", "email")


def schemes_with_counts() -> QuerySet[Scheme]:
    """All schemes with the number of coordinators, mentors and mentees in each,
    counted by the database in one query."""
    return Scheme.objects.annotate(
        coordinator_count=Count("memberships", filter=Q(memberships__role=Role.COORDINATOR)),
        mentor_count=Count("memberships", filter=Q(memberships__role=Role.MENTOR)),
        mentee_count=Count("memberships", filter=Q(memberships__role=Role.MENTEE)),
    ).order_by("name")


def scheme_applications(
    scheme: Scheme,
    *,
    role: str = "",
    status: str = "",
    department: str = "",
    submitted_from: date | None = None,
    submitted_to: date | None = None,
    search: str = "",
) -> QuerySet[Application]:
    """The applications to ``scheme``, newest submission first (drafts, never submitted,
    last), with their applicant, narrowed by any filter given. The dates are days in
    the site's time zone, both included; ``search`` looks in the applicant's name and
    e-mail address."""
    applications = Application.objects.filter(scheme=scheme).select_related("user")
    if role:
        applications = applications.filter(role=role)
    if status:
        applications = applications.filter(status=status)
    if department:
        applications = applications.filter(department__iexact=department)
    if submitted_from:
        applications = applications.filter(submitted_at__gte=_start_of_day(submitted_from))
    if submitted_to:
        applications = applications.filter(
            submitted_at__lt=_start_of_day(submitted_to + timedelta(days=1))
        )
    search = search.strip()
    if search:
        applications = applications.filter(
            Q(user__name__icontains=search) | Q(user__email__icontains=search)
        )
    return applications.order_by(F("submitted_at").desc(nulls_last=True), "-created_at", "-pk")


@dataclass(frozen=True)
class Tally:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class ApplicationCounts:
    total: int
    by_status: list[Tally]
    by_role: list[Tally]


def application_counts(applications: QuerySet[Application]) -> ApplicationCounts:
    """How many of ``applications`` there are in each status and each role, counted by
    the database in one query (so the figures always match the filtered list)."""
    statuses, roles = Application.Status.choices, ParticipantRole.choices
    figures = applications.order_by().aggregate(
        total=Count("pk"),
        **{f"status_{value}": Count("pk", filter=Q(status=value)) for value, _ in statuses},
        **{f"role_{value}": Count("pk", filter=Q(role=value)) for value, _ in roles},
    )
    return ApplicationCounts(
        total=figures["total"],
        by_status=[Tally(v, label, figures[f"status_{v}"]) for v, label in statuses],
        by_role=[Tally(v, label, figures[f"role_{v}"]) for v, label in roles],
    )


def scheme_application_counts(scheme: Scheme) -> ApplicationCounts:
    """``application_counts`` of every application to ``scheme``, for its hub."""
    return application_counts(Application.objects.filter(scheme=scheme))


def application_departments(scheme: Scheme) -> list[str]:
    """The departments to filter ``scheme``'s applications by: the scheme's own list,
    or, when it has none, the distinct departments applicants gave (one query)."""
    if scheme.departments:
        return list(scheme.departments)
    return list(
        Application.objects.filter(scheme=scheme)
        .exclude(department="")
        .order_by("department")
        .values_list("department", flat=True)
        .distinct()
    )


def applications_for_user(user) -> QuerySet[Application]:
    """Every application of ``user``, by scheme, with its scheme and the scheme's
    questions (to work out where a draft resumes) in two queries whatever their number."""
    return (
        Application.objects.filter(user=user)
        .select_related("scheme")
        .prefetch_related("scheme__questions")
        .order_by("scheme__name", "role")
    )


def with_resume_steps(
    applications: Iterable[Application],
) -> list[tuple[Application, str | None]]:
    """Each application with the step a draft resumes at (``None`` once submitted), for
    the pages that say what to do next. Load them with ``applications_for_user``, so
    that working the steps out asks the database nothing more."""
    return [
        (
            application,
            resume_step(application) if application.status == Application.Status.DRAFT else None,
        )
        for application in applications
    ]


INVITATION_STATES = [
    ("pending", "Pending"),
    ("accepted", "Accepted"),
    ("revoked", "Revoked"),
    ("expired", "Expired"),
]


def _invitation_state_filters() -> dict[str, Q]:
    now = timezone.now()
    return {
        "pending": Q(status=Invitation.Status.PENDING, expires_at__gt=now),
        "accepted": Q(status=Invitation.Status.ACCEPTED),
        "revoked": Q(status=Invitation.Status.REVOKED),
        "expired": Q(status=Invitation.Status.PENDING, expires_at__lte=now),
    }


def scheme_invitations(scheme: Scheme, state: str = "") -> QuerySet[Invitation]:
    """``scheme``'s invitations, newest first, in one state of ``INVITATION_STATES`` or
    all of them."""
    invitations = Invitation.objects.filter(scheme=scheme).order_by("-created_at", "-pk")
    if state:
        invitations = invitations.filter(_invitation_state_filters()[state])
    return invitations


def invitation_counts(scheme: Scheme) -> dict[str, int]:
    """How many of ``scheme``'s invitations are in each state, and in all, in one query."""
    return Invitation.objects.filter(scheme=scheme).aggregate(
        all=Count("pk"),
        **{state: Count("pk", filter=q) for state, q in _invitation_state_filters().items()},
    )


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
