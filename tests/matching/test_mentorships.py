"""Mentorships: publishing a run, the replies, lapsed replies and the no-fault ending."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from matching.models import MatchRun, Mentorship, Proposal
from matching.pool import mentee_pool, remaining_places, scheme_rules
from matching.selectors import mentorship_for_viewer, open_mentorships_for_user
from matching.services.mentorships import (
    match_run_publish,
    mentorship_accept,
    mentorship_decline,
    mentorship_end,
    mentorships_expire,
)
from matching.tasks.mentorships import expire_unanswered_matches
from schemes.models import Application
from tests.factories import approved_mentee, approved_mentor

APPROVED, MATCHED = Application.Status.APPROVED, Application.Status.MATCHED
BREAKDOWN = [
    {
        "key": "areas",
        "label": "Development areas",
        "points": 30.0,
        "max_points": 30,
        "reason": "Shares 2 of 2 development areas",
    },
    {
        "key": "locations",
        "label": "Meeting places",
        "points": 0.0,
        "max_points": 20,
        "reason": "No meeting place in common",
    },
    {
        "key": "seniority",
        "label": "Seniority",
        "points": 10.0,
        "max_points": 10,
        "reason": "Mentor is two grades senior",
    },
]


# --- builders shared with the other mentorship test modules ---------------------------


def finished_run(scheme, pairs, **fields):
    """A finished run of ``scheme`` proposing ``pairs`` of (mentee, mentor) applications."""
    fields.setdefault("status", MatchRun.Status.FINISHED)
    run = MatchRun.objects.create(scheme=scheme, trigger=MatchRun.Trigger.COORDINATOR, **fields)
    for mentee, mentor in pairs:
        Proposal.objects.create(
            run=run, mentee=mentee, mentor=mentor, score=40.0, breakdown=BREAKDOWN
        )
    return run


def propose(mentee, mentor, **fields):
    """A published match of two applications, waiting for both replies."""
    fields.setdefault("respond_by", timezone.now() + timedelta(days=14))
    fields.setdefault("breakdown", BREAKDOWN)
    fields.setdefault("score", 40.0)
    mentorship = Mentorship.objects.create(
        scheme=mentee.scheme,
        mentee=mentee.user,
        mentor=mentor.user,
        mentee_application=mentee,
        mentor_application=mentor,
        **fields,
    )
    Application.objects.filter(pk__in=[mentee.pk, mentor.pk]).update(status=MATCHED)
    return mentorship


def activate(mentorship):
    mentorship_accept(mentorship=mentorship, user=mentorship.mentee)
    return mentorship_accept(mentorship=mentorship, user=mentorship.mentor)


def status_of(application) -> str:
    application.refresh_from_db()
    return application.status


def messages_to(email):
    return [message for message in mail.outbox if message.to == [email]]


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture
def pair(scheme, mentee, mentor):
    """The conftest's mentee and mentor, each with an approved application."""
    return approved_mentee(scheme, user=mentee), approved_mentor(scheme, user=mentor)


@pytest.fixture
def proposed(pair):
    return propose(*pair)


# --- publishing --------------------------------------------------------------------------


@time_machine.travel("2025-03-03 09:00 +00:00", tick=False)
def test_publishing_creates_one_proposed_mentorship_per_proposal(scheme, coordinator, pair):
    scheme.response_days = 10
    scheme.save()
    mentee_app, mentor_app = pair
    second_mentee = approved_mentee(scheme)
    second_mentor = approved_mentor(scheme, capacity=2)
    run = finished_run(scheme, [pair, (second_mentee, second_mentor)])

    mentorships = match_run_publish(run=run, published_by=coordinator)

    assert len(mentorships) == 2
    first = Mentorship.objects.get(mentee_application=mentee_app)
    assert first.status == Mentorship.Status.PROPOSED
    assert first.mentor_application == mentor_app
    assert (first.mentee, first.mentor) == (mentee_app.user, mentor_app.user)
    assert first.run == run
    assert first.source == Mentorship.Source.RUN
    assert first.score == 40.0
    assert first.breakdown == BREAKDOWN
    assert first.respond_by == timezone.now() + timedelta(days=10)
    assert first.mentee_response == first.mentor_response == Mentorship.Response.PENDING
    assert {status_of(a) for a in (mentee_app, mentor_app, second_mentee, second_mentor)} == {
        MATCHED
    }
    run.refresh_from_db()
    assert run.status == MatchRun.Status.PUBLISHED
    assert run.published_by == coordinator
    assert run.published_at == timezone.now()
    # The published mentees have left the pool; the mentor with a place left has not.
    assert list(mentee_pool(scheme)) == []
    assert remaining_places(scheme) == {mentor_app.pk: 0, second_mentor.pk: 1}


