"""Shortlist mode: each mentee sees their best admissible mentors with places left and
asks one of them; the mentor accepts or declines with the usual replies
(``matching.services.mentorships``).

A mentor's capacity holds however many mentees ask at once: a request locks the
mentor's application row and counts their open mentorships inside that lock, and the
mentee's partial unique constraint stops a second open request of the same mentee.
"""

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from matching.engine.constraints import broken_constraints
from matching.engine.criteria import Breakdown, explain
from matching.engine.matrix import score_matrix
from matching.models import Mentorship
from matching.pool import MENTOR_STATUSES, capacity_of, person_for, remaining_places, scheme_rules
from matching.selectors.mentorships import mentorship_reasons
from matching.services.mentorship_emails import mentorship_email_enqueue
from schemes.choices import MatchingMode
from schemes.models import Application, Role

SHORTLIST_SIZE = 5
MENTOR_FULL = "That mentor has just filled their last place. Choose another."


@dataclass(frozen=True)
class ShortlistEntry:
    """One mentor of a mentee's shortlist, with the points behind the pair's score."""

    mentor: Application
    breakdown: Breakdown
    places_left: int

    @property
    def score(self) -> float:
        return self.breakdown.total

    @property
    def max_score(self) -> int:
        return self.breakdown.max_total

    @property
    def reasons(self) -> list[str]:
        return mentorship_reasons(self.breakdown.as_list())


def shortlist_for(*, application: Application, size: int = SHORTLIST_SIZE) -> list[ShortlistEntry]:
    """The ``size`` best mentors for the mentee ``application``: admissible, with a
    place left, highest score first (ties by the earlier application). Scores one row
    of the engine's matrix over the scheme's mentors, and explains the few it keeps."""
    scheme = application.scheme
    places = remaining_places(scheme)
    mentors = list(
        Application.objects.filter(pk__in=[pk for pk, left in places.items() if left > 0])
        .exclude(user_id=application.user_id)
        .select_related("user")
        .order_by("pk")
    )
    if not mentors:
        return []
    rules = scheme_rules(scheme)
    mentee = person_for(application, scheme)
    people = [person_for(mentor, scheme, places=places[mentor.pk]) for mentor in mentors]
    scores, admissible = score_matrix([mentee], people, rules)
    candidates = np.flatnonzero(admissible[0])
    # A stable sort of the negated scores keeps the earlier application first on a tie.
    best = candidates[np.argsort(-scores[0, candidates], kind="stable")][:size]
    return [
        ShortlistEntry(
            mentor=mentors[j],
            breakdown=explain(mentee, people[j], rules),
            places_left=places[mentors[j].pk],
        )
        for j in best
    ]


@transaction.atomic
def mentorship_request(
    *, mentee_application: Application, mentor_application: Application, requested_by
) -> Mentorship:
    """The mentee asks a mentor of their shortlist: a proposed mentorship (source
    shortlist) that the mentee has already accepted and the mentor answers before
    ``respond_by``. Refused when the mentor is no longer admissible, no longer on the
    shortlist or has just filled their last place."""
    if requested_by.pk != mentee_application.user_id:
        raise PermissionDenied("Only the mentee can ask for a mentor.")
    scheme = mentee_application.scheme
    if scheme.matching_mode != MatchingMode.SHORTLIST or mentee_application.role != Role.MENTEE:
        raise ValidationError("In this scheme the coordinators match mentees with mentors.")
    if mentor_application.scheme_id != scheme.pk or mentor_application.role != Role.MENTOR:
        raise ValidationError("That mentor is not part of this scheme. Choose another.")

    # Always the mentee's row first, then the mentor's: two requests never wait on
    # each other in a circle.
    mentee_status = _locked_status(mentee_application)
    if mentee_status != Application.Status.APPROVED:
        raise ValidationError("Your application is not open for matching.")
    current = (
        Mentorship.objects.filter(mentee_application=mentee_application, status__in=Mentorship.OPEN)
        .select_related("mentor")
        .first()
    )
    if current is not None:
        if current.status == Mentorship.Status.ACTIVE:
            raise ValidationError("You already have a mentor in this scheme.")
        raise ValidationError(
            f"You have already asked {current.mentor.display_name}. Wait for their reply, "
            "or withdraw that request first."
        )
    if _locked_status(mentor_application) not in MENTOR_STATUSES:
        raise ValidationError("That mentor is no longer taking mentees. Choose another.")
    taken = Mentorship.objects.filter(
        mentor_application=mentor_application, status__in=Mentorship.OPEN
    ).count()
    if taken >= capacity_of(mentor_application, scheme):
        raise ValidationError(MENTOR_FULL, code="full")

    rules = scheme_rules(scheme)
    if broken_constraints(
        person_for(mentee_application, scheme), person_for(mentor_application, scheme), rules
    ):
        # The sentences can name the mentor's own avoid lists: the mentee is not told.
        raise ValidationError("That mentor cannot be matched with you. Choose another.")
    entry = next(
        (
            entry
            for entry in shortlist_for(application=mentee_application)
            if entry.mentor.pk == mentor_application.pk
        ),
        None,
    )
    if entry is None:
        raise ValidationError("That mentor is no longer on your shortlist. Choose another.")

    now = timezone.now()
    mentorship = Mentorship(
        scheme=scheme,
        mentee=mentee_application.user,
        mentor=mentor_application.user,
        mentee_application=mentee_application,
        mentor_application=mentor_application,
        source=Mentorship.Source.SHORTLIST,
        score=entry.score,
        breakdown=entry.breakdown.as_list(),
        respond_by=now + timedelta(days=scheme.response_days),
        mentee_response=Mentorship.Response.ACCEPTED,
        mentee_responded_at=now,
    )
    mentorship.full_clean()
    mentorship.save()
    mentorship_email_enqueue(mentorship=mentorship, event="requested")
    return mentorship


def _locked_status(application: Application) -> str | None:
    """Lock ``application``'s row and re-read what a request depends on."""
    row = (
        Application.objects.select_for_update()
        .filter(pk=application.pk)
        .values_list("status", "capacity")
        .first()
    )
    if row is None:
        return None
    application.status, application.capacity = row
    return application.status
