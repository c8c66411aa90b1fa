"""The demo's pairs meeting: sessions, agendas, summaries, actions, reflections, pulses,
the early check, evaluations and final reviews; then their reminders.

``seed_demo`` calls ``seed_sessions`` after ``agreements.demo`` has taken each pair to
its stage. Everything goes through the real services, as the pair would have done it,
and each step is then dated back to when it happened in the pair's story:

- the demo mentee and mentor, four months in at the progress stage: six sessions held,
  each with the mentee's agenda, a summary and actions (linked to their goals and
  targets, most of them done), one cancelled by the mentor, the next one planned with
  its agenda begun; both people's pulses, their reflections (some shared, some kept
  private, the mentor's review of a session among them), both saying the pairing works
  after the first meeting, and the mentee's baseline evaluation (the mid-point falls
  due at six months);
- the pair two weeks in: its first meeting planned, its baseline given, its
  agreement not signed yet (at risk);
- the goal-setting pair: two meetings cancelled by the mentor (the subject of the
  demo's open concern), the baseline not given (overdue, at risk);
- the wind-up pair: a year of monthly sessions, the baseline, the mid-point and the end
  evaluations given, the final review still to write;
- the distance pair: the same, but its mentor answered after the first meeting that
  the pairing was not working, and its last regular meeting was cancelled and never
  replaced (no session for too long, at risk); then the final review that moved it to
  the distance stage; the follow-up is due three months after it;
- the completed pair: the same, and the follow-up three months after the final review,
  whose completion by the mentee completed the mentorship.

The mentees' own ratings rise from baseline to the end, and mostly hold at the
follow-up. ``agreements.demo`` has already moved the later pairs on, so their stage is
first set back to the wind-up and the moves the final review and the follow-up make
replace the ones it made, at the same moments. It runs once: when any of the scheme's
pairs has a session it changes nothing.

``seed_reminders`` then brings the match still waiting for both replies near its
deadline (the last at-risk state), and replays the reminders' sweep over the last weeks
so the people and the coordinators have notifications, read and unread, and a digest.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import F
from django.utils import timezone

from agreements.models import Goal, StageMove, Target
from matching.models import Mentorship
from schemes.models import Scheme
from sessions.models import (
    Evaluation,
    FinalReview,
    MentoringSession,
    PairingCheck,
    Pulse,
    Reflection,
    Reminder,
    SessionAction,
    SessionFormat,
)
from sessions.selectors.evaluations import evaluation_state
from sessions.selectors.reminders import rule_settings
from sessions.selectors.settings import scheme_time_zone, session_settings_for
from sessions.services.evaluations import evaluation_complete, final_review_complete
from sessions.services.reflections import pairing_check_answer, pulse_record, reflection_save
from sessions.services.reminders import PEOPLE_FROM_HOUR, reminders_sweep
from sessions.services.sessions import (
    action_set_done,
    session_agenda_save,
    session_cancel,
    session_mark,
    session_plan,
    session_summary_save,
)

Stage = Mentorship.Stage
Kind = Reflection.Kind
Milestone = Evaluation.Milestone

ROOM = "Council House, meeting room 3"
TEAMS = "Microsoft Teams (link in the calendar invitation)"


@dataclass
class Action:
    """An action agreed at a session: who, what, due how many days after, done or not,
    and which of the pair's goals ("lead", "present") or targets it serves."""

    owner: str
    text: str
    due_after: int = 14
    done: bool = True
    goal: str = ""
    target: str = ""


@dataclass
class Meeting:
    """One session of a pair's story, ``day`` days after the start."""

    day: int
    agenda: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    summary_by: str = "mentee"
    actions: list[Action] = field(default_factory=list)
    # kind: (answers, shared)
    reflections: dict[str, tuple[dict[str, str], bool]] = field(default_factory=dict)
    pulses: tuple[int, int] = (3, 3)  # the mentee's, the mentor's
    cancelled_by: str = ""  # "mentee" or "mentor"
    cancel_reason: str = ""
    format: str = SessionFormat.IN_PERSON
    minutes: int = 60


CHECKLIST_EARLY = {
    "rapport": "yes",
    "challenge": "partly",
    "relevance": "yes",
    "own_decisions": "yes",
    "skills": "partly",
    "dependency": "yes",
    "owns_decisions": "yes",
    "options": "partly",
    "responsibility": "yes",
    "celebrated": "no",
    "ending": "no",
    "note": "I talked too much in the first half. Ask more, tell less; and mark the wins.",
}
CHECKLIST_LATER = {
    **CHECKLIST_EARLY,
    "challenge": "yes",
    "skills": "yes",
    "options": "yes",
    "celebrated": "yes",
    "note": "Sam pushed back on my suggestion and was right. That is the relationship working.",
}

