from django.apps import AppConfig


class MatchingConfig(AppConfig):
    """Scoring, constraints, the solver, match runs, proposals and mentorships."""

    name = "matching"
    verbose_name = "Matching"
    default_auto_field = "django.db.models.BigAutoField"
