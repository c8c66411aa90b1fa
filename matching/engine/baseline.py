"""The best-pair-first pass that the optimum is measured against.

``greedy`` takes the best remaining admissible pair while places last. It is not how a
run is matched (``solver.solve`` is, and uses none of this): the tests and benchmarks
compare the solver with it, to show what the exact optimum gains over the obvious
method, and to check that the solver never matches fewer mentees.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from matching.engine.solver import UNMATCHED, Solution, _Problem, _top_columns


def greedy(scores: np.ndarray, admissible: np.ndarray, capacity: np.ndarray) -> Solution:
    """Best pair first while places last: the pass that the optimum is measured against.

    Ties go to the lower mentee index, then the lower mentor index.
    """
    problem = _Problem(scores, admissible, capacity)
    return problem.solution(
        _greedy(problem), method="greedy", certified=False, rounds=1, candidates=0
    )


def _greedy(problem: _Problem, block: int = 64) -> np.ndarray:
    """``mentor_of`` of the best-pair-first assignment.

    Computed as deferred acceptance (mentees propose in order of score, each mentor holds
    the best proposals its places allow): when both sides rank pairs by the same order,
    the one stable assignment is exactly what taking the best remaining pair first gives,
    and proposals can be handled a round at a time in numpy rather than a pair at a time.
    """
    n, m = problem.n, problem.m
    mentor_of = np.full(n, UNMATCHED, dtype=np.int64)
    if not problem.active.any():
        return mentor_of
    lists = _RankedLists(problem, block)
    # held[j] holds the mentees mentor j keeps for now (-1 for a free place); a full
    # mentor's weakest holder (lowest score, then highest index) is who a newcomer must beat.
    held = np.full((m, max(1, int(problem.capacity.max()))), UNMATCHED, dtype=np.int64)
    count = np.zeros(m, dtype=np.int64)
    weakest_score = np.zeros(m)
    weakest = np.zeros(m, dtype=np.int64)

    def accepts(mentees: np.ndarray, mentors: np.ndarray) -> np.ndarray:
        # A mentor that would turn the mentee down now always will (what it holds only
        # gets better), so the mentee moves past it without spending a round.
        score = problem.scores[mentees, mentors]
        return (
            (count[mentors] < problem.capacity[mentors])
            | (score > weakest_score[mentors])
            | ((score == weakest_score[mentors]) & (mentees < weakest[mentors]))
        )

    proposers = np.flatnonzero(problem.active)
    while proposers.size:
        proposers, wanted = lists.next_choices(proposers, accepts)
        if not proposers.size:
            break
        # The proposals and what the same mentors hold, best first within each mentor.
        targets = np.unique(wanted)
        holding = held[targets]
        kept_before = holding >= 0
        mentees = np.concatenate((holding[kept_before], proposers))
        mentors = np.concatenate(
            (np.broadcast_to(targets[:, None], holding.shape)[kept_before], wanted)
        )
        score = problem.scores[mentees, mentors]
        order = np.lexsort((mentees, -score, mentors))
        mentees, mentors, score = mentees[order], mentors[order], score[order]
        first = np.flatnonzero(np.concatenate(([True], mentors[1:] != mentors[:-1])))
        rank = np.arange(mentors.size) - np.repeat(first, np.diff(np.append(first, mentors.size)))
        kept = rank < problem.capacity[mentors]
        held[targets] = UNMATCHED
        held[mentors[kept], rank[kept]] = mentees[kept]
        count[targets] = np.minimum(
            np.diff(np.append(first, mentors.size)), problem.capacity[targets]
        )
        last = rank == problem.capacity[mentors] - 1
        weakest_score[mentors[last]] = score[last]
        weakest[mentors[last]] = mentees[last]
        mentor_of[mentees] = np.where(kept, mentors, UNMATCHED)
        proposers = mentees[~kept]
    return mentor_of


class _RankedLists:
    """Each mentee's admissible mentors, best first (score, then lower mentor), read a
    block at a time: most mentees are placed within their first few choices, so sorting
    whole rows would be wasted work."""

    def __init__(self, problem: _Problem, block: int):
        self.problem, self.block = problem, block
        n = problem.n
        self.buffer = np.empty(max(1, n * min(block, problem.m)), dtype=np.int64)
        self.used = 0
        self.start = np.zeros(n, dtype=np.int64)
        self.length = np.zeros(n, dtype=np.int64)
        self.position = np.zeros(n, dtype=np.int64)
        self.taken = np.zeros(n, dtype=np.int64)  # how far into its whole list each row is
        self.complete = np.zeros(n, dtype=bool)
        for rows in problem.row_chunks():
            top, valid = _best_columns(problem.masked_scores(rows), block)
            self._store(np.arange(rows.start, rows.stop), top, valid)
        self.complete |= self.length < min(block, problem.m)

    def next_choices(
        self, mentees: np.ndarray, accepts: Callable[[np.ndarray, np.ndarray], np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray]:
        """The mentees that still have a mentor to ask, and the next mentor on each list
        that ``accepts(mentees, mentors)`` says is worth asking (the list moves past it)."""
        found_mentees, found_mentors = [], []
        window = 16
        while mentees.size:
            used_up = mentees[self.position[mentees] >= self.length[mentees]]
            used_up = used_up[~self.complete[used_up]]
            if used_up.size:
                self._read_more(used_up)
            mentees = mentees[self.position[mentees] < self.length[mentees]]
            if not mentees.size:
                break
            left = self.length[mentees] - self.position[mentees]
            steps = np.arange(min(window, int(left.max())))
            inside = steps < left[:, None]
            where = self.start[mentees, None] + self.position[mentees, None] + steps
            mentors = self.buffer[np.where(inside, where, 0)]
            worth = inside & accepts(np.broadcast_to(mentees[:, None], mentors.shape), mentors)
            hit = worth.any(axis=1)
            step = worth.argmax(axis=1)
            found_mentees.append(mentees[hit])
            found_mentors.append(mentors[hit, step[hit]])
            self.position[mentees] += np.where(hit, step + 1, steps.size)
            mentees = mentees[~hit]
            window *= 4
        if not found_mentees:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        return np.concatenate(found_mentees), np.concatenate(found_mentors)

    def _read_more(self, mentees: np.ndarray) -> None:
        problem = self.problem
        values = np.where(
            problem.admissible[mentees] & problem.open, problem.scores[mentees], -np.inf
        )
        # Twice as much as was read so far: few rows go deep, and those that do, go far.
        begin = self.taken[mentees]
        end = min(problem.m, 2 * int(begin.max()))
        top, valid = _best_columns(values, end)
        valid &= np.arange(end) >= begin[:, None]
        self._store(mentees, top, valid)
        self.taken[mentees] = end
        self.complete[mentees] = ~valid[:, -1] | (end == problem.m)

    def _store(self, mentees: np.ndarray, chosen: np.ndarray, valid: np.ndarray) -> None:
        count = valid.sum(axis=1)
        total = int(count.sum())
        if self.used + total > self.buffer.size:
            grown = np.empty(max(2 * self.buffer.size, self.used + total), dtype=np.int64)
            grown[: self.used] = self.buffer[: self.used]
            self.buffer = grown
        self.buffer[self.used : self.used + total] = chosen[valid]  # row by row, best first
        self.start[mentees] = self.used + np.concatenate(([0], np.cumsum(count)[:-1]))
        self.length[mentees] = count
        self.position[mentees] = 0
        self.taken[mentees] = chosen.shape[1]
        self.used += total


def _best_columns(values: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``k`` best columns in order (larger value first, then lower column), and
    which of them hold a finite value."""
    k = min(k, values.shape[1])
    top = np.array(_top_columns(values, k))
    top_values = np.take_along_axis(values, top, axis=1)
    # Where the cut runs through tied values, the lower columns of the tie belong in.
    cut = top_values.min(axis=1, initial=np.inf)
    tied = np.flatnonzero(
        np.isfinite(cut)
        & ((values == cut[:, None]).sum(axis=1) > (top_values == cut[:, None]).sum(axis=1))
    )
    if tied.size:
        rows = values[tied]
        above = rows > cut[tied, None]
        level = rows == cut[tied, None]
        room = k - above.sum(axis=1)
        chosen = above | (level & (np.cumsum(level, axis=1) <= room[:, None]))
        line, column = np.nonzero(chosen)  # k per row, in column order
        top[tied] = column.reshape(tied.size, k)
        top_values[tied] = rows[line, column].reshape(tied.size, k)
    order = np.lexsort((top, -top_values), axis=1)
    return np.take_along_axis(top, order, 1), np.isfinite(np.take_along_axis(top_values, order, 1))
