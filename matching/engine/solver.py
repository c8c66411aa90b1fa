"""The assignment of mentees to mentors: exact, and certified so for large schemes.

Input: ``scores`` (n mentees x m mentors, float), ``admissible`` (n x m, bool; it is the
authority, whatever ``scores`` holds where it is False) and ``capacity`` (m, int: each
mentor's remaining places). Output: a :class:`Solution`, whose ``mentor_of[i]`` is the
mentor of mentee ``i`` or -1.

The objective is lexicographic: first as many mentees matched as possible, then the
largest total score. The dense method gives every admissible pair the profit
``BONUS + score``, with a bonus larger than any total of scores, so that no trade of
scores can outweigh one more match; the sparse method and the certificate keep the two
parts apart instead (see ``_solve_pairs`` and ``_Duals``).

Two exact methods:

- ``solve_dense``: the Hungarian method (scipy's ``linear_sum_assignment``) on the
  capacity-expanded matrix, one column per place. Simple, but time and memory grow with
  mentees x places: about 47 s and 1.4 GB at 10,000 x 5,000 with two places each.
- ``solve_sparse``: each mentee's best ``candidates`` mentors only, solved exactly on that
  graph (scipy's sparse Jonker-Volgenant), then *certified* over every admissible pair
  with LP dual values; where the certificate fails, the violating pairs join the
  candidates and the graph is solved again. The result is the exact optimum of the whole
  problem, proved by the duals, not an approximation. There are at most ``MAX_ROUNDS``
  solves, the last over every admissible pair, and each is reported to ``progress``.

Tied scores (weights at 0, a single weight) do not make it slower: which of several tied
pairs is looked at first is decided by a fixed secondary key (``TieKey``) that never
enters the objective. A mentor's capacity counts only up to the number of mentees who may
be matched with them, and in the sparse graph a mentor with more places than candidate
pairs gives each pair a place of its own, so a huge capacity costs nothing extra.

The certificate (``_duals`` and ``_violations``) works in the exact lexicographic form
of the bonus: every dual value is a pair (a whole number of bonuses, a score), so that a
missed match can never hide in the rounding of a large bonus. A pair counts as violating
when its reduced cost's score part exceeds ``1e-9 x (1 + score spread)``: far above
floating-point noise and far below any difference a person could see.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_array
from scipy.sparse.csgraph import (
    breadth_first_order,
    maximum_bipartite_matching,
    min_weight_full_bipartite_matching,
)

NO_ADMISSIBLE = "no_admissible"
CAPACITY_FULL = "capacity_full"
# Never the reason for a mentee left out by solve() or baseline.greedy(): both match anyone
# who has an admissible mentor with a place left. It shows up only for a hand-edited assignment.
SPARE_CAPACITY = "spare_capacity"

UNMATCHED = -1
# Each mentee's best mentors that the sparse method starts from. Fewer make each solve
# faster but need more rounds; 20 was the fastest at 2,000 to 10,000 mentees (see
# benchmarks/bench_matching.py).
DEFAULT_CANDIDATES = 20
# The dense method's matrix has one cell per mentee and place. Up to a million cells
# (1,000 mentees x 1,000 places) both methods take a fraction of a second and the dense
# one is the simpler; beyond that the sparse one is faster (2,000 x 1,000 with two places
# each: 0.3 s against 0.8 s; 5,000 x 2,500: 1.0 s against 8.3 s) and its memory grows
# with the pairs it keeps, not with mentees x places.
DENSE_MAX_CELLS = 1_000_000
# Rows of the n x m arrays handled at once: the temporary arrays of one chunk stay
# around this many bytes, so 10,000 x 5,000 needs tens of megabytes, not gigabytes.
CHUNK_BYTES = 32 * 2**20
# numpy lets go of the interpreter lock in its array loops, so the passes over all
# pairs run on two threads where there are two cores.
WORKERS = min(2, os.cpu_count() or 1)
# After the first round, pairs within this share of the score spread of violating are
# added as well: prices move when pairs join, and this saves a round or two (0.05 took
# 5.4 CPU s where 0.02 took 6.6 at 10,000 x 5,000 with 9,990 places; 0.1 no less).
MARGIN = 0.05
# After the first round, candidates this share of the spread below what their mentee
# has are dropped from the solves (the check over all pairs brings back any needed).
PRUNE = 0.2
# Rounds of adding the best mentees of mentors left with free places, before the first
# solve, where everyone's best candidates are the same few mentors.
SUPPORT_ROUNDS = 2
# Rounds of the sparse method at most: if the certificate still fails after one round
# fewer, the last round solves over every admissible pair, which needs no certificate
# to widen it. With the tie key, runs need one to four rounds, whatever the weights.
MAX_ROUNDS = 10

Progress = Callable[[float, str], None]
T = TypeVar("T")


@dataclass(frozen=True)
class Solution:
    """An assignment and how it was found.

    ``total`` is the plain sum of the matched pairs' scores (no bonus). ``candidates`` is
    the number of mentee-mentor pairs the final exact solve looked at (all admissible
    pairs for the dense method). ``rounds`` is the number of exact solves; ``certified``
    says that LP dual values proved the assignment optimal over every admissible pair.
    """

    mentor_of: np.ndarray
    total: float
    matched: int
    method: str
    certified: bool
    rounds: int
    candidates: int


def solve(
    scores: np.ndarray,
    admissible: np.ndarray,
    capacity: np.ndarray,
    *,
    method: str = "auto",
    candidates: int = DEFAULT_CANDIDATES,
    progress: Progress | None = None,
) -> Solution:
    """The optimal assignment: most mentees matched, then the largest total score.

    ``method`` is "dense", "sparse" or "auto" (dense while the capacity-expanded matrix
    has at most ``DENSE_MAX_CELLS`` cells, sparse beyond). ``progress(fraction,
    message)``, when given, is told how far the computation is.
    """
    if method not in ("auto", "dense", "sparse"):
        raise ValueError(f"Unknown method {method!r}: use 'auto', 'dense' or 'sparse'.")
    problem = _Problem(scores, admissible, capacity)
    if method == "auto":
        method = "dense" if problem.dense_cells() <= DENSE_MAX_CELLS else "sparse"
    if method == "dense":
        return _solve_dense(problem, candidates=candidates, progress=progress)
    return _solve_sparse(problem, candidates=candidates, progress=progress)


def solve_dense(
    scores: np.ndarray,
    admissible: np.ndarray,
    capacity: np.ndarray,
    *,
    candidates: int = DEFAULT_CANDIDATES,
    progress: Progress | None = None,
) -> Solution:
    """The optimum by the Hungarian method on the capacity-expanded matrix.

    The assignment is then certified with dual values like the sparse method's (this
    needs no second solve: ``candidates`` only sets where the dual search starts).
    """
    return _solve_dense(_Problem(scores, admissible, capacity), candidates, progress)


def solve_sparse(
    scores: np.ndarray,
    admissible: np.ndarray,
    capacity: np.ndarray,
    *,
    candidates: int = DEFAULT_CANDIDATES,
    progress: Progress | None = None,
) -> Solution:
    """The optimum by an exact solve over each mentee's best ``candidates`` mentors,
    certified over all admissible pairs and solved again with more pairs until it is."""
    return _solve_sparse(_Problem(scores, admissible, capacity), candidates, progress)


def unmatched_reasons(
    mentor_of: np.ndarray, admissible: np.ndarray, capacity: np.ndarray
) -> np.ndarray:
    """Why each mentee is unmatched: "" for the matched, else ``NO_ADMISSIBLE`` (no
    admissible mentor at all) or ``CAPACITY_FULL`` (every admissible mentor is full);
    ``SPARE_CAPACITY`` only for an assignment that is not optimal."""
    mentor_of = np.asarray(mentor_of)
    admissible = np.asarray(admissible, dtype=bool)
    capacity = np.asarray(capacity, dtype=np.int64)
    n = mentor_of.shape[0]
    reasons = np.full(n, "", dtype=object)
    load = np.bincount(mentor_of[mentor_of >= 0], minlength=capacity.shape[0])
    spare = load < capacity
    for i in np.flatnonzero(mentor_of < 0):
        row = admissible[i]
        if not row.any():
            reasons[i] = NO_ADMISSIBLE
        elif (row & spare).any():
            reasons[i] = SPARE_CAPACITY
        else:
            reasons[i] = CAPACITY_FULL
    return reasons


class _Problem:
    """The validated input and what every method needs from it."""

    def __init__(self, scores: np.ndarray, admissible: np.ndarray, capacity: np.ndarray):
        self.scores = np.asarray(scores, dtype=np.float64)
        self.admissible = np.asarray(admissible, dtype=bool)
        self.capacity = np.asarray(capacity).astype(np.int64)
        if self.scores.ndim != 2 or self.admissible.shape != self.scores.shape:
            raise ValueError("scores and admissible must be arrays of the same (n, m) shape.")
        self.n, self.m = self.scores.shape
        if self.capacity.shape != (self.m,):
            raise ValueError(f"capacity must have one entry per mentor ({self.m}).")
        if (self.capacity < 0).any():
            raise ValueError("A mentor's capacity cannot be negative.")
        self.open = self.capacity > 0
        low, high, self.active = 0.0, 0.0, np.zeros(self.n, dtype=bool)
        users = np.zeros(self.m, dtype=np.int64)
        for rows in self.row_chunks():
            usable = self.admissible[rows] & self.open
            values = self.scores[rows][usable]
            if values.size:
                if not np.isfinite(values).all():
                    raise ValueError("Every admissible pair needs a finite score.")
                low, high = min(low, values.min()), max(high, values.max())
            self.active[rows] = usable.any(axis=1)
            users += usable.sum(axis=0)
        # A mentor never takes more mentees than may be matched with them: places beyond
        # that change nothing, and each one would be a column of the expanded problem
        # (a capacity of 1,000,000 took 27 s and 5.2 GB on 50 mentees).
        self.capacity = np.minimum(self.capacity, users)
        self.open = self.capacity > 0
        self.places = int(self.capacity.sum())
        # Scores may be negative: the lexicographic objective does not change when every
        # score moves by the same amount, so the solvers work on ``score - low + 1``
        # (at least 1) and the bonus only has to outweigh every mentee's spread.
        self.low, self.spread = low, high - low
        self.bonus = float(math.ceil(self.n * self.spread)) + 1.0
        # Dual values are computed in score units; rounding errors there are of the order
        # of 1e-16 times the largest path of scores, far below this tolerance.
        self.tolerance = 1e-9 * (1.0 + self.spread)
        self.tie_key = TieKey(self.n, self.m)
        # How far the tie key may move a score when choosing candidates: a millionth of
        # a point on a 100-point scale, a hundred million times a score's rounding.
        self.nudge = 1e-8 * (1.0 + max(abs(low), abs(high)))

    def row_chunks(self) -> Iterator[slice]:
        step = max(1, CHUNK_BYTES // (8 * max(self.m, 1)))
        for start in range(0, self.n, step):
            yield slice(start, min(self.n, start + step))

    def map_chunks(self, work: Callable[[slice], T]) -> list[T]:
        """``work`` on every chunk of rows, in row order; two threads where there are two
        cores, since numpy lets go of the interpreter lock in its array loops."""
        chunks = list(self.row_chunks())
        if len(chunks) < 2 or WORKERS < 2:
            return [work(rows) for rows in chunks]
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            return list(pool.map(work, chunks))

    def masked_scores(self, rows: slice) -> np.ndarray:
        """The scores of these rows, -inf where a pair is inadmissible or the mentor full."""
        return np.where(self.admissible[rows] & self.open, self.scores[rows], -np.inf)

    def dense_cells(self) -> int:
        return int(self.active.sum()) * self.places

    def solution(
        self, mentor_of: np.ndarray, *, method: str, certified: bool, rounds: int, candidates: int
    ) -> Solution:
        matched = np.flatnonzero(mentor_of >= 0)
        # fsum: two optimal assignments with the same scores report the same total,
        # whatever order the pairs are added in.
        total = math.fsum(self.scores[matched, mentor_of[matched]].tolist())
        return Solution(
            mentor_of=mentor_of,
            total=total,
            matched=int(matched.size),
            method=method,
            certified=certified,
            rounds=rounds,
            candidates=candidates,
        )

    def pair_scores(self, pairs: np.ndarray) -> np.ndarray:
        return self.scores[pairs // self.m, pairs % self.m]


def _report(progress: Progress | None, fraction: float, message: str) -> None:
    if progress is not None:
        progress(fraction, message)


def _top_columns(values: np.ndarray, k: int) -> np.ndarray:
    """The column indices of each row's ``k`` largest values (in no particular order)."""
    if k >= values.shape[1]:
        return np.broadcast_to(np.arange(values.shape[1]), values.shape)
    return np.argpartition(values, values.shape[1] - k, axis=1)[:, -k:]


