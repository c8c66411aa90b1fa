from django.apps import AppConfig


class SchemesConfig(AppConfig):
    name = "schemes"
    verbose_name = "Schemes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        # The outbox (on the ground floor) finds the e-mails of schemes by these names.
        from mentoring.outbox import register_handler
        from schemes.middleware import staff_session_start
        from schemes.services.applications import APPLICATION_EMAIL, application_email_send
        from schemes.services.invitations import INVITATION_EMAIL, invitation_email_send

        register_handler(INVITATION_EMAIL, invitation_email_send)
        register_handler(APPLICATION_EMAIL, application_email_send)
        # Staff roles' sessions are shortened at sign-in (schemes.middleware).
        user_logged_in.connect(staff_session_start, dispatch_uid="schemes_staff_session_start")
