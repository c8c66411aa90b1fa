from django.apps import AppConfig


class SessionsConfig(AppConfig):
    """Session plans and logs, reflections, pulses and evaluations.

    The label keeps this app's tables and migrations apart from
    ``django.contrib.sessions``, whose label is ``sessions``.
    """

    name = "sessions"
    label = "mentoring_sessions"
    verbose_name = "Sessions, reflections and evaluations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The outbox (the ground) finds sessions' work by these names; the pair's pages
        # (agreements) show sessions' panels through agreements' hook.
        from agreements.panels import register_coordinator_panel, register_pair_panel
        from mentoring.outbox import register_handler
        from sessions.selectors.evaluations import (
            evaluations_coordinator_panel,
            evaluations_pair_panel,
        )
        from sessions.selectors.reflections import (
            reflections_coordinator_panel,
            reflections_pair_panel,
        )
        from sessions.selectors.sessions import sessions_coordinator_panel, sessions_pair_panel
        from sessions.services.reflections import PAIRING_EMAIL, pairing_check_email_send
        from sessions.services.reminders import REMINDER_EMAIL, reminder_send
        from sessions.services.sessions import SESSION_EMAIL, session_email_send

        register_handler(SESSION_EMAIL, session_email_send)
        register_handler(PAIRING_EMAIL, pairing_check_email_send)
        register_handler(REMINDER_EMAIL, reminder_send)
        for pair_panel in (sessions_pair_panel, reflections_pair_panel, evaluations_pair_panel):
            register_pair_panel(pair_panel)
        for coordinator_panel in (
            sessions_coordinator_panel,
            reflections_coordinator_panel,
            evaluations_coordinator_panel,
        ):
            register_coordinator_panel(coordinator_panel)
