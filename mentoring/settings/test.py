"""Settings for the test suite: the default settings, plus speed and isolation.

``DATABASE_URL`` and ``REDIS_URL`` still apply, so CI runs the suite against
PostgreSQL and Redis. Tasks run eagerly unless a test starts a real worker.
"""

from mentoring.settings.base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Each test run gets its own cache keys, so rate-limit counters never leak between runs
# sharing one Redis.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Serve static files from the app folders, as in development: the suite never runs
# collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Two-factor for staff roles is off unless a test turns it on (override_settings).
REQUIRE_STAFF_MFA = False