# The demo mentee's and mentor's meetings (their goals: "lead" a small team, "present"
# to the directorate management team).
OUR_MEETINGS = [
    Meeting(
        day=4,
        agenda={
            "since_last": "Our first meeting: getting to know each other.",
            "situation": "Where I am now: three years running projects, no one reporting to me.",
            "options": "What the scheme can and cannot do for me; what I want from a mentor.",
            "next_meeting": "In about two weeks, once we have both read the agreement draft.",
        },
        summary=(
            "First meeting. We talked about our careers so far and what Sam wants from the "
            "year: to lead a small team and to be heard at a senior level. We agreed to "
            "meet every three weeks at the Council House and went through the agreement "
            "form together."
        ),
        actions=[
            Action("mentee", "Draft our agreement and send it to Morgan", 5),
            Action("mentor", "Read the draft agreement and add what I can offer", 8),
        ],
        reflections={
            Kind.MENTEE_AFTER: (
                {
                    "useful": "Saying out loud what I want. It sounded less far-fetched than "
                    "it does in my head.",
                    "focus_more": "Being challenged: I am good at explaining why not.",
                    "work_on": "The agreement draft, by Friday.",
                },
                True,
            ),
            Kind.MENTOR_AFTER: (
                {
                    "interested": "How clearly Sam already knows what they want.",
                    "learning_points": "Sam underrates the leading they already do in projects.",
                    "about_myself": "I was keen to give advice straight away. Slow down.",
                },
                False,
            ),
        },
        pulses=(3, 3),
    ),
    Meeting(
        day=21,
        agenda={
            "since_last": "Agreement signed by both of us. I have an idea for a project.",
            "situation": "The records review my manager mentioned: could I ask to lead it?",
            "options": "Ask for it outright; offer to scope it first; wait to be asked.",
            "actions": "Goals and first targets written on the pair's page.",
            "next_meeting": "Three weeks' time, same room.",
        },
        summary=(
            "We turned the agreement's objectives into two goals with targets. Sam will ask "
            "to lead the records review and bring a one-page outline to the conversation. "
            "We agreed we are past getting to know each other and into the real work."
        ),
        actions=[
            Action("mentee", "Write a one-page outline of the records review", 7, goal="lead"),
            Action(
                "mentee",
                "Ask my manager to lead the records review, using the outline",
                14,
                goal="lead",
                target="agreed",
            ),
            Action("mentor", "Introduce Sam to Priya in Finance, who led a similar review", 10),
        ],
        reflections={
            Kind.MENTEE_BEFORE: (
                {
                    "last_meeting": "That Morgan also started with no team and learnt on the job.",
                    "goal_work": "Drafted the agreement and noted three possible projects.",
                    "went_well": "The draft was easy. Picking one project was not.",
                },
                False,
            ),
            Kind.MENTOR_CHECKLIST: (CHECKLIST_EARLY, False),
        },
        pulses=(4, 3),
    ),
    Meeting(
        day=38,
        agenda={
            "since_last": "My manager said yes to the records review. It is in my appraisal.",
            "situation": "Planning the kick-off with two colleagues more senior than me.",
            "options": "Run it myself; ask my manager to open it; co-chair with Dev.",
            "session_review": "I would like more time on the presentation next time.",
        },
        summary=(
            "A good news meeting: the project is agreed and written into Sam's objectives, "
            "so the first target is done. We planned the kick-off: Sam will chair it, with "
            "a short agenda sent in advance and a clear ask of each person."
        ),
        actions=[
            Action("mentee", "Send the kick-off agenda to the team a week ahead", 10, goal="lead"),
            Action("mentee", "Ask Priya in Finance how she ran her first project meeting", 14),
        ],
        reflections={
            Kind.MENTEE_AFTER: (
                {
                    "useful": "Working out what I will say if someone senior takes over the "
                    "meeting.",
                    "focus_more": "The presentation: it is in the spring and I have done "
                    "nothing yet.",
                    "work_on": "Kick-off agenda; a coffee with Priya.",
                },
                True,
            ),
        },
        pulses=(4, 4),
    ),
    Meeting(
        day=49,
        cancelled_by="mentor",
        cancel_reason=(
            "Called into the budget-setting meeting at short notice. I have offered Tuesday "
            "or Thursday next week instead."
        ),
    ),
    Meeting(
        day=56,
        format=SessionFormat.VIDEO,
        minutes=45,
        agenda={
            "since_last": "Kick-off is booked. Had a useful coffee with Priya.",
            "situation": "I am nervous about chairing people more senior than me.",
            "options": "Prepare the first five minutes word for word; agree roles up front.",
            "next_meeting": "After the kick-off, so we can look back on it.",
        },
        summary=(
            "Short meeting on Teams after last week's cancellation. We rehearsed the opening "
            "of the kick-off and the two questions Sam dreads. Sam will keep notes of each "
            "check-in to a few lines."
        ),
        actions=[
            Action("mentee", "Run the kick-off and keep short notes", 10, goal="lead"),
        ],
        reflections={
            Kind.MENTEE_BEFORE: (
                {
                    "last_meeting": "Having the agenda planned made the kick-off feel real.",
                    "goal_work": "Booked the room and sent the agenda.",
                    "went_well": "Priya was generous with her time. The nerves are the hard part.",
                },
                True,
            ),
        },
        pulses=(3, 3),
    ),
    Meeting(
        day=77,
        agenda={
            "since_last": "Kick-off went well; two check-ins held.",
            "situation": "One colleague challenged the timetable in front of everyone.",
            "options": "Take it offline; ask the team to decide; hold my ground.",
            "actions": "Start on the presentation.",
        },
        summary=(
            "We looked at the moment in the check-in when a colleague challenged the "
            "timetable. Sam handled it well: acknowledged the point, asked for a proposal "
            "and kept the meeting moving. We started on the presentation: the quarterly "
            "update to the directorate management team in the spring."
        ),
        summary_by="mentor",
        actions=[
            Action(
                "mentee",
                "Outline the quarterly update presentation in five slides",
                21,
                goal="present",
            ),
            Action("mentor", "Find a date for Sam to shadow me at a budget meeting", 28),
        ],
        reflections={
            Kind.MENTEE_AFTER: (
                {
                    "useful": "Hearing that how I handled the challenge was leadership, not luck.",
                    "focus_more": "Honest feedback on the slides, even if it stings.",
                    "work_on": "The presentation outline.",
                },
                False,
            ),
            Kind.MENTOR_AFTER: (
                {
                    "interested": "How much more confident Sam is since the kick-off.",
                    "learning_points": "Sam learns most from going back over a real moment "
                    "in detail.",
                    "about_myself": "I still want to fix things. Sam did not need me to.",
                },
                True,
            ),
        },
        pulses=(4, 4),
    ),
    Meeting(
        day=105,
        agenda={
            "since_last": "Four check-ins done; the team asks me for the next steps.",
            "situation": "My outline feels like a list of facts, not a story.",
            "options": "Start from the decision we need; cut to three messages.",
            "session_review": "Can we rehearse properly next time?",
            "next_meeting": "A rehearsal, in the room if possible.",
        },
        summary=(
            "We went through the outline. Morgan suggested starting from the decision the "
            "management team has to make; Sam cut it to three messages. The next meeting is "
            "a full rehearsal with questions."
        ),
        actions=[
            Action(
                "mentee",
                "Rewrite the presentation around three messages",
                14,
                done=False,
                goal="present",
            ),
            Action("mentor", "Write down the five hardest questions the DMT could ask", 14),
        ],
        reflections={
            Kind.MENTEE_AFTER: (
                {
                    "useful": "Starting from the decision. Obvious once said.",
                    "focus_more": "The questions afterwards, which scare me more than the talk.",
                    "work_on": "Three messages, then practise out loud twice.",
                },
                True,
            ),
            Kind.MENTOR_CHECKLIST: (CHECKLIST_LATER, False),
        },
        pulses=(4, 3),
    ),
]

