"""The back-up and restore of docs/operations.md: ``scripts/backup.sh`` dumps the test
database, ``scripts/restore.sh`` restores the dump into a fresh database, and the data
is found there, read with a connection of its own.

PostgreSQL only, and skipped where pg_dump and pg_restore are not installed.
"""

import shutil
import subprocess
import uuid
from urllib.parse import quote

import psycopg2
import pytest
from django.conf import settings
from django.db import connection
from psycopg2 import sql

from mentoring.models import User
from sessions.models import MentoringSession, SessionAction

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="backs up and restores a PostgreSQL database (set DATABASE_URL to run it)",
    ),
    pytest.mark.skipif(
        not (shutil.which("pg_dump") and shutil.which("pg_restore")),
        reason="needs PostgreSQL's pg_dump and pg_restore",
    ),
    pytest.mark.django_db(transaction=True),
]

SCRIPTS = settings.BASE_DIR / "scripts"
SUMMARY = "Zoë's plan: the café budget, then the panel (50% done)."


def _url(name: str) -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _script(name: str, argument: str, database: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SCRIPTS / name), argument],
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "DATABASE_URL": _url(database)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _sql(query: str, model) -> sql.Composed:
    """``query`` reading ``model``'s table, its name quoted as an identifier."""
    return sql.SQL(query).format(sql.Identifier(model._meta.db_table))


@pytest.fixture
def fresh_database():
    """An empty database with a name of its own, dropped at the end."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    quoted = connection.ops.quote_name(name)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {quoted}")
    try:
        yield name
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")


def test_a_backup_restored_into_a_fresh_database_has_the_data(
    tmp_path, fresh_database, held_session, mentee, mentor
):
    held_session.summary = SUMMARY
    held_session.save(update_fields=["summary"])
    SessionAction.objects.create(
        session=held_session,
        mentorship=held_session.mentorship,
        owner="mentee",
        text="Practise the budget question",
    )

    backup = _script("backup.sh", str(tmp_path / "backups"), connection.settings_dict["NAME"])
    assert backup.returncode == 0, backup.stderr
    dump = tmp_path / "backups" / backup.stdout.strip().rsplit("/", 1)[-1]
    assert dump.name.startswith("mentoring-") and dump.suffix == ".dump"
    assert dump.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format
    assert dump.stat().st_mode & 0o077 == 0  # readable by its owner only

    restore = _script("restore.sh", str(dump), fresh_database)
    assert restore.returncode == 0, restore.stderr
    # Again, over what the first restore wrote: as over a live database, replaced.
    restore = _script("restore.sh", str(dump), fresh_database)
    assert restore.returncode == 0, restore.stderr

    restored = psycopg2.connect(_url(fresh_database))
    try:
        with restored.cursor() as cursor:
            cursor.execute(
                _sql("SELECT summary, status FROM {} WHERE id = %s", MentoringSession),
                [held_session.pk],
            )
            assert cursor.fetchone() == (SUMMARY, "held")
            cursor.execute(
                _sql("SELECT text FROM {} WHERE session_id = %s", SessionAction),
                [held_session.pk],
            )
            assert cursor.fetchall() == [("Practise the budget question",)]
            cursor.execute(
                _sql("SELECT email FROM {} WHERE id IN (%s, %s) ORDER BY email", User),
                [mentee.pk, mentor.pk],
            )
            assert cursor.fetchall() == sorted([(mentee.email,), (mentor.email,)])
            # The migrations' record came along: the restored database is ready to serve.
            cursor.execute("SELECT count(*) FROM django_migrations WHERE app = 'sessions'")
            assert cursor.fetchone()[0] > 0
    finally:
        restored.close()


def test_a_failed_backup_leaves_no_file_that_looks_like_a_backup(tmp_path):
    folder = tmp_path / "backups"
    result = _script("backup.sh", str(folder), f"no_such_database_{uuid.uuid4().hex[:8]}")
    assert result.returncode != 0
    assert "does not exist" in result.stderr
    assert list(folder.iterdir()) == []
