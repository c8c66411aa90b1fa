"""What the pages show of reflections, the pulse and the early check.

A reflection is read by its author, and by the other person of the pair once shared;
the coordinators' panel shows the early check's yes/no answers and the average pulse,
numbers only, and never any reflection.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Avg, Count
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime

from agreements.panels import Panel, PanelStep
from agreements.permissions import PairAccess
from matching.models import Mentorship
from sessions.forms.reflections import PulseForm
from sessions.models import MentoringSession, PairingCheck, Pulse, Reflection
from sessions.permissions import reflection_kinds_for
from sessions.reflections import QuestionSet, question_set
from sessions.selectors.settings import scheme_time_zone
from sessions.services.reflections import reflection_writable

# The coordinators see a pair's average pulse from this many ratings, by both people.
PULSE_AVERAGE_FROM = 4

__all__ = [
    "OwnReflection",
    "SessionReflections",
    "reflection_url",
    "reflections_coordinator_panel",
    "reflections_on_session",
    "reflections_pair_panel",
    "session_day",
    "shared_reflections",
]


def reflection_url(session: MentoringSession, kind: str) -> str:
    return reverse(
        "sessions:reflection",
        kwargs={"pk": session.mentorship_id, "session": session.pk, "kind": kind},
    )


@dataclass(frozen=True)
class OwnReflection:
    """One kind of reflection the viewer writes on a session: written or not, shared
    or private, and why it cannot be written now ("" when it can)."""

    questions: QuestionSet
    reflection: Reflection | None
    url: str
    refused: str


@dataclass(frozen=True)
class SessionReflections:
    """The session page's part of reflections and the pulse, for one of the pair."""

    own: list[OwnReflection]
    # The other person's reflections they shared: (questions, reflection, link).
    shared: list[tuple[QuestionSet, Reflection, str]]
    pulse: Pulse | None
    pulse_open: bool
    pulse_form: PulseForm


def shared_reflections(session: MentoringSession, access: PairAccess) -> list[Reflection]:
    """The other person's reflections on ``session`` that they shared, in kind order."""
    return list(
        Reflection.objects.filter(
            session=session, author=access.other, kind__in=reflection_kinds_for(access.other_role)
        )
        .filter(shared=True)
        .order_by("kind")
    )


def reflections_on_session(session: MentoringSession, access: PairAccess) -> SessionReflections:
    """The viewer's reflections on ``session`` (each of their kinds, written or not),
    the other person's shared ones, and the viewer's pulse. Two queries."""
    user = access.mentorship.mentee if access.role == "mentee" else access.mentorship.mentor
    mine = reflection_kinds_for(access.role)
    theirs = reflection_kinds_for(access.other_role)
    rows = Reflection.objects.filter(session=session).filter(
        author_id__in=[access.mentorship.mentee_id, access.mentorship.mentor_id]
    )
    own_rows: dict[str, Reflection] = {}
    shared: list[tuple[QuestionSet, Reflection, str]] = []
    # The other person's shared reflections are read on the viewer's own reflection
    # pages of the session (a kind in the URL is always the viewer's).
    read_at = reflection_url(session, mine[0])
    for row in rows:
        if row.author_id == user.pk and row.kind in mine:
            own_rows[row.kind] = row
        elif row.author_id == access.other.pk and row.kind in theirs and row.shared:
            shared.append((question_set(row.kind), row, f"{read_at}#shared-{row.kind}"))
    shared.sort(key=lambda item: theirs.index(item[1].kind))
    own = [
        OwnReflection(
            questions=question_set(kind),
            reflection=own_rows.get(kind),
            url=reflection_url(session, kind),
            refused=(
                reflection_writable(session, kind)
                if access.can_change
                else "This mentorship has ended: what was written can be read, not changed."
            ),
        )
        for kind in mine
    ]
    pulse = Pulse.objects.filter(session=session, author=user).first()
    held = session.status == MentoringSession.Status.HELD
    return SessionReflections(
        own=own,
        shared=shared,
        pulse=pulse,
        pulse_open=held and access.can_change and pulse is None,
        pulse_form=PulseForm(),
    )


def session_day(moment: datetime, mentorship: Mentorship) -> str:
    return date_format(localtime(moment, scheme_time_zone(mentorship.scheme)), "j F Y")


def reflections_pair_panel(access: PairAccess) -> Panel | None:
    """The pair's page: the pulse and the after-session reflection due for the latest
    held session, and "is this pairing working?" once the first session was held, as
    next steps; the early check's answer as a small section. Fixed queries."""
    if not access.can_change:
        return None
    mentorship = access.mentorship
    user = mentorship.mentee if access.role == "mentee" else mentorship.mentor
    held = MentoringSession.objects.filter(
        mentorship=mentorship, status=MentoringSession.Status.HELD
    ).order_by("-starts_at", "-pk")
    latest = held.first()
    if latest is None:
        return None
    steps: list[PanelStep] = []
    day = session_day(latest.starts_at, mentorship)
    session_url = reverse("sessions:session", kwargs={"pk": mentorship.pk, "session": latest.pk})
    if not Pulse.objects.filter(session=latest, author=user).exists():
        steps.append(PanelStep(f"How useful was your session of {day}?", f"{session_url}#pulse"))
    after_kind = "mentee_after" if access.role == "mentee" else "mentor_after"
    if not Reflection.objects.filter(session=latest, author=user, kind=after_kind).exists():
        steps.append(
            PanelStep(f"Reflect on your session of {day}", reflection_url(latest, after_kind))
        )
    check = PairingCheck.objects.filter(mentorship=mentorship, author=user).first()
    check_url = reverse("sessions:pairing_check", kwargs={"pk": mentorship.pk})
    if check is None:
        steps.append(PanelStep("Is this pairing working for you?", check_url))
    return Panel(
        template="sessions/reflections/_pair_panel.html",
        context={"check": check, "check_url": check_url},
        steps=tuple(steps),
    )


@dataclass(frozen=True)
class EarlyCheck:
    """The coordinators' view of the early check: numbers and yes/no only."""

    answers: list[PairingCheck]
    waiting_for: list[str]
    pulse_average: float | None
    pulse_count: int


def reflections_coordinator_panel(mentorship: Mentorship, reader: Any) -> Panel | None:
    """The coordinators' page of a pair: each person's answer to "is this pairing
    working?" with its date, and the average pulse of their sessions. Never a
    reflection, and nothing for a coordinator who is one of the pair (a "no" is never
    told to the other person). Two queries."""
    if getattr(reader, "pk", None) in (mentorship.mentee_id, mentorship.mentor_id):
        return None
    answers = list(PairingCheck.objects.filter(mentorship=mentorship).order_by("answered_at"))
    answered = {check.role for check in answers}
    pulses = Pulse.objects.filter(session__mentorship=mentorship).aggregate(
        average=Avg("usefulness"),
        count=Count("pk"),
        people=Count("author", distinct=True),
    )
    # An average of one person's few ratings would be their ratings: it is shown only
    # once both have rated and there are enough ratings to blend.
    blended = pulses["people"] == 2 and pulses["count"] >= PULSE_AVERAGE_FROM
    return Panel(
        template="sessions/reflections/_coordinator_panel.html",
        context={
            "early": EarlyCheck(
                answers=answers,
                waiting_for=[role for role in ("mentee", "mentor") if role not in answered],
                pulse_average=pulses["average"] if blended else None,
                pulse_count=pulses["count"],
            )
        },
    )
