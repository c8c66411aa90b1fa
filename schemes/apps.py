from django.apps import AppConfig


class SchemesConfig(AppConfig):
    name = "schemes"
    verbose_name = "Schemes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from schemes.middleware import staff_session_start

        # Staff roles' sessions are shortened at sign-in (schemes.middleware).
        user_logged_in.connect(staff_session_start, dispatch_uid="schemes_staff_session_start")
