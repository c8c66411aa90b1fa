from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The roof: each person's home page and navigation, the coordinator's scheme hub,
    HR's reports page and the demo. It reads every app through its selectors; no app
    imports it."""

    name = "dashboard"
    verbose_name = "Dashboard"
    default_auto_field = "django.db.models.BigAutoField"
