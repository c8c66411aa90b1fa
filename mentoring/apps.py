from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = "Accounts and roles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: services need the models, which are ready only now.
        from django.contrib.auth.signals import user_logged_in

        from mentoring.emails import rendered_email_send
        from mentoring.outbox import register_handler
        from mentoring.services import ACCOUNT_EMAIL, WELCOME, user_welcome_email_send
        from mentoring.usersessions import session_activity_start

        register_handler(WELCOME, user_welcome_email_send)
        register_handler(ACCOUNT_EMAIL, rendered_email_send, forget_payload=True)
        user_logged_in.connect(session_activity_start, dispatch_uid="mentoring_activity_start")


class MentoringAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the site that signs in through allauth."""

    default = False
    default_site = "mentoring.admin_site.MentoringAdminSite"
