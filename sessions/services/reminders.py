"""Reminders sent once, on time: the sweep, the sending, and the choices people and
schemes make about them.

The sweep (``reminders_sweep``, hourly from beat) asks ``reminders_scan`` what is due
and records each reminder under the unique constraint of ``Reminder``: an insert that
skips what is already recorded. Each sweep stamps its rows with its own ``claim`` and
hands to the outbox only the rows it inserted itself, in the same transaction, so a
retried task, an overlapping beat tick or two workers never send one reminder twice.

The outbox's handler (``reminder_send``) asks again, just before sending, whether the
reminder is still due (the agenda may have been written meanwhile) and whether the
person wants it by e-mail; a mail server that fails is retried by the outbox with
back-off, and its final failure is shown to the scheme's coordinators on the
Reminders page. Every reminder, e-mailed or not, is also the person's in-app
notification.

Reminders to people go from 08:00 in the scheme's time zone; the digest at 09:00 on
Mondays.
"""

import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from matching.models import Mentorship
from mentoring.emails import render_email
from mentoring.models import User
from mentoring.outbox import outbox_add_many
from schemes.models import Scheme
from sessions.calendar import session_ics
from sessions.models import (
    Evaluation,
    MentoringSession,
    NotificationPreference,
    Reminder,
    ReminderRule,
    RiskHandling,
)
from sessions.rules import KINDS, rule_for
from sessions.selectors.reminders import (
    Due,
    coordinator_pair_url,
    reminder_url,
    reminders_scan,
    risks_remember,
)

__all__ = [
    "PEOPLE_FROM_HOUR",
    "REMINDER_EMAIL",
    "SweepResult",
    "digest_render",
    "notification_open",
    "notification_preferences_update",
    "notifications_read_all",
    "reminder_render",
    "reminder_rule_update",
    "reminder_send",
    "reminders_sweep",
    "risk_handle",
    "unsubscribe",
    "unsubscribe_read",
    "unsubscribe_token",
]

logger = logging.getLogger(__name__)

REMINDER_EMAIL = "sessions.reminder"
UNSUBSCRIBE_SALT = "sessions.notifications.unsubscribe"
# Reminders to people are sent from this hour in the scheme's time zone.
PEOPLE_FROM_HOUR = 8
INSERT_BATCH = 2000
# How far back the sweep reads the records it need not insert again.
RECENT = timedelta(days=180)


@dataclass(frozen=True)
class SweepResult:
    found: int  # reminders the rules call for now (recorded before or not)
    recorded: int  # recorded by this sweep, and handed to the outbox
    risks: int  # pairs at risk
    queries: int  # queries the scan made to decide


def _awake(due: Due, now: datetime, zones: dict) -> bool:
    if due.kind == "digest":
        return True  # the scan sends it at 09:00 already
    return now.astimezone(zones[due.scheme_id]).hour >= PEOPLE_FROM_HOUR


def reminders_sweep(
    *, now: datetime | None = None, scheme_ids: list[int] | None = None
) -> SweepResult:
    """Record every reminder due now that is not recorded yet (in every scheme, or in
    ``scheme_ids``), and hand those this sweep recorded to the outbox, in one
    transaction."""
    now = now or timezone.now()
    scan = reminders_scan(now=now, scheme_ids=scheme_ids)
    due = [item for item in scan.due if _awake(item, now, scan.zones)]
    # What recent sweeps recorded is left out before inserting (the hourly sweep finds
    # most of it again); the unique constraint alone decides, so an older record that
    # is not read here is still skipped by the insert.
    recorded = set(
        Reminder.objects.filter(
            scheme_id__in={item.scheme_id for item in due},
            created_at__gte=now - RECENT,
        )
        .order_by()
        .values_list("kind", "recipient", "subject_type", "subject_id", "occasion")
    )
    new = [item for item in due if item.key not in recorded]
    claim = uuid.uuid4()
    with transaction.atomic():
        Reminder.objects.bulk_create(
            [
                Reminder(
                    kind=item.kind,
                    scheme_id=item.scheme_id,
                    recipient=item.recipient,
                    user_id=item.user_id,
                    email=item.email,
                    subject_type=item.subject_type,
                    subject_id=item.subject_id,
                    mentorship_id=item.mentorship_id,
                    occasion=item.occasion,
                    claim=claim,
                    created_at=now,
                )
                for item in new
            ],
            ignore_conflicts=True,
            batch_size=INSERT_BATCH,
        )
        mine: dict[int, list[int]] = defaultdict(list)
        for pk, scheme_id in Reminder.objects.filter(claim=claim).values_list("pk", "scheme_id"):
            mine[scheme_id].append(pk)
        for scheme_id, ids in mine.items():
            outbox_add_many(
                handler=REMINDER_EMAIL,
                payloads=[{"reminder_id": pk} for pk in ids],
                subjects=[("reminder", pk) for pk in ids],
                scheme_id=scheme_id,
            )
    risks_remember(scan, now)
    return SweepResult(
        found=len(due),
        recorded=sum(len(ids) for ids in mine.values()),
        risks=len(scan.risks),
        queries=scan.queries,
    )


