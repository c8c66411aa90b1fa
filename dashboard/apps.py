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
        from dashboard.reports.jobs import EXPORT_TASK, export_job_run
        from mentoring.outbox import register_handler

        register_handler(EXPORT_TASK, export_job_run)
