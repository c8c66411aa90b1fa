"""The shape of the intake questionnaire: its steps, their fields, what is required.

The forms, the submit service, the review page and the spreadsheet import all read this
one description, so a field added here is asked, checked, shown and imported alike.
"""

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from schemes.choices import DESCRIPTIVE_WORD_COUNT, MenteeReason
from schemes.models import Application, CustomQuestion, Role, Scheme

# The longest answer to a long-text question (the database would take more): the form
# says it and counts towards it, and the spreadsheet import refuses a longer cell.
LONG_TEXT_MAX = 4000


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    intro: str
    fields: tuple[str, ...]
    role: str = ""  # "" for both roles

    def applies_to(self, role: str) -> bool:
        return not self.role or self.role == role


STEPS = (
    Step(
        "about",
        "About you",
        "How we contact you, and a little about who you are.",
        ("title", "name", "phone", "professional_body", "descriptive_words", "heard_from"),
    ),
    Step(
        "work",
        "Your work",
        "Your role helps us find someone with the right experience.",
        (
            "job_title",
            "grade",
            "department",
            "qualifications",
            "time_in_role",
            "responsibilities",
            "line_manager_email",
        ),
    ),
    Step(
        "preferences",
        "Meeting and matching",
        "Where you could meet and who you would, or would not, like to be matched with.",
        (
            "locations",
            "travel",
            "face_to_face",
            "term",
            "match_preference",
            "restrictions",
            "avoid_people",
            "avoid_departments",
        ),
    ),
    Step(
        "goals",
        "Your goals",
        "Thinking about these now prepares you for your first meeting. The scheme's "
        "coordinators read your answers to find you a good match. Your mentor sees none of "
        "them unless you choose: once you have both accepted the match, you pick on your "
        "mentorship's page which answers to share with them.",
        (
            "reason",
            "reason_details",
            "areas_wanted",
            "current_challenges",
            "issues_on_mind",
            "awake_at_night",
            "biggest_fear",
            "success_means",
            "behave_differently",
            "know_it_worked",
        ),
        role=Role.MENTEE,
    ),
    Step(
        "offer",
        "What you offer",
        "Why you would like to mentor, and what you could help a mentee with.",
        ("mentor_reasons", "mentored_before", "experience", "areas_offered", "capacity"),
        role=Role.MENTOR,
    ),
    Step(
        "questions",
        "Scheme questions",
        "Questions the scheme's coordinators have added.",
        (),
    ),
)

STEP_BY_SLUG = {step.slug: step for step in STEPS}

# The answers an application holds: every field of the questionnaire but the person's
# name, which is their account's (their answers to the scheme's own questions are in
# ``Application.answers``).
ANSWER_FIELDS = tuple(field for step in STEPS for field in step.fields if field != "name")

REQUIRED = {
    "": (
        "name",
        "descriptive_words",
        "job_title",
        "grade",
        "qualifications",
        "responsibilities",
        "face_to_face",
        "term",
        "match_preference",
    ),
    Role.MENTEE: ("reason", "areas_wanted"),
    Role.MENTOR: ("mentor_reasons", "areas_offered", "capacity"),
}


def required_fields(scheme: Scheme, role: str) -> frozenset[str]:
    """The fields a ``role`` applicant must fill in for ``scheme``: the fixed ones, plus
    the department and meeting places when the scheme has lists of them."""
    fields = set(REQUIRED[""]) | set(REQUIRED[role])
    if scheme.departments:
        fields.add("department")
    if scheme.locations:
        fields.add("locations")
    return frozenset(fields)


# Fields chosen from one of the scheme's own lists, and not asked when it is empty.
SCHEME_LIST_FIELDS = {"locations": "locations", "avoid_departments": "departments"}


def is_asked(scheme: Scheme, field: str) -> bool:
    """Whether the questionnaire of ``scheme`` asks ``field`` (a choice from one of the
    scheme's lists is not asked when the list is empty)."""
    attribute = SCHEME_LIST_FIELDS.get(field)
    return attribute is None or bool(getattr(scheme, attribute))


def questions_for(questions: list[CustomQuestion], role: str) -> list[CustomQuestion]:
    return [question for question in questions if question.asks(role)]


def steps_for(role: str, questions: list[CustomQuestion]) -> list[Step]:
    """The steps a ``role`` applicant goes through, in order (the scheme questions only
    when the scheme asks that role some)."""
    return [
        step
        for step in STEPS
        if step.applies_to(role) and (step.slug != "questions" or questions_for(questions, role))
    ]


def field_value(application: Application, field: str):
    if field == "name":
        return application.user.name
    return getattr(application, field)


def _is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def missing_answers(application: Application, questions: list[CustomQuestion]) -> list[str]:
    """What still stops ``application`` from being submitted, as readable labels in the
    questionnaire's order (empty when it is complete)."""
    return [label for _, label in missing_by_step(application, questions)]