_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9))


def _scrambled(values: np.ndarray) -> np.ndarray:
    """A fixed pseudo-random number in [0, 1) for each whole number (splitmix64)."""
    with np.errstate(over="ignore"):
        x = np.asarray(values, dtype=np.uint64) * _MIX[0]
        x ^= x >> np.uint64(31)
        x *= _MIX[1]
        x ^= x >> np.uint64(29)
    return (x >> np.uint64(11)).astype(np.float64) * 2.0**-53


class TieKey:
    """The secondary key of a pair: a number in [0, 1) that decides which of several
    pairs with the same score is looked at first, the same on every run.

    The key of (i, j) is the fractional part of ``a_i * c_j``, with ``a`` in [1, 2) and
    ``c`` in [0, 2**20) fixed pseudo-random numbers per mentee and per mentor: unrelated
    from one pair to its neighbours, and a gather and three operations a pair, a tenth
    of hashing every pair. With tied scores each mentee's first choices are spread over
    all the mentors, where they used to be the same lowest-numbered few for everyone
    (the issue's 28 rounds and 37 s at 2,000 x 1,000 with every weight at 0).

    The key orders only which pairs the sparse method looks at (candidate lists, the
    mentors' best mentees, the pairs a certificate adds): the objective stays the real
    scores, so the result is the same optimum whatever the key.
    """

    def __init__(self, n: int, m: int):
        self.a = 1.0 + _scrambled(np.arange(n))
        self.c = _scrambled(np.arange(n, n + m)) * 2.0**20

    def __call__(self, mentee: np.ndarray, mentor: np.ndarray) -> np.ndarray:
        product = self.a[mentee] * self.c[mentor]
        product -= np.floor(product)
        return product


