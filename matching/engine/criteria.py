"""How well a mentee and a mentor fit: the criteria, their points and their reasons.

Pure Python, no ORM: the matching service turns a scheme's applications into ``Person``
rows and its settings into ``SchemeRules``, and the engine does the rest.

A pair's score is the sum over the criteria of ``weight x fraction``, where the weight
(0-100, set per scheme) is the criterion's maximum points and the fraction in [0, 1] says
how well the pair does on it. ``explain`` gives one pair's points with a reason per
criterion; ``matrix.score_matrix`` gives every pair's score at once, vectorised, and
agrees with ``explain`` to rounding. A criterion with weight 0 does not count and is left
out of the breakdown.

Every per-pair rule is a small function of a few codes (the mentee's department
preference and whether the departments agree, the difference in grades, ...): the
``_..._fraction`` functions here. ``explain`` calls them for one pair, and the matrix code
fills its lookup tables by calling the very same functions, so the two cannot drift
apart. Which pairs may not be matched at all is in ``constraints``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

# ---------------------------------------------------------------------------------------
# Criteria and the scheme's settings


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    explanation: str  # what earns points, for the coordinator's settings page
    default_weight: int


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "areas",
        "Development areas",
        "Points for the share of the mentee's chosen development areas that the mentor "
        "offers: all of them earns the full weight, half of them half.",
        35,
    ),
    Criterion(
        "locations",
        "Meeting locations",
        "Full points when both can meet in the same place. Without one, the points shrink "
        "the more face-to-face meetings matter to either person, to none when one finds "
        "them essential.",
        15,
    ),
    Criterion(
        "department",
        "Department",
        "Full points when the mentor's department is what the mentee asked for: their own "
        "or another one. For a mentee with no preference, another department earns full "
        "points when the scheme prefers that, and any department half points otherwise.",
        15,
    ),
    Criterion(
        "term",
        "Long or short term",
        "Full points when both want the same length of mentoring (about 12 months, or a "
        "short boost); half when one of them has not said.",
        10,
    ),
    Criterion(
        "professional_body",
        "Professional body",
        "Full points when both are members of the same professional body.",
        5,
    ),
    Criterion(
        "seniority",
        "Seniority",
        "Full points when the mentor is two or three grades above the mentee; three "
        "quarters for one grade or four and more, a quarter at the same grade, none when the "
        "mentor is junior. Half when a grade is not known.",
        20,
    ),
)
CRITERIA_BY_KEY: dict[str, Criterion] = {criterion.key: criterion for criterion in CRITERIA}

QUESTION_PREFIX = "question:"


@dataclass(frozen=True)
class QuestionCriterion:
    """A scheme's own choice question used in matching; ``weight`` is the question's."""

    id: int
    text: str
    weight: int
    multiple: bool = False

    @property
    def key(self) -> str:
        return f"{QUESTION_PREFIX}{self.id}"

    @property
    def criterion(self) -> Criterion:
        if self.multiple:
            explanation = (
                "Points for the share of answers in common: the answers both chose, out of "
                "all the answers either chose."
            )
        else:
            explanation = "Full points when both give the same answer."
        return Criterion(self.key, self.text, explanation, self.weight)


@dataclass
class Person:
    """One application, as matching sees it.

    ``areas`` are the areas a mentee wants or a mentor offers; ``grade_rank`` is the
    position of the grade in the scheme's list (0 = most junior), None when unknown;
    ``face_to_face`` is 1 (not important) to 4 (essential); ``term`` "long" or "short";
    ``match_preference`` "same", "other" or "any" (mentees); ``avoid_people`` holds names
    or e-mail addresses; ``answers`` maps a question id (as a string, as the application
    stores it) to the answer, a string or, for a multiple choice, a list of strings;
    ``capacity`` is a mentor's remaining places. Empty strings mean "not given".
    """

    id: int
    user_id: int
    email: str = ""
    name: str = ""
    department: str = ""
    grade_rank: int | None = None
    areas: Sequence[str] = ()
    locations: Sequence[str] = ()
    face_to_face: int | None = None
    term: str = ""
    match_preference: str = ""
    professional_body: str = ""
    line_manager_email: str = ""
    avoid_people: Sequence[str] = ()
    avoid_departments: Sequence[str] = ()
    answers: Mapping[str, str | list[str]] = field(default_factory=dict)
    capacity: int = 0


@dataclass
class SchemeRules:
    """A scheme's matching settings.

    ``weights`` overrides the default weights by criterion key (a question's key is
    ``question:<id>``); ``tried_pairs`` holds the (mentee user id, mentor user id) of pairs
    that were tried and ended; ``grades`` are the grade names from junior to senior, used
    to name grades in reasons.
    """

    prefer_other_department: bool = True
    require_senior_mentor: bool = False
    grades: Sequence[str] = ()
    questions: Sequence[QuestionCriterion] = ()
    weights: Mapping[str, int] = field(default_factory=dict)
    tried_pairs: AbstractSet[tuple[int, int]] = field(default_factory=set)

    def __post_init__(self):
        for key, weight in self.weights.items():
            if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= 100:
                raise ValueError(f"The weight of {key!r} must be a whole number from 0 to 100.")
        for question in self.questions:
            if not 0 <= question.weight <= 100:
                raise ValueError(f"The weight of question {question.id} must be 0 to 100.")

    def criteria(self) -> list[Criterion]:
        """Every criterion of the scheme, built-in ones first, with its default weight."""
        return [*CRITERIA, *(question.criterion for question in self.questions)]

    def weight(self, key: str) -> int:
        """The scheme's weight for ``key``, or the default weight when it sets none."""
        if key in self.weights:
            return self.weights[key]
        if key in CRITERIA_BY_KEY:
            return CRITERIA_BY_KEY[key].default_weight
        for question in self.questions:
            if question.key == key:
                return question.weight
        return 0

    def grade_name(self, rank: int | None) -> str:
        if rank is not None and 0 <= rank < len(self.grades):
            return self.grades[rank]
        return ""


