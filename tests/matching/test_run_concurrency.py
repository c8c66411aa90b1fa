"""Two runs of one scheme started at the same moment: one runs, the other is refused.

These need real concurrent transactions, so they run on PostgreSQL only (CI uses it:
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentoring_runs .venv/bin/pytest``);
SQLite serialises every write, which would prove nothing.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from matching.models import MatchRun
from matching.services import runs
from matching.services.runs import ALREADY_RUNNING, match_run_start
from schemes.models import Scheme
from tests.concurrency import TIMEOUT, at_once, postgresql_only
from tests.factories import SchemeFactory

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]


def start_at_once(scheme: Scheme, count: int = 2) -> list:
    """Call ``match_run_start`` from ``count`` threads released together; each result
    is the run started or the ValidationError raised."""

    def start() -> MatchRun:
        return match_run_start(
            scheme=scheme, trigger=MatchRun.Trigger.COORDINATOR, execute_later=False
        )

    return at_once([start] * count)


def outcome(results: list) -> tuple[list, list]:
    started = [r for r in results if isinstance(r, MatchRun)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(started) + len(refused) == len(results), results
    return started, refused


def test_two_runs_started_at_once_one_runs_and_one_is_refused():
    scheme = SchemeFactory()

    started, refused = outcome(start_at_once(scheme))

    assert len(started) == 1
    assert len(refused) == 1
    assert refused[0].messages == [ALREADY_RUNNING]
    assert list(MatchRun.objects.filter(scheme=scheme)) == started


def test_many_runs_started_at_once_only_one_runs():
    scheme = SchemeFactory()

    started, refused = outcome(start_at_once(scheme, count=6))

    assert len(started) == 1
    assert len(refused) == 5
    assert MatchRun.objects.filter(scheme=scheme).count() == 1


def test_the_database_constraint_refuses_a_second_run_even_without_the_lock(monkeypatch):
    """The partial unique index is the backstop: with the scheme's row lock taken away
    and both starts past the "is one running?" check, the second insert still fails,
    and is reported with the same message."""
    scheme = SchemeFactory()
    monkeypatch.setattr(Scheme.objects, "select_for_update", lambda **kw: Scheme.objects.all())
    both_checked = threading.Barrier(2, timeout=TIMEOUT)
    original = runs._fail_stalled

    def then_wait(scheme_runs):
        failed = original(scheme_runs)
        both_checked.wait()  # both transactions have looked; neither has inserted
        return failed

    monkeypatch.setattr(runs, "_fail_stalled", then_wait)

    started, refused = outcome(start_at_once(scheme))

    assert len(started) == 1
    assert [error.messages for error in refused] == [[ALREADY_RUNNING]]
    assert MatchRun.objects.filter(scheme=scheme).count() == 1


def test_runs_of_different_schemes_start_at_once():
    first, second = SchemeFactory(), SchemeFactory()
    results = [None, None]
    ready = threading.Barrier(2, timeout=TIMEOUT)

    def start(k, scheme):
        try:
            ready.wait()
            results[k] = match_run_start(
                scheme=scheme, trigger=MatchRun.Trigger.COMMAND, execute_later=False
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start, args=(k, s)) for k, s in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)

    assert all(isinstance(r, MatchRun) for r in results)
    assert MatchRun.objects.count() == 2
