"""The forms of evaluations, the final review and the session settings.

An evaluation's fields are made from the questions a person is asked at a milestone:
one 1-5 choice per development area (``area_<n>``) and per statement about the
relationship (``statement_<n>``), named by position so that any wording is safe in a
field name; ``ratings()`` hands them back keyed by their text.
"""

import zoneinfo
from typing import Any

from django import forms

from mentoring.forms import CleanTextMixin
from sessions.selectors.evaluations import Questions
from sessions.services.evaluations import (
    COMMENTS_MAX_LENGTH,
    REVIEW_MAX_LENGTH,
    clean_relationship_items,
)

SELF_SCALE = [
    (1, "1 (not at all confident)"),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, "5 (very confident)"),
]
AGREE_SCALE = [
    (1, "1 (disagree)"),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, "5 (agree)"),
]
SCHEME_SCALE = [(1, "1 (poor)"), (2, "2"), (3, "3"), (4, "4"), (5, "5 (excellent)")]
RECOMMEND_CHOICES = [("yes", "Yes"), ("no", "No")]


def _rating_field(label: str, scale: list[tuple[int, str]], message: str) -> forms.Field:
    return forms.TypedChoiceField(
        label=label,
        choices=scale,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
    )


class EvaluationForm(CleanTextMixin, forms.Form):
    """One person's answers at a milestone."""

    def __init__(self, *args: Any, questions: Questions, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for index, area in enumerate(questions.areas):
            self.fields[f"area_{index}"] = _rating_field(
                area, SELF_SCALE, f"Rate yourself on “{area}” from 1 to 5."
            )
        for index, statement in enumerate(questions.relationship):
            self.fields[f"statement_{index}"] = _rating_field(
                statement, AGREE_SCALE, "Choose from 1 (disagree) to 5 (agree)."
            )
        if questions.asks_relationship:
            self.fields["scheme_rating"] = _rating_field(
                "How do you rate the scheme overall?",
                SCHEME_SCALE,
                "Rate the scheme from 1 to 5.",
            )
            self.fields["would_recommend"] = forms.ChoiceField(
                label="Would you recommend the scheme to a colleague?",
                choices=RECOMMEND_CHOICES,
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Say whether you would recommend the scheme.",
                    "invalid_choice": "Answer yes or no.",
                },
            )
            self.fields["comments"] = forms.CharField(
                label="Anything else you would like to say (optional)",
                required=False,
                max_length=COMMENTS_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text="Seen by you only: the coordinators see ratings in aggregate, "
                "never your words.",
            )

    @property
    def area_fields(self) -> list[forms.BoundField]:
        return [self[f"area_{i}"] for i in range(len(self.questions.areas))]

    @property
    def statement_fields(self) -> list[forms.BoundField]:
        return [self[f"statement_{i}"] for i in range(len(self.questions.relationship))]

    def answers(self) -> dict[str, Any]:
        """The cleaned answers as ``evaluation_complete`` takes them."""
        data = self.cleaned_data
        answers: dict[str, Any] = {
            "area_ratings": {
                area: data[f"area_{i}"] for i, area in enumerate(self.questions.areas)
            },
            "relationship_ratings": {
                statement: data[f"statement_{i}"]
                for i, statement in enumerate(self.questions.relationship)
            },
        }
        if self.questions.asks_relationship:
            answers["scheme_rating"] = data["scheme_rating"]
            answers["would_recommend"] = data["would_recommend"] == "yes"
            answers["comments"] = data.get("comments", "")
        return answers


class FinalReviewForm(CleanTextMixin, forms.Form):
    """The pair's review at the wind-up."""

    targets_met = forms.CharField(
        label="Which targets were met, and what was achieved?",
        max_length=REVIEW_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Say which targets were met and what was achieved, even if none."
        },
    )
    enjoyed = forms.CharField(
        label="What did you enjoy?",
        required=False,
        max_length=REVIEW_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    difficult = forms.CharField(
        label="What was difficult?",
        required=False,
        max_length=REVIEW_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    marking_end = forms.CharField(
        label="How will you mark the ending?",
        required=False,
        max_length=REVIEW_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A last meeting, a note, a coffee: and how you keep in touch afterwards.",
    )


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class SessionSettingsForm(CleanTextMixin, forms.Form):
    """A scheme's time zone, follow-up delay and statements about the relationship."""

    time_zone = forms.ChoiceField(
        label="Time zone",
        help_text="Session times are shown and entered in this time zone.",
        error_messages={"invalid_choice": "Choose a time zone from the list."},
    )
    follow_up_months = forms.IntegerField(
        label="Follow-up evaluation (months after the end)",
        min_value=1,
        max_value=24,
        help_text="Counted from the pair's final review, or from their end date if they "
        "write none.",
        error_messages={
            "required": "Enter a number of months, from 1 to 24.",
            "invalid": "Enter a whole number of months, from 1 to 24.",
            "min_value": "Enter at least 1 month.",
            "max_value": "Enter at most 24 months.",
        },
    )
    relationship_items = forms.CharField(
        label="Statements about the relationship",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One statement a line, at most 12, each up to 200 characters. Both the "
        "mentee and the mentor rate each from 1 (disagree) to 5 (agree) at the mid-point, "
        "the end and the follow-up.",
        error_messages={"required": "Write at least one statement."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()  # type: ignore[attr-defined]

    def clean_relationship_items(self) -> list[str]:
        lines = self.cleaned_data["relationship_items"].splitlines()
        try:
            return clean_relationship_items(lines)
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["relationship_items"]) from error
