"""Background jobs of sessions: the reminders' sweep."""

from celery import shared_task

__all__ = ["sweep_reminders"]


@shared_task
def sweep_reminders() -> dict[str, int]:
    """Record the reminders due now and hand them to the outbox (hourly, from beat);
    returns what it found."""
    from sessions.services.reminders import reminders_sweep

    result = reminders_sweep()
    return {"found": result.found, "recorded": result.recorded, "risks": result.risks}
