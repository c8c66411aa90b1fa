"""What is due: the reminders the rules of ``sessions.rules`` call for now, and the
pairs at risk, found for every scheme at once in a fixed number of queries.

``reminders_scan`` reads the facts of every open mentorship in bulk (its sessions,
agreement, evaluations, concerns and answers to "is this pairing working?") and
decides in memory, so the daily sweep over a hundred thousand pairs issues the same
dozen or so queries as one over ten. The same function, narrowed to one pair or one
scheme, is what the outbox's handler asks again just before it sends (is it still
due?), what the coordinators' at-risk page shows, and what the weekly digest lists:
one set of rules, read in one place.

Days are counted in each scheme's time zone (its session settings).
"""

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone

from agreements.models import AgreementVersion, Concern, Signature, StageMove
from matching.models import Mentorship
from schemes.models import Application, Invitation, Membership, Role, Scheme
from sessions.models import (
    Evaluation,
    FinalReview,
    MentoringSession,
    PairingCheck,
    ReminderRule,
    RiskHandling,
    SessionSettings,
)
from sessions.models import Reminder as ReminderRow
from sessions.rules import RULES, Rule

__all__ = [
    "RISK_REASONS",
    "Due",
    "Risk",
    "RuleSetting",
    "Scan",
    "coordinator_pair_url",
    "reminder_url",
    "reminders_scan",
    "risks_remember",
    "rule_settings",
    "scheme_risks",
]

Status = Mentorship.Status
Stage = Mentorship.Stage
Milestone = Evaluation.Milestone
SessionStatus = MentoringSession.Status

# Why a pair is at risk: the reason's words, and the rule that flags it (None: always).
RISK_REASONS: dict[str, tuple[str, str | None]] = {
    "gap": ("No session for too long", "gap"),
    "agreement_unsigned": ("Agreement not signed", "agreement_unsigned"),
    "match_unanswered": ("Match not answered", "match_unanswered"),
    "evaluation_overdue": ("Evaluation overdue", "evaluation_due"),
    "concern_open": ("A concern is open", None),
    "pairing_not_working": ("Said the pairing is not working", None),
}
# How long after the second request an evaluation counts as overdue.
OVERDUE_AFTER_AGAIN = timedelta(days=7)
# A held session's summary is asked for within a week of its day: a late sweep still
# catches it, a rule switched on reaches no session from months ago.
SUMMARY_WINDOW = timedelta(days=7)
# The digest goes on this weekday (Monday) at this local hour.
DIGEST_WEEKDAY = 0
DIGEST_HOUR = 9


@dataclass(frozen=True)
class RuleSetting:
    """One rule as a scheme runs it."""

    rule: Rule
    enabled: bool
    days: int
    applies_from: datetime | None
    changed: bool  # the scheme changed the default


@dataclass(frozen=True)
class Due:
    """A reminder the rules call for now: the key of its record, and when its trigger
    came (for "only new occasions")."""

    kind: str
    scheme_id: int
    recipient: str
    user_id: int | None
    email: str
    subject_type: str
    subject_id: int
    mentorship_id: int | None
    occasion: str
    trigger: datetime

    @property
    def key(self) -> tuple[str, str, str, int, str]:
        return (self.kind, self.recipient, self.subject_type, self.subject_id, self.occasion)


@dataclass(frozen=True)
class Risk:
    """A pair at risk: why, since when, which rule flagged it, and the situation that a
    coordinator's handling is bound to."""

    mentorship_id: int
    scheme_id: int
    reason: str
    situation: str
    since: datetime
    rule: str | None
    detail: str

    @property
    def label(self) -> str:
        return RISK_REASONS[self.reason][0]

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.mentorship_id, self.reason, self.situation)


@dataclass
class Scan:
    due: list[Due] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    # The schemes read, with their time zones and rules.
    zones: dict[int, ZoneInfo] = field(default_factory=dict)
    rules: dict[int, dict[str, RuleSetting]] = field(default_factory=dict)
    queries: int = 0


