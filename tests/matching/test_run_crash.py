"""Runs that survive a crash: the heartbeat, the sweep, resuming, and cancelling."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from matching.models import MatchRun
from matching.services.runs import (
    HEARTBEAT_TIMEOUT,
    RUN_TASK,
    match_run_cancel,
    match_run_execute,
    match_run_start,
    match_runs_fail_stalled,
)
from matching.tasks.runs import fail_stalled_runs
from mentoring.models import OutboxMessage
from mentoring.outbox import outbox_deliver
from tests.factories import approved_mentee, approved_mentor

pytestmark = pytest.mark.django_db

COMMAND = MatchRun.Trigger.COMMAND


@pytest.fixture
def pool(scheme):
    areas = scheme.development_areas
    return [
        approved_mentee(scheme, "ann@example.org", areas_wanted=areas[0:2]),
        approved_mentor(scheme, "alice@example.org", areas_offered=areas[0:2]),
    ]


def killed_run(scheme, *, silent_for: timedelta) -> MatchRun:
    """A run whose worker was killed mid-way: "running" at 10%, with its last heartbeat
    ``silent_for`` ago."""
    run = match_run_start(scheme=scheme, trigger=COMMAND, execute_later=False)
    beat = timezone.now() - silent_for
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRun.Status.RUNNING,
        started_at=beat,
        heartbeat_at=beat,
        progress=10,
        progress_message="Loading the mentees and mentors.",
    )
    return run


def test_a_run_writes_its_heartbeat_as_it_goes(scheme, pool):
    run = match_run_start(scheme=scheme, trigger=COMMAND, execute_later=False)
    beats = []

    def on_scored(*args):
        beats.append(MatchRun.objects.get(pk=run.pk).heartbeat_at)

    before = timezone.now()
    match_run_execute(run_id=run.pk, on_scored=on_scored)
    assert beats[0] is not None and beats[0] >= before
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FINISHED
    assert run.heartbeat_at >= beats[0]


def test_the_sweep_fails_a_killed_run_with_the_reason(scheme, pool):
    killed = killed_run(scheme, silent_for=HEARTBEAT_TIMEOUT + timedelta(seconds=5))
    alive = killed_run(
        scheme.__class__.objects.create(name="Other", slug="other"),
        silent_for=timedelta(seconds=10),
    )

    assert fail_stalled_runs.delay().get() == 1

    killed.refresh_from_db()
    alive.refresh_from_db()
    assert killed.status == MatchRun.Status.FAILED
    assert "its worker stopped answering" in killed.error
    assert "Start it again" in killed.error
    assert alive.status == MatchRun.Status.RUNNING


def test_after_the_sweep_the_coordinator_can_start_again_at_once(scheme, pool):
    killed_run(scheme, silent_for=HEARTBEAT_TIMEOUT * 2)
    match_runs_fail_stalled()

    again = match_run_start(scheme=scheme, trigger=COMMAND, execute_later=False)
    assert match_run_execute(run_id=again.pk).status == MatchRun.Status.FINISHED
    assert again.proposals.count() == 1


def test_the_next_start_fails_a_killed_run_itself(scheme, pool):
    killed = killed_run(scheme, silent_for=HEARTBEAT_TIMEOUT * 2)

    match_run_start(scheme=scheme, trigger=COMMAND, execute_later=False)

    killed.refresh_from_db()
    assert killed.status == MatchRun.Status.FAILED


def test_a_live_run_still_blocks_a_second_start(scheme, pool):
    killed_run(scheme, silent_for=timedelta(seconds=30))
    with pytest.raises(ValidationError, match="already running"):
        match_run_start(scheme=scheme, trigger=COMMAND, execute_later=False)


def test_a_redelivered_task_resumes_a_run_whose_worker_died(scheme, pool):
    killed = killed_run(scheme, silent_for=HEARTBEAT_TIMEOUT * 2)

    run = match_run_execute(run_id=killed.pk)

    assert run.status == MatchRun.Status.FINISHED
    assert run.proposals.count() == 1


def test_a_redelivered_task_leaves_a_run_another_worker_is_executing(scheme, pool, caplog):
    busy = killed_run(scheme, silent_for=timedelta(seconds=10))

    run = match_run_execute(run_id=busy.pk)

    assert run.status == MatchRun.Status.RUNNING
    assert run.progress == 10
    assert "on another worker" in caplog.text


def test_a_redelivered_task_of_a_failed_run_says_so(scheme, pool, caplog):
    killed = killed_run(scheme, silent_for=HEARTBEAT_TIMEOUT * 2)
    match_runs_fail_stalled()

    assert match_run_execute(run_id=killed.pk).status == MatchRun.Status.FAILED
    assert "not executed: it is failed" in caplog.text


def test_a_run_that_no_worker_took_up_within_an_hour_is_failed(scheme, pool):
    run = match_run_start(scheme=scheme, trigger=COMMAND, execute_later=False)
    MatchRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(hours=2))
    assert match_runs_fail_stalled() == 1
    run.refresh_from_db()
    assert "never started" in run.error


def test_a_queued_run_waiting_for_the_broker_is_not_failed(scheme, pool):
    run = match_run_start(scheme=scheme, trigger=COMMAND, execute_later=False)
    MatchRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(minutes=20))
    assert match_runs_fail_stalled() == 0


def test_a_coordinator_cancels_a_queued_run(scheme, pool, coordinator):
    run = match_run_start(scheme=scheme, trigger=COMMAND, execute_later=False)

    match_run_cancel(run=run, cancelled_by=coordinator)

    run.refresh_from_db()
    assert run.status == MatchRun.Status.CANCELLED
    assert coordinator.display_name in run.error
    # Its task, delivered later, does nothing: the run stays cancelled, with no proposals.
    assert match_run_execute(run_id=run.pk).status == MatchRun.Status.CANCELLED
    assert not run.proposals.exists()
    # And the scheme can start again at once.
    match_run_start(scheme=scheme, trigger=COMMAND, execute_later=False)


# Without the test's transaction, as on a worker: the cancel commits while the run goes.
@pytest.mark.django_db(transaction=True)
def test_a_run_cancelled_while_it_executes_stops_and_stores_nothing(scheme, pool, coordinator):
    run = match_run_start(scheme=scheme, trigger=COMMAND, execute_later=False)

    def cancel_mid_run(*args):
        match_run_cancel(run=run, cancelled_by=coordinator)

    result = match_run_execute(run_id=run.pk, on_scored=cancel_mid_run)

    assert result.status == MatchRun.Status.CANCELLED
    assert not result.proposals.exists()
    assert not result.unmatched.exists()


def test_a_finished_run_cannot_be_cancelled(scheme, pool, coordinator):
    run = match_run_start(scheme=scheme, trigger=COMMAND, execute_later=False)
    match_run_execute(run_id=run.pk)
    with pytest.raises(ValidationError, match="can be cancelled"):
        match_run_cancel(run=run, cancelled_by=coordinator)


def test_the_run_page_cancels_a_running_run(client, scheme, pool, coordinator):
    run = killed_run(scheme, silent_for=timedelta(seconds=10))
    client.force_login(coordinator)

    page = client.get(run.get_absolute_url())
    assert b"Cancel this run" in page.content

    response = client.post(reverse("matching:run_cancel", args=[scheme.slug, run.pk]), follow=True)

    assert response.status_code == 200
    assert f"Run {run.pk} is cancelled".encode() in response.content
    assert b"The run was cancelled" in response.content
    run.refresh_from_db()
    assert run.status == MatchRun.Status.CANCELLED


def test_an_outsider_cannot_cancel_a_run(client, scheme, pool, outsider):
    run = killed_run(scheme, silent_for=timedelta(seconds=10))
    client.force_login(outsider)
    response = client.post(reverse("matching:run_cancel", args=[scheme.slug, run.pk]))
    assert response.status_code == 404
    run.refresh_from_db()
    assert run.status == MatchRun.Status.RUNNING


def test_a_start_goes_through_the_outbox_as_a_task(
    scheme, pool, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = match_run_start(scheme=scheme, trigger=COMMAND, started_by=coordinator)
    row = OutboxMessage.objects.get(handler=RUN_TASK)
    assert (row.kind, row.payload, row.status) == ("task", {"run_id": run.pk}, "sent")
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FINISHED
    # Delivered again (the sweep, a redelivery): the run is not executed twice.
    assert outbox_deliver(message_id=row.pk) == "sent"
    assert run.proposals.count() == 1
