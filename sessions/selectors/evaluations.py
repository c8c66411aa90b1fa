"""When each evaluation is due, what it asks, what a mentee changed since their
baseline, and the evaluations' panels on the pages of a pair.

The milestones, for each person of the pair:

- baseline: from the start (the initiation stage); the mentee only, who rates
  themselves on the scheme's development areas. The mentor has no baseline.
- mid-point: from halfway between the start and the end date (the agreement in
  force's end date, else the end of the scheme's programme).
- end: once the pair is in the wind-up stage (or later).
- follow-up: ``follow_up_months`` after the final review, or after the end date when
  there is no final review.

A milestone is due while the mentorship is active; the follow-up stays open to the
mentor after the mentee's follow-up has completed the mentorship. Each person
completes each milestone once.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from agreements.models import AgreementVersion, default_end_date
from agreements.panels import Panel, PanelStep
from agreements.permissions import PairAccess
from matching.models import Mentorship
from sessions.models import Evaluation, FinalReview, SessionSettings
from sessions.selectors.settings import session_settings_for

__all__ = [
    "AreaChange",
    "EvaluationState",
    "MilestoneStatus",
    "Questions",
    "add_months",
    "area_changes",
    "change_summary",
    "evaluation_state",
    "evaluations_coordinator_panel",
    "evaluations_due",
    "evaluations_pair_panel",
    "pair_end_date",
    "questions_for",
]

Milestone = Evaluation.Milestone
Stage = Mentorship.Stage
MILESTONE_ORDER = (Milestone.BASELINE, Milestone.MID, Milestone.END, Milestone.FOLLOW_UP)
# The milestones at which the mentee rates themselves on the development areas.
AREA_MILESTONES = (Milestone.BASELINE, Milestone.END, Milestone.FOLLOW_UP)
# The milestones at which both rate the relationship and the scheme.
RELATIONSHIP_MILESTONES = (Milestone.MID, Milestone.END, Milestone.FOLLOW_UP)
LATE_STAGES = (Stage.WIND_UP, Stage.DISTANCE)


def add_months(day: date, months: int) -> date:
    """``day`` moved on ``months`` months: the same day of the month, or the month's
    last day when it has fewer days."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Questions:
    """What one person is asked at one milestone."""

    areas: tuple[str, ...]
    relationship: tuple[str, ...]

    @property
    def asks_relationship(self) -> bool:
        return bool(self.relationship)

    @property
    def is_empty(self) -> bool:
        return not self.areas and not self.relationship


def questions_for(
    milestone: str, role: str, *, development_areas: Any, settings: SessionSettings
) -> Questions:
    """The questions of ``milestone`` for ``role``: the development areas for the
    mentee at baseline, end and follow-up; the relationship statements (with the
    scheme's rating and the recommendation) for both at mid-point, end and follow-up."""
    areas = tuple(development_areas or ()) if role == "mentee" else ()
    return Questions(
        areas=areas if milestone in AREA_MILESTONES else (),
        relationship=tuple(settings.relationship_items or ())
        if milestone in RELATIONSHIP_MILESTONES
        else (),
    )


@dataclass(frozen=True)
class MilestoneStatus:
    """One milestone as one person stands with it."""

    milestone: str
    label: str
    applies: bool  # False: the mentor's baseline, which does not exist
    due_from: date | None  # None: from the wind-up stage (the end), or no date known
    is_due: bool  # may be completed now (and is not yet)
    done: Evaluation | None

    @property
    def when(self) -> str:
        """When it becomes due, in words, for a milestone not yet due."""
        if self.milestone == Milestone.END and self.due_from is None:
            return "when you reach the wind-up stage"
        if self.due_from is None:
            return "once your mentorship has an end date"
        return f"from {self.due_from.day} {self.due_from:%B} {self.due_from.year}"


