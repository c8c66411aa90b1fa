"""Background jobs of the privacy app. Tasks take ids and call one service; a copy of a
person's data is written through the outbox (``privacy.services.yourdata``)."""

from celery import shared_task
from django.utils import timezone


@shared_task
def delete_expired_data_exports() -> int:
    """Delete the files of the copies of people's data whose time is over (hourly,
    from beat); returns how many."""
    # Imported here, as the other apps' tasks: services import the task modules.
    from privacy.services.yourdata import data_exports_expire

    return data_exports_expire()


@shared_task
def apply_retention() -> dict[str, int]:
    """Apply the retention schedule and send the notices due (daily, from beat);
    returns how much of each kind was removed."""
    from privacy.services.retention import retention_apply

    return retention_apply(now=timezone.now()).removed
