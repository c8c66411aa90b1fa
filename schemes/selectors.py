"""Reads of schemes, memberships and applications shared by views and reports."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from schemes.models import Application, Membership, ParticipantRole, Role, Scheme


def memberships_for_user(user) -> QuerySet[Membership]:
    """Every role ``user`` holds, with its scheme, in one query."""
    return (
        Membership.objects.filter(user=user)
        .select_related("scheme")
        .order_by("scheme__name", "role")
    )


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


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
