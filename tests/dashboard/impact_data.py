"""Pairs with evaluations on known ratings, for the impact report's tests."""

from datetime import datetime, timedelta

from django.utils import timezone

from agreements.models import Goal
from matching.models import Mentorship
from sessions.models import Evaluation
from tests.conftest import evaluation_answers
from tests.factories import approved_mentee, approved_mentor

# Planted in every evaluation's comments and every goal's words: never on a page.
MARKER = "CONFIDENTIAL-MARKER-7f3a"


def make_pair(
    scheme,
    *,
    department: str = "Housing",
    grade: str = "",
    started: datetime | None = None,
) -> Mentorship:
    """An active mentorship of a new mentee (of ``department`` and ``grade``) and a new
    mentor in ``scheme``."""
    mentee_fields = {"department": department}
    if grade:
        mentee_fields["grade"] = grade
    mentee_app = approved_mentee(scheme, **mentee_fields)
    mentor_app = approved_mentor(scheme)
    return Mentorship.objects.create(
        scheme=scheme,
        mentee=mentee_app.user,
        mentor=mentor_app.user,
        mentee_application=mentee_app,
        mentor_application=mentor_app,
        respond_by=timezone.now() + timedelta(days=14),
        status=Mentorship.Status.ACTIVE,
        started_at=started or timezone.now() - timedelta(days=200),
    )


def evaluate(pair: Mentorship, role: str, milestone: str, rating: int) -> Evaluation:
    """``role``'s answers at ``milestone``, every rating ``rating``; the comments (when
    asked) carry the marker."""
    answers = evaluation_answers(pair, role, milestone, rating=rating)
    if "comments" in answers:
        answers["comments"] = f"{MARKER} {role} {milestone}"
    return Evaluation.objects.create(
        mentorship=pair,
        respondent=pair.mentee if role == "mentee" else pair.mentor,
        role=role,
        milestone=milestone,
        completed_at=timezone.now(),
        **answers,
    )


def evaluated_pairs(
    scheme,
    ratings: list[tuple[int, int | None, int | None]],
    *,
    department: str = "Housing",
    grade: str = "",
    goals: tuple[int, int] = (0, 0),
    started: datetime | None = None,
) -> list[Mentorship]:
    """One pair per (baseline, end, follow-up) ratings of the mentee (None: not
    given); at the end, the mentee and mentor rate the relationship and scheme as the
    mentee's end rating and would recommend it; each pair sets ``goals[0]`` goals and
    achieves ``goals[1]`` of them."""
    pairs = []
    for baseline, end, follow_up in ratings:
        pair = make_pair(scheme, department=department, grade=grade, started=started)
        evaluate(pair, "mentee", "baseline", baseline)
        if end is not None:
            evaluate(pair, "mentee", "end", end)
            evaluate(pair, "mentor", "end", end)
        if follow_up is not None:
            evaluate(pair, "mentee", "follow_up", follow_up)
        set_, achieved = goals
        for n in range(set_):
            Goal.objects.create(
                mentorship=pair,
                title=f"{MARKER} goal {n}",
                why=MARKER,
                success_criteria=MARKER,
                status=Goal.Status.ACHIEVED if n < achieved else Goal.Status.ACTIVE,
            )
        pairs.append(pair)
    return pairs