def max_pair_score(rules: SchemeRules) -> int:
    """The most points a pair can score: the sum of the weights."""
    return sum(rules.weight(criterion.key) for criterion in rules.criteria())


# ---------------------------------------------------------------------------------------
# One pair: points and reasons


@dataclass(frozen=True)
class Points:
    """One criterion's points for one pair: ``points = max_points x fraction``.

    ``fraction`` (0 to 1) lets a page show what the pair would score under other weights.
    """

    key: str
    label: str
    points: float
    max_points: int
    reason: str
    fraction: float

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "points": self.points,
            "max_points": self.max_points,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Breakdown:
    """One pair's points per counted criterion (weight above 0), in the criteria's order."""

    items: tuple[Points, ...]

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)

    @property
    def total(self) -> float:
        return float(sum(item.points for item in self.items))

    @property
    def max_total(self) -> int:
        return sum(item.max_points for item in self.items)

    def as_list(self) -> list[dict]:
        """The breakdown as stored on a proposal: a list of plain dicts (without the
        fractions)."""
        return [item.as_dict() for item in self.items]


def explain(
    mentee: Person, mentor: Person, rules: SchemeRules, *, unweighted: bool = False
) -> Breakdown:
    """The points ``mentor`` earns for ``mentee`` on each criterion, with the reasons.

    A criterion weighted 0 is left out, unless ``unweighted`` asks for it (with 0 points,
    for a settings page that previews other weights). Admissibility is not part of it:
    see ``broken_constraints``.
    """
    items = []
    for criterion in rules.criteria():
        weight = rules.weight(criterion.key)
        if weight <= 0 and not unweighted:
            continue
        if criterion.key.startswith(QUESTION_PREFIX):
            question = next(q for q in rules.questions if q.key == criterion.key)
            fraction, reason = _question(question, mentee, mentor)
        else:
            fraction, reason = _SCORERS[criterion.key](mentee, mentor, rules)
        items.append(
            Points(criterion.key, criterion.label, weight * fraction, weight, reason, fraction)
        )
    return Breakdown(tuple(items))


