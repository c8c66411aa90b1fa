import time

import pytest
from django.conf import settings
from django.core import mail
from django.utils.module_loading import import_string

from mentoring.celery import app
from mentoring.models import OutboxMessage
from mentoring.outbox import outbox_add
from mentoring.services import WELCOME
from mentoring.tasks import clear_expired_sessions
from tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_a_task_runs_on_a_real_worker_through_redis(real_worker):
    user = UserFactory()
    # Written outside a transaction: outbox_add hands it to the worker at once.
    message = outbox_add(handler=WELCOME, payload={"user_id": user.pk})
    deadline = time.monotonic() + 20
    while OutboxMessage.objects.get(pk=message.pk).status != OutboxMessage.Status.SENT:
        assert time.monotonic() < deadline, "the worker did not send the e-mail"
        time.sleep(0.1)
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_every_scheduled_task_exists_and_beat_uses_the_database_scheduler():
    assert settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"
    import_string(settings.CELERY_BEAT_SCHEDULER.replace(":", "."))
    app.loader.import_default_modules()
    assert settings.CELERY_BEAT_SCHEDULE, "no periodic task is declared"
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, f"schedule {name!r} names an unknown task"


@pytest.mark.django_db
def test_clear_expired_sessions_removes_only_expired_ones(client):
    from django.contrib.sessions.models import Session

    client.force_login(UserFactory())
    live = Session.objects.get()
    Session.objects.create(
        session_key="x" * 32, session_data="", expire_date="2000-01-01T00:00:00Z"
    )
    clear_expired_sessions.delay()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def test_tasks_run_eagerly_without_a_broker():
    """The embedded default: no REDIS_URL means no broker and eager tasks."""
    import subprocess
    import sys

    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL)"
    )
    env = {"DJANGO_SETTINGS_MODULE": "mentoring.settings.base", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["True", "memory://"]
