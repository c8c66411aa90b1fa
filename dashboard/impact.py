"""The impact report: did the scheme work?

For each development area, the mentees' own mean rating at baseline, end and
follow-up, the mean change per person from the baseline (and its spread), and the
number of people behind each figure; the relationship and scheme ratings and whether
people would recommend the scheme (mid-point, end, follow-up); the goals the pairs
set and achieved. Read in a fixed number of queries (the schemes, the evaluations, the
goals), whatever the number of people, and aggregated here in Python.

Suppression: a figure about fewer than ``SMALL`` (5) people is shown as "fewer than 5"
(primary). When figures are shown with their total (one per scheme and the total
across schemes), the hidden parts together could be worked out as the total minus the
others, so more parts (the next smallest) or the total are hidden too, until the
hidden parts are two or more and about 5 people or more between them (secondary).
``suppress`` is that rule, pure and alone. It is decided over every scheme the reader
may read, so that one scheme's page hides what the report across schemes hides. A
filtered figure is also hidden where, beside the same figure without the filters, it
would give away a figure about 1 to 4 people or one hidden there ("filter").

Nothing a person wrote is read: the queries name the rating fields only, never the
comments of an evaluation nor a goal's words.
"""

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations
from typing import Any

from django.db.models import Count, Q, QuerySet

from agreements.models import Goal
from dashboard.scope import Scope, readable_scheme_ids
from matching.models import Mentorship
from schemes.models import Scheme
from sessions.models import Evaluation

__all__ = [
    "FEWER",
    "SMALL",
    "Figure",
    "Impact",
    "ImpactRow",
    "ImpactSection",
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
    parts: Sequence[int],
    total: int | None = None,
    *,
    threshold: int = SMALL,
    marks: Sequence[str] | None = None,
    total_mark: str = "",
) -> tuple[list[str], str]:
    """Which of ``parts`` (the number of people behind each part) and of their
    ``total`` to hide, as ``(parts' marks, total's mark)``: each mark is "" (shown),
    "primary" (about fewer than ``threshold`` people), "secondary" (hidden so that a
    hidden part cannot be worked out from the total), or a mark given in ``marks`` /
    ``total_mark`` (a figure the caller already hides, e.g. "filter"). A part or total
    about nobody is shown (there is no figure, only the fact that nobody answered).

    Secondary: while the total is shown, the hidden parts together can be worked out
    from it (the total minus the parts shown); so they must be at least two, and about
    ``threshold`` people or more between them. Until they are, the smallest part still
    shown that is about someone is hidden too; when there is none, the total is hidden
    instead. Without a total (``None``) only the primary rule applies.
    """
    given = list(marks) if marks is not None else [""] * len(parts)
    out = [
        mark or ("primary" if 0 < n < threshold else "")
        for n, mark in zip(parts, given, strict=True)
    ]
    if total is None:
        return out, ""
    total_mark = total_mark or ("primary" if 0 < total < threshold else "")
    while not total_mark:
        hidden = [n for n, mark in zip(parts, out, strict=True) if mark]
        if not hidden or (len(hidden) > 1 and sum(hidden) >= threshold):
            break
        shown = [(n, i) for i, n in enumerate(parts) if not out[i] and n > 0]
        if shown:
            out[min(shown)[1]] = "secondary"
        else:
            total_mark = "secondary"
    return out, total_mark


