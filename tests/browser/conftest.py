"""Real-browser tests: Playwright driving Debian's Chromium against a live server.

Without Chromium (a laptop) they are skipped with the reason; in CI (``CI`` set) a
missing Chromium is a failure, never a silent skip.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.browser import axe

# Playwright's sync API keeps an event loop running in the test thread; Django would
# otherwise refuse ORM calls from the tests and the live server.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# Screenshots for the README are taken only when asked (``make screenshots``), so that a
# test run never changes the working tree.
SCREENSHOTS_WANTED = "SCREENSHOTS"


def screenshots_wanted() -> bool:
    return os.environ.get(SCREENSHOTS_WANTED, "").lower() in {"1", "true", "yes"}


def chromium_path() -> str | None:
    """``CHROMIUM_PATH`` when set (and only it), else Debian's Chromium or one on PATH."""
    chosen = os.environ.get("CHROMIUM_PATH")
    if chosen:
        return chosen if Path(chosen).is_file() else None
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(
                "Chromium is not installed, and CI must run the browser tests: "
                "apt-get install chromium",
                pytrace=False,
            )
        pytest.skip("Chromium is not installed (apt-get install chromium): browser tests skipped")
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session", autouse=True)
def axe_installed():
    """Every browser context opened by the tests loads axe-core and has its pages checked
    (tests/browser/axe.py)."""
    axe.install()


@pytest.fixture(autouse=True)
def axe_finished():
    """The pages a test opened are checked one last time when it ends."""
    yield
    axe.finish()


@pytest.fixture
def page(page, live_server):
    """A page whose default timeout suits a 2-core machine, failing the test on any
    console error (a CSP violation, a missing file, a script error) and on any serious or
    critical accessibility violation axe finds on a page it lands on (tests/browser/axe.py)."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_default_timeout(15_000)
    yield page
    watched = axe.finish()
    assert any(found.checked for found in watched), "axe checked no page: the test landed on none"
    assert errors == [], f"the browser reported errors: {errors}"


@pytest.fixture
def screenshot(page):
    """Save what the person sees into docs/screenshots/ (the README shows them) when
    ``SCREENSHOTS`` is set; otherwise nothing is written. Returns the file written, or
    ``None``. ``on`` is the page to take when a test opened pages of its own."""

    def take(name: str, on=None) -> Path | None:
        if not screenshots_wanted():
            return None
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        (on or page).screenshot(path=str(path), full_page=True)
        return path

    return take