# The demo pair's next meeting, nine days from now, with its agenda begun.
OUR_NEXT = {
    "since_last": "Presentation rewritten around three messages (nearly done).",
    "situation": "A rehearsal of the quarterly update, with Morgan asking the hard questions.",
}

# The other pairs: a year of monthly meetings (day, agenda, summary, action).
YEAR_MEETINGS = [
    (
        "Getting started: what I want from the scheme.",
        "We got to know each other and agreed how we will work together.",
        "Draft our agreement",
    ),
    (
        "Turning objectives into a goal and targets.",
        "We wrote the goal and its first target and agreed how to measure it.",
        "Find out what the options and dates are",
    ),
    (
        "What I found out; what is stopping me starting.",
        "We looked at what was holding things up and broke the first step down.",
        "Book the first step in my diary",
    ),
    (
        "First step done. Making time for it in a busy month.",
        "We talked about protecting time for development when the team is stretched.",
        "Block two hours a week for the goal",
    ),
    (
        "A setback at work knocked my confidence.",
        "We went back over what happened and what was in my control.",
        "Write down three things that went well this month",
    ),
    (
        "Halfway: how are we doing?",
        "We read our agreement again and reviewed the goal; we are on track.",
        "Ask my manager for feedback on progress",
    ),
    (
        "Feedback from my manager, and what to do with it.",
        "We sorted the feedback into what to act on now and what later.",
        "Act on the first piece of feedback",
    ),
    (
        "The main target is in sight.",
        "We planned the last push towards the target.",
        "Finish the target's last step",
    ),
    (
        "Target met. What next?",
        "We celebrated the target and talked about what comes after the scheme.",
        "Write down my next step after the scheme",
    ),
    (
        "Planning the ending.",
        "We started to plan how we will end and what we will keep doing.",
        "Draft the final review",
    ),
    (
        "Looking back over the year.",
        "We looked back over the year and agreed to keep in touch over a coffee.",
        "Send my mentor the final review",
    ),
]

