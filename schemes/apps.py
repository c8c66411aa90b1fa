from django.apps import AppConfig


class SchemesConfig(AppConfig):
    name = "schemes"
    verbose_name = "Schemes"
    default_auto_field = "django.db.models.BigAutoField"