def _norm(value) -> str:
    """The form in which two entries are compared: trimmed, single-spaced, case-folded."""
    if value is None:
        return ""
    return " ".join(str(value).split()).casefold()


def _spelled(value) -> str:
    """An entry as shown in a reason: trimmed and single-spaced."""
    return " ".join(str(value).split())


def _unique(values: Iterable[str]) -> dict[str, str]:
    """Normalised key -> the first spelling given, in order, empty entries dropped."""
    seen: dict[str, str] = {}
    for value in values or ():
        spelling = _spelled(value)
        key = spelling.casefold()
        if key and key not in seen:
            seen[key] = spelling
    return seen


def _join(items: Sequence[str], last: str = "and") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _count(number: int) -> str:
    return _WORDS[number] if 0 <= number < len(_WORDS) else str(number)


def _plural(number: int, word: str) -> str:
    return f"{_count(number)} {word}{'' if number == 1 else 's'}"


def _unknown(mentee_known: bool, mentor_known: bool, what: str) -> str:
    """'The mentee's grade is not known.' and the like, for whoever did not say."""
    if not mentee_known and not mentor_known:
        return f"Neither {what} is known."
    return f"The {'mentee' if not mentee_known else 'mentor'}'s {what} is not known."


# Development areas ------------------------------------------------------------------


def _areas(mentee: Person, mentor: Person, rules: SchemeRules) -> tuple[float, str]:
    wanted = _unique(mentee.areas)
    if not wanted:
        return 0.0, "The mentee chose no development areas."
    offered = _unique(mentor.areas)
    shared = [name for key, name in wanted.items() if key in offered]
    if not shared:
        if len(wanted) == 1:
            (only,) = wanted.values()
            return 0.0, f"Does not offer the one area the mentee wants ({only})."
        return 0.0, f"Offers none of the {_count(len(wanted))} areas the mentee wants."
    noun = "development area" if len(wanted) == 1 else "development areas"
    return (
        len(shared) / len(wanted),
        f"Shares {len(shared)} of {len(wanted)} {noun} ({', '.join(shared)}).",
    )


# Meeting locations --------------------------------------------------------------------


def _face_to_face_level(value) -> int:
    """1 (not important) to 4 (essential); an unknown answer counts as not important."""
    return value if isinstance(value, int) and 1 <= value <= 4 else 1


def _no_shared_location(mentee_level: int, mentor_level: int) -> float:
    """The fraction a pair with no shared location keeps: 1 minus how much face-to-face
    matters to the one who cares most."""
    return 1.0 - (max(mentee_level, mentor_level) - 1) / 3


_IMPORTANCE = {4: "are essential to", 3: "are important to", 2: "would be nice for"}


def _locations(mentee: Person, mentor: Person, rules: SchemeRules) -> tuple[float, str]:
    theirs = _unique(mentor.locations)
    shared = [name for key, name in _unique(mentee.locations).items() if key in theirs]
    if shared:
        # Schemes list "Online" among their places: one meets online, not "in Online".
        places = [name for name in shared if name.casefold() != "online"]
        where = f"in {_join(places, 'or')}" if places else ""
        if len(places) < len(shared):
            where = f"{where} or online" if where else "online"
        return 1.0, f"Both can meet {where}."
    mentee_level = _face_to_face_level(mentee.face_to_face)
    mentor_level = _face_to_face_level(mentor.face_to_face)
    fraction = _no_shared_location(mentee_level, mentor_level)
    top = max(mentee_level, mentor_level)
    if top == 1:
        return fraction, "No shared location, but face-to-face meetings matter little to either."
    who = (
        "both of them"
        if mentee_level == mentor_level
        else "the mentee"
        if mentee_level > mentor_level
        else "the mentor"
    )
    return fraction, f"No shared location, and face-to-face meetings {_IMPORTANCE[top]} {who}."


