"""Reads of the pair's sessions: the list with its counts, a session's page (its
actions and the open ones carried over), and the panels of the pair's page and of the
coordinators' page of a pair.

Every read here takes a fixed number of queries whatever the number of sessions:
counts and hours are aggregated, lists are limited. The coordinators' panel reads
dates, lengths and status only, never what the pair wrote or where they met.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from agreements.panels import Panel, PanelStep
from agreements.permissions import PairAccess
from matching.models import Mentorship
from sessions.models import AGENDA_PROMPTS, MentoringSession, SessionAction
from sessions.selectors.settings import scheme_time_zone

__all__ = [
    "AGENDA_SOON_DAYS",
    "SessionCounts",
    "carried_over_actions",
    "session_agenda_items",
    "session_counts",
    "sessions_coordinator_panel",
    "sessions_of_pair",
    "sessions_pair_panel",
]

# The mentee is reminded to write the agenda of a session this close.
AGENDA_SOON_DAYS = 7
# How many sessions the panels list.
PANEL_SESSIONS = 5
COORDINATOR_SESSIONS = 20

Status = MentoringSession.Status


@dataclass(frozen=True)
class SessionCounts:
    held: int
    planned: int
    cancelled: int
    missed: int
    minutes_held: int
    last_held: datetime | None

    @property
    def total(self) -> int:
        return self.held + self.planned + self.cancelled + self.missed

    @property
    def hours_held(self) -> str:
        """Hours held in words, such as "1.5"."""
        hours = self.minutes_held / 60
        return f"{hours:.1f}".removesuffix(".0")


def session_counts(mentorship: Mentorship | int) -> SessionCounts:
    """The pair's sessions counted by status, the minutes held and the last held date,
    in one query."""
    pk = mentorship if isinstance(mentorship, int) else mentorship.pk
    row = MentoringSession.objects.filter(mentorship_id=pk).aggregate(
        held=Count("pk", filter=Q(status=Status.HELD)),
        planned=Count("pk", filter=Q(status=Status.PLANNED)),
        cancelled=Count("pk", filter=Q(status=Status.CANCELLED)),
        missed=Count("pk", filter=Q(status=Status.MISSED)),
        minutes_held=Sum("duration_minutes", filter=Q(status=Status.HELD)),
        last_held=Max("starts_at", filter=Q(status=Status.HELD)),
    )
    return SessionCounts(
        held=row["held"],
        planned=row["planned"],
        cancelled=row["cancelled"],
        missed=row["missed"],
        minutes_held=row["minutes_held"] or 0,
        last_held=row["last_held"],
    )


def sessions_of_pair(mentorship: Mentorship) -> QuerySet[MentoringSession]:
    """Every session of the pair, newest first, with who cancelled it."""
    return (
        MentoringSession.objects.filter(mentorship=mentorship)
        .select_related("cancelled_by")
        .order_by("-starts_at", "-pk")
    )


def session_agenda_items(session: MentoringSession) -> list[dict[str, str]]:
    """The agenda as the prompts ask it: question, hint and what was written."""
    agenda = session.agenda if isinstance(session.agenda, dict) else {}
    return [
        {"key": key, "question": question, "hint": hint, "text": str(agenda.get(key, ""))}
        for key, question, hint in AGENDA_PROMPTS
    ]


def carried_over_actions(session: MentoringSession) -> QuerySet[SessionAction]:
    """The pair's open actions agreed at earlier sessions."""
    return (
        SessionAction.objects.filter(
            mentorship_id=session.mentorship_id,
            done=False,
            session__starts_at__lt=session.starts_at,
        )
        .exclude(session=session)
        .select_related("session", "goal", "target")
        .order_by("due_on", "pk")
    )


def _local_date(when: datetime, zone: Any) -> str:
    return f"{timezone.localtime(when, zone):%-d %B %Y}"


def sessions_pair_panel(access: PairAccess) -> Panel | None:
    """The "Sessions" section of the pair's page, with its next steps."""
    mentorship = access.mentorship
    now = timezone.now()
    zone = scheme_time_zone(mentorship.scheme)
    counts = session_counts(mentorship)
    next_session = (
        MentoringSession.objects.filter(
            mentorship=mentorship, status=Status.PLANNED, starts_at__gte=now
        )
        .order_by("starts_at", "pk")
        .first()
    )
    recent = list(sessions_of_pair(mentorship)[:PANEL_SESSIONS])
    needs_summary = (
        MentoringSession.objects.filter(mentorship=mentorship, status=Status.HELD, summary="")
        .order_by("-starts_at", "-pk")
        .first()
    )
    open_actions = SessionAction.objects.filter(
        mentorship=mentorship, owner=access.role, done=False
    ).aggregate(n=Count("pk"), latest=Max("session_id"))
    steps: list[PanelStep] = []
    if access.can_change:
        if (
            access.role == "mentee"
            and next_session is not None
            and next_session.starts_at <= now + timedelta(days=AGENDA_SOON_DAYS)
            and not any(
                next_session.agenda.values() if isinstance(next_session.agenda, dict) else []
            )
        ):
            steps.append(
                PanelStep(
                    f"Write the agenda for {_local_date(next_session.starts_at, zone)}",
                    reverse(
                        "sessions:session_agenda",
                        kwargs={"pk": mentorship.pk, "session": next_session.pk},
                    ),
                )
            )
        if needs_summary is not None:
            steps.append(
                PanelStep(
                    f"Write the summary of {_local_date(needs_summary.starts_at, zone)}",
                    reverse(
                        "sessions:session_summary",
                        kwargs={"pk": mentorship.pk, "session": needs_summary.pk},
                    ),
                )
            )
        if open_actions["n"]:
            steps.append(
                PanelStep(
                    f"Your open actions: {open_actions['n']}",
                    reverse(
                        "sessions:session",
                        kwargs={"pk": mentorship.pk, "session": open_actions["latest"]},
                    ),
                )
            )
    return Panel(
        template="sessions/sessions/_pair_panel.html",
        context={
            "counts": counts,
            "next_session": next_session,
            "recent": recent,
            "zone": zone,
            "zone_name": str(zone),
            "is_goal_setting": mentorship.stage == Mentorship.Stage.GOAL_SETTING,
        },
        steps=tuple(steps),
    )


def sessions_coordinator_panel(mentorship: Mentorship, reader: Any) -> Panel | None:
    """The "Sessions" section of the coordinators' page of a pair: counts, hours, the
    last held date, and dates, lengths and status only."""
    zone = scheme_time_zone(mentorship.scheme)
    labels = dict(Status.choices)
    rows = [
        {
            "starts_at": starts_at,
            "duration_minutes": duration_minutes,
            "status": status,
            "status_label": labels.get(status, status),
        }
        for starts_at, duration_minutes, status in MentoringSession.objects.filter(
            mentorship=mentorship
        )
        .order_by("-starts_at", "-pk")
        .values_list("starts_at", "duration_minutes", "status")[:COORDINATOR_SESSIONS]
    ]
    return Panel(
        template="sessions/sessions/_coordinator_panel.html",
        context={
            "counts": session_counts(mentorship),
            "rows": rows,
            "zone": zone,
            "zone_name": str(zone),
            "limit": COORDINATOR_SESSIONS,
        },
    )
