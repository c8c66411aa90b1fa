"""The retention schedule: every kind of personal data the site keeps, for how long, why,
who reads it, and what happens when its time is over (deleted, or anonymised where the
record must stay for a scheme's figures).

The schedule is one list of ``RetentionKind``; the privacy page, the daily job
(``privacy.services.retention.retention_apply``), the coordinators' notice and the
``apply_retention`` command all read it, so they cannot disagree. Each kind has a
function that counts what is due and one that removes it, in bulk.

Two sorts of period:

- **per scheme**: a scheme's personal data is kept ``Scheme.retention_months`` after the
  scheme closed (``Scheme.closed_at``), and never removed until its coordinators were
  told a fortnight before (``NOTICE_DAYS``): the data of a scheme whose period is over
  when its notice goes goes a fortnight after the notice.
- **fixed**: e-mail logs, the audit trail and the roof's exports are kept a number of
  days, months or hours (settings) from when each row was written.

What is due is found by its content: an anonymised row holds no text any more, so it is
not due again, and the job can run every day (or twice) and change each row once. A
higher floor (the roof, whose exports privacy may not import) adds its own kinds with
``register_retention_kind`` from its ``AppConfig.ready``.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Case, CharField, Min, Q, Value, When
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from agreements.models import (
    AgreementVersion,
    Concern,
    Goal,
    ProgressEntry,
    Signature,
    StageMove,
    Target,
)
from matching.models import Mentorship, Proposal
from mentoring.models import AuditEntry, OutboxMessage
from privacy.models import DataExport, RetentionNotice
from privacy.redaction import breakdown_reasons_removed, sentences_removed
from privacy.services.yourdata import data_exports_expire
from schemes.models import Application, Invitation, Scheme
from sessions.models import (
    Evaluation,
    FinalReview,
    MentoringSession,
    Reflection,
    Reminder,
    RiskHandling,
    SessionAction,
)
from sessions.selectors.evaluations import add_months

__all__ = [
    "ANONYMISE",
    "DELETE",
    "NOTICE_DAYS",
    "REMOVED",
    "Period",
    "RetentionKind",
    "RetentionScope",
    "SchemePeriod",
    "SchemeRetention",
    "Scrub",
    "months_before",
    "register_retention_kind",
    "retention_kinds",
    "retention_scope",
    "scheme_periods_for_user",
    "scheme_retention",
    "scheme_retention_default_months",
]

DELETE = "delete"
ANONYMISE = "anonymise"
# How long before a closed scheme's personal data is removed its coordinators are told.
NOTICE_DAYS = 14
# What stands in a text a row must keep (a constraint wants it filled) once removed.
REMOVED = "[removed]"
# The domain of an invited person's address once removed: reserved, never delivered.
REMOVED_DOMAIN = "removed.invalid"


def scheme_retention_default_months() -> int:
    """A new scheme's retention period, in months after it closes."""
    return int(Scheme._meta.get_field("retention_months").get_default())


@dataclass(frozen=True)
class Period:
    """How long a kind is kept: ``unit`` ("hours", "days", "months") counted ``start``
    (from what). ``setting`` names the setting that holds the number; none means each
    scheme's own ``retention_months``."""

    unit: str
    start: str
    setting: str = ""

    @property
    def per_scheme(self) -> bool:
        return not self.setting

    @property
    def amount(self) -> int:
        """The number of units (for a scheme's period: a new scheme's default)."""
        if self.per_scheme:
            return scheme_retention_default_months()
        return int(getattr(settings, self.setting))

    def __str__(self) -> str:
        amount = self.amount
        unit = self.unit if amount != 1 else self.unit.removesuffix("s")
        if self.per_scheme:
            return f"each scheme's own period {self.start} ({amount} {unit} unless it sets another)"
        return f"{amount} {unit} {self.start}"


