"""Background jobs of schemes: the e-mails of invitations and applications."""

import smtplib

from celery import shared_task
from django.db.models import F
from django.utils import timezone

from mentoring.emails import send_email
from schemes.models import Application, Invitation

RETRY = {
    "autoretry_for": (smtplib.SMTPException, ConnectionError, TimeoutError),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(**RETRY)
def send_invitation_email(invitation_id: int) -> bool:
    """E-mail an invitation's link; nothing when it was revoked or used meanwhile."""
    invitation = (
        Invitation.objects.select_related("scheme", "invited_by")
        .filter(pk=invitation_id, status=Invitation.Status.PENDING)
        .first()
    )
    if invitation is None:
        return False
    send_email(name="invitation", to=[invitation.email], context={"invitation": invitation})
    Invitation.objects.filter(pk=invitation_id).update(
        sent_at=timezone.now(), send_count=F("send_count") + 1
    )
    return True


@shared_task(**RETRY)
def send_application_email(application_id: int, kind: str) -> bool:
    """Tell an applicant their application was received (``kind`` "received") or
    decided on ("decided")."""
    application = (
        Application.objects.select_related("scheme", "user").filter(pk=application_id).first()
    )
    if application is None or not application.user.is_active:
        return False
    send_email(
        name=f"application_{kind}",
        to=[application.user.email],
        context={"application": application, "user": application.user},
    )
    return True
