"""Background jobs of match runs: executing one, and starting the scheduled ones."""

from celery import shared_task

from matching.models import MatchRun

__all__ = ["execute_match_run", "run_scheduled_matching"]


@shared_task
def execute_match_run(run_id: int) -> str:
    """Execute the queued run ``run_id`` (a second delivery finds it claimed and does
    nothing). Returns the run's status, or "missing" when it no longer exists."""
    # Imported here: the services enqueue this module's tasks, so they import it.
    from matching.services.runs import match_run_execute

    if not MatchRun.objects.filter(pk=run_id).exists():
        return "missing"  # deleted (with its scheme) before a worker got to it
    return match_run_execute(run_id=run_id).status


@shared_task
def run_scheduled_matching() -> list[int]:
    """Start the runs that schemes' matching schedules ask for today (daily, from beat);
    returns their ids (see ``scheduled_runs_start``)."""
    from matching.services.runs import scheduled_runs_start

    return scheduled_runs_start()
