"""The impact report: did the scheme work?

For each development area, the mentees' own mean rating at baseline, end and
follow-up, the mean change per person from the baseline (and its spread), and the
number of people behind each figure; the relationship and scheme ratings and whether
people would recommend the scheme (mid-point, end, follow-up); the goals the pairs
set and achieved. Read in a fixed number of queries (the schemes, the evaluations, the
goals), whatever the number of people, and aggregated here in Python.

Suppression: a figure about fewer than ``SMALL`` (5) people is shown as "fewer than 5"
(primary). When figures are shown with their total (one per scheme and the total
across schemes), hiding one part would let it be worked out as the total minus the
others, so a second part (the next smallest) or the total is hidden too (secondary).
``suppress`` is that rule, pure and alone.

Nothing a person wrote is read: the queries name the rating fields only, never the
comments of an evaluation nor a goal's words.
"""

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Count, Q, QuerySet

from agreements.models import Goal
from dashboard.scope import Scope
from matching.models import Mentorship
from schemes.models import Scheme
from sessions.models import Evaluation

__all__ = [
    "FEWER",
    "SMALL",
    "Figure",
    "Impact",
    "ImpactRow",
    "impact_for",
    "impact_table",
    "suppress",
]

SMALL = 5
FEWER = f"fewer than {SMALL}"
WITHHELD = "withheld"

Milestone = Evaluation.Milestone
AREA_MILESTONES = (Milestone.BASELINE, Milestone.END, Milestone.FOLLOW_UP)
RATING_MILESTONES = (Milestone.MID, Milestone.END, Milestone.FOLLOW_UP)
CHANGES = (Milestone.END, Milestone.FOLLOW_UP)
MILESTONE_LABELS = dict(Milestone.choices)


# --- the rule --------------------------------------------------------------------------


def suppress(
    parts: Sequence[int], total: int | None = None, *, threshold: int = SMALL
) -> tuple[list[str], str]:
    """Which of ``parts`` (the number of people behind each part) and of their
    ``total`` to hide, as ``(parts' marks, total's mark)``: each mark is "" (shown),
    "primary" (about fewer than ``threshold`` people) or "secondary" (hidden so that
    a primary one cannot be worked out from the total). A part or total about nobody
    is shown (there is no figure, only the fact that nobody answered).

    Secondary: when the total is shown and exactly one part is hidden, the smallest
    part still shown that is about someone is hidden too; when there is none, the
    total is hidden instead. Without a total (``None``) only the primary rule applies.
    """
    marks = ["primary" if 0 < n < threshold else "" for n in parts]
    if total is None:
        return marks, ""
    total_mark = "primary" if 0 < total < threshold else ""
    if total_mark or marks.count("primary") != 1:
        return marks, total_mark
    shown = [(n, i) for i, n in enumerate(parts) if not marks[i] and n > 0]
    if shown:
        marks[min(shown)[1]] = "secondary"
    else:
        total_mark = "secondary"
    return marks, total_mark


