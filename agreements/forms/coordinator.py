"""The coordinators' forms: the filters of the pairs and of the concerns, the
correction of a pair's stage, the response to a concern, and the pair settings."""

from django import forms

from agreements.models import Concern, PairSettings
from agreements.selectors.coordinator import PAIR_STATUSES
from matching.models import Mentorship
from mentoring.forms import CleanTextMixin

REASON_MAX_LENGTH = 2000
ACTION_MAX_LENGTH = 5000


class PairFilterForm(CleanTextMixin, forms.Form):
    """The coordinators' filter of a scheme's pairs, read from the query string."""

    stage = forms.ChoiceField(
        required=False, choices=[("", "Any stage"), *Mentorship.Stage.choices]
    )
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Any status")]
        + [(value, Mentorship.Status(value).label) for value in PAIR_STATUSES],
    )


class ConcernFilterForm(CleanTextMixin, forms.Form):
    """Open concerns, resolved ones or all of them."""

    ALL = "all"

    status = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            (Concern.Status.OPEN, "Open concerns"),
            (Concern.Status.RESOLVED, "Resolved concerns"),
            (ALL, "All concerns"),
        ],
    )

    def clean_status(self) -> str:
        """The status to show ("" for all); open when none is chosen."""
        status = self.cleaned_data["status"] or Concern.Status.OPEN
        return "" if status == self.ALL else status


class StageCorrectForm(CleanTextMixin, forms.Form):
    """A coordinator sets a pair's stage, saying why."""

    stage = forms.ChoiceField(
        label="The stage the pair is really in",
        choices=Mentorship.Stage.choices,
        error_messages={"invalid_choice": "Choose one of the five stages."},
    )
    reason = forms.CharField(
        label="Why does the stage need correcting?",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say why the stage needs correcting."},
        help_text="Kept with the move in the pair's stage history.",
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Say why the stage needs correcting.")
        return reason


class ConcernRespondForm(CleanTextMixin, forms.Form):
    """What a coordinator did about a concern, and whether it is resolved."""

    action = forms.CharField(
        label="What was done",
        required=False,
        max_length=ACTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="For the scheme's coordinators: the pair does not see this record.",
    )
    resolved = forms.BooleanField(
        label="The concern is resolved",
        required=False,
        help_text="Untick to open a resolved concern again.",
    )
    # The record as the page showed it (``Concern.record_fingerprint``).
    seen = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("resolved") and not (cleaned.get("action") or "").strip():
            self.add_error("action", "Say what was done before marking it resolved.")
        return cleaned


class PairSettingsForm(CleanTextMixin, forms.ModelForm):
    """When the scheme's pairs move to the wind-up stage on their own."""

    class Meta:
        model = PairSettings
        fields = ["wind_up_weeks"]
        error_messages = {
            "wind_up_weeks": {
                "required": "Enter a number of weeks, from 1 to 26.",
                "invalid": "Enter a whole number of weeks, from 1 to 26.",
                "min_value": "Enter at least 1 week.",
                "max_value": "Enter at most 26 weeks (half a year).",
            }
        }
