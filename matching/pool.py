"""From the database to the matching engine: who is in a scheme's pool, and as what.

The engine (``matching.engine``) knows nothing of the ORM; this module reads a scheme's
applications and mentorships once and turns them into the engine's plain ``Person``s and
``SchemeRules``. The pool is the approved mentees with no open mentorship and the mentors
with places left, so a run never touches pairs already published.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Q

from matching.engine.criteria import CRITERIA, Person, QuestionCriterion, SchemeRules
from matching.models import Mentorship
from schemes.models import Application, CustomQuestion, Role, Scheme

MENTOR_STATUSES = (Application.Status.APPROVED, Application.Status.MATCHED)


def effective_weights(
    scheme: Scheme,
    weights: dict | None = None,
    *,
    questions: list[QuestionCriterion] | None = None,
) -> dict[str, int]:
    """Each criterion's weight: the built-in criteria's defaults overridden by the
    scheme's (or ``weights``), then each matching question's own weight (or, for a run
    that recorded it, the weight it had then). This is what a run records and uses."""
    chosen = scheme.matching_weights if weights is None else weights
    questions = matching_questions(scheme) if questions is None else questions
    result = {criterion.key: criterion.default_weight for criterion in CRITERIA}
    result.update({question.key: question.weight for question in questions})
    result.update({key: int(value) for key, value in (chosen or {}).items() if key in result})
    return result


def matching_questions(scheme: Scheme) -> list[QuestionCriterion]:
    return [
        QuestionCriterion(
            id=question.pk,
            text=question.text,
            weight=question.weight,
            multiple=question.kind == CustomQuestion.Kind.MULTIPLE,
        )
        for question in scheme.questions.filter(is_matching_criterion=True, weight__gt=0)
    ]


def tried_pairs(scheme: Scheme) -> set[tuple[int, int]]:
    """(mentee user id, mentor user id) of pairs that were tried and did not last."""
    return set(
        Mentorship.objects.filter(scheme=scheme, status__in=Mentorship.TRIED).values_list(
            "mentee_id", "mentor_id"
        )
    )


def scheme_rules(scheme: Scheme, *, weights: dict | None = None) -> SchemeRules:
    """The scheme's matching rules, with ``weights`` (if given) in place of its own."""
    questions = matching_questions(scheme)
    return SchemeRules(
        prefer_other_department=scheme.prefer_other_department,
        require_senior_mentor=scheme.require_senior_mentor,
        grades=tuple(scheme.grades),
        questions=questions,
        weights=effective_weights(scheme, weights, questions=questions),
        tried_pairs=tried_pairs(scheme),
    )


def person_for(application: Application, scheme: Scheme, *, places: int = 0) -> Person:
    """The engine's view of one application (``application.user`` must be loaded)."""
    user = application.user
    return Person(
        id=application.pk,
        user_id=application.user_id,
        email=user.email,
        name=user.display_name,
        department=application.department,
        grade_rank=scheme.grade_rank(application.grade),
        areas=tuple(
            application.areas_wanted
            if application.role == Role.MENTEE
            else application.areas_offered
        ),
        locations=tuple(application.locations),
        face_to_face=application.face_to_face,
        term=application.term,
        match_preference=application.match_preference,
        professional_body=application.professional_body,
        line_manager_email=application.line_manager_email,
        avoid_people=tuple(application.avoid_people),
        avoid_departments=tuple(application.avoid_departments),
        answers=dict(application.answers or {}),
        capacity=places,
    )


def capacity_of(application: Application, scheme: Scheme) -> int:
    """How many mentees the mentor takes: their own answer, the scheme's default when
    they gave none. A stored 0 means no mentees (the forms ask for 1 to 20, so a 0 comes
    only from a direct change to the data), never the default."""
    return places_offered(application.capacity, scheme)


def places_offered(capacity: int | None, scheme: Scheme) -> int:
    """A stored capacity as places: None is the scheme's default, 0 is none."""
    return scheme.default_mentor_capacity if capacity is None else capacity


