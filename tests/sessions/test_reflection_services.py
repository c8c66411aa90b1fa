"""Reflections, the pulse and the early check: every state change and every refusal."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from matching.models import Mentorship
from mentoring.models import OutboxMessage
from schemes.models import Membership, Role
from sessions.models import MentoringSession, PairingCheck, Pulse, Reflection
from sessions.reflections import QUESTION_SETS
from sessions.services.reflections import (
    PAIRING_EMAIL,
    pairing_check_answer,
    pairing_check_email_send,
    pulse_record,
    reflection_save,
    reflection_share,
)
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def end(mentorship) -> None:
    Mentorship.objects.filter(pk=mentorship.pk).update(
        status=Mentorship.Status.ENDED, ended_at=timezone.now(), end_reason="Moved on"
    )


# --- the question sets ---


def test_each_kind_has_its_questions_and_the_checklist_has_eleven_items_and_a_note():
    assert set(QUESTION_SETS) == set(Reflection.Kind.values)
    assert len(QUESTION_SETS["mentee_before"].questions) == 3
    assert len(QUESTION_SETS["mentee_after"].questions) == 3
    assert len(QUESTION_SETS["mentor_after"].questions) == 3
    checklist = QUESTION_SETS["mentor_checklist"].questions
    assert [q.choice for q in checklist] == [True] * 11 + [False]
    assert checklist[-1].key == "note"


# --- reflections ---


def test_the_mentee_writes_a_private_before_reflection_on_a_planned_session(
    planned_session, mentee
):
    reflection = reflection_save(
        session=planned_session,
        user=mentee,
        kind="mentee_before",
        answers={"last_meeting": "  The stand-up idea  ", "goal_work": ""},
        shared=False,
    )

    assert reflection.author == mentee
    assert reflection.answers == {"last_meeting": "The stand-up idea"}
    assert reflection.shared is False


def test_saving_again_rewrites_the_one_reflection_of_that_kind(held_session, mentor):
    reflection_save(
        session=held_session,
        user=mentor,
        kind="mentor_after",
        answers={"interested": "A"},
        shared=False,
    )
    again = reflection_save(
        session=held_session,
        user=mentor,
        kind="mentor_after",
        answers={"about_myself": "B"},
        shared=True,
    )

    assert Reflection.objects.filter(session=held_session, author=mentor).count() == 1
    again.refresh_from_db()
    assert again.answers == {"about_myself": "B"}
    assert again.shared is True


def test_every_answer_is_optional(held_session, mentee):
    reflection = reflection_save(
        session=held_session, user=mentee, kind="mentee_after", answers={}, shared=False
    )

    assert reflection.pk and reflection.answers == {}


def test_the_checklist_takes_yes_partly_or_no_and_a_note(held_session, mentor):
    reflection = reflection_save(
        session=held_session,
        user=mentor,
        kind="mentor_checklist",
        answers={"rapport": "yes", "ending": "partly", "note": "Slow start"},
        shared=False,
    )
    assert reflection.answers == {"rapport": "yes", "ending": "partly", "note": "Slow start"}

    with pytest.raises(ValidationError) as error:
        reflection_save(
            session=held_session,
            user=mentor,
            kind="mentor_checklist",
            answers={"rapport": "maybe"},
            shared=False,
        )
    assert "rapport" in error.value.message_dict


def test_a_question_the_kind_does_not_ask_is_refused(held_session, mentee):
    with pytest.raises(ValidationError):
        reflection_save(
            session=held_session,
            user=mentee,
            kind="mentee_after",
            answers={"interested": "a mentor's question"},
            shared=False,
        )
    assert not Reflection.objects.exists()


def test_a_person_writes_only_the_kinds_of_their_role(held_session, mentee, mentor):
    with pytest.raises(PermissionDenied):
        reflection_save(
            session=held_session, user=mentee, kind="mentor_after", answers={}, shared=False
        )
    with pytest.raises(PermissionDenied):
        reflection_save(
            session=held_session, user=mentor, kind="mentee_before", answers={}, shared=False
        )


def test_someone_outside_the_pair_writes_no_reflection(held_session, coordinator):
    with pytest.raises(PermissionDenied):
        reflection_save(
            session=held_session, user=coordinator, kind="mentee_after", answers={}, shared=False
        )


def test_an_after_session_reflection_waits_for_the_session_to_be_held(planned_session, mentee):
    with pytest.raises(ValidationError, match="once the session has been held"):
        reflection_save(
            session=planned_session, user=mentee, kind="mentee_after", answers={}, shared=False
        )
    assert not Reflection.objects.exists()


def test_a_before_reflection_can_still_be_written_once_held(held_session, mentee):
    assert reflection_save(
        session=held_session, user=mentee, kind="mentee_before", answers={}, shared=False
    ).pk


@pytest.mark.parametrize("status", ["cancelled", "missed"])
def test_a_cancelled_or_missed_session_takes_no_reflection(planned_session, mentee, status):
    MentoringSession.objects.filter(pk=planned_session.pk).update(
        status=status, cancelled_at=planned_session.starts_at
    )

    with pytest.raises(ValidationError, match=status):
        reflection_save(
            session=planned_session, user=mentee, kind="mentee_before", answers={}, shared=False
        )


def test_an_ended_mentorship_takes_no_new_reflection(held_session, mentee):
    end(held_session.mentorship)

    with pytest.raises(ValidationError, match="ended"):
        reflection_save(
            session=held_session, user=mentee, kind="mentee_after", answers={}, shared=False
        )


def test_an_answer_too_long_is_refused_beside_its_question(held_session, mentee):
    with pytest.raises(ValidationError) as error:
        reflection_save(
            session=held_session,
            user=mentee,
            kind="mentee_after",
            answers={"useful": "x" * 5001},
            shared=False,
        )
    assert "useful" in error.value.message_dict


def test_the_author_shares_and_unshares_a_reflection(held_session, mentee):
    reflection = reflection_save(
        session=held_session, user=mentee, kind="mentee_after", answers={}, shared=False
    )

    reflection_share(reflection=reflection, user=mentee, shared=True)
    reflection.refresh_from_db()
    assert reflection.shared is True
    reflection_share(reflection=reflection, user=mentee, shared=False)
    reflection.refresh_from_db()
    assert reflection.shared is False


def test_only_the_author_shares_a_reflection(held_session, mentee, mentor):
    reflection = reflection_save(
        session=held_session, user=mentee, kind="mentee_after", answers={}, shared=False
    )

    with pytest.raises(PermissionDenied):
        reflection_share(reflection=reflection, user=mentor, shared=True)
    reflection.refresh_from_db()
    assert reflection.shared is False


# --- the pulse ---


def test_each_person_rates_a_held_session_once(held_session, mentee, mentor):
    pulse = pulse_record(session=held_session, user=mentee, usefulness=3)
    pulse_record(session=held_session, user=mentor, usefulness=4)

    assert (pulse.role, pulse.usefulness) == ("mentee", 3)
    with pytest.raises(ValidationError, match="already rated this session 3 of 4"):
        pulse_record(session=held_session, user=mentee, usefulness=1)
    assert Pulse.objects.get(session=held_session, author=mentee).usefulness == 3


def test_a_session_not_held_cannot_be_rated(planned_session, mentee):
    with pytest.raises(ValidationError, match="once it has been held"):
        pulse_record(session=planned_session, user=mentee, usefulness=3)
    assert not Pulse.objects.exists()


@pytest.mark.parametrize("usefulness", [0, 5, -1, 10**9])
def test_a_pulse_outside_1_to_4_is_refused(held_session, mentee, usefulness):
    with pytest.raises(ValidationError):
        pulse_record(session=held_session, user=mentee, usefulness=usefulness)
    assert not Pulse.objects.exists()


def test_only_the_pair_rates_a_session(held_session, coordinator):
    with pytest.raises(PermissionDenied):
        pulse_record(session=held_session, user=coordinator, usefulness=4)


# --- is this pairing working? ---


def test_the_pairing_check_is_asked_only_after_the_first_held_session(
    active_mentorship, planned_session, mentee
):
    with pytest.raises(ValidationError, match="first session"):
        pairing_check_answer(mentorship=active_mentorship, user=mentee, working=True)
    assert not PairingCheck.objects.exists()


def test_a_yes_is_recorded_and_tells_nobody(
    held_session, active_mentorship, mentee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        check = pairing_check_answer(mentorship=active_mentorship, user=mentee, working=True)

    assert (check.role, check.working) == ("mentee", True)
    assert not OutboxMessage.objects.filter(handler=PAIRING_EMAIL).exists()
    assert mail.outbox == []


def test_each_person_answers_once(held_session, active_mentorship, mentee):
    pairing_check_answer(mentorship=active_mentorship, user=mentee, working=True)

    with pytest.raises(ValidationError, match="already answered"):
        pairing_check_answer(mentorship=active_mentorship, user=mentee, working=False)
    assert PairingCheck.objects.get(author=mentee).working is True


def test_a_no_is_emailed_to_the_coordinators_and_never_to_the_other_person(
    held_session,
    active_mentorship,
    mentee,
    mentor,
    coordinator,
    other_coordinator,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    second = MembershipFactory(
        scheme=active_mentorship.scheme, role=Role.COORDINATOR, user__email="second@example.org"
    ).user

    with django_capture_on_commit_callbacks(execute=True):
        pairing_check_answer(mentorship=active_mentorship, user=mentor, working=False)

    recipients = sorted(address for message in mailoutbox for address in message.to)
    assert recipients == sorted([coordinator.email, second.email])
    message = mailoutbox[0]
    assert "mentor" in message.subject
    assert 'answered "no"' in message.body
    assert mentee.email not in recipients and mentor.email not in recipients
    assert other_coordinator.email not in recipients


def test_a_coordinator_who_is_one_of_the_pair_is_not_emailed_the_no(
    held_session,
    active_mentorship,
    mentee,
    mentor,
    coordinator,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    Membership.objects.create(scheme=active_mentorship.scheme, user=mentor, role=Role.COORDINATOR)

    with django_capture_on_commit_callbacks(execute=True):
        pairing_check_answer(mentorship=active_mentorship, user=mentee, working=False)

    assert [m.to for m in mailoutbox] == [[coordinator.email]]


def test_the_email_handler_sends_nothing_for_a_yes_or_a_missing_answer(
    held_session, active_mentorship, mentee, coordinator, mailoutbox
):
    check = pairing_check_answer(mentorship=active_mentorship, user=mentee, working=True)

    assert pairing_check_email_send(check_id=check.pk) == 0
    assert pairing_check_email_send(check_id=999999) == 0
    assert mailoutbox == []


def test_an_ended_mentorship_is_no_longer_asked(held_session, active_mentorship, mentee):
    end(active_mentorship)

    with pytest.raises(ValidationError, match="ended"):
        pairing_check_answer(mentorship=active_mentorship, user=mentee, working=False)