# What the other mentees found useful, in the reflections they wrote every third meeting.
USEFUL = (
    "Having an hour to think out loud, away from the team.",
    "A question I had not asked myself: what would I do if nobody stopped me?",
    "Hearing how my mentor handled the same thing in their first year.",
    "Leaving with one clear next step instead of a list.",
)

BASELINE_RISE = {  # baseline, end, follow-up for the first areas the mentee rates
    "Performance in my role": (3, 4, 4),
    "Sense of direction and focus": (2, 4, 4),
    "Self-awareness": (3, 4, 4),
    "Relating to and influencing others": (2, 3, 3),
    "Motivation": (3, 4, 4),
    "Focused effort": (3, 3, 3),
    "Resilience and handling change": (2, 3, 3),
    "Confidence": (2, 4, 3),
    "Career progression": (1, 3, 3),
    "Leadership": (2, 3, 3),
    "Networking": (1, 3, 2),
    "Work-life balance": (3, 3, 3),
}
# Each pair's mentee starts a little differently: added to the baseline (1-5 kept).
PAIR_SHIFT = {"ours": 0, Stage.WIND_UP: 1, Stage.DISTANCE: -1, StageMove.COMPLETED: 0}

EVALUATION_COMMENTS: dict[tuple[str, str], str] = {
    (Milestone.MID, "mentee"): "Having a mentor outside my own service has been the best "
    "part: I can say things I would not say to my manager.",
    (Milestone.MID, "mentor"): "We had a slow start but have found a rhythm.",
    (Milestone.END, "mentee"): "I reached the target I set and know what comes next.",
    (Milestone.END, "mentor"): "I learnt as much about listening as my mentee learnt from me.",
    (Milestone.FOLLOW_UP, "mentee"): "Three months on I still use what we worked on, and I "
    "have offered to mentor someone myself next year.",
    (Milestone.FOLLOW_UP, "mentor"): "",
}

FINAL_REVIEW = {
    "targets_met": "The main target was met and the goal largely achieved; the second "
    "objective has a plan and continues after the scheme.",
    "enjoyed": "Time to think away from the team, and honest conversations.",
    "difficult": "Keeping the meetings going through the winter pressures.",
    "marking_end": "Lunch together, a card, and a coffee in three months' time.",
}


def seed_sessions(*, scheme: Scheme, demo_mentee, demo_mentor) -> bool:
    """Give the demo scheme's pairs their sessions, reflections, pulses, evaluations and
    final reviews, once; False when any of its pairs has a session already."""
    if MentoringSession.objects.filter(mentorship__scheme=scheme).exists():
        return False
    started = Mentorship.objects.filter(
        scheme=scheme, started_at__isnull=False, status__in=["active", "completed"]
    ).select_related("mentee", "mentor", "scheme")
    ours = started.filter(mentee=demo_mentee, mentor=demo_mentor, status="active").first()
    if ours is None:
        return False
    _our_story(ours)
    for mentorship in started.exclude(pk=ours.pk).order_by("pk"):
        if mentorship.status == Mentorship.Status.COMPLETED:
            _year_story(mentorship, StageMove.COMPLETED)
        elif mentorship.stage == Stage.INITIATION:
            _starting_story(mentorship)
        elif mentorship.stage == Stage.GOAL_SETTING:
            _cancelled_story(mentorship)
        elif mentorship.stage in (Stage.WIND_UP, Stage.DISTANCE):
            _year_story(mentorship, mentorship.stage)
    return True


