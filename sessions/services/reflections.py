"""Reflections, the pulse and the early "is this pairing working?".

A reflection is its author's until they share it with the other person of the pair;
coordinators and HR never read one. The pulse (how useful a session was, 1-4) is given
once per person per held session. After the pair's first held session each is asked
once whether the pairing is working; a "no" is e-mailed to the scheme's coordinators
(never to the other person) through the outbox, and the e-mail carries no more than
the answer.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from matching.models import Mentorship
from mentoring.emails import send_email
from mentoring.outbox import outbox_add
from schemes.selectors import scheme_coordinators
from sessions.models import MentoringSession, PairingCheck, Pulse, Reflection
from sessions.permissions import reflection_kinds_for
from sessions.reflections import ANSWER_MAX_LENGTH, CHECKLIST_CHOICES, question_set

__all__ = [
    "PAIRING_EMAIL",
    "pairing_check_answer",
    "pairing_check_email_send",
    "pulse_record",
    "reflection_save",
    "reflection_share",
]

PAIRING_EMAIL = "sessions.pairing_check"

_CHOICES = {value for value, _ in CHECKLIST_CHOICES}


def _pair_role(mentorship: Mentorship, user: Any) -> str:
    role = mentorship.role_of(user)
    if role is None:
        raise PermissionDenied("Only the mentee and the mentor of the pair write here.")
    return role


def _lock_active(mentorship: Mentorship) -> Mentorship:
    """The mentorship's row, locked so that two answers of one person are taken one
    after the other; a ValidationError once it is no longer active."""
    locked = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if locked.status != Mentorship.Status.ACTIVE:
        raise ValidationError("This mentorship has ended: its record can be read, not changed.")
    return locked


def _clean_answers(kind: str, answers: dict[str, Any]) -> dict[str, str]:
    """The answers of ``kind`` kept by key, blank ones left out."""
    questions = question_set(kind)
    unknown = set(answers) - set(questions.keys)
    if unknown:
        raise ValidationError("The reflection has questions this form does not ask.")
    cleaned: dict[str, str] = {}
    for question in questions.questions:
        value = answers.get(question.key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise ValidationError({question.key: "Write your answer as text."})
        value = value.strip()
        if not value:
            continue
        if question.choice and value not in _CHOICES:
            raise ValidationError({question.key: "Choose yes, partly or no."})
        if len(value) > ANSWER_MAX_LENGTH:
            raise ValidationError(
                {question.key: f"Keep your answer to {ANSWER_MAX_LENGTH} characters."}
            )
        cleaned[question.key] = value
    return cleaned


def reflection_writable(session: MentoringSession, kind: str) -> str:
    """Why ``kind`` cannot be written for ``session`` now, or "" when it can: a
    cancelled or missed session takes none, an after-session one waits until the
    session was held."""
    if session.status in (MentoringSession.Status.CANCELLED, MentoringSession.Status.MISSED):
        return f"This session was {session.get_status_display().lower()}: it takes no reflections."
    if question_set(kind).after and session.status != MentoringSession.Status.HELD:
        return "This reflection is written once the session has been held."
    return ""


@transaction.atomic
def reflection_save(
    *, session: MentoringSession, user: Any, kind: str, answers: dict[str, Any], shared: bool
) -> Reflection:
    """Write (or rewrite) ``user``'s reflection of ``kind`` on ``session``: one per
    session, author and kind. Every answer is optional; ``shared`` lets the other
    person of the pair read it."""
    role = _pair_role(session.mentorship, user)
    if kind not in reflection_kinds_for(role):
        raise PermissionDenied("This reflection is written by the other person of the pair.")
    _lock_active(session.mentorship)
    session = MentoringSession.objects.get(pk=session.pk)
    refused = reflection_writable(session, kind)
    if refused:
        raise ValidationError(refused)
    cleaned = _clean_answers(kind, answers)
    reflection = Reflection.objects.filter(
        session=session, author=user, kind=kind
    ).first() or Reflection(session=session, author=user, kind=kind)
    reflection.answers = cleaned
    reflection.shared = bool(shared)
    reflection.full_clean()
    reflection.save()
    return reflection


@transaction.atomic
def reflection_share(*, reflection: Reflection, user: Any, shared: bool) -> Reflection:
    """Share ``reflection`` with the other person of the pair, or make it private again.
    Only its author decides."""
    if reflection.author_id != getattr(user, "pk", None):
        raise PermissionDenied("Only the author of a reflection shares it.")
    _lock_active(reflection.session.mentorship)
    reflection.shared = bool(shared)
    reflection.save(update_fields=["shared", "updated_at"])
    return reflection


@transaction.atomic
def pulse_record(*, session: MentoringSession, user: Any, usefulness: int) -> Pulse:
    """Record how useful a held session was to ``user``, from 1 (not useful) to 4
    (very useful). Given once: a second answer is refused."""
    role = _pair_role(session.mentorship, user)
    _lock_active(session.mentorship)
    session = MentoringSession.objects.get(pk=session.pk)
    if session.status != MentoringSession.Status.HELD:
        raise ValidationError({"usefulness": "A session is rated once it has been held."})
    existing = Pulse.objects.filter(session=session, author=user).first()
    if existing is not None:
        raise ValidationError(
            {
                "usefulness": f"You have already rated this session {existing.usefulness} of 4; "
                "a rating is given once."
            }
        )
    if not isinstance(usefulness, int) or not 1 <= usefulness <= 4:
        raise ValidationError({"usefulness": "Choose from 1 (not useful) to 4 (very useful)."})
    pulse = Pulse(
        session=session, author=user, role=role, usefulness=usefulness, recorded_at=timezone.now()
    )
    pulse.full_clean()
    pulse.save()
    return pulse


def first_held_session(mentorship: Mentorship) -> MentoringSession | None:
    """The pair's first held session, after which the early check is asked."""
    return (
        MentoringSession.objects.filter(mentorship=mentorship, status=MentoringSession.Status.HELD)
        .order_by("starts_at", "pk")
        .first()
    )


