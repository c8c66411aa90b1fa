"""The scores, reasons and hard constraints of mentee/mentor pairs (matching.engine.criteria,
constraints and matrix)."""

import random

import numpy as np
import pytest

from matching.engine import matrix
from matching.engine.constraints import broken_constraints
from matching.engine.criteria import (
    CRITERIA,
    Person,
    QuestionCriterion,
    SchemeRules,
    explain,
    max_pair_score,
)
from matching.engine.matrix import score_matrix

GRADES = [f"Grade {n}" for n in range(1, 11)] + ["Senior manager", "Head of service", "Director"]
TIME = QuestionCriterion(7, "Preferred meeting time", 10)
INTERESTS = QuestionCriterion(8, "Interests outside work", 10, multiple=True)


def mentee(**fields) -> Person:
    values = {"id": 1, "user_id": 1, "email": "mina.shah@example.org", "name": "Mina Shah"}
    return Person(**(values | fields))


def mentor(**fields) -> Person:
    values = {"id": 2, "user_id": 2, "email": "tom.reid@example.org", "name": "Tom Reid"}
    return Person(**(values | fields))


def points(key: str, a: Person, b: Person, rules: SchemeRules | None = None):
    """The (points, reason) of criterion ``key`` for mentee ``a`` and mentor ``b``."""
    rules = rules or SchemeRules(grades=GRADES, questions=[TIME, INTERESTS])
    item = next(item for item in explain(a, b, rules) if item.key == key)
    return item.points, item.reason


# Criteria and weights ---------------------------------------------------------------


def test_default_weights_sum_to_a_hundred_over_the_six_criteria():
    assert [c.key for c in CRITERIA] == [
        "areas",
        "locations",
        "department",
        "term",
        "professional_body",
        "seniority",
    ]
    assert sum(c.default_weight for c in CRITERIA) == 100
    assert max_pair_score(SchemeRules()) == 100
    assert all(c.label and c.explanation.endswith(".") for c in CRITERIA)


def test_scheme_weights_override_defaults_and_missing_keys_keep_them():
    rules = SchemeRules(weights={"areas": 50, "question:7": 4}, questions=[TIME])
    assert rules.weight("areas") == 50
    assert rules.weight("term") == 10
    assert rules.weight("question:7") == 4
    assert rules.weight("question:99") == 0
    assert max_pair_score(rules) == 100 - 35 + 50 + 4


def test_a_question_criterion_takes_its_weight_from_the_question():
    rules = SchemeRules(questions=[TIME, INTERESTS])
    assert rules.weight(TIME.key) == 10
    assert [c.key for c in rules.criteria()][-2:] == ["question:7", "question:8"]
    assert rules.criteria()[-1].label == "Interests outside work"
    assert max_pair_score(rules) == 120


def test_points_scale_with_the_weight():
    a = mentee(areas=["Leadership", "Confidence"])
    b = mentor(areas=["Leadership"])
    assert points("areas", a, b, SchemeRules(weights={"areas": 60}))[0] == 30


def test_a_criterion_weighted_zero_is_left_out_of_the_breakdown_and_the_total():
    rules = SchemeRules(weights={"professional_body": 0, "areas": 0})
    a = mentee(professional_body="CIPD", areas=["Leadership"])
    b = mentor(professional_body="CIPD", areas=["Leadership"])
    breakdown = explain(a, b, rules)
    assert [item.key for item in breakdown] == ["locations", "department", "term", "seniority"]
    assert breakdown.max_total == max_pair_score(rules) == 60
    scores, _ = score_matrix([a], [b], rules)
    assert scores[0, 0] == pytest.approx(breakdown.total)


def test_a_settings_page_can_list_unweighted_criteria_with_their_fractions():
    rules = SchemeRules(weights={"areas": 0})
    a, b = mentee(areas=["Leadership", "Confidence"]), mentor(areas=["Leadership"])
    first = explain(a, b, rules, unweighted=True).items[0]
    assert (first.key, first.points, first.max_points, first.fraction) == ("areas", 0, 0, 0.5)
    assert first.reason == "Shares 1 of 2 development areas (Leadership)."
    assert explain(a, b, rules, unweighted=True).total == explain(a, b, rules).total


@pytest.mark.parametrize("weight", [-1, 101, 2.5, True])
def test_a_weight_outside_0_to_100_is_refused(weight):
    with pytest.raises(ValueError, match="areas"):
        SchemeRules(weights={"areas": weight})


