"""The solver: exact lexicographic optimum (most matches, then most points), certified."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from matching.engine import solver
from matching.engine.baseline import greedy
from matching.engine.solver import (
    CAPACITY_FULL,
    NO_ADMISSIBLE,
    SPARE_CAPACITY,
    solve,
    solve_dense,
    solve_sparse,
    unmatched_reasons,
)


@st.composite
def instances(draw, max_mentees=5, max_mentors=4):
    n = draw(st.integers(0, max_mentees))
    m = draw(st.integers(0, max_mentors))
    # Whole points make ties (the hard case for certificates); fractions make none.
    whole = draw(st.booleans())
    elements = (
        st.integers(0, 4).map(float)
        if whole
        else st.floats(0, 100, allow_nan=False, allow_infinity=False)
    )
    scores = draw(arrays(np.float64, (n, m), elements=elements))
    admissible = draw(arrays(np.bool_, (n, m)))
    capacity = draw(arrays(np.int64, (m,), elements=st.integers(0, 2)))
    return scores, admissible, capacity


def brute_force(scores, admissible, capacity):
    """(most matches, best total) over every assignment."""
    n, m = scores.shape
    best = (0, 0.0)
    for choice in itertools.product(range(-1, m), repeat=n):
        load = np.zeros(m, dtype=int)
        total, matched, feasible = 0.0, 0, True
        for i, j in enumerate(choice):
            if j < 0:
                continue
            load[j] += 1
            if not admissible[i, j] or load[j] > capacity[j]:
                feasible = False
                break
            total += scores[i, j]
            matched += 1
        if feasible and (matched, total) > best:
            best = (matched, total)
    return best


def assert_valid(solution, scores, admissible, capacity):
    mentor_of = solution.mentor_of
    assert mentor_of.shape == (scores.shape[0],)
    matched = np.flatnonzero(mentor_of >= 0)
    assert admissible[matched, mentor_of[matched]].all()
    assert (np.bincount(mentor_of[matched], minlength=capacity.size) <= capacity).all()
    assert solution.matched == matched.size
    assert solution.total == pytest.approx(scores[matched, mentor_of[matched]].sum())


@settings(max_examples=60, deadline=None)
@given(instances())
def test_solver_total_equals_brute_force_optimum(instance):
    assert_every_method_finds_the_optimum(*instance)


def assert_every_method_finds_the_optimum(scores, admissible, capacity):
    # Brute force tries every place; more places than mentees change nothing.
    matched, total = brute_force(scores, admissible, np.minimum(capacity, scores.shape[0]))
    for solution in (
        solve_dense(scores, admissible, capacity),
        solve_sparse(scores, admissible, capacity),
        # One candidate per mentee: the certificate must find and add the missing pairs.
        solve_sparse(scores, admissible, capacity, candidates=1),
    ):
        assert_valid(solution, scores, admissible, capacity)
        assert solution.matched == matched
        assert solution.total == pytest.approx(total, rel=1e-12, abs=1e-9)
        assert solution.certified


@settings(max_examples=40, deadline=None)
@given(instances(max_mentees=8, max_mentors=6))
def test_greedy_takes_the_best_remaining_pair_first(instance):
    scores, admissible, capacity = instance
    n, m = scores.shape
    expected = np.full(n, -1)
    left = capacity.copy()
    pairs = sorted((-scores[i, j], i, j) for i in range(n) for j in range(m) if admissible[i, j])
    for _, i, j in pairs:
        if expected[i] < 0 and left[j] > 0:
            expected[i], left[j] = j, left[j] - 1
    solution = greedy(scores, admissible, capacity)
    assert_valid(solution, scores, admissible, capacity)
    assert solution.mentor_of.tolist() == expected.tolist()


def test_greedy_leaves_a_mentee_out_that_the_optimum_matches():
    # Ann's best mentor is the only one Ben may have; Ann has a second choice.
    scores = np.array([[10.0, 9.0], [8.0, 0.0]])
    admissible = np.array([[True, True], [True, False]])
    capacity = np.array([1, 1])

    first_come = greedy(scores, admissible, capacity)
    assert first_come.mentor_of.tolist() == [0, -1]
    assert unmatched_reasons(first_come.mentor_of, admissible, capacity).tolist() == [
        "",
        CAPACITY_FULL,
    ]
    for method in ("dense", "sparse"):
        best = solve(scores, admissible, capacity, method=method)
        assert best.mentor_of.tolist() == [1, 0]
        assert (best.matched, best.total) == (2, 17.0)


def test_one_more_match_outweighs_any_score():
    # Pairing Ann with her 100-point mentor leaves Ben and Cat out; the optimum matches
    # all three on one point each.
    scores = np.array([[100.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    admissible = np.array([[True, True, False], [True, False, False], [False, True, True]])
    capacity = np.array([1, 1, 1])
    for method in ("dense", "sparse"):
        best = solve(scores, admissible, capacity, method=method)
        assert best.matched == 3
        assert best.mentor_of.tolist() == [1, 0, 2]


def random_scheme(seed, mentees, mentors, capacity=2):
    rng = np.random.default_rng(seed)
    # Popular mentors (a shared quality) make the best candidates collide.
    scores = np.round(60 * rng.random((mentees, mentors)) + 40 * rng.random(mentors), 1)
    admissible = rng.random((mentees, mentors)) < 0.9
    scores[~admissible] = -np.inf  # what the scoring module may hand over
    return scores, admissible, np.full(mentors, capacity)


def test_sparse_equals_dense_optimum_after_widening_its_candidates():
    scores, admissible, capacity = random_scheme(7, 300, 150)
    dense = solve_dense(scores, admissible, capacity)
    sparse = solve_sparse(scores, admissible, capacity, candidates=2)
    assert_valid(sparse, np.where(admissible, scores, 0), admissible, capacity)
    assert (sparse.matched, sparse.total) == (dense.matched, dense.total)
    assert sparse.certified and dense.certified
    assert sparse.rounds > 1  # two candidates per mentee were not enough at first
    assert sparse.candidates > 2 * 300


def test_sparse_equals_dense_when_not_everyone_can_be_matched():
    scores, admissible, capacity = random_scheme(11, 200, 250, capacity=1)
    # A third of the mentees may only have one of ten mentors: neither every mentee nor
    # every place can be matched.
    admissible[::3, 10:] = False
    dense = solve_dense(scores, admissible, capacity)
    sparse = solve_sparse(scores, admissible, capacity, candidates=3)
    assert dense.matched == 200 - 67 + 10
    assert (sparse.matched, sparse.total) == (dense.matched, dense.total)
    assert sparse.certified


def test_sparse_beats_greedy_on_a_crowded_scheme():
    scores, admissible, capacity = random_scheme(3, 400, 150)
    best = solve_sparse(scores, admissible, capacity)
    quick = greedy(scores, admissible, capacity)
    assert (best.matched, best.total) > (quick.matched, quick.total)


def test_auto_chooses_by_size(monkeypatch):
    scores, admissible, capacity = random_scheme(5, 40, 20)
    assert solve(scores, admissible, capacity).method == "dense"  # 40 x 40 places
    monkeypatch.setattr(solver, "DENSE_MAX_CELLS", 40 * 40 - 1)
    assert solve(scores, admissible, capacity).method == "sparse"


@pytest.mark.parametrize("method", ["dense", "sparse"])
def test_progress_reaches_the_end_in_order(method):
    scores, admissible, capacity = random_scheme(2, 60, 30)
    seen = []
    solve(scores, admissible, capacity, method=method, progress=lambda f, _: seen.append(f))
    assert len(seen) >= 3
    assert seen == sorted(seen)
    assert seen[-1] == 1.0


def test_negative_scores_still_match_as_many_as_possible():
    scores = np.array([[-5.0, -1.0], [-2.0, -50.0]])
    admissible = np.ones((2, 2), dtype=bool)
    for method in ("dense", "sparse"):
        best = solve(scores, admissible, np.array([1, 1]), method=method)
        assert best.mentor_of.tolist() == [1, 0]
        assert best.total == -3.0


def test_unmatched_reasons():
    admissible = np.array(
        [
            [False, False, False],  # nobody allowed
            [True, False, False],  # only the full mentor 0
            [False, False, True],  # only mentor 2, who has no places at all
            [True, True, False],
            [False, True, False],
        ]
    )
    capacity = np.array([1, 2, 0])
    mentor_of = np.array([-1, -1, -1, 0, -1])  # a hand-made assignment: 4 could have 1
    reasons = unmatched_reasons(mentor_of, admissible, capacity)
    assert reasons.tolist() == [NO_ADMISSIBLE, CAPACITY_FULL, CAPACITY_FULL, "", SPARE_CAPACITY]


def test_the_solver_leaves_only_the_reasons_people_can_act_on():
    scores, admissible, capacity = random_scheme(9, 120, 30, capacity=2)
    admissible[:5] = False
    best = solve(scores, admissible, capacity)
    reasons = unmatched_reasons(best.mentor_of, admissible, capacity)
    assert set(reasons[best.mentor_of < 0]) == {NO_ADMISSIBLE, CAPACITY_FULL}
    assert (reasons[:5] == NO_ADMISSIBLE).all()


@pytest.mark.parametrize(
    ("mentees", "mentors", "capacity", "admissible"),
    [
        (0, 3, 1, True),  # no mentees
        (3, 0, 1, True),  # no mentors
        (3, 2, 0, True),  # no places
        (3, 2, 1, False),  # no admissible pair
    ],
)
@pytest.mark.parametrize("method", ["dense", "sparse", "greedy"])
def test_empty_schemes_match_nobody(mentees, mentors, capacity, admissible, method):
    scores = np.ones((mentees, mentors))
    allowed = np.full((mentees, mentors), admissible)
    places = np.full(mentors, capacity)
    if method == "greedy":
        result = greedy(scores, allowed, places)
    else:
        result = solve(scores, allowed, places, method=method)
    assert result.mentor_of.tolist() == [-1] * mentees
    assert (result.matched, result.total) == (0, 0.0)
    reasons = unmatched_reasons(result.mentor_of, allowed, places)
    expected = NO_ADMISSIBLE if not admissible or not mentors else CAPACITY_FULL
    assert reasons.tolist() == [expected] * mentees


def test_bad_input_is_refused():
    scores, admissible, capacity = np.ones((2, 2)), np.ones((2, 2), dtype=bool), np.ones(2)
    with pytest.raises(ValueError, match="same"):
        solve(scores, admissible[:1], capacity)
    with pytest.raises(ValueError, match="one entry per mentor"):
        solve(scores, admissible, np.ones(3))
    with pytest.raises(ValueError, match="negative"):
        solve(scores, admissible, np.array([1, -1]))
    with pytest.raises(ValueError, match="finite"):
        solve(np.array([[1.0, math.nan], [1.0, 1.0]]), admissible, capacity)
    with pytest.raises(ValueError, match="Unknown method"):
        solve(scores, admissible, capacity, method="fast")


def test_inadmissible_scores_are_ignored_whatever_they_hold():
    scores = np.array([[math.nan, 2.0], [-math.inf, 3.0]])
    admissible = np.array([[False, True], [False, True]])
    best = solve(scores, admissible, np.array([5, 1]))
    assert best.mentor_of.tolist() == [-1, 1]
    assert best.total == 3.0


def test_solution_is_frozen():
    best = solve(np.ones((1, 1)), np.ones((1, 1), dtype=bool), np.ones(1, dtype=int))
    with pytest.raises(AttributeError):
        best.total = 0.0


# Ties, capacities and rounds -------------------------------------------------------------


@st.composite
def tied_instances(draw, max_mentees=5, max_mentors=4):
    """Scores drawn from a handful of values (negative, zero, tiny, huge), so that most
    pairs tie with others; capacities from 0 to more than there are mentees."""
    n = draw(st.integers(1, max_mentees))
    m = draw(st.integers(1, max_mentors))
    values = draw(
        st.lists(
            st.sampled_from([-3.0, 0.0, 0.0, 1e-7, 0.5, 1.0, 2.5, 1e6]), min_size=1, max_size=3
        )
    )
    scores = draw(arrays(np.float64, (n, m), elements=st.sampled_from(values)))
    admissible = draw(arrays(np.bool_, (n, m), elements=st.booleans() | st.just(True)))
    capacity = draw(arrays(np.int64, (m,), elements=st.sampled_from([0, 1, 2, 10**6])))
    return scores, admissible, capacity


@settings(max_examples=80, deadline=None)
@given(tied_instances())
def test_heavily_tied_scores_still_give_the_brute_force_optimum(instance):
    assert_every_method_finds_the_optimum(*instance)


def test_the_tie_key_is_fixed_and_between_0_and_1():
    key = solver.TieKey(2_000, 1_000)
    mentees, mentors = np.meshgrid(np.arange(2_000), np.arange(1_000), indexing="ij")
    values = key(mentees, mentors)
    assert values.min() >= 0.0 and values.max() < 1.0
    assert np.array_equal(values, solver.TieKey(2_000, 1_000)(mentees, mentors))
    # Unrelated from one pair to the next: each mentee's favourite mentor differs.
    favourites = values.argmax(axis=1)
    assert np.unique(favourites).size > 500


def test_the_tie_key_never_changes_the_optimum(monkeypatch):
    # The key only chooses which tied pairs are looked at first; the objective is the
    # real scores. Reversing the key (the opposite choice in every tie) or ranking by
    # index (what the solver did before) must give the same matched count and total.
    rng = np.random.default_rng(4)
    scores = rng.integers(0, 3, (120, 60)).astype(float) * 2.5
    admissible = rng.random((120, 60)) < 0.7
    capacity = rng.integers(0, 4, 60)
    expected = solve_dense(scores, admissible, capacity)
    reference = solve_sparse(scores, admissible, capacity, candidates=3)
    original = solver.TieKey.__call__
    for other in (
        lambda self, i, j: 1.0 - original(self, i, j) - 2.0**-53,
        lambda self, i, j: np.asarray(j, dtype=float) / 61 + 0 * np.asarray(i),
    ):
        monkeypatch.setattr(solver.TieKey, "__call__", other)
        found = solve_sparse(scores, admissible, capacity, candidates=3)
        assert found.certified
        assert (found.matched, found.total) == (expected.matched, expected.total)
    assert (reference.matched, reference.total) == (expected.matched, expected.total)


@pytest.mark.parametrize("value", [0.0, 7.5])
def test_all_scores_equal_take_one_round(value):
    # Every pair ties: the candidate lists are spread over the mentors by the tie key,
    # so the first solve already matches everyone and is certified at once (by index,
    # everyone's 20 best were the same 20 mentors: 28 rounds at 2,000 x 1,000).
    scores, admissible, capacity = random_scheme(12, 1_000, 500)
    scores = np.full(scores.shape, value)
    solution = solve_sparse(scores, admissible, capacity)
    assert solution.certified
    assert solution.rounds == 1
    assert solution.matched == 1_000
    assert solution.candidates <= 1_000 * solver.DEFAULT_CANDIDATES


def test_a_huge_capacity_costs_no_more_than_the_mentees_who_could_use_it():
    scores, admissible, capacity = random_scheme(8, 50, 30, capacity=1)
    capacity[0] = 1_000_000
    capped = capacity.copy()
    capped[0] = int(admissible[:, 0].sum())
    for method in ("dense", "sparse"):
        huge = solve(scores, admissible, capacity, method=method)
        same = solve(scores, admissible, capped, method=method)
        assert huge.certified
        assert (huge.matched, huge.total) == (same.matched, same.total)
    problem = solver._Problem(scores, admissible, capacity)
    assert problem.capacity[0] == capped[0]
    assert problem.places == int(np.minimum(capacity, admissible.sum(axis=0)).sum())
    # In the sparse graph, a mentor with more places than pairs gives each pair a place
    # of its own: one edge a pair, not pairs x places.
    pairs = solver._all_pairs(problem)
    edge, place, owner = solver._slot_edges(problem, pairs)
    mentor_0 = (pairs % problem.m)[edge] == 0
    assert mentor_0.sum() == capped[0]
    assert np.unique(place[mentor_0]).size == capped[0]
    assert (owner[place[mentor_0]] == 0).all()


def test_a_capacity_of_0_takes_no_mentees():
    scores = np.array([[9.0, 1.0], [9.0, 1.0]])
    admissible = np.ones((2, 2), dtype=bool)
    for method in ("dense", "sparse"):
        best = solve(scores, admissible, np.array([0, 5]), method=method)
        assert best.mentor_of.tolist() == [1, 1]


def test_progress_moves_in_every_certification_round():
    # One candidate per mentee on a crowded scheme: several rounds of certificates.
    scores, admissible, capacity = random_scheme(7, 300, 150)
    seen = []
    solution = solve_sparse(
        scores, admissible, capacity, candidates=1, progress=lambda f, m: seen.append((f, m))
    )
    assert solution.rounds >= 3
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and len(set(fractions)) == len(fractions)
    assert fractions[-1] == 1.0
    for k in range(1, solution.rounds + 1):
        of = f"Round {k} of at most {solver.MAX_ROUNDS}"
        solving = [f for f, m in seen if m.startswith(f"{of}: solving")]
        checking = [f for f, m in seen if m.startswith(f"{of}: checking")]
        assert len(solving) == len(checking) == 1
        assert solving[0] < checking[0] < 1.0
    assert max(f for f, m in seen if m.startswith("Round")) < 0.95


def test_the_last_round_solves_over_every_admissible_pair(monkeypatch):
    scores, admissible, capacity = random_scheme(7, 300, 150)
    monkeypatch.setattr(solver, "MAX_ROUNDS", 2)
    solution = solve_sparse(scores, admissible, capacity, candidates=1)
    assert solution.rounds == 2
    assert solution.certified
    assert solution.candidates == int(admissible.sum())
    assert solution.total == solve_dense(scores, admissible, capacity).total
