"""Who may reach a pair's sessions, reflections and evaluations, on the rule of
``mentoring.permissions`` and the pair's loader of ``agreements.permissions``.

Every page under ``/pairs/<pk>/sessions/``, ``/pairs/<pk>/evaluations/`` and the like
is for the mentee and the mentor of that mentorship only (``pair_view``): anyone else
gets 404. A reflection is its author's until they share it. The coordinators' settings
page is reached through ``schemes.permissions.coordinator_view``. A notification is
its person's alone (``get_own_notification``).
"""

from django.http import Http404

from agreements.permissions import PairAccess
from mentoring.permissions import first_or_404
from sessions.models import MentoringSession, Reminder, SessionAction

__all__ = ["get_own_notification", "get_pair_action", "get_pair_session", "reflection_kinds_for"]


def get_pair_session(access: PairAccess, pk: int) -> MentoringSession:
    """Session ``pk`` of the pair; 404 for another pair's."""
    return first_or_404(
        MentoringSession.objects.select_related("mentorship__scheme").filter(
            pk=pk, mentorship=access.mentorship
        ),
        "No such session.",
    )


def get_pair_action(access: PairAccess, pk: int) -> SessionAction:
    """Action ``pk`` of the pair; 404 for another pair's."""
    return first_or_404(
        SessionAction.objects.select_related("session").filter(pk=pk, mentorship=access.mentorship),
        "No such action.",
    )


def reflection_kinds_for(role: str) -> tuple[str, ...]:
    """The reflections a person in ``role`` writes; 404 is raised by the views for any
    other kind named in a URL."""
    if role == "mentee":
        return ("mentee_before", "mentee_after")
    if role == "mentor":
        return ("mentor_after", "mentor_checklist")
    raise Http404("No such reflection.")


def get_own_notification(user, pk: int) -> Reminder:
    """Notification ``pk`` of ``user`` (one of their reminders, not a skipped one); 404
    for anyone else's: a person's notifications are theirs alone."""
    return first_or_404(
        Reminder.objects.filter(pk=pk, user=user).exclude(status=Reminder.Status.SKIPPED),
        "No such notification.",
    )
