from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = "Accounts and roles"
    default_auto_field = "django.db.models.BigAutoField"


class MentoringAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the site that signs in through allauth."""

    default = False
    default_site = "mentoring.admin_site.MentoringAdminSite"
