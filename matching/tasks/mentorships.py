"""Background jobs of mentorships: their e-mails and lapsed replies."""

from celery import shared_task

from matching.services.mentorship_emails import mentorship_email_send
from mentoring.tasks import RETRY

__all__ = ["expire_unanswered_matches", "send_mentorship_email"]


@shared_task(**RETRY)
def send_mentorship_email(mentorship_id: int, event: str) -> int:
    """E-mail the people a mentorship's ``event`` concerns (see
    ``mentorship_email_send``). Returns the number of messages sent."""
    return mentorship_email_send(mentorship_id=mentorship_id, event=event)


@shared_task
def expire_unanswered_matches() -> int:
    """Lapse the matches nobody confirmed in time (hourly, from beat); returns how many."""
    # Imported here: the services enqueue this module's e-mail task.
    from matching.services.mentorships import mentorships_expire

    return mentorships_expire()
