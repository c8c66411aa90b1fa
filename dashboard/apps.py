from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The roof: each person's home page and navigation, the coordinator's scheme hub,
    HR's reports page and the demo. It reads every app through its selectors; no app
    imports it."""

    name = "dashboard"
    verbose_name = "Dashboard"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The outbox (on the ground floor) finds the large exports' work by this name.
        from dashboard.reports.jobs import EXPORT_TASK, export_job_run, export_jobs_erase
        from mentoring.outbox import register_handler
        from privacy.erasure import register_erasure_hook

        register_handler(EXPORT_TASK, export_job_run)
        # Erasing an account erases the exports it asked for (privacy cannot import the
        # roof, so the roof adds its part).
        register_erasure_hook(export_jobs_erase)
