"""The coordinator's review of applications: the list's filters and the decision."""

from datetime import date
from typing import cast

from django import forms

from mentoring.forms import CleanTextMixin
from schemes.models import Application, ParticipantRole

# The dates a filter may name: 9999-12-31 is a valid date, but the day after it is not.
EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)


class DateInput(forms.DateInput):
    input_type = "date"


class ApplicationFilterForm(CleanTextMixin, forms.Form):
    """The filters of the applications list, read from the query string. A value that
    does not make sense is reported beside its field and that filter is left out."""

    q = forms.CharField(
        label="Name or e-mail",
        required=False,
        max_length=200,
        help_text="Part of a name or e-mail address.",
    )
    role = forms.ChoiceField(
        required=False, choices=[("", "Mentors and mentees"), *ParticipantRole.choices]
    )
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *Application.Status.choices]
    )
    department = forms.ChoiceField(required=False, choices=[])
    submitted_from = forms.DateField(label="Submitted from", required=False, widget=DateInput)
    submitted_to = forms.DateField(label="Submitted until", required=False, widget=DateInput)

    def __init__(self, *args, departments: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["department"]).choices = [
            ("", "Any department"),
            *((department, department) for department in departments),
        ]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        for name in ("submitted_from", "submitted_to"):
            day = cleaned.get(name)
            if day and not EARLIEST <= day <= LATEST:
                self.add_error(name, f"Choose a date between {EARLIEST.year} and {LATEST.year}.")
        start, end = cleaned.get("submitted_from"), cleaned.get("submitted_to")
        if start and end and end < start:
            self.add_error("submitted_to", "Choose a date on or after the “from” date.")
        return cleaned

    def filters(self) -> dict:
        """The filters that are valid, as keyword arguments of
        ``selectors.scheme_applications`` (the form must have been validated)."""
        cleaned = self.cleaned_data
        return {
            "search": cleaned.get("q") or "",
            "role": cleaned.get("role") or "",
            "status": cleaned.get("status") or "",
            "department": cleaned.get("department") or "",
            "submitted_from": cleaned.get("submitted_from"),
            "submitted_to": cleaned.get("submitted_to"),
        }


def reason_field(help_text: str, *, rows: int) -> forms.CharField:
    """The optional reason sent with a decision."""
    return forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


class ApplicationDecisionForm(CleanTextMixin, forms.Form):
    """Approve, wait-list or decline, with an optional reason for the person. The
    decision is the button pressed; whether it applies is the service's to say."""

    APPROVE, WAITLIST, DECLINE = "approve", "waitlist", "decline"
    DECISIONS: dict[str, str] = {
        Application.Status.APPROVED: APPROVE,
        Application.Status.WAITLISTED: WAITLIST,
        Application.Status.DECLINED: DECLINE,
    }

    DECISION_CHOICES = [(APPROVE, "Approve"), (WAITLIST, "Wait-list"), (DECLINE, "Decline")]

    decision = forms.ChoiceField(
        choices=DECISION_CHOICES,
        widget=forms.HiddenInput,
        error_messages={"required": "Choose approve, wait-list or decline."},
    )
    reason = reason_field("Sent to the person with the decision, so write it to them.", rows=3)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    @classmethod
    def choices_for(cls, application: Application) -> list[tuple[str, str]]:
        """The decisions that change ``application``: none for a draft, a withdrawn or
        a matched one, and never the decision it already has."""
        if application.status not in Application.DECIDABLE:
            return []
        current = cls.DECISIONS.get(application.status)
        return [(value, label) for value, label in cls.DECISION_CHOICES if value != current]


class IdListField(forms.Field):
    """The ids of the rows ticked in a list (any whole numbers: the service looks them
    up within the scheme)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        try:
            ids = sorted({int(item) for item in value or []})
        except (TypeError, ValueError):
            ids = [0]
        if any(not 0 < pk < 2**63 for pk in ids):
            raise forms.ValidationError("Tick applications from the list.")
        return ids


class BulkDecisionForm(CleanTextMixin, forms.Form):
    """One decision, with one reason, for the applications ticked on the list or for all
    of those matching its filters. Whether each can take it is the service's to say."""

    SELECTED, ALL = "selected", "all"
    DECISIONS: dict[str, str] = {
        ApplicationDecisionForm.APPROVE: Application.Status.APPROVED,
        ApplicationDecisionForm.WAITLIST: Application.Status.WAITLISTED,
        ApplicationDecisionForm.DECLINE: Application.Status.DECLINED,
    }

    scope = forms.ChoiceField(
        label="Which applications",
        choices=[
            (SELECTED, "The applications ticked below"),
            (ALL, "All the applications matching the filters"),
        ],
        initial=SELECTED,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the ticked applications or all of them."},
    )
    applications = IdListField(required=False)
    decision = forms.ChoiceField(
        choices=ApplicationDecisionForm.DECISION_CHOICES,
        error_messages={"required": "Choose approve, wait-list or decline."},
    )
    reason = reason_field("Sent to each person with the decision, so write it to them.", rows=2)

    def clean(self):
        super().clean()
        if self.cleaned_data.get("scope") == self.SELECTED and not self.cleaned_data.get(
            "applications"
        ):
            self.add_error(
                "scope",
                "Tick at least one application below, or choose all those matching the filters.",
            )
        return self.cleaned_data

    @property
    def status(self) -> str:
        return self.DECISIONS[self.cleaned_data["decision"]]