def seed_reminders(*, scheme: Scheme, demo_mentee, demo_mentor) -> bool:
    """Give the demo scheme its reminders and pairs at risk, once; False when it has
    reminders already.

    The stories above leave a pair in each at-risk state but one: the match still
    waiting for both replies is given a deadline tomorrow afternoon. Then the
    hourly sweep is replayed at the moments that matter, in order, each recording what
    was due then: at 08:00 the day before each of the demo pair's last three meetings
    (with that meeting planned, as it was then), at 08:00 the day after the goal-setting
    pair started (its baseline asked for) and a week later (asked again: it is now
    overdue), last Monday at 09:00 (the coordinators' digest), and the latest sweep that
    reminded people. What they recorded counts as sent, as the outbox would have done
    (``seed_demo`` takes the e-mails out); the demo mentee and mentor have read all
    their notifications but the latest. The replayed sweeps record nothing for any
    other scheme."""
    if Reminder.objects.filter(scheme=scheme).exists():
        return False
    ours = Mentorship.objects.filter(
        scheme=scheme, mentee=demo_mentee, mentor=demo_mentor, status=Mentorship.Status.ACTIVE
    ).first()
    if ours is None:
        return False
    now = timezone.now()
    zone = scheme_time_zone(scheme)
    _deadline_near(scheme, now)

    replays: list[tuple[datetime, MentoringSession | None]] = [
        (datetime.combine(_local_day(session.starts_at, zone, -1), time(8), zone), session)
        for session in ours.sessions.filter(status=MentoringSession.Status.HELD).order_by(
            "-starts_at"
        )[:3]
    ]
    unevaluated = Mentorship.objects.filter(
        scheme=scheme, status=Mentorship.Status.ACTIVE, stage=Stage.GOAL_SETTING
    ).first()
    if unevaluated is not None and unevaluated.started_at is not None:
        asked = datetime.combine(_local_day(unevaluated.started_at, zone, 1), time(8), zone)
        again = rule_settings([scheme.pk])[scheme.pk]["evaluation_due"].days
        replays += [(asked, None), (asked + timedelta(days=again), None)]
    replays += [(_last_digest(now, zone), None), (_last_sweep(now, zone), None)]
    for moment, session in sorted(replays, key=lambda replay: replay[0]):
        if moment > now:
            continue
        # The meeting replayed is held now: for the sweep, it is planned again, as then.
        replayed = MentoringSession.objects.filter(pk=session.pk if session else 0)
        replayed.filter(status=MentoringSession.Status.HELD).update(
            status=MentoringSession.Status.PLANNED
        )
        reminders_sweep(now=moment, scheme_ids=[scheme.pk])
        replayed.update(status=MentoringSession.Status.HELD)

    Reminder.objects.filter(scheme=scheme, status=Reminder.Status.QUEUED).update(
        status=Reminder.Status.SENT, sent_at=F("created_at") + timedelta(minutes=1)
    )
    for person in (demo_mentee, demo_mentor):
        older = Reminder.objects.filter(scheme=scheme, user=person).order_by("-created_at")[1:]
        Reminder.objects.filter(pk__in=list(older.values_list("pk", flat=True))).update(
            read_at=F("created_at") + timedelta(hours=2)
        )
    return True


def _deadline_near(scheme: Scheme, now: datetime) -> None:
    """The match nobody has answered yet was published long enough ago that its
    deadline is tomorrow at 17:00 (in the scheme's time zone)."""
    waiting = (
        Mentorship.objects.filter(
            scheme=scheme,
            status=Mentorship.Status.PROPOSED,
            mentee_response=Mentorship.Response.PENDING,
            mentor_response=Mentorship.Response.PENDING,
        )
        .order_by("pk")
        .first()
    )
    if waiting is None:
        return
    tomorrow = now.astimezone(scheme_time_zone(scheme)).date() + timedelta(days=1)
    respond_by = datetime.combine(tomorrow, time(17), scheme_time_zone(scheme))
    Mentorship.objects.filter(pk=waiting.pk).update(
        created_at=respond_by - timedelta(days=scheme.response_days), respond_by=respond_by
    )


def _local_day(moment: datetime, zone: ZoneInfo, days: int = 0) -> date:
    return moment.astimezone(zone).date() + timedelta(days=days)


def _last_sweep(now: datetime, zone: ZoneInfo) -> datetime:
    """The latest hourly sweep up to ``now`` that reminded people (before 08:00 in the
    scheme's time zone, the last one of the evening before)."""
    local = now.astimezone(zone)
    if local.hour >= PEOPLE_FROM_HOUR:
        return local.replace(minute=0, second=0, microsecond=0)
    return datetime.combine(local.date() - timedelta(days=1), time(23), zone)


def _last_digest(now: datetime, zone: ZoneInfo) -> datetime:
    """The latest Monday 09:00 in the scheme's time zone, up to ``now``."""
    local = now.astimezone(zone)
    moment = datetime.combine(local.date() - timedelta(days=local.weekday()), time(9), zone)
    return moment if moment <= now else moment - timedelta(days=7)


@contextmanager
def _on(mentorship: Mentorship, when: datetime) -> Iterator[None]:
    """Date everything the services write for ``mentorship`` inside the block at
    ``when`` (they stamp the present)."""
    since = timezone.now()
    yield
    pair = {"mentorship": mentorship}
    stamps = {"created_at__gte": since}
    for rows in (
        MentoringSession.objects.filter(**pair),
        SessionAction.objects.filter(**pair),
        Evaluation.objects.filter(**pair),
        FinalReview.objects.filter(**pair),
    ):
        rows.filter(**stamps).update(created_at=when)
        rows.filter(updated_at__gte=since).update(updated_at=when)
    MentoringSession.objects.filter(**pair, cancelled_at__gte=since).update(cancelled_at=when)
    SessionAction.objects.filter(**pair, done_at__gte=since).update(done_at=when)
    Evaluation.objects.filter(**pair, completed_at__gte=since).update(completed_at=when)
    FinalReview.objects.filter(**pair, completed_at__gte=since).update(completed_at=when)
    reflections = Reflection.objects.filter(session__mentorship=mentorship)
    reflections.filter(**stamps).update(created_at=when)
    reflections.filter(updated_at__gte=since).update(updated_at=when)
    Pulse.objects.filter(session__mentorship=mentorship, recorded_at__gte=since).update(
        recorded_at=when
    )
    PairingCheck.objects.filter(**pair, answered_at__gte=since).update(answered_at=when)
    StageMove.objects.filter(**pair, moved_at__gte=since).update(moved_at=when)
    Mentorship.objects.filter(pk=mentorship.pk, ended_at__gte=since).update(ended_at=when)


