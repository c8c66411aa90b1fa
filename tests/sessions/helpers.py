"""Shared builders of the sessions tests."""

from datetime import timedelta

from django.utils import timezone

from agreements.services.goals import goal_create, target_create
from matching.models import Mentorship
from tests.factories import approved_mentee, approved_mentor


def second_pair(scheme, prefix="second"):
    """Another active mentorship of ``scheme``, with a goal and a target."""
    mentee = approved_mentee(scheme, f"{prefix}.mentee@example.org")
    mentor = approved_mentor(scheme, f"{prefix}.mentor@example.org")
    mentorship = Mentorship.objects.create(
        scheme=scheme,
        mentee=mentee.user,
        mentor=mentor.user,
        mentee_application=mentee,
        mentor_application=mentor,
        respond_by=timezone.now() + timedelta(days=14),
        status=Mentorship.Status.ACTIVE,
        mentee_response=Mentorship.Response.ACCEPTED,
        mentor_response=Mentorship.Response.ACCEPTED,
        started_at=timezone.now() - timedelta(days=2),
    )
    goal = goal_create(mentorship=mentorship, user=mentee.user, data={"title": "Their goal"})
    target = target_create(
        goal=goal,
        user=mentee.user,
        data={
            "what": "Their step",
            "measure": "Their measure",
            "due_on": timezone.localdate() + timedelta(days=5),
        },
    )
    return mentorship, goal, target


def at_stage(mentorship, stage):
    Mentorship.objects.filter(pk=mentorship.pk).update(stage=stage)
    mentorship.refresh_from_db()
    return mentorship
