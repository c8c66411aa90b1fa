"""Each person's notifications: the in-app list of the reminders sent to them, its
unread count, the choices on their notification settings page, and what an
unsubscribe link stops.

A ``Reminder`` row with ``user`` set is that person's notification, whether it was
e-mailed or not; one skipped by the sender (done before it went) is not shown.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from mentoring.models import User
from schemes.models import PARTICIPANT_ROLES, Membership, Role, Scheme
from sessions.models import (
    Evaluation,
    MentoringSession,
    NotificationPreference,
    Reminder,
    SessionSettings,
)
from sessions.rules import RULES, Rule, rule_for, rule_sentence
from sessions.selectors.reminders import rule_settings
from sessions.services.reminders import unsubscribe_read

__all__ = [
    "NotificationRow",
    "RuleChoice",
    "UnsubscribeTarget",
    "notification_choices",
    "notification_rows",
    "notifications_for",
    "own_notifications",
    "unread_count",
    "unsubscribe_target",
]

# Why a person cannot switch off the e-mail of an essential reminder.


def own_notifications(user: User) -> QuerySet[Reminder]:
    """``user``'s notifications (their reminders not skipped), newest first."""
    return Reminder.objects.filter(user=user).exclude(status=Reminder.Status.SKIPPED)


def notifications_for(user: User, limit: int | None = None) -> QuerySet[Reminder]:
    """``user``'s notifications, newest first, with what their one-line descriptions
    read (the scheme, its time zone, the pair), ``limit`` of them when given."""
    rows = own_notifications(user).select_related(
        "scheme__session_settings", "mentorship__mentee", "mentorship__mentor"
    )
    return rows[:limit] if limit is not None else rows


def unread_count(user: User) -> int:
    """How many of ``user``'s notifications are unread, in one query."""
    return own_notifications(user).filter(read_at__isnull=True).count()


@dataclass(frozen=True)
class NotificationRow:
    """One notification as the list shows it."""

    reminder: Reminder
    label: str
    description: str
    when: datetime
    zone: ZoneInfo  # the time zone of the scheme it is about, to show ``when`` in
    unread: bool


def _zone(scheme: Scheme) -> ZoneInfo:
    try:
        return ZoneInfo(scheme.session_settings.time_zone)
    except SessionSettings.DoesNotExist:
        return ZoneInfo(settings.TIME_ZONE)


def _moment(moment: datetime, zone: ZoneInfo) -> str:
    return f"{timezone.localtime(moment, zone):%-d %B %Y at %H:%M}"


def _day(day: date) -> str:
    return f"{day:%-d %B %Y}"


def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _describe(reminder: Reminder, zone: ZoneInfo, starts: dict[int, datetime]) -> str:
    """One line saying what ``reminder`` was about, true whenever it is read."""
    kind = reminder.kind
    scheme = reminder.scheme.name
    mentorship = reminder.mentorship
    other = ""
    if mentorship is not None:
        mentee = reminder.user_id == mentorship.mentee_id
        other = (mentorship.mentor if mentee else mentorship.mentee).display_name
    if reminder.subject_type == "session":
        when = starts.get(reminder.subject_id)
        if when is None:  # the session's own time is gone; the reminder kept it
            try:
                when = datetime.fromisoformat(reminder.occasion)
            except ValueError:
                when = None
        on = f" on {_moment(when, zone)}" if when else ""
        return f"Your session with {other}{on}." if other else f"Your session{on}."
    if kind == "gap":
        since = _iso_date(reminder.occasion)
        after = f" since {_day(since)}" if since else ""
        return (
            f"Your mentorship with {other}: no session held or planned{after} when this was sent."
        )
    if kind == "agreement_unsigned":
        return f"Your agreement with {other}, in {scheme}."
    if kind == "match_unanswered":
        by = f", to answer by {_moment(mentorship.respond_by, zone)}" if mentorship else ""
        return f"Your match with {other} in {scheme}{by}."
    if kind == "evaluation_due":
        milestone, _, again = reminder.occasion.partition(":")
        try:
            name = Evaluation.Milestone(milestone).label.lower()
        except ValueError:
            name = ""
        what = f"Your {name} evaluation" if name else "Your evaluation"
        asked = " (asked again)" if again else ""
        return f"{what} of your mentorship with {other}{asked}."
    if kind == "window_closing":
        close = _iso_date(reminder.occasion)
        on = f" on {_day(close)}" if close else " soon"
        return f"Applications to {scheme} close{on}."
    if kind == "digest":
        day = _iso_date(reminder.occasion)
        on = f", as listed on {_day(day)}" if day else ""
        return f"The pairs at risk in {scheme}{on}."
    return f"About {scheme}."