def missing_by_step(
    application: Application, questions: list[CustomQuestion]
) -> list[tuple[str, str]]:
    """``missing_answers`` with the slug of the step each one is asked on, so that a
    page can link to where it is answered."""
    required = required_fields(application.scheme, application.role)
    missing = []
    for step in steps_for(application.role, questions):
        for field in step.fields:
            if field in required and _is_empty(field_value(application, field)):
                missing.append((step.slug, field_label(field)))
        if step.slug == "questions":
            for question in questions_for(questions, application.role):
                if question.required and _is_empty(application.answers.get(str(question.pk))):
                    missing.append((step.slug, question.text))
    words = application.descriptive_words
    if words and len(words) != DESCRIPTIVE_WORD_COUNT:
        missing.append(("about", f"exactly {DESCRIPTIVE_WORD_COUNT} words that describe you"))
    if (
        application.role == Role.MENTEE
        and application.reason == MenteeReason.OTHER
        and not application.reason_details
    ):
        missing.append(("goals", "your reason for seeking a mentor, in your own words"))
    return missing


def first_unfinished_step(application: Application, questions: list[CustomQuestion]) -> str:
    """Where to resume: the step after the last one saved, or "review" when all are."""
    slugs = [step.slug for step in steps_for(application.role, questions)]
    if application.last_step not in slugs:
        return slugs[0]
    index = slugs.index(application.last_step) + 1
    return slugs[index] if index < len(slugs) else "review"


def resume_step(application: Application) -> str:
    """``first_unfinished_step`` for an application loaded by
    ``selectors.applications_for_user``
    (its scheme's questions already fetched)."""
    return first_unfinished_step(application, list(application.scheme.questions.all()))


def model_field(field: str) -> models.Field:
    """The ``Application`` field that stores the questionnaire's field ``field``."""
    found = Application._meta.get_field(field)
    if not isinstance(found, models.Field):  # the far side of a relation: never asked
        raise FieldDoesNotExist(f"Application.{field} is not a field of its own")
    return found


def text_limit(field: str) -> int | None:
    """The most characters a text answer to ``field`` may have: its column's length, or
    ``LONG_TEXT_MAX`` for a long text; None for an answer that is not text."""
    found = model_field(field)
    if isinstance(found, models.TextField):
        return LONG_TEXT_MAX
    if isinstance(found, models.CharField) and not found.choices:
        return found.max_length
    return None


def field_label(field: str) -> str:
    if field == "name":
        return "Full name"
    label = str(model_field(field).verbose_name)
    return label[:1].upper() + label[1:]


def consent_text(scheme: Scheme) -> str:
    """The statement an applicant agrees to, stored word for word with their answers."""
    return (
        f"I agree that the coordinators of {scheme.name} may use the information in this "
        "application to match me with a mentor or mentee and to run the scheme. My answers "
        "are seen by the scheme's coordinators and by the site's administrators. Once we are "
        "matched, the person I am matched with sees my name, e-mail address, job title and "
        "department and why we were matched; a mentee's answers to the goal-setting "
        "questions reach their mentor only if the mentee chooses to share them. The "
        f"coordinators keep my answers for no longer than {scheme.retention_months} months "
        "after the scheme closes. I can withdraw my application at any time, which removes "
        "my answers. From my account page I can download a copy of my data and erase my "
        "account."
    )


@dataclass(frozen=True)
class Answer:
    label: str
    value: str  # "" when not answered
    required: bool = False


@dataclass(frozen=True)
class Section:
    step: Step
    answers: list[Answer]


def display_value(application: Application, field: str) -> str:
    """A field's answer as a person reads it: choice labels, lists joined."""
    value = field_value(application, field)
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if field != "name" and model_field(field).choices:
        return str(getattr(application, f"get_{field}_display")())
    return str(value)


def answer_display(question: CustomQuestion, value) -> str:
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if question.kind == CustomQuestion.Kind.SCALE:
        return f"{value} out of 5"
    return str(value)


def answer_sections(application: Application, questions: list[CustomQuestion]) -> list[Section]:
    """Every answer of ``application``, step by step, for its review page and for the
    coordinator's detail page."""
    required = required_fields(application.scheme, application.role)
    sections = []
    for step in steps_for(application.role, questions):
        if step.slug == "questions":
            answers = [
                Answer(
                    question.text,
                    answer_display(question, application.answers.get(str(question.pk))),
                    question.required,
                )
                for question in questions_for(questions, application.role)
            ]
        else:
            answers = [
                Answer(field_label(field), display_value(application, field), field in required)
                for field in step.fields
                if is_asked(application.scheme, field) or field_value(application, field)
            ]
        sections.append(Section(step, answers))
    return sections
