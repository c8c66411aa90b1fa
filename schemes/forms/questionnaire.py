"""The intake questionnaire's forms: one per step, built from the application's fields.

A form knows its application, for the scheme's own lists (grades, departments, places,
development areas) and for what is already saved. It checks and normalises one step's
answers and hands them over with ``step_values()`` and ``step_answers()`` to
``application_save_step``. Which answers are required comes from
``schemes.questionnaire``, so the form marks exactly what submitting will ask for.

A draft is saved as it is: its required answers are required only to submit
(``questionnaire.missing_answers``), and a value that cannot be stored (an e-mail address
that is not one, a choice not on the list) is reported beside its field while every
other answer of the step is handed over. An answer saved but not yet as submitting
needs it (three words of five) is listed in ``unfinished``, to be pointed out before
going on. An application already submitted must stay
complete, so its steps are checked in full and saved only when all is well.
"""

from typing import Any

from crispy_forms.bootstrap import InlineCheckboxes, InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.urls import reverse
from django.utils.html import escape, format_html

from mentoring.forms import CleanTextMixin
from schemes import choices, questionnaire
from schemes.models import Application, CustomQuestion

REQUIRED_MESSAGE = "Please answer this question."
LONG_TEXT_MAX = 4000
AVOID_PEOPLE_MAX = 30
NUMBER_WORDS = {3: "three", 4: "four", 5: "five", 6: "six"}
SCALE_CHOICES = [(1, "1 (low)"), (2, "2"), (3, "3"), (4, "4"), (5, "5 (high)")]


def _model_field(name: str) -> models.Field:
    return questionnaire.model_field(name)


def text_field(name: str, *, long: bool = False, **kwargs) -> forms.CharField:
    """A text answer labelled and explained as the model field is; ``long`` for a
    textarea."""
    model_field = _model_field(name)
    kwargs.setdefault("label", questionnaire.field_label(name))
    kwargs.setdefault("help_text", model_field.help_text)
    if long:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        kwargs.setdefault("max_length", LONG_TEXT_MAX)
    else:
        kwargs.setdefault("max_length", model_field.max_length)
    return forms.CharField(required=False, **kwargs)


def radio_field(name: str, choices_class, **kwargs) -> forms.TypedChoiceField:
    """One of a short fixed list, as radio buttons."""
    integer = issubclass(choices_class, models.IntegerChoices)
    kwargs.setdefault("label", questionnaire.field_label(name))
    kwargs.setdefault("help_text", _model_field(name).help_text)
    return forms.TypedChoiceField(
        choices=choices_class.choices,
        coerce=int if integer else str,
        empty_value=None if integer else "",
        widget=forms.RadioSelect,
        required=False,
        **kwargs,
    )


def checkbox_field(name: str, **kwargs) -> forms.MultipleChoiceField:
    """Any of one of the scheme's lists (its choices are set per scheme)."""
    kwargs.setdefault("label", questionnaire.field_label(name))
    kwargs.setdefault("help_text", "Tick all that apply.")
    return forms.MultipleChoiceField(
        choices=(), widget=forms.CheckboxSelectMultiple, required=False, **kwargs
    )


def select_field(name: str, **kwargs) -> forms.ChoiceField:
    """One of one of the scheme's lists, as a drop-down (its choices are set per
    scheme)."""
    kwargs.setdefault("label", questionnaire.field_label(name))
    kwargs.setdefault("required", False)
    return forms.ChoiceField(choices=(), **kwargs)


class StepForm(CleanTextMixin, forms.Form):
    """One step of the questionnaire for one application."""

    step = ""
    # A field whose choices are one of the scheme's lists: (scheme attribute, prompt of
    # the empty choice for a drop-down or "" for checkboxes). A field whose list is empty
    # in this scheme is not asked.
    scheme_lists: dict[str, str] = {}
    # Checkboxes and radios laid out side by side (short labels, long lists).
    inline: tuple[str, ...] = ()

    def __init__(self, data=None, *, application: Application, questions=()):
        self.application = application
        self.is_draft = application.status == Application.Status.DRAFT
        # A draft's answers that are saved but not yet as submitting needs them (five
        # words, not three): field → what to do, shown when going on to the next step.
        self.unfinished: dict[str, str] = {}
        self.scheme = application.scheme
        self.questions = questionnaire.questions_for(list(questions), application.role)
        super().__init__(data, initial=self.initial_values())
        self.use_scheme_lists()
        required = questionnaire.required_fields(self.scheme, application.role)
        for name, field in self.fields.items():
            field.required = field.required or name in required
            field.error_messages["required"] = REQUIRED_MESSAGE
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(*(self.layout_item(name) for name in self.fields))

    def full_clean(self) -> None:
        if not self.is_draft:
            super().full_clean()
            return
        # A draft needs no answer yet: the fields stay marked required (submitting will
        # ask for them) but are checked only for what was given.
        required = [field for field in self.fields.values() if field.required]
        for field in required:
            field.required = False
        try:
            super().full_clean()
        finally:
            for field in required:
                field.required = True

    @property
    def step_fields(self) -> tuple[str, ...]:
        return questionnaire.STEP_BY_SLUG[self.step].fields

    def initial_values(self) -> dict:
        return {
            name: questionnaire.field_value(self.application, name) for name in self.step_fields
        }

    def use_scheme_lists(self) -> None:
        for name, attribute in self.scheme_lists.items():
            entries = getattr(self.scheme, attribute)
            if not entries:
                del self.fields[name]
                continue
            field = self.fields[name]
            options = [(entry, entry) for entry in entries]
            if isinstance(field, forms.MultipleChoiceField):
                field.choices = options
            elif isinstance(field, forms.ChoiceField):
                field.choices = [("", "Choose one"), *options]

    def layout_item(self, name: str):
        if name not in self.inline:
            return name
        if isinstance(self.fields[name].widget, forms.CheckboxSelectMultiple):
            return InlineCheckboxes(name)
        return InlineRadios(name)

    def step_values(self) -> dict:
        """The step's model fields (and the person's name) that are well formed, for the
        service: all of them when the form is valid, the rest of a draft's when some are
        not."""
        return {
            name: self.cleaned_data[name]
            for name in self.step_fields
            if name in self.fields and name in self.cleaned_data
        }

    def step_answers(self) -> dict | None:
        """The custom questions' answers by question id (None: this step has none)."""
        return None


