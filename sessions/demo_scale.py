"""A large scheme's pairs at work, written in bulk for benchmarks.

``seed_demo --scheme NAME --mentees N --mentors M`` fills a scheme with applications;
``pairs_at_work`` then pairs some of its approved mentees with its approved mentors and
gives each pair the history of a scheme's year: stage moves, sessions held (with an
agenda, a summary, actions and both people's pulses), a cancelled one now and then, the
next one planned, the early "is this pairing working?", the evaluations each milestone
has reached with believable change, and the final review of the pairs past the wind-up.

Nothing here goes through the services (the demo scheme's pairs do, in
``sessions.demo``): tens of thousands of rows are written with ``bulk_create`` in a fixed
number of queries whatever the size, each timestamp set as the story dates it. The
same seed gives the same history; running again pairs only mentees who have no
mentorship yet.
"""

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import models
from django.utils import timezone

from agreements.models import StageMove, default_end_date
from matching.models import Mentorship
from schemes.models import Application, Scheme
from sessions.models import (
    DEFAULT_RELATIONSHIP_ITEMS,
    Evaluation,
    FinalReview,
    MentoringSession,
    PairingCheck,
    Pulse,
    SessionAction,
    SessionFormat,
    SessionSettings,
)

BATCH = 500
Stage = Mentorship.Stage
Status = MentoringSession.Status
Milestone = Evaluation.Milestone

# Where a pair stands, in turn: (stage, or "completed"; days since it started).
STORIES: tuple[tuple[str, int], ...] = (
    (Stage.INITIATION, 9),
    (Stage.GOAL_SETTING, 38),
    (Stage.PROGRESS, 110),
    (Stage.PROGRESS, 230),
    (Stage.WIND_UP, 350),
    (Stage.DISTANCE, 385),
    (StageMove.COMPLETED, 480),
)
SIGNED_DAY, FIRST_SESSION_DAY, EVERY_DAYS = 12, 26, 21
WIND_UP_BEFORE_END, REVIEW_AFTER_END = 30, 5

AGENDAS = (
    {
        "since_last": "I sent the draft to my manager and had feedback I did not expect.",
        "situation": "A meeting where I lost my point when I was challenged.",
        "options": "Prepare the two questions I dread and my answers to them.",
    },
    {
        "since_last": "Both actions done; the team meeting went better than last month.",
        "situation": "A colleague keeps handing work back late.",
        "options": "Talk to them first, then agree deadlines in writing.",
    },
    {
        "since_last": "Busy month, only one action done.",
        "situation": "Deciding whether to apply for the acting-up post.",
        "options": "Speak to someone who has done the role; list what worries me.",
    },
)
SUMMARIES = (
    "We went through the feedback and agreed what to change before the next draft.",
    "We talked about handling challenge in meetings and rehearsed two hard questions.",
    "We looked at the acting-up post and what experience it asks for.",
    "A shorter session: we reviewed the targets and agreed the next steps.",
)
ACTIONS = (
    ("mentee", "Rewrite the summary page and share it before the next meeting"),
    ("mentee", "Ask my manager for ten minutes on my development plan"),
    ("mentor", "Introduce the mentee to a colleague in Finance"),
    ("mentee", "Keep a note of the meetings where I spoke up"),
    ("mentor", "Send the reading on managing change"),
)
CANCEL_REASONS = (
    "Called into an urgent meeting; offered the following week instead.",
    "Off sick; we moved it to the next free slot.",
)
FINAL_REVIEW = {
    "targets_met": "Most targets met: the main one done, one carried on after the scheme.",
    "enjoyed": "Having time away from the team to think, and honest feedback.",
    "difficult": "Keeping the meetings going through the busiest months.",
    "marking_end": "A coffee at the Council House and a last look at how far we came.",
}
COMMENTS = (
    "",
    "",
    "Useful to have someone outside my own service to think with.",
    "I would have liked to meet more often in the first months.",
)


@dataclass
class _Pair:
    mentorship: Mentorship
    ending: str  # the stage of its story, or "completed"
    start: datetime
    end: datetime
    rng: random.Random


