"""With Redis down, people still sign in and coordinators still work; once it is back the
e-mails go, once each, and the run runs (``faults_redis_down.py``).

Those cases start and stop a Redis of their own and a Celery worker in the test process;
they run in a pytest of their own, so that no earlier test's Celery worker, pooled
connections or logging arrangement can change what they find.
"""

import os
from urllib.parse import urlsplit, urlunsplit

from tests.fresh_pytest import run_pytest


def test_the_redis_down_cases_pass_in_a_process_of_their_own():
    env = dict(os.environ)
    # A database of its own: this run's test database is in use by this process.
    if env.get("DATABASE_URL", "").startswith("postgres"):
        parts = urlsplit(env["DATABASE_URL"])
        env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"{parts.path}_faults"))
    result = run_pytest("tests/mentoring/faults_redis_down.py", env=env)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert "2 passed" in result.stdout, result.stdout[-2000:]
