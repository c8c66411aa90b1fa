"""The figures of a coordinator's dashboard for one scheme.

Every figure is a count, a sum, a mean or a median, read with aggregate queries (or a
single pass over one narrow list of values): the page costs the same number of queries
for a scheme of two pairs as for one of ten thousand people. Nothing a person wrote is
read: not an end reason, an agenda, a summary, a concern or a comment, only statuses,
dates, stages and numbers.
"""

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from agreements.models import AgreementVersion
from matching.models import Mentorship
from schemes.models import Application, Invitation, Scheme
from sessions.models import Evaluation, FinalReview, MentoringSession, Pulse, RiskHandling
from sessions.selectors.evaluations import LATE_STAGES, MILESTONE_ORDER, add_months
from sessions.selectors.reminders import RISK_REASONS, scheme_risks
from sessions.selectors.settings import session_settings_for

__all__ = [
    "FEWEST_RATINGS",
    "Dashboard",
    "dashboard_figures",
]

Status = Mentorship.Status
Stage = Mentorship.Stage
Milestone = Evaluation.Milestone
# A month's mean usefulness is shown only when at least this many ratings make it.
FEWEST_RATINGS = 5
LOAD_BANDS = ("0", "1", "2", "3 or more")
APPROVED = (Application.Status.APPROVED, Application.Status.MATCHED)


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass(frozen=True)
class FunnelStep:
    key: str
    label: str
    count: int
    explanation: str
    # The share of the step it is measured against, in per cent (None: nothing to
    # measure against), and that step's label.
    conversion: int | None = None
    of: str = ""


@dataclass(frozen=True)
class Month:
    month: date
    sessions: int = 0
    minutes: int = 0

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    @property
    def label(self) -> str:
        return f"{self.month:%b %Y}"


@dataclass(frozen=True)
class PulseMonth:
    month: date
    ratings: int
    mean: float | None  # None: fewer than FEWEST_RATINGS ratings

    @property
    def label(self) -> str:
        return f"{self.month:%b %Y}"


@dataclass(frozen=True)
class ResponseRate:
    milestone: str
    label: str
    mentee_given: int
    mentee_due: int
    mentor_given: int | None  # None: the mentor has no baseline
    mentor_due: int | None

    @property
    def given(self) -> int:
        return self.mentee_given + (self.mentor_given or 0)

    @property
    def due(self) -> int:
        return self.mentee_due + (self.mentor_due or 0)

    @property
    def rate(self) -> int | None:
        return _percent(self.given, self.due)


@dataclass(frozen=True)
class Tallied:
    key: str
    label: str
    count: int


@dataclass
class Dashboard:
    """Every figure of one scheme's dashboard."""

    scheme: Scheme
    zone: ZoneInfo
    funnel: list[FunnelStep]
    mentors_applied: int
    mentors_approved: int
    active_now: int
    at_risk_pairs: int
    at_risk_reasons: list[Tallied]
    at_risk_counted_at: datetime
    months: list[Month]
    sessions_held: int
    hours_held: float
    started_pairs: int
    pairs_three_sessions: int
    agreements_signed: int
    median_days_to_sign: float | None
    responses: list[ResponseRate]
    pulse: list[PulseMonth]
    pulse_ratings: int
    ended_by: list[Tallied]
    ended_stage: list[Tallied]
    ended_early: int
    mentor_load: list[Tallied]
    charts: dict[str, Any] = field(default_factory=dict)

    @property
    def pairs_three_sessions_percent(self) -> int | None:
        return _percent(self.pairs_three_sessions, self.started_pairs)

    @property
    def agreements_signed_percent(self) -> int | None:
        return _percent(self.agreements_signed, self.started_pairs)

    @property
    def pulse_shown(self) -> bool:
        """At least one month has enough ratings for its mean to be shown."""
        return any(p.mean is not None for p in self.pulse)

    @property
    def mentors(self) -> int:
        return sum(t.count for t in self.mentor_load)


