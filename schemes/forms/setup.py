"""The coordinator's set-up forms: a scheme's settings and its own questions.

Both are model forms so that the model's labels, help texts, validators and ``clean()``
rules are shown beside the fields; the views hand ``cleaned_data`` to the services.
"""

from django import forms
from django.core.exceptions import ValidationError

from mentoring.forms import CleanTextMixin
from schemes import choices as scheme_choices
from schemes.models import CustomQuestion, Scheme
from schemes.services.questions import QUESTION_FIELDS
from schemes.services.schemes import SETTINGS_FIELDS


class LinesField(forms.CharField):
    """A textarea with one entry per line, cleaned into a list: each line stripped,
    blank lines dropped, and (unless ``allow_duplicates``) each entry given only once."""

    widget = forms.Textarea(attrs={"rows": 6})

    def __init__(self, *, allow_duplicates=False, max_entry_length=200, **kwargs):
        self.allow_duplicates = allow_duplicates
        self.max_entry_length = max_entry_length
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(entry) for entry in value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def validate(self, value):
        super().validate(value)
        too_long = [entry for entry in value if len(entry) > self.max_entry_length]
        if too_long:
            raise ValidationError(
                "“%(entry)s…” is too long: keep each entry under %(limit)s characters.",
                code="too_long",
                params={"entry": too_long[0][:40], "limit": self.max_entry_length},
            )
        if self.allow_duplicates:
            return
        seen, repeated = set(), []
        for entry in value:
            key = entry.casefold()
            if key in seen and entry not in repeated:
                repeated.append(entry)
            seen.add(key)
        if repeated:
            raise ValidationError(
                "Each entry may appear only once: %(entries)s %(verb)s more than once.",
                code="duplicate",
                params={
                    "entries": ", ".join(f"“{entry}”" for entry in repeated),
                    "verb": "appears" if len(repeated) == 1 else "appear",
                },
            )


