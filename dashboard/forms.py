"""The reports' filter: which scheme, which period, which department and grade.

A GET form: its choices are what the reader may read (the schemes in their scope, the
departments their mentees wrote, the grades of those schemes), so a value typed into
the address that is not among them is a message beside the field, never an error page.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms

from dashboard.scope import Scope
from mentoring.forms import CleanTextMixin

__all__ = ["ReportFilterForm"]


class ReportFilterForm(CleanTextMixin, forms.Form):
    scheme = forms.ChoiceField(label="Scheme", required=False)
    start = forms.DateField(
        label="Mentorships started from",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The first day, e.g. 2025-01-31.",
    )
    end = forms.DateField(
        label="Mentorships started until",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The last day, included.",
    )
    department = forms.ChoiceField(label="Mentee's department", required=False)
    grade = forms.ChoiceField(label="Mentee's grade", required=False)

    def __init__(
        self,
        data: Any = None,
        *,
        schemes: Sequence[tuple[int, str, str]] = (),
        departments: Sequence[str] = (),
        grades: Sequence[str] = (),
        with_scheme: bool = True,
    ) -> None:
        """``schemes``: (pk, slug, name) of the schemes the reader may read;
        ``with_scheme`` False on one scheme's own page, which has no scheme field."""
        # An empty query string is an unfiltered report, not a form with nothing in it.
        super().__init__(data if data else None)
        self._slugs = {slug: pk for pk, slug, _ in schemes}
        if with_scheme:
            self._choices(
                "scheme", [("", "All schemes")] + [(slug, name) for _, slug, name in schemes]
            )
        else:
            del self.fields["scheme"]
        self._choices("department", [("", "All departments")] + [(d, d) for d in departments])
        self._choices("grade", [("", "All grades")] + [(g, g) for g in grades])

    def _choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        if isinstance(field, forms.ChoiceField):
            field.choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The last day is before the first day.")
        return data

    def scope(self, reader: Any, scheme_ids: Sequence[int]) -> Scope:
        """The scope the valid filters describe within ``scheme_ids``; unfiltered when
        the form is unbound."""
        data = self.cleaned_data if self.is_bound else {}
        ids = tuple(scheme_ids)
        slug = data.get("scheme") or ""
        if slug:
            ids = (self._slugs[slug],)
        start: date | None = data.get("start")
        end: date | None = data.get("end")
        return Scope(
            reader=reader,
            scheme_ids=ids,
            start=start,
            end=end,
            department=data.get("department") or "",
            grade=data.get("grade") or "",
        )

    def summary(self) -> str:
        """The filters in a sentence, for the printed page."""
        if not self.is_bound or not self.is_valid():
            return ""
        data = self.cleaned_data
        parts = []
        if data.get("scheme"):
            parts.append(f"the scheme {dict(self.fields['scheme'].choices)[data['scheme']]}")  # type: ignore[attr-defined]
        if data.get("start"):
            parts.append(f"mentorships started from {data['start']:%-d %B %Y}")
        if data.get("end"):
            parts.append(f"mentorships started until {data['end']:%-d %B %Y}")
        if data.get("department"):
            parts.append(f"mentees of {data['department']}")
        if data.get("grade"):
            parts.append(f"mentees of grade {data['grade']}")
        return ("Filtered to " + "; ".join(parts) + ".") if parts else ""

    def is_filtered(self) -> bool:
        return self.is_bound and any(self.cleaned_data.get(name) for name in self.fields)
