"""Every change to a scheme's own questions."""

from django.db import transaction
from django.db.models import Max

from schemes.models import CustomQuestion, Scheme

QUESTION_FIELDS = (
    "text",
    "help_text",
    "kind",
    "choices",
    "audience",
    "required",
    "is_matching_criterion",
    "weight",
)


@transaction.atomic
def question_create(*, scheme: Scheme, **values) -> CustomQuestion:
    """Add a question at the end of the scheme's questionnaire."""
    _check_fields(values)
    last = scheme.questions.aggregate(last=Max("position"))["last"]
    question = CustomQuestion(scheme=scheme, position=(last or 0) + 1, **values)
    _normalise(question)
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def question_update(*, question: CustomQuestion, **values) -> CustomQuestion:
    """Change a question; answers already given stay with it."""
    _check_fields(values)
    for field, value in values.items():
        setattr(question, field, value)
    _normalise(question)
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def question_delete(*, question: CustomQuestion) -> None:
    """Remove a question. Answers to it stay in the applications' records but are no
    longer asked, shown or used in matching."""
    question.delete()


@transaction.atomic
def question_move(*, question: CustomQuestion, up: bool) -> None:
    """Swap a question with its neighbour above (``up``) or below."""
    siblings = list(question.scheme.questions.order_by("position", "pk"))
    index = next(i for i, q in enumerate(siblings) if q.pk == question.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        if sibling.position != position:
            sibling.position = position
            sibling.save(update_fields=["position", "updated_at"])


def _check_fields(values: dict) -> None:
    unknown = set(values) - set(QUESTION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown question fields: {', '.join(sorted(unknown))}")


def _normalise(question: CustomQuestion) -> None:
    # Choices only mean something for choice questions; a weight only for a criterion.
    if question.kind not in CustomQuestion.CHOICE_KINDS:
        question.choices = []
    if not question.is_matching_criterion:
        question.weight = 0
