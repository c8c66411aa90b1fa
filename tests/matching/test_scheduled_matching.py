"""Matching on a scheme's schedule: weekly while applications are open, or once when
they close, started by Celery beat's daily call of ``run_scheduled_matching``, which
calls ``scheduled_runs_start``; the selectors say which schemes are due."""

import logging
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from matching.models import MatchRun
from matching.selectors import scheduled_matching_due, schemes_with_matching_schedule
from matching.services.runs import ALREADY_RUNNING, match_run_start, scheduled_runs_start
from matching.tasks.runs import run_scheduled_matching
from schemes.choices import MatchingMode, MatchingSchedule
from tests.factories import SchemeFactory, approved_mentee, approved_mentor

MONDAY = date(2025, 3, 10)
TUESDAY = MONDAY + timedelta(days=1)


def at(day: date, hour: int = 6, minute: int = 5):
    """The clock at beat's time on ``day``, in the site's time zone."""
    moment = datetime(
        day.year, day.month, day.day, hour, minute, tzinfo=timezone.get_current_timezone()
    )
    return time_machine.travel(moment, tick=False)


def scheduled_scheme(
    schedule, *, opens=MONDAY - timedelta(days=30), closes=MONDAY + timedelta(days=30), **fields
):
    scheme = SchemeFactory(
        matching_schedule=schedule,
        applications_open_on=opens,
        applications_close_on=closes,
        **fields,
    )
    approved_mentee(scheme, f"mentee@{scheme.slug}.example.org")
    approved_mentor(scheme, f"mentor@{scheme.slug}.example.org")
    return scheme


def schedule_runs(scheme):
    return MatchRun.objects.filter(scheme=scheme, trigger=MatchRun.Trigger.SCHEDULE)


@pytest.fixture
def weekly(db):
    return scheduled_scheme(MatchingSchedule.WEEKLY)


def test_a_weekly_scheme_is_matched_on_monday_while_applications_are_open(
    weekly, django_capture_on_commit_callbacks
):
    with at(MONDAY), django_capture_on_commit_callbacks(execute=True):
        started = run_scheduled_matching()

    run = schedule_runs(weekly).get()
    assert started == [run.pk]
    assert run.started_by is None
    # Queued for a worker once committed (tasks run eagerly in the tests).
    assert run.status == MatchRun.Status.FINISHED
    assert run.matched_count == 1


def test_a_weekly_scheme_is_matched_once_a_monday(weekly):
    with at(MONDAY):
        run_scheduled_matching()
    with at(MONDAY, hour=18):
        assert run_scheduled_matching() == []

    assert schedule_runs(weekly).count() == 1


def test_a_weekly_scheme_is_matched_again_the_next_monday(weekly):
    with at(MONDAY):
        run_scheduled_matching()
    with at(MONDAY + timedelta(days=7)):
        run_scheduled_matching()

    assert schedule_runs(weekly).count() == 2


def test_a_weekly_scheme_is_not_matched_on_other_days(weekly):
    for day in range(1, 7):
        with at(MONDAY + timedelta(days=day)):
            assert run_scheduled_matching() == []

    assert not schedule_runs(weekly).exists()


def test_a_weekly_scheme_stops_when_applications_close(db):
    closed = scheduled_scheme(MatchingSchedule.WEEKLY, closes=MONDAY - timedelta(days=1))
    not_open_yet = scheduled_scheme(MatchingSchedule.WEEKLY, opens=TUESDAY)

    with at(MONDAY):
        assert run_scheduled_matching() == []

    assert not MatchRun.objects.filter(scheme__in=[closed, not_open_yet]).exists()


def test_a_window_close_scheme_is_matched_the_day_after_applications_close(db):
    scheme = scheduled_scheme(MatchingSchedule.WINDOW_CLOSE, closes=MONDAY)

    with at(MONDAY):
        assert run_scheduled_matching() == []  # still open today
    with at(TUESDAY):
        started = run_scheduled_matching()
    with at(TUESDAY, hour=20):
        assert run_scheduled_matching() == []
    with at(TUESDAY + timedelta(days=1)):
        assert run_scheduled_matching() == []

    assert started == [schedule_runs(scheme).get().pk]


def test_a_window_close_run_missed_by_beat_happens_the_next_day(db):
    scheme = scheduled_scheme(MatchingSchedule.WINDOW_CLOSE, closes=MONDAY)

    with at(MONDAY + timedelta(days=3)):
        run_scheduled_matching()

    assert schedule_runs(scheme).count() == 1