# Sending -------------------------------------------------------------------------------


def _still_due(reminder: Reminder, now: datetime) -> bool:
    """Whether the rules still call for ``reminder`` now (the thing may be done)."""
    if reminder.kind == "window_closing":
        scan = reminders_scan(
            now=now,
            scheme_ids=[reminder.scheme_id],
            mentorship_ids=[],
            invitation_ids=[reminder.subject_id],
        )
    elif reminder.kind == "digest":
        return bool(_digest_risks(reminder.scheme_id, now, reminder.user_id))
    else:
        scan = reminders_scan(
            now=now,
            scheme_ids=[reminder.scheme_id],
            mentorship_ids=[reminder.mentorship_id or 0],
            include_window=False,
        )
    key = (
        reminder.kind,
        reminder.recipient,
        reminder.subject_type,
        reminder.subject_id,
        reminder.occasion,
    )
    return any(item.key == key for item in scan.due)


def _digest_risks(scheme_id: int, now: datetime, reader_id: int | None) -> list[dict[str, Any]]:
    """The scheme's pairs at risk that no coordinator has handled, for the digest of
    the coordinator ``reader_id``: a pair they are in is left out, as on the at-risk
    page (a coordinator never deals with their own pair)."""
    scan = reminders_scan(now=now, scheme_ids=[scheme_id], risks_only=True)
    handled = set(
        RiskHandling.objects.filter(
            mentorship__scheme_id=scheme_id, handled_at__isnull=False
        ).values_list("mentorship_id", "reason", "situation")
    )
    open_risks = [risk for risk in scan.risks if risk.key not in handled]
    pairs = Mentorship.objects.select_related("mentee", "mentor", "scheme").in_bulk(
        {risk.mentorship_id for risk in open_risks}
    )
    open_risks = [
        risk
        for risk in open_risks
        if reader_id
        not in (pairs[risk.mentorship_id].mentee_id, pairs[risk.mentorship_id].mentor_id)
    ]
    return [
        {
            "label": risk.label,
            "detail": risk.detail,
            "since": risk.since,
            "mentee": pairs[risk.mentorship_id].mentee.display_name,
            "mentor": pairs[risk.mentorship_id].mentor.display_name,
            "url": settings.SITE_URL + coordinator_pair_url(pairs[risk.mentorship_id]),
        }
        for risk in sorted(open_risks, key=lambda r: r.since)
    ]


def _wants_email(reminder: Reminder) -> bool:
    if rule_for(reminder.kind).essential:
        return True
    person = (
        Q(user_id=reminder.user_id)
        if reminder.user_id
        else Q(user__isnull=True, email__iexact=reminder.email)
    )
    choice = NotificationPreference.objects.filter(person, kind=reminder.kind).first()
    return choice is None or choice.by_email