@dataclass(frozen=True)
class RetentionScope:
    """What a kind's functions work on: the moment, and the closed schemes whose personal
    data is due for removal at that moment (for the kinds kept per scheme)."""

    now: datetime
    scheme_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class RetentionKind:
    """One kind of personal data in the schedule.

    ``count(scope)`` says how many rows are due; ``apply(scope)`` removes them in bulk
    and returns how many it changed (it runs inside a transaction of its own).
    ``kept`` says what stays of an anonymised row."""

    key: str
    label: str
    covers: str
    period: Period
    reason: str
    end_action: str
    readers: str
    count: Callable[[RetentionScope], int] = field(repr=False)
    apply: Callable[[RetentionScope], int] = field(repr=False)
    kept: str = ""

    @property
    def per_scheme(self) -> bool:
        return self.period.per_scheme

    @property
    def end_action_label(self) -> str:
        return "Deleted" if self.end_action == DELETE else "Anonymised"


def months_before(moment: datetime, months: int) -> datetime:
    """``moment`` ``months`` calendar months earlier (the month's last day when it has
    fewer days)."""
    day = add_months(moment.date(), -months)
    return moment.replace(year=day.year, month=day.month, day=day.day)


# Anonymising: which rows of a model still hold a person's words, and what replaces them.


@dataclass(frozen=True)
class Scrub:
    """One model's personal text in the schemes being cleared: ``blank`` text fields
    become empty, ``required`` ones (which a constraint or the pages need filled)
    become ``REMOVED`` unless empty, ``emptied`` fields take the value given (an empty
    list or mapping, None), ``replaced`` ones an expression, with the condition under
    which a row still holds the original. ``scheme`` is the lookup from the model to
    its scheme's id."""

    model: type[models.Model]
    scheme: str
    blank: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    emptied: dict[str, Any] = field(default_factory=dict)
    replaced: dict[str, tuple[Q, Any]] = field(default_factory=dict)

    def holding(self) -> Q:
        """The rows that still hold something this scrub removes."""
        conditions = [~Q(**{name: ""}) for name in self.blank]
        conditions += [~Q(**{name: ""}) & ~Q(**{name: REMOVED}) for name in self.required]
        for name, value in self.emptied.items():
            conditions.append(
                Q(**{f"{name}__isnull": False}) if value is None else ~Q(**{name: value})
            )
        conditions += [still for still, _ in self.replaced.values()]
        combined = Q()
        for condition in conditions:
            combined |= condition
        return combined

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = dict.fromkeys(self.blank, "")
        for name in self.required:
            values[name] = Case(When(**{name: ""}, then=Value("")), default=Value(REMOVED))
        values.update(self.emptied)
        values.update({name: expression for name, (_, expression) in self.replaced.items()})
        return values

    def rows(self, scheme_ids: Iterable[int]) -> models.QuerySet:
        return self.model._default_manager.filter(
            Q(**{f"{self.scheme}__in": list(scheme_ids)}), self.holding()
        )

    def count(self, scheme_ids: tuple[int, ...]) -> int:
        return self.rows(scheme_ids).count() if scheme_ids else 0

    def apply(self, scheme_ids: tuple[int, ...]) -> int:
        return self.rows(scheme_ids).update(**self.values()) if scheme_ids else 0


@dataclass(frozen=True)
class Rewrite:
    """One JSON field rewritten row by row in Python, where SQL cannot reach inside it
    on every database: ``transform`` gives the value without the personal text (the
    same value when there is none). Counted and applied like a ``Scrub``."""

    model: type[models.Model]
    scheme: str
    field: str
    transform: Callable[[Any], Any]

    def _changes(self, scheme_ids: Iterable[int]) -> list[tuple[int, Any]]:
        rows = self.model._default_manager.filter(
            **{f"{self.scheme}__in": list(scheme_ids)}
        ).values_list("pk", self.field)
        changes = []
        for pk, value in rows.iterator():
            changed = self.transform(value)
            if changed != value:
                changes.append((pk, changed))
        return changes

    def count(self, scheme_ids: tuple[int, ...]) -> int:
        return len(self._changes(scheme_ids)) if scheme_ids else 0

    def apply(self, scheme_ids: tuple[int, ...]) -> int:
        changes = self._changes(scheme_ids) if scheme_ids else []
        for pk, value in changes:
            self.model._default_manager.filter(pk=pk).update(**{self.field: value})
        return len(changes)