def pairs_at_work(*, scheme: Scheme, pairs: int, seed: int) -> Counter:
    """Pair up to ``pairs`` of ``scheme``'s approved mentees who have no mentorship with
    approved mentors who have room, and write each pair's history, in bulk. Returns how
    many rows of each kind it made."""
    created: Counter[str] = Counter()
    now = timezone.now()
    approved = Application.objects.filter(scheme=scheme, status=Application.Status.APPROVED)
    taken = set(Mentorship.objects.filter(scheme=scheme).values_list("mentee_application_id"))
    mentees = [
        (pk, user_id)
        for pk, user_id in approved.filter(role="mentee").order_by("pk").values_list("pk", "user")
        if (pk,) not in taken
    ][: max(pairs, 0)]
    if not mentees:
        return created
    load = Counter(
        dict(
            Mentorship.objects.filter(scheme=scheme)
            .values_list("mentor_application")
            .annotate(n=models.Count("pk"))
            .order_by()
        )
    )
    places = [
        (pk, user_id)
        for pk, user_id, capacity in approved.filter(role="mentor")
        .order_by("pk")
        .values_list("pk", "user", "capacity")
        for _ in range(max((capacity or 1) - load[pk], 0))
    ]
    stored = SessionSettings.objects.filter(scheme=scheme).values_list("relationship_items").first()
    statements = stored[0] if stored else DEFAULT_RELATIONSHIP_ITEMS
    areas = list(scheme.development_areas)

    story_pairs: list[_Pair] = []
    for n, ((mentee_app, mentee), (mentor_app, mentor)) in enumerate(
        zip(mentees, places, strict=False)
    ):
        if mentee == mentor:
            continue
        ending, days = STORIES[(len(taken) + n) % len(STORIES)]
        rng = random.Random(f"{seed}-{mentee_app}")  # noqa: S311  (made-up data)
        start = now - timedelta(days=days + rng.randint(0, 6), hours=rng.randint(0, 8))
        mentorship = Mentorship(
            scheme=scheme,
            mentee_id=mentee,
            mentor_id=mentor,
            mentee_application_id=mentee_app,
            mentor_application_id=mentor_app,
            status=(
                Mentorship.Status.COMPLETED
                if ending == StageMove.COMPLETED
                else Mentorship.Status.ACTIVE
            ),
            stage=Stage.DISTANCE if ending == StageMove.COMPLETED else ending,
            respond_by=start + timedelta(days=scheme.response_days),
            mentee_response=Mentorship.Response.ACCEPTED,
            mentee_responded_at=start - timedelta(days=1),
            mentor_response=Mentorship.Response.ACCEPTED,
            mentor_responded_at=start,
            started_at=start,
        )
        end_date = default_end_date(mentorship) or start.date()
        end = datetime.combine(end_date, datetime.min.time(), tzinfo=start.tzinfo)
        story_pairs.append(_Pair(mentorship, ending, start, end, rng))
    Mentorship.objects.bulk_create([p.mentorship for p in story_pairs], batch_size=BATCH)
    created["mentorships"] = len(story_pairs)
    # Matched a few days before they started (created_at is stamped on insert).
    Mentorship.objects.filter(pk__in=[p.mentorship.pk for p in story_pairs]).update(
        created_at=models.F("started_at") - timedelta(days=3)
    )

    rows: dict[str, list[Any]] = {kind: [] for kind in ("moves", "sessions", "checks")}
    rows.update(evaluations=[], reviews=[])
    held_by_session: list[tuple[MentoringSession, _Pair]] = []
    for pair in story_pairs:
        held_by_session += [(session, pair) for session in _history(pair, now, rows)]
        _evaluations(pair, areas, statements, rows)

    StageMove.objects.bulk_create(rows["moves"], batch_size=BATCH)
    MentoringSession.objects.bulk_create(rows["sessions"], batch_size=BATCH)
    actions, pulses = [], []
    for session, pair in held_by_session:
        actions += _actions(session, pair, now)
        pulses += [
            Pulse(
                session=session,
                author_id=getattr(pair.mentorship, f"{role}_id"),
                role=role,
                usefulness=pair.rng.choice((2, 3, 3, 4, 4, 4)),
                recorded_at=session.starts_at + timedelta(hours=2),
            )
            for role in ("mentee", "mentor")
        ]
    SessionAction.objects.bulk_create(actions, batch_size=BATCH)
    Pulse.objects.bulk_create(pulses, batch_size=BATCH)
    PairingCheck.objects.bulk_create(rows["checks"], batch_size=BATCH)
    Evaluation.objects.bulk_create(rows["evaluations"], batch_size=BATCH)
    FinalReview.objects.bulk_create(rows["reviews"], batch_size=BATCH)

    # Stamped on insert: each row dated as the story has it.
    new = {"mentorship__in": [p.mentorship.pk for p in story_pairs]}
    MentoringSession.objects.filter(**new).update(
        created_at=models.F("starts_at") - timedelta(days=7), updated_at=models.F("starts_at")
    )
    held_on = models.Subquery(
        MentoringSession.objects.filter(pk=models.OuterRef("session_id")).values("starts_at")[:1]
    )
    SessionAction.objects.filter(**new).update(created_at=held_on, updated_at=held_on)
    Evaluation.objects.filter(**new).update(
        created_at=models.F("completed_at"), updated_at=models.F("completed_at")
    )
    FinalReview.objects.filter(**new).update(
        created_at=models.F("completed_at"), updated_at=models.F("completed_at")
    )
    created.update(
        stage_moves=len(rows["moves"]),
        sessions=len(rows["sessions"]),
        actions=len(actions),
        pulses=len(pulses),
        pairing_checks=len(rows["checks"]),
        evaluations=len(rows["evaluations"]),
        final_reviews=len(rows["reviews"]),
    )
    return created


