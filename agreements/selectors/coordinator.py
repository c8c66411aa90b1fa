"""Reads for the scheme's coordinators: the pairs of a scheme with their dates, stage,
whether the agreement is signed and counts, one pair in the same terms, and the concerns
sent to them.

These functions never load the text a pair wrote (the agreement's fields, a goal's why
and success criteria, targets, progress comments): they read statuses, dates, numbers
and counts only, so a coordinator's page cannot show that text by mistake. The one
exception is the title of a goal the pair chose to share, with its ratings.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from agreements.models import (
    AgreementVersion,
    Concern,
    Goal,
    PairSettings,
    ProgressEntry,
    Signature,
    StageMove,
    Target,
    default_end_date,
)
from agreements.permissions import concerns_readable_by
from agreements.selectors.stages import stage_moves
from matching.models import Mentorship
from schemes.models import Scheme
from schemes.selectors import Tally

__all__ = [
    "PAIR_STATUSES",
    "ConcernCounts",
    "PairAgreement",
    "PairCounts",
    "PairOverview",
    "PairRow",
    "SharedGoal",
    "SharedRating",
    "StageMoveRow",
    "pair_counts",
    "pair_overview",
    "pair_rows",
    "pair_settings_for",
    "scheme_concern_counts",
    "scheme_concern_list",
    "scheme_pair_list",
    "stage_history",
]

Stage = Mentorship.Stage

# The statuses of a mentorship that has started: the coordinators' list of pairs.
PAIR_STATUSES = (
    Mentorship.Status.ACTIVE,
    Mentorship.Status.COMPLETED,
    Mentorship.Status.ENDED,
)


def _count(queryset: QuerySet, outer: str = "mentorship") -> Coalesce:
    """A correlated count of ``queryset``'s rows whose ``outer`` is the row's
    mentorship: one subquery, so that several counts never multiply each other."""
    counted = queryset.filter(**{outer: OuterRef("pk")}).order_by().values(outer)
    return Coalesce(
        Subquery(counted.annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
        Value(0),
    )


def scheme_pair_list(
    scheme: Scheme, *, reader: Any, stage: str = "", status: str = ""
) -> QuerySet[Mentorship]:
    """``scheme``'s mentorships that have started (active, completed, ended early), the
    latest start first, with both people and, in the same query, the agreement in
    force (number, since, end date), whether a draft waits, and the counts of goals,
    targets (done and all) and open concerns (those ``reader`` may read). Only
    ``stage`` / ``status`` when given."""
    in_force = AgreementVersion.objects.filter(
        mentorship=OuterRef("pk"), status=AgreementVersion.Status.IN_FORCE
    )
    targets = Target.objects.all()
    pairs = (
        Mentorship.objects.filter(scheme=scheme, status__in=PAIR_STATUSES, started_at__isnull=False)
        .select_related("scheme", "mentee", "mentor")
        .annotate(
            in_force_number=Subquery(in_force.values("number")[:1]),
            in_force_at=Subquery(in_force.values("in_force_at")[:1]),
            in_force_end=Subquery(in_force.values("end_date")[:1]),
            has_draft=Exists(
                AgreementVersion.objects.filter(
                    mentorship=OuterRef("pk"), status=AgreementVersion.Status.DRAFT
                )
            ),
            goal_count=_count(Goal.objects.all()),
            target_count=_count(targets, "goal__mentorship"),
            target_done=_count(targets.filter(status=Target.Status.DONE), "goal__mentorship"),
            open_concerns=_count(concerns_readable_by(reader).filter(status=Concern.Status.OPEN)),
        )
    )
    if stage:
        pairs = pairs.filter(stage=stage)
    if status:
        pairs = pairs.filter(status=status)
    return pairs.order_by("-started_at", "-pk")


@dataclass(frozen=True)
class PairRow:
    """A row of the coordinators' list of pairs: the mentorship, its end date (the
    agreement in force's, else the programme's), and its agreement and counts."""

    mentorship: Mentorship
    end_date: date | None
    in_force_number: int | None
    in_force_at: datetime | None
    has_draft: bool
    goal_count: int
    target_count: int
    target_done: int
    open_concerns: int


def pair_rows(mentorships: Any) -> list[PairRow]:
    """Rows for mentorships that came from ``scheme_pair_list`` (read from its
    annotations: no further query)."""
    return [
        PairRow(
            mentorship=m,
            end_date=m.in_force_end or default_end_date(m),
            in_force_number=m.in_force_number,
            in_force_at=m.in_force_at,
            has_draft=m.has_draft,
            goal_count=m.goal_count,
            target_count=m.target_count,
            target_done=m.target_done,
            open_concerns=m.open_concerns,
        )
        for m in mentorships
    ]


@dataclass(frozen=True)
class PairCounts:
    """The scheme hub's figures on pairs: active pairs by stage, how many of them have
    an agreement in force, and the open concerns."""

    active: int
    by_stage: list[Tally]
    in_force: int
    open_concerns: int


def pair_counts(scheme: Scheme, *, reader: Any) -> PairCounts:
    """The figures of ``scheme``'s pairs for its hub, in one query; the open concerns
    are those ``reader`` may read."""
    signed = AgreementVersion.objects.filter(
        mentorship=OuterRef("pk"), status=AgreementVersion.Status.IN_FORCE
    )
    active = Q(status=Mentorship.Status.ACTIVE)
    # Joined to the concerns, a mentorship may appear on several rows: count it once.
    figures = (
        Mentorship.objects.filter(scheme=scheme)
        .annotate(signed=Exists(signed))
        .aggregate(
            active=Count("pk", filter=active, distinct=True),
            in_force=Count("pk", filter=active & Q(signed=True), distinct=True),
            open_concerns=Count(
                "concerns",
                filter=Q(concerns__status=Concern.Status.OPEN)
                & ~Q(mentee=reader)
                & ~Q(mentor=reader),
                distinct=True,
            ),
            **{
                value: Count("pk", filter=active & Q(stage=value), distinct=True)
                for value, _ in Stage.choices
            },
        )
    )
    return PairCounts(
        active=figures["active"],
        by_stage=[Tally(value, label, figures[value]) for value, label in Stage.choices],
        in_force=figures["in_force"],
        open_concerns=figures["open_concerns"],
    )


@dataclass(frozen=True)
class PairAgreement:
    """Where a pair's agreement stands, without a word of it: the version in force
    (number and since when), and a draft waiting for signatures with how many of the
    two have signed its current text."""

    in_force_number: int | None
    in_force_at: datetime | None
    in_force_end: date | None
    draft_number: int | None
    draft_signed: int
    version_count: int

    @property
    def is_signed(self) -> bool:
        return self.in_force_number is not None


@dataclass(frozen=True)
class SharedRating:
    rating: int
    recorded_at: datetime


@dataclass(frozen=True)
class SharedGoal:
    """A goal the pair shared with the coordinators: its title and its ratings with
    their dates, and nothing else of it."""

    pk: int
    title: str
    ratings: list[SharedRating]


@dataclass(frozen=True)
class PairOverview:
    """What a coordinator may know of one pair."""

    mentorship: Mentorship
    end_date: date | None
    agreement: PairAgreement
    goal_total: int
    goals_by_status: list[Tally]
    target_total: int
    target_done: int
    target_dropped: int
    shared_goals: list[SharedGoal]
    concerns: list[Concern]


def _agreement(mentorship: Mentorship) -> PairAgreement:
    versions = list(
        AgreementVersion.objects.filter(mentorship=mentorship)
        .order_by("number")
        .values("pk", "number", "status", "in_force_at", "end_date", "content_hash")
    )
    in_force = next((v for v in versions if v["status"] == AgreementVersion.Status.IN_FORCE), None)
    draft = next((v for v in versions if v["status"] == AgreementVersion.Status.DRAFT), None)
    signed = 0
    if draft is not None:
        # Only signatures on the draft's current text count.
        signed = (
            Signature.objects.filter(version_id=draft["pk"], content_hash=draft["content_hash"])
            .values("role")
            .distinct()
            .count()
        )
    return PairAgreement(
        in_force_number=in_force["number"] if in_force else None,
        in_force_at=in_force["in_force_at"] if in_force else None,
        in_force_end=in_force["end_date"] if in_force else None,
        draft_number=draft["number"] if draft else None,
        draft_signed=signed,
        version_count=len(versions),
    )


def pair_overview(mentorship: Mentorship, *, reader: Any) -> PairOverview:
    """``mentorship`` as its coordinators see it: dates, its agreement's state, counts
    of goals and targets, the shared goals' titles and ratings, and the concerns raised
    about it. Reads no field of the pair's own text but a shared goal's title."""
    agreement = _agreement(mentorship)
    goal_figures = Goal.objects.filter(mentorship=mentorship).aggregate(
        total=Count("pk"),
        **{value: Count("pk", filter=Q(status=value)) for value, _ in Goal.Status.choices},
    )
    target_figures = Target.objects.filter(goal__mentorship=mentorship).aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=Target.Status.DONE)),
        dropped=Count("pk", filter=Q(status=Target.Status.DROPPED)),
    )
    shared = list(
        Goal.objects.filter(mentorship=mentorship, shared_with_coordinator=True)
        .order_by("created_at", "pk")
        .values("pk", "title")
    )
    ratings: dict[int, list[SharedRating]] = {goal["pk"]: [] for goal in shared}
    for goal_id, rating, recorded_at in (
        ProgressEntry.objects.filter(goal_id__in=ratings)
        .order_by("recorded_at", "pk")
        .values_list("goal_id", "rating", "recorded_at")
    ):
        ratings[goal_id].append(SharedRating(rating, recorded_at))
    concerns = list(
        concerns_readable_by(reader)
        .filter(mentorship=mentorship)
        .select_related("raised_by")
        .defer("text", "action")
        .order_by(_open_first(), "-created_at", "-pk")
    )
    return PairOverview(
        mentorship=mentorship,
        end_date=agreement.in_force_end or default_end_date(mentorship),
        agreement=agreement,
        goal_total=goal_figures["total"],
        goals_by_status=[
            Tally(value, label, goal_figures[value]) for value, label in Goal.Status.choices
        ],
        target_total=target_figures["total"],
        target_done=target_figures["done"],
        target_dropped=target_figures["dropped"],
        shared_goals=[
            SharedGoal(
                pk=goal["pk"],
                title=goal["title"],
                ratings=ratings[goal["pk"]],
            )
            for goal in shared
        ],
        concerns=concerns,
    )


def _open_first() -> Case:
    return Case(When(status=Concern.Status.OPEN, then=Value(0)), default=Value(1))


def scheme_concern_list(scheme: Scheme, *, reader: Any, status: str = "") -> QuerySet[Concern]:
    """The concerns raised about ``scheme``'s pairs that ``reader`` may read, open ones
    first, then the newest, with the pair and who raised it, in one query; only
    ``status`` when given."""
    concerns = (
        concerns_readable_by(reader)
        .filter(mentorship__scheme=scheme)
        .select_related(
            "mentorship__scheme", "mentorship__mentee", "mentorship__mentor", "raised_by"
        )
    )
    if status:
        concerns = concerns.filter(status=status)
    return concerns.defer("text", "action").order_by(_open_first(), "-created_at", "-pk")


@dataclass(frozen=True)
class ConcernCounts:
    total: int
    open: int
    resolved: int


def scheme_concern_counts(scheme: Scheme, *, reader: Any) -> ConcernCounts:
    """How many concerns about ``scheme``'s pairs that ``reader`` may read are open and
    resolved, in one query."""
    figures = (
        concerns_readable_by(reader)
        .filter(mentorship__scheme=scheme)
        .aggregate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status=Concern.Status.OPEN)),
            resolved=Count("pk", filter=Q(status=Concern.Status.RESOLVED)),
        )
    )
    return ConcernCounts(**figures)


def pair_settings_for(scheme: Scheme) -> PairSettings:
    """``scheme``'s pair settings; the defaults (unsaved) until a coordinator saves
    them, which is what ``stages_wind_up_due`` uses too."""
    return PairSettings.objects.filter(scheme=scheme).first() or PairSettings(scheme=scheme)


@dataclass(frozen=True)
class StageMoveRow:
    """A recorded move with its stages in words."""

    move: StageMove
    from_label: str
    to_label: str


def _stage_label(value: str) -> str:
    if value == StageMove.COMPLETED:
        return "Completed"
    return str(Stage(value).label) if value in Stage.values else value


def stage_history(mentorship: Mentorship) -> list[StageMoveRow]:
    """Every move of ``mentorship`` between stages, oldest first, with who made it and
    the stages named as the pages name them."""
    return [
        StageMoveRow(move, _stage_label(move.from_stage), _stage_label(move.to_stage))
        for move in stage_moves(mentorship)
    ]
