from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    """The mentoring agreement (versioned, signed by both), goals and targets."""

    name = "agreements"
    verbose_name = "Agreements and goals"
    default_auto_field = "django.db.models.BigAutoField"