def _best(values: np.ndarray, k: int, key: np.ndarray, nudge: float) -> np.ndarray:
    """The column indices of each row's ``k`` largest ``values`` (in no particular order),
    ties going to the larger ``key`` (in [0, 1)): one selection over ``values + nudge *
    key``. ``nudge`` is far below any difference of scores a person could see, and far
    above the rounding of a score; values closer than it may come in either order, which
    only changes which pairs are looked at first (the certificate decides the optimum).
    One selection over distinct numbers: with many equal values, numpy's selection is
    several times slower (a second a run at 10,000 x 5,000 with a single weight)."""
    size = values.shape[1]
    if k >= size:
        return np.broadcast_to(np.arange(size), values.shape)
    key *= nudge
    key += values
    return np.argpartition(key, size - k, axis=1)[:, -k:]


def _candidate_pairs(problem: _Problem, k: int) -> np.ndarray:
    """Each mentee's ``k`` best admissible mentors, as sorted pair numbers i * m + j."""

    def best(rows: slice) -> np.ndarray:
        values = problem.masked_scores(rows)
        mentees = np.arange(rows.start, rows.stop)[:, None]
        key = problem.tie_key(mentees, np.arange(problem.m)[None, :])
        top = _best(values, k, key, problem.nudge)
        keep = np.isfinite(np.take_along_axis(values, top, axis=1))
        return np.sort((mentees * problem.m + top)[keep])

    return _joined(problem.map_chunks(best))


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    """Sorted pair numbers from parts that are each sorted and cover rows in order."""
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