# --- the figures -----------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One figure: a mean (or a share, or a count), its spread when it has one, the
    number of people behind it, and whether it is hidden ("primary", "secondary")."""

    value: float | None
    n: int
    spread: float | None = None
    hidden: str = ""

    @property
    def shown(self) -> bool:
        return not self.hidden and self.n > 0

    def text(self, places: int = 2, percent: bool = False) -> str:
        """The figure as a page shows it."""
        if self.hidden == "primary":
            return FEWER
        if self.hidden:
            return WITHHELD
        if self.value is None:
            return "no answers"
        if percent:
            return f"{round(self.value * 100)}%"
        if places == 0:
            return str(round(self.value))
        return f"{self.value:.{places}f}"

    def people(self) -> str:
        if self.hidden == "primary":
            return FEWER
        if self.hidden:
            return WITHHELD
        return str(self.n)

    def spread_text(self) -> str:
        if self.hidden or self.spread is None:
            return ""
        return f"{self.spread:.2f}"


NOBODY = Figure(None, 0)


def _mean(values: Iterable[float]) -> Figure:
    values = list(values)
    if not values:
        return NOBODY
    spread = statistics.stdev(values) if len(values) > 1 else 0.0
    return Figure(statistics.fmean(values), len(values), spread)


def _share(values: Iterable[bool]) -> Figure:
    values = list(values)
    if not values:
        return NOBODY
    return Figure(sum(values) / len(values), len(values))


# A figure's key: ("area", area, milestone), ("change", area, milestone),
# ("relationship", "", milestone), ("scheme", "", milestone),
# ("recommend", "", milestone), ("goals_set", "", ""), ("goals_achieved", "", "").
Key = tuple[str, str, str]


@dataclass
class _Collect:
    """One group's (a scheme's or the total's) answers per person, before averaging:
    a person with answers in two mentorships counts once, with the mean of theirs."""

    values: dict[Key, dict[int, list[float]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    goals_set: int = 0
    goals_achieved: int = 0
    pairs_with_goals: int = 0
    pairs_achieving: int = 0

    def add(self, key: Key, person: int, value: float) -> None:
        self.values[key][person].append(value)

    def figures(self) -> dict[Key, Figure]:
        out: dict[Key, Figure] = {}
        for key, people in self.values.items():
            per_person = [statistics.fmean(v) for v in people.values()]
            if key[0] == "recommend":
                out[key] = _share(v >= 0.5 for v in per_person)
            else:
                out[key] = _mean(per_person)
        out[("goals_set", "", "")] = Figure(float(self.goals_set), self.pairs_with_goals)
        out[("goals_achieved", "", "")] = Figure(float(self.goals_achieved), self.pairs_achieving)
        return out


@dataclass(frozen=True)
class SchemeRef:
    pk: int
    name: str
    slug: str


@dataclass(frozen=True)
class ImpactRow:
    """One row of an impact table, its figures in the columns' order."""

    label: str
    kind: str  # "area", "rating", "share", "count"
    figures: dict[str, Figure]


@dataclass
class Impact:
    """The figures of a scope: per scheme and the total across them, suppressed."""

    areas: list[str]
    schemes: list[SchemeRef]
    per_scheme: dict[int, dict[Key, Figure]]
    total: dict[Key, Figure]

    def figure(self, key: Key, scheme_id: int | None = None) -> Figure:
        figures = self.total if scheme_id is None else self.per_scheme.get(scheme_id, {})
        return figures.get(key, NOBODY)

    def area_rows(self, scheme_id: int | None = None) -> list[ImpactRow]:
        areas = self.areas if scheme_id is None else self.scheme_areas.get(scheme_id, [])
        rows = []
        for area in areas:
            figures: dict[str, Figure] = {
                str(m): self.figure(("area", area, m), scheme_id) for m in AREA_MILESTONES
            }
            for m in CHANGES:
                figures[f"change_{m}"] = self.figure(("change", area, m), scheme_id)
            rows.append(ImpactRow(area, "area", figures))
        return rows

    def rating_rows(self, scheme_id: int | None = None) -> list[ImpactRow]:
        return [
            ImpactRow(
                label,
                kind,
                {m: self.figure((key, "", m), scheme_id) for m in RATING_MILESTONES},
            )
            for key, label, kind in (
                ("relationship", "The relationship (mean of the statements)", "rating"),
                ("scheme", "The scheme overall", "rating"),
                ("recommend", "Would recommend the scheme (share saying yes)", "share"),
            )
        ]

    def goal_rows(self, scheme_id: int | None = None) -> list[ImpactRow]:
        return [
            ImpactRow(
                "Goals set", "count", {"count": self.figure(("goals_set", "", ""), scheme_id)}
            ),
            ImpactRow(
                "Goals achieved",
                "count",
                {"count": self.figure(("goals_achieved", "", ""), scheme_id)},
            ),
        ]

    def hidden(self, scheme_id: int | None = None) -> list[tuple[str, str]]:
        """(description, mark) of every hidden figure of a scheme or the total, for the
        sentences that explain them."""
        out = []
        for row in self.area_rows(scheme_id) + self.rating_rows(scheme_id):
            for column, fig in row.figures.items():
                if fig.hidden:
                    out.append((f"{row.label}, {COLUMN_LABELS[column].lower()}", fig.hidden))
        for row in self.goal_rows(scheme_id):
            if row.figures["count"].hidden:
                out.append((row.label, row.figures["count"].hidden))
        return out

    scheme_areas: dict[int, list[str]] = field(default_factory=dict)


