from django.apps import AppConfig


class MatchingConfig(AppConfig):
    """Scoring, constraints, the solver, match runs, proposals and mentorships."""

    name = "matching"
    verbose_name = "Matching"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The outbox (on the ground floor) finds matching's work by these names.
        from matching.services.mentorship_emails import MENTORSHIP_EMAIL, mentorship_email_send
        from matching.services.runs import RUN_TASK, match_run_task
        from mentoring.outbox import register_handler

        register_handler(MENTORSHIP_EMAIL, mentorship_email_send)
        register_handler(RUN_TASK, match_run_task)