def _context(reminder: Reminder, now: datetime) -> tuple[dict[str, Any], list]:
    """What the reminder's e-mail says, and its attachments."""
    from sessions.selectors.settings import scheme_time_zone

    scheme = Scheme.objects.get(pk=reminder.scheme_id)
    context: dict[str, Any] = {
        "scheme": scheme,
        "kind": reminder.kind,
        "rule": rule_for(reminder.kind),
        "action_url": settings.SITE_URL + reminder_url(reminder),
        "settings_url": settings.SITE_URL + reverse("sessions:notification_settings"),
        "zone": str(scheme_time_zone(scheme)),
    }
    attachments: list = []
    if reminder.mentorship_id:
        mentorship = Mentorship.objects.select_related("mentee", "mentor").get(
            pk=reminder.mentorship_id
        )
        me_mentee = reminder.user_id == mentorship.mentee_id
        context.update(
            mentorship=mentorship,
            role="mentee" if me_mentee else "mentor",
            other=mentorship.mentor if me_mentee else mentorship.mentee,
        )
    if reminder.subject_type == "session":
        session = MentoringSession.objects.get(pk=reminder.subject_id)
        context.update(session=session, starts_local=session.starts_at)
        if reminder.kind == "session_tomorrow":
            attachments.append(("session.ics", session_ics(session), "text/calendar"))
    if reminder.kind == "evaluation_due":
        milestone, _, again = reminder.occasion.partition(":")
        context.update(milestone=Evaluation.Milestone(milestone).label, again=bool(again))
    if reminder.kind == "match_unanswered":
        context.update(respond_by=context["mentorship"].respond_by)
    if reminder.kind == "gap":
        context.update(gap_weeks=scheme.max_gap_weeks)
    if reminder.kind == "window_closing":
        context.update(close_on=scheme.applications_close_on)
    if reminder.kind == "digest":
        context.update(risks=_digest_risks(scheme.pk, now, reminder.user_id))
    return context, attachments


def reminder_send(*, reminder_id: int) -> str:
    """The outbox's handler: e-mail the reminder if it is still due and wanted.
    Returns the reminder's status afterwards."""
    now = timezone.now()
    reminder = Reminder.objects.select_related("user").filter(pk=reminder_id).first()
    if reminder is None or reminder.status != Reminder.Status.QUEUED:
        return reminder.status if reminder else "missing"
    user = reminder.user
    if user is not None and not user.is_active:
        return _finish(reminder, Reminder.Status.SKIPPED, "The account is closed.")
    if not _still_due(reminder, now):
        return _finish(reminder, Reminder.Status.SKIPPED, "Done before it was sent.")
    if not _wants_email(reminder):
        return _finish(reminder, Reminder.Status.IN_APP, "E-mail switched off by the person.")
    with timezone.override(_zone(reminder)):
        reminder_render(reminder, now=now).send()
    return _finish(reminder, Reminder.Status.SENT, "", sent_at=timezone.now())


def _zone(reminder: Reminder) -> str:
    from sessions.selectors.settings import scheme_time_zone

    return str(scheme_time_zone(Scheme.objects.get(pk=reminder.scheme_id)))


