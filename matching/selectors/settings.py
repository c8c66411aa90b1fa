"""Reads of the matching settings page: the criteria's names and an example pair.

The example lets a coordinator see what the weights do to a real pair. Its points are
computed once here, per criterion as a fraction of the criterion's weight (the reasons do
not depend on the weights), so that the page can recompute every line and the total as
the weights are edited, without asking the server again.
"""

import dataclasses
from dataclasses import dataclass

import numpy as np
from django.db.models import Q

from matching.engine.constraints import broken_constraints
from matching.engine.criteria import CRITERIA_BY_KEY, QUESTION_PREFIX, Person, SchemeRules, explain
from matching.engine.matrix import score_matrix
from matching.models import MatchRun, Proposal
from matching.pool import load_pool, person_for, scheme_rules
from schemes.models import Application, Scheme

__all__ = [
    "Example",
    "ExampleLine",
    "ExamplePair",
    "criterion_labels",
    "example_applications",
    "example_pair",
]

# The statuses of the applications matching considers (a matched mentor may have places).
EXAMPLE_STATUSES = (Application.Status.APPROVED, Application.Status.MATCHED)


@dataclass(frozen=True)
class ExampleLine:
    """One criterion of the example: ``fraction`` (0-1) of its ``weight`` is earned."""

    key: str
    label: str
    weight: int
    fraction: float
    reason: str
    editable: bool  # a built-in criterion, weighted on this page (not a question)

    @property
    def points(self) -> float:
        return self.weight * self.fraction


@dataclass(frozen=True)
class ExamplePair:
    mentee: Application
    mentor: Application
    lines: tuple[ExampleLine, ...]
    broken: tuple[str, ...]  # the hard constraints the pair breaks, if any
    source: str  # "run" (the latest run's best pair), "pool" (the pool's best), "chosen"

    @property
    def total(self) -> float:
        return sum(line.points for line in self.lines)

    @property
    def max_total(self) -> int:
        return sum(line.weight for line in self.lines)


@dataclass(frozen=True)
class Example:
    """The pair to show, or, when there is none, why (``problem``)."""

    pair: ExamplePair | None
    problem: str = ""


def criterion_labels(scheme: Scheme, keys=None) -> dict[str, str]:
    """A readable name for each criterion key (``keys``, or every built-in one): the
    built-in criteria's labels and the text of the scheme's questions, one query."""
    labels = {key: criterion.label for key, criterion in CRITERIA_BY_KEY.items()}
    wanted = list(keys) if keys is not None else list(labels)
    question_ids = [
        int(key.removeprefix(QUESTION_PREFIX))
        for key in wanted
        if key.startswith(QUESTION_PREFIX) and key.removeprefix(QUESTION_PREFIX).isdigit()
    ]
    if question_ids:
        texts = dict(scheme.questions.filter(pk__in=question_ids).values_list("pk", "text"))
        labels.update({f"{QUESTION_PREFIX}{pk}": text for pk, text in texts.items()})
    return {key: labels.get(key, "A question since removed") for key in wanted}


def example_applications(scheme: Scheme, role: str, text: str) -> list[Application]:
    """The scheme's approved or matched applications as ``role`` whose person is named
    by ``text``: the one whose e-mail address it is, otherwise every one whose name or
    address contains it (the caller says when that is not exactly one)."""
    text = text.strip()
    applications = Application.objects.filter(
        scheme=scheme, role=role, status__in=EXAMPLE_STATUSES
    ).select_related("user")
    exact = list(applications.filter(user__email__iexact=text)[:2])
    if exact:
        return exact
    return list(
        applications.filter(
            Q(user__name__icontains=text) | Q(user__email__icontains=text)
        ).order_by("user__name", "pk")[:10]
    )