def _scrubbing(*scrubs: Scrub | Rewrite) -> tuple[Callable[[RetentionScope], int], ...]:
    """The count and apply functions of a kind made of ``scrubs``."""

    def count(scope: RetentionScope) -> int:
        return sum(scrub.count(scope.scheme_ids) for scrub in scrubs)

    def apply(scope: RetentionScope) -> int:
        return sum(scrub.apply(scope.scheme_ids) for scrub in scrubs)

    return count, apply


# The applicants' answers. Kept: role, status, the dates, the department and the grade
# (HR's impact report and the exports are broken down by them), the consent given.
APPLICATIONS = (
    Scrub(
        Application,
        "scheme_id",
        blank=(
            "title",
            "phone",
            "professional_body",
            "heard_from",
            "job_title",
            "qualifications",
            "time_in_role",
            "responsibilities",
            "line_manager_email",
            "term",
            "match_preference",
            "restrictions",
            "reason",
            "reason_details",
            "current_challenges",
            "issues_on_mind",
            "awake_at_night",
            "biggest_fear",
            "success_means",
            "behave_differently",
            "know_it_worked",
            "mentor_reasons",
            "mentored_before",
            "experience",
            "decision_reason",
        ),
        emptied={
            "descriptive_words": [],
            "locations": [],
            "avoid_people": [],
            "avoid_departments": [],
            "areas_wanted": [],
            "areas_offered": [],
            "answers": {},
            "travel": None,
            "face_to_face": None,
            "capacity": None,
        },
    ),
    # An invited person's name and address; the invitation's status stays (the funnel
    # counts invitations). Each address becomes one of its own, so that the "one
    # pending invitation per address" constraint still holds.
    Scrub(
        Invitation,
        "scheme_id",
        blank=("name",),
        replaced={
            "email": (
                ~Q(email__endswith=f"@{REMOVED_DOMAIN}"),
                Concat(
                    Value("invitation-"),
                    Cast("pk", output_field=CharField()),
                    Value(f"@{REMOVED_DOMAIN}"),
                    output_field=CharField(),
                ),
            )
        },
    ),
)

# What the pairs wrote, and what was written about them. Kept: dates, lengths, counts,
# statuses, stages, ratings and scores.
PAIR_CONTENT = (
    Scrub(
        Mentorship,
        "scheme_id",
        blank=("decline_reason",),
        required=("end_reason",),
        emptied={"shared_answers": []},
    ),
    Scrub(Proposal, "run__scheme_id", required=("override_reason",)),
    # Why a pair was matched quotes both people's answers, and a rule overridden repeats
    # what an applicant asked for: the reasons go, the points and how many rules stay.
    Rewrite(Mentorship, "scheme_id", "breakdown", breakdown_reasons_removed),
    Rewrite(Proposal, "run__scheme_id", "breakdown", breakdown_reasons_removed),
    Rewrite(
        Proposal,
        "run__scheme_id",
        "overridden_constraints",
        lambda sentences: sentences_removed(sentences, REMOVED),
    ),
    Scrub(
        AgreementVersion,
        "mentorship__scheme_id",
        blank=(
            "purpose",
            "success",
            "help_asked",
            "help_offered",
            "mentor_will_not",
            "confidentiality",
            "meeting_frequency",
            "meeting_format",
            "cancellations",
            "review",
        ),
        emptied={"objectives": []},
    ),
    Scrub(Signature, "version__mentorship__scheme_id", required=("typed_name",)),
    Scrub(
        Goal,
        "mentorship__scheme_id",
        blank=("why", "success_criteria"),
        required=("title",),
    ),
    Scrub(
        Target, "goal__mentorship__scheme_id", blank=("achievable",), required=("what", "measure")
    ),
    Scrub(ProgressEntry, "goal__mentorship__scheme_id", blank=("comment",)),
    Scrub(StageMove, "mentorship__scheme_id", required=("reason",)),
    Scrub(Concern, "mentorship__scheme_id", blank=("action",), required=("text",)),
    Scrub(
        MentoringSession,
        "mentorship__scheme_id",
        blank=("place", "cancel_reason", "summary"),
        emptied={"agenda": {}},
    ),
    Scrub(SessionAction, "mentorship__scheme_id", required=("text",)),
    Scrub(Reflection, "session__mentorship__scheme_id", emptied={"answers": {}}),
    Scrub(
        FinalReview,
        "mentorship__scheme_id",
        blank=("targets_met", "enjoyed", "difficult", "marking_end"),
    ),
    Scrub(RiskHandling, "mentorship__scheme_id", blank=("note",)),
)

