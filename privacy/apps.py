from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """People's rights over their data and the site's accountability: each person's
    copy of their data, erasure, the retention schedule, the privacy page and the audit
    trail's pages. Above every app whose data it covers (it reads them all), below the
    roof, which links to its pages."""

    name = "privacy"
    verbose_name = "Privacy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The outbox (on the ground floor) finds the copies' work, the retention
        # notice's e-mail and the erasure's e-mail to the other person of a pair by
        # these names.
        from mentoring.outbox import register_handler
        from privacy.erasure import ERASURE_EMAIL, erasure_pair_email_send
        from privacy.services.retention import (
            RETENTION_NOTICE_EMAIL,
            retention_notice_email_send,
        )
        from privacy.services.yourdata import DATA_EXPORT_TASK, data_export_run

        register_handler(DATA_EXPORT_TASK, data_export_run)
        register_handler(RETENTION_NOTICE_EMAIL, retention_notice_email_send)
        register_handler(ERASURE_EMAIL, erasure_pair_email_send)
