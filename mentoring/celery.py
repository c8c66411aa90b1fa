"""The Celery application: broker and results from ``REDIS_URL``, schedules from
``mentoring/schedules.py`` through django-celery-beat's database scheduler."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings.base")

app = Celery("mentoring")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
