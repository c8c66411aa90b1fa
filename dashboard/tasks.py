"""Background jobs of the roof. Tasks take ids and call services. A large export's
own work goes through the outbox (``dashboard.reports.jobs.EXPORT_TASK``)."""

from celery import shared_task


@shared_task
def delete_expired_exports() -> int:
    """Delete the large exports' files whose time is over (hourly, from beat); returns
    how many."""
    # Imported here, as the other apps' tasks: services import the task modules.
    from dashboard.reports.jobs import export_jobs_expire

    return export_jobs_expire()
