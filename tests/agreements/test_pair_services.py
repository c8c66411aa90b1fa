"""The pair's own moves between the stages (``stage_advance``), as their page makes them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from agreements.models import StageMove
from agreements.services.stages import PAIR_MOVES, stage_advance
from matching.models import Mentorship

Stage = Mentorship.Stage


def _at_stage(mentorship, stage):
    Mentorship.objects.filter(pk=mentorship.pk).update(stage=stage)
    mentorship.refresh_from_db()
    return mentorship


@pytest.mark.django_db
def test_the_pair_moves_through_every_stage_to_completed(active_mentorship, mentee, mentor):
    mentorship = _at_stage(active_mentorship, Stage.GOAL_SETTING)
    people = [mentee, mentor, mentee, mentor]
    expected = [
        (Stage.GOAL_SETTING, Stage.PROGRESS),
        (Stage.PROGRESS, Stage.WIND_UP),
        (Stage.WIND_UP, Stage.DISTANCE),
        (Stage.DISTANCE, StageMove.COMPLETED),
    ]
    for person, (from_stage, to_stage) in zip(people, expected, strict=True):
        move = stage_advance(mentorship=mentorship, user=person, from_stage=from_stage)
        assert (move.from_stage, move.to_stage) == (from_stage, to_stage)
        assert PAIR_MOVES[from_stage].to_stage == to_stage

    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.COMPLETED
    assert mentorship.ended_at is not None
    moves = list(StageMove.objects.filter(mentorship=mentorship))
    assert [(m.from_stage, m.to_stage) for m in moves] == expected
    assert {m.kind for m in moves} == {StageMove.Kind.PAIR}
    assert [m.moved_by for m in moves] == people


@pytest.mark.django_db
def test_a_stale_from_stage_is_refused_and_nothing_moves(active_mentorship, mentee, mentor):
    mentorship = _at_stage(active_mentorship, Stage.GOAL_SETTING)
    stage_advance(mentorship=mentorship, user=mentee, from_stage=Stage.GOAL_SETTING)
    # The mentor's page still showed goal setting: the second click must not skip a stage.
    with pytest.raises(ValidationError, match="already in the progress stage"):
        stage_advance(mentorship=mentorship, user=mentor, from_stage=Stage.GOAL_SETTING)
    mentorship.refresh_from_db()
    assert mentorship.stage == Stage.PROGRESS
    assert StageMove.objects.filter(mentorship=mentorship).count() == 1


@pytest.mark.django_db
def test_initiation_is_left_only_by_signing_the_agreement(active_mentorship, mentee):
    with pytest.raises(ValidationError, match="both signed your agreement"):
        stage_advance(mentorship=active_mentorship, user=mentee, from_stage=Stage.INITIATION)
    active_mentorship.refresh_from_db()
    assert active_mentorship.stage == Stage.INITIATION
    assert not StageMove.objects.exists()


@pytest.mark.django_db
def test_someone_outside_the_pair_cannot_move_it_on(active_mentorship, coordinator, outsider):
    mentorship = _at_stage(active_mentorship, Stage.GOAL_SETTING)
    for person in (coordinator, outsider):
        with pytest.raises(PermissionDenied):
            stage_advance(mentorship=mentorship, user=person, from_stage=Stage.GOAL_SETTING)
    assert not StageMove.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Mentorship.Status.COMPLETED, Mentorship.Status.ENDED])
def test_a_finished_mentorship_does_not_move(active_mentorship, mentee, status):
    Mentorship.objects.filter(pk=active_mentorship.pk).update(
        status=status, stage=Stage.DISTANCE, ended_at=timezone.now(), end_reason="Moved away."
    )
    active_mentorship.refresh_from_db()
    with pytest.raises(ValidationError, match="has finished"):
        stage_advance(mentorship=active_mentorship, user=mentee, from_stage=Stage.DISTANCE)
    active_mentorship.refresh_from_db()
    assert active_mentorship.status == status
    assert not StageMove.objects.exists()
