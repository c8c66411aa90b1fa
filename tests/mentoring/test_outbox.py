"""The transactional outbox: written with the change, sent once, retried, swept, resent."""

import smtplib
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.utils import timezone

from mentoring import outbox
from mentoring.models import OutboxMessage
from mentoring.outbox import (
    BACKOFF,
    MAX_ATTEMPTS,
    outbox_add,
    outbox_deliver,
    outbox_problems,
    outbox_resend,
    outbox_sweep,
)
from mentoring.services import WELCOME
from schemes.services.invitations import INVITATION_EMAIL, invitation_create
from tests.concurrency import at_once, postgresql_only
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FAILING_BACKEND = "tests.mentoring.test_outbox.FailingBackend"


class FailingBackend(EmailBackend):
    """A mail server that drops the connection for the addresses in ``refused`` (all of
    them when it holds "*"), and takes the others."""

    refused: set[str] = set()

    def send_messages(self, messages):
        for message in messages:
            if "*" in self.refused or set(message.to) & self.refused:
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = FAILING_BACKEND
    FailingBackend.refused = {"*"}
    yield FailingBackend
    FailingBackend.refused = set()


@pytest.fixture
def broker_down(monkeypatch):
    """Handing a task to the broker fails, as with Redis stopped."""
    from mentoring.tasks import deliver_outbox_message

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(deliver_outbox_message, "delay", refuse)
    monkeypatch.setattr(outbox, "_broker_down_until", [0.0])


def welcome_row(user) -> OutboxMessage:
    return outbox_add(handler=WELCOME, payload={"user_id": user.pk}, subject=("user", user.pk))


def test_the_row_is_written_with_the_change_or_not_at_all(scheme, coordinator):
    with pytest.raises(RuntimeError), transaction.atomic():
        invitation_create(
            scheme=scheme, email="ann@example.org", role="mentee", invited_by=coordinator
        )
        raise RuntimeError("the request failed after the invitation")
    assert not OutboxMessage.objects.exists()


def test_an_invitation_writes_a_row_its_coordinators_can_find(
    scheme, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            scheme=scheme, email="ann@example.org", role="mentee", invited_by=coordinator
        )
    row = OutboxMessage.objects.get()
    assert (row.handler, row.payload) == (INVITATION_EMAIL, {"invitation_id": invitation.pk})
    assert (row.subject_type, row.subject_id, row.scheme_id) == (
        "invitation",
        invitation.pk,
        scheme.pk,
    )
    assert row.status == OutboxMessage.Status.SENT
    assert [m.to for m in mail.outbox] == [["ann@example.org"]]


def test_a_broker_that_is_down_is_logged_and_the_row_waits(
    scheme, coordinator, broker_down, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            scheme=scheme, email="ann@example.org", role="mentee", invited_by=coordinator
        )
    row = OutboxMessage.objects.get()
    assert row.status == OutboxMessage.Status.PENDING
    assert mail.outbox == []
    assert "the sweep will send it" in caplog.text


def test_delivering_twice_sends_once():
    user = UserFactory()
    row = welcome_row(user)
    assert outbox_deliver(message_id=row.pk) == OutboxMessage.Status.SENT
    assert outbox_deliver(message_id=row.pk) == OutboxMessage.Status.SENT
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.attempts == 1
    assert row.sent_at is not None


def test_a_row_another_worker_holds_is_left_alone():
    row = welcome_row(UserFactory())
    OutboxMessage.objects.filter(pk=row.pk).update(status=OutboxMessage.Status.SENDING)
    assert outbox_deliver(message_id=row.pk) == OutboxMessage.Status.SENDING
    assert mail.outbox == []


def test_a_mail_server_failure_is_retried_later_each_time_then_recorded(mail_server_down):
    row = welcome_row(UserFactory())
    start = timezone.now()
    waits = []
    with time_machine.travel(start, tick=False) as clock:
        for attempt in range(1, MAX_ATTEMPTS):
            assert outbox_deliver(message_id=row.pk) == OutboxMessage.Status.PENDING
            row.refresh_from_db()
            assert row.attempts == attempt
            assert "SMTPServerDisconnected" in row.last_error
            waits.append(row.next_attempt_at - timezone.now())
            # Not before its time: a sweep or a second task leaves it waiting.
            assert outbox_deliver(message_id=row.pk) == OutboxMessage.Status.PENDING
            clock.move_to(row.next_attempt_at)
        assert outbox_deliver(message_id=row.pk) == OutboxMessage.Status.FAILED
    assert waits == list(BACKOFF)
    assert sum(BACKOFF, timedelta()) > timedelta(hours=20)
    row.refresh_from_db()
    assert row.attempts == MAX_ATTEMPTS
    assert row.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert mail.outbox == []


