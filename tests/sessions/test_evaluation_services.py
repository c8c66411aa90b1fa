"""Evaluations, the final review and the session settings: when each milestone is due,
once only, ratings checked, the stage moves, the settings checked."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from agreements.models import StageMove
from matching.models import Mentorship
from sessions.models import Evaluation, FinalReview, SessionSettings
from sessions.selectors.evaluations import (
    add_months,
    evaluation_state,
    evaluations_coordinator_panel,
    evaluations_due,
    evaluations_pair_panel,
)
from sessions.services.evaluations import (
    evaluation_complete,
    final_review_complete,
    session_settings_update,
)
from tests.conftest import evaluation_answers

pytestmark = pytest.mark.django_db


def _start(mentorship, days_ago):
    Mentorship.objects.filter(pk=mentorship.pk).update(
        started_at=timezone.now() - timedelta(days=days_ago)
    )
    mentorship.refresh_from_db()


def _stage(mentorship, stage):
    Mentorship.objects.filter(pk=mentorship.pk).update(stage=stage)
    mentorship.refresh_from_db()


def _complete(mentorship, user, role, milestone, rating=3, **changes):
    answers = evaluation_answers(mentorship, role, milestone, rating)
    answers.update(changes)
    return evaluation_complete(mentorship=mentorship, user=user, milestone=milestone, **answers)


# --- when each milestone is due ---


def test_the_mentees_baseline_is_due_from_the_start(active_mentorship):
    assert evaluations_due(active_mentorship, "mentee") == ["baseline"]


def test_the_mentor_has_no_baseline(active_mentorship):
    state = evaluation_state(active_mentorship, "mentor")
    assert not state.status("baseline").applies
    assert evaluations_due(active_mentorship, "mentor") == []


def test_the_mid_point_is_due_halfway_to_the_end_date(active_mentorship):
    start = timezone.localdate(active_mentorship.started_at)
    end = add_months(start, active_mentorship.scheme.programme_months)
    middle = start + timedelta(days=(end - start).days // 2)
    state = evaluation_state(active_mentorship, "mentor", today=middle - timedelta(days=1))
    assert state.status("mid").due_from == middle
    assert not state.status("mid").is_due
    assert evaluation_state(active_mentorship, "mentor", today=middle).status("mid").is_due


def test_the_mid_point_follows_the_agreement_in_forces_end_date(active_mentorship):
    from agreements.models import AgreementVersion

    start = timezone.localdate(active_mentorship.started_at)
    AgreementVersion.objects.create(
        mentorship=active_mentorship,
        number=1,
        status=AgreementVersion.Status.IN_FORCE,
        in_force_at=timezone.now(),
        end_date=start + timedelta(days=40),
    )
    state = evaluation_state(active_mentorship, "mentee")
    assert state.status("mid").due_from == start + timedelta(days=20)


def test_the_end_is_due_in_the_wind_up_stage(active_mentorship):
    assert "end" not in evaluations_due(active_mentorship, "mentor")
    _stage(active_mentorship, Mentorship.Stage.WIND_UP)
    assert "end" in evaluations_due(active_mentorship, "mentor")
    _stage(active_mentorship, Mentorship.Stage.DISTANCE)
    assert "end" in evaluations_due(active_mentorship, "mentor")


def test_the_follow_up_is_due_months_after_the_end_date_without_a_final_review(
    active_mentorship,
):
    state = evaluation_state(active_mentorship, "mentee")
    assert state.status("follow_up").due_from == add_months(state.end_date, 3)


def test_the_follow_up_is_due_months_after_the_final_review(final_review, coordinator):
    mentorship = final_review.mentorship
    session_settings_update(
        scheme=mentorship.scheme,
        coordinator=coordinator,
        time_zone="Europe/London",
        follow_up_months=6,
        relationship_items=["We met often enough"],
    )
    reviewed = timezone.localdate(final_review.completed_at)
    state = evaluation_state(mentorship, "mentee")
    assert state.status("follow_up").due_from == add_months(reviewed, 6)
    assert not state.status("follow_up").is_due
    later = evaluation_state(mentorship, "mentee", today=add_months(reviewed, 6))
    assert later.status("follow_up").is_due


def test_add_months_keeps_the_last_day_of_a_shorter_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)


def test_nothing_is_due_once_the_mentorship_has_ended(active_mentorship):
    Mentorship.objects.filter(pk=active_mentorship.pk).update(
        status=Mentorship.Status.ENDED, ended_at=timezone.now(), end_reason="No-fault ending"
    )
    active_mentorship.refresh_from_db()
    assert evaluations_due(active_mentorship, "mentee") == []


# --- completing an evaluation ---


def test_the_baseline_stores_the_mentees_ratings_by_area(active_mentorship, mentee):
    evaluation = _complete(active_mentorship, mentee, "mentee", "baseline", rating=2)
    areas = active_mentorship.scheme.development_areas
    assert evaluation.area_ratings == dict.fromkeys(areas, 2)
    assert evaluation.relationship_ratings == {}
    assert evaluation.scheme_rating is None
    assert evaluation.role == "mentee"
    assert evaluations_due(active_mentorship, "mentee") == []


def test_an_evaluation_is_completed_once(baseline_evaluation, mentee):
    with pytest.raises(ValidationError, match="given once"):
        _complete(baseline_evaluation.mentorship, mentee, "mentee", "baseline")
    assert Evaluation.objects.filter(milestone="baseline").count() == 1


def test_an_evaluation_not_yet_due_is_refused(active_mentorship, mentor):
    with pytest.raises(ValidationError, match="due from"):
        _complete(active_mentorship, mentor, "mentor", "mid")
    assert not Evaluation.objects.exists()


def test_the_mentors_baseline_is_refused(active_mentorship, mentor):
    with pytest.raises(ValidationError, match="no baseline"):
        evaluation_complete(mentorship=active_mentorship, user=mentor, milestone="baseline")


def test_someone_outside_the_pair_cannot_evaluate(active_mentorship, coordinator):
    with pytest.raises(PermissionDenied):
        evaluation_complete(mentorship=active_mentorship, user=coordinator, milestone="baseline")


def test_an_unknown_milestone_is_refused(active_mentorship, mentee):
    with pytest.raises(ValidationError):
        evaluation_complete(mentorship=active_mentorship, user=mentee, milestone="later")


@pytest.mark.parametrize("bad", [0, 6, "3", None, True, 2.5])
def test_an_area_rating_outside_1_to_5_is_refused(active_mentorship, mentee, bad):
    areas = dict.fromkeys(active_mentorship.scheme.development_areas, 3)
    areas["Confidence"] = bad
    with pytest.raises(ValidationError) as raised:
        _complete(active_mentorship, mentee, "mentee", "baseline", area_ratings=areas)
    assert "area_ratings" in raised.value.message_dict
    assert not Evaluation.objects.exists()


def test_an_area_that_is_not_the_schemes_is_refused(active_mentorship, mentee):
    areas = dict.fromkeys(active_mentorship.scheme.development_areas, 3)
    areas["Juggling"] = 3
    with pytest.raises(ValidationError, match="Juggling"):
        _complete(active_mentorship, mentee, "mentee", "baseline", area_ratings=areas)


def test_a_missing_area_is_refused(active_mentorship, mentee):
    areas = dict.fromkeys(active_mentorship.scheme.development_areas[1:], 3)
    with pytest.raises(ValidationError, match="Rate"):
        _complete(active_mentorship, mentee, "mentee", "baseline", area_ratings=areas)


def test_a_statement_that_is_not_the_schemes_is_refused(wind_up_pair, mentor):
    with pytest.raises(ValidationError) as raised:
        _complete(
            wind_up_pair,
            mentor,
            "mentor",
            "end",
            relationship_ratings={"We always agreed": 3},
        )
    assert "relationship_ratings" in raised.value.message_dict


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"scheme_rating": 0}, "scheme_rating"),
        ({"scheme_rating": 6}, "scheme_rating"),
        ({"would_recommend": None}, "would_recommend"),
        ({"comments": "x" * 5001}, "comments"),
    ],
)
def test_the_scheme_questions_are_checked(wind_up_pair, mentor, changes, field):
    with pytest.raises(ValidationError) as raised:
        _complete(wind_up_pair, mentor, "mentor", "end", **changes)
    assert field in raised.value.message_dict


def test_the_end_evaluation_asks_both_the_relationship_and_the_mentee_the_areas(
    end_evaluations,
):
    mentee_end, mentor_end = end_evaluations
    assert set(mentee_end.area_ratings) == set(mentee_end.mentorship.scheme.development_areas)
    assert mentor_end.area_ratings == {}
    items = SessionSettings(scheme=mentee_end.mentorship.scheme).relationship_items
    assert list(mentor_end.relationship_ratings) == items
    assert mentor_end.scheme_rating == 5
    assert mentor_end.would_recommend is True


def test_the_mentees_follow_up_in_distance_completes_the_mentorship(final_review, mentee):
    mentorship = final_review.mentorship
    # The review moved back in time, so the follow-up (three months on) is due.
    FinalReview.objects.filter(pk=final_review.pk).update(
        completed_at=final_review.completed_at - timedelta(days=200)
    )
    _complete(mentorship, mentee, "mentee", "follow_up")
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.COMPLETED
    move = StageMove.objects.filter(mentorship=mentorship).latest("pk")
    assert move.to_stage == StageMove.COMPLETED
    assert move.kind == StageMove.Kind.AUTOMATIC
    assert move.moved_by == mentee


def test_the_mentor_may_give_the_follow_up_after_the_mentee_completed_it(
    final_review, mentee, mentor
):
    mentorship = final_review.mentorship
    FinalReview.objects.filter(pk=final_review.pk).update(
        completed_at=final_review.completed_at - timedelta(days=200)
    )
    _complete(mentorship, mentee, "mentee", "follow_up")
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.COMPLETED
    assert evaluations_due(mentorship, "mentor") == ["follow_up"]
    _complete(mentorship, mentor, "mentor", "follow_up")
    assert Evaluation.objects.filter(milestone="follow_up").count() == 2


def test_the_mentors_follow_up_does_not_complete_the_mentorship(final_review, mentor):
    mentorship = final_review.mentorship
    FinalReview.objects.filter(pk=final_review.pk).update(
        completed_at=final_review.completed_at - timedelta(days=200)
    )
    _complete(mentorship, mentor, "mentor", "follow_up")
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ACTIVE


# --- the final review ---


def test_the_final_review_moves_the_pair_from_wind_up_to_distance(final_review, mentee):
    mentorship = final_review.mentorship
    assert mentorship.stage == Mentorship.Stage.DISTANCE
    move = StageMove.objects.filter(mentorship=mentorship).latest("pk")
    assert (move.from_stage, move.to_stage) == (
        Mentorship.Stage.WIND_UP,
        Mentorship.Stage.DISTANCE,
    )
    assert move.moved_by == mentee
    assert final_review.targets_met == "Chaired the stand-up twice."


def test_the_final_review_is_written_once(final_review, mentor):
    with pytest.raises(ValidationError, match="once"):
        final_review_complete(mentorship=final_review.mentorship, user=mentor, targets_met="Again")
    assert FinalReview.objects.count() == 1


def test_the_final_review_is_only_in_the_wind_up_stage(active_mentorship, mentee):
    with pytest.raises(ValidationError, match="wind-up"):
        final_review_complete(mentorship=active_mentorship, user=mentee, targets_met="All")
    assert not FinalReview.objects.exists()
    assert not StageMove.objects.exists()


def test_the_final_review_needs_the_targets_met(wind_up_pair, mentee):
    with pytest.raises(ValidationError) as raised:
        final_review_complete(mentorship=wind_up_pair, user=mentee, targets_met="   ")
    assert "targets_met" in raised.value.message_dict
    wind_up_pair.refresh_from_db()
    assert wind_up_pair.stage == Mentorship.Stage.WIND_UP


def test_someone_outside_the_pair_cannot_write_the_final_review(wind_up_pair, coordinator):
    with pytest.raises(PermissionDenied):
        final_review_complete(mentorship=wind_up_pair, user=coordinator, targets_met="All")


# --- the session settings ---


def test_a_coordinator_saves_the_session_settings(scheme, coordinator):
    settings = session_settings_update(
        scheme=scheme,
        coordinator=coordinator,
        time_zone="America/New_York",
        follow_up_months=4,
        relationship_items=["  We   trusted each other ", "", "We met often enough"],
    )
    settings.refresh_from_db()
    assert settings.time_zone == "America/New_York"
    assert settings.follow_up_months == 4
    assert settings.relationship_items == ["We trusted each other", "We met often enough"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"follow_up_months": 0}, "follow_up_months"),
        ({"follow_up_months": 25}, "follow_up_months"),
        ({"relationship_items": []}, "relationship_items"),
        ({"relationship_items": ["  "]}, "relationship_items"),
        ({"relationship_items": [f"Item {n}" for n in range(13)]}, "relationship_items"),
        ({"relationship_items": ["x" * 201]}, "relationship_items"),
        ({"relationship_items": ["Same", "same"]}, "relationship_items"),
    ],
)
def test_bad_session_settings_are_refused(scheme, coordinator, changes, field):
    data = {
        "time_zone": "Europe/London",
        "follow_up_months": 3,
        "relationship_items": ["We met often enough"],
        **changes,
    }
    with pytest.raises(ValidationError) as raised:
        session_settings_update(scheme=scheme, coordinator=coordinator, **data)
    assert field in raised.value.message_dict
    assert not SessionSettings.objects.exists()


@pytest.mark.parametrize("who", ["mentor", "mentee", "other_coordinator", "hr_viewer"])
def test_only_the_schemes_coordinators_change_the_session_settings(request, scheme, who):
    with pytest.raises(PermissionDenied):
        session_settings_update(
            scheme=scheme,
            coordinator=request.getfixturevalue(who),
            time_zone="Europe/London",
            follow_up_months=3,
            relationship_items=["We met often enough"],
        )


def test_new_statements_are_asked_at_the_next_evaluation(wind_up_pair, coordinator, mentor):
    session_settings_update(
        scheme=wind_up_pair.scheme,
        coordinator=coordinator,
        time_zone="Europe/London",
        follow_up_months=3,
        relationship_items=["Our own statement"],
    )
    evaluation = _complete(wind_up_pair, mentor, "mentor", "end")
    assert evaluation.relationship_ratings == {"Our own statement": 3}


# --- the panels ---


def test_the_pair_panel_asks_for_the_baseline(active_mentorship):
    from agreements.permissions import PairAccess

    panel = evaluations_pair_panel(PairAccess(active_mentorship, "mentee"))
    assert [step.text for step in panel.steps] == ["Complete the baseline evaluation"]


def test_the_pair_panel_asks_for_the_final_review_in_wind_up(baseline_evaluation, wind_up_pair):
    from agreements.permissions import PairAccess

    panel = evaluations_pair_panel(PairAccess(wind_up_pair, "mentor"))
    assert [step.text for step in panel.steps] == ["Write your final review"]


def test_the_pair_panel_sums_up_the_mentees_change(end_evaluations):
    from agreements.permissions import PairAccess

    mentorship = end_evaluations[0].mentorship
    panel = evaluations_pair_panel(PairAccess(mentorship, "mentee"))
    count = len(mentorship.scheme.development_areas)
    assert panel.context["summary"] == (
        f"Since your baseline: up in {count} areas, the same in 0, down in 0."
    )


def test_the_coordinator_panel_holds_dates_and_no_answers(end_evaluations, coordinator):
    mentorship = end_evaluations[0].mentorship
    panel = evaluations_coordinator_panel(mentorship, coordinator)
    rows = {row["label"]: row for row in panel.context["rows"]}
    assert rows["End"]["mentee"] == end_evaluations[0].completed_at
    assert rows["End"]["mentor"] == end_evaluations[1].completed_at
    assert rows["Mid-point"]["mentee"] is None
    assert "Good scheme." not in repr(panel.context)


def test_the_follow_up_is_asked_for_only_in_the_distance_stage(active_mentorship):
    """Given earlier, it could not complete the mentorship, and could not be given
    again where it does."""
    state = evaluation_state(active_mentorship, "mentee")
    long_after = add_months(state.end_date, 4)

    assert (
        not evaluation_state(active_mentorship, "mentee", today=long_after)
        .status("follow_up")
        .is_due
    )
    Mentorship.objects.filter(pk=active_mentorship.pk).update(stage=Mentorship.Stage.DISTANCE)
    active_mentorship.refresh_from_db()
    assert (
        evaluation_state(active_mentorship, "mentee", today=long_after).status("follow_up").is_due
    )