def test_publishing_emails_both_people_who_why_and_by_when(
    scheme, coordinator, pair, django_capture_on_commit_callbacks
):
    mentee_app, mentor_app = pair
    run = finished_run(scheme, [pair])

    with django_capture_on_commit_callbacks(execute=True):
        (mentorship,) = match_run_publish(run=run, published_by=coordinator)

    to_mentee = messages_to(mentee_app.user.email)
    to_mentor = messages_to(mentor_app.user.email)
    assert len(to_mentee) == len(to_mentor) == 1
    body = to_mentee[0].body
    assert mentor_app.user.display_name in to_mentee[0].subject
    assert f"matched with {mentor_app.user.display_name} as your mentor" in body
    assert "Finance manager, Finance" in body
    # The two strongest reasons, strongest first; a criterion worth nothing is left out.
    assert "Shares 2 of 2 development areas; Mentor is two grades senior." in body
    assert "No meeting place in common" not in body
    assert timezone.localtime(mentorship.respond_by).strftime("%-d %B %Y") in body
    assert f"/mentorships/{mentorship.pk}/" in body
    assert f"matched with {mentee_app.user.display_name} as your mentee" in to_mentor[0].body
    # Nobody else hears about it.
    assert len(mail.outbox) == 2


def test_publishing_refuses_stale_proposals_and_changes_nothing(scheme, coordinator, pair):
    mentee_app, _ = pair
    taken_mentee = approved_mentee(scheme)
    full_mentor = approved_mentor(scheme)
    # Since the run: the second mentee was matched elsewhere, and the second mentor's
    # only place was taken.
    propose(taken_mentee, approved_mentor(scheme))
    propose(approved_mentee(scheme), full_mentor)
    Application.objects.filter(pk=taken_mentee.pk).update(status=APPROVED)
    run = finished_run(scheme, [pair, (taken_mentee, full_mentor)])

    with pytest.raises(ValidationError) as refused:
        match_run_publish(run=run, published_by=coordinator)

    message = refused.value.messages[0]
    assert (
        f"{taken_mentee.user.display_name} with {full_mentor.user.display_name} "
        "(the mentee already has a match)" in message
    )
    assert "Run matching again" in message
    assert mentee_app.user.display_name not in message  # that pair still holds
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FINISHED
    assert not Mentorship.objects.filter(run=run).exists()
    assert status_of(mentee_app) == APPROVED


def test_publishing_refuses_a_mentor_with_fewer_places_than_proposals(scheme, coordinator):
    mentor_app = approved_mentor(scheme, capacity=2)
    propose(approved_mentee(scheme), mentor_app)  # one of the two places has gone
    run = finished_run(
        scheme, [(approved_mentee(scheme), mentor_app), (approved_mentee(scheme), mentor_app)]
    )

    with pytest.raises(ValidationError, match="the mentor has no place left for this mentee"):
        match_run_publish(run=run, published_by=coordinator)
    assert not Mentorship.objects.filter(run=run).exists()


def test_publishing_refuses_a_withdrawn_mentee(scheme, coordinator, pair):
    mentee_app, _ = pair
    Application.objects.filter(pk=mentee_app.pk).update(status=Application.Status.WITHDRAWN)
    run = finished_run(scheme, [pair])

    with pytest.raises(ValidationError, match="the mentee's application is now withdrawn"):
        match_run_publish(run=run, published_by=coordinator)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"dry_run": True}, "A dry run cannot be published"),
        ({"status": MatchRun.Status.PUBLISHED}, "already been published"),
        ({"status": MatchRun.Status.RUNNING}, "Only a finished run"),
    ],
)
def test_only_a_finished_real_run_is_published(scheme, coordinator, pair, fields, message):
    run = finished_run(scheme, [pair], **fields)
    with pytest.raises(ValidationError, match=message):
        match_run_publish(run=run, published_by=coordinator)
    assert not Mentorship.objects.exists()


