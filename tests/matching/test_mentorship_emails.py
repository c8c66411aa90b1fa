"""The e-mails of a mentorship's events: who is told of each, and nothing stale."""

import pytest
from django.core import mail
from django.utils import timezone

from matching.models import Mentorship
from matching.services.mentorship_emails import (
    COORDINATOR_EVENTS,
    EVENT_STATUS,
    MENTORSHIP_EMAIL,
    mentorship_email_send,
)
from mentoring.models import OutboxMessage
from mentoring.outbox import outbox_add, outbox_deliver
from schemes.models import Role
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def moved_to(mentorship, status, **fields) -> Mentorship:
    Mentorship.objects.filter(pk=mentorship.pk).update(status=status, **fields)
    mentorship.refresh_from_db()
    return mentorship


def test_a_proposed_match_is_sent_to_both_people_with_why_they_were_matched(mentorship):
    assert mentorship_email_send(mentorship_id=mentorship.pk, event="proposed") == 2

    assert recipients() == ["mentee@example.org", "mentor@example.org"]
    to_mentee = next(m for m in mail.outbox if m.to == ["mentee@example.org"])
    assert mentorship.mentor.display_name in to_mentee.subject
    assert "Shares 2 of 3 development areas." in to_mentee.body


def test_a_request_from_a_shortlist_is_sent_to_the_mentor_only(mentorship):
    assert mentorship_email_send(mentorship_id=mentorship.pk, event="requested") == 1

    assert recipients() == ["mentor@example.org"]
    assert "would like you as their mentor" in mail.outbox[0].subject


def test_a_decline_tells_the_other_person_and_the_coordinators(mentorship, coordinator):
    moved_to(
        mentorship,
        Mentorship.Status.DECLINED,
        declined_by=mentorship.mentor,
        decline_reason="I move teams next month.",
    )

    assert mentorship_email_send(mentorship_id=mentorship.pk, event="declined") == 2

    assert recipients() == ["coordinator@example.org", "mentee@example.org"]
    to_coordinator = next(m for m in mail.outbox if m.to == [coordinator.email])
    assert "declined" in to_coordinator.subject
    assert "I move teams next month." in to_coordinator.body


def test_a_coordinator_who_ends_a_mentorship_is_not_told_but_the_others_are(
    mentorship, coordinator, scheme
):
    other = MembershipFactory(
        scheme=scheme, role=Role.COORDINATOR, user__email="second@example.org"
    ).user
    moved_to(
        mentorship,
        Mentorship.Status.ENDED,
        ended_by=coordinator,
        ended_at=timezone.now(),
        end_reason="The mentor has left.",
    )

    assert mentorship_email_send(mentorship_id=mentorship.pk, event="ended") == 3

    assert recipients() == ["mentee@example.org", "mentor@example.org", other.email]
    for message in mail.outbox:
        assert "The mentor has left." in message.body


def test_a_lapse_tells_both_people_and_the_coordinators(mentorship, coordinator):
    moved_to(mentorship, Mentorship.Status.EXPIRED)

    assert mentorship_email_send(mentorship_id=mentorship.pk, event="expired") == 3

    assert recipients() == ["coordinator@example.org", "mentee@example.org", "mentor@example.org"]


def test_a_deactivated_account_is_not_emailed(mentorship, coordinator):
    coordinator.is_active = False
    coordinator.save(update_fields=["is_active"])
    mentorship.mentee.is_active = False
    mentorship.mentee.save(update_fields=["is_active"])
    moved_to(mentorship, Mentorship.Status.EXPIRED)

    assert mentorship_email_send(mentorship_id=mentorship.pk, event="expired") == 1

    assert recipients() == ["mentor@example.org"]


@pytest.mark.parametrize("event", sorted(set(EVENT_STATUS) - {"proposed", "requested"}))
def test_nothing_is_sent_for_a_mentorship_that_has_moved_on(mentorship, coordinator, event):
    # Still proposed: the e-mail of a later event would be stale (or early).
    assert mentorship_email_send(mentorship_id=mentorship.pk, event=event) == 0
    assert mail.outbox == []


def test_nothing_is_sent_for_a_deleted_mentorship(mentorship):
    mentorship_id = mentorship.pk
    mentorship.delete()

    assert mentorship_email_send(mentorship_id=mentorship_id, event="proposed") == 0
    assert mail.outbox == []


def test_a_start_is_sent_to_both_people_and_not_to_the_coordinators(mentorship, coordinator):
    assert "started" not in COORDINATOR_EVENTS
    moved_to(mentorship, Mentorship.Status.ACTIVE, started_at=timezone.now())

    assert mentorship_email_send(mentorship_id=mentorship.pk, event="started") == 2

    assert recipients() == ["mentee@example.org", "mentor@example.org"]
    assert all("has started" in message.subject for message in mail.outbox)


def test_the_outbox_sends_through_the_service(mentorship):
    message = outbox_add(
        handler=MENTORSHIP_EMAIL, payload={"mentorship_id": mentorship.pk, "event": "proposed"}
    )
    assert outbox_deliver(message_id=message.pk) == OutboxMessage.Status.SENT
    assert recipients() == ["mentee@example.org", "mentor@example.org"]
