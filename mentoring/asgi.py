"""ASGI entry point (``mentoring.asgi:application``)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings.base")

application = get_asgi_application()
