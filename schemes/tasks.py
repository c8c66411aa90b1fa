"""Background jobs of schemes: the e-mails of invitations and applications, and the
clearing of import files nobody confirmed."""

from typing import TYPE_CHECKING

from celery import shared_task

from mentoring.tasks import RETRY

if TYPE_CHECKING:
    from schemes.services.applications import ApplicationEmail


@shared_task(**RETRY)
def send_invitation_email(invitation_id: int) -> bool:
    """E-mail an invitation's link; nothing when it was revoked or used meanwhile."""
    # Imported here: the services enqueue this module's tasks, so they import it.
    from schemes.services.invitations import invitation_email_send

    return invitation_email_send(invitation_id=invitation_id)


@shared_task(**RETRY)
def send_application_email(application_id: int, kind: "ApplicationEmail") -> bool:
    """Tell an applicant their application was received (``kind`` "received") or
    decided on ("decided")."""
    from schemes.services.applications import application_email_send

    return application_email_send(application_id=application_id, kind=kind)


@shared_task
def delete_expired_import_uploads() -> int:
    """Delete the uploaded import files nobody confirmed in time (hourly): they hold
    people's answers, kept only for the confirmation."""
    from schemes.services.imports import import_uploads_delete_expired

    return import_uploads_delete_expired()