def test_a_window_close_scheme_long_closed_is_not_matched(db):
    scheme = scheduled_scheme(
        MatchingSchedule.WINDOW_CLOSE,
        opens=MONDAY - timedelta(days=90),
        closes=MONDAY - timedelta(days=60),
    )

    with at(MONDAY):
        assert run_scheduled_matching() == []

    assert not schedule_runs(scheme).exists()


def test_manual_and_shortlist_schemes_are_never_matched_by_the_schedule(db):
    manual = scheduled_scheme(MatchingSchedule.MANUAL)
    shortlist = scheduled_scheme(MatchingSchedule.WEEKLY, matching_mode=MatchingMode.SHORTLIST)

    with at(MONDAY):
        assert run_scheduled_matching() == []

    assert not MatchRun.objects.filter(scheme__in=[manual, shortlist]).exists()


def test_a_scheme_already_running_is_skipped_and_the_others_still_start(weekly):
    other = scheduled_scheme(MatchingSchedule.WEEKLY)
    busy = match_run_start(scheme=weekly, trigger=MatchRun.Trigger.COORDINATOR, execute_later=False)

    with at(MONDAY):
        started = run_scheduled_matching()

    assert started == [schedule_runs(other).get().pk]
    assert not schedule_runs(weekly).exists()
    assert list(MatchRun.objects.filter(scheme=weekly)) == [busy]


def test_a_scheme_already_running_is_logged_as_skipped(weekly, caplog):
    match_run_start(scheme=weekly, trigger=MatchRun.Trigger.COORDINATOR, execute_later=False)

    with caplog.at_level(logging.INFO, logger="matching.services.runs"):
        assert scheduled_runs_start(today=MONDAY) == []

    assert f"Scheduled matching of {weekly.slug} skipped: {ALREADY_RUNNING}" in caplog.messages


# --- the service and the selectors, on a given day -------------------------------------


def test_the_service_starts_the_runs_due_on_the_day_it_is_given(weekly):
    window = scheduled_scheme(MatchingSchedule.WINDOW_CLOSE, closes=MONDAY - timedelta(days=1))

    started = scheduled_runs_start(today=MONDAY)

    assert sorted(started) == sorted(
        [schedule_runs(weekly).get().pk, schedule_runs(window).get().pk]
    )
    assert scheduled_runs_start(today=MONDAY) == []  # once a day
    assert scheduled_runs_start(today=TUESDAY) == []  # weekly: Mondays only


def test_the_service_uses_the_sites_date_by_default(weekly):
    with at(MONDAY):
        started = scheduled_runs_start()

    assert started == [schedule_runs(weekly).get().pk]


def test_only_schemes_that_run_matching_on_a_schedule_are_looked_at(weekly):
    window = scheduled_scheme(MatchingSchedule.WINDOW_CLOSE)
    scheduled_scheme(MatchingSchedule.MANUAL)
    scheduled_scheme(MatchingSchedule.WEEKLY, matching_mode=MatchingMode.SHORTLIST)

    assert list(schemes_with_matching_schedule()) == [weekly, window]


def test_a_weekly_scheme_is_due_on_a_monday_without_a_scheduled_run_that_day(weekly):
    assert scheduled_matching_due(weekly, MONDAY)
    assert not scheduled_matching_due(weekly, TUESDAY)
    with at(MONDAY):
        match_run_start(scheme=weekly, trigger=MatchRun.Trigger.SCHEDULE, execute_later=False)

    assert not scheduled_matching_due(weekly, MONDAY)


def test_a_window_close_scheme_is_due_within_a_grace_week_after_closing(db):
    scheme = scheduled_scheme(MatchingSchedule.WINDOW_CLOSE, closes=MONDAY)

    assert not scheduled_matching_due(scheme, MONDAY)
    assert scheduled_matching_due(scheme, TUESDAY)
    assert scheduled_matching_due(scheme, MONDAY + timedelta(days=7))
    assert not scheduled_matching_due(scheme, MONDAY + timedelta(days=8))


def test_a_scheme_in_shortlist_mode_is_never_due(db):
    scheme = scheduled_scheme(MatchingSchedule.WEEKLY, matching_mode=MatchingMode.SHORTLIST)

    assert not scheduled_matching_due(scheme, MONDAY)