def _move(pair: _Pair, to_stage: str, when: datetime, by_pair: bool) -> StageMove:
    mentorship = pair.mentorship
    return StageMove(
        mentorship=mentorship,
        from_stage="",
        to_stage=to_stage,
        kind=StageMove.Kind.PAIR if by_pair else StageMove.Kind.AUTOMATIC,
        moved_by_id=mentorship.mentee_id if by_pair else None,
        moved_at=when,
    )


def _history(pair: _Pair, now: datetime, rows: dict[str, list[Any]]) -> list[MentoringSession]:
    """The pair's stage moves, sessions and pairing checks; returns the held sessions."""
    mentorship, start, end, rng = pair.mentorship, pair.start, pair.end, pair.rng
    order = [*Stage.values, StageMove.COMPLETED]
    reached = order.index(pair.ending)
    review_at = end + timedelta(days=REVIEW_AFTER_END, hours=3)
    moments = [
        start + timedelta(days=SIGNED_DAY),
        start + timedelta(days=FIRST_SESSION_DAY, hours=2),
        end - timedelta(days=WIND_UP_BEFORE_END),
        review_at,
        # The mentee's follow-up, three months after the final review, completes it.
        review_at + timedelta(days=95, hours=2),
    ]
    stage: str = Stage.INITIATION
    for index, when in enumerate(moments[:reached], start=1):
        move = _move(pair, order[index], when, by_pair=index in (1, 3))
        move.from_stage = stage
        stage = order[index]
        rows["moves"].append(move)
    if pair.ending == StageMove.COMPLETED:
        mentorship.ended_at = moments[-1]

    sessions: list[MentoringSession] = []
    held: list[MentoringSession] = []
    if reached < order.index(Stage.PROGRESS):
        # Not met yet: the first meeting is in the diary.
        first = now + timedelta(days=rng.randint(3, 12))
        sessions.append(_session(pair, first, Status.PLANNED))
    else:
        last_day = min(now, end + timedelta(days=REVIEW_AFTER_END))
        when = start + timedelta(days=FIRST_SESSION_DAY, hours=2)
        while when < last_day:
            cancelled = bool(held) and rng.random() < 0.12
            session = _session(pair, when, Status.CANCELLED if cancelled else Status.HELD)
            sessions.append(session)
            if not cancelled:
                held.append(session)
            when += timedelta(days=EVERY_DAYS + rng.randint(-3, 5))
        if pair.ending in (Stage.PROGRESS, Stage.WIND_UP):
            sessions.append(
                _session(pair, now + timedelta(days=rng.randint(2, 20)), Status.PLANNED)
            )
        for role in ("mentee", "mentor"):
            rows["checks"].append(
                PairingCheck(
                    mentorship=mentorship,
                    author_id=getattr(mentorship, f"{role}_id"),
                    role=role,
                    working=rng.random() > 0.03,
                    answered_at=held[0].starts_at + timedelta(days=1),
                )
            )
    if reached >= order.index(Stage.DISTANCE):
        rows["reviews"].append(
            FinalReview(
                mentorship=mentorship,
                written_by_id=mentorship.mentee_id,
                completed_at=review_at,
                **FINAL_REVIEW,
            )
        )
    rows["sessions"] += sessions
    return held