def test_the_breakdown_is_stored_as_plain_dicts():
    breakdown = explain(mentee(), mentor(), SchemeRules())
    stored = breakdown.as_list()
    assert stored[0] == {
        "key": "areas",
        "label": "Development areas",
        "points": 0.0,
        "max_points": 35,
        "reason": "The mentee chose no development areas.",
    }
    assert sum(row["points"] for row in stored) == pytest.approx(breakdown.total)


# Each criterion ------------------------------------------------------------------------


def test_areas_score_the_share_of_wanted_areas_the_mentor_offers():
    a = mentee(areas=["Leadership", "Confidence", "Networking", "Motivation"])
    b = mentor(areas=["networking", "Leadership ", "Confidence", "Resilience"])
    assert points("areas", a, b) == (
        35 * 3 / 4,
        "Shares 3 of 4 development areas (Leadership, Confidence, Networking).",
    )


def test_areas_score_nothing_when_the_mentor_offers_none_of_them():
    a = mentee(areas=["Leadership", "Confidence", "Networking", "Motivation"])
    assert points("areas", a, mentor(areas=["Resilience"])) == (
        0,
        "Offers none of the four areas the mentee wants.",
    )
    assert points("areas", mentee(), mentor(areas=["Resilience"])) == (
        0,
        "The mentee chose no development areas.",
    )


def test_a_shared_location_earns_full_points_whatever_face_to_face_means_to_them():
    a = mentee(locations=["Coventry", "Rugby"], face_to_face=4)
    b = mentor(locations=["coventry"], face_to_face=4)
    assert points("locations", a, b) == (15, "Both can meet in Coventry.")
    online = mentor(locations=["Rugby", "Online"])
    assert points("locations", mentee(locations=["Online", "Rugby"]), online) == (
        15,
        "Both can meet in Rugby or online.",
    )


@pytest.mark.parametrize(
    ("mentee_f2f", "mentor_f2f", "expected", "reason"),
    [
        (4, 1, 0, "No shared location, and face-to-face meetings are essential to the mentee."),
        (2, 3, 5, "No shared location, and face-to-face meetings are important to the mentor."),
        (2, 2, 10, "No shared location, and face-to-face meetings would be nice for both of them."),
        (1, None, 15, "No shared location, but face-to-face meetings matter little to either."),
        (None, None, 15, "No shared location, but face-to-face meetings matter little to either."),
    ],
)
def test_without_a_shared_location_points_shrink_as_face_to_face_matters_more(
    mentee_f2f, mentor_f2f, expected, reason
):
    a = mentee(locations=["Coventry"], face_to_face=mentee_f2f)
    b = mentor(locations=["Rugby"], face_to_face=mentor_f2f)
    got, why = points("locations", a, b)
    assert got == pytest.approx(expected)
    assert why == reason


HOUSING = "Mentor works in Housing, the mentee in Finance"


@pytest.mark.parametrize(
    ("preference", "mentor_department", "prefer_other", "fraction", "reason"),
    [
        ("other", "Housing", True, 1, f"{HOUSING}, as the mentee asked."),
        ("other", "Housing", False, 1, f"{HOUSING}, as the mentee asked."),
        ("same", "finance", True, 1, "Both work in Finance, as the mentee asked."),
        (
            "same",
            "Housing",
            True,
            0,
            f"{HOUSING}, but the mentee asked for someone from their own department.",
        ),
        ("any", "Housing", True, 1, f"{HOUSING}, as the scheme prefers."),
        ("", "Finance", True, 0, "Both work in Finance; the scheme prefers different departments."),
        ("any", "Finance", False, 0.5, "Both work in Finance; the mentee has no preference."),
        ("any", "Housing", False, 0.5, f"{HOUSING}; the mentee has no preference."),
        ("other", "", True, 0.5, "The mentor's department is not known."),
    ],
)
def test_department_points_follow_the_mentees_preference(
    preference, mentor_department, prefer_other, fraction, reason
):
    rules = SchemeRules(prefer_other_department=prefer_other)
    a = mentee(department="Finance", match_preference=preference)
    b = mentor(department=mentor_department)
    assert points("department", a, b, rules) == (15 * fraction, reason)


@pytest.mark.parametrize(
    ("mentee_term", "mentor_term", "expected", "reason"),
    [
        ("long", "long", 10, "Both want a long-term mentorship."),
        ("short", "short", 10, "Both want a short boost."),
        ("long", "short", 0, "The mentee wants a long-term mentorship, the mentor a short boost."),
        ("", "short", 5, "The mentee has not said whether they want long or short term."),
        ("", "", 5, "Neither has said whether they want long or short term."),
    ],
)
def test_term_points_reward_the_same_length_of_mentoring(
    mentee_term, mentor_term, expected, reason
):
    assert points("term", mentee(term=mentee_term), mentor(term=mentor_term)) == (expected, reason)


