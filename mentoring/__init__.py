"""The project package: settings, URLs, the Celery app, accounts and roles."""

# Load the Celery app whenever Django starts, so that @shared_task binds to it.
from mentoring.celery import app as celery_app

__all__ = ("celery_app",)
