"""Reads of a pair's goals: each goal with its targets and progress, a short summary
per goal that other pages show (targets done, latest rating), and everything the goal's
own page needs, each in a fixed number of queries whatever the number of rows."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from agreements.chart import ProgressPoint
from agreements.models import Goal, ProgressEntry, Target
from agreements.selectors.agreement import agreement_state
from matching.models import Mentorship

__all__ = [
    "GoalPage",
    "GoalSummary",
    "goal_page",
    "goal_summary",
    "objective_suggestions",
    "pair_goal_summaries",
    "pair_goals",
]


def pair_goals(mentorship: Mentorship) -> QuerySet[Goal]:
    """The goals of ``mentorship``, oldest first, with their targets (by due date) and
    their progress entries (oldest first) prefetched: three queries, whatever the number
    of goals, targets or entries."""
    return (
        Goal.objects.filter(mentorship=mentorship)
        .order_by("created_at", "pk")
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.order_by("due_on", "pk")),
            Prefetch("progress", queryset=ProgressEntry.objects.order_by("recorded_at", "pk")),
        )
    )


@dataclass(frozen=True)
class GoalSummary:
    """A goal in one line: its targets done out of those not dropped, and the latest
    progress rating (None before the first)."""

    goal: Goal
    targets_done: int
    targets_total: int
    latest_rating: int | None

    @property
    def targets_open(self) -> int:
        """Targets still to do: neither done nor dropped."""
        return self.targets_total - self.targets_done


def goal_summary(goal: Goal) -> GoalSummary:
    """The summary of ``goal``. Reads the prefetched targets and progress when ``goal``
    came from ``pair_goals``, so a list of summaries costs no query per goal."""
    targets = [t for t in goal.targets.all() if t.status != Target.Status.DROPPED]
    entries = sorted(goal.progress.all(), key=lambda entry: (entry.recorded_at, entry.pk))
    return GoalSummary(
        goal=goal,
        targets_done=sum(1 for t in targets if t.status == Target.Status.DONE),
        targets_total=len(targets),
        latest_rating=entries[-1].rating if entries else None,
    )


def pair_goal_summaries(mentorship: Mentorship) -> list[GoalSummary]:
    """Every goal of ``mentorship`` with its summary, oldest first, in three queries."""
    return [goal_summary(goal) for goal in pair_goals(mentorship)]


@dataclass(frozen=True)
class GoalPage:
    """What the goal's page shows: its targets (by due date, with who closed them), its
    progress entries (oldest first, with their authors) and the same ratings as chart
    points."""

    goal: Goal
    targets: list[Target]
    entries: list[ProgressEntry]

    @property
    def points(self) -> list[ProgressPoint]:
        """The ratings as points of the chart: the local date of each, and its rating."""
        return [
            ProgressPoint(when=timezone.localdate(entry.recorded_at), rating=entry.rating)
            for entry in self.entries
        ]

    @property
    def targets_done(self) -> int:
        """How many targets are done."""
        return sum(1 for t in self.targets if t.status == Target.Status.DONE)

    @property
    def targets_total(self) -> int:
        """How many targets count: all but the dropped ones."""
        return sum(1 for t in self.targets if t.status != Target.Status.DROPPED)

    @property
    def latest(self) -> ProgressEntry | None:
        """The most recent progress entry, if any."""
        return self.entries[-1] if self.entries else None


def goal_page(goal: Goal) -> GoalPage:
    """The data of ``goal``'s page in two queries: its targets and its progress."""
    targets = list(
        Target.objects.filter(goal=goal).select_related("closed_by").order_by("due_on", "pk")
    )
    entries = list(
        ProgressEntry.objects.filter(goal=goal)
        .select_related("author")
        .order_by("recorded_at", "pk")
    )
    return GoalPage(goal=goal, targets=targets, entries=entries)


def objective_suggestions(mentorship: Mentorship) -> list[str]:
    """The agreement's objectives (as it now reads: the draft, else the version in
    force) that are not yet a goal of the pair, compared without regard to case or
    spacing; a dropped goal's title may be suggested again."""
    current = agreement_state(mentorship).current
    if current is None:
        return []
    taken = {
        _key(title)
        for title in Goal.objects.filter(mentorship=mentorship)
        .exclude(status=Goal.Status.DROPPED)
        .values_list("title", flat=True)
    }
    suggestions: list[str] = []
    for objective in current.objectives or []:
        text = " ".join(str(objective).split())
        if text and _key(text) not in taken and _key(text) not in map(_key, suggestions):
            suggestions.append(text)
    return suggestions


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()
