"""The forms of goals and their SMART targets: a goal, a target, a progress rating,
and the small choices behind the page's buttons (a status, sharing)."""

from datetime import date

from django import forms

from agreements.models import Goal, Target
from mentoring.forms import CleanTextMixin

TEXT_MAX_LENGTH = 4000
COMMENT_MAX_LENGTH = 2000

RATING_CHOICES = [
    (1, "1 (not started)"),
    *((n, str(n)) for n in range(2, 10)),
    (10, "10 (reached)"),
]
RATING_ERROR = "Choose a rating from 1 (not started) to 10 (reached)."


class GoalForm(CleanTextMixin, forms.Form):
    """A goal: what it is, why it matters, and how the pair will know it is reached."""

    title = forms.CharField(
        label="What is the goal?",
        max_length=200,
        error_messages={
            "required": "Say what the goal is.",
            "max_length": "Keep the goal to %(limit_value)d characters; say more below.",
        },
    )
    why = forms.CharField(
        label="Why does it matter?",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    success_criteria = forms.CharField(
        label="How will you know it is reached?",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you will see or be able to do when the goal is reached.",
    )

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError("Say what the goal is.")
        return title


class TargetForm(CleanTextMixin, forms.Form):
    """A SMART target: specific (what exactly), measurable (how), achievable and
    realistic (why), time-limited (due by a date within the mentorship)."""

    what = forms.CharField(
        label="What exactly?",
        max_length=300,
        help_text="One specific step towards the goal.",
        error_messages={"required": "Say what exactly you will do."},
    )
    measure = forms.CharField(
        label="How will you measure it?",
        max_length=300,
        help_text="How you will both know it is done: a number, a result, something seen.",
        error_messages={"required": "Say how you will measure this target."},
    )
    achievable = forms.CharField(
        label="Why is it achievable and realistic?",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    due_on = forms.DateField(
        label="Due by",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "required": "Choose the date this target is due by.",
            "invalid": "Enter a real date, such as 31/03/2027.",
        },
    )

    def __init__(self, *args, start: date | None, end: date | None, **kwargs):
        """``start`` and ``end`` are the first and last days a target may be due (the
        service's ``mentorship_dates``), shown as a hint and given to the date picker."""
        super().__init__(*args, **kwargs)
        widget = self.fields["due_on"].widget
        if start:
            widget.attrs["min"] = start.isoformat()
        if end:
            widget.attrs["max"] = end.isoformat()
        if start and end:
            hint = f"A date from {start:%-d %B %Y} to {end:%-d %B %Y}, within your mentorship."
        elif start:
            hint = f"A date from {start:%-d %B %Y}, when your mentorship started."
        else:
            hint = "A date within your mentorship."
        self.fields["due_on"].help_text = hint

    def clean_measure(self) -> str:
        measure = self.cleaned_data["measure"].strip()
        if not measure:
            raise forms.ValidationError("Say how you will measure this target.")
        return measure

    def clean_what(self) -> str:
        what = self.cleaned_data["what"].strip()
        if not what:
            raise forms.ValidationError("Say what exactly you will do.")
        return what


class ProgressForm(CleanTextMixin, forms.Form):
    """Where the goal stands now, 1 to 10, with an optional comment for the pair."""

    rating = forms.TypedChoiceField(
        label="Where does the goal stand now?",
        choices=[("", "Choose a rating"), *RATING_CHOICES],
        coerce=int,
        help_text="1 means not started, 10 means reached.",
        error_messages={"required": RATING_ERROR, "invalid_choice": RATING_ERROR},
    )
    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What moved it on, or what is in the way. Only the two of you read this.",
    )


class GoalStatusForm(CleanTextMixin, forms.Form):
    """The goal's status a button sets."""

    status = forms.ChoiceField(
        choices=Goal.Status.choices,
        error_messages={
            "required": "Choose in progress, achieved or dropped.",
            "invalid_choice": "Choose in progress, achieved or dropped.",
        },
    )


class TargetStatusForm(CleanTextMixin, forms.Form):
    """The target's status a button sets."""

    status = forms.ChoiceField(
        choices=Target.Status.choices,
        error_messages={
            "required": "Choose open, done or dropped.",
            "invalid_choice": "Choose open, done or dropped.",
        },
    )


class GoalShareForm(CleanTextMixin, forms.Form):
    """Share the goal's title and ratings with the coordinators, or stop."""

    SHARE, STOP = "share", "stop"

    shared = forms.ChoiceField(
        choices=[(SHARE, "Share"), (STOP, "Stop sharing")],
        error_messages={
            "required": "Choose to share or to stop sharing.",
            "invalid_choice": "Choose to share or to stop sharing.",
        },
    )
