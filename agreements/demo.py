"""The demo's pairs at work: agreements, goals, progress, stages and one open concern.

``seed_demo`` calls ``seed_agreements`` after ``matching.demo`` has made the demo's
active mentorships. Everything goes through the real services, as the pair would have
done it, and each step is then dated back to when it happened in the demo's story, so
the pages read as a year of a scheme rather than one second of it:

- the demo mentee and the demo mentor, four months in and at the progress stage:
  version 1 of their agreement signed by both and replaced, version 2 signed by both and
  in force, version 3 changed by the mentor and signed by nobody yet; two goals with
  SMART targets (one target done), one goal's progress rated six times from 3 to 7 and
  shared with the coordinators;
- the other active pairs, one in each stage: started a little over two weeks ago, with
  a draft agreement nobody has signed yet (initiation); agreement signed, setting
  targets (goal setting); near the end date (wind-up); past it, keeping in touch
  (distance); and one completed;
- one open concern, from the mentee of the goal-setting pair about cancelled meetings.

It runs once: when the scheme has any agreement it changes nothing.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from agreements.models import (
    AgreementVersion,
    ArrangedBy,
    Concern,
    Goal,
    ProgressEntry,
    Signature,
    StageMove,
    Target,
    default_end_date,
)
from agreements.services.agreement import agreement_draft_save, agreement_sign
from agreements.services.concerns import concern_raise
from agreements.services.goals import (
    goal_create,
    goal_share,
    progress_record,
    target_create,
    target_set_status,
)
from agreements.services.stages import stage_advance
from matching.models import Mentorship
from schemes.models import Scheme

Stage = Mentorship.Stage

# The demo mentee's and mentor's agreement, version 1 as the mentee drafted it.
OUR_AGREEMENT: dict[str, Any] = {
    "purpose": (
        "Sam wants to move from running projects to leading a small team within the next "
        "year, and to feel ready to make the case for it. We meet to think that through "
        "together, away from the pressure of day-to-day work."
    ),
    "success": (
        "By the end Sam has led a piece of work with colleagues reporting to them, has "
        "had a development conversation with their manager about a team leader role, and "
        "can describe their own way of leading in their own words."
    ),
    "objectives": [
        "Lead a piece of work with a small team and learn from it",
        "Present with confidence to a senior audience",
        "Build a network beyond my own department",
    ],
    "help_asked": (
        "Honest feedback on how I come across in meetings; help preparing for a "
        "presentation to the directorate management team; ideas on who to talk to in "
        "other services."
    ),
    "help_offered": (
        "Time to listen and ask questions; my own experience of stepping up to manage a "
        "team; introductions to colleagues in Finance and in Housing; reading a draft or "
        "watching a rehearsal before a big presentation."
    ),
    "mentor_will_not": (
        "Speak to Sam's manager on Sam's behalf, or take part in any recruitment or "
        "promotion decision about Sam."
    ),
    "confidentiality": (
        "What we discuss stays between us: neither of us repeats it to managers or "
        "colleagues without the other's agreement. The only exception is a risk of serious "
        "harm to someone, or a breach of the law or of council policy, and we would talk "
        "about it together first wherever we could."
    ),
    "meeting_frequency": "Every three weeks, for an hour",
    "meeting_format": (
        "Face to face in a meeting room at the Council House, away from both our teams; "
        "on Teams when one of us works from home"
    ),
    "arranged_by": ArrangedBy.MENTEE,
    "cancellations": (
        "Whoever has to cancel gives a day's notice by e-mail or Teams and offers another "
        "time within the week. If two meetings in a row fall through, we talk about "
        "whether the time still suits us."
    ),
    "review": "We look back at our goals at the start of every third meeting.",
    "planned_sessions": 10,
}

# Version 2, by the mentee after six weeks: they meet more often at first.
OUR_SECOND_CHANGE: dict[str, Any] = {
    "meeting_frequency": "Every fortnight for the first three months, then monthly",
    "planned_sessions": 12,
}

# Version 3, by the mentor four months in: a better review and an offer to shadow them.
OUR_THIRD_CHANGE: dict[str, Any] = {
    "help_offered": (
        OUR_AGREEMENT["help_offered"]
        + " A chance to shadow me at a budget-setting meeting, to see how decisions are "
        "argued at that level."
    ),
    "review": (
        "At the start of every third meeting we rate our progress on each goal out of 10 "
        "and say why. Half-way through, we read this agreement again and change what no "
        "longer fits."
    ),
}

# (when, in days after the start, rating, "mentee" or "mentor", comment)
OUR_PROGRESS = [
    (24, 3, "mentee", "I have an idea for the project but have not raised it with my manager."),
    (38, 4, "mentor", "Project agreed with Sam's manager: a real start."),
    (52, 4, "mentee", "Kick-off planned. Nervous about chairing people more senior than me."),
    (67, 5, "mentee", "Kick-off went well; two check-ins held. Keeping the notes short helps."),
    (88, 6, "mentor", "Sam handled a disagreement in the team calmly and without my help."),
    (109, 7, "mentee", "Four check-ins done and the team is asking me for the next steps."),
]


def _agreement(name: str, focus: str, objectives: list[str]) -> dict[str, Any]:
    """A shorter agreement for the other demo pairs."""
    return {
        "purpose": f"{name} wants to {focus}, with someone outside their own team to think "
        "it through with.",
        "success": f"{name} can point to the steps taken towards it and knows what comes next.",
        "objectives": objectives,
        "help_asked": "Listening, honest feedback and the mentor's own experience.",
        "help_offered": "An hour of my time each meeting, my experience, and introductions "
        "where they would help.",
        "confidentiality": "What we discuss stays between us unless someone is at risk of "
        "serious harm.",
        "meeting_frequency": "Once a month, for an hour",
        "meeting_format": "Face to face where we can, otherwise on Teams",
        "cancellations": "A day's notice, and a new date offered straight away.",
        "review": "We review our goals every three months.",
        "planned_sessions": 10,
    }


@dataclass(frozen=True)
class Story:
    """Another demo pair: where it is, how long ago it started, and what it works on."""

    stage: str  # or "completed"
    started_days_ago: int
    focus: str
    objectives: list[str]
    goal: str
    target: str
    measure: str


OTHER_PAIRS = [
    Story(
        Stage.INITIATION,
        16,
        "prepare for a first management role",
        ["Understand what a team manager's week looks like"],
        "",
        "",
        "",
    ),
    Story(
        Stage.GOAL_SETTING,
        35,
        "build confidence in writing reports for committee",
        ["Write a committee report that goes through without rework"],
        "Write committee reports with confidence",
        "Draft the next committee report and have it reviewed by my mentor",
        "Draft shared two weeks before the deadline, with the mentor's comments",
    ),
    Story(
        Stage.WIND_UP,
        345,
        "find a way into project management",
        ["Gain a project management qualification", "Lead a small project"],
        "Gain a project management qualification",
        "Pass the foundation exam",
        "Exam passed, certificate received",
    ),
    Story(
        Stage.DISTANCE,
        380,
        "return to work with confidence after a long absence",
        ["Settle back into the team", "Agree a development plan with my manager"],
        "Agree a development plan with my manager",
        "Hold a development conversation with my manager",
        "Plan written and signed off in my appraisal",
    ),
    Story(
        StageMove.COMPLETED,
        480,
        "move from a technical post into policy work",
        ["Understand how policy is made here", "Apply for a policy post"],
        "Apply for a policy post",
        "Apply for at least one policy post",
        "Application submitted",
    ),
]

# The days after the start on which the other pairs' steps happen.
SIGNED_DAY, FIRST_SESSION_DAY = 12, 26
# The completed pair's follow-up evaluation (sessions.demo), due three months after its
# final review at the move to distance, is what completes it.
WIND_UP_BEFORE_END, DISTANCE_AFTER_END, COMPLETED_AFTER_END = 30, 5, 100

CONCERN_TEXT = (
    "We agreed to meet once a month, but our last two meetings were cancelled at short "
    "notice and we have not found a new date. I do not want to make a fuss, but I would "
    "like some advice on how to get things back on track."
)


def seed_agreements(*, scheme: Scheme, demo_mentee, demo_mentor) -> bool:
    """Give the demo scheme's active pairs their agreements, goals, progress and stages,
    and one open concern, once; False when the scheme has any agreement already."""
    if AgreementVersion.objects.filter(mentorship__scheme=scheme).exists():
        return False
    active = Mentorship.objects.filter(scheme=scheme, status=Mentorship.Status.ACTIVE)
    ours = active.filter(mentee=demo_mentee, mentor=demo_mentor).first()
    if ours is None:
        return False
    _our_story(ours)
    others = list(active.exclude(pk=ours.pk).select_related("mentee", "mentor").order_by("pk"))
    for mentorship, story in zip(others, OTHER_PAIRS, strict=False):
        _other_story(mentorship, story)
    return True


def _started(mentorship: Mentorship, days_ago: int) -> datetime:
    """Date the mentorship's start ``days_ago`` back, with the match and the mentee's
    reply a few days before it (the mentor's reply started it)."""
    start = timezone.now() - timedelta(days=days_ago)
    matched = start - timedelta(days=3)
    Mentorship.objects.filter(pk=mentorship.pk).update(
        created_at=matched,
        respond_by=matched + timedelta(days=mentorship.scheme.response_days),
        mentee_responded_at=start - timedelta(days=1),
        mentor_responded_at=start,
        started_at=start,
    )
    mentorship.refresh_from_db()
    return start


@contextmanager
def _on(mentorship: Mentorship, when: datetime) -> Iterator[None]:
    """Date everything the services write for ``mentorship`` inside the block at
    ``when`` (they stamp the present)."""
    since = timezone.now()
    yield
    pair = {"mentorship": mentorship}
    AgreementVersion.objects.filter(**pair, created_at__gte=since).update(created_at=when)
    AgreementVersion.objects.filter(**pair, updated_at__gte=since).update(updated_at=when)
    AgreementVersion.objects.filter(**pair, in_force_at__gte=since).update(in_force_at=when)
    Signature.objects.filter(version__mentorship=mentorship, signed_at__gte=since).update(
        signed_at=when
    )
    Goal.objects.filter(**pair, created_at__gte=since).update(created_at=when)
    Goal.objects.filter(**pair, updated_at__gte=since).update(updated_at=when)
    targets = Target.objects.filter(goal__mentorship=mentorship)
    targets.filter(created_at__gte=since).update(created_at=when)
    targets.filter(updated_at__gte=since).update(updated_at=when)
    targets.filter(closed_at__gte=since).update(closed_at=when)
    ProgressEntry.objects.filter(goal__mentorship=mentorship, recorded_at__gte=since).update(
        recorded_at=when
    )
    StageMove.objects.filter(**pair, moved_at__gte=since).update(moved_at=when)
    Concern.objects.filter(**pair, created_at__gte=since).update(created_at=when, updated_at=when)
    Mentorship.objects.filter(pk=mentorship.pk, ended_at__gte=since).update(ended_at=when)


def _save(mentorship: Mentorship, user, content: dict[str, Any]) -> AgreementVersion:
    """Save ``content`` over the pair's latest text, as the person's page would."""
    latest = (
        AgreementVersion.objects.filter(mentorship=mentorship)
        .exclude(status=AgreementVersion.Status.SUPERSEDED)
        .order_by("-number")
        .first()
    )
    result = agreement_draft_save(
        mentorship=mentorship,
        user=user,
        content=content,
        base_number=latest.number if latest else None,
        base_revision=latest.revision if latest else None,
    )
    return result.version


def _sign(mentorship: Mentorship, user, version: AgreementVersion) -> None:
    agreement_sign(
        mentorship=mentorship,
        user=user,
        typed_name=user.display_name,
        content_hash=version.content_hash,
    )


def _sign_both(mentorship: Mentorship, version: AgreementVersion, start: datetime, day: int):
    with _on(mentorship, start + timedelta(days=day - 1, hours=3)):
        _sign(mentorship, mentorship.mentor, version)
    with _on(mentorship, start + timedelta(days=day, hours=5)):
        _sign(mentorship, mentorship.mentee, version)
    mentorship.refresh_from_db()


def _advance(mentorship: Mentorship, user, when: datetime) -> None:
    with _on(mentorship, when):
        stage_advance(mentorship=mentorship, user=user, from_stage=mentorship.stage)
    mentorship.refresh_from_db()


def _day(start: datetime, days: int) -> date:
    return (start + timedelta(days=days)).date()


def _our_story(mentorship: Mentorship) -> None:
    """The demo mentee's and mentor's four months, at the progress stage."""
    mentee, mentor = mentorship.mentee, mentorship.mentor
    start = _started(mentorship, 120)
    content = {**OUR_AGREEMENT, "end_date": default_end_date(mentorship)}
    with _on(mentorship, start + timedelta(days=5, hours=2)):
        first = _save(mentorship, mentee, content)
    _sign_both(mentorship, first, start, 9)

    with _on(mentorship, start + timedelta(days=12, hours=1)):
        lead = goal_create(
            mentorship=mentorship,
            user=mentee,
            data={
                "title": OUR_AGREEMENT["objectives"][0],
                "why": "Leading a team is the next step I want, and I have never done it.",
                "success_criteria": "A piece of work delivered with colleagues I led, and "
                "their feedback on how I did it.",
            },
        )
        agreed = target_create(
            goal=lead,
            user=mentee,
            data={
                "what": "Agree with my manager a project I can lead with two or three colleagues",
                "measure": "The project is written into my appraisal objectives",
                "achievable": "My manager has asked for someone to pick up the records review.",
                "due_on": _day(start, 40),
            },
        )
        target_create(
            goal=lead,
            user=mentee,
            data={
                "what": "Run the project's kick-off and weekly check-ins for two months",
                "measure": "Kick-off held and at least eight check-ins run, with notes kept",
                "achievable": "The check-ins are half an hour and fit my team's Monday meeting.",
                "due_on": _day(start, 150),
            },
        )
        present = goal_create(
            mentorship=mentorship,
            user=mentee,
            data={
                "title": OUR_AGREEMENT["objectives"][1],
                "why": "I freeze when senior managers ask questions, and it holds me back.",
                "success_criteria": "I present to the directorate management team and take "
                "their questions without notes.",
            },
        )
        target_create(
            goal=present,
            user=mentor,
            data={
                "what": "Present the team's quarterly update to the directorate management team",
                "measure": "Presentation given, with feedback from two people in the room",
                "achievable": "The next slot is in the spring; we rehearse twice before it.",
                "due_on": _day(start, 200),
            },
        )
    _advance(mentorship, mentee, start + timedelta(days=21, hours=4))
    with _on(mentorship, start + timedelta(days=37, hours=2)):
        target_set_status(target=agreed, user=mentee, status=Target.Status.DONE)

    with _on(mentorship, start + timedelta(days=44, hours=6)):
        second = _save(mentorship, mentee, OUR_SECOND_CHANGE)
    _sign_both(mentorship, second, start, 47)

    people = {"mentee": mentee, "mentor": mentor}
    for day, rating, role, comment in OUR_PROGRESS:
        with _on(mentorship, start + timedelta(days=day, hours=5)):
            progress_record(goal=lead, user=people[role], rating=rating, comment=comment)
    with _on(mentorship, start + timedelta(days=60, hours=1)):
        goal_share(goal=lead, user=mentee, shared=True)

    with _on(mentorship, start + timedelta(days=115, hours=3)):
        _save(mentorship, mentor, OUR_THIRD_CHANGE)


def _other_story(mentorship: Mentorship, story: Story) -> None:
    """Another pair, taken from its start to the stage of ``story``."""
    mentee, mentor = mentorship.mentee, mentorship.mentor
    start = _started(mentorship, story.started_days_ago)
    content = {
        **_agreement(mentee.display_name.split()[0], story.focus, story.objectives),
        "end_date": default_end_date(mentorship),
    }
    if story.stage == Stage.INITIATION:
        # Just started: the mentee has drafted the purpose and the first objective.
        with _on(mentorship, start + timedelta(days=3, hours=2)):
            _save(mentorship, mentee, {k: content[k] for k in ("purpose", "objectives")})
        return
    with _on(mentorship, start + timedelta(days=SIGNED_DAY - 4)):
        version = _save(mentorship, mentee, content)
    _sign_both(mentorship, version, start, SIGNED_DAY)
    with _on(mentorship, start + timedelta(days=SIGNED_DAY + 2)):
        goal = goal_create(
            mentorship=mentorship,
            user=mentee,
            data={"title": story.goal, "success_criteria": story.measure},
        )
        target = target_create(
            goal=goal,
            user=mentee,
            data={"what": story.target, "measure": story.measure, "due_on": _day(start, 150)},
        )
    if story.stage == Stage.GOAL_SETTING:
        with _on(mentorship, timezone.now() - timedelta(days=4)):
            concern_raise(
                mentorship=mentorship, user=mentee, topic=Concern.Topic.MEETING, text=CONCERN_TEXT
            )
        return
    _advance(mentorship, mentee, start + timedelta(days=FIRST_SESSION_DAY))
    for day, rating in ((40, 3), (90, 5), (150, 7), (240, 8)):
        with _on(mentorship, start + timedelta(days=day)):
            progress_record(goal=goal, user=mentee, rating=rating)
    with _on(mentorship, start + timedelta(days=140)):
        target_set_status(target=target, user=mentee, status=Target.Status.DONE)
    end = datetime.combine(content["end_date"], datetime.min.time(), tzinfo=start.tzinfo)
    _advance(mentorship, mentor, end - timedelta(days=WIND_UP_BEFORE_END))
    if story.stage == Stage.WIND_UP:
        return
    _advance(mentorship, mentee, end + timedelta(days=DISTANCE_AFTER_END))
    if story.stage == Stage.DISTANCE:
        return
    _advance(mentorship, mentor, end + timedelta(days=COMPLETED_AFTER_END))