def _start(mentorship: Mentorship) -> datetime:
    """When the pair started (only started pairs have a story here)."""
    if mentorship.started_at is None:
        raise ValueError(f"Mentorship {mentorship.pk} has not started.")
    return mentorship.started_at


def _people(mentorship: Mentorship) -> dict[str, Any]:
    return {"mentee": mentorship.mentee, "mentor": mentorship.mentor}


def _at(start: datetime, day: int, hour: int = 10) -> datetime:
    """``day`` days after ``start``, on the hour ``hour`` of the scheme's clock."""
    moment = timezone.localtime(start + timedelta(days=day))
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def _meet(
    mentorship: Mentorship,
    meeting: Meeting,
    start: datetime,
    links: dict[str, Any] | None = None,
) -> MentoringSession:
    """One meeting as the pair lived it: planned (with the mentee's agenda), then held,
    summed up, reflected on and rated, or cancelled; dated ``meeting.day`` after
    ``start``."""
    people, links = _people(mentorship), links or {}
    when = _at(start, meeting.day)
    planner = people["mentor"] if meeting.cancelled_by == "mentee" else people["mentee"]
    with _on(mentorship, when - timedelta(days=10)):
        # Planned ahead, as it was at the time; its date is set back below.
        session = session_plan(
            mentorship=mentorship,
            user=planner,
            starts_at=timezone.now() + timedelta(days=1),
            duration_minutes=meeting.minutes,
            format=meeting.format,
            place=ROOM if meeting.format == SessionFormat.IN_PERSON else TEAMS,
        )
        if meeting.agenda:
            session_agenda_save(session=session, user=people["mentee"], agenda=meeting.agenda)
    MentoringSession.objects.filter(pk=session.pk).update(starts_at=when)
    session.refresh_from_db()
    if meeting.cancelled_by:
        with _on(mentorship, when - timedelta(days=1, hours=2)):
            session_cancel(
                session=session, user=people[meeting.cancelled_by], reason=meeting.cancel_reason
            )
        return session

    before = meeting.reflections.get(Kind.MENTEE_BEFORE)
    if before:
        with _on(mentorship, when - timedelta(hours=20)):
            reflection_save(
                session=session,
                user=people["mentee"],
                kind=Kind.MENTEE_BEFORE,
                answers=before[0],
                shared=before[1],
            )
    after = when + timedelta(hours=3)
    with _on(mentorship, after):
        session_mark(session=session, user=people["mentee"], status=MentoringSession.Status.HELD)
        session.refresh_from_db()
        session_summary_save(
            session=session,
            user=people[meeting.summary_by],
            summary=meeting.summary,
            actions=[
                {
                    "owner": action.owner,
                    "text": action.text,
                    "due_on": (when + timedelta(days=action.due_after)).date(),
                    "goal": links.get(action.goal),
                    "target": links.get(action.target),
                }
                for action in meeting.actions
            ],
        )
        for role, usefulness in zip(("mentee", "mentor"), meeting.pulses, strict=True):
            pulse_record(session=session, user=people[role], usefulness=usefulness)
    for kind, (answers, shared) in meeting.reflections.items():
        if kind == Kind.MENTEE_BEFORE:
            continue
        author = people["mentee" if kind == Kind.MENTEE_AFTER else "mentor"]
        with _on(mentorship, after + timedelta(hours=5)):
            reflection_save(session=session, user=author, kind=kind, answers=answers, shared=shared)
    # The actions done by their due date.
    done = {a.text for a in meeting.actions if a.done}
    for action in SessionAction.objects.filter(session=session, text__in=done):
        days = (action.due_on - when.date()).days if action.due_on else 1
        with _on(mentorship, _at(when, days - 1, 16)):
            action_set_done(action=action, user=people[action.owner], done=True)
    return session


