"""The goal services: the limit of three goals, sharing, SMART targets within the
mentorship, closing and reopening targets, progress ratings, and who may do each."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from agreements.models import Goal, ProgressEntry, Target
from agreements.services.goals import (
    goal_create,
    goal_set_status,
    goal_share,
    mentorship_dates,
    progress_record,
    target_create,
    target_set_status,
)
from matching.models import Mentorship

pytestmark = pytest.mark.django_db


def _goal(mentorship, user, title):
    return goal_create(mentorship=mentorship, user=user, data={"title": title})


def _target_data(**changes):
    data = {
        "what": "Chair the stand-up",
        "measure": "Chaired it twice",
        "achievable": "The lead agreed",
        "due_on": timezone.localdate() + timedelta(days=10),
    }
    data.update(changes)
    return data


def _finish(mentorship):
    Mentorship.objects.filter(pk=mentorship.pk).update(status=Mentorship.Status.COMPLETED)
    mentorship.refresh_from_db()


def test_a_fourth_goal_is_refused_beside_the_title(active_mentorship, mentee):
    for title in ("One", "Two", "Three"):
        _goal(active_mentorship, mentee, title)
    with pytest.raises(ValidationError) as raised:
        _goal(active_mentorship, mentee, "Four")
    assert "title" in raised.value.error_dict
    assert Goal.objects.filter(mentorship=active_mentorship).count() == 3


def test_a_dropped_goal_makes_room_for_another(active_mentorship, mentee, mentor):
    goals = [_goal(active_mentorship, mentee, title) for title in ("One", "Two", "Three")]
    goal_set_status(goal=goals[0], user=mentor, status=Goal.Status.DROPPED)
    fourth = _goal(active_mentorship, mentor, "Four")
    assert fourth.status == Goal.Status.ACTIVE
    assert fourth.created_by == mentor


def test_taking_a_dropped_goal_up_again_over_the_limit_is_refused(active_mentorship, mentee):
    goals = [_goal(active_mentorship, mentee, title) for title in ("One", "Two", "Three")]
    goal_set_status(goal=goals[0], user=mentee, status=Goal.Status.DROPPED)
    _goal(active_mentorship, mentee, "Four")
    with pytest.raises(ValidationError, match="Drop one"):
        goal_set_status(goal=goals[0], user=mentee, status=Goal.Status.ACTIVE)
    goals[0].refresh_from_db()
    assert goals[0].status == Goal.Status.DROPPED


def test_an_achieved_goal_still_counts_and_can_be_reopened(goal, mentee):
    goal_set_status(goal=goal, user=mentee, status=Goal.Status.ACHIEVED)
    goal_set_status(goal=goal, user=mentee, status=Goal.Status.ACTIVE)
    goal.refresh_from_db()
    assert goal.status == Goal.Status.ACTIVE


def test_an_unknown_goal_status_is_refused(goal, mentee):
    with pytest.raises(ValidationError):
        goal_set_status(goal=goal, user=mentee, status="finished")


def test_sharing_a_goal_and_stopping(goal, mentor):
    goal_share(goal=goal, user=mentor, shared=True)
    goal.refresh_from_db()
    assert goal.shared_with_coordinator is True
    goal_share(goal=goal, user=mentor, shared=False)
    goal.refresh_from_db()
    assert goal.shared_with_coordinator is False


def test_a_target_needs_a_measure(goal, mentee):
    with pytest.raises(ValidationError) as raised:
        target_create(goal=goal, user=mentee, data=_target_data(measure="   "))
    assert "measure" in raised.value.error_dict
    assert not Target.objects.exists()


def test_a_target_due_before_the_mentorship_started_is_refused(goal, mentee):
    start, _ = mentorship_dates(goal.mentorship)
    with pytest.raises(ValidationError) as raised:
        target_create(goal=goal, user=mentee, data=_target_data(due_on=start - timedelta(days=1)))
    assert "started on" in raised.value.error_dict["due_on"][0].message


def test_a_target_due_after_the_mentorship_ends_is_refused(goal, mentee):
    _, end = mentorship_dates(goal.mentorship)
    with pytest.raises(ValidationError) as raised:
        target_create(goal=goal, user=mentee, data=_target_data(due_on=end + timedelta(days=1)))
    assert "ends on" in raised.value.error_dict["due_on"][0].message


def test_a_target_due_on_the_last_day_is_accepted(goal, mentee):
    _, end = mentorship_dates(goal.mentorship)
    target = target_create(goal=goal, user=mentee, data=_target_data(due_on=end))
    assert target.due_on == end


def test_closing_a_target_records_when_and_who_and_reopening_clears_them(target, mentor):
    target_set_status(target=target, user=mentor, status=Target.Status.DONE)
    target.refresh_from_db()
    assert target.status == Target.Status.DONE
    assert target.closed_at is not None
    assert target.closed_by == mentor
    target_set_status(target=target, user=mentor, status=Target.Status.OPEN)
    target.refresh_from_db()
    assert (target.status, target.closed_at, target.closed_by) == ("open", None, None)


@pytest.mark.parametrize("rating", [1, 10])
def test_progress_ratings_from_one_to_ten_are_recorded(goal, mentee, rating):
    entry = progress_record(goal=goal, user=mentee, rating=rating, comment="Moving")
    assert (entry.rating, entry.author, entry.comment) == (rating, mentee, "Moving")


@pytest.mark.parametrize("rating", [0, 11, -3])
def test_progress_ratings_outside_one_to_ten_are_refused(goal, mentee, rating):
    with pytest.raises(ValidationError):
        progress_record(goal=goal, user=mentee, rating=rating)
    assert not ProgressEntry.objects.exists()


def _every_change(goal, target):
    return [
        lambda user: goal_create(mentorship=goal.mentorship, user=user, data={"title": "New"}),
        lambda user: goal_set_status(goal=goal, user=user, status=Goal.Status.ACHIEVED),
        lambda user: goal_share(goal=goal, user=user, shared=True),
        lambda user: target_create(goal=goal, user=user, data=_target_data()),
        lambda user: target_set_status(target=target, user=user, status=Target.Status.DONE),
        lambda user: progress_record(goal=goal, user=user, rating=5),
    ]


@pytest.mark.parametrize("change", range(6))
def test_an_outsider_changes_nothing(target, outsider, coordinator, change):
    goal = target.goal
    for person in (outsider, coordinator):
        with pytest.raises(PermissionDenied):
            _every_change(goal, target)[change](person)
    goal.refresh_from_db()
    target.refresh_from_db()
    assert (goal.status, goal.shared_with_coordinator, target.status) == ("active", False, "open")
    assert not ProgressEntry.objects.exists()


@pytest.mark.parametrize("change", range(6))
def test_a_finished_mentorship_changes_nothing(target, mentee, change):
    goal = target.goal
    _finish(goal.mentorship)
    with pytest.raises(ValidationError, match="finished"):
        _every_change(goal, target)[change](mentee)
    assert Goal.objects.count() == 1
    assert not ProgressEntry.objects.exists()


def test_editing_a_stale_copy_of_a_goal_never_undoes_the_other_persons_sharing(
    active_mentorship, mentee, mentor
):
    from agreements.services.goals import goal_share, goal_update

    created = goal_create(mentorship=active_mentorship, user=mentee, data={"title": "Lead"})
    goal_share(goal=created, user=mentee, shared=True)
    stale = Goal.objects.get(pk=created.pk)
    goal_share(goal=Goal.objects.get(pk=created.pk), user=mentor, shared=False)

    goal_update(goal=stale, user=mentee, data={"title": "Lead a team"})

    fresh = Goal.objects.get(pk=created.pk)
    assert fresh.title == "Lead a team"
    assert fresh.shared_with_coordinator is False


def test_editing_a_stale_copy_of_a_target_never_reopens_it(target, mentee, mentor):
    from agreements.services.goals import target_set_status, target_update

    stale = Target.objects.get(pk=target.pk)
    target_set_status(target=Target.objects.get(pk=target.pk), user=mentor, status="done")

    target_update(target=stale, user=mentee, data={"what": "Chair it"})

    fresh = Target.objects.get(pk=target.pk)
    assert fresh.what == "Chair it"
    assert fresh.status == Target.Status.DONE