EVALUATIONS = (Scrub(Evaluation, "mentorship__scheme_id", blank=("comments",)),)


def _reminders(scope: RetentionScope) -> models.QuerySet[Reminder]:
    # A reminder about a pair still open (a closed scheme's pair that never ended) is
    # what stops the same reminder going again: it stays while the pair does.
    return Reminder.objects.filter(scheme_id__in=scope.scheme_ids).exclude(
        mentorship__status__in=Mentorship.OPEN
    )


def _outbox(scope: RetentionScope) -> models.QuerySet[OutboxMessage]:
    cutoff = scope.now - timedelta(days=settings.RETENTION_EMAIL_LOG_DAYS)
    return OutboxMessage.objects.filter(
        status__in=[OutboxMessage.Status.SENT, OutboxMessage.Status.FAILED],
        created_at__lt=cutoff,
    )


def _audit(scope: RetentionScope) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        created_at__lt=months_before(scope.now, settings.RETENTION_AUDIT_MONTHS)
    )


def _deleting(
    rows: Callable[[RetentionScope], models.QuerySet],
) -> tuple[Callable[[RetentionScope], int], ...]:
    """The count and apply functions of a kind whose due rows are deleted."""

    def count(scope: RetentionScope) -> int:
        return rows(scope).count()

    def apply(scope: RetentionScope) -> int:
        queryset = rows(scope)
        # Only the kind's own rows are counted, not any that cascade from them.
        return queryset.delete()[1].get(queryset.model._meta.label, 0)

    return count, apply


AFTER_CLOSING = "after the scheme closes"
PAIR_ONLY = (
    "The pair only, and a reflection its author only until they share it. Coordinators "
    "read a concern raised with them, the reasons given for declining or ending a match, "
    "their own notes and reasons, and the title and progress ratings of a goal the pair "
    "chooses to share."
)

_KINDS: dict[str, RetentionKind] = {}


def register_retention_kind(kind: RetentionKind) -> None:
    """Add ``kind`` to the schedule (from a higher floor's ``AppConfig.ready``). The
    same kind registered twice (a second ``ready``) is kept once."""
    registered = _KINDS.get(kind.key)
    if registered is not None and registered != kind:
        raise ValueError(f"Two retention kinds are keyed {kind.key!r}.")
    _KINDS[kind.key] = kind


def retention_kinds() -> list[RetentionKind]:
    """The schedule, in the order the privacy page shows it."""
    return list(_KINDS.values())


_applications_count, _applications_apply = _scrubbing(*APPLICATIONS)
_pairs_count, _pairs_apply = _scrubbing(*PAIR_CONTENT)
_evaluations_count, _evaluations_apply = _scrubbing(*EVALUATIONS)
_reminders_count, _reminders_apply = _deleting(_reminders)
_outbox_count, _outbox_apply = _deleting(_outbox)
_audit_count, _audit_apply = _deleting(_audit)


def _copies_due(scope: RetentionScope) -> int:
    return DataExport.objects.filter(
        status=DataExport.Status.DONE, expires_at__lte=scope.now
    ).count()


def _copies_apply(scope: RetentionScope) -> int:
    return data_exports_expire(now=scope.now)