def notification_rows(reminders: list[Reminder]) -> list[NotificationRow]:
    """The list's rows for ``reminders`` (loaded by ``notifications_for``): one more
    query at most, for the times of the sessions they are about."""
    session_ids = {r.subject_id for r in reminders if r.subject_type == "session"}
    starts = (
        dict(MentoringSession.objects.filter(pk__in=session_ids).values_list("pk", "starts_at"))
        if session_ids
        else {}
    )
    rows = []
    for reminder in reminders:
        zone = _zone(reminder.scheme)
        rows.append(
            NotificationRow(
                reminder=reminder,
                label=rule_for(reminder.kind).label,
                description=_describe(reminder, zone, starts),
                when=reminder.created_at,
                zone=zone,
                unread=reminder.read_at is None,
            )
        )
    return rows


# The notification settings page -------------------------------------------------------


@dataclass(frozen=True)
class RuleChoice:
    """One reminder on a person's settings page: the rule, what it says in each of their
    schemes, and whether they get it by e-mail."""

    rule: Rule
    lines: list[str]  # the rule as each of the person's schemes runs it
    by_email: bool
    why: str = ""  # essential rules: why the e-mail always goes


def _names(names: list[str]) -> str:
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _lines(rule: Rule, schemes: list[Scheme], settings_by_scheme: dict) -> list[str]:
    """The rule's sentence with each scheme's numbers, schemes that say the same
    together; the defaults when the person is in no scheme yet."""
    if not schemes:
        gap = Scheme._meta.get_field("max_gap_weeks").get_default()
        default = rule_sentence(rule, days=rule.default_days, gap_weeks=gap)
        return [f"Unless a scheme changes it: {_lower_first(default)}"]
    said: dict[str | None, list[str]] = defaultdict(list)
    for scheme in schemes:
        setting = settings_by_scheme[scheme.pk][rule.kind]
        said[
            rule_sentence(rule, days=setting.days, gap_weeks=scheme.max_gap_weeks)
            if setting.enabled
            else None
        ].append(scheme.name)
    if len(said) == 1:
        only = next(iter(said))
        if only is not None:
            return [only]
        whose = "your schemes" if len(schemes) > 1 else "your scheme"
        return [f"Switched off by the coordinators of {whose}, so it is not sent."]
    return [
        f"In {_names(names)}: "
        + (
            _lower_first(sentence)
            if sentence
            else f"switched off by {'its' if len(names) == 1 else 'their'} coordinators."
        )
        for sentence, names in said.items()
    ]


def notification_choices(user: User) -> tuple[list[RuleChoice], list[RuleChoice]]:
    """The optional reminders ``user`` may choose to get by e-mail (the coordinators'
    digest only for a coordinator), and the essential ones, which always go; each
    with its sentence as each of their schemes runs it. Three queries."""
    memberships = list(Membership.objects.filter(user=user).select_related("scheme"))
    as_participant = list(
        {m.scheme_id: m.scheme for m in memberships if m.role in PARTICIPANT_ROLES}.values()
    )
    as_coordinator = list(
        {m.scheme_id: m.scheme for m in memberships if m.role == Role.COORDINATOR}.values()
    )
    schemes = {s.pk for s in as_participant + as_coordinator}
    settings_by_scheme = rule_settings(schemes)
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "by_email"))
    optional, essential = [], []
    for rule in RULES:
        if rule.for_coordinators:
            if not as_coordinator:
                continue
            lines = _lines(rule, as_coordinator, settings_by_scheme)
        else:
            lines = _lines(rule, as_participant, settings_by_scheme)
        if rule.essential:
            essential.append(
                RuleChoice(rule=rule, lines=lines, by_email=True, why=rule.why_essential)
            )
        else:
            optional.append(
                RuleChoice(rule=rule, lines=lines, by_email=chosen.get(rule.kind, True))
            )
    return optional, essential


# Unsubscribe --------------------------------------------------------------------------


@dataclass(frozen=True)
class UnsubscribeTarget:
    """What an unsubscribe link stops: e-mails of ``rule`` to its person."""

    rule: Rule
    has_account: bool
    by_email: bool  # whether they get it by e-mail now


def unsubscribe_target(token: str) -> UnsubscribeTarget | None:
    """What ``token`` would stop, or None when it is not a valid link (tampered, for an
    essential reminder, or for an account that no longer exists)."""
    read = unsubscribe_read(token)
    if read is None:
        return None
    user_id, email, kind = read
    if user_id is not None:
        if not User.objects.filter(pk=user_id).exists():
            return None
        choice = NotificationPreference.objects.filter(user_id=user_id, kind=kind)
    else:
        choice = NotificationPreference.objects.filter(
            user__isnull=True, email__iexact=email, kind=kind
        )
    by_email = choice.values_list("by_email", flat=True).first()
    return UnsubscribeTarget(
        rule=rule_for(kind),
        has_account=user_id is not None,
        by_email=True if by_email is None else by_email,
    )
