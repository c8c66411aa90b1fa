"""Background jobs of the project package. Tasks take ids and call services."""

import smtplib
from importlib import import_module

from celery import shared_task
from django.conf import settings

from mentoring.emails import send_email
from mentoring.models import User


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def send_welcome_email(user_id: int) -> bool:
    """Welcome a person whose e-mail address has just been verified.

    Returns whether a message was sent (not when the account is gone or inactive).
    """
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    send_email(name="welcome", to=[user.email], context={"user": user})
    return True


@shared_task
def clear_expired_sessions() -> None:
    """Remove expired sign-in sessions from the session store (nightly)."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
