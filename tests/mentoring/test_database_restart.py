"""The database goes away in the middle of a change, or between two requests.

A restart of PostgreSQL ends every connection to it. Here one connection is ended the
same way (``pg_terminate_backend`` from another connection, which is what a restart
does to each), at a chosen moment: after a service's first write and before its next,
or while a web process keeps its connection between requests. The machine's server is
never restarted. PostgreSQL only: SQLite has no connection to lose.
"""

import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import DEFAULT_DB_ALIAS, Error, connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentoring.models import OutboxMessage
from sessions.models import MentoringSession, SessionAction
from sessions.services.sessions import session_plan, session_summary_save

# The data must be committed (not inside a test's transaction) for a cut connection to
# lose only the service's own transaction.
pytestmark = pytest.mark.django_db(transaction=True)
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="ends a PostgreSQL connection as a restart does (set DATABASE_URL to run it)",
)

SUMMARY = {
    "summary": "We went through the panel's questions and agreed what to practise.",
    "action-0-owner": "mentee",
    "action-0-text": "Practise the budget question",
}


def _terminate(pid: int) -> None:
    """End the server process of connection ``pid`` from another connection, as a
    restart does, and wait (up to 5 s) until it has gone."""
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
            assert cursor.fetchone()[0] is True
    finally:
        other.close()


@contextmanager
def _cut_before_writing(table: str) -> Iterator[list[str]]:
    """This thread's connection is ended just before its first write to ``table``;
    yields the statements sent until then."""
    sent: list[str] = []

    def wrapper(execute, sql, params, many, context):
        if not sent or sent[-1] != "cut":
            writes = sql.lstrip().upper().startswith(("INSERT", "UPDATE"))
            if writes and f'"{table}"' in sql:
                _terminate(context["connection"].connection.info.backend_pid)
                sent.append("cut")
            else:
                sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield sent
    assert "cut" in sent, f"nothing was written to {table}"


@needs_postgresql
def test_a_summary_cut_off_after_its_first_write_saves_nothing(held_session, mentee):
    sessions_table = MentoringSession._meta.db_table
    with (
        _cut_before_writing(SessionAction._meta.db_table) as sent,
        pytest.raises(Error),
    ):
        session_summary_save(
            session=held_session,
            user=mentee,
            summary="What we agreed.",
            actions=[{"owner": "mentee", "text": "Practise the budget question"}],
        )
    # The session's summary was written in the transaction before the cut...
    assert any(sql.startswith(f'UPDATE "{sessions_table}"') for sql in sent)
    # ...and is not there now, nor is the action: all or nothing.
    held_session.refresh_from_db()
    assert held_session.summary == ""
    assert not SessionAction.objects.filter(session=held_session).exists()


@needs_postgresql
def test_a_plan_cut_off_before_its_email_saves_neither(active_mentorship, mentee):
    with (
        _cut_before_writing(OutboxMessage._meta.db_table) as sent,
        pytest.raises(Error),
    ):
        session_plan(
            mentorship=active_mentorship,
            user=mentee,
            starts_at=timezone.now() + timedelta(days=3),
            duration_minutes=60,
            format="video",
        )
    assert any(sql.startswith(f'INSERT INTO "{MentoringSession._meta.db_table}"') for sql in sent)
    assert not MentoringSession.objects.filter(mentorship=active_mentorship).exists()
    assert not OutboxMessage.objects.exists()


@needs_postgresql
def test_the_person_gets_the_sites_error_page_and_the_next_request_works(held_session, mentee):
    client = Client(raise_request_exception=False)
    client.force_login(mentee)
    url = reverse(
        "sessions:session_summary",
        kwargs={"pk": held_session.mentorship_id, "session": held_session.pk},
    )
    with _cut_before_writing(SessionAction._meta.db_table):
        response = client.post(url, SUMMARY)
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "saved in full or not at all" in page
    assert "Traceback" not in page and "OperationalError" not in page
    held_session.refresh_from_db()
    assert held_session.summary == ""

    # Nothing to do by hand: the next request opens a new connection and is saved.
    response = client.post(url, SUMMARY)
    assert response.status_code == 302
    held_session.refresh_from_db()
    assert held_session.summary == SUMMARY["summary"]
    assert SessionAction.objects.filter(session=held_session).count() == 1


def _health(handler: WSGIHandler) -> str:
    """The database's state on /health/, through the WSGI handler as gunicorn calls it
    (with Django's connection handling at the start and end of every request)."""
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": reverse("health"),
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
    }
    response = handler(environ, lambda status, headers: None)
    try:
        body = b"".join(response)
    finally:
        response.close()  # the end of the request: Django's connection handling
    return json.loads(body)["checks"]["database"]


@pytest.fixture
def kept_connections():
    """Connections kept between requests for a minute, as in production; the test sets
    ``CONN_HEALTH_CHECKS`` on the returned settings."""
    connection.close()
    saved = dict(connection.settings_dict)
    connection.settings_dict["CONN_MAX_AGE"] = 60
    try:
        yield connection.settings_dict
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def test_the_settings_check_a_kept_connection_before_using_it():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


@needs_postgresql
def test_a_kept_connection_ended_by_a_restart_is_replaced_before_the_next_request(
    kept_connections,
):
    kept_connections["CONN_HEALTH_CHECKS"] = True
    handler = WSGIHandler()
    assert _health(handler) == "ok"
    kept = connection.connection.info.backend_pid  # still open after the request
    _terminate(kept)
    assert _health(handler) == "ok"
    assert connection.connection.info.backend_pid != kept


@needs_postgresql
def test_without_the_health_check_one_request_per_process_fails_first(kept_connections):
    """Why the setting is on: without it, each web process's next request after a
    restart fails before Django replaces the connection."""
    kept_connections["CONN_HEALTH_CHECKS"] = False
    handler = WSGIHandler()
    assert _health(handler) == "ok"
    _terminate(connection.connection.info.backend_pid)
    assert _health(handler) == "unavailable"
    assert _health(handler) == "ok"