class AboutForm(StepForm):
    step = "about"
    inline = ("descriptive_words",)

    title = text_field("title", help_text="For example Ms, Mr, Mx or Dr.")
    name = forms.CharField(label="Full name", max_length=150)
    email = forms.EmailField(label="E-mail address", required=False, disabled=True)
    phone = text_field("phone")
    professional_body = text_field("professional_body")
    descriptive_words = forms.MultipleChoiceField(
        label="Five words that describe you",
        help_text="Choose exactly five.",
        choices=[(word, word) for word in choices.DESCRIPTIVE_WORDS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    heard_from = radio_field("heard_from", choices.HeardFrom)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].initial = self.application.user.email
        self.fields["email"].help_text = format_html(
            'We write to this address. You can change it on <a href="{}">your e-mail '
            "addresses</a> page.",
            reverse("account_email"),
        )
        self.fields["descriptive_words"].error_messages["required"] = (
            "Choose five words that describe you."
        )

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_descriptive_words(self):
        words = self.cleaned_data["descriptive_words"]
        count = choices.DESCRIPTIVE_WORD_COUNT
        if words and len(words) != count:
            message = (
                f"Choose exactly {NUMBER_WORDS.get(count, count)} words: you chose {len(words)}."
            )
            if not self.is_draft:
                raise ValidationError(message, code="word_count")
            # A draft keeps the words chosen so far; submitting asks for exactly five.
            self.unfinished["descriptive_words"] = message
        return words


class WorkForm(StepForm):
    step = "work"
    scheme_lists = {"grade": "grades"}

    job_title = text_field("job_title")
    grade = select_field("grade")
    department = text_field(
        "department", help_text="For example Housing, Finance or Children's services."
    )
    qualifications = text_field(
        "qualifications",
        long=True,
        help_text="Degrees, professional qualifications or training; “None” if you have none.",
    )
    time_in_role = radio_field("time_in_role", choices.TimeInRole)
    responsibilities = text_field(
        "responsibilities",
        long=True,
        help_text="A few sentences on what you do and who you work with.",
    )
    line_manager_email = forms.EmailField(
        label=questionnaire.field_label("line_manager_email"),
        help_text=_model_field("line_manager_email").help_text,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.scheme.departments:
            # The scheme has its own list: choose from it, so that matching can compare.
            field = self.fields["department"]
            department = select_field(
                "department", required=field.required, error_messages=field.error_messages
            )
            department.choices = [
                ("", "Choose one"),
                *((entry, entry) for entry in self.scheme.departments),
            ]
            self.fields["department"] = department

    def clean_line_manager_email(self):
        return self.cleaned_data["line_manager_email"].strip().lower()


class PreferencesForm(StepForm):
    step = "preferences"
    scheme_lists = questionnaire.SCHEME_LIST_FIELDS

    locations = checkbox_field("locations", help_text="Tick every place you could get to.")
    travel = radio_field("travel", choices.Travel)
    face_to_face = radio_field("face_to_face", choices.FaceToFace)
    term = radio_field("term", choices.Term)
    match_preference = radio_field("match_preference", choices.MatchPreference)
    restrictions = text_field("restrictions", long=True)
    avoid_people = forms.CharField(
        label=questionnaire.field_label("avoid_people"),
        help_text=(
            "One per line: a name or an e-mail address. For example someone you have a "
            "conflict of interest with. Only the coordinators see this."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT_MAX,
        required=False,
    )
    avoid_departments = checkbox_field(
        "avoid_departments", help_text="Tick any department you would rather not be matched with."
    )

    def initial_values(self) -> dict:
        initial = super().initial_values()
        initial["avoid_people"] = "\n".join(self.application.avoid_people)
        return initial

    def clean_avoid_people(self):
        people, seen = [], set()
        for number, line in enumerate(self.cleaned_data["avoid_people"].splitlines(), start=1):
            entry = " ".join(line.split())
            if not entry:
                continue
            if "@" in entry:
                try:
                    validate_email(entry)
                except ValidationError:
                    raise ValidationError(
                        f"Line {number}, “{entry}”, is not a valid e-mail address.",
                        code="invalid_email",
                    ) from None
                entry = entry.lower()
            if entry.casefold() not in seen:
                seen.add(entry.casefold())
                people.append(entry)
        if len(people) > AVOID_PEOPLE_MAX:
            raise ValidationError(
                f"Please name at most {AVOID_PEOPLE_MAX} people.", code="too_many"
            )
        return people


class GoalsForm(StepForm):
    step = "goals"
    scheme_lists = {"areas_wanted": "development_areas"}

    reason = radio_field("reason", choices.MenteeReason)
    reason_details = text_field("reason_details", long=True)
    areas_wanted = checkbox_field("areas_wanted")
    current_challenges = text_field("current_challenges", long=True)
    issues_on_mind = text_field("issues_on_mind", long=True)
    awake_at_night = text_field("awake_at_night", long=True)
    biggest_fear = text_field("biggest_fear", long=True)
    success_means = text_field("success_means", long=True)
    behave_differently = text_field("behave_differently", long=True)
    know_it_worked = text_field("know_it_worked", long=True)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("reason") == choices.MenteeReason.OTHER and not cleaned.get(
            "reason_details"
        ):
            if self.is_draft:
                self.unfinished["reason_details"] = "Please say what your reason is."
            else:
                self.add_error("reason_details", "Please say what your reason is.")
        return cleaned


class OfferForm(StepForm):
    step = "offer"
    scheme_lists = {"areas_offered": "development_areas"}

    mentor_reasons = text_field("mentor_reasons", long=True)
    mentored_before = radio_field("mentored_before", choices.MentoredBefore)
    experience = text_field(
        "experience",
        long=True,
        help_text="For example your career so far, what you learned, the networks you know.",
    )
    areas_offered = checkbox_field(
        "areas_offered", help_text="The same list mentees choose from. Tick all that apply."
    )
    capacity = forms.IntegerField(
        label=questionnaire.field_label("capacity"),
        help_text="Between 1 and 20. Most mentors take one or two.",
        min_value=1,
        max_value=20,
        required=False,
    )


class QuestionsForm(StepForm):
    """The scheme's own questions: one field per question asked of this role."""

    step = "questions"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        inline = []
        for question in self.questions:
            name = self.field_name(question)
            field = self.question_field(question)
            field.error_messages["required"] = REQUIRED_MESSAGE
            field.initial = self.application.answers.get(str(question.pk))
            self.fields[name] = field
            if question.kind == CustomQuestion.Kind.SCALE:
                inline.append(name)
        self.inline = tuple(inline)
        self.helper.layout = Layout(*(self.layout_item(name) for name in self.fields))

    @staticmethod
    def field_name(question: CustomQuestion) -> str:
        return f"question_{question.pk}"

    @staticmethod
    def question_field(question: CustomQuestion) -> forms.Field:
        common: dict[str, Any] = {
            "label": question.text,
            # Crispy renders help texts as HTML (ours hold links); a coordinator's hint
            # is text, so it is escaped here.
            "help_text": escape(question.help_text),
            "required": question.required,
        }
        options = [(str(choice), str(choice)) for choice in question.choices]
        if question.kind == CustomQuestion.Kind.SINGLE:
            return forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
        if question.kind == CustomQuestion.Kind.MULTIPLE:
            return forms.MultipleChoiceField(
                choices=options, widget=forms.CheckboxSelectMultiple, **common
            )
        if question.kind == CustomQuestion.Kind.SCALE:
            if not common["help_text"]:
                common["help_text"] = "1 is the lowest, 5 the highest."
            return forms.TypedChoiceField(
                choices=SCALE_CHOICES,
                coerce=int,
                empty_value=None,
                widget=forms.RadioSelect,
                **common,
            )
        return forms.CharField(
            widget=forms.Textarea(attrs={"rows": 4}), max_length=LONG_TEXT_MAX, **common
        )

    def step_answers(self) -> dict:
        return {
            str(question.pk): self.cleaned_data[self.field_name(question)]
            for question in self.questions
            if self.field_name(question) in self.cleaned_data
        }


STEP_FORMS = {
    form.step: form
    for form in (AboutForm, WorkForm, PreferencesForm, GoalsForm, OfferForm, QuestionsForm)
}


class SubmitForm(CleanTextMixin, forms.Form):
    """The consent an applicant gives when submitting."""

    consent = forms.BooleanField(
        label="I agree",
        help_text="To the use of my data as described above.",
        error_messages={
            "required": "Please agree to the use of your data so that we can match you."
        },
    )
