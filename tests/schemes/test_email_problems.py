"""Failed e-mails where coordinators see their invitation, decision or match, with
"Send again"."""

import pytest
from django.core import mail
from django.urls import reverse

from matching.services.mentorship_emails import MENTORSHIP_EMAIL
from mentoring.models import OutboxMessage
from schemes.services.applications import APPLICATION_EMAIL
from tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db


def failed(handler, payload, subject_type, subject_id, scheme_id, **state) -> OutboxMessage:
    """An outbox e-mail the mail server kept refusing (or, with ``state``, one in
    another state)."""
    state = {
        "status": OutboxMessage.Status.FAILED,
        "attempts": 7,
        "last_error": "SMTPServerDisconnected: Connection unexpectedly closed",
        **state,
    }
    return OutboxMessage.objects.create(
        handler=handler,
        payload=payload,
        subject_type=subject_type,
        subject_id=subject_id,
        scheme_id=scheme_id,
        **state,
    )


def test_the_invitations_list_shows_a_failed_email_with_send_again(
    client, coordinator, failed_email
):
    client.force_login(coordinator)
    page = client.get(reverse("schemes:invitations", args=["council"]))
    html = page.content.decode()
    assert "E-mail not sent." in html
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in html
    assert reverse("schemes:email_resend", args=["council", failed_email.pk]) in html
    assert "Not sent yet" not in html


def test_send_again_sends_the_invitation_once_and_returns_to_the_list(
    client, coordinator, invitation, failed_email, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    back = reverse("schemes:invitations", args=["council"]) + "?state=pending"
    url = reverse("schemes:email_resend", args=["council", failed_email.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"next": back})
    assert response.status_code == 302
    assert response.url == back
    # A second click (a double submit) finds nothing left to send.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, {"next": back}, follow=True)

    assert [m.to for m in mail.outbox] == [[invitation.email]]
    failed_email.refresh_from_db()
    assert failed_email.status == OutboxMessage.Status.SENT
    assert "nothing to send again" in again.content.decode()
    assert "E-mail not sent." not in again.content.decode()


def test_send_again_never_leaves_the_site(
    client, coordinator, failed_email, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    url = reverse("schemes:email_resend", args=["council", failed_email.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"next": "https://evil.example.org/"})
    assert response.url == reverse("scheme", args=["council"])


@pytest.mark.parametrize("role", ["outsider", "mentee", "other_coordinator", "hr_viewer"])
def test_only_the_schemes_coordinators_can_send_again(client, request, role, failed_email):
    client.force_login(request.getfixturevalue(role))
    url = reverse("schemes:email_resend", args=["council", failed_email.pk])
    assert client.post(url).status_code == 404
    failed_email.refresh_from_db()
    assert failed_email.status == OutboxMessage.Status.FAILED
    assert mail.outbox == []


def test_another_schemes_coordinator_cannot_resend_it_through_their_own_scheme(
    client, other_coordinator, failed_email
):
    client.force_login(other_coordinator)
    url = reverse("schemes:email_resend", args=["another", failed_email.pk])
    assert client.post(url).status_code == 404


def test_the_invitations_list_reads_failures_in_a_fixed_number_of_queries(
    client, scheme, coordinator, django_assert_max_num_queries
):
    client.force_login(coordinator)
    url = reverse("schemes:invitations", args=["council"])

    def add(count):
        for _ in range(count):
            invitation = InvitationFactory(scheme=scheme, invited_by=coordinator)
            failed(
                "schemes.invitation",
                {"invitation_id": invitation.pk},
                "invitation",
                invitation.pk,
                scheme.pk,
            )

    add(2)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert page.content.decode().count("E-mail not sent.") == 22


def test_the_application_shows_a_decision_email_that_failed(
    client, coordinator, mentee_application
):
    row = failed(
        APPLICATION_EMAIL,
        {"application_id": mentee_application.pk, "kind": "decided"},
        "application",
        mentee_application.pk,
        mentee_application.scheme_id,
    )
    client.force_login(coordinator)
    page = client.get(
        reverse("schemes:application_detail", args=["council", mentee_application.pk])
    )
    html = page.content.decode()
    assert "E-mail not sent." in html
    assert reverse("schemes:email_resend", args=["council", row.pk]) in html


def test_a_delayed_email_is_shown_as_retrying_without_send_again(
    client, coordinator, mentee_application
):
    failed(
        APPLICATION_EMAIL,
        {"application_id": mentee_application.pk, "kind": "decided"},
        "application",
        mentee_application.pk,
        mentee_application.scheme_id,
        status=OutboxMessage.Status.PENDING,
        attempts=2,
        last_error="SMTPConnectError: (421, 'try later')",
    )
    client.force_login(coordinator)
    html = client.get(
        reverse("schemes:application_detail", args=["council", mentee_application.pk])
    ).content.decode()
    assert "E-mail delayed." in html
    assert "tried again automatically" in html
    assert "Send again" not in html


def test_the_mentorship_pages_show_a_match_email_that_failed(
    client, coordinator, mentee, mentorship
):
    row = failed(
        MENTORSHIP_EMAIL,
        {"mentorship_id": mentorship.pk, "event": "proposed"},
        "mentorship",
        mentorship.pk,
        mentorship.scheme_id,
    )
    resend = reverse("schemes:email_resend", args=["council", row.pk])
    client.force_login(coordinator)
    listing = client.get(reverse("matching:scheme_mentorships", args=["council"])).content.decode()
    detail = client.get(mentorship.get_absolute_url()).content.decode()
    assert "E-mail not sent." in listing and resend in listing
    assert "E-mail not sent." in detail and resend in detail
    # The pair do not see the coordinators' troubles.
    client.force_login(mentee)
    assert "E-mail not sent." not in client.get(mentorship.get_absolute_url()).content.decode()
