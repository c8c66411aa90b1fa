"""The reflections a pair writes on their sessions: the questions of each kind.

The mentee prepares before a session and looks back after it; the mentor looks back
after it and reviews how they mentored against the classic appraisal checklist. Every
answer is optional. A reflection's ``answers`` hold each question's key: the text typed,
or for the checklist "yes", "partly" or "no" (and a free ``note``).
"""

from dataclasses import dataclass

from sessions.models import Reflection

__all__ = [
    "CHECKLIST_CHOICES",
    "QUESTION_SETS",
    "Question",
    "QuestionSet",
    "question_set",
]

# The checklist's answers, in the order they are offered.
CHECKLIST_CHOICES = (("yes", "Yes"), ("partly", "Partly"), ("no", "No"))
ANSWER_MAX_LENGTH = 5000


@dataclass(frozen=True)
class Question:
    """One question of a reflection: its key in ``answers``, its words and a hint. A
    ``choice`` question is answered yes, partly or no; the others in free text."""

    key: str
    label: str
    hint: str = ""
    choice: bool = False


@dataclass(frozen=True)
class QuestionSet:
    """The questions of one kind of reflection, who writes it and when.

    ``after`` kinds are written once the session was held; the others (the mentee's
    preparation) while it is planned, or afterwards for the record."""

    kind: str
    role: str
    title: str
    intro: str
    after: bool
    questions: tuple[Question, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(question.key for question in self.questions)


_MENTEE_BEFORE = QuestionSet(
    kind=Reflection.Kind.MENTEE_BEFORE,
    role="mentee",
    title="Preparing for the session",
    intro="A few minutes before you meet, to make the most of the time together.",
    after=False,
    questions=(
        Question(
            "last_meeting",
            "What stands out for you from your last meeting?",
            "An idea, a question or a feeling you have carried since.",
        ),
        Question(
            "goal_work",
            "How have you worked on your goal since then?",
            "The actions you took, the steps towards your targets, what you tried.",
        ),
        Question(
            "went_well",
            "What went well, and what was difficult?",
            "Something to bring to the session: a success to build on, or a problem to look at.",
        ),
    ),
)

_MENTEE_AFTER = QuestionSet(
    kind=Reflection.Kind.MENTEE_AFTER,
    role="mentee",
    title="Looking back on the session",
    intro="Soon after you meet, while it is fresh.",
    after=True,
    questions=(
        Question(
            "useful",
            "What was useful in this session?",
            "An insight, a piece of advice, a question that made you think.",
        ),
        Question(
            "focus_more",
            "What would you like your mentor to focus on more?",
            "Share this reflection if you would like them to read it.",
        ),
        Question(
            "work_on",
            "What will you work on before you meet next?",
            "Specific steps you can take, and by when.",
        ),
    ),
)

_MENTOR_AFTER = QuestionSet(
    kind=Reflection.Kind.MENTOR_AFTER,
    role="mentor",
    title="Looking back on the session",
    intro="Soon after you meet, for your own learning as a mentor.",
    after=True,
    questions=(
        Question(
            "interested",
            "What interested you most in this session?",
            "What your mentee brought, or where the conversation went.",
        ),
        Question(
            "learning_points",
            "Which learning points became clear?",
            "For your mentee, and for the way you work together.",
        ),
        Question(
            "about_myself",
            "What did you learn about yourself?",
            "As a mentor, a listener, a colleague.",
        ),
    ),
)

_CHECKLIST_ITEMS = (
    ("rapport", "We have a good rapport."),
    ("challenge", "We are able to challenge each other."),
    ("relevance", "The session was relevant to our agreement."),
    ("own_decisions", "I was pleased when my mentee made their own decisions."),
    (
        "skills",
        "I used listening, questioning, reflecting back, feedback and review.",
    ),
    ("dependency", "I avoided my mentee becoming dependent on me."),
    ("owns_decisions", "My mentee owns the decisions they make."),
    ("options", "We explored alternative options."),
    ("responsibility", "My mentee is accepting responsibility for their development."),
    ("celebrated", "We celebrated my mentee's achievements."),
    ("ending", "It is time to plan for the ending of our mentorship."),
)

_MENTOR_CHECKLIST = QuestionSet(
    kind=Reflection.Kind.MENTOR_CHECKLIST,
    role="mentor",
    title="Reviewing how you mentored",
    intro="An appraisal of the session against the qualities of a good mentoring "
    "relationship: answer yes, partly or no, and add a note if you like.",
    after=True,
    questions=(
        *(Question(key, label, choice=True) for key, label in _CHECKLIST_ITEMS),
        Question(
            "note",
            "Anything to note?",
            "What you would do differently next time, or something to raise with your mentee.",
        ),
    ),
)

QUESTION_SETS: dict[str, QuestionSet] = {
    qs.kind: qs for qs in (_MENTEE_BEFORE, _MENTEE_AFTER, _MENTOR_AFTER, _MENTOR_CHECKLIST)
}


def question_set(kind: str) -> QuestionSet:
    """The questions of ``kind``; KeyError for a kind that does not exist."""
    return QUESTION_SETS[kind]
