"""Background jobs of schemes: the clearing of import files nobody confirmed. The
e-mails of invitations and applications go through the outbox (``mentoring.outbox``)."""

from celery import shared_task


@shared_task
def delete_expired_import_uploads() -> int:
    """Delete the uploaded import files nobody confirmed in time (hourly): they hold
    people's answers, kept only for the confirmation."""
    from schemes.services.imports import import_uploads_delete_expired

    return import_uploads_delete_expired()
