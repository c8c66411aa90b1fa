"""Every periodic job of the product, in one place.

Celery beat runs with django-celery-beat's ``DatabaseScheduler``, which copies these
entries into the database at start-up; an administrator can then pause one or change
its time in the Django admin ("Periodic tasks") without a deployment.
"""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "mentoring.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=17),
    },
}
