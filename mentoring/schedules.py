"""Every periodic job of the product, in one place.

Celery beat runs with django-celery-beat's ``DatabaseScheduler``, which copies these
entries into the database each time it starts. An administrator can pause one in the
Django admin ("Periodic tasks") and the pause lasts; a changed time lasts only until
beat restarts, so a lasting change of time is made here.
"""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Sends again what the broker lost or a failure postponed (mentoring.outbox).
    "sweep-outbox": {
        "task": "mentoring.tasks.sweep_outbox",
        "schedule": crontab(),  # every minute
    },
    # Fails the match runs whose worker stopped, so their scheme can start again.
    "fail-stalled-runs": {
        "task": "matching.tasks.runs.fail_stalled_runs",
        "schedule": crontab(minute="*/2"),
    },
    "clear-expired-sessions": {
        "task": "mentoring.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=17),
    },
    "delete-expired-import-uploads": {
        "task": "schemes.tasks.delete_expired_import_uploads",
        "schedule": crontab(minute=35),
    },
    "run-scheduled-matching": {
        "task": "matching.tasks.runs.run_scheduled_matching",
        "schedule": crontab(hour=6, minute=5),
    },
    "expire-unanswered-matches": {
        "task": "matching.tasks.mentorships.expire_unanswered_matches",
        "schedule": crontab(minute=5),
    },
    # Pairs whose end date is near move to the wind-up stage.
    "move-pairs-to-wind-up": {
        "task": "agreements.tasks.move_pairs_to_wind_up",
        "schedule": crontab(hour=5, minute=45),
    },
    # Reminders and the coordinators' Monday digest (sessions.rules): every hour, so a
    # scheme's 08:00 and 09:00 come in its own time zone; each is recorded and sent once.
    "sweep-reminders": {
        "task": "sessions.tasks.sweep_reminders",
        "schedule": crontab(minute=0),
    },
    # The large exports' files, offered for EXPORT_FILE_HOURS, then deleted.
    "delete-expired-exports": {
        "task": "dashboard.tasks.delete_expired_exports",
        "schedule": crontab(minute=25),
    },
    # Each person's copies of their data, offered for DATA_EXPORT_HOURS, then deleted.
    "delete-expired-data-exports": {
        "task": "privacy.tasks.delete_expired_data_exports",
        "schedule": crontab(minute=40),
    },
    # The retention schedule (privacy.retention): what is past its time is deleted or
    # anonymised, and coordinators are told a fortnight before a closed scheme's
    # personal data goes. At a quiet hour, before the nightly session clean-up.
    "apply-retention": {
        "task": "privacy.tasks.apply_retention",
        "schedule": crontab(hour=2, minute=40),
    },
}