def test_publishing_a_run_twice_is_refused(scheme, coordinator, pair):
    run = finished_run(scheme, [pair])
    match_run_publish(run=run, published_by=coordinator)
    stale_copy = MatchRun.objects.get(pk=run.pk)
    stale_copy.status = MatchRun.Status.FINISHED  # as a second tab would still have it

    with pytest.raises(ValidationError, match="already been published"):
        match_run_publish(run=stale_copy, published_by=coordinator)
    assert Mentorship.objects.count() == 1


# --- replies -------------------------------------------------------------------------------


def test_both_accepting_starts_the_mentorship_at_initiation(
    proposed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mentorship_accept(mentorship=proposed, user=proposed.mentee)
    proposed.refresh_from_db()
    assert proposed.status == Mentorship.Status.PROPOSED
    assert proposed.mentee_response == Mentorship.Response.ACCEPTED
    assert proposed.mentee_responded_at is not None
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        mentorship_accept(mentorship=proposed, user=proposed.mentor)

    proposed.refresh_from_db()
    assert proposed.status == Mentorship.Status.ACTIVE
    assert proposed.stage == Mentorship.Stage.INITIATION
    assert proposed.started_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == [proposed.mentee.email, proposed.mentor.email]
    assert all("has started" in m.subject for m in mail.outbox)
    assert proposed.mentor.email in messages_to(proposed.mentee.email)[0].body


def test_accepting_twice_is_refused(proposed):
    mentorship_accept(mentorship=proposed, user=proposed.mentee)
    with pytest.raises(ValidationError, match="already accepted"):
        mentorship_accept(mentorship=proposed, user=proposed.mentee)


def test_only_the_pair_can_reply(proposed, coordinator, outsider):
    for person in (coordinator, outsider):
        with pytest.raises(PermissionDenied):
            mentorship_accept(mentorship=proposed, user=person)
        with pytest.raises(PermissionDenied):
            mentorship_decline(mentorship=proposed, user=person)
    proposed.refresh_from_db()
    assert proposed.mentee_response == proposed.mentor_response == Mentorship.Response.PENDING


def test_a_reply_after_the_deadline_is_refused(proposed):
    with time_machine.travel(proposed.respond_by + timedelta(seconds=1)):
        with pytest.raises(ValidationError, match="time to reply to this match has passed"):
            mentorship_accept(mentorship=proposed, user=proposed.mentee)
        with pytest.raises(ValidationError, match="time to reply to this match has passed"):
            mentorship_decline(mentorship=proposed, user=proposed.mentor)


def test_a_reply_to_a_declined_match_is_refused(proposed):
    other_copy = Mentorship.objects.get(pk=proposed.pk)
    mentorship_decline(mentorship=proposed, user=proposed.mentor)

    with pytest.raises(ValidationError, match="declined"):
        mentorship_accept(mentorship=other_copy, user=other_copy.mentee)
    assert other_copy.status == Mentorship.Status.DECLINED


def test_a_decline_puts_both_back_in_the_pool_and_tells_the_coordinators_why(
    scheme, coordinator, pair, proposed, django_capture_on_commit_callbacks
):
    mentee_app, mentor_app = pair
    with django_capture_on_commit_callbacks(execute=True):
        mentorship_decline(
            mentorship=proposed, user=proposed.mentor, reason="  I move teams next month.  "
        )

    proposed.refresh_from_db()
    assert proposed.status == Mentorship.Status.DECLINED
    assert proposed.mentor_response == Mentorship.Response.DECLINED
    assert proposed.declined_by == proposed.mentor
    assert proposed.decline_reason == "I move teams next month."
    assert status_of(mentee_app) == status_of(mentor_app) == APPROVED
    assert list(mentee_pool(scheme)) == [mentee_app]
    assert remaining_places(scheme) == {mentor_app.pk: 1}
    # The pair is never proposed again.
    assert (mentee_app.user_id, mentor_app.user_id) in scheme_rules(scheme).tried_pairs

    (to_mentee,) = messages_to(proposed.mentee.email)
    assert "will not go ahead" in to_mentee.subject
    assert "back in the pool" in to_mentee.body
    assert "move teams" not in to_mentee.body
    assert "move teams" not in to_mentee.alternatives[0][0]
    (to_coordinator,) = messages_to(coordinator.email)
    assert "declined" in to_coordinator.subject
    assert (
        f"The mentor, {proposed.mentor.display_name}, declined the match with "
        f"{proposed.mentee.display_name} in {proposed.scheme.name}." in to_coordinator.body
    )
    assert "I move teams next month." in to_coordinator.body
    assert messages_to(proposed.mentor.email) == []  # they know


def test_a_mentee_can_decline_after_accepting_until_the_match_starts(proposed):
    mentorship_accept(mentorship=proposed, user=proposed.mentee)
    mentorship_decline(mentorship=proposed, user=proposed.mentee)
    proposed.refresh_from_db()
    assert proposed.status == Mentorship.Status.DECLINED
    assert proposed.mentee_response == Mentorship.Response.DECLINED


def test_a_mentor_with_another_open_mentorship_stays_matched_after_a_decline(scheme, pair):
    mentee_app, _ = pair
    mentor_app = approved_mentor(scheme, capacity=2)
    declined = propose(mentee_app, mentor_app)
    propose(approved_mentee(scheme), mentor_app)

    mentorship_decline(mentorship=declined, user=declined.mentee)

    assert status_of(mentee_app) == APPROVED
    assert status_of(mentor_app) == MATCHED
    assert remaining_places(scheme)[mentor_app.pk] == 1


# --- lapsed replies --------------------------------------------------------------------------


def test_unanswered_matches_lapse_once_and_everyone_is_told(
    scheme, coordinator, pair, proposed, django_capture_on_commit_callbacks
):
    mentee_app, mentor_app = pair
    mentorship_accept(mentorship=proposed, user=proposed.mentee)
    not_due = propose(
        approved_mentee(scheme),
        approved_mentor(scheme),
        respond_by=proposed.respond_by + timedelta(days=3),
    )

    with time_machine.travel(proposed.respond_by + timedelta(minutes=5)):
        with django_capture_on_commit_callbacks(execute=True):
            assert mentorships_expire() == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert mentorships_expire() == 0  # a second worker, or the next hour

    proposed.refresh_from_db()
    assert proposed.status == Mentorship.Status.EXPIRED
    not_due.refresh_from_db()
    assert not_due.status == Mentorship.Status.PROPOSED
    assert status_of(mentee_app) == status_of(mentor_app) == APPROVED
    assert (mentee_app.user_id, mentor_app.user_id) in scheme_rules(scheme).tried_pairs
    assert len(messages_to(proposed.mentee.email)) == 1
    assert len(messages_to(proposed.mentor.email)) == 1
    assert "lapsed" in messages_to(proposed.mentee.email)[0].subject
    (to_coordinator,) = messages_to(coordinator.email)
    assert "lapsed" in to_coordinator.subject
    # The mentee accepted: only the mentor failed to reply.
    assert f"{proposed.mentor.display_name} did not reply in time" in to_coordinator.body


def test_the_hourly_task_lapses_overdue_matches(proposed):
    with time_machine.travel(proposed.respond_by):
        assert expire_unanswered_matches.delay().get() == 1
    proposed.refresh_from_db()
    assert proposed.status == Mentorship.Status.EXPIRED


def test_active_mentorships_never_lapse(proposed):
    activate(proposed)
    assert mentorships_expire(now=proposed.respond_by + timedelta(days=30)) == 0
    proposed.refresh_from_db()
    assert proposed.status == Mentorship.Status.ACTIVE


# --- the no-fault ending -------------------------------------------------------------------


def test_ending_lets_the_mentee_be_matched_again_but_never_with_that_mentor(
    scheme, coordinator, pair, proposed, django_capture_on_commit_callbacks
):
    mentee_app, mentor_app = pair
    activate(proposed)

    with django_capture_on_commit_callbacks(execute=True):
        mentorship_end(mentorship=proposed, ended_by=proposed.mentee, reason="We never clicked.")

    proposed.refresh_from_db()
    assert proposed.status == Mentorship.Status.ENDED
    assert proposed.ended_by == proposed.mentee
    assert proposed.ended_at is not None
    assert proposed.end_reason == "We never clicked."
    assert status_of(mentee_app) == status_of(mentor_app) == APPROVED
    assert list(mentee_pool(scheme)) == [mentee_app]
    assert (mentee_app.user_id, mentor_app.user_id) in scheme_rules(scheme).tried_pairs
    (to_mentor,) = messages_to(proposed.mentor.email)
    assert "has ended" in to_mentor.subject
    assert "never clicked" not in to_mentor.body
    (to_coordinator,) = messages_to(coordinator.email)
    assert f"The mentee, {proposed.mentee.display_name}, ended" in to_coordinator.body
    assert "We never clicked." in to_coordinator.body
    assert messages_to(proposed.mentee.email) == []


def test_a_coordinator_ends_a_mentorship_and_both_people_hear_why(
    coordinator, proposed, django_capture_on_commit_callbacks
):
    activate(proposed)
    with django_capture_on_commit_callbacks(execute=True):
        mentorship_end(mentorship=proposed, ended_by=coordinator, reason="The mentor has left.")

    for person in (proposed.mentee, proposed.mentor):
        (message,) = messages_to(person.email)
        assert "The mentor has left." in message.body
    assert messages_to(coordinator.email) == []  # they did it


def test_a_coordinator_can_withdraw_a_proposed_match(coordinator, pair, proposed):
    mentorship_end(mentorship=proposed, ended_by=coordinator, reason="Wrong pairing.")
    assert status_of(pair[0]) == APPROVED


def test_ending_needs_a_reason(proposed):
    activate(proposed)
    with pytest.raises(ValidationError) as refused:
        mentorship_end(mentorship=proposed, ended_by=proposed.mentor, reason="   ")
    assert refused.value.message_dict == {"reason": ["Please say why the mentorship is ending."]}
    proposed.refresh_from_db()
    assert proposed.status == Mentorship.Status.ACTIVE


def test_only_the_pair_and_the_schemes_coordinators_can_end_it(
    proposed, other_coordinator, outsider, hr_viewer
):
    for person in (other_coordinator, outsider, hr_viewer):
        with pytest.raises(PermissionDenied):
            mentorship_end(mentorship=proposed, ended_by=person, reason="Because.")
    proposed.refresh_from_db()
    assert proposed.status == Mentorship.Status.PROPOSED


def test_a_closed_mentorship_cannot_be_ended(proposed):
    mentorship_decline(mentorship=proposed, user=proposed.mentee)
    with pytest.raises(ValidationError, match="declined"):
        mentorship_end(mentorship=proposed, ended_by=proposed.mentor, reason="Because.")


# --- as each person sees it --------------------------------------------------------------


def test_each_of_the_pair_sees_the_other_and_whose_turn_it_is(proposed):
    mentorship_accept(mentorship=proposed, user=proposed.mentee)

    as_mentee = mentorship_for_viewer(proposed, "mentee")
    as_mentor = mentorship_for_viewer(proposed, "mentor")

    assert (as_mentee.other, as_mentee.other_role) == (proposed.mentor, "mentor")
    assert (as_mentor.other, as_mentor.other_role) == (proposed.mentee, "mentee")
    assert as_mentee.my_response == as_mentor.their_response == Mentorship.Response.ACCEPTED
    assert as_mentor.my_response == as_mentee.their_response == Mentorship.Response.PENDING
    assert (as_mentee.my_turn, as_mentee.can_withdraw) == (False, True)
    assert (as_mentor.my_turn, as_mentor.can_withdraw) == (True, False)
    assert not as_mentee.is_coordinator
    # What is returned is the whole answer: nothing is attached to the mentorship.
    assert not {"viewer_role", "other", "my_turn", "can_withdraw"} & set(vars(proposed))


def test_a_coordinator_sees_the_mentorship_with_no_other_person_and_no_reply(proposed):
    seen = mentorship_for_viewer(proposed, "coordinator")

    assert seen.is_coordinator
    assert seen.other is None
    assert (seen.my_turn, seen.can_withdraw) == (False, False)


def test_nobody_has_a_turn_once_the_time_to_reply_has_passed(pair):
    lapsed = propose(*pair, respond_by=timezone.now() - timedelta(minutes=1))
    assert not mentorship_for_viewer(lapsed, "mentee").my_turn
    assert not mentorship_for_viewer(lapsed, "mentor").can_withdraw


def test_a_persons_open_mentorships_are_seen_from_their_side_in_one_query(
    scheme, pair, mentee, mentor, django_assert_num_queries
):
    mentee_app, mentor_app = pair
    ended = propose(mentee_app, mentor_app)
    mentorship_end(mentorship=ended, ended_by=mentor, reason="Our jobs changed.")
    current = propose(mentee_app, approved_mentor(scheme))
    propose(approved_mentee(scheme), approved_mentor(scheme))  # another pair's

    with django_assert_num_queries(1):
        seen = [
            (item.mentorship, item.role, item.other) for item in open_mentorships_for_user(mentee)
        ]

    assert seen == [(current, "mentee", current.mentor)]
    assert open_mentorships_for_user(mentor) == []
