"""The forms of the coordinators' reminder pages: one rule of the scheme (send it or
not, its number of days, and, when it is switched on, whether pairs already past its
trigger get it), and the follow-up of one flag of the at-risk queue."""

from typing import Any

from django import forms

from mentoring.forms import CleanTextMixin
from sessions.selectors.reminders import RISK_REASONS, RuleSetting

CATCH_UP_ALL = "all"
CATCH_UP_NEW = "new"
CATCH_UP_CHOICES = [
    (CATCH_UP_ALL, "Also pairs already past it: they get it at the next hourly check"),
    (CATCH_UP_NEW, "Only new occasions: from now on"),
]
NOTE_MAX_LENGTH = 2000


class ReminderRuleForm(CleanTextMixin, forms.Form):
    """One rule as the scheme runs it. Named by the rule's kind (its prefix), so that
    every rule's form can sit in one page's form."""

    enabled = forms.BooleanField(label="Send this reminder", required=False)
    days = forms.IntegerField(required=False)
    catch_up = forms.ChoiceField(
        label="If you switch it on, who gets it?",
        choices=CATCH_UP_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Choose who gets it."},
    )

    def __init__(self, *args: Any, setting: RuleSetting, **kwargs: Any) -> None:
        self.setting = setting
        rule = setting.rule
        kwargs.setdefault("initial", {"enabled": setting.enabled, "days": setting.days})
        kwargs["prefix"] = rule.kind
        super().__init__(*args, **kwargs)
        if rule.kind == "digest":
            self.fields["enabled"].label = "Send the digest"
        if rule.max_days:
            bounds = f"Choose a number from {rule.min_days} to {rule.max_days}."
            self.fields["days"] = forms.IntegerField(
                label=rule.days_label[:1].upper() + rule.days_label[1:],
                min_value=rule.min_days,
                max_value=rule.max_days,
                required=False,
                help_text=f"From {rule.min_days} to {rule.max_days}; "
                f"{rule.default_days} unless you change it.",
                error_messages={
                    "invalid": f"Give a whole number. {bounds}",
                    "min_value": bounds,
                    "max_value": bounds,
                },
            )
        else:
            del self.fields["days"]
        if setting.enabled:
            # Already on: nobody is waiting for a choice about the past.
            del self.fields["catch_up"]
        else:
            self.fields["catch_up"].help_text = (
                "Only when you switch it on. Pairs already past its trigger means "
                "those whose moment came while it was off."
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        rule = self.setting.rule
        enabled = bool(cleaned.get("enabled"))
        days_missing = (
            "days" in self.fields and "days" not in self.errors and cleaned.get("days") is None
        )
        if days_missing and enabled:
            self.add_error("days", f"Give a number from {rule.min_days} to {rule.max_days}.")
        elif days_missing:
            # Switched off with the box left empty: the number stays as it was.
            cleaned["days"] = self.setting.days
        if (
            "catch_up" in self.fields
            and "catch_up" not in self.errors
            and enabled
            and not cleaned.get("catch_up")
        ):
            self.add_error(
                "catch_up",
                "You are switching it on: choose whether pairs already past it get it, "
                "or only new occasions.",
            )
        return cleaned

    @property
    def has_changes(self) -> bool:
        """Whether what was posted differs from how the scheme runs the rule now."""
        data = self.cleaned_data
        days = data.get("days", self.setting.days)
        return bool(data["enabled"]) != self.setting.enabled or days != self.setting.days

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": self.setting.rule.kind,
            "enabled": bool(data["enabled"]),
            "days": data.get("days", self.setting.days),
            "catch_up": data.get("catch_up") != CATCH_UP_NEW,
        }


HANDLE_SAVE = "save"
HANDLE_DONE = "handle"
HANDLE_REOPEN = "reopen"


class RiskHandleForm(CleanTextMixin, forms.Form):
    """A coordinator's follow-up of one flag: which flag (hidden), their note, and the
    button pressed."""

    reason = forms.ChoiceField(
        choices=[(reason, label) for reason, (label, _) in RISK_REASONS.items()]
    )
    situation = forms.CharField(max_length=100, required=False)
    note = forms.CharField(
        label="Your follow-up note",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        help_text="In your own words: what you did or will do. Never copy what the pair wrote.",
        error_messages={
            "max_length": f"Keep the note to {NOTE_MAX_LENGTH} characters (it has %(show_value)d)."
        },
    )
    action = forms.ChoiceField(
        choices=[
            (HANDLE_SAVE, "Save note"),
            (HANDLE_DONE, "Mark handled"),
            (HANDLE_REOPEN, "Reopen"),
        ]
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("action") == HANDLE_DONE
            and "note" not in self.errors
            and not cleaned.get("note", "").strip()
        ):
            self.add_error(
                "note",
                "Write in a few words what you did before marking it handled, so the other "
                "coordinators know.",
            )
        return cleaned

    @property
    def flag_is_valid(self) -> bool:
        """Whether the hidden fields name a flag (a tampered form does not)."""
        return not any(name in self.errors for name in ("reason", "situation", "action"))
