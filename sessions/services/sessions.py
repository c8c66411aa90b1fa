"""The pair's sessions: planned ahead or logged afterwards, rescheduled, cancelled,
marked held or missed; the agenda before, the summary and the actions after.

Only the mentee and the mentor write here, and only while the mentorship is active.
Each write locks the row it changes (the session, or the mentorship when a new session
is made or a stage moves), so two people acting at once do no harm. A plan, a
reschedule and a cancellation e-mail both people a calendar file through the outbox;
a session logged after the fact e-mails nobody (both were there, and the other sees it
on their page).

The first held session of a pair at the goal-setting stage moves it to progress. A
pair still at initiation has not signed its agreement yet, so its stage stays.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from agreements.models import Goal, Target
from agreements.services.stages import stage_move_automatic
from matching.models import Mentorship
from mentoring.emails import send_email
from mentoring.outbox import outbox_add
from sessions.calendar import session_ics
from sessions.models import AGENDA_KEYS, PAIR_ROLES, MentoringSession, SessionAction
from sessions.selectors.settings import scheme_time_zone

__all__ = [
    "SESSION_EMAIL",
    "action_set_done",
    "session_agenda_save",
    "session_cancel",
    "session_email_send",
    "session_log",
    "session_mark",
    "session_plan",
    "session_reschedule",
    "session_summary_save",
]

SESSION_EMAIL = "sessions.session"
# The events a session e-mail is sent for, each its own templates.
EMAIL_EVENTS = ("planned", "changed", "cancelled")
PAST_PLAN = "A session in the past can be logged as held instead."
FUTURE_LOG = "A session not held yet can be planned instead."
Status = MentoringSession.Status
# ``created_by`` is emptied when its author's account is removed (the model allows
# null but not blank): a later change to the session must not trip on it.
KEEP_AS_IS = ["created_by"]


def _role(mentorship: Mentorship, user: Any) -> str:
    role = mentorship.role_of(user)
    if role is None:
        raise PermissionDenied("Only the mentee and the mentor change their sessions.")
    return role


def _lock_mentorship(mentorship: Mentorship, user: Any) -> Mentorship:
    """The mentorship locked for the write; refused outside the pair or once finished."""
    _role(mentorship, user)
    locked = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if locked.status != Mentorship.Status.ACTIVE or locked.started_at is None:
        raise ValidationError("This mentorship has finished, so its sessions can no longer change.")
    return locked


def _lock_session(session: MentoringSession, user: Any) -> MentoringSession:
    """The session locked for the write (after its mentorship's checks)."""
    _role(session.mentorship, user)
    mentorship = Mentorship.objects.get(pk=session.mentorship_id)
    if mentorship.status != Mentorship.Status.ACTIVE:
        raise ValidationError("This mentorship has finished, so its sessions can no longer change.")
    return (
        MentoringSession.objects.select_for_update()
        .select_related("mentorship__scheme", "mentorship__mentee", "mentorship__mentor")
        .get(pk=session.pk)
    )


def _email(session: MentoringSession, event: str) -> None:
    outbox_add(
        handler=SESSION_EMAIL,
        payload={"session_id": session.pk, "event": event},
        subject=("session", session.pk),
        scheme_id=session.mentorship.scheme_id,
    )


def _first_held(mentorship: Mentorship, user: Any) -> None:
    """Move a pair at goal setting to progress on its first held session. ``mentorship``
    is locked here (callers that locked it already pass the locked row)."""
    locked = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if locked.stage == Mentorship.Stage.GOAL_SETTING:
        stage_move_automatic(mentorship=locked, to_stage=Mentorship.Stage.PROGRESS, moved_by=user)


def _when(starts_at: datetime, duration_minutes: Any, format: str, place: str) -> dict:
    return {
        "starts_at": starts_at,
        "duration_minutes": duration_minutes,
        "format": format,
        "place": (place or "").strip(),
    }


@transaction.atomic
def session_plan(
    *,
    mentorship: Mentorship,
    user: Any,
    starts_at: datetime,
    duration_minutes: int,
    format: str,
    place: str = "",
) -> MentoringSession:
    """One of the pair plans a session ahead; both are e-mailed a calendar file."""
    locked = _lock_mentorship(mentorship, user)
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": PAST_PLAN})
    session = MentoringSession(
        mentorship=locked,
        created_by=user,
        status=Status.PLANNED,
        **_when(starts_at, duration_minutes, format, place),
    )
    session.full_clean()
    session.save()
    _email(session, "planned")
    return session


@transaction.atomic
def session_log(
    *,
    mentorship: Mentorship,
    user: Any,
    starts_at: datetime,
    duration_minutes: int,
    format: str,
    place: str = "",
) -> MentoringSession:
    """One of the pair records a session already held (it started in the past or
    now). Nobody is e-mailed: both were there."""
    locked = _lock_mentorship(mentorship, user)
    if starts_at > timezone.now():
        raise ValidationError({"starts_at": FUTURE_LOG})
    session = MentoringSession(
        mentorship=locked,
        created_by=user,
        status=Status.HELD,
        **_when(starts_at, duration_minutes, format, place),
    )
    session.full_clean()
    session.save()
    _first_held(locked, user)
    return session


@transaction.atomic
def session_reschedule(
    *,
    session: MentoringSession,
    user: Any,
    starts_at: datetime,
    duration_minutes: int,
    format: str,
    place: str = "",
) -> MentoringSession:
    """Change a planned session's time, length, format or place; the calendar entry
    is updated (same UID, SEQUENCE raised) and both are e-mailed."""
    locked = _lock_session(session, user)
    if locked.status != Status.PLANNED:
        raise ValidationError("Only a planned session can be rescheduled.")
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": PAST_PLAN})
    for name, value in _when(starts_at, duration_minutes, format, place).items():
        setattr(locked, name, value)
    locked.sequence += 1
    locked.full_clean(exclude=KEEP_AS_IS)
    locked.save()
    _email(locked, "changed")
    return locked


@transaction.atomic
def session_cancel(*, session: MentoringSession, user: Any, reason: str) -> MentoringSession:
    """Cancel a planned session, saying why; both are e-mailed a cancellation that
    removes the calendar entry."""
    locked = _lock_session(session, user)
    if locked.status != Status.PLANNED:
        raise ValidationError("Only a planned session can be cancelled.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the session is cancelled."})
    locked.status = Status.CANCELLED
    locked.cancelled_by = user
    locked.cancelled_at = timezone.now()
    locked.cancel_reason = reason
    locked.sequence += 1
    locked.full_clean(exclude=KEEP_AS_IS)
    locked.save()
    _email(locked, "cancelled")
    return locked


