"""What the erasure pages read: what erasing would do to a person (their open
mentorships, named to them; their applications under way; the schemes they alone
coordinate), and the erasure requests the coordinators of a scheme and the site's
administrators see, with no identity."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Count, Q

from matching.models import Mentorship
from privacy.models import ErasureRequest
from schemes.models import Application, Membership, Role, Scheme

__all__ = [
    "ErasureConsequences",
    "ErasureRow",
    "erasure_consequences",
    "erasure_rows",
    "erasure_rows_for_scheme",
]

ROLE_LABELS = {
    Role.COORDINATOR.value: "coordinator",
    Role.MENTOR.value: "mentor",
    Role.MENTEE.value: "mentee",
    "report_viewer": "report viewer (HR)",
    "administrator": "site administrator",
}


@dataclass(frozen=True)
class OpenPair:
    """An open mentorship of the person, as they see it: the other person named."""

    mentorship: Mentorship
    role: str
    other_name: str
    other_role: str

    @property
    def started(self) -> bool:
        return self.mentorship.status == Mentorship.Status.ACTIVE


@dataclass(frozen=True)
class ErasureConsequences:
    open_pairs: list[OpenPair]
    applications_under_way: list[Application]
    sole_coordinator_of: Sequence[Scheme]
    site_roles: list[str]

    @property
    def ends_mentorships(self) -> bool:
        return bool(self.open_pairs)


def erasure_consequences(user: Any) -> ErasureConsequences:
    """What erasing ``user``'s account would end or withdraw, in four queries."""
    pairs = [
        OpenPair(
            mentorship=m,
            role="mentee" if m.mentee_id == user.pk else "mentor",
            other_name=(m.mentor if m.mentee_id == user.pk else m.mentee).display_name,
            other_role="mentor" if m.mentee_id == user.pk else "mentee",
        )
        for m in Mentorship.objects.filter(
            Q(mentee=user) | Q(mentor=user), status__in=Mentorship.OPEN
        )
        .select_related("scheme", "mentee", "mentor")
        .order_by("scheme__name", "pk")
    ]
    applications = list(
        Application.objects.filter(user=user, status__in=Application.EDITABLE)
        .select_related("scheme")
        .order_by("scheme__name", "role")
    )
    coordinated = Membership.objects.filter(user=user, role=Role.COORDINATOR).values("scheme_id")
    sole = list(
        Scheme.objects.filter(pk__in=coordinated)
        .annotate(coordinators=Count("memberships", filter=Q(memberships__role=Role.COORDINATOR)))
        .filter(coordinators=1)
        .order_by("name")
    )
    site_roles = []
    if user.is_staff or user.is_superuser:
        site_roles.append(ROLE_LABELS["administrator"])
    if user.is_report_viewer:
        site_roles.append(ROLE_LABELS["report_viewer"])
    return ErasureConsequences(pairs, applications, sole, site_roles)


@dataclass(frozen=True)
class ErasureRow:
    """One erasure as its readers see it: when, where and in which roles, how many
    mentorships it ended; never whose."""

    requested_at: datetime
    erased_at: datetime | None
    status: str
    roles: list[str]
    mentorships_ended: int
    schemes: list[str] = field(default_factory=list)


def _roles_in(entries: list, scheme_id: int | None) -> list[tuple[str, int]]:
    """(role label, mentorships ended) of the entries of ``ErasureRequest.roles`` in
    ``scheme_id`` (every entry when None)."""
    found = []
    for entry in entries or []:
        if not isinstance(entry, dict):
            continue
        if scheme_id is not None and entry.get("scheme") != scheme_id:
            continue
        role = str(entry.get("role", ""))
        found.append((ROLE_LABELS.get(role, role), int(entry.get("ended") or 0)))
    return found


def erasure_rows_for_scheme(scheme: Scheme) -> list[ErasureRow]:
    """The erasures of people who took part in ``scheme``, the latest first, with their
    roles and the mentorships ended in it, in one query. The schemes a request covers
    are a JSON list: PostgreSQL finds the scheme's in it; SQLite cannot, so there the
    requests (a handful a year) are read whole and chosen here."""
    requests = ErasureRequest.objects.order_by("-requested_at", "-pk").only(
        "requested_at", "erased_at", "status", "scheme_ids", "roles"
    )
    if connection.features.supports_json_field_contains:
        requests = requests.filter(scheme_ids__contains=[scheme.pk])
    rows = []
    for request in requests:
        if scheme.pk not in (request.scheme_ids or []):
            continue
        roles = _roles_in(request.roles, scheme.pk)
        rows.append(
            ErasureRow(
                requested_at=request.requested_at,
                erased_at=request.erased_at,
                status=request.get_status_display(),
                roles=sorted({label for label, _ in roles}),
                mentorships_ended=sum(ended for _, ended in roles),
            )
        )
    return rows


def erasure_rows(requests: list[ErasureRequest]) -> list[ErasureRow]:
    """``requests`` (one page of them) for the site's administrators, with the names
    of their schemes (one query)."""
    ids = {pk for request in requests for pk in request.scheme_ids or []}
    names = dict(Scheme.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    return [
        ErasureRow(
            requested_at=request.requested_at,
            erased_at=request.erased_at,
            status=request.get_status_display(),
            roles=sorted({label for label, _ in _roles_in(request.roles, None)}),
            mentorships_ended=request.mentorships_ended,
            schemes=[names.get(pk, "a scheme deleted since") for pk in request.scheme_ids or []],
        )
        for request in requests
    ]