def test_send_again_sends_a_failed_email_once(mail_server_down, django_capture_on_commit_callbacks):
    user = UserFactory()
    row = welcome_row(user)
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=OutboxMessage.Status.FAILED, attempts=MAX_ATTEMPTS, last_error="SMTP down"
    )
    mail_server_down.refused = set()  # the mail server is back

    with django_capture_on_commit_callbacks(execute=True):
        outbox_resend(message=row)
    outbox_sweep()  # a sweep after it finds nothing left to send

    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.SENT
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_send_again_that_fails_again_is_failed_at_once(
    mail_server_down, django_capture_on_commit_callbacks
):
    row = welcome_row(UserFactory())
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=OutboxMessage.Status.FAILED, attempts=MAX_ATTEMPTS, last_error="SMTP down"
    )
    with django_capture_on_commit_callbacks(execute=True):
        outbox_resend(message=row)
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.FAILED


def test_only_a_failed_email_can_be_sent_again():
    from django.core.exceptions import ValidationError

    row = welcome_row(UserFactory())
    with pytest.raises(ValidationError, match="has not failed"):
        outbox_resend(message=row)


def test_a_retry_after_a_failure_part_way_resends_nothing_already_sent(
    mentorship, mail_server_down
):
    from matching.models import Mentorship
    from matching.services.mentorship_emails import MENTORSHIP_EMAIL

    Mentorship.objects.filter(pk=mentorship.pk).update(
        status=Mentorship.Status.ACTIVE, started_at=timezone.now()
    )
    row = outbox_add(
        handler=MENTORSHIP_EMAIL, payload={"mentorship_id": mentorship.pk, "event": "started"}
    )
    # The mail server takes the mentee's message, then drops the mentor's.
    mail_server_down.refused = {mentorship.mentor.email}
    assert outbox_deliver(message_id=row.pk) == OutboxMessage.Status.PENDING
    assert [m.to for m in mail.outbox] == [[mentorship.mentee.email]]

    mail_server_down.refused = set()
    OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert outbox_deliver(message_id=row.pk) == OutboxMessage.Status.SENT
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [mentorship.mentee.email, mentorship.mentor.email]
    )


def test_the_sweep_sends_what_the_broker_lost_and_only_that():
    user, other = UserFactory(), UserFactory()
    lost = welcome_row(user)  # its dispatch never reached a worker
    fresh = welcome_row(other)  # committed a moment ago: its dispatch is on its way
    OutboxMessage.objects.filter(pk=lost.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=3)
    )
    assert outbox_sweep() == 1
    assert [m.to for m in mail.outbox] == [[user.email]]
    fresh.refresh_from_db()
    assert fresh.status == OutboxMessage.Status.PENDING


def test_the_sweep_takes_back_a_row_whose_worker_died_while_sending():
    user = UserFactory()
    row = welcome_row(user)
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=OutboxMessage.Status.SENDING,
        attempts=1,
        claimed_at=timezone.now() - timedelta(hours=1),
        next_attempt_at=timezone.now() - timedelta(hours=1),
    )
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        outbox_sweep()
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.SENT
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_problems_show_a_failure_until_the_same_email_goes(invitation):
    failed = outbox_add(
        handler=INVITATION_EMAIL,
        payload={"invitation_id": invitation.pk},
        subject=("invitation", invitation.pk),
        scheme_id=invitation.scheme_id,
    )
    OutboxMessage.objects.filter(pk=failed.pk).update(
        status=OutboxMessage.Status.FAILED, last_error="SMTP down"
    )
    assert outbox_problems(subject_type="invitation", subject_ids=[invitation.pk]) == {
        invitation.pk: failed
    }

    # The coordinator resends the invitation itself, and that one goes.
    outbox_add(
        handler=INVITATION_EMAIL,
        payload={"invitation_id": invitation.pk},
        subject=("invitation", invitation.pk),
        scheme_id=invitation.scheme_id,
    )
    assert outbox_problems(subject_type="invitation", subject_ids=[invitation.pk]) == {}


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_the_same_row_at_once_send_it_once():
    user = UserFactory()
    # Written straight to the table: outside a transaction, outbox_add would send it now.
    row = OutboxMessage.objects.create(handler=WELCOME, payload={"user_id": user.pk})

    results = at_once([lambda: outbox_deliver(message_id=row.pk)] * 2)

    assert sorted(results) in (["sending", "sent"], ["sent", "sent"])
    assert [m.to for m in mail.outbox] == [[user.email]]
