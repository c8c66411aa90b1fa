"""The query of an export link: format, scheme and filters, checked and typed."""

from django import forms

from dashboard.reports.render import FORMATS
from mentoring.forms import CleanTextMixin


class ExportForm(CleanTextMixin, forms.Form):
    """``?format=csv|xlsx&scheme=<slug>&start=&end=&department=&grade=&named=1``; every
    field may be left out (CSV of every scheme the reader may read)."""

    format = forms.ChoiceField(choices=[(f, f) for f in FORMATS], required=False)
    scheme = forms.SlugField(required=False)
    start = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    end = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    department = forms.CharField(max_length=200, required=False)
    grade = forms.CharField(max_length=100, required=False)
    named = forms.BooleanField(required=False)

    def clean_format(self) -> str:
        return self.cleaned_data.get("format") or "csv"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError("The period's start comes after its end.")
        return cleaned

    def problems(self) -> list[str]:
        """Every error as a sentence naming its field."""
        labels = {"format": "Format", "start": "Start", "end": "End"}
        messages = []
        for field, errors in self.errors.items():
            label = labels.get(field, field.capitalize())
            for error in errors:
                messages.append(error if field == "__all__" else f"{label}: {error}")
        return messages