def test_a_shared_professional_body_earns_its_points_whatever_the_spelling():
    a, b = mentee(professional_body="CIPD"), mentor(professional_body="  cipd ")
    assert points("professional_body", a, b) == (5, "Both are members of CIPD.")
    assert points("professional_body", a, mentor(professional_body="ACCA")) == (
        0,
        "No professional body in common.",
    )
    assert points("professional_body", mentee(), mentor()) == (
        0,
        "No professional body in common.",
    )


@pytest.mark.parametrize(
    ("difference", "fraction"),
    [(-3, 0), (-1, 0), (0, 0.25), (1, 0.75), (2, 1), (3, 1), (4, 0.75), (9, 0.75)],
)
def test_seniority_points_peak_two_or_three_grades_above_the_mentee(difference, fraction):
    got, _ = points("seniority", mentee(grade_rank=3), mentor(grade_rank=3 + difference))
    assert got == 20 * fraction


def test_seniority_reasons_name_the_gap_and_the_grades():
    assert points("seniority", mentee(grade_rank=4), mentor(grade_rank=6))[1] == (
        "Mentor is two grades senior (Grade 7, the mentee Grade 5)."
    )
    assert points("seniority", mentee(grade_rank=4), mentor(grade_rank=3))[1] == (
        "Mentor is one grade junior to the mentee (Grade 4, the mentee Grade 5)."
    )
    assert points("seniority", mentee(grade_rank=2), mentor(grade_rank=12))[1] == (
        "Mentor is ten grades senior (Director, the mentee Grade 3), a wide gap."
    )
    assert points("seniority", mentee(grade_rank=4), mentor(grade_rank=4))[1] == (
        "Both are at the same grade (Grade 5)."
    )
    assert points("seniority", mentee(), mentor(grade_rank=4)) == (
        10,
        "The mentee's grade is not known.",
    )


def test_a_single_choice_question_scores_when_the_answers_agree():
    a = mentee(answers={"7": "Mornings"})
    assert points("question:7", a, mentor(answers={"7": "mornings"})) == (
        10,
        "Same answer to “Preferred meeting time”: Mornings.",
    )
    assert points("question:7", a, mentor(answers={"7": "Evenings"})) == (
        0,
        "Different answers to “Preferred meeting time”: Mornings for the mentee, "
        "Evenings for the mentor.",
    )
    assert points("question:7", a, mentor()) == (
        0,
        "The mentor did not answer “Preferred meeting time”.",
    )


def test_a_multiple_choice_question_scores_the_overlap_of_the_answers():
    a = mentee(answers={"8": ["Walking", "Chess", "Music"]})
    b = mentor(answers={"8": ["Chess", "Music", "Cooking"]})
    assert points("question:8", a, b) == (
        10 * 2 / 4,
        "Share 2 of the 4 answers given to “Interests outside work” (Chess, Music).",
    )
    same = mentor(answers={"8": ["music", "chess", "walking"]})
    assert points("question:8", a, same)[0] == 10
    none = mentor(answers={"8": ["Cooking"]})
    assert points("question:8", a, none) == (0, "No answers in common to “Interests outside work”.")


# Hard constraints ----------------------------------------------------------------------


def test_an_ordinary_pair_breaks_no_constraint():
    rules = SchemeRules(require_senior_mentor=True)
    a = mentee(department="Finance", grade_rank=3, match_preference="other")
    assert broken_constraints(a, mentor(department="Housing", grade_rank=3), rules) == []


def test_a_person_cannot_mentor_themselves():
    assert broken_constraints(mentee(user_id=5), mentor(user_id=5), SchemeRules()) == [
        "Mentee and mentor are the same person."
    ]


@pytest.mark.parametrize("entry", ["TOM.REID@example.org", "tom   reid", "Tom Reid"])
def test_a_person_named_as_a_conflict_of_interest_is_barred_either_way(entry):
    assert broken_constraints(mentee(avoid_people=[entry]), mentor(), SchemeRules()) == [
        "The mentee asked not to be matched with the mentor."
    ]
    assert broken_constraints(
        mentee(email="tom.reid@example.org", name="Tom Reid"),
        mentor(email="x@example.org", name="X", avoid_people=[entry]),
        SchemeRules(),
    ) == ["The mentor asked not to be matched with the mentee."]


