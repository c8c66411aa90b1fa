"""The README's promise about browser tests: skipped with a reason on a laptop without
Chromium, a failure in CI. Each case runs the browser tests in a fresh pytest."""

import os
import subprocess

from tests.fresh_pytest import run_pytest


def _run_browser_tests_without_chromium(*, ci: bool) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["CHROMIUM_PATH"] = "/nonexistent/chromium"
    # Its own in-memory database: never the test database of the run that starts it.
    env["DATABASE_URL"] = "sqlite://:memory:"
    if ci:
        env["CI"] = "true"
    return run_pytest("tests/browser/test_sign_up.py", env=env)


def test_without_chromium_browser_tests_are_skipped_with_the_reason():
    result = _run_browser_tests_without_chromium(ci=False)
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout
    assert "Chromium is not installed (apt-get install chromium)" in result.stdout


def test_in_ci_a_missing_chromium_fails_the_run():
    result = _run_browser_tests_without_chromium(ci=True)
    assert result.returncode != 0
    assert "CI must run the browser tests" in result.stdout
