"""Concerns: a message about the relationship from one of the pair to the scheme's
coordinators, who record what they did and mark it resolved.

This is the only way text the pair writes reaches a coordinator. The coordinators are
e-mailed that a concern is waiting (through the outbox); the e-mail does not carry the
text, which stays behind sign-in.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from agreements.models import Concern
from matching.models import Mentorship
from mentoring.emails import send_email
from mentoring.outbox import outbox_add
from schemes.models import Role
from schemes.permissions import scheme_roles
from schemes.selectors import scheme_coordinators

__all__ = ["CONCERN_EMAIL", "concern_email_send", "concern_raise", "concern_respond"]

CONCERN_EMAIL = "agreements.concern"


@transaction.atomic
def concern_raise(*, mentorship: Mentorship, user: Any, topic: str, text: str) -> Concern:
    """One of the pair sends the scheme's coordinators a concern about their
    relationship; the coordinators are e-mailed that it is waiting."""
    role = mentorship.role_of(user)
    if role is None:
        raise PermissionDenied("Only the mentee and the mentor raise a concern about their pair.")
    if mentorship.started_at is None:
        raise ValidationError("This mentorship has not started.")
    concern = Concern(mentorship=mentorship, raised_by=user, role=role, topic=topic, text=text)
    concern.full_clean()
    concern.save()
    outbox_add(
        handler=CONCERN_EMAIL,
        payload={"concern_id": concern.pk},
        subject=("concern", concern.pk),
        scheme_id=mentorship.scheme_id,
    )
    return concern


@transaction.atomic
def concern_respond(
    *, concern: Concern, coordinator: Any, action: str, resolve: bool, seen: str | None = None
) -> Concern:
    """A coordinator records what they did about ``concern`` and, if ``resolve``, marks
    it resolved (or open again when not). ``seen`` is the record's fingerprint on the
    page they saved from: when another coordinator has changed the record since, nothing
    is saved and the ValidationError says so."""
    if Role.COORDINATOR not in scheme_roles(coordinator, concern.mentorship.scheme):
        raise PermissionDenied("Only the scheme's coordinators respond to a concern.")
    current = Concern.objects.select_for_update().get(pk=concern.pk)
    if seen is not None and seen != current.record_fingerprint():
        raise ValidationError(
            {
                "action": "Another coordinator changed this record since you opened the "
                "page; its record is shown above. Your text is kept here: save again to "
                "replace theirs."
            }
        )
    action = (action or "").strip()
    if resolve and not action:
        raise ValidationError({"action": "Say what was done before marking it resolved."})
    concern.action = action
    concern.action_by = coordinator
    concern.status = Concern.Status.RESOLVED if resolve else Concern.Status.OPEN
    concern.resolved_at = timezone.now() if resolve else None
    concern.full_clean()
    concern.save()
    return concern


def concern_email_send(*, concern_id: int) -> int:
    """E-mail each active coordinator of the concern's scheme, but one of the pair, that
    a concern is waiting (never its text). Returns the number sent; nothing when the
    concern is gone."""
    concern = (
        Concern.objects.select_related(
            "mentorship__scheme", "mentorship__mentee", "mentorship__mentor"
        )
        .filter(pk=concern_id)
        .first()
    )
    if concern is None:
        return 0
    sent = 0
    pair = {concern.mentorship.mentee_id, concern.mentorship.mentor_id}
    for coordinator in scheme_coordinators(concern.mentorship.scheme):
        # A coordinator who is one of the pair never hears of a concern about it.
        if coordinator.is_active and coordinator.pk not in pair:
            send_email(
                name="concern_raised",
                to=[coordinator.email],
                context={
                    "user": coordinator,
                    "concern": concern,
                    "mentorship": concern.mentorship,
                    "scheme": concern.mentorship.scheme,
                },
            )
            sent += 1
    return sent
