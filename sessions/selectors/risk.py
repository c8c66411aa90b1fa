"""What the coordinators' reminder pages read: the scheme's pairs at risk with their
follow-up, and the reminders the outbox gave up sending.

The pairs at risk are the flags of ``reminders_scan`` (one set of rules, read in one
place), joined with the coordinators' ``RiskHandling`` rows and the pairs' people in a
fixed number of queries, whatever the number of pairs. A coordinator who is also in a
pair never sees that pair's flags, nor the notes on them, and cannot handle them: a
coordinator never deals with a pair they are in, as on the concerns list.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from matching.models import Mentorship
from mentoring.models import OutboxMessage
from schemes.models import Scheme
from sessions.models import Reminder, RiskHandling
from sessions.rules import Rule, rule_for
from sessions.selectors.reminders import (
    Risk,
    coordinator_pair_url,
    reminders_scan,
)
from sessions.services.reminders import REMINDER_EMAIL

__all__ = [
    "AtRisk",
    "FailedReminder",
    "FailedReminders",
    "RiskRow",
    "at_risk_count",
    "at_risk_flag",
    "at_risk_for",
    "failed_reminders",
]

# Flags that carry what one person of the pair told the coordinators.
FAILED_SHOWN = 50


@dataclass(frozen=True)
class RiskRow:
    """One flag of one pair, with the coordinators' follow-up of it."""

    risk: Risk
    mentorship: Mentorship
    handling: RiskHandling | None
    since: date  # in the scheme's time zone
    index: int  # unique on the page (the ids of its fields)

    @property
    def reason(self) -> str:
        return self.risk.reason

    @property
    def situation(self) -> str:
        return self.risk.situation

    @property
    def label(self) -> str:
        return self.risk.label

    @property
    def detail(self) -> str:
        return self.risk.detail

    @property
    def rule(self) -> Rule | None:
        return rule_for(self.risk.rule) if self.risk.rule else None

    @property
    def is_handled(self) -> bool:
        return self.handling is not None and self.handling.handled_at is not None

    @property
    def note(self) -> str:
        return self.handling.note if self.handling else ""

    @property
    def key(self) -> tuple[int, str, str]:
        return self.risk.key

    @property
    def pair_name(self) -> str:
        return f"{self.mentorship.mentee.display_name} and {self.mentorship.mentor.display_name}"

    @property
    def pair_url(self) -> str:
        """The pair's page for its coordinators (the matches waiting for an answer,
        for a match not yet started)."""
        return coordinator_pair_url(self.mentorship)


@dataclass(frozen=True)
class AtRisk:
    """The scheme's flags: open ones (the oldest first) and handled ones (the latest
    handled first)."""

    open: list[RiskRow] = field(default_factory=list)
    handled: list[RiskRow] = field(default_factory=list)
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo(settings.TIME_ZONE))

    @property
    def pairs(self) -> int:
        """How many pairs have an open flag."""
        return len({row.mentorship.pk for row in self.open})

    @property
    def rows(self) -> list[RiskRow]:
        return [*self.open, *self.handled]

    def row(self, key: tuple[int, str, str]) -> RiskRow | None:
        return next((row for row in self.rows if row.key == key), None)


def _readable(risk: Risk, mentorship: Mentorship, reader: Any) -> bool:
    # A coordinator never deals with a pair they are in (as on the concerns list).
    return reader.pk not in (mentorship.mentee_id, mentorship.mentor_id)


