"""The coordinator's invitation pages, the page an invitation's link opens, and a
scheme's open application link, as each person sees them."""

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentoring.models import User
from schemes.models import Application, Invitation, Membership, Role
from tests.factories import PASSWORD, ApplicationFactory, InvitationFactory, UserFactory
from tests.html import Page, assert_accessible_page

pytestmark = pytest.mark.django_db

LIST = reverse("schemes:invitations", kwargs={"slug": "council"})
UPLOAD = reverse("schemes:invitations_upload", kwargs={"slug": "council"})


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def _csv(text: str, name: str = "people.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


@pytest.fixture
def as_coordinator(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def invitee(db):
    """The person the ``invitation`` fixture was sent to, with an account."""
    return UserFactory(email="invitee@example.org", name="Ivy Invitee")


# --- the list and single invitations --------------------------------------------------------


def test_coordinator_sees_each_invitation_with_its_state_and_the_counts(
    as_coordinator, scheme, invitation
):
    InvitationFactory(scheme=scheme, email="gone@example.org", status=Invitation.Status.REVOKED)
    InvitationFactory(
        scheme=scheme, email="late@example.org", expires_at=timezone.now() - timedelta(days=1)
    )
    InvitationFactory(scheme=scheme, email="in@example.org", status=Invitation.Status.ACCEPTED)
    response = as_coordinator.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    for email in ("invitee@example.org", "gone@example.org", "late@example.org", "in@example.org"):
        assert email in html
    counts = {label: count for _, label, count in response.context["filters"]}
    assert counts == {"All": 4, "Pending": 1, "Accepted": 1, "Revoked": 1, "Expired": 1}
    resend = reverse("schemes:invitation_resend", kwargs={"slug": "council", "pk": invitation.pk})
    assert f'action="{resend}"' in html
    assert_accessible_page(Page(html))


def test_the_list_can_be_filtered_by_state(as_coordinator, scheme, invitation):
    InvitationFactory(
        scheme=scheme, email="late@example.org", expires_at=timezone.now() - timedelta(days=1)
    )
    response = as_coordinator.get(LIST, {"state": "expired"})
    html = response.content.decode()
    assert "late@example.org" in html
    assert "invitee@example.org" not in html
    # An expired invitation can be resent but there is nothing left to revoke.
    assert "Resend" in html and "Revoke<" not in html


def test_an_empty_list_says_what_to_do(as_coordinator):
    response = as_coordinator.get(LIST)
    assert "No one has been invited yet" in response.content.decode()


def test_the_list_is_paginated_with_a_constant_number_of_queries(
    as_coordinator, scheme, coordinator, django_assert_max_num_queries
):
    InvitationFactory.create_batch(120, scheme=scheme, invited_by=coordinator)
    with django_assert_max_num_queries(10):
        response = as_coordinator.get(LIST)
    assert len(response.context["page"].object_list) == 50
    with django_assert_max_num_queries(10):
        response = as_coordinator.get(LIST, {"page": 3})
    assert len(response.context["page"].object_list) == 20
    assert "Page 3 of 3" in response.content.decode()


def test_coordinator_invites_one_person(
    as_coordinator, scheme, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_coordinator.post(
            LIST, {"name": "Asha Patel", "email": "Asha@Example.org", "role": "mentor"}
        )
    assert response.status_code == 302 and response.url == LIST
    invitation = Invitation.objects.get(scheme=scheme)
    assert (invitation.email, invitation.role, invitation.name) == (
        "asha@example.org",
        Role.MENTOR,
        "Asha Patel",
    )
    assert invitation.invited_by == coordinator
    assert _messages(response)[0].startswith(
        "Invitation to asha@example.org saved: the e-mail with the link is on its way."
    )
    assert [message.to for message in mail.outbox] == [["asha@example.org"]]


def test_an_invitation_refused_by_the_service_shows_beside_the_email_with_the_values_kept(
    as_coordinator, scheme, invitation
):
    response = as_coordinator.post(
        LIST, {"name": "Ivy Again", "email": "invitee@example.org", "role": "mentee"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        "email": ["invitee@example.org: already invited as a mentee."],
    }
    page = Page(response.content.decode())
    assert page.find("id_email")["value"] == "invitee@example.org"
    assert page.find("id_email")["aria-invalid"] == "true"
    assert page.find("id_name")["value"] == "Ivy Again"
    assert scheme.invitations.count() == 1


def test_a_malformed_address_is_refused_by_the_form(as_coordinator, scheme):
    response = as_coordinator.post(LIST, {"name": "", "email": "nope", "role": "mentee"})
    assert "email" in response.context["form"].errors
    assert not scheme.invitations.exists()


# --- the CSV upload -------------------------------------------------------------------------


def test_the_upload_page_explains_the_format(as_coordinator):
    response = as_coordinator.get(UPLOAD)
    html = response.content.decode()
    assert 'type="file"' in html
    assert "name,email,role" in html
    assert "<code>coordinator</code>" in html


def test_coordinator_sees_rejected_rows_with_reasons_and_nothing_is_invited(
    as_coordinator, scheme, mentor
):
    text = (
        "name,email,role\n"
        "Asha Patel,asha@example.org,mentee\n"
        "Bad Row,not-an-address,mentee\n"
        "Mentor Again,mentor@example.org,mentor\n"
    )
    response = as_coordinator.post(UPLOAD, {"step": "preview", "file": _csv(text)})
    assert response.status_code == 200
    html = response.content.decode()
    assert_accessible_page(Page(html))
    assert "Send 1 invitation<" in html
    assert "asha@example.org" in html
    assert "Not a valid e-mail address" in html
    assert "Already a mentor in this scheme" in html
    assert "Bad Row, not-an-address, mentee" in html
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_the_preview_posts_the_file_back_to_be_confirmed(as_coordinator):
    text = "\ufeffAsha,asha@example.org,mentee\r\nTom,tom@example.org,mentor\r\n"
    response = as_coordinator.post(
        UPLOAD, {"step": "preview", "file": _csv(text, encoding="utf-8")}
    )
    page = Page(response.content.decode())
    hidden = page.find("id_csv_text")
    assert hidden["type"] == "hidden"
    assert "tom@example.org,mentor" in hidden["value"]
    assert "Send 2 invitations" in page.html


def test_confirming_invites_every_valid_row(
    as_coordinator, scheme, django_capture_on_commit_callbacks
):
    text = "Asha,asha@example.org,mentee\nTom,tom@example.org,mentor\nBad,nope,mentee\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = as_coordinator.post(UPLOAD, {"step": "confirm", "csv_text": text})
    assert response.status_code == 302 and response.url == LIST
    assert _messages(response) == ["2 invitations sent."]
    assert set(scheme.invitations.values_list("email", flat=True)) == {
        "asha@example.org",
        "tom@example.org",
    }
    assert len(mail.outbox) == 2


def test_confirming_a_list_that_is_no_longer_valid_invites_nobody(
    as_coordinator, scheme, invitation
):
    response = as_coordinator.post(
        UPLOAD, {"step": "confirm", "csv_text": "Ivy,invitee@example.org,mentee"}
    )
    assert response.url == UPLOAD
    assert "No row of the file can be invited." in _messages(response)[0]
    assert scheme.invitations.count() == 1


def test_a_file_with_no_valid_row_offers_only_another_upload(as_coordinator):
    response = as_coordinator.post(UPLOAD, {"step": "preview", "file": _csv("X,nope,mentee\n")})
    html = response.content.decode()
    assert "Nobody in this file can be invited" in html
    assert 'name="step" value="confirm"' not in html
    assert "Upload another file" in html


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (_csv("Zoë,zoe@example.org,mentee", encoding="latin-1"), "The file is not UTF-8 text."),
        (
            SimpleUploadedFile("big.csv", b"a,b@example.org,mentee\n" * 50_000),
            "The file is larger than 1 MB.",
        ),
        (_csv("name,email\nAsha,asha@example.org"), "The header has no role column."),
        (_csv(""), "The file is empty"),
    ],
    ids=["not-utf-8", "too-big", "whole-file-error", "empty"],
)
def test_a_file_that_cannot_be_read_is_explained_beside_the_field(as_coordinator, upload, message):
    response = as_coordinator.post(UPLOAD, {"step": "preview", "file": upload})
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert errors[0].startswith(message)
    page = Page(response.content.decode())
    assert page.find("id_file")["aria-invalid"] == "true"
    assert not Invitation.objects.exists()


# --- resend and revoke ----------------------------------------------------------------------


def test_coordinator_resends_an_invitation(
    as_coordinator, invitation, django_capture_on_commit_callbacks
):
    invitation.expires_at = timezone.now() - timedelta(days=1)
    invitation.save()
    url = reverse("schemes:invitation_resend", kwargs={"slug": "council", "pk": invitation.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = as_coordinator.post(url, {"state": "expired"})
    assert response.url == f"{LIST}?state=expired"
    invitation.refresh_from_db()
    assert invitation.is_usable and invitation.send_count == 1
    assert _messages(response)[0].startswith(
        "Invitation to invitee@example.org sent again: the e-mail is on its way."
    )
    assert [message.to for message in mail.outbox] == [["invitee@example.org"]]


def test_coordinator_revokes_an_invitation(as_coordinator, invitation):
    url = reverse("schemes:invitation_revoke", kwargs={"slug": "council", "pk": invitation.pk})
    response = as_coordinator.post(url)
    assert response.url == LIST
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED
    response = as_coordinator.post(url)
    assert _messages(response)[-1] == "This invitation is revoked: it cannot be revoked."


def test_another_schemes_invitation_cannot_be_resent_or_revoked(as_coordinator, other_scheme):
    theirs = InvitationFactory(scheme=other_scheme)
    for name in ("schemes:invitation_resend", "schemes:invitation_revoke"):
        url = reverse(name, kwargs={"slug": "council", "pk": theirs.pk})
        assert as_coordinator.post(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Invitation.Status.PENDING


# --- the invitation's link ------------------------------------------------------------------


def test_anonymous_person_sees_the_invitation_with_sign_up_and_sign_in(client, invitation):
    url = invitation.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "You are invited to Council staff mentoring as a mentee" in html
    assert "A scheme for testing." in html
    signup = (
        reverse("account_signup") + "?" + urlencode({"next": url, "email": "invitee@example.org"})
    )
    login = reverse("account_login") + "?" + urlencode({"next": url})
    links = {attrs.get("href"): text for attrs, text in Page(html).links}
    assert links[signup] == "Sign up"
    assert links[login] == "I have an account: sign in"
    assert client.session["account_verified_email"] == "invitee@example.org"


def test_an_unknown_invitation_is_not_found(client):
    response = client.get(reverse("schemes:invitation", kwargs={"token": "nope"}))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": Invitation.Status.REVOKED}, "withdrawn by the scheme&#x27;s coordinators"),
        ({"expires_at": timezone.now() - timedelta(hours=1)}, "This invitation has expired"),
        ({"status": Invitation.Status.ACCEPTED}, "already been used"),
    ],
    ids=["revoked", "expired", "used"],
)
def test_a_link_that_no_longer_works_says_why_and_whom_to_ask(
    client, invitation, coordinator, change, message
):
    Invitation.objects.filter(pk=invitation.pk).update(**change)
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 410
    html = response.content.decode()
    assert message in html
    assert coordinator.display_name in html
    assert 'href="mailto:coordinator@example.org"' in html
    assert reverse("account_signup") + "?" not in html
    assert "account_verified_email" not in client.session
    assert_accessible_page(Page(html))


def test_an_invitation_used_by_someone_else_cannot_be_accepted(client, invitation, invitee):
    Invitation.objects.filter(pk=invitation.pk).update(
        status=Invitation.Status.ACCEPTED, accepted_by=UserFactory()
    )
    client.force_login(invitee)
    response = client.post(invitation.get_absolute_url())
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert not Application.objects.exists()


def test_the_invited_person_signed_in_sees_an_accept_button(client, invitation, invitee):
    client.force_login(invitee)
    response = client.get(invitation.get_absolute_url())
    html = response.content.decode()
    assert "Accept and start my application" in html
    assert ">Sign up</a>" not in html
    assert_accessible_page(Page(html))


def test_accepting_leads_into_the_first_step_of_the_questionnaire(
    client, scheme, invitation, invitee
):
    client.force_login(invitee)
    response = client.post(invitation.get_absolute_url())
    application = Application.objects.get(scheme=scheme, user=invitee, role=Role.MENTEE)
    assert response.url == reverse(
        "schemes:questionnaire_step", kwargs={"pk": application.pk, "step": "about"}
    )
    assert application.invitation == invitation
    assert _messages(response)[0].startswith("Welcome to Council staff mentoring.")


def test_accepting_again_resumes_where_the_person_stopped(client, scheme, invitation, invitee):
    client.force_login(invitee)
    client.post(invitation.get_absolute_url())
    application = Application.objects.get(user=invitee)
    application.last_step = "work"
    application.save()
    response = client.get(invitation.get_absolute_url())
    assert "Carry on with my application" in response.content.decode()
    response = client.post(invitation.get_absolute_url())
    assert response.url == reverse(
        "schemes:questionnaire_step", kwargs={"pk": application.pk, "step": "preferences"}
    )


def test_a_finished_draft_leads_to_the_application_page(client, scheme, invitee):
    application = ApplicationFactory(scheme=scheme, user=invitee, role=Role.MENTOR, complete=True)
    invitation = InvitationFactory(scheme=scheme, email=invitee.email, role=Role.MENTOR)
    client.force_login(invitee)
    response = client.post(invitation.get_absolute_url())
    assert response.url == reverse("schemes:application", kwargs={"pk": application.pk})


def test_a_coordinator_invitation_makes_the_person_a_coordinator(client, scheme):
    person = UserFactory(email="grace@example.org")
    invitation = InvitationFactory(scheme=scheme, email=person.email, role=Role.COORDINATOR)
    client.force_login(person)
    assert (
        "Accept and become a coordinator"
        in client.get(invitation.get_absolute_url()).content.decode()
    )
    response = client.post(invitation.get_absolute_url())
    assert response.url == reverse("scheme", kwargs={"slug": "council"})
    assert Membership.objects.filter(scheme=scheme, user=person, role=Role.COORDINATOR).exists()
    assert _messages(response) == ["You are now a coordinator of Council staff mentoring."]


def test_someone_signed_in_with_another_address_is_told_how_to_use_the_invitation(
    client, invitation, outsider
):
    client.force_login(outsider)
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "This invitation was sent to invitee@example.org" in html
    assert "Sign out and use invitee@example.org" in html
    assert "Accept and start my application" not in html
    response = client.post(invitation.get_absolute_url())
    assert "This invitation was sent to invitee@example.org" in response.content.decode()
    assert not Application.objects.exists()


def test_accepting_when_applications_are_closed_shows_why_on_the_page(
    client, scheme, invitation, invitee
):
    scheme.status = scheme.Status.CLOSED
    scheme.save()
    client.force_login(invitee)
    response = client.post(invitation.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Council staff mentoring is not taking applications at the moment." in html
    assert 'href="/my-schemes/">Go to my schemes</a>' in html
    assert "Sign out and use" not in html
    assert not Application.objects.exists()


def test_accepting_anonymously_asks_to_sign_in(client, invitation):
    response = client.post(invitation.get_absolute_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_sign_up_from_the_invitation_needs_no_verification_and_comes_back(
    client, invitation, django_capture_on_commit_callbacks
):
    url = invitation.get_absolute_url()
    client.get(url)
    signup = reverse("account_signup") + "?" + urlencode({"next": url, "email": invitation.email})
    form_page = Page(client.get(signup).content.decode())
    assert form_page.find("id_email")["value"] == "invitee@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            signup,
            {
                "name": "Ivy Invitee",
                "email": "invitee@example.org",
                "password1": "a-long-enough-passphrase",
                "password2": "a-long-enough-passphrase",
                "next": url,
            },
        )
    assert response.status_code == 302
    assert response.url == url
    user = User.objects.get(email="invitee@example.org")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert EmailAddress.objects.get(user=user).verified
    # No "confirm your address" e-mail: only the welcome.
    assert [message.subject for message in mail.outbox] == ["[Mentoring] Welcome to Mentoring"]
    assert "You created it to take part in Council staff mentoring." in mail.outbox[0].body
    response = client.get(url)
    assert "Accept and start my application" in response.content.decode()


def test_signing_in_from_the_invitation_comes_back_to_it(client, invitation, invitee):
    url = invitation.get_absolute_url()
    response = client.post(
        reverse("account_login") + "?" + urlencode({"next": url}),
        {"login": "invitee@example.org", "password": PASSWORD},
    )
    assert response.url == url
    assert "Accept and start my application" in client.get(url).content.decode()


# Account e-mails leave through the outbox on commit: this test commits.
@pytest.mark.django_db(transaction=True)
def test_sign_up_with_another_address_after_opening_an_invitation_must_confirm_it(
    client, invitation
):
    client.get(invitation.get_absolute_url())
    response = client.post(
        reverse("account_signup") + "?" + urlencode({"next": invitation.get_absolute_url()}),
        {
            "name": "Someone Else",
            "email": "someone.else@example.org",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    user = User.objects.get(email="someone.else@example.org")
    # The invited address is not taken over by a forwarded link.
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified")) == [
        ("someone.else@example.org", False)
    ]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


# --- the open application link --------------------------------------------------------------


def _open_url(token):
    return reverse("schemes:open_apply", kwargs={"token": token})


def test_anonymous_person_on_the_open_link_is_asked_to_sign_up_or_sign_in(client, open_link):
    url = _open_url(open_link)
    response = client.get(url)
    html = response.content.decode()
    assert "Apply to Council staff mentoring" in html
    assert "A scheme for testing." in html
    links = {attrs.get("href"): text for attrs, text in Page(html).links}
    assert links[reverse("account_signup") + "?" + urlencode({"next": url})] == "Sign up"
    assert links[reverse("account_login") + "?" + urlencode({"next": url})] == (
        "I have an account: sign in"
    )
    assert "account_verified_email" not in client.session


def _sign_up_from(client, url, email="olu@example.org"):
    client.get(url)
    return client.post(
        reverse("account_signup") + "?" + urlencode({"next": url}),
        {
            "name": "Olu O'Brien",
            "email": email,
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
            "next": url,
        },
    )


def _confirmation_url(email):
    message = next(m for m in reversed(mail.outbox) if m.to == [email])
    return re.search(r"/accounts/confirm-email/\S+/", message.body).group(0)


# Account e-mails leave through the outbox on commit: this test commits.
@pytest.mark.django_db(transaction=True)
def test_the_open_link_is_found_again_when_the_address_is_confirmed_elsewhere(
    client, open_link, django_capture_on_commit_callbacks
):
    url = _open_url(open_link)
    response = _sign_up_from(client, url)
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="olu@example.org")
    assert (user.signup_next, user.signup_for) == (url, "Council staff mentoring")

    # Another browser or device: no session of the sign-up at all.
    elsewhere = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = elsewhere.post(_confirmation_url("olu@example.org"))
    login = reverse("account_login") + "?" + urlencode({"next": url})
    assert response.url == login
    assert EmailAddress.objects.get(user=user).verified
    response = elsewhere.post(
        login, {"login": "olu@example.org", "password": "a-long-enough-passphrase"}
    )
    assert response.url == url
    assert "Apply as a mentee" in elsewhere.get(url).content.decode()

    welcome = mail.outbox[-1]
    assert welcome.subject == "[Mentoring] Welcome to Mentoring"
    assert "You created it to take part in Council staff mentoring." in welcome.body
    assert f"{settings.SITE_URL}{url}" in welcome.body
    assert "invite" not in welcome.body


# Account e-mails leave through the outbox on commit: this test commits.
@pytest.mark.django_db(transaction=True)
def test_a_later_address_change_does_not_lead_back_to_the_open_link(client, open_link):
    url = _open_url(open_link)
    _sign_up_from(client, url)
    user = User.objects.get(email="olu@example.org")
    client.post(_confirmation_url("olu@example.org"))  # the same browser: signed in
    assert client.session["_auth_user_id"] == str(user.pk)
    second = EmailAddress.objects.create(user=user, email="olu.new@example.org")
    key = EmailConfirmationHMAC(second).key
    response = client.post(reverse("account_confirm_email", args=[key]))
    assert url not in response.url


def test_signing_up_from_elsewhere_after_seeing_the_open_link_keeps_no_destination(
    client, open_link
):
    client.get(_open_url(open_link))
    client.post(
        reverse("account_signup"),
        {
            "name": "Pat Person",
            "email": "pat@example.org",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )
    user = User.objects.get(email="pat@example.org")
    assert (user.signup_next, user.signup_for) == ("", "")


def test_a_turned_off_open_link_is_not_found(client, scheme, open_link, outsider):
    scheme.open_link_token = None
    scheme.save()
    client.force_login(outsider)
    assert client.get(_open_url(open_link)).status_code == 404


@pytest.mark.parametrize("role", [Role.MENTEE, Role.MENTOR])
def test_signed_in_person_applies_from_the_open_link(client, scheme, open_link, outsider, role):
    client.force_login(outsider)
    html = client.get(_open_url(open_link)).content.decode()
    assert "Apply as a mentee" in html and "Apply as a mentor" in html
    response = client.post(_open_url(open_link), {"role": role})
    application = Application.objects.get(scheme=scheme, user=outsider)
    assert application.role == role and application.status == Application.Status.DRAFT
    assert response.url == reverse(
        "schemes:questionnaire_step", kwargs={"pk": application.pk, "step": "about"}
    )


def test_the_open_link_resumes_a_draft(client, scheme, open_link, outsider):
    draft = ApplicationFactory(scheme=scheme, user=outsider, role=Role.MENTEE, last_step="about")
    client.force_login(outsider)
    assert (
        "Carry on with my mentee application" in client.get(_open_url(open_link)).content.decode()
    )
    response = client.post(_open_url(open_link), {"role": "mentee"})
    assert response.url == reverse(
        "schemes:questionnaire_step", kwargs={"pk": draft.pk, "step": "work"}
    )
    assert Application.objects.count() == 1


def test_applying_twice_from_the_open_link_is_explained(
    client, open_link, mentee, mentee_application
):
    client.force_login(mentee)
    html = client.get(_open_url(open_link)).content.decode()
    assert "You applied as a mentee (submitted)" in html
    response = client.post(_open_url(open_link), {"role": "mentee"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "You have already applied to Council staff mentoring as a mentee." in html
    assert reverse("schemes:my_schemes") in html


def test_the_open_link_outside_the_window_says_so(client, scheme, open_link, outsider):
    scheme.applications_close_on = timezone.localdate() - timedelta(days=1)
    scheme.applications_open_on = scheme.applications_close_on - timedelta(days=30)
    scheme.save()
    client.force_login(outsider)
    html = client.get(_open_url(open_link)).content.decode()
    assert "Applications to Council staff mentoring closed on" in html
    assert "Apply as a mentee" not in html
    response = client.post(_open_url(open_link), {"role": "mentor"})
    assert "closed on" in response.content.decode()
    assert not Application.objects.exists()


def test_the_open_link_refuses_an_unknown_role(client, open_link, outsider):
    client.force_login(outsider)
    response = client.post(_open_url(open_link), {"role": "coordinator"})
    assert "Choose whether you are applying as a mentee or as a mentor." in (
        response.content.decode()
    )
    assert not Application.objects.exists()
