"""The coordinator's forms around a match run: filtering its proposals, swapping a
mentor, pinning a pair, and choosing two runs to compare."""

from typing import cast

from django import forms
from django.utils import timezone

from matching.models import MatchRun
from matching.pool import MENTOR_STATUSES
from mentoring.forms import CleanTextMixin
from schemes.models import Application, Role, Scheme

SORTS = [
    ("-score", "Highest score first"),
    ("score", "Lowest score first"),
    ("mentee", "Mentee's name"),
    ("mentor", "Mentor's name"),
]


class ProposalFilterForm(CleanTextMixin, forms.Form):
    """The filters and order of a run's proposals, read from the query string. A value
    that makes no sense is reported beside its field and that filter is left out."""

    q = forms.CharField(
        label="Name, e-mail or department",
        required=False,
        max_length=200,
        help_text="Part of the mentee's or the mentor's name, e-mail address or department.",
    )
    min_score = forms.FloatField(
        label="Lowest score",
        required=False,
        min_value=0,
        help_text="Only pairs scoring at least this.",
        error_messages={"invalid": "Give a number, such as 40 or 42.5."},
    )
    pinned = forms.BooleanField(label="Pinned pairs only", required=False)
    sort = forms.ChoiceField(label="Order", required=False, choices=SORTS)

    def filters(self) -> dict:
        """The valid filters, as keyword arguments of ``selectors.run_proposals`` (the
        form must have been validated)."""
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "search": cleaned.get("q") or "",
            "min_score": cleaned.get("min_score"),
            "pinned": True if cleaned.get("pinned") else None,
            "sort": cleaned.get("sort") or "-score",
        }


class SwapForm(CleanTextMixin, forms.Form):
    """Another mentor for a proposal's mentee. Whether the pair breaks a rule, and so
    needs the reason, is the service's to say (with the run's weights and places)."""

    mentor = forms.ModelChoiceField(
        label="New mentor",
        queryset=Application.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the mentor to propose instead.",
            "invalid_choice": "Choose one of the scheme's approved mentors.",
        },
    )
    reason = forms.CharField(
        label="Reason for breaking the scheme's rules",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "Needed only when the mentor you choose breaks a hard constraint (shown as a "
            "warning beside them). It is recorded with the pair."
        ),
    )

    def __init__(self, *args, scheme: Scheme, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["mentor"]).queryset = Application.objects.filter(
            scheme=scheme, role=Role.MENTOR, status__in=MENTOR_STATUSES
        ).select_related("user")


class PinForm(CleanTextMixin, forms.Form):
    pinned = forms.TypedChoiceField(
        choices=[("1", "Pin"), ("0", "Unpin")],
        coerce=lambda value: value == "1",
        widget=forms.HiddenInput,
        error_messages={"required": "Choose to pin or to unpin the pair."},
    )


class CompareForm(CleanTextMixin, forms.Form):
    """Two of the scheme's finished (or published) runs, from the query string."""

    a = forms.TypedChoiceField(label="First run", coerce=int, choices=[])
    b = forms.TypedChoiceField(label="Second run", coerce=int, choices=[])

    def __init__(self, *args, runs, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Choose a run"), *((run.pk, run_label(run)) for run in runs)]
        for name in ("a", "b"):
            cast(forms.TypedChoiceField, self.fields[name]).choices = choices
            self.fields[name].error_messages.update(
                {
                    "required": "Choose a run.",
                    "invalid_choice": "Choose one of the scheme's finished runs.",
                }
            )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("a") and cleaned.get("a") == cleaned.get("b"):
            self.add_error("b", "Choose two different runs.")
        return cleaned


def run_label(run: MatchRun) -> str:
    """How a run is named in lists: its number, when, and its figures."""
    when = timezone.localtime(run.created_at).strftime("%-d %b %Y, %H:%M")
    return (
        f"Run {run.pk} of {when}: {run.matched_count} matched, "
        f"total score {run.total_score:.1f}"
        + (" (published)" if run.status == MatchRun.Status.PUBLISHED else "")
    )