# --- the figures -----------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One figure: a mean (or a share, or a count), its spread when it has one, the
    number of people behind it, and whether it is hidden: "primary" (about fewer than
    5), "secondary" (it would give away a primary one with the other schemes'), "filter"
    (it would give one away beside the same figure without the reader's filters)."""

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

    @property
    def cells(self) -> list[str]:
        """Each figure as a page shows it, with the people (or pairs) behind it."""
        return [cell_text(f, self.kind, column) for column, f in self.figures.items()]


def cell_text(fig: Figure, kind: str, column: str = "") -> str:
    """A figure for a page: "3.20 (7 people)", "+0.80, SD 0.45 (6 people)",
    "80% (10 people)", "12 goals (6 pairs)", or "fewer than 5" / "withheld"."""
    if fig.hidden:
        return fig.text()
    if kind == "count":
        count = round(fig.value or 0)
        return f"{count} (from {fig.n} pair{'s' if fig.n != 1 else ''})" if fig.n else "0"
    if fig.value is None:
        return "no answers"
    people = f"({fig.n} {'person' if fig.n == 1 else 'people'})"
    if column.startswith("change_"):
        return f"{fig.value:+.2f}, SD {fig.spread or 0:.2f} {people}"
    if kind == "share":
        return f"{round(fig.value * 100)}% {people}"
    return f"{fig.value:.2f} {people}"


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

    def section(self, scheme: "SchemeRef | None" = None) -> "ImpactSection":
        """One scheme's figures (or the total's, for ``None``) ready for a page, with a
        sentence for each row that has a hidden figure."""
        scheme_id = scheme.pk if scheme else None
        areas = self.area_rows(scheme_id)
        ratings = self.rating_rows(scheme_id)
        goals = self.goal_rows(scheme_id)
        return ImpactSection(
            scheme=scheme,
            area_rows=areas,
            rating_rows=ratings,
            goal_rows=goals,
            notes=[note for row in areas + ratings + goals if (note := _note(row))],
        )

    def sections(self) -> list["ImpactSection"]:
        return [self.section(s) for s in self.schemes]


@dataclass(frozen=True)
class ImpactSection:
    """The figures of one scheme, or of all in scope (``scheme`` None)."""

    scheme: SchemeRef | None
    area_rows: list[ImpactRow]
    rating_rows: list[ImpactRow]
    goal_rows: list[ImpactRow]
    notes: list[str]

    @property
    def has_figures(self) -> bool:
        """Whether anyone answered an evaluation or set a goal here."""
        rows = self.area_rows + self.rating_rows + self.goal_rows
        return any(f.n for row in rows for f in row.figures.values())


def _join(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# Why a figure about 5 people or more is withheld, by its mark.
WITHHELD_BECAUSE = {
    "secondary": "with the other schemes' figures it would give away a figure about fewer than 5",
    "filter": (
        "set beside the same figure without your filters it would give away a figure "
        "about fewer than 5, or one hidden there"
    ),
}


def _note(row: ImpactRow) -> str:
    """The sentence that explains the hidden figures of one row, or ""."""
    primary = [COLUMN_LABELS[c].lower() for c, f in row.figures.items() if f.hidden == "primary"]
    sentences = []
    whose = "pairs" if row.kind == "count" else "people"
    if primary:
        where = "" if row.kind == "count" else f" ({_join(primary)})"
        sentences.append(
            f"{row.label}{where}: fewer than 5 {whose} are behind "
            f"{'this figure' if len(primary) == 1 else 'these figures'}, so "
            f'{"it is" if len(primary) == 1 else "they are"} shown as "{FEWER}" '
            "to keep anyone's answers from being told."
        )
    for mark, because in WITHHELD_BECAUSE.items():
        columns = [COLUMN_LABELS[c].lower() for c, f in row.figures.items() if f.hidden == mark]
        if columns:
            where = "" if row.kind == "count" else f" ({_join(columns)})"
            sentences.append(
                f"{row.label}{where}: withheld although 5 or more {whose} are behind it, "
                f"because {because}."
            )
    return " ".join(sentences)


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


def _gather(scope: Scope) -> tuple[dict[int, _Collect], _Collect]:
    """Every answer and goal count of ``scope``, per scheme and in total (two queries)."""
    mentorships = scoped_mentorships(scope).values("pk")
    groups: dict[int, _Collect] = defaultdict(_Collect)
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
        collects = (groups[scheme_id], total)
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
        for c in (groups[scheme_id], total):
            c.goals_set += goal_count
            c.pairs_with_goals += 1 if goal_count else 0
            c.goals_achieved += achieved
            c.pairs_achieving += 1 if achieved else 0
    return groups, total


# The filters a reader may set besides the scheme, each of which narrows a figure.
FILTERS = ("period", "department", "grade")


def _active_filters(scope: Scope) -> tuple[str, ...]:
    on = {
        "period": bool(scope.start or scope.end),
        "department": bool(scope.department),
        "grade": bool(scope.grade),
    }
    return tuple(f for f in FILTERS if on[f])


def _narrowed(scope: Scope, scheme_ids: tuple[int, ...], kept: frozenset[str]) -> Scope:
    """``scope`` over ``scheme_ids`` with only the filters in ``kept``."""
    period = "period" in kept
    return replace(
        scope,
        scheme_ids=scheme_ids,
        start=scope.start if period else None,
        end=scope.end if period else None,
        department=scope.department if "department" in kept else "",
        grade=scope.grade if "grade" in kept else "",
    )


def _universe(scope: Scope, readable: Iterable[int] | None) -> tuple[int, ...]:
    """The schemes whose figures the reader of ``scope`` can see (with those in scope):
    suppression is decided over all of them, so that no page or export the reader can
    open, one scheme or all, shows a figure another of them hides. ``readable`` when
    the page has them already."""
    if readable is not None:
        readable = set(readable)
    elif scope.reader is None:  # the command line: the server's operator reads every scheme
        readable = set(Scheme.objects.values_list("pk", flat=True))
    else:
        readable = readable_scheme_ids(scope.reader)
    return tuple(sorted(readable | set(scope.scheme_ids)))


@dataclass
class _View:
    """One view's figures per scheme of the universe and in total, and their marks."""

    parts: dict[int, dict[Key, Figure]]
    total: dict[Key, Figure]
    marks: dict[Key, tuple[list[str], str]] = field(default_factory=dict)

    def n(self, key: Key, scheme_id: int | None = None) -> int:
        figures = self.total if scheme_id is None else self.parts.get(scheme_id, {})
        return figures.get(key, NOBODY).n


def _decide(view: _View, universe: tuple[int, ...], coarser: list[_View]) -> None:
    """Mark every figure of ``view``: "filter" where a view without some of its filters
    (``coarser``, already marked) would give the difference away (about 1 to 4 people)
    or shows the same people's figure hidden; then ``suppress`` over the universe's
    schemes as the parts of the total."""
    keys = set(view.total)
    for figures in view.parts.values():
        keys |= set(figures)
    for key in keys:
        parts = [view.n(key, i) for i in universe]
        total = view.n(key)
        given = ["" for _ in universe]
        total_given = ""
        for wider in coarser:
            wider_marks, wider_total_mark = wider.marks.get(key, (["" for _ in universe], ""))
            for j, scheme_id in enumerate(universe):
                if _gives_away(parts[j], wider.n(key, scheme_id), wider_marks[j]):
                    given[j] = "filter"
            if _gives_away(total, wider.n(key), wider_total_mark):
                total_given = "filter"
        view.marks[key] = suppress(parts, total, marks=given, total_mark=total_given)


def _gives_away(n: int, wider: int, wider_mark: str) -> bool:
    """Whether a figure about ``n`` people, shown beside the same figure without a
    filter (about ``wider`` people, marked ``wider_mark``), would tell something hidden:
    the difference is about 1 to 4 people, or they are the same people and the wider
    figure is hidden. A figure about nobody tells nothing."""
    if n < SMALL:
        return False  # nobody, or hidden by the primary rule anyway
    return 0 < wider - n < SMALL or (wider == n and bool(wider_mark))


def impact_for(
    scope: Scope,
    schemes: Sequence[Scheme] | None = None,
    *,
    readable: Iterable[int] | None = None,
) -> Impact:
    """The impact figures of ``scope``, per scheme and in total, suppressed.

    Suppression is decided once over every scheme the reader may read (the universe),
    with the scope's filters, whichever of them the scope shows: a scheme's own page
    and the report across schemes hide the same figures. With filters (period,
    department, grade), each figure is also compared with the same figure without
    each combination of them. Two queries per combination of filters (one to eight),
    however many people; one more when the page has not loaded the ``schemes``, and
    one for the schemes the reader may read unless given as ``readable``."""
    if schemes is None:
        schemes = list(Scheme.objects.filter(pk__in=scope.scheme_ids))
    wanted = set(scope.scheme_ids)
    schemes = sorted((s for s in schemes if s.pk in wanted), key=lambda s: (s.name, s.pk))
    refs = [SchemeRef(s.pk, s.name, s.slug) for s in schemes]
    scheme_areas = {s.pk: [str(a) for a in (s.development_areas or [])] for s in schemes}
    universe = _universe(scope, readable)
    active = _active_filters(scope)

    views: dict[frozenset[str], _View] = {}
    groups: dict[int, _Collect] = {}
    for size in range(len(active) + 1):
        for kept in map(frozenset, combinations(active, size)):
            groups, total = _gather(_narrowed(scope, universe, kept))
            view = _View({i: g.figures() for i, g in groups.items()}, total.figures())
            _decide(view, universe, [v for k, v in views.items() if k < kept])
            views[kept] = view
    # ``groups`` is now the narrowest view's: every filter of the scope applied.
    view = views[frozenset(active)]

    # The areas: each scheme's in its order, then any rated that a scheme has since dropped.
    areas: list[str] = []
    for s in refs:
        rated = [k[1] for k in groups[s.pk].values if k[0] == "area"] if s.pk in groups else []
        for area in scheme_areas[s.pk] + rated:
            if area not in scheme_areas[s.pk]:
                scheme_areas[s.pk].append(area)
            if area not in areas:
                areas.append(area)

    index = {scheme_id: j for j, scheme_id in enumerate(universe)}
    per_scheme: dict[int, dict[Key, Figure]] = {}
    for s in refs:
        figures = dict(view.parts.get(s.pk) or _Collect().figures())
        for key, (marks, _total_mark) in view.marks.items():
            if marks[index[s.pk]]:
                figures[key] = replace(figures.get(key, NOBODY), hidden=marks[index[s.pk]])
        per_scheme[s.pk] = figures
    return Impact(
        areas=areas,
        schemes=refs,
        per_scheme=per_scheme,
        total=_scope_total(scope, view, universe, per_scheme),
        scheme_areas=scheme_areas,
    )


def _scope_total(
    scope: Scope, view: _View, universe: tuple[int, ...], per_scheme: dict[int, dict[Key, Figure]]
) -> dict[Key, Figure]:
    """The total of the scope's schemes: the universe's with its marks when the scope
    is all of it; the scheme's own figures when it is one scheme; otherwise (a part of
    the universe, only from code) hidden wherever any scheme's figure is hidden."""
    if set(scope.scheme_ids) == set(universe):
        total = dict(view.total)
        for key, (_marks, total_mark) in view.marks.items():
            if total_mark:
                total[key] = replace(total.get(key, NOBODY), hidden=total_mark)
        return total
    if len(scope.scheme_ids) == 1:
        return dict(per_scheme.get(scope.scheme_ids[0], {}))
    _groups, collect = _gather(scope)
    total = collect.figures()
    for key, fig in total.items():
        marks, total_mark = view.marks.get(key, ([], ""))
        if fig.n and (0 < fig.n < SMALL or any(marks) or total_mark):
            total[key] = replace(fig, hidden="primary" if fig.n < SMALL else "secondary")
    return total


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
