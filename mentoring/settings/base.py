"""Settings for every environment, read from environment variables.

With no environment at all this is the embedded default: a SQLite file in the
project folder, Celery tasks run eagerly in the web process, e-mail printed to the
console, static files served from the app folders by WhiteNoise, and ``DEBUG`` off, so
that the site shows its own error pages (``DJANGO_DEBUG=true`` turns Django's debug
pages on for development). ``DATABASE_URL``, ``REDIS_URL`` and the other variables
listed in the README switch each part to a real service.
"""

import os
import warnings
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from mentoring.schedules import BEAT_SCHEDULE
from mentoring.sso import identity_provider_origins, socialaccount_providers

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env(
    "DJANGO_SECRET_KEY",
    default="insecure-embedded-default-key-change-me-for-any-real-deployment",
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# The address people reach the site at, for links in e-mails sent by background jobs.
SITE_URL = env("DJANGO_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# How long an invitation's link works; resending it starts the period again.
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=14)

INSTALLED_APPS = [
    # Django's admin, signed in to through allauth (mentoring.admin_site).
    "mentoring.apps.MentoringAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Each person's list of signed-in sessions, which they can end (mentoring.usersessions).
    "allauth.usersessions",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "mentoring",
    "schemes",
    "matching",
    "agreements",
    "sessions.apps.SessionsConfig",
    "privacy",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "mentoring.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mentoring.middleware.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # A session's last activity and its row in the sessions list, at most once a minute
    # (instead of allauth's UserSessionsMiddleware, which writes on every request).
    "mentoring.middleware.SessionActivityMiddleware",
    # Staff roles: two-factor first (REQUIRE_STAFF_MFA), a shorter session, and sign-out
    # when idle.
    "schemes.middleware.StaffAccountMiddleware",
]

ROOT_URLCONF = "mentoring.urls"
WSGI_APPLICATION = "mentoring.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dashboard.context_processors.navigation",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
# A connection kept between requests (DJANGO_CONN_MAX_AGE) is checked before a request
# uses it, so after the database restarts each process opens a new one rather than
# failing its next request (docs/operations.md, "When the database restarts").
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")

if REDIS_URL:
    # Shared by every process, so allauth's rate limits hold across web workers; while
    # Redis is down each process counts them itself, so that people can still sign in.
    CACHES = {
        "default": {
            "BACKEND": "mentoring.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("DJANGO_CACHE_PREFIX", default="mentoring"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions live in the database, never in Redis: signing in works while Redis is down.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Accounts ---------------------------------------------------------------------

AUTH_USER_MODEL = "mentoring.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "mentoring.adapters.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "mentoring.forms.SignupForm"
# Sign-up answers the same, in the same time, whether or not the address has an account.
ACCOUNT_FORMS = {"signup": "mentoring.account_forms.AccountSignupForm"}
ACCOUNT_PREVENT_ENUMERATION = True
SOCIALACCOUNT_ADAPTER = "mentoring.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD: str | None = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Mentoring] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")
# allauth's rate limits are on by default; they are named here so that nobody turns
# them off by accident.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "send_email": "5/m/key",
    "change_password": "5/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}

# How many proxies of this deployment stand in front of the web application: allauth's
# per-address rate limits read the client's address from X-Forwarded-For that far back.
# 0 (no proxy) trusts no header; behind the compose file's reverse proxy it is 1.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="Mentoring")
# Superusers, staff, report viewers and coordinators must turn on two-factor (TOTP)
# before any page with other people's data (on in production by default).
REQUIRE_STAFF_MFA = env.bool("REQUIRE_STAFF_MFA", default=False)

# Sessions: a week for everyone, and a working day for the roles above, counted from
# signing in; the roles above are also signed out after STAFF_IDLE_MINUTES without a
# request.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 24 * 7)
STAFF_SESSION_AGE = env.int("STAFF_SESSION_AGE", default=60 * 60 * 8)
STAFF_IDLE_MINUTES = env.int("STAFF_IDLE_MINUTES", default=30)
if STAFF_IDLE_MINUTES < 1:
    raise ImproperlyConfigured("STAFF_IDLE_MINUTES must be at least 1.")
# The sessions list's address, browser and last-seen time are kept by
# mentoring.middleware.SessionActivityMiddleware (once a minute), not by allauth's
# tracking (every request).
USERSESSIONS_TRACK_ACTIVITY = False

SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_PROVIDERS = socialaccount_providers(os.environ)

# --- Site-wide --------------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("DJANGO_TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Served straight from the app folders, with or without debug, so the embedded default
# needs no collectstatic; production collects them into a manifest instead.
# Large exports written by a worker, kept here (never served directly) until they
# expire; only the person who asked downloads one, through the app.
EXPORTS_DIR = env.path("EXPORTS_DIR", default=str(BASE_DIR / "var" / "exports"))
EXPORT_FILE_HOURS = env.int("EXPORT_FILE_HOURS", default=24)
# An export with more rows than this is written by a worker, with progress on a page.
EXPORT_BACKGROUND_ROWS = env.int("EXPORT_BACKGROUND_ROWS", default=20_000)
# Each person's copies of their data (privacy.yourdata), written by a worker into this
# private folder (by default inside EXPORTS_DIR, so on the volume the web service and the
# worker share) and offered to that person alone for DATA_EXPORT_HOURS.
PRIVACY_EXPORTS_DIR = env.path(
    "PRIVACY_EXPORTS_DIR", default=str(Path(str(EXPORTS_DIR)) / "your-data")
)
DATA_EXPORT_HOURS = env.int("DATA_EXPORT_HOURS", default=72)

# The retention schedule (privacy.retention): how long the log of e-mails and background
# work sent or given up is kept (days), and the audit trail and the record of exports
# (months). Each scheme's own personal data is kept for the scheme's own period.
RETENTION_EMAIL_LOG_DAYS = env.int("RETENTION_EMAIL_LOG_DAYS", default=90)
RETENTION_AUDIT_MONTHS = env.int("RETENTION_AUDIT_MONTHS", default=24)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Until collectstatic has run, WhiteNoise warns that STATIC_ROOT is missing; here the
# files come from the app folders, so that is expected.
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# A strict policy: every script, style and font comes from this site; nothing inline.
# Forms post to this site only, and redirect on to the identity provider, if any.
CONTENT_SECURITY_POLICY = env(
    "DJANGO_CONTENT_SECURITY_POLICY",
    default=(
        "default-src 'self'; img-src 'self' data:; object-src 'none'; "
        "base-uri 'self'; frame-ancestors 'none'; "
        + " ".join(["form-action 'self'", *identity_provider_origins(os.environ)])
    ),
)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- E-mail -----------------------------------------------------------------------

# e.g. smtp+tls://user:password@smtp.example.org:587 ; consolemail:// prints them.
_email = environ.Env.email_url_config(os.environ.get("EMAIL_URL") or "consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Mentoring <mentoring@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
ADMINS = [("Administrators", address) for address in env.list("DJANGO_ADMINS", default=[])]

# --- Celery -----------------------------------------------------------------------

# With no broker configured, tasks run eagerly in the process that sends them.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that hands work to a broker that is down gives up within about a
# second (the outbox's sweep sends it later), rather than hanging.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Every periodic job of the product is declared in mentoring/schedules.py.
CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE

# --- Logging ----------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Run eagerly in the web process, each task would log a trace line (and kombu
        # that it has no broker): noise, since the work is the page's own.
        **(
            {"celery": {"level": "WARNING"}, "kombu": {"level": "ERROR"}}
            if CELERY_TASK_ALWAYS_EAGER
            else {}
        ),
    },
}
