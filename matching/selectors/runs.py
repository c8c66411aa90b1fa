"""Reads of match runs and their proposals, for the coordinator's pages and the command."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from matching.engine.constraints import broken_constraints
from matching.engine.criteria import explain
from matching.engine.matrix import score_matrix
from matching.models import MatchRun, Proposal, Unmatched
from matching.pool import (
    MENTOR_STATUSES,
    person_for,
    places_offered,
    remaining_places,
    scheme_rules,
    stale_pairs,
    stale_summary,
)
from matching.selectors.mentorships import mentorship_reasons
from schemes.models import Application, Role, Scheme

__all__ = [
    "NO_PLACES_LEFT",
    "PROPOSAL_SORTS",
    "PairDifference",
    "ProposalRow",
    "PublishCheck",
    "RunComparison",
    "SwapCandidate",
    "active_run",
    "latest_run",
    "mentor_candidates",
    "proposal_rows",
    "publish_check",
    "run_comparison",
    "run_places_left",
    "run_proposals",
    "run_report",
    "run_unmatched",
    "scheme_runs",
    "swap_candidates",
]

NO_PLACES_LEFT = "Mentor has no places left."

# The orders the proposals page offers: "-score" (best first, the default), "score"
# (weakest first, to review them), or by name.
PROPOSAL_SORTS = {
    "-score": ("-score", "pk"),
    "score": ("score", "pk"),
    "mentee": ("mentee__user__name", "mentee__user__email", "pk"),
    "mentor": ("mentor__user__name", "mentor__user__email", "pk"),
}


def scheme_runs(scheme: Scheme) -> QuerySet[MatchRun]:
    """The scheme's runs, newest first, with who started each."""
    return MatchRun.objects.filter(scheme=scheme).select_related("started_by")


def active_run(scheme: Scheme) -> MatchRun | None:
    """The scheme's queued or running run, if there is one."""
    return scheme_runs(scheme).filter(status__in=MatchRun.ACTIVE).first()


def latest_run(scheme: Scheme, *, statuses=None) -> MatchRun | None:
    """The scheme's newest run (not counting dry runs), optionally only among
    ``statuses``."""
    runs = scheme_runs(scheme).filter(dry_run=False)
    if statuses is not None:
        runs = runs.filter(status__in=list(statuses))
    return runs.first()


@dataclass(frozen=True)
class PublishCheck:
    """What publishing a run would do, or why it cannot: who would be e-mailed, the
    pairs that no longer hold, and the run of the scheme published since this one."""

    pairs: int
    mentees: int
    mentors: int
    stale: list[str]
    published_since: MatchRun | None

    @property
    def stale_listed(self) -> str:
        return stale_summary(self.stale)

    @property
    def can_publish(self) -> bool:
        return self.pairs > 0 and not self.stale


def publish_check(run: MatchRun, *, scheme: Scheme) -> PublishCheck:
    """Whether the editable ``run`` can be published as it stands, checked as the
    publishing service checks it (in a fixed number of queries)."""
    proposals = list(
        Proposal.objects.filter(run=run).select_related("mentee__user", "mentor__user")
    )
    published_since = (
        MatchRun.objects.filter(
            scheme=scheme,
            status=MatchRun.Status.PUBLISHED,
            published_at__gt=run.created_at,
        )
        .order_by("-published_at")
        .first()
    )
    return PublishCheck(
        pairs=len(proposals),
        mentees=len({proposal.mentee_id for proposal in proposals}),
        mentors=len({proposal.mentor_id for proposal in proposals}),
        stale=stale_pairs(scheme, proposals) if proposals else [],
        published_since=published_since,
    )


def run_proposals(
    run: MatchRun,
    *,
    search: str = "",
    sort: str = "-score",
    min_score: float | None = None,
    pinned: bool | None = None,
) -> QuerySet[Proposal]:
    """The run's proposals with both people loaded.

    ``search`` matches either person's name, e-mail address or department; ``sort`` is
    a key of ``PROPOSAL_SORTS`` (anything else sorts best first); ``min_score`` and
    ``pinned`` filter.
    """
    proposals = Proposal.objects.filter(run=run).select_related(
        "mentee__user", "mentor__user", "changed_by"
    )
    search = search.strip()
    if search:
        proposals = proposals.filter(
            Q(mentee__user__name__icontains=search)
            | Q(mentee__user__email__icontains=search)
            | Q(mentor__user__name__icontains=search)
            | Q(mentor__user__email__icontains=search)
            | Q(mentee__department__icontains=search)
            | Q(mentor__department__icontains=search)
        )
    if min_score is not None:
        proposals = proposals.filter(score__gte=min_score)
    if pinned is not None:
        proposals = proposals.filter(pinned=pinned)
    return proposals.order_by(*PROPOSAL_SORTS.get(sort, PROPOSAL_SORTS["-score"]))


