"""axe-core checks every page the browser tests land on.

``axe-playwright-python`` ships axe-core itself, so nothing is fetched at run time.

The check needs nothing from a test. Every browser context the tests open (pytest-
playwright's ``context`` and ``page``, or one a test makes with ``browser.new_context()``
or ``browser.new_page()``) loads axe into each document by an init script, and each of its
pages is watched: a ``load`` event only marks the page as landed (an event handler that
drove the page would race the test's next step). The page is then checked in the test's
own flow, before its next call to the browser, whatever that call is (a click, an
``expect``, closing the context). A serious or critical violation fails the test at that
step, naming the rule, the page and the elements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import greenlet
from axe_playwright_python.base import AXE_SCRIPT, AxeResults
from playwright._impl import _sync_base
from playwright.sync_api import Browser
from playwright.sync_api import Error as PlaywrightError

# The impacts that fail a test; "minor" and "moderate" findings are left to review.
FAILING_IMPACTS = frozenset({"serious", "critical"})

# Pages the product does not draw: Django's admin is Django's own.
UNCHECKED_PATHS = ("/admin/",)

# Only the rules' failures come back: passes and "incomplete" would cost time for nothing.
RUN = "axe.run(document, {resultTypes: ['violations']})"
LOADED = "() => typeof window.axe !== 'undefined'"


@dataclass
class AxeWatch:
    """One page: whether it has landed since its last check, what was checked, and the
    violations found and not yet reported."""

    page: Any
    pending: bool = False
    checking: bool = False
    checked: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def landed(self, *_args: Any) -> None:
        self.pending = True

    def check(self) -> None:
        """Run axe on the page as it is now, once per landing."""
        if not self.pending or self.checking or self.page.is_closed():
            return
        self.pending = False
        url = self.page.url
        if any(part in url for part in UNCHECKED_PATHS) or not url.startswith("http"):
            return
        self.checking = True
        try:
            # The init script is not subject to the page's CSP; a document made before it
            # was registered gets axe here.
            if not self.page.evaluate(LOADED):
                self.page.evaluate(AXE_SCRIPT)
            results = AxeResults(self.page.evaluate(RUN))
        except PlaywrightError as error:
            # The page went on by itself (a script reloads it when a run finishes): the
            # document it lands on is checked instead, once its load is seen.
            if "context was destroyed" not in str(error) and "navigat" not in str(error):
                raise
            return
        finally:
            self.checking = False
        self.checked.append(url)
        self.violations.extend(describe(results.response, url))


def describe(response: dict[str, Any], url: str) -> list[str]:
    """One line per serious or critical violation: rule, impact, page and elements."""
    found = []
    for violation in response["violations"]:
        if violation.get("impact") not in FAILING_IMPACTS:
            continue
        elements = "; ".join(
            f"{', '.join(map(str, node['target']))} ({node['html'][:160]})"
            for node in violation["nodes"]
        )
        found.append(
            f"{violation['id']} ({violation['impact']}) on {url}: {violation['help']}; "
            f"elements: {elements}"
        )
    return found


def report(failures: list[str]) -> str:
    return "axe found serious or critical accessibility violations:\n" + "\n".join(
        f"- {line}" for line in failures
    )


# Every page watched since the last finish(), in the order they were opened.
_watches: list[AxeWatch] = []


def watch(page: Any) -> AxeWatch:
    """Check every page ``page`` lands on (its context must load axe: see
    ``watch_context``; a page of another context gets axe at its first check)."""
    for found in _watches:
        if found.page is page:
            return found
    found = AxeWatch(page)
    page.on("load", found.landed)
    _watches.append(found)
    return found


def watch_context(context: Any) -> Any:
    """Load axe into every document of ``context`` and watch each of its pages."""
    context.add_init_script(AXE_SCRIPT)
    context.on("page", watch)
    return context


def _take(failing: list[AxeWatch]) -> list[str]:
    failures = [line for found in failing for line in found.violations]
    for found in failing:
        found.violations = []
    return failures


def _check_pending() -> None:
    for found in list(_watches):
        if found.pending and not found.checking:
            found.check()
    failures = _take(_watches)
    if failures:
        raise AssertionError(report(failures))


_original_sync = _sync_base.SyncBase._sync
_original_new_context = Browser.new_context
_original_new_page = Browser.new_page


def _sync_checking_first(self: Any, awaitable: Any) -> Any:
    # Only the test's own calls check, never the calls axe itself makes nor an event
    # handler's: the test runs in the thread's root greenlet, Playwright's fibers have a
    # parent.
    if _watches and greenlet.getcurrent().parent is None:
        try:
            _check_pending()
        except BaseException:
            if hasattr(awaitable, "close"):
                awaitable.close()  # the call the test was making is not made
            raise
    return _original_sync(self, awaitable)


def _new_context(self: Any, *args: Any, **kwargs: Any) -> Any:
    return watch_context(_original_new_context(self, *args, **kwargs))


def _new_page(self: Any, *args: Any, **kwargs: Any) -> Any:
    page = _original_new_page(self, *args, **kwargs)
    page.add_init_script(AXE_SCRIPT)
    watch(page)
    return page


def install() -> None:
    """Check every page of every context opened from now on (once per test session)."""
    _sync_base.SyncBase._sync = _sync_checking_first  # type: ignore[method-assign]
    Browser.new_context = _new_context  # type: ignore[method-assign]
    Browser.new_page = _new_page  # type: ignore[method-assign]


def unwatch(found: AxeWatch) -> None:
    """Check the page ``found`` last landed on, stop watching it, and fail on what axe
    found there."""
    try:
        found.check()
    finally:
        if found in _watches:
            _watches.remove(found)
    failures = _take([found])
    if failures:
        raise AssertionError(report(failures))


def finish() -> list[AxeWatch]:
    """Check the pages of the test that ended, stop watching them, and fail on what axe
    found. Returns what was watched."""
    watched = list(_watches)
    try:
        for found in watched:
            if not found.checking:
                found.check()
    finally:
        _watches.clear()
    failures = _take(watched)
    if failures:
        raise AssertionError(report(failures))
    return watched
