"""Every mentee/mentor pair's score and admissibility at once, vectorised.

``score_matrix`` agrees with ``criteria.explain`` and ``constraints.broken_constraints``
for every pair. It never re-implements a rule: its lookup tables are filled by calling
the very per-pair functions that ``explain`` calls, so the two cannot drift apart.

The (n, m) matrices are filled a block of mentee rows at a time, so that the temporaries
stay near CHUNK_CELLS cells whatever the size of the scheme: 1 MB per float64 block,
which stays in a core's cache and measured twice as fast as 4 MB blocks. Each
criterion is encoded once per person:

- a set (areas, locations, a multiple-choice answer) as a bit mask, so that what two
  people share is a bitwise AND and a bit count;
- anything else as a "factor": a small integer code per mentor and, per mentee, a row of
  points indexed by that code, filled by calling the functions ``explain`` calls.
  Factors whose sizes multiply to a small number are folded into one joint code, so that
  a block reads all of them with a single gather. Constraints are factors of "barred".
- pairs barred person by person (avoid lists, line managers, tried pairs, the same
  person) as a sorted list of index pairs (``constraints._barred_pairs``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from matching.engine.constraints import _barred_pairs
from matching.engine.criteria import (
    _PREFERENCES,
    _TERMS,
    DEPARTMENT_UNKNOWN,
    OTHER,
    OTHER_DEPARTMENT,
    SAME_DEPARTMENT,
    SENIORITY_CURVE,
    SENIORITY_UNKNOWN,
    Person,
    SchemeRules,
    _answer,
    _department_fraction,
    _face_to_face_level,
    _no_shared_location,
    _norm,
    _preference,
    _term_code,
    _term_fraction,
    _unique,
)

CHUNK_CELLS = 1 << 17
WIDEST_FACTOR = 256  # a criterion with more codes (free-text bodies) compares codes instead

# ---------------------------------------------------------------------------------------
# Codes, factors and bit masks


class _Codes(dict):
    """Normalised value -> small integer code, given out in order of first sight."""

    def code(self, key: str) -> int:
        return self.setdefault(key, len(self)) if key else -1

    def codes(self, keys: Iterable[str]) -> list[int]:
        return [self.code(key) for key in keys]


@dataclass
class _Factor:
    rows: np.ndarray  # (mentees, size): the value for a mentor of each code
    codes: np.ndarray  # (mentors,): each mentor's code, 0 <= code < size


def _codes(people: Sequence[Person], value, codes: _Codes, unknown: int) -> np.ndarray:
    """Each person's code for ``value(person)``, ``unknown`` for an empty value."""
    return np.array(
        [code if (code := codes.code(value(p))) >= 0 else unknown for p in people],
        dtype=np.intp,
    )


def _fold(factors: list[_Factor], limit: int) -> list[list[_Factor]]:
    """The factors in groups whose sizes multiply to at most ``limit``."""
    groups: list[list[_Factor]] = []
    size = limit + 1
    for factor in factors:
        width = factor.rows.shape[1]
        if size * width > limit:
            groups.append([])
            size = 1
        groups[-1].append(factor)
        size *= width
    return groups


def _joint_codes(group: list[_Factor]) -> np.ndarray:
    codes = group[0].codes
    for factor in group[1:]:
        codes = codes * factor.rows.shape[1] + factor.codes
    return codes


def _joint_rows(group: list[_Factor], start: int, stop: int, combine) -> np.ndarray:
    """The group's rows for mentees start..stop over its joint codes."""
    rows = group[0].rows[start:stop]
    for factor in group[1:]:
        rows = combine(rows[:, :, None], factor.rows[start:stop, None, :]).reshape(stop - start, -1)
    return rows


