"""Reads of the pair's page: where their agreement stands, their goals with what is
done, the record of their stage moves, the concerns the viewer raised, and the next
things this person has to do.

``pair_overview`` reads it all in a fixed number of queries, whatever the number of
goals, targets, progress entries or moves.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from agreements.models import (
    MAX_GOALS,
    Concern,
    Goal,
    PairSettings,
    ProgressEntry,
    StageMove,
    Target,
    default_end_date,
)
from agreements.permissions import PairAccess
from agreements.selectors.agreement import AgreementState, agreement_state
from agreements.selectors.stages import stage_moves
from matching.models import Mentorship

__all__ = [
    "DUE_SOON_DAYS",
    "PROGRESS_EVERY_WEEKS",
    "GoalSummary",
    "NextStep",
    "PairOverview",
    "StageMoveRow",
    "pair_overview",
    "stage_label",
]

# A target due within this many days (or overdue) is on the person's list.
DUE_SOON_DAYS = 7
# A goal with targets and no progress recorded for this long is on the list.
PROGRESS_EVERY_WEEKS = 4

Stage = Mentorship.Stage
_LABELS = {**dict(Stage.choices), StageMove.COMPLETED: "Completed"}


def stage_label(value: str) -> str:
    """A stage (or "completed") in words, as a move records it."""
    return str(_LABELS.get(value, value))


@dataclass(frozen=True)
class NextStep:
    """One thing for the viewer to do next, and where they do it."""

    text: str
    url: str


@dataclass(frozen=True)
class GoalSummary:
    """A goal as the pair's page lists it: its targets done of those not dropped, its
    open targets, and its latest progress rating (None before any)."""

    goal: Goal
    targets_done: int
    targets_total: int
    open_targets: list[Target]
    latest: ProgressEntry | None

    @property
    def latest_rating(self) -> int | None:
        return self.latest.rating if self.latest else None


@dataclass(frozen=True)
class StageMoveRow:
    """A recorded move, in words: from, to, when, and who made it."""

    from_label: str
    to_label: str
    moved_at: datetime
    by: str


@dataclass(frozen=True)
class PairOverview:
    """Everything the pair's page shows for one of the pair."""

    access: PairAccess
    agreement: AgreementState
    goals: list[GoalSummary]
    moves: list[StageMoveRow]
    concerns: list[Concern]
    wind_up_weeks: int
    end_date: date | None
    next_steps: list[NextStep] = field(default_factory=list)

    @property
    def goals_counted(self) -> int:
        """Goals that count towards the limit of one per objective: those not dropped."""
        return sum(1 for g in self.goals if g.goal.status != Goal.Status.DROPPED)

    @property
    def can_add_goal(self) -> bool:
        return self.access.can_change and self.goals_counted < MAX_GOALS

    @property
    def wind_up_on(self) -> date | None:
        """The day the product moves the pair to the wind-up on its own."""
        return self.end_date - timedelta(weeks=self.wind_up_weeks) if self.end_date else None


def _url(name: str, access: PairAccess, **kwargs: int) -> str:
    return reverse(f"agreements:{name}", kwargs={"pk": access.mentorship.pk, **kwargs})


def _goal_summaries(mentorship: Mentorship) -> list[GoalSummary]:
    goals = Goal.objects.filter(mentorship=mentorship).prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("due_on", "pk")),
        Prefetch("progress", queryset=ProgressEntry.objects.order_by("recorded_at", "pk")),
    )
    summaries = []
    for goal in goals:
        targets = [t for t in goal.targets.all() if t.status != Target.Status.DROPPED]
        progress = list(goal.progress.all())
        summaries.append(
            GoalSummary(
                goal=goal,
                targets_done=sum(1 for t in targets if t.status == Target.Status.DONE),
                targets_total=len(targets),
                open_targets=[t for t in targets if t.status == Target.Status.OPEN],
                latest=progress[-1] if progress else None,
            )
        )
    return summaries


def _move_rows(mentorship: Mentorship) -> list[StageMoveRow]:
    rows = []
    for move in stage_moves(mentorship):
        if move.kind == StageMove.Kind.AUTOMATIC:
            by = "By the product"
        elif move.kind == StageMove.Kind.CORRECTION:
            name = move.moved_by.display_name if move.moved_by else "a coordinator"
            by = f"Corrected by {name}"
        else:
            by = move.moved_by.display_name if move.moved_by else "One of you"
        rows.append(
            StageMoveRow(
                from_label=stage_label(move.from_stage),
                to_label=stage_label(move.to_stage),
                moved_at=move.moved_at,
                by=by,
            )
        )
    return rows


