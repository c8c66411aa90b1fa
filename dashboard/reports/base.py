"""What a report is, and the one registry of them.

Each report is a class with an identifier (its name in URLs and on the command line), a
name and a description for people, its columns for a scope and an iterator of its rows,
reading the database in chunks so that a hundred thousand rows never sit in memory at
once. One piece of code (``dashboard.reports.render``) writes any report as CSV or as
Excel. Rows hold plain values (text, numbers, dates, ``None``); the renderer makes each
cell safe.

A report never reads what a pair wrote: agendas, summaries, actions, reflections, goal
titles, targets, concerns, evaluation comments, final reviews. It reads statuses, dates,
numbers and counts, and people as ``Scope.person`` shows them.
"""

from collections.abc import Iterator
from typing import Any, ClassVar

from dashboard.scope import Scope
from schemes.models import Role
from schemes.selectors import memberships_for_user

__all__ = [
    "CHUNK",
    "REGISTRY",
    "ExportRefused",
    "NamesRefused",
    "Report",
    "check_export",
    "check_named",
    "register",
    "reports_in_order",
    "yes_no",
]

# Rows read from the database at a time.
CHUNK = 2_000

NAMES_REFUSED = (
    "Names and e-mail addresses are only for the coordinators of every scheme in the "
    "export. Export without names: each person then appears as a participant code, the "
    "same in every export of their scheme."
)


class ExportRefused(PermissionError):
    """The reader asked for an export they may not have, as it was asked."""

    title = "This export cannot be made"


class NamesRefused(ExportRefused):
    """The reader asked for names in a scope where they may not have them."""

    title = "Names are not included in this export"


class Report:
    """One export: subclasses set the class attributes and write ``columns`` and
    ``rows``; ``count`` says how many rows ``rows`` will give (for progress, and to
    decide whether a worker writes it)."""

    identifier: ClassVar[str]
    name: ClassVar[str]
    description: ClassVar[str]
    # Where the report comes in lists (links, ``--help``): lower first.
    position: ClassVar[int] = 100

    def columns(self, scope: Scope) -> list[str]:
        raise NotImplementedError

    def rows(self, scope: Scope) -> Iterator[list[Any]]:
        raise NotImplementedError

    def count(self, scope: Scope) -> int:
        raise NotImplementedError

    def refusal(self, scope: Scope) -> str:
        """Why a reader may not have this report for ``scope`` (beyond names, which
        ``check_named`` decides), or "" when they may."""
        return ""

    def file_name(self, scope: Scope, extension: str) -> str:
        return f"{self.identifier}.{extension}"


REGISTRY: dict[str, Report] = {}


def register(cls: type[Report]) -> type[Report]:
    """Add the report ``cls`` to ``REGISTRY`` under its identifier."""
    if cls.identifier in REGISTRY:
        raise ValueError(f"Two reports are named {cls.identifier!r}.")
    REGISTRY[cls.identifier] = cls()
    return cls


def reports_in_order() -> list[Report]:
    """Every registered report, in the order pages list them."""
    return sorted(REGISTRY.values(), key=lambda report: (report.position, report.identifier))


def check_named(scope: Scope) -> None:
    """Raise ``NamesRefused`` unless names are allowed in ``scope``: never asked for, or
    asked by a coordinator of every scheme in it, or from the command line (no reader:
    the server's operator). HR never gets names."""
    if not scope.named or scope.reader is None:
        return
    coordinated = set(
        memberships_for_user(scope.reader)
        .filter(role=Role.COORDINATOR, scheme_id__in=scope.scheme_ids)
        .values_list("scheme_id", flat=True)
    )
    if not scope.scheme_ids or coordinated != set(scope.scheme_ids):
        raise NamesRefused(NAMES_REFUSED)


def check_export(report: Report, scope: Scope) -> None:
    """Raise ``ExportRefused`` (or ``NamesRefused``) unless the reader of ``scope`` may
    have ``report`` for it. The command line (no reader) may have every report."""
    check_named(scope)
    if scope.reader is not None and (reason := report.refusal(scope)):
        raise ExportRefused(reason)


def yes_no(value: bool | None) -> str:
    """A yes/no cell; empty when not answered."""
    if value is None:
        return ""
    return "yes" if value else "no"


class People:
    """How people appear in rows: ``Scope.person`` without loading user objects, from
    the id, name and e-mail a ``values()`` query read."""

    def __init__(self, scope: Scope):
        self.scope = scope

    def __call__(self, scheme_id: int, user_id: int | None, name: str, email: str) -> list[str]:
        if user_id is None:
            return ["", ""]
        person = _Person(user_id, name, email)
        return list(self.scope.person(scheme_id, person))


class _Person:
    """Enough of a user for ``Scope.person``."""

    __slots__ = ("email", "name", "pk")

    def __init__(self, pk: int, name: str, email: str):
        self.pk, self.name, self.email = pk, name, email

    @property
    def display_name(self) -> str:
        return self.name or self.email


def in_period(queryset, field: str, scope: Scope):
    """``queryset`` limited to rows whose ``field`` (a date-time) falls in the scope's
    period, read as dates in the site's time zone; both ends included."""
    if scope.start:
        queryset = queryset.filter(**{f"{field}__date__gte": scope.start})
    if scope.end:
        queryset = queryset.filter(**{f"{field}__date__lte": scope.end})
    return queryset


def mentee_filters(prefix: str, scope: Scope) -> dict[str, str]:
    """The department and grade filters on the mentee's application reached through
    ``prefix`` (e.g. ``"mentee_application__"``)."""
    filters = {}
    if scope.department:
        filters[f"{prefix}department"] = scope.department
    if scope.grade:
        filters[f"{prefix}grade"] = scope.grade
    return filters


def local_date(value):
    """The date of a date-time in the site's time zone; ``None`` stays ``None``."""
    from django.utils import timezone

    return timezone.localdate(value) if value else None
