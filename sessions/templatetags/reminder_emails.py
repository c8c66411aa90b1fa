"""What the reminder e-mails say about themselves: the rule that sent one, in the
sentence the scheme's Reminders page publishes, with the scheme's own numbers."""

from django import template

from sessions.rules import rule_for, rule_sentence
from sessions.selectors.reminders import rule_settings

register = template.Library()


@register.simple_tag
def reminder_why(scheme, kind: str) -> str:
    """The rule of ``kind`` as ``scheme`` runs it, in one sentence ("2 days before a
    planned session that has no agenda, the mentee is asked to write one.")."""
    setting = rule_settings([scheme.pk])[scheme.pk][kind]
    return rule_sentence(rule_for(kind), days=setting.days, gap_weeks=scheme.max_gap_weeks)
