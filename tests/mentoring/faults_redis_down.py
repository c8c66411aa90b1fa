"""With Redis down, people still sign in and coordinators still work; once it is back the
e-mails go, once each, and the run runs.

A Redis of the test's own (port 6391, never the shared one) is started and stopped by
the test, by its process id; the broker, the result store and the cache point at it.
"""

import logging
import shutil
import socket
import subprocess
import time
import uuid
from datetime import timedelta

import pytest
import redis
import time_machine
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from matching.models import MatchRun
from mentoring.cache import FailOpenRedisCache
from mentoring.celery import app
from mentoring.models import OutboxMessage
from mentoring.outbox import outbox_sweep
from mentoring.services import ACCOUNT_EMAIL
from schemes.models import Application, Invitation
from tests.celery_state import forget_celery_state
from tests.factories import PASSWORD

PORT = 6391
URL = f"redis://127.0.0.1:{PORT}/0"


class OwnRedis:
    """A redis-server of the test's own, started and stopped by its pid."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(PORT), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(URL)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {PORT}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def _port_free() -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", PORT)) != 0


@pytest.fixture
def own_redis(settings):
    """Redis on port 6391, stopped for now, behind the broker, results and cache."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    if not _port_free():
        pytest.skip(f"port {PORT} is taken by another process")
    settings.REDIS_URL = URL
    settings.CACHES = {
        "default": {
            "BACKEND": "mentoring.cache.FailOpenRedisCache",
            "LOCATION": URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    # The default queue: on a Redis of the test's own, no other worker reads it.
    keys = ("broker_url", "result_backend", "task_always_eager")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(broker_url=URL, result_backend=URL, task_always_eager=False)
    forget_celery_state()
    server = OwnRedis()
    try:
        yield server
    finally:
        server.stop()
        app.conf.update(saved)
        forget_celery_state()


def sign_in(client, user) -> None:
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    assert client.get(reverse("home")).context["user"] == user


@pytest.mark.django_db(transaction=True)
def test_with_redis_down_work_is_saved_and_done_once_it_is_back(
    client, own_redis, scheme, coordinator, mentee_application
):
    # Redis is down: asking for a password reset and signing in work (the rate limits
    # are counted in the process); the reset e-mail waits in the outbox ...
    reset = client.post(reverse("account_reset_password"), {"email": coordinator.email})
    assert reset.status_code == 302
    assert OutboxMessage.objects.filter(handler=ACCOUNT_EMAIL, status="pending").count() == 1
    sign_in(client, coordinator)
    health = client.get(reverse("health"))
    assert health.status_code == 503
    assert health.json()["checks"]["broker"] == "unavailable"

    # ... and so do an invitation, a decision and a run start, each in about a second.
    started = time.monotonic()
    invite = client.post(
        reverse("schemes:invitations", args=[scheme.slug]),
        {"email": "ann@example.org", "name": "Ann", "role": "mentee"},
    )
    decide = client.post(
        reverse("schemes:application_detail", args=[scheme.slug, mentee_application.pk]),
        {"decision": "approve", "reason": ""},
    )
    start = client.post(reverse("matching:run_start", args=[scheme.slug]))
    elapsed = time.monotonic() - started
    assert [invite.status_code, decide.status_code, start.status_code] == [302, 302, 302]
    assert elapsed < 5
    invitation = Invitation.objects.get(email="ann@example.org")
    mentee_application.refresh_from_db()
    assert mentee_application.status == Application.Status.APPROVED
    run = MatchRun.objects.get()
    assert run.status == MatchRun.Status.QUEUED
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"pending"}
    assert mail.outbox == []

    # Redis is back; the sweep (a minute later) hands the rows to a worker.
    own_redis.start()
    with start_worker(app, pool="solo", perform_ping_check=False):
        with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=True):
            assert outbox_sweep() == 4
        # A hand-over on a connection broken by the restart is lost by the broker: the
        # row stays waiting and beat's next sweep, a minute on, hands it over again.
        deadline = time.monotonic() + 30
        next_sweep, minutes = time.monotonic() + 3, 3
        while OutboxMessage.objects.exclude(status="sent").exists():
            assert time.monotonic() < deadline, list(
                OutboxMessage.objects.values_list("handler", "status", "attempts", "last_error")
            )
            if time.monotonic() > next_sweep:
                with time_machine.travel(timezone.now() + timedelta(minutes=minutes)):
                    outbox_sweep()
                next_sweep, minutes = time.monotonic() + 3, minutes + 1
            time.sleep(0.1)
        # A second sweep finds nothing left to send.
        assert outbox_sweep() == 0

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [coordinator.email, invitation.email, mentee_application.user.email]
    )
    assert any("/accounts/password/reset/key/" in m.body for m in mail.outbox)
    invitation.refresh_from_db()
    assert invitation.send_count == 1
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FINISHED
    assert client.get(reverse("health")).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_cache_fails_open_while_redis_is_down_and_uses_it_when_back(own_redis, settings):
    # The backend the settings name, built afresh: none of an earlier test's state.
    cache = FailOpenRedisCache(URL, settings.CACHES["default"])
    assert isinstance(caches["default"], FailOpenRedisCache)
    # A handler on the cache's own logger: a Celery worker started by an earlier test
    # may have rearranged the root logger's handlers.
    warnings: list[str] = []
    handler = logging.Handler(level=logging.WARNING)
    handler.emit = lambda record: warnings.append(record.getMessage())  # type: ignore[method-assign]
    cache_logger = logging.getLogger("mentoring.cache")
    cache_logger.addHandler(handler)
    try:
        cache.set("counter", 1)
        assert cache.get("counter") == 1  # from the process's own memory
    finally:
        cache_logger.removeHandler(handler)
    assert any("rate limits are counted in this process" in text for text in warnings)

    own_redis.start()
    cache._down_until = 0.0  # the pause after a failure is over
    cache.set("counter", 2)
    assert redis.Redis.from_url(URL).exists(cache.make_key("counter")) == 1
    assert cache.get("counter") == 2
