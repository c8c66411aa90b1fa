"""axe-core checks every page the browser tests land on.

``axe-playwright-python`` ships axe-core itself, so nothing is fetched at run time. The
check is automatic: a page's ``load`` event only marks it as landed (an event handler
that drove the page would race the test's next step), and the page is checked, before the
test's next call to the browser, in the test's own flow. A serious or critical violation
fails the test, naming the rule, the page and the elements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import greenlet
from axe_playwright_python.base import AXE_SCRIPT, AxeResults
from playwright._impl import _sync_base

# The impacts that fail a test; "minor" and "moderate" findings are left to review.
FAILING_IMPACTS = frozenset({"serious", "critical"})

# Pages the product does not draw: Django's admin is Django's own.
UNCHECKED_PATHS = ("/admin/",)

# Only the rules' failures come back: passes and "incomplete" would cost time for nothing.
RUN = "axe.run(document, {resultTypes: ['violations']})"


@dataclass
class AxeWatch:
    """The pages one test landed on that axe has yet to check, and what it found."""

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
            # axe is loaded into every document by an init script (not subject to the
            # page's CSP), so a check costs only the run.
            results = AxeResults(self.page.evaluate(RUN))
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


_watches: list[AxeWatch] = []
_original_sync = _sync_base.SyncBase._sync


def _sync_checking_first(self: Any, awaitable: Any) -> Any:
    # Only the test's own calls check (never the calls axe itself makes, nor an event
    # handler's), so that the page is checked between two steps of the test.
    # The test runs in the thread's root greenlet; Playwright's own fibers have a parent.
    if _watches and greenlet.getcurrent().parent is None:
        for watch in _watches:
            if watch.pending and not watch.checking:
                try:
                    watch.check()
                except BaseException:
                    if hasattr(awaitable, "close"):
                        awaitable.close()
                    raise
        failures = [line for watch in _watches for line in watch.violations]
        if failures:
            for watch in _watches:
                watch.violations.clear()
            if hasattr(awaitable, "close"):
                awaitable.close()
            raise AssertionError(report(failures))
    return _original_sync(self, awaitable)


def report(failures: list[str]) -> str:
    return "axe found serious or critical accessibility violations:\n" + "\n".join(
        f"- {line}" for line in failures
    )


def watch(page: Any) -> AxeWatch:
    """Check every page ``page`` lands on until :func:`unwatch`."""
    if _sync_base.SyncBase._sync is not _sync_checking_first:
        _sync_base.SyncBase._sync = _sync_checking_first  # type: ignore[method-assign]
    found = AxeWatch(page)
    page.add_init_script(AXE_SCRIPT)
    page.on("load", found.landed)
    _watches.append(found)
    return found


def unwatch(found: AxeWatch) -> None:
    """Check the page last landed on, stop watching, and fail on what axe found."""
    try:
        found.check()
    finally:
        _watches.remove(found)
    if found.violations:
        failures, found.violations = found.violations, []
        raise AssertionError(report(failures))
