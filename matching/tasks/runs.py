"""Background jobs of match runs: failing the ones that lost their worker, and starting
the scheduled ones. A run itself is executed by the outbox's worker (``RUN_TASK``)."""

from celery import shared_task

__all__ = ["fail_stalled_runs", "run_scheduled_matching"]


@shared_task
def fail_stalled_runs() -> int:
    """Fail the runs whose worker stopped (every few minutes, from beat); how many."""
    # Imported here, as the other tasks: services import the app's task modules.
    from matching.services.runs import match_runs_fail_stalled

    return match_runs_fail_stalled()


@shared_task
def run_scheduled_matching() -> list[int]:
    """Start the runs that schemes' matching schedules ask for today (daily, from beat);
    returns their ids (see ``scheduled_runs_start``)."""
    from matching.services.runs import scheduled_runs_start

    return scheduled_runs_start()