def at_risk_for(
    scheme: Scheme,
    *,
    reader: Any,
    now: datetime | None = None,
    mentorship_ids: list[int] | None = None,
) -> AtRisk:
    """Every flag of ``scheme``'s pairs now (or of ``mentorship_ids`` only) that
    ``reader``, one of its coordinators, may see, with its handling."""
    scan = reminders_scan(
        now=now or timezone.now(),
        scheme_ids=[scheme.pk],
        mentorship_ids=mentorship_ids,
        risks_only=True,
    )
    zone = scan.zones.get(scheme.pk, ZoneInfo(settings.TIME_ZONE))
    risks = [risk for risk in scan.risks if risk.scheme_id == scheme.pk]
    if not risks:
        return AtRisk(zone=zone)
    ids = {risk.mentorship_id for risk in risks}
    pairs = Mentorship.objects.select_related("scheme", "mentee", "mentor").in_bulk(ids)
    handlings = {
        (row.mentorship_id, row.reason, row.situation): row
        for row in RiskHandling.objects.select_related("handled_by").filter(mentorship_id__in=ids)
    }
    rows = [
        RiskRow(
            risk=risk,
            mentorship=pairs[risk.mentorship_id],
            handling=handlings.get(risk.key),
            since=risk.since.astimezone(zone).date(),
            index=index,
        )
        for index, risk in enumerate(risks)
        if risk.mentorship_id in pairs and _readable(risk, pairs[risk.mentorship_id], reader)
    ]
    open_rows = sorted(
        (row for row in rows if not row.is_handled),
        key=lambda row: (row.risk.since, row.mentorship.pk, row.reason),
    )
    handled_rows = sorted(
        (row for row in rows if row.is_handled),
        key=lambda row: (row.handling.handled_at, row.mentorship.pk),  # type: ignore[union-attr]
        reverse=True,
    )
    return AtRisk(open=open_rows, handled=handled_rows, zone=zone)


def at_risk_count(scheme: Scheme, *, reader: Any, now: datetime | None = None) -> int:
    """How many of ``scheme``'s pairs have a flag no coordinator has handled (the
    scheme's hub), in the same fixed number of queries as the page."""
    return at_risk_for(scheme, reader=reader, now=now).pairs


def at_risk_flag(
    scheme: Scheme,
    mentorship: Mentorship,
    *,
    reader: Any,
    reason: str,
    situation: str,
    now: datetime | None = None,
) -> RiskRow | None:
    """The flag (``reason``, ``situation``) of ``mentorship`` if the pair is flagged
    for it now and ``reader`` may see it; None when the situation has changed."""
    found = at_risk_for(scheme, reader=reader, now=now, mentorship_ids=[mentorship.pk])
    return found.row((mentorship.pk, reason, situation))


# Reminders that could not be sent -------------------------------------------------------


@dataclass(frozen=True)
class FailedReminder:
    """A reminder e-mail the outbox gave up on, with what it was and to whom."""

    message: OutboxMessage
    reminder: Reminder

    @property
    def label(self) -> str:
        return rule_for(self.reminder.kind).label

    @property
    def recipient(self) -> str:
        user = self.reminder.user
        return user.display_name if user is not None else self.reminder.email


@dataclass(frozen=True)
class FailedReminders:
    rows: list[FailedReminder]
    total: int  # every failed reminder e-mail of the scheme (the rows are the latest)


def failed_reminders(scheme: Scheme, *, limit: int = FAILED_SHOWN) -> FailedReminders:
    """The reminder e-mails of ``scheme`` that failed after the outbox's last retry,
    the latest first, in three queries. A row whose reminder no longer exists (its
    pair was deleted) is left out: there is nothing to send again."""
    failed = OutboxMessage.objects.filter(
        handler=REMINDER_EMAIL,
        scheme_id=scheme.pk,
        kind=OutboxMessage.Kind.EMAIL,
        status=OutboxMessage.Status.FAILED,
    )
    total = failed.count()
    if not total:
        return FailedReminders(rows=[], total=0)
    messages = list(failed.order_by("-updated_at", "-pk")[:limit])
    ids = {_reminder_id(message) for message in messages} - {None}
    reminders = Reminder.objects.select_related("user").filter(scheme=scheme).in_bulk(ids)
    rows = [
        FailedReminder(message=message, reminder=reminders[reminder_id])
        for message in messages
        if (reminder_id := _reminder_id(message)) in reminders
    ]
    return FailedReminders(rows=rows, total=total)


def _reminder_id(message: OutboxMessage) -> int | None:
    value = message.payload.get("reminder_id") if isinstance(message.payload, dict) else None
    return value if isinstance(value, int) else message.subject_id