def _agreement_steps(access: PairAccess, state: AgreementState) -> list[NextStep]:
    other = access.other.get_short_name()
    if not state.versions:
        return [
            NextStep(
                f"Write your agreement with {other}: start with why you are doing this and "
                "what success will look like.",
                _url("agreement_edit", access),
            )
        ]
    draft = state.draft
    if draft is None:
        return []
    if not (draft.purpose and draft.success):
        return [
            NextStep(
                "Finish the draft of your agreement: it needs its purpose and what success "
                "will look like before you can sign it.",
                _url("agreement_edit", access),
            )
        ]
    if state.has_signed(access.role):
        return [
            NextStep(
                f"Wait for {other} to sign version {draft.number} of your agreement.",
                _url("agreement", access),
            )
        ]
    if state.stale_signers(access.role):
        return [
            NextStep(
                f"The agreement changed after you signed it: read version {draft.number} as it "
                "is now and sign again.",
                _url("agreement", access),
            )
        ]
    return [
        NextStep(
            f"Read version {draft.number} of your agreement and sign it.",
            _url("agreement", access),
        )
    ]


def _goal_steps(
    access: PairAccess, state: AgreementState, goals: list[GoalSummary], today: date
) -> list[NextStep]:
    steps = []
    counted = sum(1 for g in goals if g.goal.status != Goal.Status.DROPPED)
    objectives = len(state.in_force.objectives or []) if state.in_force else 0
    if state.in_force and counted < min(objectives, MAX_GOALS):
        steps.append(
            NextStep(
                f"Add a goal for each objective of your agreement: you have {counted} "
                f"of {objectives}.",
                _url("goal_create", access),
            )
        )
    since = timezone.now() - timedelta(weeks=PROGRESS_EVERY_WEEKS)
    for summary in goals:
        goal = summary.goal
        if goal.status != Goal.Status.ACTIVE:
            continue
        if not summary.open_targets:
            steps.append(
                NextStep(
                    f"Set targets for the goal “{goal.title}”.",
                    _url("target_create", access, goal=goal.pk),
                )
            )
        elif summary.latest is None or summary.latest.recorded_at < since:
            steps.append(
                NextStep(
                    f"Record progress on the goal “{goal.title}”: nothing recorded in the "
                    f"last {PROGRESS_EVERY_WEEKS} weeks.",
                    _url("goal", access, goal=goal.pk),
                )
            )
        for target in summary.open_targets:
            if target.due_on < today:
                text = (
                    f"The target “{target.what}” was due on {target.due_on:%-d %B %Y}: "
                    "mark it done, or change or drop it."
                )
            elif target.due_on <= today + timedelta(days=DUE_SOON_DAYS):
                text = f"The target “{target.what}” is due on {target.due_on:%-d %B %Y}."
            else:
                continue
            steps.append(NextStep(text, _url("goal", access, goal=goal.pk)))
    return steps


def _stage_steps(access: PairAccess, goals: list[GoalSummary]) -> list[NextStep]:
    stage = access.mentorship.stage
    here = _url("pair", access) + "#stage-move"
    if stage == Stage.GOAL_SETTING and any(g.open_targets for g in goals):
        return [
            NextStep("When you have held your first session, move on to the progress stage.", here)
        ]
    if stage == Stage.WIND_UP:
        return [
            NextStep(
                "Review what you set out to do, celebrate what you achieved and plan how "
                "your mentoring ends; then mark the wind-up complete.",
                here,
            )
        ]
    if stage == Stage.DISTANCE:
        return [
            NextStep(
                "Keep in touch informally; after your follow-up, complete the mentorship.", here
            )
        ]
    return []


def pair_overview(access: PairAccess, *, today: date | None = None) -> PairOverview:
    """The pair's page for the viewer of ``access``: the agreement, goals, moves, their
    own concerns and their next steps, in a fixed number of queries."""
    today = today or timezone.localdate()
    mentorship = access.mentorship
    state = agreement_state(mentorship)
    goals = _goal_summaries(mentorship)
    settings = PairSettings.objects.filter(scheme_id=mentorship.scheme_id).first()
    wind_up_weeks = (
        settings.wind_up_weeks
        if settings
        else PairSettings._meta.get_field("wind_up_weeks").get_default()
    )
    in_force_end = state.in_force.end_date if state.in_force else None
    steps: list[NextStep] = []
    if access.can_change:
        steps = [
            *_agreement_steps(access, state),
            *_goal_steps(access, state, goals, today),
            *_stage_steps(access, goals),
        ]
    return PairOverview(
        access=access,
        agreement=state,
        goals=goals,
        moves=_move_rows(mentorship),
        # The viewer's own: a concern is between its author and the coordinators.
        concerns=list(Concern.objects.filter(mentorship=mentorship, role=access.role)),
        wind_up_weeks=wind_up_weeks,
        end_date=in_force_end or default_end_date(mentorship),
        next_steps=steps,
    )
