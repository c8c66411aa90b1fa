"""The forms of the privacy pages."""

from datetime import date
from typing import Any, cast

from django import forms

from mentoring.forms import CleanTextMixin
from mentoring.models import AuditEntry

# The dates a filter may name: 9999-12-31 is a valid date, but the day after it is not.
EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)


class DateInput(forms.DateInput):
    input_type = "date"


class AuditFilterForm(CleanTextMixin, forms.Form):
    """The filters of the audit trail, read from the query string. A value that does
    not make sense is reported beside its field and that filter is left out."""

    action = forms.ChoiceField(
        required=False, choices=[("", "Any action"), *AuditEntry.Action.choices]
    )
    scheme = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, choices=[])
    actor = forms.EmailField(
        label="Who (e-mail address)",
        required=False,
        max_length=254,
        help_text="The whole address of the person who acted, as their account has it.",
    )
    date_from = forms.DateField(label="From", required=False, widget=DateInput)
    date_to = forms.DateField(label="Until", required=False, widget=DateInput)

    def __init__(self, *args: Any, schemes: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["scheme"]).choices = [
            ("", "Any scheme, or none"),
            *schemes,
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in ("date_from", "date_to"):
            day = cleaned.get(name)
            if day and not EARLIEST <= day <= LATEST:
                self.add_error(name, f"Choose a date between {EARLIEST.year} and {LATEST.year}.")
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "Choose a date on or after the “from” date.")
        return cleaned

    def filters(self) -> dict[str, Any]:
        """The filters that are valid, as keyword arguments of
        ``privacy.audit_trail.audit_entries`` (the form must have been validated)."""
        cleaned = self.cleaned_data
        return {
            "action": cleaned.get("action") or "",
            "scheme_id": cleaned.get("scheme"),
            "actor_email": cleaned.get("actor") or "",
            "date_from": cleaned.get("date_from"),
            "date_to": cleaned.get("date_to"),
        }