@transaction.atomic
def session_mark(*, session: MentoringSession, user: Any, status: str) -> MentoringSession:
    """Mark a planned session held (once its start has passed) or missed."""
    locked = _lock_session(session, user)
    if status not in (Status.HELD, Status.MISSED):
        raise ValidationError({"status": "Choose held or missed."})
    if locked.status != Status.PLANNED:
        raise ValidationError(f"This session is already {locked.get_status_display().lower()}.")
    if locked.starts_at > timezone.now():
        raise ValidationError("A session can be marked held or missed once its start has passed.")
    locked.status = status
    locked.full_clean(exclude=KEEP_AS_IS)
    locked.save()
    if status == Status.HELD:
        _first_held(locked.mentorship, user)
    return locked


@transaction.atomic
def session_agenda_save(
    *, session: MentoringSession, user: Any, agenda: dict[str, str]
) -> MentoringSession:
    """Save the agenda, one text per prompt (empty ones left out). The mentee is
    responsible for it; the mentor may add. Not for a cancelled or missed session."""
    locked = _lock_session(session, user)
    if locked.status in (Status.CANCELLED, Status.MISSED):
        raise ValidationError(
            f"This session is {locked.get_status_display().lower()}, so its agenda is closed."
        )
    unknown = set(agenda) - set(AGENDA_KEYS)
    if unknown:
        raise ValidationError({"agenda": "The agenda follows the session's prompts."})
    locked.agenda = {
        key: text.strip()
        for key in AGENDA_KEYS
        if isinstance(text := agenda.get(key, ""), str) and text.strip()
    }
    locked.full_clean(exclude=KEEP_AS_IS)
    locked.save()
    return locked