def test_a_department_named_as_a_conflict_of_interest_is_barred_either_way():
    a = mentee(department="Finance", avoid_departments=["housing"])
    assert broken_constraints(a, mentor(department="Housing"), SchemeRules()) == [
        "The mentee asked not to be matched with anyone from Housing."
    ]
    b = mentor(department="Housing", avoid_departments=["Finance"])
    assert broken_constraints(mentee(department="Finance"), b, SchemeRules()) == [
        "The mentor asked not to be matched with anyone from Finance."
    ]


def test_a_line_manager_is_barred_either_way():
    a = mentee(line_manager_email="Tom.Reid@Example.org")
    assert broken_constraints(a, mentor(), SchemeRules()) == [
        "Mentor is the mentee's line manager."
    ]
    b = mentor(line_manager_email="mina.shah@example.org")
    assert broken_constraints(mentee(), b, SchemeRules()) == [
        "Mentee is the mentor's line manager."
    ]


def test_the_same_department_is_barred_only_when_the_mentee_asked_for_another():
    b = mentor(department="Finance")
    assert broken_constraints(
        mentee(department="Finance", match_preference="other"), b, SchemeRules()
    ) == ["Both work in Finance, and the mentee asked for someone from another department."]
    for preference in ("same", "any", ""):
        a = mentee(department="Finance", match_preference=preference)
        assert broken_constraints(a, b, SchemeRules()) == []


def test_a_pair_tried_before_is_barred_in_that_direction_only():
    rules = SchemeRules(tried_pairs={(1, 2)})
    assert broken_constraints(mentee(), mentor(), rules) == [
        "This pair was matched before and the mentorship ended."
    ]
    assert broken_constraints(mentee(user_id=2), mentor(user_id=1), rules) == []


def test_a_junior_mentor_is_barred_only_where_the_scheme_requires_seniority():
    junior, same, unknown = mentor(grade_rank=2), mentor(grade_rank=3), mentor()
    strict = SchemeRules(require_senior_mentor=True)
    assert broken_constraints(mentee(grade_rank=3), junior, strict) == [
        "Mentor is at a lower grade than the mentee, and the scheme requires mentors to be at "
        "least as senior."
    ]
    assert broken_constraints(mentee(grade_rank=3), same, strict) == []
    assert broken_constraints(mentee(grade_rank=3), unknown, strict) == []
    assert broken_constraints(mentee(grade_rank=3), junior, SchemeRules()) == []


# The vectorised matrix -----------------------------------------------------------------

AREAS = ["Leadership", "Confidence", "Networking", "Resilience", "Motivation", "Focus"]
PLACES = ["Coventry", "Rugby", "Nuneaton", "Online", "Warwick"]
DEPARTMENTS = ["Finance", "Housing", "Planning", "Legal", "HR"]
BODIES = ["CIPD", "ACCA", "Law Society"]


def _spelling(rng: random.Random, value: str) -> str:
    """The same entry as people type it: other case, stray spaces."""
    return rng.choice([value, value.upper(), value.lower(), f" {value} ", value.replace(" ", "  ")])


def _people(
    rng: random.Random, count: int, role: str, first_id: int, areas: list[str] = AREAS
) -> list[Person]:
    people = []
    for number in range(count):
        user_id = first_id + number if rng.random() > 0.1 else rng.randrange(1, 40)
        people.append(
            Person(
                id=first_id + number,
                user_id=user_id,
                email=f"user{user_id}@example.org" if rng.random() > 0.05 else "",
                name=f"Person {user_id}",
                department=_spelling(rng, rng.choice(DEPARTMENTS)) if rng.random() > 0.1 else "",
                grade_rank=rng.randrange(13) if rng.random() > 0.15 else None,
                areas=[_spelling(rng, a) for a in rng.sample(areas, rng.randrange(0, 5))],
                locations=[_spelling(rng, p) for p in rng.sample(PLACES, rng.randrange(0, 3))],
                face_to_face=rng.choice([None, 1, 2, 3, 4]),
                term=rng.choice(["", "long", "short", "Long", "unsure"]),
                match_preference=rng.choice(["", "same", "other", "any"]),
                professional_body=_spelling(rng, rng.choice(BODIES)) if rng.random() < 0.5 else "",
                line_manager_email=(
                    f"USER{rng.randrange(1, 40)}@example.org" if rng.random() < 0.3 else ""
                ),
                avoid_people=[
                    rng.choice([f"user{u}@example.org", f" person  {u}", f"PERSON {u}"])
                    for u in rng.sample(range(1, 40), rng.choice([0, 0, 1, 3]))
                ],
                avoid_departments=(
                    [_spelling(rng, rng.choice(DEPARTMENTS))] if rng.random() < 0.2 else []
                ),
                answers={
                    key: value
                    for key, value in {
                        "7": rng.choice(["Mornings", "evenings", "Lunchtime"]),
                        "8": rng.sample(["Walking", "Chess", "Music", "Cooking"], rng.randrange(4)),
                    }.items()
                    if rng.random() < 0.8
                },
                capacity=2 if role == "mentor" else 0,
            )
        )
    return people


