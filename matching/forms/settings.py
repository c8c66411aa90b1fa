"""The matching settings page: the criteria's weights, and the pair shown as an example."""

from django import forms

from matching.engine.criteria import CRITERIA
from matching.pool import effective_weights
from matching.selectors.settings import example_applications
from mentoring.forms import CleanTextMixin
from schemes.models import Role, Scheme


class MatchingWeightsForm(CleanTextMixin, forms.Form):
    """One whole number from 0 to 100 per built-in criterion, starting at the scheme's
    current weight. The field names are the criteria's keys."""

    def __init__(self, *args, scheme: Scheme, **kwargs):
        super().__init__(*args, **kwargs)
        current = effective_weights(scheme)
        for criterion in CRITERIA:
            self.fields[criterion.key] = forms.IntegerField(
                label=criterion.label,
                min_value=0,
                max_value=100,
                initial=current[criterion.key],
                help_text=(
                    f"{criterion.explanation} Default: {criterion.default_weight}. "
                    "0 leaves it out of matching."
                ),
                error_messages={
                    "required": "Give a weight from 0 to 100 (0 leaves it out).",
                    "invalid": "Give a whole number from 0 to 100.",
                },
                widget=forms.NumberInput(
                    attrs={"class": "weight-input", "data-criterion": criterion.key}
                ),
            )

    def weights(self) -> dict[str, int]:
        return {criterion.key: self.cleaned_data[criterion.key] for criterion in CRITERIA}


class ExampleForm(CleanTextMixin, forms.Form):
    """Which pair to show as the example, read from the query string: a mentee and a
    mentor named by e-mail address or part of their name. One of them alone shows their
    best partner in the pool; neither, the page's usual example."""

    mentee = forms.CharField(
        label="Mentee",
        required=False,
        max_length=200,
        help_text="Their e-mail address, or part of their name.",
    )
    mentor = forms.CharField(
        label="Mentor",
        required=False,
        max_length=200,
        help_text="Their e-mail address, or part of their name.",
    )

    def __init__(self, *args, scheme: Scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.scheme = scheme

    def clean_mentee(self):
        return self._find(Role.MENTEE, self.cleaned_data["mentee"])

    def clean_mentor(self):
        return self._find(Role.MENTOR, self.cleaned_data["mentor"])

    def _find(self, role: str, text: str):
        """The one approved (or matched) application as ``role`` that ``text`` names."""
        text = text.strip()
        if not text:
            return None
        found = example_applications(self.scheme, role, text)
        if not found:
            raise forms.ValidationError(
                "No approved %(role)s matches “%(text)s”.",
                code="not_found",
                params={"role": role, "text": text},
            )
        if len(found) > 1:
            raise forms.ValidationError(
                "%(count)s %(role)ss match “%(text)s”: type more of the name, or the whole "
                "e-mail address.",
                code="ambiguous",
                params={
                    "count": "At least 10" if len(found) == 10 else len(found),
                    "role": role,
                    "text": text,
                },
            )
        return found[0]
