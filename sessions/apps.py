from django.apps import AppConfig


class SessionsConfig(AppConfig):
    """Session plans and logs, reflections, evaluations and reminders.

    The label keeps this app's tables and migrations apart from
    ``django.contrib.sessions``, whose label is ``sessions``.
    """

    name = "sessions"
    label = "mentoring_sessions"
    verbose_name = "Sessions, reflections and evaluations"
    default_auto_field = "django.db.models.BigAutoField"
