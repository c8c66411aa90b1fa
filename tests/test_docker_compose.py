"""The production deployment files name real things: modules, commands, variables.

No Docker engine is needed: docker-compose.yml is read as YAML and the Dockerfile as
text, and every module, command and variable they name is checked against the code.
"""

import ast
import importlib
import importlib.util
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import environ
import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from celery.beat import Scheduler
from celery.utils.imports import symbol_by_name
from django.core.management import get_commands

import mentoring.celery

REPO = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")
# ${NAME}, ${NAME:-default}, ${NAME:?message} and their forms without the colon.
INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-?])?[^}]*\}")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def _dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), continuations joined."""
    text = (REPO / "Dockerfile").read_text()
    text = re.sub(r"\\\n", " ", text)
    instructions = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
    return instructions


def _dockerfile_env() -> dict[str, str]:
    env = {}
    for keyword, rest in _dockerfile():
        if keyword == "ENV":
            for assignment in shlex.split(rest):
                name, _, value = assignment.partition("=")
                env[name] = value
    return env


def _dockerfile_cmd() -> list[str]:
    commands = [rest for keyword, rest in _dockerfile() if keyword == "CMD"]
    assert commands, "the Dockerfile has no CMD"
    # The exec form, so that gunicorn is PID 1 and receives the stop signal.
    return json.loads(commands[-1])


def _words(command) -> list[str]:
    """A command as a flat list of words, whether a string, a list or `sh -c "..."`."""
    parts = command if isinstance(command, list) else [command]
    words = []
    for part in parts:
        for word in shlex.split(part):
            words.extend(shlex.split(word) if " " in word else [word])
    return words


def _manage_py_subcommands(words: list[str]) -> list[str]:
    return [words[i + 1] for i, word in enumerate(words[:-1]) if word.endswith("manage.py")]


def _option(words: list[str], *names: str) -> str:
    for i, word in enumerate(words[:-1]):
        if word in names:
            return words[i + 1]
        for name in names:
            if name.startswith("--") and word.startswith(name + "="):
                return word.partition("=")[2]
    raise AssertionError(f"none of {names} in {words}")


def _gunicorn_app(words: list[str]) -> str:
    start = words.index("gunicorn")
    return next(w for w in words[start + 1 :] if re.fullmatch(r"[\w.]+:[\w.]+", w))


def _environment(service: dict) -> dict[str, str]:
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.partition("=")[::2] for item in environment)
    return {name: str(value) for name, value in environment.items()}


def _substitute(value: str) -> str:
    """The value as compose would pass it, with every variable set to "secret"."""
    return INTERPOLATION.sub("secret", value)


