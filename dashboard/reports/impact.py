"""The impact summary, as the impact report shows it: its figures come already
suppressed from ``dashboard.impact.impact_table``."""

from collections.abc import Iterator
from typing import Any

from dashboard.reports.base import Report, register
from dashboard.scope import Scope


def _table(scope: Scope) -> tuple[list[str], list[list[Any]]]:
    # Imported here: the impact module reads every app, and this registry is loaded by
    # the command's argument parser.
    from dashboard.impact import impact_table

    return impact_table(scope)


@register
class ImpactReport(Report):
    identifier = "impact"
    position = 40
    name = "Impact summary"
    description = (
        "The impact report's figures: for each development area the mentees' mean "
        "self-rating at baseline, end and follow-up and the change, the relationship and "
        "scheme ratings, would-recommend and goals, with the number of people behind each "
        'figure. A figure about fewer than five people reads "fewer than 5".'
    )

    def columns(self, scope: Scope) -> list[str]:
        return list(_table(scope)[0])

    def rows(self, scope: Scope) -> Iterator[list[Any]]:
        yield from (list(row) for row in _table(scope)[1])

    def count(self, scope: Scope) -> int:
        return len(_table(scope)[1])