# Department ---------------------------------------------------------------------------

SAME, OTHER, ANY = "same", "other", "any"
_PREFERENCES = (SAME, OTHER, ANY)
# How the departments of a pair relate.
SAME_DEPARTMENT, OTHER_DEPARTMENT, DEPARTMENT_UNKNOWN = 0, 1, 2


def _preference(person: Person) -> str:
    value = _norm(person.match_preference)
    return value if value in (SAME, OTHER) else ANY


def _department_fraction(preference: str, relation: int, prefer_other: bool) -> float:
    if relation == DEPARTMENT_UNKNOWN:
        return 0.5
    same = relation == SAME_DEPARTMENT
    if preference == SAME:
        return 1.0 if same else 0.0
    if preference == OTHER or prefer_other:
        return 0.0 if same else 1.0
    return 0.5


def _department(mentee: Person, mentor: Person, rules: SchemeRules) -> tuple[float, str]:
    mentee_department, mentor_department = _norm(mentee.department), _norm(mentor.department)
    preference = _preference(mentee)
    if not mentee_department or not mentor_department:
        relation = DEPARTMENT_UNKNOWN
    elif mentee_department == mentor_department:
        relation = SAME_DEPARTMENT
    else:
        relation = OTHER_DEPARTMENT
    fraction = _department_fraction(preference, relation, rules.prefer_other_department)
    if relation == DEPARTMENT_UNKNOWN:
        return fraction, _unknown(bool(mentee_department), bool(mentor_department), "department")
    same = relation == SAME_DEPARTMENT
    if same:
        fact = f"Both work in {_spelled(mentee.department)}"
    else:
        fact = (
            f"Mentor works in {_spelled(mentor.department)}, "
            f"the mentee in {_spelled(mentee.department)}"
        )
    if preference == SAME:
        tail = (
            ", as the mentee asked."
            if same
            else ", but the mentee asked for someone from their own department."
        )
    elif preference == OTHER:
        tail = (
            ", but the mentee asked for someone from another department."
            if same
            else ", as the mentee asked."
        )
    elif rules.prefer_other_department:
        tail = "; the scheme prefers different departments." if same else ", as the scheme prefers."
    else:
        tail = "; the mentee has no preference."
    return fraction, fact + tail


# Long or short term -------------------------------------------------------------------

LONG, SHORT = "long", "short"
_TERMS = (LONG, SHORT)
_TERM_WISH = {LONG: "a long-term mentorship", SHORT: "a short boost"}


def _term_code(person: Person) -> str:
    value = _norm(person.term)
    return value if value in _TERMS else ""


def _term_fraction(mentee_term: str, mentor_term: str) -> float:
    if not mentee_term or not mentor_term:
        return 0.5
    return 1.0 if mentee_term == mentor_term else 0.0


def _term(mentee: Person, mentor: Person, rules: SchemeRules) -> tuple[float, str]:
    mentee_term, mentor_term = _term_code(mentee), _term_code(mentor)
    fraction = _term_fraction(mentee_term, mentor_term)
    if not mentee_term or not mentor_term:
        if not mentee_term and not mentor_term:
            return fraction, "Neither has said whether they want long or short term."
        who = "mentee" if not mentee_term else "mentor"
        return fraction, f"The {who} has not said whether they want long or short term."
    if mentee_term == mentor_term:
        return fraction, f"Both want {_TERM_WISH[mentee_term]}."
    return (
        fraction,
        f"The mentee wants {_TERM_WISH[mentee_term]}, the mentor {_TERM_WISH[mentor_term]}.",
    )


# Professional body --------------------------------------------------------------------