COLUMN_LABELS = {
    Milestone.BASELINE: "Baseline",
    Milestone.MID: "Mid-point",
    Milestone.END: "End",
    Milestone.FOLLOW_UP: "Follow-up",
    f"change_{Milestone.END}": "Change from baseline to end",
    f"change_{Milestone.FOLLOW_UP}": "Change from baseline to follow-up",
    "count": "Count",
}


def scoped_mentorships(scope: Scope) -> QuerySet[Mentorship]:
    """The mentorships a scope covers: of its schemes, started within its period, of
    mentees of its department and grade (as written in their application)."""
    qs = Mentorship.objects.filter(scheme_id__in=scope.scheme_ids)
    if scope.start or scope.end:
        qs = qs.filter(started_at__isnull=False)
    if scope.start:
        qs = qs.filter(started_at__date__gte=scope.start)
    if scope.end:
        qs = qs.filter(started_at__date__lte=scope.end)
    if scope.department:
        qs = qs.filter(mentee_application__department=scope.department)
    if scope.grade:
        qs = qs.filter(mentee_application__grade=scope.grade)
    return qs


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def impact_for(scope: Scope) -> Impact:
    """The impact figures of ``scope``, per scheme and in total, suppressed: three
    queries, however many people."""
    schemes = list(
        Scheme.objects.filter(pk__in=scope.scheme_ids)
        .order_by("name", "pk")
        .values("pk", "name", "slug", "development_areas")
    )
    refs = [SchemeRef(s["pk"], s["name"], s["slug"]) for s in schemes]
    scheme_areas = {s["pk"]: [str(a) for a in (s["development_areas"] or [])] for s in schemes}
    mentorships = scoped_mentorships(scope).values("pk")
    groups: dict[int, _Collect] = {s.pk: _Collect() for s in refs}
    total = _Collect()

    rows = (
        Evaluation.objects.filter(mentorship__in=mentorships)
        .order_by()
        .values_list(
            "mentorship_id",
            "mentorship__scheme_id",
            "respondent_id",
            "role",
            "milestone",
            "area_ratings",
            "relationship_ratings",
            "scheme_rating",
            "would_recommend",
        )
    )
    # The mentee's area ratings per mentorship and milestone, for the changes.
    mentee_areas: dict[tuple[int, int, int], dict[str, dict[str, float]]] = defaultdict(dict)
    for pair, scheme_id, person, role, milestone, rated, relationship, rating, recommend in rows:
        collects = (groups.setdefault(scheme_id, _Collect()), total)
        if role == "mentee" and milestone in AREA_MILESTONES and isinstance(rated, dict):
            given = {a: v for a, v in ((a, _number(v)) for a, v in rated.items()) if v is not None}
            mentee_areas[(pair, scheme_id, person)][milestone] = given
            for area, value in given.items():
                for c in collects:
                    c.add(("area", area, milestone), person, value)
        if milestone in RATING_MILESTONES:
            values = (
                [v for v in (_number(x) for x in (relationship or {}).values()) if v is not None]
                if isinstance(relationship, dict)
                else []
            )
            for c in collects:
                if values:
                    c.add(("relationship", "", milestone), person, statistics.fmean(values))
                if rating is not None:
                    c.add(("scheme", "", milestone), person, float(rating))
                if recommend is not None:
                    c.add(("recommend", "", milestone), person, 1.0 if recommend else 0.0)

    for (_pair, scheme_id, person), by_milestone in mentee_areas.items():
        baseline = by_milestone.get(Milestone.BASELINE, {})
        for milestone in CHANGES:
            later = by_milestone.get(milestone, {})
            for area in baseline.keys() & later.keys():
                change = later[area] - baseline[area]
                for c in (groups[scheme_id], total):
                    c.add(("change", area, milestone), person, change)

    goals = (
        Goal.objects.filter(mentorship__in=mentorships)
        .order_by()
        .values("mentorship_id", "mentorship__scheme_id")
        .annotate(goals=Count("pk"), achieved=Count("pk", filter=Q(status=Goal.Status.ACHIEVED)))
        .values_list("mentorship__scheme_id", "goals", "achieved")
    )
    for scheme_id, goal_count, achieved in goals:
        for c in (groups.setdefault(scheme_id, _Collect()), total):
            c.goals_set += goal_count
            c.pairs_with_goals += 1 if goal_count else 0
            c.goals_achieved += achieved
            c.pairs_achieving += 1 if achieved else 0

    # The areas: each scheme's in its order, then any rated that a scheme has since dropped.
    areas: list[str] = []
    for s in refs:
        rated = [k[1] for k in groups[s.pk].values if k[0] == "area"]
        for area in scheme_areas[s.pk] + rated:
            if area not in scheme_areas[s.pk]:
                scheme_areas[s.pk].append(area)
            if area not in areas:
                areas.append(area)

    per_scheme = {s.pk: groups[s.pk].figures() for s in refs}
    return _suppressed(
        Impact(
            areas=areas,
            schemes=refs,
            per_scheme=per_scheme,
            total=total.figures(),
            scheme_areas=scheme_areas,
        )
    )