def _action(
    mentorship: Mentorship, session: MentoringSession, row: dict[str, Any]
) -> SessionAction:
    goal = row.get("goal")
    target = row.get("target")
    if goal is not None and (not isinstance(goal, Goal) or goal.mentorship_id != mentorship.pk):
        raise ValidationError({"actions": "Link an action only to one of your own goals."})
    if target is not None and (
        not isinstance(target, Target) or target.goal.mentorship_id != mentorship.pk
    ):
        raise ValidationError({"actions": "Link an action only to one of your own targets."})
    if goal is not None and target is not None and target.goal_id != goal.pk:
        raise ValidationError({"actions": "The target chosen belongs to another goal."})
    if target is not None and goal is None:
        goal = target.goal
    if row.get("owner") not in dict(PAIR_ROLES):
        raise ValidationError({"actions": "Say whether the mentee or the mentor does it."})
    action = SessionAction(
        session=session,
        mentorship=mentorship,
        owner=row["owner"],
        text=(row.get("text") or "").strip(),
        due_on=row.get("due_on"),
        goal=goal,
        target=target,
    )
    action.full_clean()
    return action


@transaction.atomic
def session_summary_save(
    *,
    session: MentoringSession,
    user: Any,
    summary: str,
    actions: list[dict[str, Any]] | None = None,
) -> MentoringSession:
    """Write the summary of a held session and add the actions each person takes
    before the next meeting (owner, text, optional due date, goal and target of the
    pair's own)."""
    locked = _lock_session(session, user)
    if locked.status != Status.HELD:
        raise ValidationError(
            {
                "summary": "Only a held session has a summary; this one is "
                f"{locked.get_status_display().lower()}."
            }
        )
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": "Write the summary of the session."})
    built = [_action(locked.mentorship, locked, row) for row in actions or []]
    locked.summary = summary
    locked.summary_by = user
    locked.full_clean(exclude=KEEP_AS_IS)
    locked.save()
    SessionAction.objects.bulk_create(built)
    return locked


@transaction.atomic
def action_set_done(*, action: SessionAction, user: Any, done: bool) -> SessionAction:
    """Mark an action done, or open again."""
    mentorship = Mentorship.objects.get(pk=action.mentorship_id)
    _role(mentorship, user)
    if mentorship.status != Mentorship.Status.ACTIVE:
        raise ValidationError("This mentorship has finished, so its actions can no longer change.")
    locked = SessionAction.objects.select_for_update().get(pk=action.pk)
    locked.done = bool(done)
    locked.done_at = timezone.now() if locked.done else None
    locked.full_clean()
    locked.save()
    return locked


def session_email_send(*, session_id: int, event: str) -> int:
    """E-mail both people of the session's pair that it is planned, changed or
    cancelled, with the calendar file. Returns the number sent; nothing when the
    session is gone, the event unknown, or a plan or change no longer stands."""
    session = (
        MentoringSession.objects.select_related(
            "mentorship__scheme",
            "mentorship__mentee",
            "mentorship__mentor",
            "cancelled_by",
            "created_by",
        )
        .filter(pk=session_id)
        .first()
    )
    if session is None or event not in EMAIL_EVENTS:
        return 0
    # Rebuilt when sent: a plan or a change since cancelled or held is not announced.
    if event != "cancelled" and session.status != Status.PLANNED:
        return 0
    mentorship = session.mentorship
    zone = scheme_time_zone(mentorship.scheme)
    ics = session_ics(session, cancel=event == "cancelled")
    sent = 0
    for user, other in (
        (mentorship.mentee, mentorship.mentor),
        (mentorship.mentor, mentorship.mentee),
    ):
        if not user.is_active:
            continue
        # The message's times are in the scheme's time zone.
        with timezone.override(zone):
            send_email(
                name=f"session_{event}",
                to=[user.email],
                context={
                    "user": user,
                    "other": other,
                    "session": session,
                    "mentorship": mentorship,
                    "scheme": mentorship.scheme,
                    "starts_local": session.starts_at,
                    "zone": str(zone),
                },
                attachments=[("session.ics", ics, "text/calendar")],
            )
        sent += 1
    return sent
