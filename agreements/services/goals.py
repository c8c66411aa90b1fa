"""Goals, their SMART targets and the progress recorded on them: written by either of
the pair while their mentorship is active.

A goal is one of the agreement's objectives, so a pair has at most three goals that are
not dropped. A target's due date falls within the mentorship: from its start to its end
date (the agreement's, else the programme's).
"""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from agreements.models import (
    MAX_GOALS,
    AgreementVersion,
    Goal,
    ProgressEntry,
    Target,
    default_end_date,
)
from matching.models import Mentorship

__all__ = [
    "goal_create",
    "goal_set_status",
    "goal_share",
    "goal_update",
    "mentorship_dates",
    "progress_record",
    "target_create",
    "target_set_status",
    "target_update",
]

GOAL_FIELDS = ("title", "why", "success_criteria")
TARGET_FIELDS = ("what", "measure", "achievable", "due_on")


def _check_pair(mentorship: Mentorship, user: Any) -> None:
    if mentorship.role_of(user) is None:
        raise PermissionDenied("Only the mentee and the mentor write their goals.")
    if mentorship.status != Mentorship.Status.ACTIVE:
        raise ValidationError("This mentorship has finished, so its goals can no longer change.")


def mentorship_dates(mentorship: Mentorship) -> tuple[date | None, date | None]:
    """The first and last day a target of ``mentorship`` may be due: its start, and the
    end date of the agreement in force (else the programme's end)."""
    start = mentorship.started_at.date() if mentorship.started_at else None
    agreed = (
        AgreementVersion.objects.filter(
            mentorship=mentorship, status=AgreementVersion.Status.IN_FORCE
        )
        .values_list("end_date", flat=True)
        .first()
    )
    return start, agreed or default_end_date(mentorship)


def _check_due(mentorship: Mentorship, due_on: date) -> None:
    start, end = mentorship_dates(mentorship)
    if start and due_on < start:
        raise ValidationError(
            {"due_on": f"Choose a date within your mentorship: it started on {start:%-d %B %Y}."}
        )
    if end and due_on > end:
        raise ValidationError(
            {"due_on": f"Choose a date within your mentorship: it ends on {end:%-d %B %Y}."}
        )


@transaction.atomic
def goal_create(*, mentorship: Mentorship, user: Any, data: dict[str, Any]) -> Goal:
    """A new goal for the pair; refused beyond three goals that are not dropped."""
    _check_pair(mentorship, user)
    Mentorship.objects.select_for_update().filter(pk=mentorship.pk).first()
    if (
        Goal.objects.filter(mentorship=mentorship).exclude(status=Goal.Status.DROPPED).count()
        >= MAX_GOALS
    ):
        raise ValidationError(
            {
                "title": f"You have {MAX_GOALS} goals already, one per objective. "
                "Drop one to add another."
            }
        )
    goal = Goal(
        mentorship=mentorship, created_by=user, **{k: data[k] for k in GOAL_FIELDS if k in data}
    )
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def goal_update(*, goal: Goal, user: Any, data: dict[str, Any]) -> Goal:
    """Change a goal's title, why it matters or its success criteria."""
    _check_pair(goal.mentorship, user)
    for name in GOAL_FIELDS:
        if name in data:
            setattr(goal, name, data[name])
    goal.full_clean()
    # Only these fields: a stale copy never undoes the other person's sharing or status.
    goal.save(update_fields=[*GOAL_FIELDS, "updated_at"])
    return goal


@transaction.atomic
def goal_set_status(*, goal: Goal, user: Any, status: str) -> Goal:
    """Mark a goal achieved, dropped, or in progress again (within the limit of three)."""
    _check_pair(goal.mentorship, user)
    if status not in Goal.Status.values:
        raise ValidationError("Choose in progress, achieved or dropped.")
    if goal.status == Goal.Status.DROPPED and status != Goal.Status.DROPPED:
        Mentorship.objects.select_for_update().filter(pk=goal.mentorship_id).first()
        kept = Goal.objects.filter(mentorship_id=goal.mentorship_id).exclude(
            status=Goal.Status.DROPPED
        )
        if kept.count() >= MAX_GOALS:
            raise ValidationError(
                f"You have {MAX_GOALS} goals already. Drop one to take this one up again."
            )
    goal.status = status
    goal.save(update_fields=["status", "updated_at"])
    return goal


@transaction.atomic
def goal_share(*, goal: Goal, user: Any, shared: bool) -> Goal:
    """Share (or stop sharing) a goal's title and progress numbers with the scheme's
    coordinators. Its description, targets and comments are never shared."""
    _check_pair(goal.mentorship, user)
    goal.shared_with_coordinator = shared
    goal.save(update_fields=["shared_with_coordinator", "updated_at"])
    return goal


@transaction.atomic
def target_create(*, goal: Goal, user: Any, data: dict[str, Any]) -> Target:
    """A SMART target for ``goal``: a measure and a due date within the mentorship."""
    _check_pair(goal.mentorship, user)
    target = Target(goal=goal, **{k: data[k] for k in TARGET_FIELDS if k in data})
    _clean_target(target)
    target.save()
    return target


@transaction.atomic
def target_update(*, target: Target, user: Any, data: dict[str, Any]) -> Target:
    """Change a target's wording, measure or due date."""
    _check_pair(target.goal.mentorship, user)
    for name in TARGET_FIELDS:
        if name in data:
            setattr(target, name, data[name])
    _clean_target(target)
    # Only these fields: a stale copy never reopens a target the other person closed.
    target.save(update_fields=[*TARGET_FIELDS, "updated_at"])
    return target


def _clean_target(target: Target) -> None:
    if not (target.measure or "").strip():
        raise ValidationError({"measure": "Say how you will measure this target."})
    target.full_clean()
    _check_due(target.goal.mentorship, target.due_on)


@transaction.atomic
def target_set_status(*, target: Target, user: Any, status: str) -> Target:
    """Mark a target done or dropped (with the time and who), or open again."""
    _check_pair(target.goal.mentorship, user)
    if status not in Target.Status.values:
        raise ValidationError("Choose open, done or dropped.")
    target.status = status
    closed = status != Target.Status.OPEN
    target.closed_at = timezone.now() if closed else None
    target.closed_by = user if closed else None
    target.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
    return target


@transaction.atomic
def progress_record(*, goal: Goal, user: Any, rating: int, comment: str = "") -> ProgressEntry:
    """Record where a goal stands, 1 (not started) to 10 (reached), with a comment."""
    _check_pair(goal.mentorship, user)
    entry = ProgressEntry(
        goal=goal, rating=rating, comment=comment, author=user, recorded_at=timezone.now()
    )
    entry.full_clean()
    entry.save()
    return entry