def _funnel(scheme: Scheme) -> tuple[list[FunnelStep], int, int, int]:
    """The mentees' way through the scheme, and the mentors' applications."""
    invitations = Invitation.objects.filter(scheme=scheme, role="mentee").aggregate(
        invited=Count("pk", filter=~Q(status=Invitation.Status.REVOKED))
    )
    submitted = ~Q(status=Application.Status.DRAFT)
    applications = Application.objects.filter(scheme=scheme).aggregate(
        applied=Count("pk", filter=submitted & Q(role="mentee")),
        applied_invited=Count(
            "pk",
            filter=submitted
            & Q(role="mentee", invitation__isnull=False)
            & ~Q(invitation__status=Invitation.Status.REVOKED),
        ),
        approved=Count("pk", filter=Q(role="mentee", status__in=APPROVED)),
        mentors_applied=Count("pk", filter=submitted & Q(role="mentor")),
        mentors_approved=Count("pk", filter=Q(role="mentor", status__in=APPROVED)),
    )
    pairs = Mentorship.objects.filter(scheme=scheme).aggregate(
        matched=Count("mentee_application", distinct=True),
        started=Count("mentee_application", filter=Q(started_at__isnull=False), distinct=True),
        # Mentees, like the steps before: a mentee matched again after an early end
        # counts once in each step they reached.
        active=Count("mentee_application", filter=Q(status=Status.ACTIVE), distinct=True),
        completed=Count(
            "mentee_application",
            filter=Q(status=Status.COMPLETED, started_at__isnull=False),
            distinct=True,
        ),
        ended=Count(
            "mentee_application",
            filter=Q(status=Status.ENDED, started_at__isnull=False),
            distinct=True,
        ),
    )
    invited, applied = invitations["invited"], applications["applied"]
    approved, matched, started = (
        applications["approved"],
        pairs["matched"],
        pairs["started"],
    )
    steps = [
        FunnelStep("invited", "Invited", invited, "Mentees invited (invitations not withdrawn)."),
        FunnelStep(
            "applied",
            "Applied",
            applied,
            "Mentee applications sent in, through an invitation or the open link; "
            f"{applications['applied_invited']} of them came through an invitation.",
            _percent(applications["applied_invited"], invited),
            "invited (through their invitation)",
        ),
        FunnelStep(
            "approved",
            "Approved",
            approved,
            "Mentee applications approved (matched or waiting for a match).",
            _percent(approved, applied),
            "applied",
        ),
        FunnelStep(
            "matched",
            "Matched",
            matched,
            "Mentees proposed a match at least once, whatever their answer.",
            _percent(matched, approved),
            "approved",
        ),
        FunnelStep(
            "active",
            "Active",
            started,
            f"Mentees whose mentorship started (both accepted); {pairs['active']} active now.",
            _percent(started, matched),
            "matched",
        ),
        FunnelStep(
            "completed",
            "Completed",
            pairs["completed"],
            "Mentees whose mentorship was completed.",
            _percent(pairs["completed"], started),
            "active",
        ),
        FunnelStep(
            "ended",
            "Ended early",
            pairs["ended"],
            "Mentees whose mentorship ended early, before its planned end.",
            _percent(pairs["ended"], started),
            "active",
        ),
    ]
    return (
        steps,
        applications["mentors_applied"],
        applications["mentors_approved"],
        pairs["active"],
    )


def _month_range(first: date, last: date) -> list[date]:
    months = []
    day = first.replace(day=1)
    while day <= last:
        months.append(day)
        day = add_months(day, 1)
    return months