for _kind in (
    RetentionKind(
        key="applications",
        label="Applications and invitations",
        covers=(
            "Each applicant's answers to the questionnaire and to the scheme's own "
            "questions, the coordinators' reasons for their decisions, and the name and "
            "e-mail address of each person invited."
        ),
        period=Period(unit="months", start=AFTER_CLOSING),
        reason="To match mentors and mentees and to run the scheme, as applicants agree.",
        end_action=ANONYMISE,
        readers=(
            "The applicant, the scheme's coordinators and the site's administrators. Once "
            "matched, the other person of the pair sees the name, e-mail address, job "
            "title and department, and a mentee's goal-setting answers only if the mentee "
            "shares them."
        ),
        kept=(
            "Each application's role, status, dates, department and grade, and each "
            "invitation's status, so that the scheme's figures stay the same."
        ),
        count=_applications_count,
        apply=_applications_apply,
    ),
    RetentionKind(
        key="mentorship_content",
        label="What pairs write",
        covers=(
            "Agreements and the names typed to sign them, goals, targets and progress "
            "comments, sessions' places, agendas and summaries, actions, reflections, "
            "final reviews, concerns and what was done about them, notes on pairs at risk, "
            "and the reasons given for declining, ending or overriding a match."
        ),
        period=Period(unit="months", start=AFTER_CLOSING),
        reason=(
            "It is the pair's own record of their mentoring, and what the coordinators need "
            "to support them."
        ),
        end_action=ANONYMISE,
        readers=PAIR_ONLY,
        kept=(
            "Dates, lengths, counts, statuses, stages, ratings and scores, so that the "
            "scheme's figures stay the same."
        ),
        count=_pairs_count,
        apply=_pairs_apply,
    ),
    RetentionKind(
        key="evaluations",
        label="Evaluations",
        covers="The comments written with each evaluation.",
        period=Period(unit="months", start=AFTER_CLOSING),
        reason="To show whether the mentoring worked, for the pair and for the scheme.",
        end_action=ANONYMISE,
        readers=(
            "The person who answered. The scheme's coordinators see which evaluations were "
            "given, and the ratings in their scheme's exports; report viewers (HR) see the "
            "ratings as figures and in exports under a code that is not the person's name. "
            "Nobody but the person reads the comments."
        ),
        kept="The ratings, for the scheme's figures and the impact report.",
        count=_evaluations_count,
        apply=_evaluations_apply,
    ),
    RetentionKind(
        key="reminders",
        label="Reminders and notifications",
        covers=(
            "The record of each reminder sent to a person (what it was about, to whom) "
            "and their notifications in the app."
        ),
        period=Period(unit="months", start=AFTER_CLOSING),
        reason="So that each reminder is sent once, and so that people can read them later.",
        end_action=DELETE,
        readers=(
            "The person reminded. Coordinators see the reminders of their scheme that "
            "could not be e-mailed."
        ),
        count=_reminders_count,
        apply=_reminders_apply,
    ),
    RetentionKind(
        key="email_log",
        label="E-mail log",
        covers=(
            "The record of each e-mail and background task the site sent or gave up "
            "sending: whom it concerned and any error from the mail server."
        ),
        period=Period(
            unit="days", start="after it was written", setting="RETENTION_EMAIL_LOG_DAYS"
        ),
        reason=(
            "So that every e-mail is sent exactly once, and a failure can be seen and sent again."
        ),
        end_action=DELETE,
        readers=(
            "The site's administrators; coordinators see the e-mails of their scheme that "
            "could not be sent."
        ),
        count=_outbox_count,
        apply=_outbox_apply,
    ),
    RetentionKind(
        key="audit",
        label="Audit trail",
        covers=(
            "Who did what and when: published or changed matches, decisions on "
            "applications, changed roles, exported reports, sign-ins to the "
            "administration, the retention schedule applied. Never anything a person wrote."
        ),
        period=Period(unit="months", start="after the action", setting="RETENTION_AUDIT_MONTHS"),
        reason="So that the use of people's data can be accounted for.",
        end_action=DELETE,
        readers="The site's administrators only.",
        count=_audit_count,
        apply=_audit_apply,
    ),
    RetentionKind(
        key="data_copies",
        label="Copies of your data",
        covers="The ZIP file a person asks for, with everything the site holds about them.",
        period=Period(unit="hours", start="after it is written", setting="DATA_EXPORT_HOURS"),
        reason="So that the person who asked can download it.",
        end_action=DELETE,
        readers="The person it is about, and no one else.",
        count=_copies_due,
        apply=_copies_apply,
    ),
):
    register_retention_kind(_kind)


