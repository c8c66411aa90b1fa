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
        from dashboard.retention import EXPORT_FILES, EXPORT_RECORDS
        from mentoring.outbox import register_handler
        from privacy.erasure import register_erasure_hook
        from privacy.retention import register_retention_kind

        register_handler(EXPORT_TASK, export_job_run)
        # The retention schedule (privacy, a floor below) covers the exports through
        # its registry: the files, and the record of who exported what.
        register_retention_kind(EXPORT_FILES)
        register_retention_kind(EXPORT_RECORDS)
        # Erasing an account erases the exports it asked for (privacy cannot import the
        # roof, so the roof adds its part).
        register_erasure_hook(export_jobs_erase)