def _professional_body(mentee: Person, mentor: Person, rules: SchemeRules) -> tuple[float, str]:
    body = _norm(mentee.professional_body)
    if body and body == _norm(mentor.professional_body):
        return 1.0, f"Both are members of {_spelled(mentee.professional_body)}."
    return 0.0, "No professional body in common."


# Seniority ----------------------------------------------------------------------------

# Fraction by how many grades the mentor is above the mentee: a mentor a little ahead
# remembers the mentee's stage and has the view from the next rungs; a very wide gap or
# the same grade gives less of either; a junior mentor gives none.
# Index: difference clipped to -1..4, plus one.
SENIORITY_CURVE = (0.0, 0.25, 0.75, 1.0, 1.0, 0.75)
SENIORITY_UNKNOWN = 0.5


def _seniority_fraction(difference: int | None) -> float:
    if difference is None:
        return SENIORITY_UNKNOWN
    return SENIORITY_CURVE[min(max(difference, -1), 4) + 1]


def _seniority(mentee: Person, mentor: Person, rules: SchemeRules) -> tuple[float, str]:
    if mentee.grade_rank is None or mentor.grade_rank is None:
        return SENIORITY_UNKNOWN, _unknown(
            mentee.grade_rank is not None, mentor.grade_rank is not None, "grade"
        )
    difference = mentor.grade_rank - mentee.grade_rank
    fraction = _seniority_fraction(difference)
    names = rules.grade_name(mentor.grade_rank), rules.grade_name(mentee.grade_rank)
    if difference == 0:
        return fraction, f"Both are at the same grade{f' ({names[0]})' if names[0] else ''}."
    grades = f" ({names[0]}, the mentee {names[1]})" if all(names) else ""
    if difference < 0:
        return fraction, f"Mentor is {_plural(-difference, 'grade')} junior to the mentee{grades}."
    wide = ", a wide gap" if difference >= 4 else ""
    return fraction, f"Mentor is {_plural(difference, 'grade')} senior{grades}{wide}."


# The scheme's own questions -----------------------------------------------------------


def _answer(person: Person, question: QuestionCriterion) -> dict[str, str]:
    """The person's answer to ``question`` as normalised key -> spelling (one key for a
    single choice), empty when they did not answer."""
    # Stored answers are keyed by the question's id as a string; older ones by the int.
    answers: Mapping[Any, Any] = person.answers or {}
    value = answers.get(str(question.id), answers.get(question.id))
    if value is None:
        return {}
    if isinstance(value, str):
        value = [value]
    answer = _unique(value)
    if not question.multiple and len(answer) > 1:
        return {}
    return answer


def _question(question: QuestionCriterion, mentee: Person, mentor: Person) -> tuple[float, str]:
    ours, theirs = _answer(mentee, question), _answer(mentor, question)
    text = f"“{question.text}”"
    if not ours or not theirs:
        if not ours and not theirs:
            return 0.0, f"Neither answered {text}."
        return 0.0, f"The {'mentee' if not ours else 'mentor'} did not answer {text}."
    common = [name for key, name in ours.items() if key in theirs]
    if not question.multiple:
        if common:
            return 1.0, f"Same answer to {text}: {common[0]}."
        return 0.0, (
            f"Different answers to {text}: {next(iter(ours.values()))} for the mentee, "
            f"{next(iter(theirs.values()))} for the mentor."
        )
    either = len(ours.keys() | theirs.keys())
    if not common:
        return 0.0, f"No answers in common to {text}."
    if len(common) == either:
        return 1.0, f"The same answers to {text}: {', '.join(common)}."
    return len(common) / either, (
        f"Share {len(common)} of the {either} answers given to {text} ({', '.join(common)})."
    )


_SCORERS = {
    "areas": _areas,
    "locations": _locations,
    "department": _department,
    "term": _term,
    "professional_body": _professional_body,
    "seniority": _seniority,
}
