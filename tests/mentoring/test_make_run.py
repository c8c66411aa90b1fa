"""`make run` serves the product as the product: debug off (the site's own error pages),
static files served, the address it serves allowed and used in e-mails, the output quiet
with the demo logins last; `DJANGO_DEBUG=true` keeps Django's debug pages for developers.

The Makefile's commands are read with `make -n` (nothing runs), and the settings they
set are loaded in a fresh interpreter, because settings are read once per process.
"""

import json
import os
import shlex
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from dashboard.management.commands.seed_demo import DEMO_PEOPLE
from dashboard.management.commands.serve_demo import serving_lines
from tests.test_production_settings import PREFIXES as SETTINGS_PREFIXES

REPO = Path(__file__).resolve().parent.parent.parent
# The settings' variables that could leak in from the shell, and the services': a fresh
# SQLite file stands in for any database configured there.
PREFIXES = (*SETTINGS_PREFIXES, "DATABASE_", "REDIS_")

needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def run_commands(*arguments: str) -> list[list[str]]:
    """The commands `make run ARGUMENTS` would run, each split into words."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(PREFIXES)}
    result = subprocess.run(
        ["make", "-n", "--no-print-directory", "run", *arguments],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    joined = result.stdout.replace("\\\n", " ")
    return [shlex.split(line) for line in joined.splitlines() if "manage.py" in line]


def manage(commands: list[list[str]], name: str) -> tuple[dict[str, str], list[str]]:
    """The variables set for `manage.py NAME` and its arguments."""
    words = next(
        c for c in commands if name in c[c.index("manage.py") + 1 : c.index("manage.py") + 2]
    )
    at = words.index("manage.py")
    variables = dict(word.split("=", 1) for word in words[: at - 1] if "=" in word)
    return variables, words[at + 2 :]


def served_site(variables: dict[str, str], tmp_path, host: str) -> dict:
    """Settings and answers of the site run with ``variables``, in a fresh interpreter."""
    code = f"""
import json, django
django.setup()
from django.conf import settings as s
from django.test import Client
client = Client(HTTP_HOST={host!r})
missing = client.get("/no-such-page/")
static = client.get("/static/css/site.css")
print(json.dumps({{
    "debug": s.DEBUG, "site_url": s.SITE_URL, "allowed": s.ALLOWED_HOSTS,
    "missing_status": missing.status_code,
    "missing_body": missing.content.decode(),
    "static_status": static.status_code,
}}))
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith(PREFIXES)}
    env.update(variables)
    env["DJANGO_SETTINGS_MODULE"] = "mentoring.settings.base"
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'run.sqlite3'}"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


@needs_make
def test_make_run_serves_the_sites_own_pages_at_the_port_it_was_given(tmp_path):
    commands = run_commands("PORT=8101")
    variables, arguments = manage(commands, "serve_demo")
    assert arguments[0] == "127.0.0.1:8101"
    assert "--noreload" in arguments

    site = served_site(variables, tmp_path, host="127.0.0.1:8101")

    assert site["debug"] is False
    # E-mail links point at the address actually served.
    assert site["site_url"] == "http://127.0.0.1:8101"
    assert "127.0.0.1" in site["allowed"]
    # The site's own 404 page, which lists no address of the site.
    assert site["missing_status"] == 404
    assert "We couldn" in site["missing_body"]
    assert "Using the URLconf" not in site["missing_body"]
    assert "slug:slug" not in site["missing_body"]
    # Static files are served without collectstatic.
    assert site["static_status"] == 200


@needs_make
def test_developers_keep_the_debug_pages_with_django_debug_true(tmp_path):
    commands = run_commands("DJANGO_DEBUG=true")
    variables, arguments = manage(commands, "serve_demo")
    assert "--noreload" not in arguments  # reloading on each saved file, for development

    site = served_site(variables, tmp_path, host="127.0.0.1:8000")

    assert site["debug"] is True
    assert "Using the URLconf" in site["missing_body"]
    assert "slug:slug" in site["missing_body"]
    assert site["static_status"] == 200


@needs_make
def test_listening_on_every_interface_allows_any_host_and_links_to_localhost(tmp_path):
    variables, arguments = manage(run_commands("HOST=0.0.0.0", "PORT=8102"), "serve_demo")
    assert arguments[0] == "0.0.0.0:8102"
    assert variables["DJANGO_ALLOWED_HOSTS"] == "*"
    assert variables["DJANGO_SITE_URL"] == "http://localhost:8102"


@needs_make
def test_make_run_migrates_and_seeds_quietly_before_serving():
    commands = run_commands()
    names = [words[words.index("manage.py") + 1] for words in commands]
    assert names == ["migrate", "seed_demo", "serve_demo"]
    for name in ("migrate", "seed_demo"):
        variables, arguments = manage(commands, name)
        assert "--verbosity" in arguments and arguments[arguments.index("--verbosity") + 1] == "0"
        # Only warnings are logged: no task trace, no audit line.
        assert variables["DJANGO_LOG_LEVEL"] == "WARNING"


@pytest.mark.django_db
def test_the_quiet_demo_prints_nothing():
    out = StringIO()
    call_command("seed_demo", verbosity=0, stdout=out)
    assert out.getvalue() == ""


def test_the_server_says_where_it_is_and_prints_the_logins_last():
    lines = [line for line in serving_lines("http://127.0.0.1:8101/", debug=False).splitlines()]
    shown = [line for line in lines if line.strip()]
    assert shown[0] == "Mentoring is running at http://127.0.0.1:8101/  (Ctrl+C stops it)"
    logins = shown[-len(DEMO_PEOPLE) :]
    assert [line.split()[0] for line in logins] == [email for email, _, _ in DEMO_PEOPLE]
    assert all("mentoring-demo" in line for line in logins)
    assert "Debug is on" in serving_lines("http://x/", debug=True)


@override_settings(DEBUG=False)
def test_a_missing_page_shows_the_sites_own_404_without_any_address(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "We couldn" in content
    assert "Using the URLconf" not in content
    assert "slug:slug" not in content