def reminder_render(reminder: Reminder, *, now: datetime | None = None) -> EmailMultiAlternatives:
    """The e-mail of ``reminder`` as it would be sent now (its times in the scheme's
    time zone when rendered inside ``timezone.override``), with the one-click
    unsubscribe headers of RFC 8058 for an optional reminder."""
    now = now or timezone.now()
    context, attachments = _context(reminder, now)
    user = reminder.user
    to = user.email if user is not None else reminder.email
    context.update(user=user, name=user.get_short_name() if user else "")
    headers: dict[str, str] = {}
    if not rule_for(reminder.kind).essential:
        link = settings.SITE_URL + reverse(
            "sessions:unsubscribe", kwargs={"token": unsubscribe_token(reminder=reminder)}
        )
        context["unsubscribe_url"] = link
        headers = {
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    return render_email(
        name=f"reminder_{reminder.kind}",
        to=[to],
        context=context,
        attachments=attachments,
        headers=headers,
    )


def digest_render(*, scheme: Scheme, coordinator: User, now: datetime | None = None):
    """The digest ``coordinator`` would get now for ``scheme`` (``send_digest
    --dry-run``), or None when no pair is at risk."""
    now = now or timezone.now()
    if not _digest_risks(scheme.pk, now, coordinator.pk):
        return None
    reminder = Reminder(
        kind="digest",
        scheme=scheme,
        recipient=f"user:{coordinator.pk}",
        user=coordinator,
        subject_type="scheme",
        subject_id=scheme.pk,
        occasion=now.date().isoformat(),
    )
    with timezone.override(_zone(reminder)):
        return reminder_render(reminder, now=now)


def _finish(reminder: Reminder, status: str, detail: str, sent_at: datetime | None = None) -> str:
    Reminder.objects.filter(pk=reminder.pk, status=Reminder.Status.QUEUED).update(
        status=status, detail=detail, sent_at=sent_at
    )
    return status


# Choices of people ---------------------------------------------------------------------


def unsubscribe_token(*, reminder: Reminder) -> str:
    """A signed token naming the person and the kind of reminder, for the one-click
    unsubscribe link of its e-mail (RFC 8058)."""
    if reminder.user_id:
        return signing.dumps({"u": reminder.user_id, "k": reminder.kind}, salt=UNSUBSCRIBE_SALT)
    return signing.dumps({"e": reminder.email, "k": reminder.kind}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_read(token: str) -> tuple[int | None, str, str] | None:
    """(user id, e-mail, kind) of a valid token; None for any other string."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in KINDS:
        return None
    if rule_for(data["k"]).essential:
        return None
    user_id, email = data.get("u"), data.get("e", "")
    if not (isinstance(user_id, int) or (isinstance(email, str) and email)):
        return None
    return (user_id if isinstance(user_id, int) else None, email or "", data["k"])


@transaction.atomic
def unsubscribe(*, token: str) -> str:
    """Stop e-mails of the token's kind to its person. Returns the kind; a token that
    is not valid raises ValidationError."""
    read = unsubscribe_read(token)
    if read is None:
        raise ValidationError("This unsubscribe link is not valid.")
    user_id, email, kind = read
    if user_id is not None:
        if not User.objects.filter(pk=user_id).exists():
            raise ValidationError("This unsubscribe link is not valid.")
        NotificationPreference.objects.update_or_create(
            user_id=user_id, kind=kind, defaults={"by_email": False}
        )
    else:
        NotificationPreference.objects.update_or_create(
            user=None, email=email.lower(), kind=kind, defaults={"by_email": False}
        )
    return kind


@transaction.atomic
def notification_preferences_update(*, user: User, by_email: dict[str, bool]) -> None:
    """Save ``user``'s choice, by kind, of the optional reminders they get by e-mail.
    Essential reminders and the coordinators' digest for a non-coordinator are not
    choices and are ignored."""
    for kind, wanted in by_email.items():
        if kind not in KINDS or rule_for(kind).essential:
            continue
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"by_email": bool(wanted)}
        )


def notification_open(*, user: User, reminder: Reminder) -> Reminder:
    """Mark ``user``'s notification read (opening it)."""
    if reminder.user_id != user.pk:
        raise ValidationError("This is not your notification.")
    if reminder.read_at is None:
        Reminder.objects.filter(pk=reminder.pk, read_at__isnull=True).update(read_at=timezone.now())
        reminder.refresh_from_db(fields=["read_at"])
    return reminder


def notifications_read_all(*, user: User) -> int:
    """Mark every notification of ``user`` read; returns how many were unread."""
    return Reminder.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


# Choices of schemes --------------------------------------------------------------------


@transaction.atomic
def reminder_rule_update(
    *,
    scheme: Scheme,
    coordinator: User,
    kind: str,
    enabled: bool,
    days: int | None = None,
    catch_up: bool = True,
) -> ReminderRule:
    """Change one rule of ``scheme``. Switching a rule on with ``catch_up`` False
    reminds only occasions from now on; with True, pairs already past the trigger are
    reminded at the next sweep."""
    if kind not in KINDS:
        raise ValidationError("There is no such reminder.")
    rule = rule_for(kind)
    days = rule.default_days if days is None or rule.max_days == 0 else days
    if not rule.min_days <= days <= rule.max_days:
        raise ValidationError({"days": f"Choose a number from {rule.min_days} to {rule.max_days}."})
    current = ReminderRule.objects.select_for_update().filter(scheme=scheme, kind=kind).first()
    was_enabled = current.enabled if current else True
    row = current or ReminderRule(scheme=scheme, kind=kind, days=rule.default_days)
    if enabled and not was_enabled:
        row.applies_from = None if catch_up else timezone.now()
    row.enabled = enabled
    row.days = days
    row.updated_by = coordinator
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def risk_handle(
    *,
    coordinator: User,
    mentorship: Mentorship,
    reason: str,
    situation: str,
    note: str,
    handled: bool,
) -> RiskHandling:
    """Record a coordinator's follow-up note on an at-risk situation, and whether it is
    handled (a handled flag stays quiet until the situation changes)."""
    from sessions.selectors.reminders import RISK_REASONS

    if reason not in RISK_REASONS:
        raise ValidationError("There is no such reason.")
    row, _ = RiskHandling.objects.select_for_update().get_or_create(
        mentorship=mentorship, reason=reason, situation=situation[:100]
    )
    row.note = note.strip()
    if handled and row.handled_at is None:
        row.handled_at, row.handled_by = timezone.now(), coordinator
    elif not handled:
        row.handled_at, row.handled_by = None, None
    row.full_clean()
    row.save()
    return row
