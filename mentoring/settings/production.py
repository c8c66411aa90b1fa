"""Production settings: no default for any secret or service, and hardened HTTP.

Start-up fails with one message naming every missing variable, so a deployment never
runs half-configured (for example on SQLite, or with tasks run in the web process).
"""

import os

from django.core.exceptions import ImproperlyConfigured

# Read first: it also loads a .env file in the project folder into the environment.
from mentoring.settings.base import *  # noqa: F403
from mentoring.settings.base import ALLOWED_HOSTS, STORAGES, env

REQUIRED = ("DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOWED_HOSTS")

_missing = [name for name in REQUIRED if not os.environ.get(name)]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: " + ", ".join(_missing)
    )

DEBUG = False
STORAGES["staticfiles"] = {
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}
# Collected into the image when it is built (see the Dockerfile), not looked up per file.
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False

# A broker is required here, so tasks always go to the Celery workers.
CELERY_TASK_ALWAYS_EAGER = False

# By default the first allowed host that names one site ("*" and ".example.org" don't).
_site_host = next((h for h in ALLOWED_HOSTS if h != "*" and not h.startswith(".")), "localhost")
SITE_URL = env("DJANGO_SITE_URL", default=f"https://{_site_host}").rstrip("/")
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# The roles that see other people's data sign in with two factors.
REQUIRE_STAFF_MFA = env.bool("REQUIRE_STAFF_MFA", default=True)
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

# HTTPS everywhere. Behind a proxy that ends TLS, it must set X-Forwarded-Proto, and
# append the client's address to X-Forwarded-For (allauth's rate limits count by it).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=1)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# The health check is probed over plain HTTP from inside the compose network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
# Mail leaves through SMTP; with no EMAIL_URL, through a relay on this host.
if not os.environ.get("EMAIL_URL"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
