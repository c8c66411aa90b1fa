"""Applying the retention schedule (``privacy.retention``): the daily job's one service,
``retention_apply``, the coordinators' notice a fortnight before a closed scheme's
personal data goes, and the preview the ``apply_retention --dry-run`` command prints."""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from mentoring.audit import AuditEntry, audit_record
from mentoring.emails import send_email
from mentoring.outbox import outbox_add
from privacy.models import RetentionNotice
from privacy.retention import (
    NOTICE_DAYS,
    RetentionKind,
    RetentionScope,
    SchemeRetention,
    retention_kinds,
    retention_scope,
    scheme_retention,
)
from schemes.models import Scheme
from schemes.selectors import scheme_coordinators

__all__ = [
    "RETENTION_NOTICE_EMAIL",
    "RetentionIncomplete",
    "RetentionPreview",
    "RetentionResult",
    "retention_apply",
    "retention_notice_email_send",
    "retention_notices_send",
    "retention_preview",
]

logger = logging.getLogger(__name__)

RETENTION_NOTICE_EMAIL = "privacy.retention_notice"


class RetentionIncomplete(RuntimeError):
    """Some kinds could not be applied; the others were, and were recorded."""


@dataclass(frozen=True)
class Notice:
    """A closed scheme whose coordinators are told that its personal data goes on
    ``removal_on``."""

    scheme: SchemeRetention
    removal_on: date


@dataclass(frozen=True)
class RetentionResult:
    """What a run removed, by kind (kinds with nothing removed left out), and the
    notices it sent."""

    removed: dict[str, int]
    notices: list[Notice] = field(default_factory=list)


@dataclass(frozen=True)
class KindPreview:
    """How many rows of one kind are due, and for a kind kept per scheme, how many in
    each scheme (schemes with none left out)."""

    kind: RetentionKind
    count: int
    schemes: list[tuple[SchemeRetention, int]]


@dataclass(frozen=True)
class RetentionPreview:
    """What a run at ``now`` would do, changing nothing."""

    now: datetime
    kinds: list[KindPreview]
    notices: list[Notice]
    # Closed schemes already told, whose data goes on a later day.
    upcoming: list[SchemeRetention]


def _scheme_kinds() -> list[RetentionKind]:
    return [kind for kind in retention_kinds() if kind.per_scheme]


def _removal_on(scheme: SchemeRetention, today: date) -> date:
    """The day a scheme told today loses its data: its due date, or a fortnight on."""
    return max(scheme.due_on, today + timedelta(days=NOTICE_DAYS))


def _holds_data(scheme_id: int, *, now: datetime) -> list[tuple[RetentionKind, int]]:
    """The per-scheme kinds of which the scheme still holds something, with how much."""
    scope = RetentionScope(now=now, scheme_ids=(scheme_id,))
    counted = [(kind, kind.count(scope)) for kind in _scheme_kinds()]
    return [(kind, count) for kind, count in counted if count]


def retention_preview(*, now: datetime) -> RetentionPreview:
    """What ``retention_apply(now=now)`` would remove and whom it would tell, per kind
    and, for the kinds kept per scheme, per scheme. Changes nothing."""
    scope, schemes = retention_scope(now=now)
    today = timezone.localdate(now)
    due = [scheme for scheme in schemes if scheme.scheme_id in scope.scheme_ids]
    kinds = []
    for kind in retention_kinds():
        per_scheme: list[tuple[SchemeRetention, int]] = []
        if kind.per_scheme:
            for scheme in due:
                count = kind.count(RetentionScope(now=now, scheme_ids=(scheme.scheme_id,)))
                if count:
                    per_scheme.append((scheme, count))
            total = sum(count for _, count in per_scheme)
        else:
            total = kind.count(scope)
        kinds.append(KindPreview(kind=kind, count=total, schemes=per_scheme))
    notices = [
        Notice(scheme=scheme, removal_on=_removal_on(scheme, today))
        for scheme in schemes
        if scheme.notice_due(today) and _holds_data(scheme.scheme_id, now=now)
    ]
    upcoming = [
        scheme for scheme in schemes if scheme.removal_on is not None and not scheme.is_due(today)
    ]
    return RetentionPreview(now=now, kinds=kinds, notices=notices, upcoming=upcoming)