def remaining_places(scheme: Scheme) -> dict[int, int]:
    """Places left for each approved mentor application of ``scheme``: their capacity
    minus their proposed and active mentorships (never below zero)."""
    mentors = (
        Application.objects.filter(scheme=scheme, role=Role.MENTOR, status__in=MENTOR_STATUSES)
        .annotate(
            taken=Count(
                "mentorships_as_mentor",
                filter=Q(mentorships_as_mentor__status__in=Mentorship.OPEN),
            )
        )
        .values_list("pk", "capacity", "taken")
    )
    return {pk: max(0, places_offered(capacity, scheme) - taken) for pk, capacity, taken in mentors}


def mentee_pool(scheme: Scheme):
    """Approved mentee applications with no proposed or active mentorship."""
    return (
        Application.objects.filter(
            scheme=scheme, role=Role.MENTEE, status=Application.Status.APPROVED
        )
        .exclude(mentorships_as_mentee__status__in=Mentorship.OPEN)
        .select_related("user")
        .order_by("pk")
    )


@dataclass
class Pool:
    mentees: list[Application]
    mentors: list[Application]
    mentee_people: list[Person]
    mentor_people: list[Person]
    capacity: np.ndarray
    rules: SchemeRules

    @property
    def places(self) -> int:
        return int(self.capacity.sum())


def load_pool(
    scheme: Scheme,
    *,
    weights: dict | None = None,
    exclude_mentees: Iterable[int] = (),
    reserved: dict[int, int] | None = None,
) -> Pool:
    """The scheme's pool, ready for the engine.

    ``exclude_mentees`` (application ids) and ``reserved`` ({mentor application id:
    places}) leave out pairs already fixed, such as those pinned from an earlier run.
    Mentors with no place left stay out of the pool.
    """
    excluded = set(exclude_mentees)
    reserved = reserved or {}
    mentees = [a for a in mentee_pool(scheme) if a.pk not in excluded]
    places = remaining_places(scheme)
    for pk, taken in reserved.items():
        if pk in places:
            places[pk] = max(0, places[pk] - taken)
    open_ids = [pk for pk, left in places.items() if left > 0]
    mentors = list(
        Application.objects.filter(pk__in=open_ids).select_related("user").order_by("pk")
    )
    capacity = np.array([places[m.pk] for m in mentors], dtype=np.int64)
    return Pool(
        mentees=mentees,
        mentors=mentors,
        mentee_people=[person_for(a, scheme) for a in mentees],
        mentor_people=[person_for(a, scheme, places=places[a.pk]) for a in mentors],
        capacity=capacity,
        rules=scheme_rules(scheme, weights=weights),
    )


def stale_pairs(scheme: Scheme, proposals: list) -> list[str]:
    """The proposals that no longer hold, each as "mentee with mentor (why)": the
    mentee is no longer approved or already has a match, or the mentor has no place
    left for them. Publishing refuses a run with any; its page says which. The
    proposals come with ``mentee__user`` and ``mentor__user`` loaded."""
    places = remaining_places(scheme)
    wanted = Counter(proposal.mentor_id for proposal in proposals)
    busy = set(
        Mentorship.objects.filter(
            mentee_application_id__in=[proposal.mentee_id for proposal in proposals],
            status__in=Mentorship.OPEN,
        ).values_list("mentee_application_id", flat=True)
    )
    stale = []
    for proposal in proposals:
        mentee, mentor = proposal.mentee, proposal.mentor
        if mentee.status != Application.Status.APPROVED:
            problem = f"the mentee's application is now {mentee.get_status_display().lower()}"
        elif mentee.pk in busy:
            problem = "the mentee already has a match"
        elif mentor.pk not in places:
            problem = f"the mentor's application is now {mentor.get_status_display().lower()}"
        elif places[mentor.pk] < wanted[mentor.pk]:
            problem = "the mentor has no place left for this mentee"
        elif mentee.user_id == mentor.user_id:
            problem = "the mentee and the mentor are the same person"
        else:
            continue
        stale.append(f"{mentee.user.display_name} with {mentor.user.display_name} ({problem})")
    return stale


STALE_PAIRS_LISTED = 10


def stale_summary(stale: list[str]) -> str:
    """The first few stale pairs, and how many more."""
    listed = "; ".join(stale[:STALE_PAIRS_LISTED])
    if len(stale) > STALE_PAIRS_LISTED:
        listed += f"; and {len(stale) - STALE_PAIRS_LISTED} more"
    return listed
