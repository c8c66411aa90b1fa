from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    """The mentoring agreement (versioned, signed by both), goals and targets, the
    stages of the relationship, and the concerns raised with the coordinators."""

    name = "agreements"
    verbose_name = "Agreements and goals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The outbox (on the ground floor) finds agreements' work by this name; the
        # pair's pages are offered on matching's pages through matching's hook.
        from agreements.services.concerns import CONCERN_EMAIL, concern_email_send
        from matching.links import register_pair_pages
        from mentoring.outbox import register_handler

        register_handler(CONCERN_EMAIL, concern_email_send)
        register_pair_pages(pair="agreements:pair", coordinator="agreements:scheme_pair")
