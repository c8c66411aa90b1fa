"""Background jobs of the project package. Tasks take ids and call services."""

from importlib import import_module

from celery import shared_task
from django.conf import settings

from mentoring.outbox import outbox_deliver, outbox_sweep


# No result is stored (the row holds the outcome): handing the task over then needs
# the broker alone, and never the result store, which Celery cannot reconnect to
# after an outage in the process that sent it.
@shared_task(ignore_result=True)
def deliver_outbox_message(message_id: int) -> str:
    """Do the work of the outbox row ``message_id`` (send its e-mail, run its task)
    once, however many times it is delivered. Returns the row's status."""
    return outbox_deliver(message_id=message_id)


@shared_task
def sweep_outbox() -> int:
    """Dispatch again the outbox rows still unsent (every minute, from beat); returns
    how many."""
    return outbox_sweep()


@shared_task
def clear_expired_sessions() -> None:
    """Remove expired sign-in sessions from the session store (nightly)."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
