"""The reminder rules: what each reminder is for, when it goes, to whom, and what a
scheme may change. The one list the sweep, the settings page, the e-mails, the
notification settings and ``docs/reminders.md`` all follow.

Each rule has one number a scheme may change (``days``), and may be switched off. Two
rules are essential (a match to answer, an agreement to sign): a person cannot opt out
of their e-mails, though a scheme may still switch the rule off.
"""

from dataclasses import dataclass

__all__ = ["RULES", "Rule", "rule_for", "rule_sentence"]


@dataclass(frozen=True)
class Rule:
    kind: str
    # Short name, on the settings pages and in the in-app list.
    label: str
    # The rule in one sentence, with ``{days}`` (and ``{gap}`` for the scheme's gap).
    sentence: str
    # Who gets it, in words.
    recipients: str
    default_days: int
    # The bounds of ``days`` a scheme may choose, and what the number counts.
    min_days: int
    max_days: int
    days_label: str
    # A person cannot switch off its e-mail, and why (on the settings page and in the
    # e-mail).
    essential: bool = False
    why_essential: str = ""
    # Sent to coordinators, not to the pair (not in a participant's settings).
    for_coordinators: bool = False


RULES: tuple[Rule, ...] = (
    Rule(
        kind="session_tomorrow",
        label="A session is coming up",
        sentence="{days} before a planned session, both people are reminded of it, "
        "with the calendar file.",
        recipients="The mentee and the mentor",
        default_days=1,
        min_days=1,
        max_days=7,
        days_label="days before the session",
    ),
    Rule(
        kind="agenda_missing",
        label="No agenda yet",
        sentence="{days} before a planned session that has no agenda, the mentee is "
        "asked to write one.",
        recipients="The mentee",
        default_days=2,
        min_days=1,
        max_days=14,
        days_label="days before the session",
    ),
    Rule(
        kind="summary_missing",
        label="No summary yet",
        sentence="{days} after a session held with no summary, both people are asked to write it.",
        recipients="The mentee and the mentor",
        default_days=3,
        min_days=1,
        max_days=14,
        days_label="days after the session",
    ),
    Rule(
        kind="gap",
        label="Time to meet again",
        sentence="When no session has been held or planned for {gap} (the scheme's "
        "longest gap), both people are reminded; the mentor follows up. {days} "
        "later, if still nothing is planned, the pair is on the coordinators' at-risk list.",
        recipients="The mentee and the mentor, then the coordinators",
        default_days=14,
        min_days=1,
        max_days=60,
        days_label="days after the reminder before the pair is at risk",
    ),
    Rule(
        kind="agreement_unsigned",
        label="The agreement is not signed",
        sentence="{days} after the match, if no agreement is in force, whoever has not "
        "signed is reminded, and the pair is on the at-risk list.",
        recipients="Whoever has not signed, then the coordinators",
        default_days=14,
        min_days=1,
        max_days=60,
        days_label="days after the match",
        essential=True,
        why_essential="Until both of you sign it, your agreement is not in force, and your "
        "coordinators see the pair as at risk.",
    ),
    Rule(
        kind="match_unanswered",
        label="A match to answer",
        sentence="{days} before the deadline to answer a match, whoever has not "
        "answered is reminded, and the pair is on the at-risk list.",
        recipients="Whoever has not answered, then the coordinators",
        default_days=2,
        min_days=1,
        max_days=14,
        days_label="days before the deadline",
        essential=True,
        why_essential="A match that is not answered by its deadline lapses.",
    ),
    Rule(
        kind="evaluation_due",
        label="An evaluation is due",
        sentence="When an evaluation becomes due, the person it asks is reminded, and once "
        "more {days} later if it is still not given; a week after that the pair is "
        "on the at-risk list.",
        recipients="The person whose evaluation it is, then the coordinators",
        default_days=7,
        min_days=1,
        max_days=30,
        days_label="days before asking again",
    ),
    Rule(
        kind="window_closing",
        label="Applications are closing",
        sentence="{days} before applications close, people invited who have not "
        "applied are reminded.",
        recipients="People invited who have not applied",
        default_days=3,
        min_days=1,
        max_days=14,
        days_label="days before applications close",
    ),
    Rule(
        kind="digest",
        label="Weekly digest of pairs at risk",
        sentence="Every Monday at 09:00 in the scheme's time zone, the coordinators get the "
        "list of pairs at risk, with links; nothing is sent when no pair is at risk.",
        recipients="The scheme's coordinators",
        default_days=0,
        min_days=0,
        max_days=0,
        days_label="",
        for_coordinators=True,
    ),
)

_BY_KIND = {rule.kind: rule for rule in RULES}
KINDS = tuple(_BY_KIND)
KIND_CHOICES = tuple((rule.kind, rule.label) for rule in RULES)


def rule_for(kind: str) -> Rule:
    return _BY_KIND[kind]


def rule_sentence(rule: Rule, *, days: int, gap_weeks: int) -> str:
    """The rule in one sentence, with a scheme's own numbers."""
    return rule.sentence.format(days=_count(days, "day"), gap=_count(gap_weeks, "week"))


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"