def example_pair(
    scheme: Scheme,
    *,
    mentee: Application | None = None,
    mentor: Application | None = None,
) -> Example:
    """The example pair for the settings page, scored with the scheme's saved weights.

    With both ``mentee`` and ``mentor``, that pair. With one of them, their best
    admissible partner in the pool. With neither, the best pair of the latest finished
    run, or else the best admissible pair of the pool waiting to be matched.
    """
    rules = scheme_rules(scheme)
    if mentee is not None and mentor is not None:
        return Example(_pair(scheme, rules, mentee, mentor, "chosen"))
    if mentee is None and mentor is None:
        best = (
            Proposal.objects.filter(
                run__scheme=scheme,
                run__status__in=[MatchRun.Status.FINISHED, MatchRun.Status.PUBLISHED],
            )
            .select_related("mentee__user", "mentor__user")
            .order_by("-run__created_at", "-run__pk", "-score", "pk")
            .first()
        )
        if best is not None:
            return Example(_pair(scheme, rules, best.mentee, best.mentor, "run"))
    pool = load_pool(scheme)
    if mentee is not None:
        return _best_partner(scheme, rules, pool.mentors, pool.mentor_people, mentee=mentee)
    if mentor is not None:
        return _best_partner(scheme, rules, pool.mentees, pool.mentee_people, mentor=mentor)
    if not pool.mentees:
        return Example(
            None,
            "No approved mentee is waiting to be matched, so there is no pair to show yet. "
            "Once you approve mentees' applications, the best pair the pool offers is "
            "shown here.",
        )
    if not pool.mentors:
        return Example(
            None,
            "No approved mentor has a place left, so there is no pair to show yet. Once "
            "you approve mentors' applications, the best pair the pool offers is shown here.",
        )
    scores, admissible = score_matrix(pool.mentee_people, pool.mentor_people, rules)
    if not admissible.any():
        first = broken_constraints(pool.mentee_people[0], pool.mentor_people[0], rules)
        return Example(
            None,
            f"No mentee waiting ({len(pool.mentees)}) can be paired with any mentor with "
            f"places ({len(pool.mentors)}): every pair breaks a hard constraint, so matching "
            "would leave every mentee unmatched. For example, "
            f"{pool.mentees[0].user.display_name} and {pool.mentors[0].user.display_name}: "
            f"{' '.join(first)} Check the mentors' and mentees' answers (departments, "
            "people to avoid, line managers) and whether the scheme requires senior mentors.",
        )
    i, j = np.unravel_index(np.argmax(np.where(admissible, scores, -np.inf)), scores.shape)
    return Example(_pair(scheme, rules, pool.mentees[i], pool.mentors[j], "pool"))


def _best_partner(scheme, rules, candidates, people, *, mentee=None, mentor=None) -> Example:
    chosen = mentee or mentor
    person = person_for(chosen, scheme)
    if mentee is not None:
        scores, admissible = score_matrix([person], people, rules)
    else:
        scores, admissible = score_matrix(people, [person], rules)
        scores, admissible = scores.T, admissible.T
    name = chosen.user.display_name
    if not candidates:
        other = "mentor has a place left" if mentee is not None else "mentee is waiting"
        return Example(None, f"No approved {other}, so there is no one to pair {name} with.")
    if not admissible.any():
        return Example(
            None,
            f"Every pair with {name} breaks a hard constraint. Choose the other person too to "
            "see a pair's points and the constraints it breaks.",
        )
    best = candidates[int(np.argmax(np.where(admissible[0], scores[0], -np.inf)))]
    if mentee is not None:
        return Example(_pair(scheme, rules, mentee, best, "chosen"))
    return Example(_pair(scheme, rules, best, mentor, "chosen"))


def _pair(
    scheme: Scheme, rules: SchemeRules, mentee: Application, mentor: Application, source: str
) -> ExamplePair:
    mentee_person: Person = person_for(mentee, scheme)
    mentor_person: Person = person_for(mentor, scheme)
    # Every criterion at weight 100: its points are then 100 x the fraction earned, and
    # criteria the scheme weighs at 0 (left out of a breakdown) are shown too.
    everything = dataclasses.replace(
        rules, weights={criterion.key: 100 for criterion in rules.criteria()}
    )
    lines = tuple(
        ExampleLine(
            key=item.key,
            label=item.label,
            weight=rules.weight(item.key),
            fraction=item.points / 100,
            reason=item.reason,
            editable=item.key in CRITERIA_BY_KEY,
        )
        for item in explain(mentee_person, mentor_person, everything)
    )
    return ExamplePair(
        mentee=mentee,
        mentor=mentor,
        lines=lines,
        broken=tuple(broken_constraints(mentee_person, mentor_person, rules)),
        source=source,
    )