def _sessions_by_month(scheme: Scheme, zone: ZoneInfo) -> list[Month]:
    rows = (
        MentoringSession.objects.filter(
            mentorship__scheme=scheme, status=MentoringSession.Status.HELD
        )
        .annotate(month=TruncMonth("starts_at", tzinfo=zone))
        .values("month")
        .annotate(sessions=Count("pk"), minutes=Sum("duration_minutes"))
        .order_by("month")
    )
    found = {_as_date(row["month"]): row for row in rows}
    if not found:
        return []
    return [
        Month(
            month,
            found[month]["sessions"] if month in found else 0,
            (found[month]["minutes"] or 0) if month in found else 0,
        )
        for month in _month_range(min(found), max(found))
    ]


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _pairs(scheme: Scheme) -> list[dict[str, Any]]:
    """One narrow row per mentorship that started: what the evaluations' due dates and
    the agreement's figures need, in one query."""
    in_force = AgreementVersion.objects.filter(
        mentorship=OuterRef("pk"), status=AgreementVersion.Status.IN_FORCE
    ).values("end_date")[:1]
    review = FinalReview.objects.filter(mentorship=OuterRef("pk")).values("completed_at")[:1]
    # The first version both signed: the moment the agreement was first in force.
    first_signed = (
        AgreementVersion.objects.filter(mentorship=OuterRef("pk"), in_force_at__isnull=False)
        .order_by("in_force_at")
        .values("in_force_at")[:1]
    )
    held = (
        MentoringSession.objects.filter(
            mentorship=OuterRef("pk"), status=MentoringSession.Status.HELD
        )
        .order_by()
        .values("mentorship")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        Mentorship.objects.filter(scheme=scheme, started_at__isnull=False)
        .annotate(
            end_date=Subquery(in_force),
            review_at=Subquery(review),
            first_signed=Subquery(first_signed),
            held=Subquery(held),
        )
        .values(
            "pk",
            "status",
            "stage",
            "started_at",
            "ended_at",
            "end_date",
            "review_at",
            "first_signed",
            "held",
        )
        .order_by()
    )


