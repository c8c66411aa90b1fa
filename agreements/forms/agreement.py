"""The agreement's forms: the text (every content field, with the version the person
loaded), the signature, and the choice of two versions to compare."""

from datetime import date
from typing import Any

from django import forms

from agreements.models import MAX_OBJECTIVES, AgreementVersion, ArrangedBy, default_end_date
from agreements.selectors.agreement import QUESTIONS
from matching.models import Mentorship
from mentoring.forms import CleanTextMixin

LONG_TEXT = 5000
OBJECTIVE_MAX_LENGTH = 300
# A version number or revision posted back: anything else is not one the page gave.
LARGEST_NUMBER = 2**31 - 1

TEXT_FIELDS = (
    "purpose",
    "success",
    "help_asked",
    "help_offered",
    "mentor_will_not",
    "confidentiality",
    "cancellations",
    "review",
)


def _label(name: str) -> str:
    return QUESTIONS[name][0]


def _hint(name: str) -> str:
    return QUESTIONS[name][1]


def _long_text(name: str, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": rows}),
        label=_label(name),
        help_text=_hint(name),
    )


def _version_number(value: Any) -> int | None:
    """A hidden version number or revision as posted: a whole number the page could have
    given, else None (which the service treats as a text loaded from nothing, so a save
    over an existing draft is refused as a conflict rather than applied blindly)."""
    text = str(value or "").strip()
    if not text.isdigit() or len(text) > 10 or int(text) > LARGEST_NUMBER:
        return None
    return int(text)


class AgreementForm(CleanTextMixin, forms.Form):
    """Every field of the agreement, and the version and revision the text was loaded
    at (``base_number``, ``base_revision``). Objectives are typed one a line."""

    purpose = _long_text("purpose", rows=4)
    success = _long_text("success", rows=4)
    objectives = forms.CharField(
        required=False,
        max_length=(OBJECTIVE_MAX_LENGTH + 1) * (MAX_OBJECTIVES + 5),
        widget=forms.Textarea(attrs={"rows": 4}),
        label=QUESTIONS["objectives"][0],
        help_text=f"At most {MAX_OBJECTIVES}, one a line; blank lines are left out. Each "
        "can become a goal with its own targets.",
    )
    help_asked = _long_text("help_asked")
    help_offered = _long_text("help_offered")
    mentor_will_not = _long_text("mentor_will_not")
    confidentiality = _long_text("confidentiality")
    meeting_frequency = forms.CharField(
        required=False,
        max_length=200,
        label=_label("meeting_frequency"),
        help_text=_hint("meeting_frequency"),
    )
    meeting_format = forms.CharField(
        required=False,
        max_length=300,
        label=_label("meeting_format"),
        help_text=_hint("meeting_format"),
    )
    arranged_by = forms.ChoiceField(
        choices=ArrangedBy.choices,
        widget=forms.RadioSelect,
        initial=ArrangedBy.MENTEE,
        error_messages={
            "required": "Choose who arranges your meetings.",
            "invalid_choice": "Choose who arranges your meetings.",
        },
        label=_label("arranged_by"),
        help_text=_hint("arranged_by"),
    )
    cancellations = _long_text("cancellations")
    review = _long_text("review")
    planned_sessions = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=100,
        error_messages={
            "invalid": "Enter the number of sessions as a whole number, such as 8.",
            "min_value": "Plan at least one session, or leave this empty.",
            "max_value": "Plan at most 100 sessions.",
        },
        label=_label("planned_sessions"),
        help_text=_hint("planned_sessions"),
    )
    end_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter the end date as a date, such as 2027-06-30."},
        label=_label("end_date"),
        help_text=_hint("end_date"),
    )
    base_number = forms.CharField(required=False, widget=forms.HiddenInput)
    base_revision = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, mentorship: Mentorship, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.mentorship = mentorship

    @classmethod
    def initial_for(cls, mentorship: Mentorship, version: AgreementVersion | None) -> dict:
        """The form's starting values: the text of ``version`` (the draft, else the
        version in force) exactly as it stands, with the version it was loaded at; or for
        a first draft the defaults: the programme's end date, the scheme's number of
        sessions, the mentee arranging meetings."""
        initial: dict[str, Any] = {
            "arranged_by": ArrangedBy.MENTEE,
            "end_date": default_end_date(mentorship),
            "planned_sessions": mentorship.scheme.session_count,
            "base_number": "",
            "base_revision": "",
        }
        if version is None:
            return initial
        # An existing text as it stands: a default here would make an untouched save
        # look like a change (a new revision, a voided signature, a new version).
        for name in AgreementVersion.CONTENT_FIELDS:
            value = getattr(version, name)
            if name == "objectives":
                value = "\n".join(version.objectives or [])
            initial[name] = "" if value is None else value
        initial["base_number"] = version.number
        initial["base_revision"] = version.revision
        return initial

    def clean_objectives(self) -> list[str]:
        lines = [" ".join(line.split()) for line in self.cleaned_data["objectives"].splitlines()]
        objectives = [line for line in lines if line]
        if len(objectives) > MAX_OBJECTIVES:
            raise forms.ValidationError(
                f"An agreement has at most {MAX_OBJECTIVES} objectives and you wrote "
                f"{len(objectives)}. Keep the {MAX_OBJECTIVES} that matter most now; you can "
                "change them in a later version."
            )
        for objective in objectives:
            if len(objective) > OBJECTIVE_MAX_LENGTH:
                raise forms.ValidationError(
                    f"Keep each objective to {OBJECTIVE_MAX_LENGTH} characters; one has "
                    f"{len(objective)}."
                )
        return objectives

    def clean_end_date(self) -> date | None:
        end_date = self.cleaned_data["end_date"]
        started_at = self.mentorship.started_at
        if end_date and started_at and end_date < started_at.date():
            raise forms.ValidationError(
                "The end date cannot be before the mentorship started, on "
                f"{started_at.date():%d/%m/%Y}."
            )
        return end_date

    def clean_base_number(self) -> int | None:
        return _version_number(self.cleaned_data.get("base_number"))

    def clean_base_revision(self) -> int | None:
        return _version_number(self.cleaned_data.get("base_revision"))

    def content(self) -> dict[str, Any]:
        """The agreement's fields from the cleaned data, for ``agreement_draft_save``."""
        return {name: self.cleaned_data[name] for name in AgreementVersion.CONTENT_FIELDS}


class SignForm(CleanTextMixin, forms.Form):
    """A signature: the tick, the typed name, and the hash of the text the page showed
    (so a text changed since is never signed unread)."""

    agree = forms.BooleanField(
        label="I have read this version and agree to it",
        error_messages={"required": "Tick the box to say you have read this version and agree."},
    )
    typed_name = forms.CharField(
        label="Type your full name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Type your full name to sign."},
    )
    content_hash = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def clean_typed_name(self) -> str:
        name = " ".join(self.cleaned_data["typed_name"].split())
        if not name:
            raise forms.ValidationError("Type your full name to sign.")
        return name


class CompareForm(CleanTextMixin, forms.Form):
    """Two versions of the pair's agreement to compare: ``from`` and ``to`` (named by
    the query string, hence set in ``__init__``)."""

    def __init__(self, *args: Any, numbers: list[int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [(str(number), f"Version {number}") for number in numbers]
        for name, label in (("from", "From version"), ("to", "To version")):
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                choices=choices,
                coerce=int,
                error_messages={
                    "required": "Choose a version.",
                    "invalid_choice": "Choose one of the versions in the list.",
                },
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("from") is not None and cleaned.get("from") == cleaned.get("to"):
            self.add_error("to", "Choose two different versions.")
        return cleaned