# When each closed scheme's personal data goes.


@dataclass(frozen=True)
class SchemeRetention:
    """A closed scheme's place in the schedule: its period ends on ``due_on``; its
    coordinators were told on ``notified_on`` (None: not yet); its personal data goes
    on ``removal_on``, never less than ``NOTICE_DAYS`` after the notice (None until
    the notice has gone)."""

    scheme_id: int
    name: str
    slug: str
    due_on: date
    notified_on: date | None

    @property
    def removal_on(self) -> date | None:
        if self.notified_on is None:
            return None
        return max(self.due_on, self.notified_on + timedelta(days=NOTICE_DAYS))

    def is_due(self, today: date) -> bool:
        return self.removal_on is not None and self.removal_on <= today

    def notice_due(self, today: date) -> bool:
        return self.notified_on is None and today >= self.due_on - timedelta(days=NOTICE_DAYS)


def scheme_retention(*, scheme_ids: Iterable[int] | None = None) -> list[SchemeRetention]:
    """Every closed scheme (or those of ``scheme_ids``) with its retention dates, in two
    queries. A scheme closed other than through its settings page (the admin) has no
    ``closed_at``: its period counts from its last change."""
    schemes = Scheme.objects.filter(status=Scheme.Status.CLOSED).annotate(
        closed_since=Coalesce("closed_at", "updated_at")
    )
    if scheme_ids is not None:
        schemes = schemes.filter(pk__in=list(scheme_ids))
    rows = list(
        schemes.order_by("name").values("pk", "name", "slug", "retention_months", "closed_since")
    )
    notified = {
        (row["scheme_id"], row["due_on"]): row["first"]
        for row in RetentionNotice.objects.filter(scheme_id__in=[row["pk"] for row in rows])
        .values("scheme_id", "due_on")
        .annotate(first=Min("notified_at"))
    }
    found = []
    for row in rows:
        due_on = add_months(timezone.localdate(row["closed_since"]), row["retention_months"])
        first = notified.get((row["pk"], due_on))
        found.append(
            SchemeRetention(
                scheme_id=row["pk"],
                name=row["name"],
                slug=row["slug"],
                due_on=due_on,
                notified_on=timezone.localdate(first) if first else None,
            )
        )
    return found


def retention_scope(*, now: datetime) -> tuple[RetentionScope, list[SchemeRetention]]:
    """The scope of a run at ``now``: the closed schemes whose data is due, with every
    closed scheme's dates."""
    schemes = scheme_retention()
    today = timezone.localdate(now)
    due = tuple(s.scheme_id for s in schemes if s.is_due(today))
    return RetentionScope(now=now, scheme_ids=due), schemes


@dataclass(frozen=True)
class SchemePeriod:
    """One of a person's schemes as the privacy page shows it: how long its personal
    data is kept, and (closed) when the period ends and the data goes."""

    name: str
    closed: bool
    months: int
    due_on: date | None
    removal_on: date | None


def scheme_periods_for_user(user: Any) -> list[SchemePeriod]:
    """The schemes ``user`` takes part in or coordinates, with their retention periods,
    in three queries whatever their number."""
    schemes = list(
        Scheme.objects.filter(memberships__user=user)
        .distinct()
        .order_by("name")
        .values("pk", "name", "status", "retention_months")
    )
    closed = {
        s.scheme_id: s
        for s in scheme_retention(
            scheme_ids=[row["pk"] for row in schemes if row["status"] == Scheme.Status.CLOSED]
        )
    }
    return [
        SchemePeriod(
            name=row["name"],
            closed=row["pk"] in closed,
            months=row["retention_months"],
            due_on=closed[row["pk"]].due_on if row["pk"] in closed else None,
            removal_on=closed[row["pk"]].removal_on if row["pk"] in closed else None,
        )
        for row in schemes
    ]