def _responses(
    scheme: Scheme, pairs: list[dict[str, Any]], zone: ZoneInfo, follow_up_months: int
) -> list[ResponseRate]:
    """Per milestone, the evaluations given and those due or given, for mentees and
    mentors: the rules of ``sessions.selectors.evaluations`` applied to every started
    pair at once. A milestone counts as due once the pair reached it while it ran (an
    ended pair is not asked any more, but what it missed counts)."""
    given = set(
        Evaluation.objects.filter(mentorship__scheme=scheme)
        .values_list("mentorship_id", "role", "milestone")
        .order_by()
    )
    today = timezone.localdate(timezone=zone)
    due: Counter[tuple[str, str]] = Counter()
    done: Counter[tuple[str, str]] = Counter()
    for pair in pairs:
        start = timezone.localdate(pair["started_at"], zone)
        end = pair["end_date"] or add_months(pair["started_at"].date(), scheme.programme_months)
        closed = (
            timezone.localdate(pair["ended_at"], zone)
            if pair["ended_at"] and pair["status"] != Status.ACTIVE
            else today
        )
        follow_base = timezone.localdate(pair["review_at"], zone) if pair["review_at"] else end
        reached = {
            Milestone.BASELINE: start <= closed,
            Milestone.MID: start + timedelta(days=(end - start).days // 2) <= closed,
            Milestone.END: pair["stage"] in LATE_STAGES,
            Milestone.FOLLOW_UP: pair["stage"] == Stage.DISTANCE
            and add_months(follow_base, follow_up_months) <= today,
        }
        for milestone in MILESTONE_ORDER:
            for role in ("mentee", "mentor"):
                if role == "mentor" and milestone == Milestone.BASELINE:
                    continue
                has = (pair["pk"], role, milestone) in given
                if has:
                    done[(milestone, role)] += 1
                if has or reached[milestone]:
                    due[(milestone, role)] += 1
    return [
        ResponseRate(
            milestone=milestone,
            label=Milestone(milestone).label,
            mentee_given=done[(milestone, "mentee")],
            mentee_due=due[(milestone, "mentee")],
            mentor_given=None if milestone == Milestone.BASELINE else done[(milestone, "mentor")],
            mentor_due=None if milestone == Milestone.BASELINE else due[(milestone, "mentor")],
        )
        for milestone in MILESTONE_ORDER
    ]


def _pulse(scheme: Scheme, zone: ZoneInfo) -> list[PulseMonth]:
    rows = (
        Pulse.objects.filter(session__mentorship__scheme=scheme)
        .annotate(month=TruncMonth("recorded_at", tzinfo=zone))
        .values("month")
        .annotate(ratings=Count("pk"), mean=Avg("usefulness"))
        .order_by("month")
    )
    return [
        PulseMonth(
            _as_date(row["month"]),
            row["ratings"],
            round(row["mean"], 1) if row["ratings"] >= FEWEST_RATINGS else None,
        )
        for row in rows
    ]


ENDED_BY = (
    ("mentee", "The mentee"),
    ("mentor", "The mentor"),
    ("coordinator", "A coordinator"),
    ("unknown", "Not recorded"),
)


def _endings(scheme: Scheme) -> tuple[list[Tallied], list[Tallied], int]:
    """Mentorships ended early by who ended them and by the stage they had reached:
    never the reason, which is a person's own words."""
    rows = (
        Mentorship.objects.filter(scheme=scheme, status=Status.ENDED)
        .annotate(
            by=Case(
                When(ended_by__isnull=True, then=Value("unknown")),
                When(ended_by=F("mentee"), then=Value("mentee")),
                When(ended_by=F("mentor"), then=Value("mentor")),
                default=Value("coordinator"),
                output_field=CharField(),
            )
        )
        .values("by", "stage")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by: Counter[str] = Counter()
    stage: Counter[str] = Counter()
    for row in rows:
        by[row["by"]] += row["n"]
        stage[row["stage"]] += row["n"]
    return (
        [Tallied(key, label, by[key]) for key, label in ENDED_BY],
        [Tallied(value, label, stage[value]) for value, label in Stage.choices],
        sum(by.values()),
    )


def _mentor_load(scheme: Scheme) -> list[Tallied]:
    """Approved mentors by how many active mentees they have."""
    loads = (
        Application.objects.filter(scheme=scheme, role="mentor", status__in=APPROVED)
        .annotate(
            n=Count("mentorships_as_mentor", filter=Q(mentorships_as_mentor__status=Status.ACTIVE))
        )
        .values_list("n", flat=True)
        .order_by()
    )
    bands: Counter[str] = Counter(LOAD_BANDS[min(n, 3)] for n in loads)
    return [Tallied(band, band, bands[band]) for band in LOAD_BANDS]


def _at_risk(scheme: Scheme, reader: Any) -> tuple[int, list[Tallied], datetime]:
    """How many pairs have a flag no coordinator has handled, how many per reason, and
    when the flags were found: those of ``sessions.selectors.reminders.scheme_risks``
    (the hourly sweep's, or a scan a few minutes old), less the flags handled now and
    the reader's own pairs, as on the at-risk page; counted without loading the
    flagged pairs and their people, which the at-risk page needs and a count does not.
    A flag handled or reopened shows at once."""
    counted_at, keys = scheme_risks(scheme.pk)
    if not keys:
        return 0, [], counted_at
    own = set(
        Mentorship.objects.filter(scheme=scheme)
        .filter(Q(mentee=reader) | Q(mentor=reader))
        .values_list("pk", flat=True)
    )
    handled = set(
        RiskHandling.objects.filter(mentorship__scheme=scheme, handled_at__isnull=False)
        .values_list("mentorship_id", "reason", "situation")
        .order_by()
    )
    flags = {
        (pair, reason, RISK_REASONS[reason][0])
        for pair, reason, situation in keys
        if pair not in own and (pair, reason, situation) not in handled
    }
    by_reason = Counter((reason, label) for _pair, reason, label in flags)
    tallied = [
        Tallied(reason, label, count)
        for (reason, label), count in sorted(
            by_reason.items(), key=lambda item: (-item[1], item[0][1])
        )
    ]
    return len({pair for pair, _reason, _label in flags}), tallied, counted_at


def _median_days(pairs: list[dict[str, Any]]) -> float | None:
    days = [
        (pair["first_signed"] - pair["started_at"]).total_seconds() / 86400
        for pair in pairs
        if pair["first_signed"]
    ]
    return round(statistics.median(days), 1) if days else None


def _charts(board: Dashboard) -> dict[str, Any]:
    """What static/js/charts.js draws: labels and series, never a person."""
    return {
        "funnel": {
            "type": "bar",
            "aspect": 3,
            "labels": [step.label for step in board.funnel],
            "series": [{"label": "Mentees", "data": [step.count for step in board.funnel]}],
        },
        "sessions": {
            "type": "bar",
            "aspect": 3,
            "labels": [m.label for m in board.months],
            "series": [
                {"label": "Sessions held", "data": [m.sessions for m in board.months]},
                {"label": "Hours", "data": [m.hours for m in board.months]},
            ],
        },
        "responses": {
            "type": "bar",
            "percent": True,
            "labels": [r.label for r in board.responses],
            "series": [
                {
                    "label": "Response rate (%)",
                    "data": [r.rate for r in board.responses],
                }
            ],
        },
        "pulse": {
            "type": "line",
            "min": 1,
            "max": 4,
            "labels": [p.label for p in board.pulse],
            "series": [
                {"label": "Mean usefulness (1 to 4)", "data": [p.mean for p in board.pulse]}
            ],
        },
        "load": {
            "type": "bar",
            "labels": [f"{t.label} active" for t in board.mentor_load],
            "series": [{"label": "Mentors", "data": [t.count for t in board.mentor_load]}],
        },
    }


def dashboard_figures(scheme: Scheme, *, reader: Any) -> Dashboard:
    """Every figure of ``scheme``'s dashboard for ``reader``, one of its coordinators,
    in a fixed number of queries."""
    settings = session_settings_for(scheme)
    zone = ZoneInfo(settings.time_zone)
    funnel, mentors_applied, mentors_approved, active_now = _funnel(scheme)
    # No pair was ever matched: no pair can be at risk, and the scan is not run.
    at_risk, reasons, counted_at = (
        _at_risk(scheme, reader) if funnel[3].count else (0, [], timezone.now())
    )
    pairs = _pairs(scheme)
    months = _sessions_by_month(scheme, zone)
    pulse = _pulse(scheme, zone)
    ended_by, ended_stage, ended_early = _endings(scheme)
    board = Dashboard(
        scheme=scheme,
        zone=zone,
        funnel=funnel,
        mentors_applied=mentors_applied,
        mentors_approved=mentors_approved,
        active_now=active_now,
        at_risk_pairs=at_risk,
        at_risk_reasons=reasons,
        at_risk_counted_at=counted_at,
        months=months,
        sessions_held=sum(m.sessions for m in months),
        hours_held=round(sum(m.minutes for m in months) / 60, 1),
        started_pairs=len(pairs),
        pairs_three_sessions=sum(1 for pair in pairs if (pair["held"] or 0) >= 3),
        agreements_signed=sum(1 for pair in pairs if pair["first_signed"]),
        median_days_to_sign=_median_days(pairs),
        responses=_responses(scheme, pairs, zone, settings.follow_up_months),
        pulse=pulse,
        pulse_ratings=sum(p.ratings for p in pulse),
        ended_by=ended_by,
        ended_stage=ended_stage,
        ended_early=ended_early,
        mentor_load=_mentor_load(scheme),
    )
    board.charts = _charts(board)
    return board
