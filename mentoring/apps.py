from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = "Accounts and roles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: services need the models, which are ready only now.
        from mentoring.outbox import register_handler
        from mentoring.services import WELCOME, user_welcome_email_send

        register_handler(WELCOME, user_welcome_email_send)
