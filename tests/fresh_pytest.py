"""Run some of the tests in a pytest of their own, for cases that must not share a
process with the rest of the suite."""

import subprocess
import sys

from django.conf import settings


def run_pytest(path: str, *, env: dict[str, str]) -> subprocess.CompletedProcess:
    """``pytest path`` in a fresh process with ``env``, from the project's folder."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", path, "-q", "-rs", "-p", "no:cacheprovider"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
