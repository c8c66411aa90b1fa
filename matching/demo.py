"""The demo's matching: a published run with pairs in every state, and a finished run.

``seed_demo`` calls ``seed_matching`` once the demo scheme has its applications. It goes
through the real services, so the demo shows what a coordinator would have made: seven
published pairs (two active, the first with two goal-setting answers its mentee shares
with the mentor, one waiting for both replies, one waiting for the mentor,
one declined, one that lapsed unanswered, one ended early), then a second run over the
mentees left in the pool, finished and waiting for review. The demo mentee stays in the
pool and the demo mentor keeps a place, so that they can be matched by hand.
"""

from datetime import timedelta

from django.utils import timezone

from matching.models import SHAREABLE_ANSWERS, MatchRun, Mentorship, Proposal
from matching.services.mentorships import (
    match_run_publish,
    mentorship_accept,
    mentorship_decline,
    mentorship_end,
    mentorship_share_answers,
    mentorships_expire,
)
from matching.services.runs import (
    match_run_execute,
    match_run_start,
    proposal_remove,
    proposal_swap,
)
from schemes.models import Scheme

PUBLISHED_PAIRS = 7
DECLINE_REASON = "I am about to go on leave for three months, so I could not give this the time."
END_REASON = "My job has changed and I no longer have the time; we agreed to stop on good terms."


def seed_matching(*, scheme: Scheme, coordinator, demo_mentee, demo_mentor) -> bool:
    """Give the demo scheme its runs and mentorships, once; False when it has them."""
    if MatchRun.objects.filter(scheme=scheme).exists():
        return False
    first = _run(scheme, coordinator)
    proposals = list(
        Proposal.objects.filter(run=first).exclude(mentee__user=demo_mentee).order_by("-score")
    )
    mentors = [p for p in proposals if p.mentor.user_id == demo_mentor.pk]
    if not mentors and proposals:
        mentor_application = demo_mentor.applications.get(scheme=scheme, role="mentor")
        proposals[0] = proposal_swap(
            proposal=proposals[0],
            mentor=mentor_application,
            changed_by=coordinator,
            reason="The demo mentor asked to mentor someone from this team.",
        )
        mentors = [proposals[0]]
    # One pair for the demo mentor, so that they keep a place; six others.
    kept = mentors[:1] + [p for p in proposals if p not in mentors][: PUBLISHED_PAIRS - 1]
    for proposal in Proposal.objects.filter(run=first).exclude(pk__in=[p.pk for p in kept]):
        proposal_remove(proposal=proposal, changed_by=coordinator)
    published = match_run_publish(run=first, published_by=coordinator)
    by_proposal = {(m.mentee_application_id, m.mentor_application_id): m for m in published}
    pairs = [by_proposal[(p.mentee_id, p.mentor_id)] for p in kept]
    if len(pairs) == PUBLISHED_PAIRS:
        _play(pairs)
    _run(scheme, coordinator)
    return True


def _run(scheme: Scheme, coordinator) -> MatchRun:
    run = match_run_start(
        scheme=scheme,
        trigger=MatchRun.Trigger.COORDINATOR,
        started_by=coordinator,
        execute_later=False,
    )
    return match_run_execute(run_id=run.pk)


def _play(pairs: list[Mentorship]) -> None:
    """Move each published pair to the state the demo shows."""
    # The fourth pair stays as published: nobody has replied yet.
    active, active_too, _waiting, half, declined, lapsed, ended = pairs
    for mentorship in (active, active_too, ended):
        mentorship_accept(mentorship=mentorship, user=mentorship.mentee)
        mentorship_accept(mentorship=mentorship, user=mentorship.mentor)
    # One mentee has chosen what their mentor may read of their goal-setting answers.
    application = active.mentee_application
    answered = [field for field in SHAREABLE_ANSWERS if getattr(application, field, "")]
    mentorship_share_answers(mentorship=active, user=active.mentee, answers=answered[:2])
    mentorship_accept(mentorship=half, user=half.mentee)
    mentorship_decline(mentorship=declined, user=declined.mentor, reason=DECLINE_REASON)
    Mentorship.objects.filter(pk=lapsed.pk).update(respond_by=timezone.now() - timedelta(minutes=1))
    mentorships_expire()
    ended.refresh_from_db()
    mentorship_end(mentorship=ended, ended_by=ended.mentee, reason=END_REASON)
