"""The demo's matching: a published run with pairs in every state, and a finished run.

``seed_demo`` calls ``seed_matching`` once the demo scheme has its applications. It goes
through the real services, so the demo shows what a coordinator would have made: eleven
published pairs (six active, the first of them the demo mentee with the demo mentor,
sharing two goal-setting answers with them; one waiting for both replies, one waiting
for the mentor, one declined, one that lapsed unanswered, one ended early), then a
second run over the mentees left in the pool, finished and waiting for review. The demo
mentor keeps a place, so that a mentee of the pool can be matched with them by hand.
The active pairs are where the agreements' demo (``agreements.demo``) takes over.
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
    proposal_add,
    proposal_remove,
    proposal_swap,
)
from schemes.models import Scheme

ACTIVE_PAIRS = 6
PUBLISHED_PAIRS = ACTIVE_PAIRS + 5
DECLINE_REASON = "I am about to go on leave for three months, so I could not give this the time."
SWAP_REASON = "Sam asked to be mentored by Morgan, who knows the service well."
END_REASON = "My job has changed and I no longer have the time; we agreed to stop on good terms."


def seed_matching(*, scheme: Scheme, coordinator, demo_mentee, demo_mentor) -> bool:
    """Give the demo scheme its runs and mentorships, once; False when it has them."""
    if MatchRun.objects.filter(scheme=scheme).exists():
        return False
    first = _run(scheme, coordinator)
    proposals = list(
        Proposal.objects.filter(run=first).select_related("mentee", "mentor").order_by("-score")
    )
    mentee = demo_mentee.applications.get(scheme=scheme, role="mentee")
    mentor = demo_mentor.applications.get(scheme=scheme, role="mentor")
    ours = next((p for p in proposals if p.mentee_id == mentee.pk), None)
    if ours is None:
        ours = proposal_add(
            run=first, mentee=mentee, mentor=mentor, changed_by=coordinator, reason=SWAP_REASON
        )
    elif ours.mentor_id != mentor.pk:
        ours = proposal_swap(
            proposal=ours, mentor=mentor, changed_by=coordinator, reason=SWAP_REASON
        )
    # The demo mentee with the demo mentor, who keeps a place; ten other pairs.
    others = [p for p in proposals if p.mentee_id != mentee.pk and p.mentor_id != mentor.pk]
    kept = [ours, *others[: PUBLISHED_PAIRS - 1]]
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
    # The first waiting pair stays as published: nobody has replied yet.
    active = pairs[:ACTIVE_PAIRS]
    _waiting, half, declined, lapsed, ended = pairs[ACTIVE_PAIRS:]
    for mentorship in (*active, ended):
        mentorship_accept(mentorship=mentorship, user=mentorship.mentee)
        mentorship_accept(mentorship=mentorship, user=mentorship.mentor)
    # One mentee has chosen what their mentor may read of their goal-setting answers.
    application = active[0].mentee_application
    answered = [field for field in SHAREABLE_ANSWERS if getattr(application, field, "")]
    mentorship_share_answers(mentorship=active[0], user=active[0].mentee, answers=answered[:2])
    mentorship_accept(mentorship=half, user=half.mentee)
    mentorship_decline(mentorship=declined, user=declined.mentor, reason=DECLINE_REASON)
    Mentorship.objects.filter(pk=lapsed.pk).update(respond_by=timezone.now() - timedelta(minutes=1))
    mentorships_expire()
    ended.refresh_from_db()
    mentorship_end(mentorship=ended, ended_by=ended.mentee, reason=END_REASON)
