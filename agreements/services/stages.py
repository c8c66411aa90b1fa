"""Moves between the five stages of a relationship (initiation, goal setting, progress,
wind-up, distance) and to completion. Every move is recorded with its time and who made
it (``StageMove``).

- initiation -> goal setting: when both have signed the agreement (``agreement_sign``);
- goal setting -> progress: at the first held session (by the pair until sessions are
  logged in the product);
- progress -> wind-up: when the end date is near (``stages_wind_up_due``, daily) or by
  the pair;
- wind-up -> distance: when the pair has completed the wind-up;
- distance -> completed: after the follow-up; the mentorship's status is completed.

A coordinator can correct the stage of an active mentorship with a written reason.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from agreements.models import AgreementVersion, PairSettings, StageMove, default_end_date
from matching.models import Mentorship
from schemes.models import Role
from schemes.permissions import scheme_roles

__all__ = [
    "PAIR_MOVES",
    "PairMove",
    "stage_advance",
    "stage_correct",
    "stage_move_automatic",
    "stages_wind_up_due",
]

Stage = Mentorship.Stage
COMPLETED = StageMove.COMPLETED


@dataclass(frozen=True)
class PairMove:
    """A move the pair makes themselves: from ``from_stage`` to ``to_stage``, offered
    on their page with ``label`` and confirmed with ``done``."""

    from_stage: str
    to_stage: str
    label: str
    done: str


PAIR_MOVES: dict[str, PairMove] = {
    Stage.GOAL_SETTING: PairMove(
        Stage.GOAL_SETTING,
        Stage.PROGRESS,
        "We have held our first session",
        "You are now in the progress stage.",
    ),
    Stage.PROGRESS: PairMove(
        Stage.PROGRESS,
        Stage.WIND_UP,
        "Start the wind-up",
        "You are now in the wind-up stage.",
    ),
    Stage.WIND_UP: PairMove(
        Stage.WIND_UP,
        Stage.DISTANCE,
        "We have completed the wind-up",
        "You are now in the distance stage.",
    ),
    Stage.DISTANCE: PairMove(
        Stage.DISTANCE,
        COMPLETED,
        "We have done the follow-up: complete the mentorship",
        "Your mentorship is complete. Well done, both of you.",
    ),
}


def _record(mentorship: Mentorship, to_stage: str, kind: str, moved_by: Any, reason: str = ""):
    now = timezone.now()
    move = StageMove(
        mentorship=mentorship,
        from_stage=mentorship.stage,
        to_stage=to_stage,
        kind=kind,
        moved_by=moved_by,
        moved_at=now,
        reason=reason,
    )
    move.full_clean()
    move.save()
    fields = ["updated_at"]
    if to_stage == COMPLETED:
        mentorship.status = Mentorship.Status.COMPLETED
        mentorship.ended_at = now
        fields += ["status", "ended_at"]
    else:
        mentorship.stage = to_stage
        fields.append("stage")
    mentorship.save(update_fields=fields)
    return move


def stage_move_automatic(
    *, mentorship: Mentorship, to_stage: str, moved_by: Any = None
) -> StageMove:
    """Record a move the product makes (signing, the end date near); ``mentorship`` is
    locked by the caller. ``moved_by`` is the person whose act caused it, if any."""
    return _record(mentorship, to_stage, StageMove.Kind.AUTOMATIC, moved_by)


@transaction.atomic
def stage_advance(*, mentorship: Mentorship, user: Any, from_stage: str) -> StageMove:
    """One of the pair moves their mentorship on from ``from_stage`` (the stage their
    page showed) to the next, as ``PAIR_MOVES`` allows. Refused when the stage has
    moved since, or when the mentorship is not active."""
    if mentorship.role_of(user) is None:
        raise PermissionDenied("Only the mentee and the mentor move their mentorship on.")
    locked = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if locked.status != Mentorship.Status.ACTIVE:
        raise ValidationError("This mentorship has finished.")
    if locked.stage != from_stage:
        raise ValidationError(
            f"Your mentorship is already in the {locked.get_stage_display().lower()} stage."
        )
    move = PAIR_MOVES.get(locked.stage)
    if move is None:
        raise ValidationError(
            "The goal-setting stage starts when you have both signed your agreement."
        )
    record = _record(locked, move.to_stage, StageMove.Kind.PAIR, user)
    mentorship.stage, mentorship.status = locked.stage, locked.status
    return record


@transaction.atomic
def stage_correct(
    *, mentorship: Mentorship, coordinator: Any, to_stage: str, reason: str
) -> StageMove:
    """A coordinator of the scheme sets an active mentorship's stage, with a reason."""
    if Role.COORDINATOR not in scheme_roles(coordinator, mentorship.scheme):
        raise PermissionDenied("Only the scheme's coordinators correct a stage.")
    locked = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if locked.status != Mentorship.Status.ACTIVE:
        raise ValidationError("Only an active mentorship's stage can be corrected.")
    if to_stage not in Stage.values:
        raise ValidationError({"stage": "Choose one of the five stages."})
    if to_stage == locked.stage:
        raise ValidationError({"stage": "The mentorship is already in this stage."})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the stage needs correcting."})
    record = _record(locked, to_stage, StageMove.Kind.CORRECTION, coordinator, reason)
    mentorship.stage = locked.stage
    return record


def _end_dates(mentorships: list[Mentorship]) -> dict[int, date | None]:
    """Each mentorship's end date: its agreement in force's, else the programme's."""
    agreed = dict(
        AgreementVersion.objects.filter(
            mentorship__in=mentorships,
            status=AgreementVersion.Status.IN_FORCE,
            end_date__isnull=False,
        ).values_list("mentorship_id", "end_date")
    )
    return {m.pk: agreed.get(m.pk) or default_end_date(m) for m in mentorships}


def stages_wind_up_due(*, today: date | None = None) -> int:
    """Move to wind-up every active mentorship in goal setting or progress whose end
    date is within its scheme's wind-up weeks. Each is claimed under its row lock
    (skipping rows another worker holds) and checked again, so a second worker or a
    retry moves nothing twice. Returns how many moved."""
    today = today or timezone.localdate()
    candidates = list(
        Mentorship.objects.filter(
            status=Mentorship.Status.ACTIVE, stage__in=[Stage.GOAL_SETTING, Stage.PROGRESS]
        ).select_related("scheme")
    )
    weeks = dict(
        PairSettings.objects.filter(scheme__in={m.scheme_id for m in candidates}).values_list(
            "scheme_id", "wind_up_weeks"
        )
    )
    default_weeks = PairSettings._meta.get_field("wind_up_weeks").default
    by_id = {m.pk: m for m in candidates}
    moved = 0
    for mentorship_id, end in _end_dates(candidates).items():
        mentorship = by_id[mentorship_id]
        if (
            end is None
            or end - timedelta(weeks=weeks.get(mentorship.scheme_id, default_weeks)) > today
        ):
            continue
        with transaction.atomic():
            locked = (
                Mentorship.objects.select_for_update(skip_locked=True)
                .filter(
                    pk=mentorship_id,
                    status=Mentorship.Status.ACTIVE,
                    stage__in=[Stage.GOAL_SETTING, Stage.PROGRESS],
                )
                .first()
            )
            if locked is not None:
                stage_move_automatic(mentorship=locked, to_stage=Stage.WIND_UP)
                moved += 1
    return moved