@dataclass(frozen=True)
class ProposalRow:
    """A line of a run's proposals: the pair, and the reasons of the criteria that gave
    it the most points, strongest first."""

    proposal: Proposal
    reasons: tuple[str, ...]


def proposal_rows(proposals: Iterable[Proposal], *, reasons: int = 2) -> list[ProposalRow]:
    """``proposals`` (a page of ``run_proposals``) as rows with their top ``reasons``,
    read from each stored breakdown: no query beyond the page's own."""
    return [
        ProposalRow(proposal, tuple(mentorship_reasons(proposal.breakdown, limit=reasons)))
        for proposal in proposals
    ]


def run_unmatched(run: MatchRun) -> QuerySet[Unmatched]:
    """The mentees the run left unmatched, with the reason, by reason then name."""
    return (
        Unmatched.objects.filter(run=run)
        .select_related("mentee__user")
        .order_by("reason", "mentee__user__name", "pk")
    )


@dataclass
class SwapCandidate:
    """A mentor the coordinator could give a proposal's mentee instead."""

    mentor: Application
    score: float
    breakdown: list[dict]
    broken: list[str]  # the hard constraints the pair would break; empty when admissible
    places_left: int  # in this run, once its proposals are counted

    @property
    def needs_reason(self) -> bool:
        return bool(self.broken)


def swap_candidates(proposal: Proposal, *, limit: int | None = None) -> list[SwapCandidate]:
    """Every other approved mentor of the scheme for ``proposal``'s mentee (see
    ``mentor_candidates``)."""
    return mentor_candidates(
        proposal.run, proposal.mentee_id, exclude_mentor_id=proposal.mentor_id, limit=limit
    )


def mentor_candidates(
    run: MatchRun,
    mentee_id: int,
    *,
    exclude_mentor_id: int | None = None,
    limit: int | None = None,
) -> list[SwapCandidate]:
    """Every approved mentor of the scheme for the mentee ``mentee_id`` of ``run``, with
    the pair's score and breakdown under the run's weights: first the pairs that break no
    rule, best score first, then those a coordinator can only make with a reason.

    A fixed number of queries whatever the number of mentors.
    """
    scheme = run.scheme
    approved = Application.objects.filter(
        scheme=scheme, role=Role.MENTOR, status__in=MENTOR_STATUSES
    )
    if exclude_mentor_id is not None:
        approved = approved.exclude(pk=exclude_mentor_id)
    mentors = list(approved.select_related("user").order_by("pk"))
    if not mentors:
        return []
    mentee = Application.objects.select_related("user").get(pk=mentee_id)
    rules = scheme_rules(scheme, weights=run.weights)
    mentee_person = person_for(mentee, scheme)
    mentor_people = [person_for(mentor, scheme) for mentor in mentors]
    scores, admissible = score_matrix([mentee_person], mentor_people, rules)
    places = run_places_left(run)
    candidates = []
    for j, mentor in enumerate(mentors):
        broken = (
            [] if admissible[0, j] else broken_constraints(mentee_person, mentor_people[j], rules)
        )
        left = places.get(mentor.pk, 0)
        if left <= 0:
            broken.append(NO_PLACES_LEFT)
        candidates.append(SwapCandidate(mentor, float(scores[0, j]), [], broken, left))
    candidates.sort(key=lambda c: (bool(c.broken), -c.score, c.mentor.pk))
    if limit is not None:
        candidates = candidates[:limit]
    by_pk = {mentor.pk: j for j, mentor in enumerate(mentors)}
    for candidate in candidates:
        person = mentor_people[by_pk[candidate.mentor.pk]]
        candidate.breakdown = explain(mentee_person, person, rules).as_list()
    return candidates


def run_places_left(run: MatchRun) -> dict[int, int]:
    """Each approved mentor's places left, counting the run's own proposals as taken (unless the
    run is published: its pairs are mentorships already, counted once)."""
    places = remaining_places(run.scheme)
    if run.status != MatchRun.Status.PUBLISHED:
        taken = Counter(Proposal.objects.filter(run=run).values_list("mentor_id", flat=True))
        for mentor_id, count in taken.items():
            places[mentor_id] = places.get(mentor_id, 0) - count
    return places


@dataclass
class PairDifference:
    mentee: Application
    mentor_a: Application | None  # None: unmatched in run A
    mentor_b: Application | None
    score_a: float | None
    score_b: float | None


@dataclass
class RunComparison:
    run_a: MatchRun
    run_b: MatchRun
    totals: list[tuple[str, object, object]]  # (label, value in A, value in B)
    differences: list[PairDifference]  # mentees whose mentor differs, by name


COMPARED_TOTALS = (
    ("Mentees", "mentee_count"),
    ("Mentors", "mentor_count"),
    ("Places", "places"),
    ("Matched", "matched_count"),
    ("Unmatched", "unmatched_count"),
    ("Total score", "total_score"),
    ("Mean score", "mean_score"),
)


