"""Reminders go once even when sweeps overlap: two sweeps at the same moment (two
workers, or a beat tick while the last sweep still runs) on PostgreSQL's concurrent
transactions, and a real Celery worker on Redis running the beat-scheduled sweep."""

import time
from datetime import datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone

from mentoring.celery import app
from mentoring.models import OutboxMessage
from sessions.models import Reminder
from sessions.services.reminders import reminders_sweep
from tests.concurrency import at_once, postgresql_only
from tests.sessions.helpers import second_pair

pytestmark = pytest.mark.django_db(transaction=True)


def ten_tomorrow() -> datetime:
    return datetime.combine(
        timezone.localdate() + timedelta(days=1), clock(10), tzinfo=ZoneInfo("Europe/London")
    )


@postgresql_only
def test_two_sweeps_at_once_send_each_reminder_once(scheme, active_mentorship):
    for k in range(5):
        second_pair(scheme, prefix=f"pair{k}")
    with time_machine.travel(ten_tomorrow(), tick=False):
        results = at_once([reminders_sweep, reminders_sweep, reminders_sweep])

    assert not [r for r in results if isinstance(r, Exception)], results
    # Six mentees with their baseline due: each recorded, queued and e-mailed once.
    assert Reminder.objects.filter(kind="evaluation_due").count() == 6
    assert sum(r.recorded for r in results) == Reminder.objects.count()
    assert (
        OutboxMessage.objects.filter(handler="sessions.reminder").count()
        == Reminder.objects.count()
    )
    addresses = [m.to[0] for m in mail.outbox]
    assert len(addresses) == len(set(addresses)) == 6


def test_the_beat_scheduled_sweep_runs_on_a_real_worker_and_e_mails(real_worker, active_mentorship):
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-reminders"]
    task = app.tasks[entry["task"]]
    with time_machine.travel(ten_tomorrow(), tick=True):
        task.apply_async().get(timeout=30)
        deadline = time.monotonic() + 30
        while not Reminder.objects.filter(status=Reminder.Status.SENT).exists():
            assert time.monotonic() < deadline, "the worker did not send the reminder"
            time.sleep(0.1)
    reminder = Reminder.objects.get(kind="evaluation_due")
    assert reminder.user == active_mentorship.mentee
    assert [m.to for m in mail.outbox] == [[active_mentorship.mentee.email]]
