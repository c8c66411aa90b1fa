import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from mentoring.emails import render_email
from mentoring.models import OutboxMessage
from mentoring.outbox import outbox_add
from mentoring.services import WELCOME, user_welcome_email_send
from mentoring.tasks import deliver_outbox_message
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_welcome_email_has_a_text_and_an_html_part_with_the_site_link(settings):
    settings.SITE_URL = "https://mentoring.example.org"
    user = UserFactory(name="Priya Shah")
    message = render_email(name="welcome", to=[user.email], context={"user": user})
    assert message.subject == "[Mentoring] Welcome to Mentoring"
    assert "Hello Priya," in message.body
    assert "https://mentoring.example.org/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'href="https://mentoring.example.org/"' in html


def test_welcome_task_sends_one_message_to_the_person():
    user = UserFactory()
    message = outbox_add(handler=WELCOME, payload={"user_id": user.pk})
    assert deliver_outbox_message.delay(message.pk).get() == OutboxMessage.Status.SENT
    # Delivered twice (a retry, a second worker): sent once.
    assert deliver_outbox_message.delay(message.pk).get() == OutboxMessage.Status.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]


def test_welcome_task_sends_nothing_for_a_deactivated_account():
    user = UserFactory(is_active=False)
    message = outbox_add(handler=WELCOME, payload={"user_id": user.pk})
    assert deliver_outbox_message.delay(message.pk).get() == OutboxMessage.Status.SENT
    assert mail.outbox == []


def test_welcome_service_sends_the_welcome_to_the_person():
    user = UserFactory(name="Priya Shah")
    assert user_welcome_email_send(user_id=user.pk) is True
    (message,) = mail.outbox
    assert message.to == [user.email]
    assert message.subject == "[Mentoring] Welcome to Mentoring"
    assert "Hello Priya," in message.body


def test_welcome_service_sends_nothing_for_a_deactivated_or_deleted_account():
    user = UserFactory(is_active=False)
    gone = UserFactory()
    gone_id = gone.pk
    gone.delete()
    assert user_welcome_email_send(user_id=user.pk) is False
    assert user_welcome_email_send(user_id=gone_id) is False
    assert mail.outbox == []


def _confirm(client, address):
    from allauth.account.models import EmailConfirmationHMAC

    key = EmailConfirmationHMAC(address).key
    return client.post(f"/accounts/confirm-email/{key}/")


def test_confirming_the_first_address_sends_the_welcome_once(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(verified=False)
    address = EmailAddress.objects.create(user=user, email=user.email, primary=True)
    with django_capture_on_commit_callbacks(execute=True):
        _confirm(client, address)
    address.refresh_from_db()
    assert address.verified
    assert [m.subject for m in mail.outbox] == ["[Mentoring] Welcome to Mentoring"]


def test_confirming_a_second_address_sends_no_second_welcome(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()  # already has a verified address
    second = EmailAddress.objects.create(user=user, email="second@example.org")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        _confirm(client, second)
    second.refresh_from_db()
    assert second.verified
    assert not any("Welcome" in m.subject for m in mail.outbox)
