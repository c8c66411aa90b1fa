"""Which mentee/mentor pairs may not be matched at all, and why.

Pure Python and numpy, no ORM. ``broken_constraints`` says in words why one pair is
barred; ``matrix.score_matrix``'s ``admissible`` holds the same verdict for every pair.
Capacity is left to the caller, which knows how many places each mentor has left.

The constraints that follow from a person's department or grade are factors of "barred"
in the matrix code (``matrix._BarParts``). Those that name one person (the same person,
a person to avoid, a line manager, a pair tried before) are few and sparse, so
``_barred_pairs`` lists them for every pair at once, next to the one-pair rules they
mirror.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np

from matching.engine.criteria import OTHER, Person, SchemeRules, _norm, _preference, _spelled

# ---------------------------------------------------------------------------------------
# One pair: hard constraints


def _identities(person: Person) -> set[str]:
    """The entries under which someone can be named in another's avoid list."""
    return {key for key in (_norm(person.email), _norm(person.name)) if key}


def broken_constraints(mentee: Person, mentor: Person, rules: SchemeRules) -> list[str]:
    """One sentence per hard constraint the pair breaks; empty when it may be matched.

    Capacity is not checked here: the caller knows each mentor's places.
    """
    broken = []
    if mentee.user_id == mentor.user_id:
        broken.append("Mentee and mentor are the same person.")
    if {_norm(entry) for entry in mentee.avoid_people} & _identities(mentor):
        broken.append("The mentee asked not to be matched with the mentor.")
    if {_norm(entry) for entry in mentor.avoid_people} & _identities(mentee):
        broken.append("The mentor asked not to be matched with the mentee.")
    mentee_department, mentor_department = _norm(mentee.department), _norm(mentor.department)
    if mentor_department and mentor_department in {_norm(d) for d in mentee.avoid_departments}:
        broken.append(
            f"The mentee asked not to be matched with anyone from {_spelled(mentor.department)}."
        )
    if mentee_department and mentee_department in {_norm(d) for d in mentor.avoid_departments}:
        broken.append(
            f"The mentor asked not to be matched with anyone from {_spelled(mentee.department)}."
        )
    if _norm(mentee.line_manager_email) and _norm(mentee.line_manager_email) == _norm(mentor.email):
        broken.append("Mentor is the mentee's line manager.")
    if _norm(mentor.line_manager_email) and _norm(mentor.line_manager_email) == _norm(mentee.email):
        broken.append("Mentee is the mentor's line manager.")
    if (
        _preference(mentee) == OTHER
        and mentee_department
        and mentee_department == mentor_department
    ):
        broken.append(
            f"Both work in {_spelled(mentee.department)}, and the mentee asked for someone "
            "from another department."
        )
    if (mentee.user_id, mentor.user_id) in rules.tried_pairs:
        broken.append("This pair was matched before and the mentorship ended.")
    if (
        rules.require_senior_mentor
        and mentee.grade_rank is not None
        and mentor.grade_rank is not None
        and mentor.grade_rank < mentee.grade_rank
    ):
        broken.append(
            "Mentor is at a lower grade than the mentee, and the scheme requires mentors "
            "to be at least as senior."
        )
    return broken


# ---------------------------------------------------------------------------------------
# Every pair at once: the pairs barred person by person


class _Pairs:
    """A sparse set of (mentee row, mentor column) pairs, sliced by mentee rows."""

    def __init__(self, pairs: Iterable[tuple[int, int]]):
        array = np.array(sorted(set(pairs)), dtype=np.intp).reshape(-1, 2)
        self.rows, self.cols = array[:, 0], array[:, 1]

    def block(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = np.searchsorted(self.rows, [start, stop])
        return self.rows[lo:hi] - start, self.cols[lo:hi]


def _index(people: Sequence[Person], keys) -> dict[object, list[int]]:
    index = defaultdict(list)
    for position, person in enumerate(people):
        for key in keys(person):
            if key or key == 0:
                index[key].append(position)
    return index


def _barred_pairs(
    mentees: Sequence[Person], mentors: Sequence[Person], rules: SchemeRules
) -> _Pairs:
    """The pairs barred person by person: the same person, a named person to avoid
    (either way), a line manager (either way), a pair tried before."""
    pairs: list[tuple[int, int]] = []
    mentee_users = _index(mentees, lambda p: [p.user_id])
    mentor_users = _index(mentors, lambda p: [p.user_id])
    for user, rows in mentee_users.items():
        pairs.extend((i, j) for i in rows for j in mentor_users.get(user, ()))
    for mentee_user, mentor_user in rules.tried_pairs:
        pairs.extend(
            (i, j)
            for i in mentee_users.get(mentee_user, ())
            for j in mentor_users.get(mentor_user, ())
        )
    mentor_names, mentee_names = _index(mentors, _identities), _index(mentees, _identities)
    for i, mentee in enumerate(mentees):
        for key in {_norm(entry) for entry in mentee.avoid_people}:
            pairs.extend((i, j) for j in mentor_names.get(key, ()))
    for j, mentor in enumerate(mentors):
        for key in {_norm(entry) for entry in mentor.avoid_people}:
            pairs.extend((i, j) for i in mentee_names.get(key, ()))
    mentor_emails = _index(mentors, lambda p: [_norm(p.email)])
    mentee_emails = _index(mentees, lambda p: [_norm(p.email)])
    for i, mentee in enumerate(mentees):
        pairs.extend((i, j) for j in mentor_emails.get(_norm(mentee.line_manager_email), ()))
    for j, mentor in enumerate(mentors):
        pairs.extend((i, j) for i in mentee_emails.get(_norm(mentor.line_manager_email), ()))
    return _Pairs(pairs)
