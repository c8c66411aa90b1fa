"""The e-mails of a mentorship's events: who hears of each, and what they are told.

Each change to a mentorship (``services.mentorships``, ``services.shortlist``) writes
an outbox row in its transaction (``mentorship_email_enqueue``); the outbox's worker
calls ``mentorship_email_send`` here, the handler registered in ``MatchingConfig.ready``.
"""

from typing import Any

from matching.models import Mentorship
from matching.selectors.mentorships import mentorship_reasons
from mentoring.emails import send_email
from mentoring.outbox import outbox_add
from schemes.selectors import scheme_coordinators

__all__ = [
    "COORDINATOR_EVENTS",
    "EVENT_STATUS",
    "MENTORSHIP_EMAIL",
    "mentorship_email_enqueue",
    "mentorship_email_send",
]

MENTORSHIP_EMAIL = "matching.mentorship"

# The status a mentorship is in when each event's e-mail is due; a mentorship that has
# moved on since (a match declined before its e-mail went) sends nothing stale.
EVENT_STATUS = {
    "proposed": Mentorship.Status.PROPOSED,
    "requested": Mentorship.Status.PROPOSED,
    "started": Mentorship.Status.ACTIVE,
    "declined": Mentorship.Status.DECLINED,
    "expired": Mentorship.Status.EXPIRED,
    "ended": Mentorship.Status.ENDED,
}
# Events the scheme's coordinators hear about: a person back in the pool.
COORDINATOR_EVENTS = frozenset({"declined", "expired", "ended"})
REASONS_IN_EMAIL = 2


def mentorship_email_enqueue(*, mentorship: Mentorship, event: str) -> None:
    """E-mail the people the ``event`` of ``mentorship`` concerns once the current
    transaction commits, through the outbox (a broker down delays it, never loses it)."""
    outbox_add(
        handler=MENTORSHIP_EMAIL,
        payload={"mentorship_id": mentorship.pk, "event": event},
        subject=("mentorship", mentorship.pk),
        scheme_id=mentorship.scheme_id,
    )


def mentorship_email_send(*, mentorship_id: int, event: str) -> int:
    """E-mail the people the ``event`` (one of ``EVENT_STATUS``) of the mentorship
    ``mentorship_id`` concerns: the pair, or the one of them who did not act, and for a
    decline, a lapse or an ending the scheme's coordinators (but not the one who ended
    it). Nothing goes to a deactivated account, nor when the mentorship is gone or has
    moved on from the event. Returns the number of messages sent."""
    mentorship = (
        Mentorship.objects.select_related(
            "scheme",
            "mentee",
            "mentor",
            "mentee_application",
            "mentor_application",
            "declined_by",
            "ended_by",
        )
        .filter(pk=mentorship_id)
        .first()
    )
    if mentorship is None or mentorship.status != EVENT_STATUS[event]:
        return 0
    sent = 0
    for role in _pair_recipients(mentorship, event):
        person = getattr(mentorship, role)
        if person.is_active:
            send_email(
                name=f"match_{event}",
                to=[person.email],
                context=_pair_context(mentorship, role),
            )
            sent += 1
    if event in COORDINATOR_EVENTS:
        context = _coordinator_context(mentorship, event)
        for coordinator in scheme_coordinators(mentorship.scheme):
            # The coordinator who ended a mentorship knows already.
            if not coordinator.is_active or coordinator.pk == context["by_id"]:
                continue
            send_email(
                name="match_coordinator",
                to=[coordinator.email],
                context={**context, "user": coordinator},
            )
            sent += 1
    return sent


def _pair_recipients(mentorship: Mentorship, event: str) -> list[str]:
    """The roles ("mentee", "mentor") of the pair told of ``event``."""
    if event == "requested":
        return ["mentor"]  # the mentee asked for this match
    if event in {"declined", "ended"}:
        by_id = mentorship.declined_by_id if event == "declined" else mentorship.ended_by_id
        return [role for role in ("mentee", "mentor") if getattr(mentorship, f"{role}_id") != by_id]
    return ["mentee", "mentor"]


def _pair_context(mentorship: Mentorship, role: str) -> dict[str, Any]:
    """The context of the e-mail to the pair's ``role``: who the other one is, and why
    they were matched."""
    other_role = "mentor" if role == "mentee" else "mentee"
    return {
        "mentorship": mentorship,
        "scheme": mentorship.scheme,
        "user": getattr(mentorship, role),
        "role": role,
        "other": getattr(mentorship, other_role),
        "other_role": other_role,
        "other_application": getattr(mentorship, f"{other_role}_application"),
        "reasons": mentorship_reasons(mentorship.breakdown, REASONS_IN_EMAIL),
        "by_coordinator": mentorship.ended_by_id is not None
        and mentorship.ended_by_id not in {mentorship.mentee_id, mentorship.mentor_id},
    }


def _coordinator_context(mentorship: Mentorship, event: str) -> dict[str, Any]:
    """The context of the e-mail to the coordinators: who acted, why, and (for a lapse)
    who never answered. ``by_id`` is the coordinator who ended it, to be left out."""
    by = mentorship.declined_by if event == "declined" else mentorship.ended_by
    return {
        "mentorship": mentorship,
        "scheme": mentorship.scheme,
        "event": event,
        "by": by if event != "expired" else None,
        "by_role": (mentorship.role_of(by) or "coordinator") if by is not None else "",
        "by_id": by.pk if by is not None and event == "ended" else None,
        "reason": mentorship.decline_reason if event == "declined" else mentorship.end_reason,
        "unanswered": [
            getattr(mentorship, role)
            for role in ("mentee", "mentor")
            if getattr(mentorship, f"{role}_response") == Mentorship.Response.PENDING
        ],
    }