def _ratings(mentorship: Mentorship, shift: int, index: int) -> dict[str, int]:
    """The mentee's own ratings on the scheme's areas: ``index`` 0 at baseline, 1 at
    the end, 2 at the follow-up."""
    ratings = {}
    for n, area in enumerate(mentorship.scheme.development_areas):
        rise = BASELINE_RISE.get(area, (2 + n % 2, 3 + n % 2, 3 + n % 2))
        ratings[area] = max(1, min(5, rise[index] + shift))
    return ratings


def _evaluate(mentorship: Mentorship, milestone: str, when: datetime, shift: int) -> None:
    """The milestone's evaluation, by the mentee (and from the mid-point by the mentor,
    a day later or, at the follow-up, before the mentee's completes the mentorship)."""
    people = _people(mentorship)
    statements = session_settings_for(mentorship.scheme).relationship_items
    areas_at: dict[str, int] = {Milestone.BASELINE: 0, Milestone.END: 1, Milestone.FOLLOW_UP: 2}
    index = areas_at.get(milestone)
    roles = ["mentee"] if milestone == Milestone.BASELINE else ["mentee", "mentor"]
    if milestone == Milestone.FOLLOW_UP:
        roles.reverse()
    for offset, role in enumerate(roles):
        relationship: dict[str, int] = {}
        extra: dict[str, Any] = {}
        if milestone != Milestone.BASELINE:
            # The relationship grows: a 4 or a 5, stronger as the pair goes on.
            late = milestone != Milestone.MID
            relationship = {s: 5 if (late or n % 2 == 0) else 4 for n, s in enumerate(statements)}
            extra = {
                "scheme_rating": 5 if late and role == "mentee" else 4,
                "would_recommend": True,
                "comments": EVALUATION_COMMENTS[(milestone, role)],
            }
        with _on(mentorship, when + timedelta(days=offset, hours=offset)):
            evaluation_complete(
                mentorship=mentorship,
                user=people[role],
                milestone=milestone,
                area_ratings=(
                    _ratings(mentorship, shift, index)
                    if role == "mentee" and index is not None
                    else {}
                ),
                relationship_ratings=relationship,
                **extra,
            )
        mentorship.refresh_from_db()


def _our_story(mentorship: Mentorship) -> None:
    """The demo mentee and mentor: six meetings, one cancelled, the next planned."""
    people = _people(mentorship)
    start = _start(mentorship)
    goals = list(Goal.objects.filter(mentorship=mentorship).order_by("pk"))
    targets = list(Target.objects.filter(goal__mentorship=mentorship).order_by("pk"))
    links: dict[str, Any] = {}
    if len(goals) >= 2 and targets:
        links = {"lead": goals[0], "present": goals[1], "agreed": targets[0]}

    _evaluate(mentorship, Milestone.BASELINE, _at(start, 6, 19), PAIR_SHIFT["ours"])
    for n, meeting in enumerate(OUR_MEETINGS):
        _meet(mentorship, meeting, start, links)
        if n == 0:
            for role in ("mentee", "mentor"):
                with _on(mentorship, _at(start, meeting.day + 1, 9 if role == "mentee" else 12)):
                    pairing_check_answer(mentorship=mentorship, user=people[role], working=True)

    session = session_plan(
        mentorship=mentorship,
        user=people["mentee"],
        starts_at=_at(timezone.now(), 9),
        duration_minutes=90,
        format=SessionFormat.IN_PERSON,
        place=ROOM,
    )
    session_agenda_save(session=session, user=people["mentee"], agenda=OUR_NEXT)
    reflection_save(
        session=session,
        user=people["mentee"],
        kind=Kind.MENTEE_BEFORE,
        answers={
            "last_meeting": "Three messages, not ten.",
            "goal_work": "Rewrote the slides; practised once out loud.",
        },
        shared=False,
    )


def _starting_story(mentorship: Mentorship) -> None:
    """Two weeks in: the baseline given and the first meeting in the diary (the
    agreement is still to sign)."""
    people = _people(mentorship)
    start = _start(mentorship)
    _evaluate(mentorship, Milestone.BASELINE, _at(start, 2, 16), 0)
    session = session_plan(
        mentorship=mentorship,
        user=people["mentee"],
        starts_at=_at(timezone.now(), 5, 13),
        duration_minutes=60,
        format=SessionFormat.VIDEO,
        place=TEAMS,
    )
    session_agenda_save(
        session=session,
        user=people["mentee"],
        agenda={"since_last": "Our first meeting.", "options": "What I hope to get from this."},
    )


def _cancelled_story(mentorship: Mentorship) -> None:
    """Goal setting: two meetings cancelled by the mentor at short notice (the mentee's
    concern is about them), and the baseline never given (the reminders' demo asks for
    it twice, and the pair is then on the at-risk list)."""
    start = _start(mentorship)
    days_in = (timezone.now() - start).days
    for day, reason in (
        (days_in - 20, "A complaint came in that I have to deal with today, sorry."),
        (days_in - 9, "Covering for a colleague this week; I will be in touch with a date."),
    ):
        _meet(
            mentorship,
            Meeting(
                day=day,
                agenda={"situation": "Setting targets for the committee report goal."},
                cancelled_by="mentor",
                cancel_reason=reason,
            ),
            start,
        )