class FieldsetsMixin(forms.BaseForm):
    """Forms that group their fields: ``fieldsets`` is (legend, intro, field names), and
    ``grouped`` gives the templates each legend with its bound fields."""

    fieldsets: tuple[tuple[str, str, tuple[str, ...]], ...] = ()

    def grouped(self):
        return [
            (legend, intro, [self[name] for name in names if name in self.fields])
            for legend, intro, names in self.fieldsets
        ]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class SchemeForm(CleanTextMixin, FieldsetsMixin, forms.ModelForm):
    """Every setting of a scheme (``SETTINGS_FIELDS``), for creating and for editing."""

    development_areas = LinesField(
        label="Development areas",
        initial=lambda: list(scheme_choices.DEFAULT_DEVELOPMENT_AREAS),
        help_text=(
            "One per line. Mentees choose the areas they want to develop and mentors the "
            "areas they can help with, and matching compares the two."
        ),
        error_messages={"required": "A scheme needs at least one development area."},
    )
    locations = LinesField(
        label="Meeting locations",
        required=False,
        help_text=(
            "One per line, for example the offices or towns where pairs could meet. "
            "Leave empty if pairs will arrange this themselves."
        ),
    )
    departments = LinesField(
        label="Departments",
        required=False,
        help_text=(
            "One per line. Applicants choose theirs from this list; leave it empty to let "
            "them type it."
        ),
    )
    grades = LinesField(
        label="Grades, from the most junior to the most senior",
        initial=lambda: list(scheme_choices.DEFAULT_GRADES),
        help_text=(
            "One per line, the most junior first: matching uses the order to compare seniority."
        ),
        error_messages={"required": "A scheme needs at least one grade."},
    )

    fieldsets = (
        ("About", "", ("name", "description", "status")),
        (
            "Application window",
            "People can apply while the scheme is open for applications and today is "
            "within these dates.",
            ("applications_open_on", "applications_close_on"),
        ),
        (
            "Programme",
            "",
            ("programme_months", "rhythm", "session_count", "max_gap_weeks"),
        ),
        (
            "Matching",
            "How mentees and mentors are paired. The points each matching criterion is worth "
            "are set on the scheme's matching settings page.",
            (
                "matching_mode",
                "matching_schedule",
                "default_mentor_capacity",
                "prefer_other_department",
                "require_senior_mentor",
                "response_days",
            ),
        ),
        ("Lists", "", ("development_areas", "locations", "departments", "grades")),
        ("Data", "", ("retention_months",)),
    )

    class Meta:
        model = Scheme
        # The matching fields (matching_mode, matching_schedule, require_senior_mentor,
        # response_days) are among SETTINGS_FIELDS; the criteria's weights have a page of
        # their own (matching:settings).
        fields = SETTINGS_FIELDS
        labels = {"name": "Name of the scheme", "status": "Status"}
        help_texts = {
            "description": "What the scheme is for and who it is for: applicants read this.",
            "status": "Only a scheme that is open for applications takes applications.",
            "session_count": (
                "Only needed when pairs meet a fixed number of times; leave empty otherwise."
            ),
            "retention_months": (
                "Applicants agree that their personal data is kept no longer than this many "
                "months after the scheme closes. A nightly job then removes it; the "
                "coordinators are told by e-mail 14 days before."
            ),
            "matching_mode": (
                "With a shortlist, each mentee sees their five best mentors, with the reasons, "
                "and asks one; the mentor accepts or declines."
            ),
            "matching_schedule": (
                "Automatic runs wait for you to review and publish them, as a run you start "
                "does. Only used when the coordinator runs matching."
            ),
            "response_days": (
                "Both people have this many days to accept or decline a match; after that it "
                "lapses and the mentee goes back into the pool."
            ),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "matching_mode": forms.RadioSelect,
            "matching_schedule": forms.RadioSelect,
            "applications_open_on": DateInput(),
            "applications_close_on": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            # A new scheme starts as a draft: opening it is a decision, taken once its
            # dates and questions are ready.
            self.fields["status"].help_text = (
                "A new scheme starts as a draft, which takes no applications: choose "
                "“Open for applications” now, or when its dates and questions are ready."
            )
        # A page opened before these settings existed posts without them: it keeps the
        # scheme's current values (the defaults for a new scheme) rather than failing.
        for name in ("matching_mode", "matching_schedule", "response_days"):
            if name in self.fields:
                self.fields[name].required = False

    def _current(self, name: str):
        value = self.cleaned_data.get(name)
        return getattr(self.instance, name) if value in (None, "") else value

    def clean_matching_mode(self):
        return self._current("matching_mode")

    def clean_matching_schedule(self):
        return self._current("matching_schedule")

    def clean_response_days(self):
        return self._current("response_days")

    def clean(self):
        super().clean()
        cleaned_data = self.cleaned_data
        # A count only means something for the fixed rhythm (the service drops it too).
        if cleaned_data.get("rhythm") and cleaned_data["rhythm"] != "fixed":
            cleaned_data["session_count"] = None
        return cleaned_data


class QuestionForm(CleanTextMixin, FieldsetsMixin, forms.ModelForm):
    """One of the scheme's own questions (``QUESTION_FIELDS``)."""

    choices = LinesField(
        label="Choices",
        required=False,
        # The model says which choices repeat, once: two messages would say it twice.
        allow_duplicates=True,
        help_text="One per line. Only for single and multiple choice questions.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    weight = forms.IntegerField(
        label="Weight",
        required=False,
        min_value=0,
        max_value=100,
        help_text=(
            "Points a mentee and a mentor score when they answer alike (0 to 100). Only "
            "used when the question is used in matching."
        ),
    )

    fieldsets = (
        ("The question", "", ("text", "help_text", "kind", "choices")),
        ("Who answers it", "", ("audience", "required")),
        (
            "Matching",
            "A single or multiple choice question asked of both mentors and mentees can "
            "count in matching: pairs who answer alike score its weight in points.",
            ("is_matching_criterion", "weight"),
        ),
    )

    class Meta:
        model = CustomQuestion
        fields = QUESTION_FIELDS
        labels = {
            "text": "Question",
            "help_text": "Hint",
            "kind": "Kind of answer",
            "audience": "Asked of",
            "required": "An answer is required",
        }
        help_texts = {
            "help_text": "Optional: a sentence shown under the question to help people answer.",
            "is_matching_criterion": (
                "Only for single or multiple choice questions asked of mentors and mentees."
            ),
        }
        widgets = {"kind": forms.RadioSelect, "audience": forms.RadioSelect}

    def clean_weight(self):
        return self.cleaned_data.get("weight") or 0