RULES = [
    SchemeRules(grades=GRADES, questions=[TIME, INTERESTS]),
    SchemeRules(
        prefer_other_department=False,
        require_senior_mentor=True,
        questions=[TIME, INTERESTS],
        weights={"areas": 100, "term": 0, "question:8": 55, "locations": 7},
    ),
    SchemeRules(
        weights={c.key: 0 for c in CRITERIA} | {"seniority": 3},
        require_senior_mentor=True,
    ),
]


def _tried(rng: random.Random) -> set[tuple[int, int]]:
    return {(rng.randrange(1, 40), rng.randrange(1, 40)) for _ in range(30)}


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("rules_number", range(len(RULES)))
def test_the_matrix_agrees_with_explain_and_the_constraints_for_every_pair(
    seed, rules_number, monkeypatch
):
    # Small steps, so that several row blocks and their sparse pairs are filled.
    monkeypatch.setattr(matrix, "CHUNK_CELLS", 97)
    rng = random.Random(seed)
    mentees, mentors = _people(rng, 41, "mentee", 1), _people(rng, 23, "mentor", 20)
    rules = RULES[rules_number]
    rules.tried_pairs = _tried(rng) | {(mentees[0].user_id, mentors[0].user_id)}

    scores, admissible = score_matrix(mentees, mentors, rules)

    assert scores.shape == admissible.shape == (41, 23)
    assert scores.dtype == np.float64 and admissible.dtype == bool
    _assert_agrees(mentees, mentors, rules, scores, admissible)
    assert not admissible[0, 0]
    # The population really exercises the constraints: some pairs barred, most not.
    assert 0.05 < 1 - admissible.mean() < 0.9
    assert (scores >= 0).all() and (scores <= max_pair_score(rules) + 1e-9).all()


def test_the_matrix_agrees_with_explain_over_long_lists_of_areas_and_places():
    # 150 areas take three 64-bit words per person, 100 places two.
    rng = random.Random(9)
    areas, places = [f"Area {n}" for n in range(150)], [f"Place {n}" for n in range(100)]
    mentees = _people(rng, 30, "mentee", 1, areas)
    mentors = _people(rng, 20, "mentor", 40, areas)
    for person in (*mentees, *mentors):
        person.areas = [*person.areas, *rng.sample(areas, 40)]
        person.locations = [*person.locations, *rng.sample(places, 3)]
    rules = RULES[0]
    scores, admissible = score_matrix(mentees, mentors, rules)
    _assert_agrees(mentees, mentors, rules, scores, admissible)


def test_the_matrix_agrees_with_explain_when_answers_are_compared_not_tabled(monkeypatch):
    # Criteria with many distinct values (free-text professional bodies) compare codes.
    monkeypatch.setattr(matrix, "WIDEST_FACTOR", 1)
    rng = random.Random(5)
    mentees, mentors = _people(rng, 30, "mentee", 1), _people(rng, 20, "mentor", 40)
    rules = RULES[0]
    scores, admissible = score_matrix(mentees, mentors, rules)
    _assert_agrees(mentees, mentors, rules, scores, admissible)


def _assert_agrees(mentees, mentors, rules, scores, admissible):
    for i, a in enumerate(mentees):
        for j, b in enumerate(mentors):
            assert scores[i, j] == pytest.approx(explain(a, b, rules).total, abs=1e-9), (i, j)
            assert admissible[i, j] == (not broken_constraints(a, b, rules)), (i, j)


def test_the_matrix_handles_empty_populations():
    scores, admissible = score_matrix([], [mentor()], SchemeRules())
    assert scores.shape == admissible.shape == (0, 1)
    scores, admissible = score_matrix([mentee()], [], SchemeRules())
    assert scores.shape == admissible.shape == (1, 0)


def test_the_matrix_scores_a_known_pair_exactly():
    a = mentee(
        areas=["Leadership", "Confidence"],
        locations=["Coventry"],
        department="Finance",
        match_preference="other",
        term="long",
        grade_rank=3,
    )
    b = mentor(
        areas=["Leadership"],
        locations=["Coventry"],
        department="Housing",
        term="long",
        grade_rank=5,
    )
    scores, admissible = score_matrix([a], [b], SchemeRules())
    assert scores[0, 0] == pytest.approx(17.5 + 15 + 15 + 10 + 0 + 20)
    assert admissible[0, 0]