def _moves_after(mentorship: Mentorship, stage: str) -> dict[str, datetime]:
    """Take back the stage moves ``agreements.demo`` made from ``stage`` on, and put
    the pair back in ``stage``, so the final review and the follow-up can make them at
    the same moments. Returns when each move was made, by the stage it reached."""
    moves = StageMove.objects.filter(
        mentorship=mentorship,
        from_stage__in=[
            Stage.WIND_UP,
            Stage.DISTANCE,
        ],
    )
    when = {move.to_stage: move.moved_at for move in moves}
    moves.delete()
    Mentorship.objects.filter(pk=mentorship.pk).update(
        stage=stage, status=Mentorship.Status.ACTIVE, ended_at=None, ended_by=None
    )
    mentorship.refresh_from_db()
    return when


def _year_story(mentorship: Mentorship, ending: str) -> None:
    """A year of monthly meetings, the evaluations, and as far as ``ending`` reaches the
    final review and the follow-up."""
    people = _people(mentorship)
    start = _start(mentorship)
    shift = PAIR_SHIFT[ending]
    moves = _moves_after(mentorship, Stage.WIND_UP) if ending != Stage.WIND_UP else {}
    wind_up = StageMove.objects.get(mentorship=mentorship, to_stage=Stage.WIND_UP).moved_at
    _evaluate(mentorship, Milestone.BASELINE, _at(start, 5, 17), shift)
    day = 26  # agreements.demo's first meeting
    for n, (agenda, summary, action) in enumerate(YEAR_MEETINGS):
        last = moves.get(Stage.DISTANCE, timezone.now() - timedelta(days=1))
        if _at(start, day) >= last:
            break
        # The distance pair's last regular meeting fell through, and was never replaced.
        cancelled = n == 4 or (ending == Stage.DISTANCE and n == len(YEAR_MEETINGS) - 1)
        _meet(
            mentorship,
            Meeting(
                day=day,
                agenda={"since_last": agenda},
                summary=summary,
                summary_by="mentor" if n % 3 == 2 else "mentee",
                actions=[Action("mentee", action, 21, done=n < len(YEAR_MEETINGS) - 1)],
                pulses=(3 + (n % 3 != 1), 3 + (n % 2)),
                reflections={Kind.MENTEE_AFTER: ({"useful": USEFUL[n // 3]}, n % 2 == 0)}
                if n % 3 == 0
                else {},
                cancelled_by=("mentee" if n == 4 else "mentor") if cancelled else "",
                cancel_reason=(
                    "Off sick: I will send new dates when I am back."
                    if n == 4
                    else "Too much on at work this month: let us find another date soon."
                )
                if cancelled
                else "",
                format=SessionFormat.VIDEO if n % 4 == 3 else SessionFormat.IN_PERSON,
            ),
            start,
        )
        if n == 0:
            for role in ("mentee", "mentor"):
                # The distance pair's mentor was not sure of the pairing from the start.
                working = not (ending == Stage.DISTANCE and role == "mentor")
                with _on(mentorship, _at(start, day + 1, 11)):
                    pairing_check_answer(mentorship=mentorship, user=people[role], working=working)
        day += 33 if n == 4 else 30
        if n == 5:
            _evaluate(mentorship, Milestone.MID, _mid_point(mentorship, start), shift)
    _evaluate(mentorship, Milestone.END, wind_up + timedelta(days=4, hours=2), shift)
    if ending == Stage.WIND_UP:
        session = session_plan(
            mentorship=mentorship,
            user=people["mentee"],
            starts_at=_at(timezone.now(), 8, 12),
            duration_minutes=60,
            format=SessionFormat.IN_PERSON,
            place=ROOM,
        )
        session_agenda_save(
            session=session,
            user=people["mentee"],
            agenda={
                "since_last": "Our last regular meeting.",
                "situation": "The final review, and how we mark the end.",
            },
        )
        return
    with _on(mentorship, moves[Stage.DISTANCE]):
        final_review_complete(mentorship=mentorship, user=people["mentee"], **FINAL_REVIEW)
    mentorship.refresh_from_db()
    if ending == StageMove.COMPLETED:
        _evaluate(mentorship, Milestone.FOLLOW_UP, moves[StageMove.COMPLETED], shift)


def _mid_point(mentorship: Mentorship, start: datetime) -> datetime:
    """A week after the mid-point fell due."""
    state = evaluation_state(mentorship, "mentee")
    due = next(m.due_from for m in state.milestones if m.milestone == Milestone.MID)
    if due is None:
        return _at(start, 190)
    return _at(start, (due - timezone.localdate(start)).days + 7, 15)
