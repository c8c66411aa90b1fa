"""A person's notification settings: one "By e-mail" checkbox per optional reminder
they may get, named by the rule's kind."""

from collections.abc import Iterable

from django import forms

from mentoring.forms import CleanTextMixin
from sessions.selectors.notifications import RuleChoice


class NotificationSettingsForm(CleanTextMixin, forms.Form):
    """The optional reminders of ``choices``, each ticked when it comes by e-mail."""

    def __init__(self, *args, choices: Iterable[RuleChoice], **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = list(choices)
        for choice in self.choices:
            self.fields[choice.rule.kind] = forms.BooleanField(
                label="By e-mail",
                required=False,
                initial=choice.by_email,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )

    def rows(self) -> list[tuple[RuleChoice, forms.BoundField]]:
        """Each reminder with its checkbox, in the order of the rules."""
        return [(choice, self[choice.rule.kind]) for choice in self.choices]

    def by_email(self) -> dict[str, bool]:
        """The choice, by kind, for ``notification_preferences_update``."""
        return {kind: bool(self.cleaned_data.get(kind)) for kind in self.fields}
