"""Background jobs of the project package. Tasks take ids and call services."""

import smtplib
from importlib import import_module
from typing import TypedDict

from celery import shared_task
from django.conf import settings


class RetryPolicy(TypedDict):
    """Keyword arguments of ``shared_task`` (typed, so that ``**RETRY`` is checked)."""

    autoretry_for: tuple[type[BaseException], ...]
    retry_backoff: bool
    max_retries: int


# The retry policy of every task that sends e-mail: a mail server that refuses or does
# not answer is tried again, later each time.
RETRY: RetryPolicy = {
    "autoretry_for": (smtplib.SMTPException, ConnectionError, TimeoutError),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(**RETRY)
def send_welcome_email(user_id: int) -> bool:
    """Welcome a person whose e-mail address has just been verified.

    Returns whether a message was sent (not when the account is gone or inactive).
    """
    # Imported here: the services enqueue this task, so they import this module.
    from mentoring.services import user_welcome_email_send

    return user_welcome_email_send(user_id=user_id)


@shared_task
def clear_expired_sessions() -> None:
    """Remove expired sign-in sessions from the session store (nightly)."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
