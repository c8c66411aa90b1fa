"""Screenshots for the README are written only when asked (``make screenshots``), so
that a test run never changes the working tree."""

import pytest

from tests.browser import conftest


class _FakePage:
    """Stands in for Playwright's page: records where it was asked to save a picture."""

    def __init__(self):
        self.saved: list[str] = []

    def screenshot(self, *, path: str, full_page: bool) -> None:
        self.saved.append(path)


# The ``page`` fixture is replaced by a fake, so no browser is started.
@pytest.mark.parametrize("page", [_FakePage()])
def test_a_test_run_writes_no_screenshot(page, screenshot, monkeypatch):
    monkeypatch.delenv(conftest.SCREENSHOTS_WANTED, raising=False)
    assert screenshot("home-coordinator") is None
    assert page.saved == []


@pytest.mark.parametrize("page", [_FakePage()])
def test_make_screenshots_writes_them_into_docs(page, screenshot, monkeypatch, tmp_path):
    monkeypatch.setenv(conftest.SCREENSHOTS_WANTED, "1")
    monkeypatch.setattr(conftest, "SCREENSHOTS", tmp_path)
    assert screenshot("home-coordinator") == tmp_path / "home-coordinator.png"
    assert page.saved == [str(tmp_path / "home-coordinator.png")]
