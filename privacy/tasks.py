"""Background jobs of the privacy app. Tasks take ids and call one service."""

from celery import shared_task
from django.utils import timezone


@shared_task
def apply_retention() -> dict[str, int]:
    """Apply the retention schedule and send the notices due (daily, from beat);
    returns how much of each kind was removed."""
    # Imported here, as the other apps' tasks: services import the task modules.
    from privacy.services.retention import retention_apply

    return retention_apply(now=timezone.now()).removed
