"""The production settings refuse to start half-configured, and pass Django's deploy
checks once configured.

Each test runs ``manage.py`` in a fresh interpreter, because settings are read once per
process and the test suite's own are already loaded.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
REQUIRED = ("DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOWED_HOSTS")
# Variables of this project's settings that could leak in from the developer's or CI's
# shell and change the outcome.
PREFIXES = (
    "DJANGO_",
    "OIDC_",
    "SAML_",
    "SSO_",
    "EMAIL_",
    "CELERY_",
    "ACCOUNT_",
    "ALLAUTH_",
    "REQUIRE_STAFF_",
    "SESSION_",
    "STAFF_",
)


def _clean_env(**variables: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in REQUIRED and not name.startswith(PREFIXES)
    }
    env["DJANGO_SETTINGS_MODULE"] = "mentoring.settings.production"
    env.update(variables)
    return env


def _configured(tmp_path) -> dict[str, str]:
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "DJANGO_ALLOWED_HOSTS": "mentoring.example.org",
    }


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_refuse_to_start_and_name_every_missing_variable():
    result = _run("manage.py", "check", env=_clean_env())

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    for name in REQUIRED:
        assert name in result.stderr


@pytest.mark.parametrize("missing", REQUIRED)
def test_production_settings_name_the_one_variable_that_is_missing(tmp_path, missing):
    configured = _configured(tmp_path)
    del configured[missing]

    result = _run("manage.py", "check", env=_clean_env(**configured))

    assert result.returncode != 0
    error = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in error
    assert missing in error
    assert not [name for name in configured if name in error]


def test_configured_production_settings_pass_the_deploy_checks(tmp_path):
    env = _clean_env(**_configured(tmp_path))
    # In the order of the image: static files are collected when it is built (into the
    # git-ignored staticfiles/), and every command after that finds their manifest.
    collected = _run("manage.py", "collectstatic", "--noinput", env=env)
    assert collected.returncode == 0, collected.stderr

    result = _run("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_sends_tasks_and_mail_to_real_services_over_https(tmp_path):
    configured = _configured(tmp_path)
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'debug': s.DEBUG, 'eager': s.CELERY_TASK_ALWAYS_EAGER, "
        "'broker': s.CELERY_BROKER_URL, 'cache': s.CACHES['default']['BACKEND'], "
        "'engine': s.DATABASES['default']['ENGINE'], 'email': s.EMAIL_BACKEND, "
        "'site_url': s.SITE_URL, 'proxy': s.SECURE_PROXY_SSL_HEADER, "
        "'redirect': s.SECURE_SSL_REDIRECT, 'protocol': s.ACCOUNT_DEFAULT_HTTP_PROTOCOL, "
        "'static': s.STORAGES['staticfiles']['BACKEND']}))"
    )

    result = _run("-c", code, env=_clean_env(**configured))

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["debug"] is False
    # Tasks go to the Celery workers through Redis, never run in the web process.
    assert values["eager"] is False
    assert values["broker"] == configured["REDIS_URL"]
    assert values["cache"] == "mentoring.cache.FailOpenRedisCache"
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["site_url"] == "https://mentoring.example.org"
    assert values["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["redirect"] is True
    assert values["protocol"] == "https"
    assert values["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_production_guards_the_accounts_that_see_other_peoples_data(tmp_path):
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'mfa': s.REQUIRE_STAFF_MFA, 'proxies': s.ALLAUTH_TRUSTED_PROXY_COUNT, "
        "'session': s.SESSION_COOKIE_AGE, 'staff_session': s.STAFF_SESSION_AGE, "
        "'csp': s.CONTENT_SECURITY_POLICY}))"
    )

    result = _run("-c", code, env=_clean_env(**_configured(tmp_path)))

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    # Two factors for staff roles, unless the operator turns it off on purpose.
    assert values["mfa"] is True
    # Behind the reverse proxy that ends TLS, rate limits count each person's address.
    assert values["proxies"] == 1
    assert values["session"] == 7 * 24 * 60 * 60
    assert values["staff_session"] == 8 * 60 * 60
    assert "form-action 'self'" in values["csp"]


def test_the_embedded_default_asks_no_second_factor_and_trusts_no_proxy(tmp_path):
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.REQUIRE_STAFF_MFA, s.ALLAUTH_TRUSTED_PROXY_COUNT]))"
    )
    env = _clean_env()
    env["DJANGO_SETTINGS_MODULE"] = "mentoring.settings.base"

    result = _run("-c", code, env=env)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [False, 0]
