"""The forms of the pair's page: moving on to the next stage, and a concern sent to the
scheme's coordinators."""

from typing import Any

from django import forms

from agreements.models import Concern
from agreements.services.stages import COMPLETED, PAIR_MOVES
from mentoring.forms import CleanTextMixin

CONCERN_MAX_LENGTH = 5000


class StageAdvanceForm(CleanTextMixin, forms.Form):
    """Move on from the stage the page showed. The move to completed, which cannot be
    undone, asks the person to confirm it."""

    from_stage = forms.ChoiceField(
        choices=[(stage, stage) for stage in PAIR_MOVES],
        widget=forms.HiddenInput,
        error_messages={
            "required": "The page did not say which stage you are moving on from. "
            "Reload it and try again.",
            "invalid_choice": "That stage cannot be moved on from here. Reload the page "
            "and try again.",
        },
    )
    confirm = forms.BooleanField(
        label="Yes, we have done our follow-up and want to complete our mentorship",
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        stage = cleaned.get("from_stage")
        if stage and PAIR_MOVES[stage].to_stage == COMPLETED and not cleaned.get("confirm"):
            self.add_error(
                "confirm", "Tick the box to confirm: a completed mentorship cannot be reopened."
            )
        return cleaned


class ConcernForm(CleanTextMixin, forms.Form):
    """A concern about the relationship: what it is about and the message itself."""

    topic = forms.ChoiceField(
        label="What is it about?",
        choices=Concern.Topic.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what your concern is about.",
            "invalid_choice": "Choose one of the topics listed.",
        },
    )
    text = forms.CharField(
        label="Your message",
        max_length=CONCERN_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Say what is happening and, if you like, what would help. Write only "
        "what you are comfortable with the coordinators reading.",
        error_messages={"required": "Write your message to the coordinators."},
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Write your message to the coordinators.")
        return text