def _required_production_variables() -> tuple[str, ...]:
    """The REQUIRED tuple of the production settings, read without importing them."""
    tree = ast.parse((REPO / "mentoring/settings/production.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "REQUIRED" for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError("mentoring/settings/production.py has no REQUIRED tuple")


def test_compose_defines_the_five_services(services):
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)


@pytest.mark.parametrize("name", APP_SERVICES)
def test_application_services_are_built_from_the_project_dockerfile(services, name):
    build = services[name]["build"]
    if isinstance(build, str):
        build = {"context": build}
    context = (REPO / build.get("context", ".")).resolve()
    assert context == REPO
    assert (context / build.get("dockerfile", "Dockerfile")).resolve() == REPO / "Dockerfile"


def test_web_worker_and_beat_share_one_configuration(services):
    web, worker, beat = (services[name] for name in APP_SERVICES)
    assert _environment(web) == _environment(worker) == _environment(beat)
    assert web.get("env_file") == worker.get("env_file") == beat.get("env_file")
    assert web["image"] == worker["image"] == beat["image"]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_every_required_production_variable_is_passed_to_the_service(services, name):
    environment = _environment(services[name])
    required = _required_production_variables()
    assert "DJANGO_SECRET_KEY" in required
    for variable in required:
        value = environment.get(variable, "")
        assert value, f"{variable} is not passed to {name}"
        # A missing piece stops `docker compose up` with a message instead of starting
        # the application with an empty value.
        for reference in INTERPOLATION.finditer(value):
            assert reference["op"] == ":?", f"{variable} uses {reference[0]} without :?"


def test_database_and_redis_urls_point_at_the_compose_services(services):
    environment = _environment(services["web"])
    db = _environment(services["db"])

    database = environ.Env.db_url_config(_substitute(environment["DATABASE_URL"]))
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["HOST"] == "db"
    assert database["NAME"] == db["POSTGRES_DB"]
    assert database["USER"] == db["POSTGRES_USER"]
    # Both read the password from the same variable.
    password_in_url = INTERPOLATION.search(environment["DATABASE_URL"])["name"]
    assert INTERPOLATION.search(db["POSTGRES_PASSWORD"])["name"] == password_in_url

    redis = environ.Env.cache_url_config(_substitute(environment["REDIS_URL"]))
    assert redis["LOCATION"].startswith("redis://redis:")


def test_behind_the_compose_proxy_rate_limits_count_each_persons_address(services):
    # One reverse proxy on the host in front of the web service: allauth reads the
    # client's address one entry from the end of X-Forwarded-For.
    value = _environment(services["web"])["ALLAUTH_TRUSTED_PROXY_COUNT"]
    reference = INTERPOLATION.fullmatch(value)
    assert reference and reference["name"] == "ALLAUTH_TRUSTED_PROXY_COUNT"
    assert reference["op"] == ":-" and value.endswith(":-1}")


def test_settings_module_in_compose_and_dockerfile_is_the_production_settings(services):
    in_dockerfile = _dockerfile_env()["DJANGO_SETTINGS_MODULE"]
    in_compose = {_environment(services[name])["DJANGO_SETTINGS_MODULE"] for name in APP_SERVICES}
    for module in {in_dockerfile, *in_compose}:
        assert module == "mentoring.settings.production"
        assert importlib.util.find_spec(module) is not None, f"{module} does not exist"


@pytest.mark.parametrize("where", ["compose web command", "Dockerfile CMD"])
def test_gunicorn_serves_an_importable_wsgi_application(services, where):
    words = _words(services["web"]["command"]) if where.startswith("compose") else _dockerfile_cmd()
    module_name, _, attribute = _gunicorn_app(words).partition(":")
    application = getattr(importlib.import_module(module_name), attribute)
    assert callable(application)
    assert _option(words, "--bind", "-b") == "0.0.0.0:8000"


def test_web_publishes_and_probes_the_port_gunicorn_listens_on(services):
    web = services["web"]
    assert all(str(mapping).endswith(":8000") for mapping in web["ports"])
    assert "127.0.0.1:8000/health/" in " ".join(web["healthcheck"]["test"])


def test_web_migrates_and_collects_static_before_starting_gunicorn(services):
    words = _words(services["web"]["command"])
    assert _manage_py_subcommands(words) == ["migrate", "collectstatic"]
    assert words.index("migrate") < words.index("collectstatic") < words.index("gunicorn")
    assert "--noinput" in words[words.index("migrate") : words.index("collectstatic")]
    assert "--noinput" in words[words.index("collectstatic") : words.index("gunicorn")]


def test_every_manage_py_subcommand_in_compose_and_dockerfile_exists(services):
    commands = [_words(service["command"]) for service in services.values() if "command" in service]
    commands += [_words(rest) for keyword, rest in _dockerfile() if keyword == "RUN"]
    named = [sub for words in commands for sub in _manage_py_subcommands(words)]
    assert named, "no manage.py command found"
    available = get_commands()
    assert [sub for sub in named if sub not in available] == []


@pytest.mark.parametrize(("name", "role"), [("worker", "worker"), ("beat", "beat")])
def test_celery_services_run_the_projects_celery_app(services, name, role):
    words = _words(services[name]["command"])
    assert words[0] == "celery"
    assert role in words
    app = find_app(_option(words, "-A", "--app"))
    assert isinstance(app, Celery)
    assert app is mentoring.celery.app


def test_beat_uses_the_database_scheduler_of_the_settings(services, settings):
    scheduler_path = _option(_words(services["beat"]["command"]), "--scheduler", "-S")
    scheduler = symbol_by_name(scheduler_path)
    assert issubclass(scheduler, Scheduler)
    assert scheduler_path == settings.CELERY_BEAT_SCHEDULER


def test_services_start_only_once_what_they_need_is_healthy(services):
    def waits_for(name):
        depends_on = services[name].get("depends_on", {})
        return {
            other
            for other, condition in depends_on.items()
            if condition.get("condition") == "service_healthy"
        }

    assert waits_for("web") >= {"db", "redis"}
    # The web service applies the migrations; the worker and beat need the tables.
    assert waits_for("worker") >= {"db", "redis", "web"}
    assert waits_for("beat") >= {"db", "redis", "web"}
    for name in APP_SERVICES:
        for other in waits_for(name):
            assert "test" in services[other].get("healthcheck", {}), f"{other} has no healthcheck"


def test_database_and_redis_keep_their_data_in_named_volumes(compose, services):
    named = set(compose.get("volumes") or {})
    for name, path in (("db", "/var/lib/postgresql/data"), ("redis", "/data")):
        sources = {v.split(":")[0] for v in services[name]["volumes"] if v.endswith(":" + path)}
        assert sources and sources <= named, f"{name} keeps {path} in no named volume"


def test_image_runs_as_a_non_root_user():
    users = [rest for keyword, rest in _dockerfile() if keyword == "USER"]
    assert users, "the image runs as root"
    assert users[-1].split(":")[0] not in {"root", "0"}


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image():
    patterns = {
        line.strip().rstrip("/")
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".env", ".git", ".venv", "db.sqlite3", "staticfiles"} <= patterns


@pytest.mark.django_db(transaction=True)
def test_web_healthcheck_passes_only_when_the_application_answers(live_server, services, settings):
    settings.ALLOWED_HOSTS = ["mentoring.example.org"]
    settings.REDIS_URL = ""
    test = services["web"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    code = test[3].replace("127.0.0.1:8000", live_server.url.removeprefix("http://"))

    def probe(allowed_hosts):
        env = {"DJANGO_ALLOWED_HOSTS": allowed_hosts, "PATH": "/usr/bin:/bin"}
        return subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, timeout=30
        )

    assert probe(".mentoring.example.org, www.example.org").returncode == 0
    # Django answers 400 to a Host it does not serve, and the check must see that.
    assert probe("elsewhere.example.org").returncode != 0


def _variables_read_by(path: Path) -> set[str]:
    """Environment variable names passed to env(...), env.<cast>(...), os.environ.get(...)
    and, in mentoring/sso.py, get(...) and _required(get, ...)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        reads_env = (
            (isinstance(func, ast.Name) and func.id in {"env", "get", "_required"})
            or (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "env"
            )
            or (
                isinstance(func, ast.Attribute)
                and func.attr == "get"
                and ast.unparse(func.value) == "os.environ"
            )
        )
        if reads_env:
            names |= {
                arg.value
                for arg in node.args
                if isinstance(arg, ast.Constant)
                and isinstance(arg.value, str)
                and re.fullmatch(r"[A-Z][A-Z0-9_]+", arg.value)
            }
    return names


def test_env_example_documents_every_variable_the_settings_read():
    read = set(_required_production_variables())
    for path in [*(REPO / "mentoring/settings").glob("*.py"), REPO / "mentoring/sso.py"]:
        read |= _variables_read_by(path)
    assert {"DJANGO_SECRET_KEY", "EMAIL_URL", "OIDC_SERVER_URL", "SAML_IDP_ENTITY_ID"} <= read
    example = (REPO / ".env.example").read_text()
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))
    assert sorted(read - documented) == []


def test_web_and_worker_share_the_large_exports_folder(services):
    """The worker writes a large export's file and the web service serves it: both
    mount one volume at the folder the settings name (the image's /app/var/exports)."""
    from django.conf import settings

    assert str(settings.EXPORTS_DIR).endswith("var/exports")
    for name in ("web", "worker"):
        assert "exports:/app/var/exports" in services[name].get("volumes", []), name
