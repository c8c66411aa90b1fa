"""The forms of reflections, the pulse and the early check.

A reflection's form is built from its kind's questions (``sessions.reflections``):
free text, or yes/partly/no for the mentor's checklist, every answer optional.
"""

from typing import Any

from django import forms

from mentoring.forms import CleanTextMixin
from sessions.reflections import ANSWER_MAX_LENGTH, CHECKLIST_CHOICES, QuestionSet

__all__ = ["PULSE_CHOICES", "PairingCheckForm", "PulseForm", "ReflectionForm"]

PULSE_CHOICES = (
    ("1", "1: not useful"),
    ("2", "2: a little useful"),
    ("3", "3: useful"),
    ("4", "4: very useful"),
)


class ReflectionForm(CleanTextMixin, forms.Form):
    """The questions of one kind of reflection, and whether to share it."""

    def __init__(self, *args: Any, questions: QuestionSet, other_name: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions.questions:
            if question.choice:
                self.fields[question.key] = forms.ChoiceField(
                    label=question.label,
                    choices=CHECKLIST_CHOICES,
                    widget=forms.RadioSelect,
                    required=False,
                    error_messages={"invalid_choice": "Choose yes, partly or no."},
                )
            else:
                self.fields[question.key] = forms.CharField(
                    label=question.label,
                    help_text=question.hint,
                    required=False,
                    max_length=ANSWER_MAX_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    error_messages={
                        "max_length": f"Keep your answer to {ANSWER_MAX_LENGTH} characters "
                        "(it has %(show_value)d)."
                    },
                )
        self.fields["shared"] = forms.BooleanField(
            label=f"Share this reflection with {other_name}",
            required=False,
            help_text=f"Unticked, only you can read it. Ticked, {other_name} can read it "
            "too (not change it); you can untick it again at any time.",
        )

    def answers(self) -> dict[str, str]:
        """The answers by question key, as the service takes them."""
        return {key: self.cleaned_data.get(key) or "" for key in self.questions.keys}


class PulseForm(CleanTextMixin, forms.Form):
    """How useful the session was, 1 to 4."""

    usefulness = forms.TypedChoiceField(
        label="How useful was this session for you?",
        choices=PULSE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how useful the session was, from 1 to 4.",
            "invalid_choice": "Choose from 1 (not useful) to 4 (very useful).",
        },
    )


class PairingCheckForm(CleanTextMixin, forms.Form):
    """Yes or no: is this pairing working?"""

    working = forms.TypedChoiceField(
        label="Is this pairing working for you?",
        choices=(("yes", "Yes"), ("no", "No")),
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose yes or no.",
            "invalid_choice": "Choose yes or no.",
        },
    )