def rule_settings(
    scheme_ids: Iterable[int], rows: Iterable[ReminderRule] | None = None
) -> dict[int, dict[str, RuleSetting]]:
    """Every rule of each scheme, as the scheme runs it (its changes over the defaults)."""
    ids = list(scheme_ids)
    if rows is None:
        rows = ReminderRule.objects.filter(scheme_id__in=ids)
    changed = {(row.scheme_id, row.kind): row for row in rows}
    result: dict[int, dict[str, RuleSetting]] = {}
    for scheme_id in ids:
        result[scheme_id] = {}
        for rule in RULES:
            row = changed.get((scheme_id, rule.kind))
            result[scheme_id][rule.kind] = RuleSetting(
                rule=rule,
                enabled=row.enabled if row else True,
                days=row.days if row else rule.default_days,
                applies_from=row.applies_from if row else None,
                changed=row is not None,
            )
    return result


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _blank_agenda(agenda: object) -> bool:
    if not isinstance(agenda, dict):
        return True
    return not any(str(value).strip() for value in agenda.values())


def _person(user_id: int) -> str:
    return f"user:{user_id}"


class _Scanner:
    """One scan: the facts read in bulk, then each rule decided in memory."""

    def __init__(
        self,
        now: datetime,
        scheme_ids: list[int] | None,
        mentorship_ids: list[int] | None,
        include_window: bool,
        invitation_ids: list[int] | None = None,
        risks_only: bool = False,
    ):
        self.now = now
        self.scan = Scan()
        self.queries = 0
        schemes = Scheme.objects.exclude(status=Scheme.Status.DRAFT)
        if scheme_ids is not None:
            schemes = schemes.filter(pk__in=scheme_ids)
        self.schemes = {
            s.pk: s
            for s in schemes.only(
                "pk",
                "name",
                "slug",
                "status",
                "max_gap_weeks",
                "programme_months",
                "applications_close_on",
                "applications_open_on",
            )
        }
        ids = list(self.schemes)
        settings_rows = {
            row.scheme_id: row for row in SessionSettings.objects.filter(scheme_id__in=ids)
        }
        self.scan.rules = rule_settings(ids)
        self.scan.zones = {
            pk: ZoneInfo(settings_rows[pk].time_zone if pk in settings_rows else settings.TIME_ZONE)
            for pk in ids
        }
        self.follow_up_months = {
            pk: settings_rows[pk].follow_up_months if pk in settings_rows else 3 for pk in ids
        }
        self.today = {pk: now.astimezone(zone).date() for pk, zone in self.scan.zones.items()}
        self.mentorship_ids = mentorship_ids
        self.include_window = include_window
        self.invitation_ids = invitation_ids
        self.risks_only = risks_only
        self.queries = 3

    # Helpers -----------------------------------------------------------------------

    def setting(self, scheme_id: int, kind: str) -> RuleSetting | None:
        setting = self.scan.rules[scheme_id][kind]
        return setting if setting.enabled else None

    def local_date(self, scheme_id: int, moment: datetime) -> date:
        return moment.astimezone(self.scan.zones[scheme_id]).date()

    def local_start(self, scheme_id: int, day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=self.scan.zones[scheme_id])

    def add(self, setting: RuleSetting, trigger: datetime, **fields: object) -> None:
        if self.risks_only:
            return
        if setting.applies_from is not None and trigger < setting.applies_from:
            return  # "only new occasions": this one came before the rule was switched on
        self.scan.due.append(Due(kind=setting.rule.kind, trigger=trigger, **fields))  # type: ignore[arg-type]

    def to_person(
        self, setting: RuleSetting, trigger: datetime, pair: Any, user_id: int, **fields: object
    ) -> None:
        if user_id not in self.active_users:
            return
        self.add(
            setting,
            trigger,
            scheme_id=pair["scheme_id"],
            recipient=_person(user_id),
            user_id=user_id,
            email="",
            mentorship_id=pair["id"],
            **fields,
        )

    def flag(self, pair: Any, reason: str, situation: str, since: datetime, detail: str) -> None:
        self.scan.risks.append(
            Risk(
                mentorship_id=pair["id"],
                scheme_id=pair["scheme_id"],
                reason=reason,
                situation=situation,
                since=since,
                rule=RISK_REASONS[reason][1],
                detail=detail,
            )
        )

    # Reading -----------------------------------------------------------------------

    def pairs(self) -> None:
        """The open mentorships of the schemes, and who in them may be reminded."""
        query = Mentorship.objects.filter(
            scheme_id__in=list(self.schemes), status__in=[Status.ACTIVE, Status.PROPOSED]
        )
        if self.mentorship_ids is not None:
            query = query.filter(pk__in=self.mentorship_ids)
        rows: list[Any] = list(
            query.values(
                "id",
                "scheme_id",
                "status",
                "stage",
                "mentee_id",
                "mentor_id",
                "started_at",
                "respond_by",
                "mentee_response",
                "mentor_response",
                "mentee__is_active",
                "mentor__is_active",
            )
        )
        self.queries += 1
        self.active = [row for row in rows if row["status"] == Status.ACTIVE and row["started_at"]]
        self.proposed = [row for row in rows if row["status"] == Status.PROPOSED]
        self.active_users = {
            row[f"{role}_id"]
            for row in rows
            for role in ("mentee", "mentor")
            if row[f"{role}__is_active"]
        }
        self.by_id = {row["id"]: row for row in self.active}

    def _active_filter(self, prefix: str = "") -> Q:
        """The rows of the active pairs read (through ``prefix``, a relation)."""
        if self.mentorship_ids is not None:
            return Q(**{f"{prefix}mentorship_id__in": list(self.by_id)})
        return Q(
            **{
                f"{prefix}mentorship__status": Status.ACTIVE,
                f"{prefix}mentorship__scheme_id__in": list(self.schemes),
            }
        )

    # Rules -------------------------------------------------------------------------

    def sessions(self) -> None:
        """A session coming up, no agenda, no summary, and the gap since the last one."""
        base = MentoringSession.objects.filter(self._active_filter())
        if not self.risks_only:
            self.session_reminders(base)
        self.gaps(base)

    def session_reminders(self, base: Any) -> None:
        """A session coming up, no agenda, no summary."""
        upcoming = (
            base.filter(
                status=SessionStatus.PLANNED,
                starts_at__gt=self.now,
                starts_at__lte=self.now + timedelta(days=16),
            )
            .values("id", "mentorship_id", "starts_at", "created_at", "agenda")
            .order_by()
        )
        for session in upcoming:
            pair = self.by_id.get(session["mentorship_id"])
            if pair is None:
                continue
            scheme_id = pair["scheme_id"]
            day = self.local_date(scheme_id, session["starts_at"])
            ahead = (day - self.today[scheme_id]).days
            created = self.local_date(scheme_id, session["created_at"])
            occasion = session["starts_at"].isoformat()
            for kind, who in (
                ("session_tomorrow", ("mentee", "mentor")),
                ("agenda_missing", ("mentee",)),
            ):
                setting = self.setting(scheme_id, kind)
                if setting is None or not 1 <= ahead <= setting.days:
                    continue
                if kind == "agenda_missing" and not _blank_agenda(session["agenda"]):
                    continue
                trigger_day = day - timedelta(days=setting.days)
                # Planned on or after the day it would have been reminded: the e-mail
                # announcing the plan has just said the same.
                if created >= trigger_day:
                    continue
                for role in who:
                    self.to_person(
                        setting,
                        self.local_start(scheme_id, trigger_day),
                        pair,
                        pair[f"{role}_id"],
                        subject_type="session",
                        subject_id=session["id"],
                        occasion=occasion,
                    )
        self.queries += 1

        longest = max(
            (
                s.days
                for rules in self.scan.rules.values()
                for k, s in rules.items()
                if k == "summary_missing"
            ),
            default=0,
        )
        held = (
            base.filter(
                status=SessionStatus.HELD,
                summary="",
                starts_at__lte=self.now,
                starts_at__gte=self.now
                - timedelta(days=longest)
                - SUMMARY_WINDOW
                - timedelta(days=1),
            )
            .values("id", "mentorship_id", "starts_at")
            .order_by()
        )
        for done in held:
            pair = self.by_id.get(done["mentorship_id"])
            if pair is None:
                continue
            scheme_id = pair["scheme_id"]
            setting = self.setting(scheme_id, "summary_missing")
            if setting is None:
                continue
            trigger_day = self.local_date(scheme_id, done["starts_at"]) + timedelta(
                days=setting.days
            )
            today = self.today[scheme_id]
            if not trigger_day <= today <= trigger_day + SUMMARY_WINDOW:
                continue
            for role in ("mentee", "mentor"):
                self.to_person(
                    setting,
                    self.local_start(scheme_id, trigger_day),
                    pair,
                    pair[f"{role}_id"],
                    subject_type="session",
                    subject_id=done["id"],
                    occasion="",
                )
        self.queries += 1

    def gaps(self, base: Any) -> None:
        """The gap since the last session held or planned."""
        last = dict(
            base.filter(status__in=[SessionStatus.PLANNED, SessionStatus.HELD])
            .values("mentorship_id")
            .annotate(last=Max("starts_at"))
            .values_list("mentorship_id", "last")
        )
        self.queries += 1
        for pair in self.active:
            scheme_id = pair["scheme_id"]
            setting = self.setting(scheme_id, "gap")
            if setting is None:
                continue
            latest = max(filter(None, (last.get(pair["id"]), pair["started_at"])))
            if latest > self.now:
                continue  # a session is planned
            gap = timedelta(weeks=self.schemes[scheme_id].max_gap_weeks)
            if self.now < latest + gap:
                continue
            occasion = self.local_date(scheme_id, latest).isoformat()
            for role in ("mentee", "mentor"):
                self.to_person(
                    setting,
                    latest + gap,
                    pair,
                    pair[f"{role}_id"],
                    subject_type="mentorship",
                    subject_id=pair["id"],
                    occasion=occasion,
                )
            at_risk = latest + gap + timedelta(days=setting.days)
            if self.now >= at_risk:
                weeks = (self.now - latest).days // 7
                since = latest.astimezone(self.scan.zones[scheme_id])
                self.flag(
                    pair,
                    "gap",
                    occasion,
                    at_risk,
                    f"No session held or planned since {since:%-d %B %Y} ({weeks} weeks).",
                )

    def agreements(self) -> None:
        """The agreement not signed some days after the match."""
        in_force = set(
            AgreementVersion.objects.filter(
                self._active_filter(), status=AgreementVersion.Status.IN_FORCE
            ).values_list("mentorship_id", flat=True)
        )
        signed: dict[int, set[str]] = defaultdict(set)
        # A signature counts only on the draft's current text: an edit since voids it.
        for mentorship_id, role in Signature.objects.filter(
            self._active_filter("version__"),
            version__status=AgreementVersion.Status.DRAFT,
            content_hash=F("version__content_hash"),
        ).values_list("version__mentorship_id", "role"):
            signed[mentorship_id].add(role)
        self.queries += 2
        self.in_force = in_force
        for pair in self.active:
            setting = self.setting(pair["scheme_id"], "agreement_unsigned")
            if setting is None or pair["id"] in in_force:
                continue
            trigger = pair["started_at"] + timedelta(days=setting.days)
            if self.now < trigger:
                continue
            waiting = [r for r in ("mentee", "mentor") if r not in signed[pair["id"]]]
            for role in waiting:
                self.to_person(
                    setting,
                    trigger,
                    pair,
                    pair[f"{role}_id"],
                    subject_type="mentorship",
                    subject_id=pair["id"],
                    occasion="",
                )
            names = " and ".join(f"the {r}" for r in waiting) or "nobody"
            self.flag(
                pair,
                "agreement_unsigned",
                "",
                trigger,
                f"No agreement in force {setting.days} days after the match; not yet signed by "
                f"{names}.",
            )

    def matches(self) -> None:
        """A match not answered near its deadline."""
        for pair in self.proposed:
            setting = self.setting(pair["scheme_id"], "match_unanswered")
            if setting is None:
                continue
            trigger = pair["respond_by"] - timedelta(days=setting.days)
            if not trigger <= self.now < pair["respond_by"]:
                continue
            occasion = pair["respond_by"].isoformat()
            waiting = [
                r
                for r in ("mentee", "mentor")
                if pair[f"{r}_response"] == Mentorship.Response.PENDING
            ]
            for role in waiting:
                self.to_person(
                    setting,
                    trigger,
                    pair,
                    pair[f"{role}_id"],
                    subject_type="mentorship",
                    subject_id=pair["id"],
                    occasion=occasion,
                )
            if waiting:
                self.flag(
                    pair,
                    "match_unanswered",
                    occasion,
                    trigger,
                    "Waiting for " + " and ".join(f"the {r}" for r in waiting) + " to answer by "
                    f"{pair['respond_by'].astimezone(self.scan.zones[pair['scheme_id']]):%-d %B}.",
                )

    def evaluations(self) -> None:
        """Evaluations due, asked again, then overdue (the rules of
        ``sessions.selectors.evaluations``, decided for every pair at once)."""
        done = set(
            Evaluation.objects.filter(self._active_filter()).values_list(
                "mentorship_id", "role", "milestone"
            )
        )
        ends = dict(
            AgreementVersion.objects.filter(
                self._active_filter(),
                status=AgreementVersion.Status.IN_FORCE,
                end_date__isnull=False,
            ).values_list("mentorship_id", "end_date")
        )
        reviews = dict(
            FinalReview.objects.filter(self._active_filter()).values_list(
                "mentorship_id", "completed_at"
            )
        )
        wind_up = dict(
            StageMove.objects.filter(self._active_filter(), to_stage=Stage.WIND_UP)
            .values("mentorship_id")
            .annotate(at=Max("moved_at"))
            .values_list("mentorship_id", "at")
        )
        asked = {
            (row["mentorship_id"], row["recipient"], row["occasion"]): row["created_at"]
            for row in ReminderRow.objects.filter(
                self._active_filter(), kind="evaluation_due"
            ).values("mentorship_id", "recipient", "occasion", "created_at")
        }
        self.queries += 5
        for pair in self.active:
            scheme_id = pair["scheme_id"]
            setting = self.setting(scheme_id, "evaluation_due")
            if setting is None:
                continue
            zone = self.scan.zones[scheme_id]
            today = self.today[scheme_id]
            start = pair["started_at"].astimezone(zone).date()
            end = ends.get(pair["id"]) or _add_months(
                pair["started_at"].date(), self.schemes[scheme_id].programme_months
            )
            review = reviews.get(pair["id"])
            follow_base = review.astimezone(zone).date() if review else end
            due_from: dict[str, date | None] = {
                Milestone.BASELINE: start,
                Milestone.MID: start + timedelta(days=(end - start).days // 2),
                Milestone.END: (
                    wind_up[pair["id"]].astimezone(zone).date() if pair["id"] in wind_up else today
                )
                if pair["stage"] in (Stage.WIND_UP, Stage.DISTANCE)
                else None,
                Milestone.FOLLOW_UP: _add_months(follow_base, self.follow_up_months[scheme_id])
                if pair["stage"] == Stage.DISTANCE
                else None,
            }
            for role in ("mentee", "mentor"):
                user_id = pair[f"{role}_id"]
                for milestone, day in due_from.items():
                    if day is None or day > today:
                        continue
                    if role == "mentor" and milestone == Milestone.BASELINE:
                        continue
                    if (pair["id"], role, milestone) in done:
                        continue
                    trigger = self.local_start(scheme_id, day)
                    common = dict(subject_type="mentorship", subject_id=pair["id"])
                    self.to_person(setting, trigger, pair, user_id, occasion=milestone, **common)
                    first = asked.get((pair["id"], _person(user_id), milestone))
                    again = first + timedelta(days=setting.days) if first else None
                    if again is not None and self.now >= again:
                        self.to_person(
                            setting, again, pair, user_id, occasion=f"{milestone}:again", **common
                        )
                    if again is not None and self.now >= again + OVERDUE_AFTER_AGAIN:
                        label = Milestone(milestone).label.lower()
                        self.flag(
                            pair,
                            "evaluation_overdue",
                            f"{role}:{milestone}",
                            again + OVERDUE_AFTER_AGAIN,
                            f"The {role}'s {label} evaluation has been due since {day:%-d %B %Y}.",
                        )

    def concerns_and_checks(self) -> None:
        """Concerns still open, and a "not working" answer to the early check."""
        for concern in (
            Concern.objects.filter(self._active_filter(), status=Concern.Status.OPEN)
            .values("id", "mentorship_id", "created_at", "role")
            .order_by()
        ):
            pair = self.by_id.get(concern["mentorship_id"])
            if pair is not None:
                self.flag(
                    pair,
                    "concern_open",
                    str(concern["id"]),
                    concern["created_at"],
                    f"The {concern['role']} raised a concern that is not resolved yet.",
                )
        latest: dict[tuple[int, str], Any] = {}
        for check in (
            PairingCheck.objects.filter(self._active_filter())
            .order_by("answered_at", "pk")
            .values("id", "mentorship_id", "role", "working", "answered_at")
        ):
            latest[(check["mentorship_id"], check["role"])] = check
        self.queries += 2
        for (mentorship_id, role), check in sorted(latest.items()):
            pair = self.by_id.get(mentorship_id)
            if pair is not None and not check["working"]:
                self.flag(
                    pair,
                    "pairing_not_working",
                    str(check["id"]),
                    check["answered_at"],
                    f"The {role} answered that the pairing is not working.",
                )

    def windows(self) -> None:
        """Applications closing soon, to people invited who have not applied."""
        closing = []
        for scheme in self.schemes.values():
            setting = self.setting(scheme.pk, "window_closing")
            close = scheme.applications_close_on
            if setting is None or close is None or scheme.status != Scheme.Status.OPEN:
                continue
            today = self.today[scheme.pk]
            if close - timedelta(days=setting.days) <= today <= close:
                closing.append((scheme, setting))
        if not closing:
            return
        ids = [scheme.pk for scheme, _ in closing]
        applied = set(
            Application.objects.filter(scheme_id__in=ids)
            .exclude(status=Application.Status.DRAFT)
            .values_list("scheme_id", "user_id")
        )
        invitations = Invitation.objects.filter(
            Q(pk__in=self.invitation_ids) if self.invitation_ids is not None else Q(),
            scheme_id__in=ids,
            role__in=[Role.MENTOR, Role.MENTEE],
            status__in=[Invitation.Status.PENDING, Invitation.Status.ACCEPTED],
        ).values(
            "id",
            "scheme_id",
            "email",
            "status",
            "expires_at",
            "accepted_by_id",
            "accepted_by__is_active",
        )
        self.queries += 2
        by_scheme = {scheme.pk: setting for scheme, setting in closing}
        for invitation in invitations:
            scheme_id = invitation["scheme_id"]
            setting = by_scheme[scheme_id]
            user_id = invitation["accepted_by_id"]
            if invitation["status"] == Invitation.Status.PENDING:
                if invitation["expires_at"] <= self.now:
                    continue
                recipient, email = f"email:{invitation['email'].lower()}", invitation["email"]
            else:
                if user_id is None or not invitation["accepted_by__is_active"]:
                    continue
                if (scheme_id, user_id) in applied:
                    continue
                recipient, email = _person(user_id), ""
            close = self.schemes[scheme_id].applications_close_on or self.today[scheme_id]
            self.add(
                setting,
                self.local_start(scheme_id, close - timedelta(days=setting.days)),
                scheme_id=scheme_id,
                recipient=recipient,
                user_id=user_id,
                email=email,
                subject_type="invitation",
                subject_id=invitation["id"],
                mentorship_id=None,
                occasion=close.isoformat(),
            )

    def digests(self) -> None:
        """The coordinators' weekly digest, when a scheme has pairs at risk that no
        coordinator has handled."""
        quiet = set(
            RiskHandling.objects.filter(
                # Every pair flagged, proposed ones included (not only the active).
                Q(mentorship_id__in=list(self.by_id) + [p["id"] for p in self.proposed])
                if self.mentorship_ids is not None
                else Q(mentorship__scheme_id__in=list(self.schemes)),
                handled_at__isnull=False,
            ).values_list("mentorship_id", "reason", "situation")
        )
        self.queries += 1
        self.quiet = quiet
        waiting = {risk.scheme_id for risk in self.scan.risks if risk.key not in quiet}
        due_schemes = []
        for scheme_id in waiting:
            setting = self.setting(scheme_id, "digest")
            local = self.now.astimezone(self.scan.zones[scheme_id])
            if setting is None or local.weekday() != DIGEST_WEEKDAY or local.hour < DIGEST_HOUR:
                continue
            due_schemes.append((scheme_id, setting, local))
        if not due_schemes:
            return
        coordinators = Membership.objects.filter(
            scheme_id__in=[s for s, _, _ in due_schemes],
            role=Role.COORDINATOR,
            user__is_active=True,
        ).values_list("scheme_id", "user_id")
        self.queries += 1
        by_scheme: dict[int, list[int]] = defaultdict(list)
        for scheme_id, user_id in coordinators:
            by_scheme[scheme_id].append(user_id)
        for scheme_id, setting, local in due_schemes:
            trigger = local.replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
            for user_id in by_scheme[scheme_id]:
                self.add(
                    setting,
                    trigger,
                    scheme_id=scheme_id,
                    recipient=_person(user_id),
                    user_id=user_id,
                    email="",
                    subject_type="scheme",
                    subject_id=scheme_id,
                    mentorship_id=None,
                    occasion=local.date().isoformat(),
                )


def reminders_scan(
    *,
    now: datetime | None = None,
    scheme_ids: Iterable[int] | None = None,
    mentorship_ids: Iterable[int] | None = None,
    include_window: bool = True,
    invitation_ids: Iterable[int] | None = None,
    risks_only: bool = False,
) -> Scan:
    """The reminders due now and the pairs at risk (with ``risks_only``, the pairs at
    risk alone, which is quicker), in every scheme that is not a
    draft (or in ``scheme_ids``; or for ``mentorship_ids`` and ``invitation_ids``
    only). The number of
    queries does not depend on the number of pairs."""
    now = now or timezone.now()
    scanner = _Scanner(
        now,
        None if scheme_ids is None else list(scheme_ids),
        None if mentorship_ids is None else list(mentorship_ids),
        include_window,
        None if invitation_ids is None else list(invitation_ids),
        risks_only,
    )
    scanner.pairs()
    scanner.sessions()
    scanner.agreements()
    scanner.matches()
    scanner.evaluations()
    scanner.concerns_and_checks()
    if risks_only:
        # The pairs at risk only (the pages that count them): no reminder is built.
        scanner.scan.queries = scanner.queries
        return scanner.scan
    if include_window:
        scanner.windows()
    scanner.digests()
    scanner.scan.queries = scanner.queries
    return scanner.scan


def reminder_url(reminder: ReminderRow) -> str:
    """The page where the person does what ``reminder`` asks (a path on this site)."""
    pair = {"pk": reminder.mentorship_id}
    kind = reminder.kind
    if kind == "session_tomorrow":
        return reverse("sessions:session", kwargs={**pair, "session": reminder.subject_id})
    if kind == "agenda_missing":
        return reverse("sessions:session_agenda", kwargs={**pair, "session": reminder.subject_id})
    if kind == "summary_missing":
        return reverse("sessions:session_summary", kwargs={**pair, "session": reminder.subject_id})
    if kind == "gap":
        return reverse("sessions:session_plan", kwargs=pair)
    if kind == "agreement_unsigned":
        return reverse("agreements:agreement", kwargs=pair)
    if kind == "match_unanswered":
        return reverse("matching:mentorship", kwargs=pair)
    if kind == "evaluation_due":
        milestone = reminder.occasion.partition(":")[0]
        return reverse("sessions:evaluation", kwargs={**pair, "milestone": milestone})
    if kind == "window_closing":
        if reminder.user_id:
            return reverse("schemes:my_schemes")
        token = (
            Invitation.objects.filter(pk=reminder.subject_id)
            .values_list("token", flat=True)
            .first()
        )
        return reverse("schemes:invitation", kwargs={"token": token}) if token else "/"
    slug = Scheme.objects.filter(pk=reminder.scheme_id).values_list("slug", flat=True).first()
    return reverse("sessions:at_risk", kwargs={"slug": slug})


def coordinator_pair_url(mentorship: Mentorship) -> str:
    """Where a coordinator sees a pair: its page once started, else the scheme's
    matches waiting for an answer (a match not started has no pair's page)."""
    slug = mentorship.scheme.slug
    if mentorship.started_at is not None:
        return reverse("agreements:scheme_pair", kwargs={"slug": slug, "pk": mentorship.pk})
    return (
        reverse("matching:scheme_mentorships", kwargs={"slug": slug})
        + f"?status={Mentorship.Status.PROPOSED}"
    )


# The flags of each scheme, kept between scans -------------------------------------------

# The hourly sweep's flags are kept until the next sweep has run (with a margin); flags
# counted on demand, when the sweep's have gone, for a few minutes.
RISKS_SWEPT_SECONDS = 65 * 60
RISKS_ASKED_SECONDS = 5 * 60


def _risks_key(scheme_id: int) -> str:
    return f"sessions:risks:{scheme_id}"


def risks_remember(scan: Scan, now: datetime) -> None:
    """Keep the flags of every scheme ``scan`` read (none is a finding too) until the
    next hourly sweep, for pages that count them (``scheme_risks``): each as its key
    (pair, reason, situation) alone, never its detail."""
    by_scheme: dict[int, list[tuple[int, str, str]]] = {pk: [] for pk in scan.zones}
    for risk in scan.risks:
        by_scheme.setdefault(risk.scheme_id, []).append(risk.key)
    cache.set_many(
        {_risks_key(pk): (now, keys) for pk, keys in by_scheme.items()}, RISKS_SWEPT_SECONDS
    )


def scheme_risks(scheme_id: int) -> tuple[datetime, list[tuple[int, str, str]]]:
    """When the flags of the scheme were found, and the key (pair, reason, situation)
    of every one (handled or not, whoever reads): the last sweep's, else a scan of the
    scheme now, kept a few minutes. For counts, which may be an hour old; the at-risk
    page scans afresh."""
    found = cache.get(_risks_key(scheme_id))
    if found is None:
        now = timezone.now()
        scan = reminders_scan(now=now, scheme_ids=[scheme_id], risks_only=True)
        found = (now, [risk.key for risk in scan.risks if risk.scheme_id == scheme_id])
        cache.set(_risks_key(scheme_id), found, RISKS_ASKED_SECONDS)
    return found