class _Sets:
    """Sets of codes as bit masks, one row per person, split in words when long."""

    def __init__(self, mentee_sets: list[list[int]], mentor_sets: list[list[int]], size: int):
        bits, dtype = next(
            ((bits, dtype) for bits, dtype in _MASK_TYPES if size <= bits), _MASK_TYPES[-1]
        )
        self.words = max(1, -(-size // bits))
        full = (1 << bits) - 1

        def masks(sets: list[list[int]]) -> np.ndarray:
            values = [sum(1 << code for code in set(codes)) for codes in sets]
            return np.array(
                [[(v >> (bits * w)) & full for v in values] for w in range(self.words)],
                dtype=dtype,
            )

        self.ours = masks(mentee_sets).T.copy()  # (mentees, words)
        self.theirs = masks(mentor_sets)  # (words, mentors)
        self.our_counts = np.array([len(set(codes)) for codes in mentee_sets], dtype=np.float64)
        self.their_counts = np.array([len(set(codes)) for codes in mentor_sets], dtype=np.float64)

    def shared(self, start: int, stop: int) -> np.ndarray:
        """How many entries each mentee start..stop shares with each mentor."""
        ours = self.ours[start:stop]
        count = np.bitwise_count(ours[:, 0, None] & self.theirs[0][None, :])
        if self.words > 1:
            count = count.astype(np.int32)
            for word in range(1, self.words):
                count += np.bitwise_count(ours[:, word, None] & self.theirs[word][None, :])
        return count

    def meet(self, start: int, stop: int) -> np.ndarray:
        """Whether each mentee start..stop shares any entry with each mentor."""
        ours = self.ours[start:stop]
        meet = (ours[:, 0, None] & self.theirs[0][None, :]) != 0
        for word in range(1, self.words):
            meet |= (ours[:, word, None] & self.theirs[word][None, :]) != 0
        return meet


_MASK_TYPES = ((8, np.uint8), (16, np.uint16), (32, np.uint32), (64, np.uint64))


def _sets(mentees: Sequence[Person], mentors: Sequence[Person], entries) -> _Sets:
    codes = _Codes()
    ours = [codes.codes(entries(p)) for p in mentees]
    theirs = [codes.codes(entries(p)) for p in mentors]
    return _Sets(ours, theirs, len(codes))


# ---------------------------------------------------------------------------------------
# The criteria and the constraints, encoded


class _Shared:
    """The codes both the points and the constraints read: departments, preferences
    and grades."""

    def __init__(self, mentees: Sequence[Person], mentors: Sequence[Person]):
        self.departments = _Codes()
        for person in (*mentees, *mentors):
            self.departments.code(_norm(person.department))
        self.no_department = len(self.departments)  # the code of an unknown department
        self.mentee_department = _codes(
            mentees, lambda p: _norm(p.department), self.departments, -1
        )
        self.mentor_department = _codes(
            mentors, lambda p: _norm(p.department), self.departments, self.no_department
        )
        # (mentees, departments + 1): whether the column is the mentee's own department.
        self.own_department = (
            self.mentee_department[:, None] == np.arange(self.no_department + 1)[None, :]
        )
        self.preference = np.array([_PREFERENCES.index(_preference(p)) for p in mentees])

        # Grades are coded by their place among the ranks that occur; the last is unknown.
        ranks = sorted({p.grade_rank for p in (*mentees, *mentors) if p.grade_rank is not None})
        self.ranks = np.array(ranks, dtype=np.int64)
        self.no_rank = len(ranks)
        code = {rank: position for position, rank in enumerate(ranks)}
        self.mentor_rank = np.array(
            [
                self.no_rank if p.grade_rank is None else code.get(p.grade_rank, self.no_rank)
                for p in mentors
            ],
            dtype=np.intp,
        )
        self.mentee_graded = np.array([p.grade_rank is not None for p in mentees])
        self.mentee_rank = np.array([p.grade_rank or 0 for p in mentees], dtype=np.int64)


class _ScoreParts:
    """The criteria, encoded to fill blocks of the score matrix."""

    def __init__(
        self,
        mentees: Sequence[Person],
        mentors: Sequence[Person],
        rules: SchemeRules,
        shared: _Shared,
    ):
        n, m = len(mentees), len(mentors)
        weight = {c.key: float(rules.weight(c.key)) for c in rules.criteria()}
        self.factors: list[_Factor] = []
        self.compared: list[tuple[float, np.ndarray, np.ndarray]] = []  # points, codes
        self.overlaps: list[tuple[float, _Sets]] = []  # multiple-choice questions

        self.areas = None
        if weight["areas"]:
            self.areas = _sets(mentees, mentors, lambda p: _unique(p.areas))
            wanted = self.areas.our_counts
            self.per_area = np.divide(weight["areas"], wanted, out=np.zeros(n), where=wanted > 0)

        self.locations = None
        if weight["locations"]:
            self.locations = _sets(mentees, mentors, lambda p: _unique(p.locations))
            self.location_points = weight["locations"]
            levels = range(1, 5)
            apart = np.array([[_no_shared_location(a, b) for b in levels] for a in levels])
            mentee_level = np.array([_face_to_face_level(p.face_to_face) - 1 for p in mentees])
            mentor_level = np.array([_face_to_face_level(p.face_to_face) - 1 for p in mentors])
            # Kept out of the folded factors: a shared place overrides these points.
            self.apart = _Factor(apart[mentee_level] * weight["locations"], mentor_level)

        if weight["department"]:
            lookup = np.array(
                [
                    [
                        _department_fraction(preference, relation, rules.prefer_other_department)
                        for relation in range(3)
                    ]
                    for preference in _PREFERENCES
                ]
            )
            relation = np.where(shared.own_department, SAME_DEPARTMENT, OTHER_DEPARTMENT)
            relation[shared.mentee_department < 0, :] = DEPARTMENT_UNKNOWN
            relation[:, shared.no_department] = DEPARTMENT_UNKNOWN
            rows = lookup[shared.preference[:, None], relation] * weight["department"]
            self.factors.append(_Factor(rows, shared.mentor_department))

        if weight["term"]:
            terms = ("", *_TERMS)
            lookup = np.array([[_term_fraction(a, b) for b in terms] for a in terms])
            mentee_term = np.array([terms.index(_term_code(p)) for p in mentees])
            mentor_term = np.array([terms.index(_term_code(p)) for p in mentors])
            self.factors.append(_Factor(lookup[mentee_term] * weight["term"], mentor_term))

        if weight["professional_body"]:
            bodies = _Codes()
            ours = _codes(mentees, lambda p: _norm(p.professional_body), bodies, -1)
            theirs = _codes(mentors, lambda p: _norm(p.professional_body), bodies, -1)
            theirs[theirs < 0] = len(bodies)
            self._equal(weight["professional_body"], ours, theirs, len(bodies))

        if weight["seniority"]:
            curve = np.array(SENIORITY_CURVE) * weight["seniority"]
            rows = np.full((n, shared.no_rank + 1), SENIORITY_UNKNOWN * weight["seniority"])
            graded = shared.mentee_graded
            difference = shared.ranks[None, :] - shared.mentee_rank[graded, None]
            rows[graded, : shared.no_rank] = curve[np.clip(difference, -1, 4) + 1]
            self.factors.append(_Factor(rows, shared.mentor_rank))

        for question in rules.questions:
            if not weight[question.key]:
                continue
            if question.multiple:
                answers = _sets(mentees, mentors, lambda p, q=question: _answer(p, q))
                self.overlaps.append((weight[question.key], answers))
            else:
                choices = _Codes()
                our_lists = [choices.codes(_answer(p, question)) or [-1] for p in mentees]
                their_lists = [choices.codes(_answer(p, question)) or [-1] for p in mentors]
                their_codes = np.array(their_lists)[:, 0]
                their_codes[their_codes < 0] = len(choices)
                self._equal(
                    weight[question.key], np.array(our_lists)[:, 0], their_codes, len(choices)
                )

        # A joint factor is cheap to build next to a block's m columns.
        self.groups = [(g, _joint_codes(g)) for g in _fold(self.factors, max(64, m // 4))]

    def _equal(self, points: float, ours: np.ndarray, theirs: np.ndarray, size: int) -> None:
        """``points`` where the codes agree; the codes -1 and ``size`` agree with none."""
        if size > WIDEST_FACTOR:
            self.compared.append((points, ours, theirs))
            return
        rows = np.zeros((len(ours), size + 1))
        known = ours >= 0
        rows[np.flatnonzero(known), ours[known]] = points
        self.factors.append(_Factor(rows, theirs))

    def fill(self, out: np.ndarray, start: int, stop: int) -> None:
        """Write the scores of mentees start..stop into ``out`` (zeros)."""
        if self.areas is not None:
            np.multiply(self.areas.shared(start, stop), self.per_area[start:stop, None], out=out)
        if self.locations is not None:
            # Full points where they share a place, else the points kept apart (never
            # more than full points). A masked copy measured ten times slower.
            points = self.locations.meet(start, stop) * self.location_points
            apart = np.take(self.apart.rows[start:stop], self.apart.codes, axis=1)
            out += np.maximum(points, apart, out=points)
        for group, codes in self.groups:
            out += np.take(_joint_rows(group, start, stop, np.add), codes, axis=1)
        for worth, ours, theirs in self.compared:
            out += (ours[start:stop, None] == theirs[None, :]) * worth
        for worth, answers in self.overlaps:
            common = answers.shared(start, stop)
            either = answers.our_counts[start:stop, None] + answers.their_counts[None, :]
            either -= common
            # Where neither answered, common is 0 and so is the share.
            np.maximum(either, 1.0, out=either)
            np.divide(common, either, out=either)
            either *= worth
            out += either


class _BarParts:
    """The hard constraints, encoded to fill blocks of the admissible matrix."""

    def __init__(
        self,
        mentees: Sequence[Person],
        mentors: Sequence[Person],
        rules: SchemeRules,
        shared: _Shared,
    ):
        n, m = len(mentees), len(mentors)
        departments, no_department = shared.departments, shared.no_department
        avoids = np.zeros((n, no_department + 1), dtype=bool)
        for i, mentee in enumerate(mentees):
            for key in {_norm(d) for d in mentee.avoid_departments}:
                if key in departments:
                    avoids[i, departments[key]] = True
        asked_other = (shared.preference == _PREFERENCES.index(OTHER))[:, None]
        factors = [
            _Factor(avoids | (shared.own_department & asked_other), shared.mentor_department)
        ]
        if rules.require_senior_mentor:
            junior = np.zeros((n, shared.no_rank + 1), dtype=bool)
            junior[:, : shared.no_rank] = (
                shared.ranks[None, :] < shared.mentee_rank[:, None]
            ) & shared.mentee_graded[:, None]
            factors.append(_Factor(junior, shared.mentor_rank))
        self.groups = [(g, _joint_codes(g)) for g in _fold(factors, max(64, m // 4))]

        # Mentors who avoid a department, by row: the mentee's department.
        self.avoided_by_mentors = np.zeros((no_department + 1, m), dtype=bool)
        for j, mentor in enumerate(mentors):
            for key in {_norm(d) for d in mentor.avoid_departments}:
                if key in departments:
                    self.avoided_by_mentors[departments[key], j] = True
        self.mentee_department = np.where(
            shared.mentee_department >= 0, shared.mentee_department, no_department
        )
        self.pairs = _barred_pairs(mentees, mentors, rules)

    def fill(self, allowed: np.ndarray, start: int, stop: int) -> None:
        """Clear in ``allowed`` (all True) the barred pairs of mentees start..stop."""
        for group, codes in self.groups:
            allowed &= ~np.take(_joint_rows(group, start, stop, np.logical_or), codes, axis=1)
        allowed &= ~self.avoided_by_mentors[self.mentee_department[start:stop]]
        rows, cols = self.pairs.block(start, stop)
        allowed[rows, cols] = False


def score_matrix(
    mentees: Sequence[Person], mentors: Sequence[Person], rules: SchemeRules
) -> tuple[np.ndarray, np.ndarray]:
    """Every pair's score and whether it may be matched at all.

    Returns ``scores`` (float64, mentees x mentors), equal to ``explain(...).total`` for
    every pair, inadmissible ones included (so that an override still shows its score),
    and ``admissible`` (bool, same shape), True exactly when ``broken_constraints`` is
    empty. Peak memory beyond the two results stays at a few tens of MB.
    """
    n, m = len(mentees), len(mentors)
    scores = np.zeros((n, m), dtype=np.float64)
    admissible = np.ones((n, m), dtype=bool)
    if n == 0 or m == 0:
        return scores, admissible
    shared = _Shared(mentees, mentors)
    points = _ScoreParts(mentees, mentors, rules, shared)
    constraints = _BarParts(mentees, mentors, rules, shared)
    step = max(1, CHUNK_CELLS // m)
    for start in range(0, n, step):
        stop = min(n, start + step)
        points.fill(scores[start:stop], start, stop)
        constraints.fill(admissible[start:stop], start, stop)
    return scores, admissible