@dataclass(frozen=True)
class EvaluationState:
    """Every milestone for one person of a pair, with the pair's final review."""

    role: str
    milestones: tuple[MilestoneStatus, ...]
    evaluations: tuple[Evaluation, ...]  # the pair's, both people's
    final_review: FinalReview | None
    settings: SessionSettings
    end_date: date | None

    def status(self, milestone: str) -> MilestoneStatus:
        return next(m for m in self.milestones if m.milestone == milestone)

    @property
    def due(self) -> list[MilestoneStatus]:
        return [m for m in self.milestones if m.is_due]

    def own(self, milestone: str) -> Evaluation | None:
        return self.status(milestone).done


def pair_end_date(mentorship: Mentorship) -> date | None:
    """The pair's end date: the agreement in force's, else the programme's."""
    agreed = (
        AgreementVersion.objects.filter(
            mentorship=mentorship,
            status=AgreementVersion.Status.IN_FORCE,
            end_date__isnull=False,
        )
        .values_list("end_date", flat=True)
        .first()
    )
    return agreed or default_end_date(mentorship)


def evaluation_state(
    mentorship: Mentorship, role: str, *, today: date | None = None
) -> EvaluationState:
    """Every milestone of ``mentorship`` for ``role`` ("mentee" or "mentor"): whether
    it applies, from when it is due, whether it is due now and the evaluation given.
    Reads in four queries whatever the pair has done. Days are the scheme's (its
    time zone), as the reminders count them."""
    evaluations = tuple(Evaluation.objects.filter(mentorship=mentorship).order_by("completed_at"))
    final_review = FinalReview.objects.filter(mentorship=mentorship).first()
    settings = session_settings_for(mentorship.scheme)
    zone = ZoneInfo(settings.time_zone)
    today = today or timezone.localdate(timezone=zone)
    end = pair_end_date(mentorship)
    start = timezone.localdate(mentorship.started_at, zone) if mentorship.started_at else None
    mine = {e.milestone: e for e in evaluations if e.role == role}
    active = mentorship.status == Mentorship.Status.ACTIVE

    due_from: dict[str, date | None] = {Milestone.BASELINE: start, Milestone.END: None}
    due_from[Milestone.MID] = (
        start + timedelta(days=(end - start).days // 2) if start and end else None
    )
    follow_base = timezone.localdate(final_review.completed_at, zone) if final_review else end
    due_from[Milestone.FOLLOW_UP] = (
        add_months(follow_base, settings.follow_up_months) if follow_base else None
    )

    statuses = []
    for milestone in MILESTONE_ORDER:
        applies = not (role == "mentor" and milestone == Milestone.BASELINE)
        done = mine.get(milestone)
        if milestone == Milestone.END:
            reached = mentorship.stage in LATE_STAGES
        else:
            day = due_from[milestone]
            reached = day is not None and day <= today
            if milestone == Milestone.FOLLOW_UP:
                # Asked for in the distance stage only, where giving it completes the
                # mentorship.
                reached = reached and mentorship.stage == Mentorship.Stage.DISTANCE
        # The mentee's follow-up completes the mentorship; the mentor may still give
        # theirs afterwards.
        open_now = active or (
            milestone == Milestone.FOLLOW_UP
            and mentorship.status == Mentorship.Status.COMPLETED
            and role == "mentor"
            and Milestone.FOLLOW_UP in {e.milestone for e in evaluations if e.role == "mentee"}
        )
        statuses.append(
            MilestoneStatus(
                milestone=milestone,
                label=Milestone(milestone).label,
                applies=applies,
                due_from=due_from[milestone],
                is_due=applies and done is None and reached and open_now,
                done=done,
            )
        )
    return EvaluationState(
        role=role,
        milestones=tuple(statuses),
        evaluations=evaluations,
        final_review=final_review,
        settings=settings,
        end_date=end,
    )


def evaluations_due(mentorship: Mentorship, role: str) -> list[str]:
    """The milestones ``role`` may complete now and has not."""
    return [status.milestone for status in evaluation_state(mentorship, role).due]


@dataclass(frozen=True)
class AreaChange:
    """The mentee's own ratings of one development area at baseline, end and
    follow-up, and the change from the baseline to the latest."""

    area: str
    baseline: int | None
    end: int | None
    follow_up: int | None

    @property
    def latest(self) -> int | None:
        return self.follow_up if self.follow_up is not None else self.end

    @property
    def change(self) -> int | None:
        if self.baseline is None or self.latest is None:
            return None
        return self.latest - self.baseline


def area_changes(state: EvaluationState, development_areas: Any) -> list[AreaChange]:
    """The mentee's change since baseline, one row per development area: the scheme's
    areas in its order, then any area rated earlier that the scheme has since dropped.
    Empty until the mentee has given a baseline."""
    given = {e.milestone: e.area_ratings for e in state.evaluations if e.role == "mentee"}
    if not given.get(Milestone.BASELINE):
        return []
    areas = list(development_areas or ())
    for milestone in AREA_MILESTONES:
        areas += [a for a in given.get(milestone, {}) if a not in areas]

    def rating(milestone: str, area: str) -> int | None:
        value = given.get(milestone, {}).get(area)
        return value if isinstance(value, int) else None

    return [
        AreaChange(
            area=area,
            baseline=rating(Milestone.BASELINE, area),
            end=rating(Milestone.END, area),
            follow_up=rating(Milestone.FOLLOW_UP, area),
        )
        for area in areas
    ]


def change_summary(changes: list[AreaChange]) -> str:
    """The change since baseline in one line: "Up in 3 areas, the same in 1, down in 0."."""
    counted = [c.change for c in changes if c.change is not None]
    if not counted:
        return ""
    up = sum(1 for c in counted if c > 0)
    same = sum(1 for c in counted if c == 0)
    down = sum(1 for c in counted if c < 0)

    def areas(n: int) -> str:
        return f"{n} area{'s' if n != 1 else ''}"

    return f"Since your baseline: up in {areas(up)}, the same in {same}, down in {down}."


# --- panels --------------------------------------------------------------------------


def evaluations_pair_panel(access: PairAccess) -> Panel | None:
    """The pair's page: what is due, a link to all evaluations and, for the mentee
    once they have an end evaluation, their change in one line; the steps to complete
    the baseline, write the final review (wind-up) and complete the follow-up."""
    mentorship = access.mentorship
    state = evaluation_state(mentorship, access.role)
    pk = mentorship.pk
    summary = ""
    if access.role == "mentee" and state.own(Milestone.END):
        summary = change_summary(area_changes(state, mentorship.scheme.development_areas))
    steps = []
    if state.status(Milestone.BASELINE).is_due:
        steps.append(
            PanelStep(
                "Complete the baseline evaluation",
                reverse("sessions:evaluation", kwargs={"pk": pk, "milestone": Milestone.BASELINE}),
            )
        )
    if access.can_change and mentorship.stage == Stage.WIND_UP and state.final_review is None:
        steps.append(
            PanelStep(
                "Write your final review", reverse("sessions:final_review", kwargs={"pk": pk})
            )
        )
    if mentorship.stage == Stage.DISTANCE and state.status(Milestone.FOLLOW_UP).is_due:
        steps.append(
            PanelStep(
                "Complete the follow-up",
                reverse("sessions:evaluation", kwargs={"pk": pk, "milestone": Milestone.FOLLOW_UP}),
            )
        )
    return Panel(
        template="sessions/evaluations/_pair_panel.html",
        context={"state": state, "summary": summary},
        steps=tuple(steps),
    )


def evaluations_coordinator_panel(mentorship: Mentorship, reader: Any) -> Panel | None:
    """The coordinators' page of a pair: which milestones each person completed and
    when. Never a rating or a comment."""
    rows = Evaluation.objects.filter(mentorship=mentorship).values_list(
        "role", "milestone", "completed_at"
    )
    done: dict[tuple[str, str], Any] = {(role, m): at for role, m, at in rows}
    table = [
        {
            "label": Milestone(milestone).label,
            "mentee": done.get(("mentee", milestone)),
            "mentor": done.get(("mentor", milestone)),
            "mentor_applies": milestone != Milestone.BASELINE,
        }
        for milestone in MILESTONE_ORDER
    ]
    final_at = (
        FinalReview.objects.filter(mentorship=mentorship)
        .values_list("completed_at", flat=True)
        .first()
    )
    return Panel(
        template="sessions/evaluations/_coordinator_panel.html",
        context={"rows": table, "final_review_at": final_at},
    )
