from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = "Accounts and roles"
    default_auto_field = "django.db.models.BigAutoField"
