"""Match runs: when, how started, and what they proposed, in numbers."""

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from dashboard.reports.base import CHUNK, Report, in_period, register, yes_no
from dashboard.scope import Scope
from matching.models import MatchRun


@register
class MatchRunsReport(Report):
    identifier = "match_runs"
    position = 50
    name = "Match runs"
    description = (
        "Every matching run: when it started, what started it, its status, how many "
        "mentees and mentors it considered, how many it matched and left unmatched, the "
        "total and mean score, whether the result is certified best, and when it was "
        "published. The period applies to when a run started; department and grade do not "
        "apply."
    )

    def columns(self, scope: Scope) -> list[str]:
        return [
            "Scheme",
            "Run started",
            "Trigger",
            "Status",
            "Trial run",
            "Mentees",
            "Mentors",
            "Matched",
            "Unmatched",
            "Total score",
            "Mean score",
            "Certified best",
            "Published",
        ]

    def queryset(self, scope: Scope) -> QuerySet[MatchRun]:
        runs = MatchRun.objects.filter(scheme_id__in=scope.scheme_ids)
        # A run that never started counts from when it was asked for.
        return in_period(runs, "created_at", scope)

    def count(self, scope: Scope) -> int:
        return self.queryset(scope).count()

    def rows(self, scope: Scope) -> Iterator[list[Any]]:
        triggers = dict(MatchRun.Trigger.choices)
        statuses = dict(MatchRun.Status.choices)
        values = (
            self.queryset(scope)
            .order_by("scheme__name", "scheme_id", "created_at", "pk")
            .values_list(
                "scheme__name",
                "started_at",
                "created_at",
                "trigger",
                "status",
                "dry_run",
                "mentee_count",
                "mentor_count",
                "matched_count",
                "unmatched_count",
                "total_score",
                "mean_score",
                "certified",
                "published_at",
            )
        )
        for row in values.iterator(chunk_size=CHUNK):
            (scheme, started, created, trigger, status, dry_run, mentees, mentors) = row[:8]
            (matched, unmatched, total, mean_score, certified, published) = row[8:]
            yield [
                scheme,
                started or created,
                triggers.get(trigger, trigger),
                statuses.get(status, status),
                yes_no(dry_run),
                mentees,
                mentors,
                matched,
                unmatched,
                round(total, 2),
                round(mean_score, 2),
                yes_no(certified),
                published,
            ]