def _mentor_candidates(problem: _Problem, mentors: np.ndarray, k: int) -> np.ndarray:
    """Each of these mentors' ``k`` best admissible mentees, as sorted pair numbers."""
    best_values = np.full((0, mentors.size), -np.inf)
    best_rows = np.zeros((0, mentors.size), dtype=np.int64)
    for rows in problem.row_chunks():
        values = np.where(
            problem.admissible[rows][:, mentors] & problem.open[mentors],
            problem.scores[rows][:, mentors],
            -np.inf,
        )
        values = np.concatenate((best_values, values))
        lines = np.concatenate(
            (
                best_rows,
                np.broadcast_to(
                    np.arange(rows.start, rows.stop)[:, None],
                    (rows.stop - rows.start, mentors.size),
                ),
            )
        )
        if values.shape[0] > k:
            key = problem.tie_key(lines, mentors[None, :])
            top = _best(values.T, k, key.T, problem.nudge).T
            values = np.take_along_axis(values, top, axis=0)
            lines = np.take_along_axis(lines, top, axis=0)
        best_values, best_rows = values, lines
    keep = np.isfinite(best_values)
    return np.unique((best_rows * problem.m + mentors[None, :])[keep])


def _solve_dense(problem: _Problem, candidates: int, progress: Progress | None) -> Solution:
    n, m = problem.n, problem.m
    mentor_of = np.full(n, UNMATCHED, dtype=np.int64)
    rows = np.flatnonzero(problem.active)
    if rows.size == 0:
        return problem.solution(mentor_of, method="dense", certified=True, rounds=0, candidates=0)
    _report(progress, 0.05, "Building the score matrix")
    owner = np.repeat(np.arange(m), problem.capacity)
    # The cost matrix is built negated (minimised) so that scipy does not copy it again.
    cost = np.empty((rows.size, problem.places))
    step = max(1, CHUNK_BYTES // (8 * max(problem.places, 1)))
    for start in range(0, rows.size, step):
        chunk = rows[start : start + step]
        profit = problem.bonus + 1.0 - problem.low + problem.scores[chunk]
        block = np.where(problem.admissible[chunk], -profit, 0.0)
        cost[start : start + chunk.size] = np.repeat(block, problem.capacity, axis=1)
    _report(progress, 0.2, "Solving (Hungarian method)")
    row_ind, col_ind = linear_sum_assignment(cost)
    del cost
    mentees, mentors = rows[row_ind], owner[col_ind]
    real = problem.admissible[mentees, mentors]
    mentor_of[mentees[real]] = mentors[real]
    _report(progress, 0.8, "Certifying the optimum")
    pairs = np.union1d(_candidate_pairs(problem, candidates), _matched_pairs(problem, mentor_of))
    certified = False
    while True:
        duals = _duals(problem, pairs, mentor_of)
        if duals is None:
            break
        count, violations = _violations(problem, duals, candidates)
        if count == 0:
            certified = True
            break
        extra = np.setdiff1d(violations, pairs, assume_unique=True)
        if extra.size == 0:
            break
        # The assignment is optimal already; only the duals need more pairs to be found.
        pairs = np.union1d(pairs, extra)
    _report(progress, 1.0, "Done")
    admissible_pairs = sum(
        int((problem.admissible[rows] & problem.open).sum()) for rows in problem.row_chunks()
    )
    return problem.solution(
        mentor_of, method="dense", certified=certified, rounds=1, candidates=admissible_pairs
    )


def _solve_sparse(problem: _Problem, candidates: int, progress: Progress | None) -> Solution:
    if candidates < 1:
        raise ValueError("candidates must be at least 1.")
    mentor_of = np.full(problem.n, UNMATCHED, dtype=np.int64)
    if not problem.active.any():
        return problem.solution(mentor_of, method="sparse", certified=True, rounds=0, candidates=0)
    _report(progress, 0.05, f"Choosing each mentee's {candidates} best mentors")
    pairs = _with_full_matching(problem, _candidate_pairs(problem, candidates), candidates)
    rounds, certified = 0, False
    share = 0.85 / MAX_ROUNDS  # of the bar, for each round: it moves every round
    while True:
        rounds += 1
        of = f"Round {rounds} of at most {MAX_ROUNDS}"
        _report(progress, 0.1 + share * (rounds - 1), f"{of}: solving over {pairs.size:,} pairs")
        mentor_of = _solve_pairs(problem, pairs)
        _report(
            progress,
            0.1 + share * (rounds - 0.5),
            f"{of}: checking the result against every admissible pair",
        )
        duals = _duals(problem, pairs, mentor_of)
        if duals is None:  # cannot happen with an exact solve; never claim what is not proved
            break
        count, violations = _violations(
            problem, duals, candidates, margin=MARGIN * problem.spread if rounds > 1 else 0.0
        )
        if count == 0:
            certified = True
            break
        extra = np.setdiff1d(violations, pairs, assume_unique=True)
        if extra.size == 0:  # violations only on the solved pairs: rounding, not a proof
            break
        if rounds == 1:
            # Candidates far below what their mentee has now will not be chosen: leaving
            # them out makes the next solves several times faster, and the check over
            # all pairs brings back any that would be.
            key = _reduced_cost_key(problem, duals, pairs // problem.m, pairs % problem.m)
            pairs = pairs[key >= -PRUNE * (problem.spread + 1.0)]
        pairs = np.union1d(pairs, extra)
        if rounds == MAX_ROUNDS - 1:
            pairs = _all_pairs(problem)
    _report(progress, 1.0, "Done")
    return problem.solution(
        mentor_of, method="sparse", certified=certified, rounds=rounds, candidates=int(pairs.size)
    )


def _all_pairs(problem: _Problem) -> np.ndarray:
    """Every admissible pair with a mentor who has places, as sorted pair numbers."""

    def usable(rows: slice) -> np.ndarray:
        line, mentor = np.nonzero(problem.admissible[rows] & problem.open)
        return (rows.start + line) * problem.m + mentor

    return _joined(problem.map_chunks(usable))


def _matched_pairs(problem: _Problem, mentor_of: np.ndarray) -> np.ndarray:
    matched = np.flatnonzero(mentor_of >= 0)
    return matched * problem.m + mentor_of[matched]


def _slot_edges(problem: _Problem, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The graph of these pairs with one column per place: (pair index, place) of each
    edge, and the mentor of each place.

    A mentor with fewer pairs here than places takes all of them if need be, so each of
    its pairs gets a place of its own (one edge each); any other mentor has as many
    places as its capacity, each open to all its pairs. So a mentor of huge capacity
    costs as many edges as it has pairs, not pairs x places.
    """
    m = problem.m
    mentor = pairs % m
    degree = np.bincount(mentor, minlength=m)
    private = problem.capacity >= degree
    places = np.where(private, degree, problem.capacity)
    first_place = np.concatenate(([0], np.cumsum(places)[:-1]))
    owner = np.repeat(np.arange(m), places)
    per_pair = np.where(private[mentor], 1, problem.capacity[mentor])
    edge = np.repeat(np.arange(pairs.size), per_pair)
    within = np.arange(edge.size) - np.repeat(np.cumsum(per_pair) - per_pair, per_pair)
    if private.any():
        # A private place is numbered by the pair's rank among its mentor's pairs.
        order = np.argsort(mentor, kind="stable")
        rank = np.empty(pairs.size, dtype=np.int64)
        rank[order] = np.arange(pairs.size) - np.repeat(np.cumsum(degree) - degree, degree)
        own = private[mentor[edge]]
        within[own] = rank[edge[own]]
    return edge, first_place[mentor[edge]] + within, owner


def _rows(problem: _Problem, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The mentees of these sorted pairs, and each pair's row among them."""
    mentee = pairs // problem.m
    first = np.concatenate(([True], mentee[1:] != mentee[:-1])) if mentee.size else mentee
    return mentee[first], np.cumsum(first) - 1


def _mentor_load(problem: _Problem, pairs: np.ndarray) -> tuple[bool, np.ndarray]:
    """A maximum matching of these pairs (Hopcroft-Karp, fast): whether it matches every
    mentee in them, or fills every place where there are more mentees, and each mentor's
    load in it."""
    rows, row_of = _rows(problem, pairs)
    edge, place, owner = _slot_edges(problem, pairs)
    graph = csr_array(
        (np.ones(edge.size, dtype=np.int8), (row_of[edge], place)),
        shape=(rows.size, owner.size),
    )
    if rows.size <= owner.size:
        place_of = maximum_bipartite_matching(graph, perm_type="column")
        used = place_of[place_of >= 0]
        full = used.size == rows.size
    else:
        row_of_place = maximum_bipartite_matching(graph.T.tocsr(), perm_type="column")
        used = np.flatnonzero(row_of_place >= 0)
        full = used.size == owner.size
    return full, np.bincount(owner[used], minlength=problem.m)


def _with_full_matching(problem: _Problem, pairs: np.ndarray, k: int) -> np.ndarray:
    """These pairs, plus what lets them match as many as possible, where that is easy.

    Where everyone's best candidates are the same few mentors, the candidates alone
    match too few, and the first certificate then fails for thousands of mentees (a
    round more, or two). The mentors left with free places bring their own best mentees,
    which opens the paths that a fuller matching needs.
    """
    for _ in range(SUPPORT_ROUNDS):
        full, load = _mentor_load(problem, pairs)
        spare = np.flatnonzero(problem.open & (load < problem.capacity))
        if full or spare.size == 0:
            break
        extra = np.setdiff1d(_mentor_candidates(problem, spare, k), pairs, assume_unique=True)
        if extra.size == 0:
            break
        pairs = np.union1d(pairs, extra)
    return pairs


def _solve_pairs(problem: _Problem, pairs: np.ndarray) -> np.ndarray:
    """The exact lexicographic optimum using only these pairs.

    A maximum matching (Hopcroft-Karp) splits the graph, by the Dulmage-Mendelsohn
    decomposition, into three parts that every maximum matching respects: mentees that
    some maximum matching leaves out, with the places all of them fill; places that
    some maximum matching leaves free, with the mentees all of them match; and a core
    matched perfectly. Every most-matches assignment uses only pairs inside the parts,
    so the best one is the best full matching of each part, found by scipy's sparse
    Jonker-Volgenant (``min_weight_full_bipartite_matching``) on one column per place,
    with weights ``score - lowest + 1`` (positive, as it ignores zeros). No bonus and no
    dummy columns are needed: with them the solver searches the whole graph for every
    mentee it leaves out, which takes minutes where thousands must be.
    """
    rows, row_of = _rows(problem, pairs)
    edge, place, owner = _slot_edges(problem, pairs)
    row = row_of[edge]
    count, places = rows.size, owner.size
    graph = csr_array((np.ones(edge.size, dtype=np.int8), (row, place)), shape=(count, places))
    place_of_row = maximum_bipartite_matching(graph, perm_type="column")
    row_of_place = np.full(places, UNMATCHED, dtype=np.int64)
    matched = np.flatnonzero(place_of_row >= 0)
    row_of_place[place_of_row[matched]] = matched
    # Alternating paths from the mentees left out (rows, then places by any pair, then
    # back to rows by the matching) and from the free places (the other way round).
    their_place = count + place_of_row[matched]
    from_rows = _reached(
        count + places,
        np.concatenate((row, their_place)),
        np.concatenate((count + place, matched)),
        np.flatnonzero(place_of_row < 0),
    )
    from_places = _reached(
        count + places,
        np.concatenate((count + place, matched)),
        np.concatenate((row, their_place)),
        count + np.flatnonzero(row_of_place < 0),
    )
    # Part 1: mentees that may be left out, and their places; part 2: free places and
    # their mentees; part 0: the core.
    part = np.zeros(count + places, dtype=np.int8)
    part[from_rows] = 1
    part[from_places] = 2
    same = part[row] == part[count + place]
    weight = problem.pair_scores(pairs)[edge] - problem.low + 1.0
    mentor_of = np.full(problem.n, UNMATCHED, dtype=np.int64)
    for which in (0, 1, 2):
        inside = same & (part[row] == which)
        if not inside.any():
            continue
        sub_rows, sub_row = _renumbered(row[inside], count)
        sub_places, sub_place = _renumbered(place[inside], places)
        block = csr_array(
            (weight[inside], (sub_row, sub_place)), shape=(sub_rows.size, sub_places.size)
        )
        row_ind, col_ind = min_weight_full_bipartite_matching(block, maximize=True)
        mentor_of[rows[sub_rows[row_ind]]] = owner[sub_places[col_ind]]
    return mentor_of


def _renumbered(values: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)`` for whole numbers below ``size``, by a
    table instead of a sort or hash (several times faster on a million edges)."""
    present = np.zeros(size, dtype=bool)
    present[values] = True
    distinct = np.flatnonzero(present)
    number = np.zeros(size, dtype=np.int64)
    number[distinct] = np.arange(distinct.size)
    return distinct, number[values]


def _reached(nodes: int, sources: np.ndarray, targets: np.ndarray, start: np.ndarray) -> np.ndarray:
    """The nodes reached from ``start`` along the directed edges ``sources -> targets``."""
    if not start.size:
        return start
    graph = csr_array(
        (
            np.ones(sources.size + start.size, dtype=np.int8),
            (
                np.concatenate((sources, np.full(start.size, nodes))),
                np.concatenate((targets, start)),
            ),
        ),
        shape=(nodes + 1, nodes + 1),
    )
    found = breadth_first_order(graph, nodes, directed=True, return_predecessors=False)
    return found[found < nodes]


@dataclass
class _Duals:
    """LP dual values in lexicographic form: value = (bonuses, score).

    Mentee i: ``u_i = alpha[i] * BONUS + x[i]``; mentor j: ``v_j = beta[j] * BONUS + w[j]``.
    Dual feasibility asks ``u_i + v_j >= BONUS + s_ij`` on every admissible pair, with
    u, v >= 0; the reduced cost of a pair is ``(1 - alpha_i - beta_j, s_ij - x_i - w_j)``,
    and a pair violates when it is positive in lexicographic order.
    """

    alpha: np.ndarray
    x: np.ndarray
    beta: np.ndarray
    w: np.ndarray


def _duals(problem: _Problem, pairs: np.ndarray, mentor_of: np.ndarray) -> _Duals | None:
    """The smallest dual values that prove ``mentor_of`` optimal on the graph of ``pairs``.

    Complementary slackness fixes everything once the mentors' values are known: a
    matched mentee takes what its pair leaves (``u_i = p_ij - v_j``), an unmatched one 0,
    and a mentor with a spare place must have 0. The mentors' values are then longest
    paths: an unmatched mentee i needs ``v_j >= BONUS + s_ij`` on its pairs, and a mentee
    matched to j0 needs ``v_j >= v_j0 + s_ij - s_ij0`` on its others. The bonus cancels
    along such a path, so it splits: ``beta`` (one bonus or none) is whether an unmatched
    mentee reaches the mentor, found by a breadth-first search, and ``w`` a longest path
    in score units, relaxed Bellman-Ford fashion (it converges because an optimal
    assignment leaves no cycle of positive gain). Returns None if the conditions fail,
    which would mean ``mentor_of`` is not optimal on these pairs.
    """
    m = problem.m
    mentee, mentor = pairs // m, pairs % m
    score = problem.pair_scores(pairs)
    own = mentor_of[mentee]
    free = own < 0
    hop = ~free & (mentor != own)
    src, dst = own[hop], mentor[hop]
    # Each mentee's own pair's score, looked up for the hops.
    own_score = np.zeros(problem.n)
    matched = np.flatnonzero(mentor_of >= 0)
    own_score[matched] = problem.scores[matched, mentor_of[matched]]
    gain = score[hop] - own_score[mentee[hop]]

    # beta: mentors an unmatched mentee reaches by alternating paths.
    source = m
    graph = csr_array(
        (
            np.ones(src.size + int(free.sum()), dtype=np.int8),
            (
                np.concatenate((src, np.full(int(free.sum()), source))),
                np.concatenate((dst, mentor[free])),
            ),
        ),
        shape=(m + 1, m + 1),
    )
    reached = breadth_first_order(graph, source, directed=True, return_predecessors=False)
    beta = np.zeros(m, dtype=np.int8)
    beta[reached[reached < m]] = 1

    # w: longest paths, each class on its own (a reached mentor's value has one bonus
    # more than any unreached one's, so edges between the classes never bind).
    w = np.where(beta == 1, -np.inf, 0.0)
    np.maximum.at(w, mentor[free], score[free])
    same = beta[src] == beta[dst]
    src, dst, gain = src[same], dst[same], gain[same]
    step = 1e-3 * problem.tolerance
    active = np.ones(m, dtype=bool)
    for _ in range(m + 2):
        edges = active[src]
        if not edges.any():
            break
        proposal = w.copy()
        np.maximum.at(proposal, dst[edges], w[src[edges]] + gain[edges])
        active = proposal > w + step
        w = np.where(active, proposal, w)
    else:
        return None

    load = np.bincount(mentor_of[matched], minlength=m)
    spare = problem.open & (load < problem.capacity)
    if beta[spare].any() or (w[spare] > problem.tolerance).any():
        return None
    alpha = np.zeros(problem.n, dtype=np.int8)
    x = np.zeros(problem.n)
    alpha[matched] = 1 - beta[mentor_of[matched]]
    x[matched] = own_score[matched] - w[mentor_of[matched]]
    if ((alpha == 0) & (x < -problem.tolerance)).any():
        return None
    return _Duals(alpha=alpha, x=x, beta=beta, w=w)


def _reduced_cost_key(
    problem: _Problem, duals: _Duals, mentee: np.ndarray, mentor: np.ndarray
) -> np.ndarray:
    """The reduced cost of these pairs as one number for ranking (not for proofs): a whole
    bonus counts for more than any score."""
    bonuses = 1 - duals.alpha[mentee].astype(np.int64) - duals.beta[mentor]
    slack = problem.scores[mentee, mentor] - duals.x[mentee] - duals.w[mentor]
    return bonuses * 4.0 * (problem.spread + 1.0) * max(problem.n, 1) + slack


def _violations(
    problem: _Problem, duals: _Duals, per_mentee: int, margin: float = 0.0
) -> tuple[int, np.ndarray]:
    """How many admissible pairs have a positive reduced cost (0 proves the assignment
    optimal), and pairs to add: for each mentee with a reduced cost above ``-margin``
    (positive, or close to it), its ``per_mentee`` highest, as sorted pair numbers.
    Checks every admissible pair.

    A pair's reduced cost is ``(1 - alpha_i - beta_j, s_ij - x_i - w_j)``. For a mentee
    with ``alpha_i = 1`` only mentors with ``beta_j = 0`` can violate, on the score part;
    with ``alpha_i = 0``, a mentor with ``beta_j = 0`` always violates (a match is
    missed) and one with ``beta_j = 1`` on the score part. Folding that into the mentor
    values (+inf or -inf) leaves one subtraction and one comparison per pair.
    """
    reached = duals.beta == 1
    w_for_one = np.where(reached, np.inf, duals.w)
    w_for_zero = np.where(reached, duals.w, -np.inf)
    threshold = duals.x + problem.tolerance
    every_mentor_open = bool(problem.open.all())

    def check(rows: slice) -> tuple[int, np.ndarray]:
        with np.errstate(invalid="ignore"):  # inadmissible scores may be -inf or NaN
            excess = problem.scores[rows] - w_for_one
            zero = np.flatnonzero(duals.alpha[rows] == 0)
            if zero.size:
                excess[zero] = problem.scores[rows.start + zero] - w_for_zero
            bad = excess > threshold[rows, None] - margin
        bad &= problem.admissible[rows]
        if not every_mentor_open:
            bad &= problem.open
        lines = np.flatnonzero(bad.any(axis=1))
        if not lines.size:
            return 0, np.empty(0, dtype=np.int64)
        with np.errstate(invalid="ignore"):
            strict = int((bad[lines] & (excess[lines] > threshold[rows][lines, None])).sum())
        if not strict and margin:
            return 0, np.empty(0, dtype=np.int64)
        line, mentor = np.nonzero(bad[lines])
        mentee = rows.start + lines[line]
        # Each mentee's highest reduced costs: a missed match outranks any score.
        key = _reduced_cost_key(problem, duals, mentee, mentor)
        order = np.lexsort((-problem.tie_key(mentee, mentor), -key, mentee))
        mentee, mentor = mentee[order], mentor[order]
        first = np.concatenate(([True], mentee[1:] != mentee[:-1]))
        starts = np.flatnonzero(first)
        rank = np.arange(mentee.size) - np.repeat(starts, np.diff(np.append(starts, mentee.size)))
        keep = rank < per_mentee
        return strict, np.sort(mentee[keep] * problem.m + mentor[keep])

    results = problem.map_chunks(check)
    return sum(count for count, _ in results), _joined([found for _, found in results])
