"""Requests at the same moment, for the tests that race real transactions.

They need PostgreSQL (``DATABASE_URL=postgres://...``): SQLite serialises every write,
which would prove nothing.
"""

import threading
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.db import connection, connections

TIMEOUT = 20  # seconds: a deadlock fails the test instead of hanging it

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL's concurrent transactions (set DATABASE_URL to run it)",
)


def at_once(calls: Sequence[Callable[[], Any]]) -> list[Any]:
    """Run each of ``calls`` in its own thread (its own connection), all released
    together; each result is what the call returned or the exception it raised."""
    ready = threading.Barrier(len(calls), timeout=TIMEOUT)
    results: list[Any] = [None] * len(calls)

    def one(k: int) -> None:
        try:
            ready.wait()
            results[k] = calls[k]()
        except Exception as error:  # handed to the test to assert on
            results[k] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(k,)) for k in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
        assert not thread.is_alive(), "a request is stuck"
    return results
