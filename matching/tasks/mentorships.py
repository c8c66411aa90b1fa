"""Background jobs of mentorships: lapsed replies. Their e-mails go through the outbox
(``services.mentorship_emails``)."""

from celery import shared_task

__all__ = ["expire_unanswered_matches"]


@shared_task
def expire_unanswered_matches() -> int:
    """Lapse the matches nobody confirmed in time (hourly, from beat); returns how many."""
    from matching.services.mentorships import mentorships_expire

    return mentorships_expire()
