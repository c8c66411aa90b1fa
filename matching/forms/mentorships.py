"""The forms of mentorships: a reply to a match, an early ending, a request from a
shortlist, and the coordinator's filter of the scheme's mentorships."""

from typing import cast

from django import forms

from matching.models import Mentorship
from mentoring.forms import CleanTextMixin

REASON_MAX_LENGTH = 2000


class MentorshipReplyForm(CleanTextMixin, forms.Form):
    """Accept or decline a match. The decision is the button pressed; a decline may say
    why, for the coordinators' eyes only."""

    ACCEPT, DECLINE = "accept", "decline"

    decision = forms.ChoiceField(
        choices=[(ACCEPT, "Accept"), (DECLINE, "Decline")],
        widget=forms.HiddenInput,
        error_messages={"required": "Choose accept or decline."},
    )
    reason = forms.CharField(
        label="If you decline, why? (optional)",
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only the scheme's coordinators read this. The other person is told "
        "that the match will not go ahead, without your reason.",
    )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("decision") == self.ACCEPT:
            cleaned["reason"] = ""
        return cleaned


class MentorshipShareForm(CleanTextMixin, forms.Form):
    """The mentee's choice of the goal-setting answers their mentor may read."""

    answers = forms.MultipleChoiceField(
        label="Answers your mentor may read",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose among the answers you gave."},
    )

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        """``choices`` are the mentee's answered goal-setting questions: (field, label)."""
        super().__init__(*args, **kwargs)
        answers = cast(forms.MultipleChoiceField, self.fields["answers"])
        answers.choices = choices


class MentorshipEndForm(CleanTextMixin, forms.Form):
    """End a mentorship early, with the reason the service requires."""

    reason = forms.CharField(
        label="Why is the mentorship ending?",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Please say why the mentorship is ending."},
    )

    def __init__(self, *args, role: str, **kwargs):
        """``role`` is the viewer's in the mentorship: who is told what depends on it."""
        super().__init__(*args, **kwargs)
        if role == "coordinator":
            self.fields[
                "reason"
            ].help_text = "Both people are told that the mentorship has ended, with this reason."
        else:
            self.fields["reason"].help_text = (
                "Only the scheme's coordinators read this. The other person is told that "
                "the mentorship has ended, without your reason."
            )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Please say why the mentorship is ending.")
        return reason


class ShortlistRequestForm(CleanTextMixin, forms.Form):
    """The mentor asked for: the button pressed on the shortlist."""

    mentor = forms.IntegerField(
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={"required": "Choose one of the mentors on your shortlist."},
    )


class MentorshipFilterForm(CleanTextMixin, forms.Form):
    """The coordinator's filter of a scheme's mentorships, read from the query string."""

    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *Mentorship.Status.choices]
    )