def _session(pair: _Pair, when: datetime, status: str) -> MentoringSession:
    mentorship, rng = pair.mentorship, pair.rng
    session = MentoringSession(
        mentorship=mentorship,
        starts_at=when.replace(minute=0, second=0, microsecond=0),
        duration_minutes=rng.choice((45, 60, 60, 60, 90)),
        format=rng.choice(SessionFormat.values),
        place="",
        status=status,
        created_by_id=mentorship.mentee_id,
    )
    if session.format == SessionFormat.IN_PERSON:
        session.place = "Council House, meeting room 2"
    if status == Status.HELD:
        session.agenda = dict(rng.choice(AGENDAS))
        session.summary = rng.choice(SUMMARIES)
        session.summary_by_id = rng.choice((mentorship.mentee_id, mentorship.mentor_id))
    elif status == Status.CANCELLED:
        session.cancelled_by_id = mentorship.mentor_id
        session.cancelled_at = session.starts_at - timedelta(days=1)
        session.cancel_reason = rng.choice(CANCEL_REASONS)
    return session


def _actions(session: MentoringSession, pair: _Pair, now: datetime) -> list[SessionAction]:
    due = (session.starts_at + timedelta(days=14)).date()
    actions = []
    for owner, text in pair.rng.sample(ACTIONS, 2 if pair.rng.random() < 0.4 else 1):
        # Done by the due date, unless it is still to come.
        done = due < now.date() and pair.rng.random() < 0.85
        actions.append(
            SessionAction(
                session=session,
                mentorship=pair.mentorship,
                owner=owner,
                text=text,
                due_on=due,
                done=done,
                done_at=_at(due) if done else None,
            )
        )
    return actions


def _at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=timezone.get_current_timezone())


def _evaluations(
    pair: _Pair, areas: list[str], statements: list[str], rows: dict[str, list[Any]]
) -> None:
    """The milestones the pair's story has reached: the mentee's own ratings rise from
    baseline to the end, most of the gain holding at the follow-up."""
    mentorship, start, end, rng = pair.mentorship, pair.start, pair.end, pair.rng
    order = [*Stage.values, StageMove.COMPLETED]
    reached = order.index(pair.ending)
    now = timezone.now()
    baseline = {area: rng.choice((1, 2, 2, 3, 3, 3, 4)) for area in areas}
    at_end = {
        area: min(5, rating + rng.choice((0, 1, 1, 1, 2))) for area, rating in baseline.items()
    }
    later = {
        area: max(baseline[area], rating - (rng.random() < 0.2)) for area, rating in at_end.items()
    }
    review_at = end + timedelta(days=REVIEW_AFTER_END, hours=3)
    milestones: list[tuple[str, datetime, dict[str, int]]] = [
        (Milestone.BASELINE, start + timedelta(days=6), baseline)
    ]
    mid_at = start + (end - start) / 2 + timedelta(days=4)
    if mid_at < now:
        milestones.append((Milestone.MID, mid_at, {}))
    if reached >= order.index(Stage.WIND_UP):
        milestones.append((Milestone.END, end - timedelta(days=WIND_UP_BEFORE_END - 6), at_end))
    if reached == order.index(StageMove.COMPLETED):
        milestones.append((Milestone.FOLLOW_UP, review_at + timedelta(days=95), later))
    for milestone, when, ratings in milestones:
        for role in ("mentee", "mentor"):
            if milestone == Milestone.BASELINE and role == "mentor":
                continue
            evaluation = Evaluation(
                mentorship=mentorship,
                respondent_id=getattr(mentorship, f"{role}_id"),
                role=role,
                milestone=milestone,
                completed_at=when + timedelta(hours=2 if role == "mentee" else 1),
            )
            if role == "mentee":
                evaluation.area_ratings = dict(ratings)
            if milestone != Milestone.BASELINE:
                evaluation.relationship_ratings = {
                    statement: rng.choice((3, 4, 4, 5, 5)) for statement in statements
                }
                evaluation.scheme_rating = rng.choice((3, 4, 4, 5, 5))
                evaluation.would_recommend = rng.random() < 0.9
                evaluation.comments = rng.choice(COMMENTS)
            rows["evaluations"].append(evaluation)