@transaction.atomic
def pairing_check_answer(*, mentorship: Mentorship, user: Any, working: bool) -> PairingCheck:
    """``user``'s answer to "is this pairing working?", given once after the pair's
    first held session. A "no" is e-mailed to the scheme's coordinators, never to the
    other person of the pair."""
    role = _pair_role(mentorship, user)
    _lock_active(mentorship)
    if first_held_session(mentorship) is None:
        raise ValidationError(
            {"working": "This question is asked once you have held your first session."}
        )
    if PairingCheck.objects.filter(mentorship=mentorship, author=user).exists():
        raise ValidationError({"working": "You have already answered this question."})
    check = PairingCheck(
        mentorship=mentorship,
        author=user,
        role=role,
        working=bool(working),
        answered_at=timezone.now(),
    )
    check.full_clean()
    check.save()
    if not check.working:
        outbox_add(
            handler=PAIRING_EMAIL,
            payload={"check_id": check.pk},
            subject=("pairing_check", check.pk),
            scheme_id=mentorship.scheme_id,
        )
    return check


def pairing_check_readers(mentorship: Mentorship) -> list[Any]:
    """Who hears a "no": the scheme's active coordinators, but one of the pair."""
    pair = {mentorship.mentee_id, mentorship.mentor_id}
    return [c for c in scheme_coordinators(mentorship.scheme) if c.is_active and c.pk not in pair]


def pairing_check_email_send(*, check_id: int) -> int:
    """E-mail the scheme's coordinators (none who is one of the pair) that the mentee or
    the mentor answered "no" to "is this pairing working?". Returns the number sent;
    nothing when the answer is gone or is a yes."""
    check = (
        PairingCheck.objects.select_related(
            "mentorship__scheme", "mentorship__mentee", "mentorship__mentor"
        )
        .filter(pk=check_id, working=False)
        .first()
    )
    if check is None:
        return 0
    mentorship = check.mentorship
    sent = 0
    for coordinator in pairing_check_readers(mentorship):
        send_email(
            name="pairing_check",
            to=[coordinator.email],
            context={
                "user": coordinator,
                "check": check,
                "mentorship": mentorship,
                "scheme": mentorship.scheme,
            },
        )
        sent += 1
    return sent