def _suppressed(impact: Impact) -> Impact:
    """``impact`` with every figure marked by ``suppress``: primary alone for one
    scheme; with the schemes as the parts of the total when there are several."""
    keys = set(impact.total)
    for figures in impact.per_scheme.values():
        keys |= set(figures)
    ids = [s.pk for s in impact.schemes]
    with_parts = len(ids) > 1
    for key in keys:
        total = impact.total.get(key, NOBODY)
        parts = [impact.per_scheme[i].get(key, NOBODY) for i in ids]
        marks, total_mark = suppress([p.n for p in parts], total.n if with_parts else None)
        if not with_parts:
            total_mark = suppress([total.n])[0][0]
        for i, part, mark in zip(ids, parts, marks, strict=True):
            if mark:
                impact.per_scheme[i][key] = replace(part, hidden=mark)
        if total_mark:
            impact.total[key] = replace(total, hidden=total_mark)
    return impact


# --- the summary as one table (for the export) ---------------------------------------

TABLE_COLUMNS = [
    "Figure",
    "Baseline",
    "Baseline people",
    "Mid-point",
    "Mid-point people",
    "End",
    "End people",
    "Follow-up",
    "Follow-up people",
    "Change to end",
    "Change to end spread (SD)",
    "Change to end people",
    "Change to follow-up",
    "Change to follow-up spread (SD)",
    "Change to follow-up people",
    "Count",
    "Pairs",
]


def _cell(fig: Figure, percent: bool = False) -> Any:
    if fig.hidden:
        return fig.text()
    if fig.value is None:
        return ""
    if percent:
        return round(fig.value * 100, 1)
    return round(fig.value, 2)


def _people(fig: Figure) -> Any:
    return fig.people() if fig.hidden else fig.n


def _spread(fig: Figure) -> Any:
    if fig.hidden:
        return fig.text()
    return "" if fig.spread is None else round(fig.spread, 2)


def impact_table(scope: Scope) -> tuple[list[str], list[list]]:
    """The impact summary of ``scope`` as one table, already suppressed: a row per
    development area (mean self-rating at baseline, end and follow-up, the mean change
    from the baseline with its spread, and the people behind each), then rows for the
    relationship rating, the scheme rating, would-recommend (the share saying yes, in
    per cent), goals set and goals achieved (the count, and the pairs behind it).
    Hidden figures read "fewer than 5" or "withheld"."""
    impact = impact_for(scope)
    rows: list[list] = []
    blank = ["", ""]
    for row in impact.area_rows():
        f = row.figures
        line: list = [f"Self-rating: {row.label}"]
        line += [_cell(f[Milestone.BASELINE]), _people(f[Milestone.BASELINE])]
        line += blank
        for m in (Milestone.END, Milestone.FOLLOW_UP):
            line += [_cell(f[m]), _people(f[m])]
        for m in CHANGES:
            c = f[f"change_{m}"]
            line += [_cell(c), _spread(c), _people(c)]
        line += blank
        rows.append(line)
    for row in impact.rating_rows():
        f = row.figures
        line = [row.label, *blank]
        for m in RATING_MILESTONES:
            line += [_cell(f[m], percent=row.kind == "share"), _people(f[m])]
        line += [""] * 8
        rows.append(line)
    for row in impact.goal_rows():
        c = row.figures["count"]
        line = [row.label, *[""] * 14]
        line += [_cell(c) if c.hidden else int(c.value or 0), _people(c)]
        rows.append(line)
    return list(TABLE_COLUMNS), rows