# What the comparison loads of each person: thousands of whole applications would take
# seconds to build, and the page shows only who they are.
COMPARED_PERSON_FIELDS = ("role", "status", "department", "grade", "job_title")


def _people_fields(relation: str) -> list[str]:
    return [
        relation,
        f"{relation}__user__name",
        f"{relation}__user__email",
        *(f"{relation}__{field}" for field in COMPARED_PERSON_FIELDS),
    ]


def run_comparison(run_a: MatchRun, run_b: MatchRun) -> RunComparison:
    """Two runs' totals side by side, and each mentee whose mentor differs between
    them (including one matched in one run only), by name. Four queries. The people
    come with their name, e-mail address, department, grade and job title only."""
    totals = [
        (label, getattr(run_a, field), getattr(run_b, field)) for label, field in COMPARED_TOTALS
    ]
    totals.append(("Weights", run_a.weights, run_b.weights))
    pairs: dict[int, dict[str, Proposal]] = {}
    mentees: dict[int, Application] = {}
    for side, run in (("a", run_a), ("b", run_b)):
        proposals = (
            Proposal.objects.filter(run=run)
            .select_related("mentee__user", "mentor__user")
            .only("run_id", "score", *_people_fields("mentee"), *_people_fields("mentor"))
        )
        for proposal in proposals:
            mentees[proposal.mentee_id] = proposal.mentee
            pairs.setdefault(proposal.mentee_id, {})[side] = proposal
        unmatched = (
            Unmatched.objects.filter(run=run)
            .select_related("mentee__user")
            .only("run_id", "reason", *_people_fields("mentee"))
        )
        for row in unmatched:
            mentees.setdefault(row.mentee_id, row.mentee)
    differences = []
    for mentee_id, mentee in mentees.items():
        a, b = pairs.get(mentee_id, {}).get("a"), pairs.get(mentee_id, {}).get("b")
        if a is None and b is None:
            continue  # unmatched by both runs: no difference between them
        if a is not None and b is not None and a.mentor_id == b.mentor_id:
            continue
        differences.append(
            PairDifference(
                mentee=mentee,
                mentor_a=a.mentor if a else None,
                mentor_b=b.mentor if b else None,
                score_a=a.score if a else None,
                score_b=b.score if b else None,
            )
        )
    differences.sort(key=lambda d: (d.mentee.user.name.casefold(), d.mentee.user.email))
    return RunComparison(run_a, run_b, totals, differences)


def run_report(run: MatchRun) -> dict:
    """Everything about a run as plain data (``run_matching --json``): its proposals,
    its unmatched mentees with the reasons, every mentor's capacity and places, and
    its totals. People are named by e-mail address."""
    scheme = run.scheme
    # Plain values, not model instances: a report of thousands of pairs stays quick.
    proposals = list(
        Proposal.objects.filter(run=run)
        .order_by("-score", "mentee__user__email")
        .values(
            "mentor_id",
            "score",
            "pinned",
            "source",
            "breakdown",
            mentee_email=F("mentee__user__email"),
            mentor_email=F("mentor__user__email"),
        )
    )
    unmatched = (
        Unmatched.objects.filter(run=run)
        .order_by("mentee__user__email")
        .values_list("mentee__user__email", "reason")
    )
    assigned = Counter(p["mentor_id"] for p in proposals)
    places = run_places_left(run)
    mentors = (
        Application.objects.filter(scheme=scheme, role=Role.MENTOR, status__in=MENTOR_STATUSES)
        .order_by("user__email")
        .values_list("pk", "user__email", "capacity")
    )
    return {
        "run": run.pk,
        "scheme": scheme.slug,
        "status": run.status,
        "trigger": run.trigger,
        "dry_run": run.dry_run,
        "weights": run.weights,
        "proposals": [
            {
                "mentee": p["mentee_email"],
                "mentor": p["mentor_email"],
                "score": p["score"],
                "pinned": p["pinned"],
                "source": p["source"],
                "breakdown": p["breakdown"],
            }
            for p in proposals
        ],
        "unmatched": [{"mentee": email, "reason": reason} for email, reason in unmatched],
        "mentors": [
            {
                "mentor": email,
                "capacity": places_offered(capacity, scheme),
                "places_left": places.get(pk, 0),
                "assigned": assigned[pk],
            }
            for pk, email, capacity in mentors
        ],
        "totals": {
            "mentees": run.mentee_count,
            "mentors": run.mentor_count,
            "places": run.places,
            "admissible_pairs": run.admissible_pairs,
            "matched": run.matched_count,
            "unmatched": run.unmatched_count,
            "total_score": run.total_score,
            "mean_score": run.mean_score,
            "method": run.method,
            "certified": run.certified,
            "duration_seconds": run.duration_seconds,
        },
    }