def retention_apply(*, now: datetime) -> RetentionResult:
    """Apply every kind of the schedule at ``now`` (the daily job), then send the
    notices that are due.

    Each kind is removed in a transaction of its own, so that a kind that fails leaves
    the others done; what was removed is recorded in one audit entry (none when nothing
    was), and then ``RetentionIncomplete`` names the kinds that failed, for tomorrow's
    run to try again."""
    scope, _ = retention_scope(now=now)
    removed: dict[str, int] = {}
    failed: list[str] = []
    for kind in retention_kinds():
        try:
            with transaction.atomic():
                count = kind.apply(scope)
        except Exception:
            logger.exception("The retention schedule could not remove %s.", kind.key)
            failed.append(kind.key)
            continue
        if count:
            removed[kind.key] = count
    if removed:
        audit_record(AuditEntry.Action.RETENTION_APPLIED, actor=None, detail=removed)
    notices = retention_notices_send(now=now)
    if failed:
        raise RetentionIncomplete(f"Not applied: {', '.join(failed)}.")
    return RetentionResult(removed=removed, notices=notices)


def retention_notices_send(*, now: datetime) -> list[Notice]:
    """Tell the coordinators of each closed scheme whose period ends within a fortnight
    that its personal data will be removed, once per scheme and due date. Returns the
    notices e-mailed (a scheme with nothing left to remove is recorded, not e-mailed)."""
    today = timezone.localdate(now)
    sent = []
    for scheme in scheme_retention():
        if scheme.notice_due(today):
            notice = _notice_record(scheme=scheme, now=now)
            if notice is not None:
                sent.append(notice)
    return sent


@transaction.atomic
def _notice_record(*, scheme: SchemeRetention, now: datetime) -> Notice | None:
    """Record the notice of ``scheme`` for each kind kept per scheme and put its e-mail
    in the outbox; None when another run recorded it first, or nothing is left."""
    first, *others = _scheme_kinds()
    try:
        # The first row claims the notice: a second run at the same moment fails here.
        with transaction.atomic():
            RetentionNotice.objects.create(
                scheme_id=scheme.scheme_id, kind=first.key, due_on=scheme.due_on, notified_at=now
            )
    except IntegrityError:
        return None
    RetentionNotice.objects.bulk_create(
        [
            RetentionNotice(
                scheme_id=scheme.scheme_id, kind=kind.key, due_on=scheme.due_on, notified_at=now
            )
            for kind in others
        ],
        ignore_conflicts=True,
    )
    if not _holds_data(scheme.scheme_id, now=now):
        return None
    removal_on = _removal_on(scheme, timezone.localdate(now))
    outbox_add(
        handler=RETENTION_NOTICE_EMAIL,
        payload={"scheme_id": scheme.scheme_id, "removal_on": removal_on.isoformat()},
        subject=("scheme", scheme.scheme_id),
        scheme_id=scheme.scheme_id,
    )
    return Notice(scheme=scheme, removal_on=removal_on)


def retention_notice_email_send(*, scheme_id: int, removal_on: str) -> int:
    """E-mail each active coordinator of the scheme what of its personal data will be
    removed on ``removal_on`` (the outbox's handler). Nothing when the scheme was opened
    again meanwhile, or nothing is left to remove. Returns the number sent."""
    scheme = Scheme.objects.filter(pk=scheme_id, status=Scheme.Status.CLOSED).first()
    if scheme is None:
        return 0
    going = _holds_data(scheme.pk, now=timezone.now())
    if not going:
        return 0
    sent = 0
    for coordinator in scheme_coordinators(scheme):
        if coordinator.is_active:
            send_email(
                name="retention_notice",
                to=[coordinator.email],
                context={
                    "user": coordinator,
                    "scheme": scheme,
                    "removal_on": date.fromisoformat(removal_on),
                    "kinds": [kind for kind, _ in going],
                },
            )
            sent += 1
    return sent
