import re
import smtplib
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone

from mentoring.account_forms import AccountSignupForm
from mentoring.models import OutboxMessage, User
from mentoring.outbox import outbox_sweep
from mentoring.services import ACCOUNT_EMAIL
from tests.conftest import totp_code
from tests.factories import PASSWORD, UserFactory

# Account e-mails leave through the outbox once the transaction commits: these tests
# commit, as a real request does.
pytestmark = pytest.mark.django_db(transaction=True)

SIGNUP = {
    "name": "  Priya   Shah ",
    "email": "priya@example.org",
    "password1": "a-long-enough-passphrase",
    "password2": "a-long-enough-passphrase",
}


def test_sign_up_stores_the_name_and_sends_a_verification_email(client):
    response = client.post("/accounts/signup/", SIGNUP)
    assert response.status_code == 302
    user = User.objects.get(email="priya@example.org")
    assert user.name == "Priya Shah"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_an_unverified_person_cannot_sign_in_until_they_confirm(client):
    client.post("/accounts/signup/", SIGNUP)
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": SIGNUP["email"], "password": SIGNUP["password1"]}
    )
    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session

    link = re.search(r"/accounts/confirm-email/[^/\s]+/", mail.outbox[-1].body).group(0)
    client.post(link)
    assert EmailAddress.objects.get(email=SIGNUP["email"]).verified
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": SIGNUP["email"], "password": SIGNUP["password1"]}
    )
    assert response.url == "/"
    assert client.session["_auth_user_id"] == str(User.objects.get(email=SIGNUP["email"]).pk)


def test_email_is_the_login_whatever_its_case(client):
    UserFactory(email="sam@example.org")
    response = client.post("/accounts/login/", {"login": "SAM@Example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == "/"


def test_signing_up_with_a_taken_address_creates_nothing_and_warns_its_owner(client):
    # Whether an address has an account is not revealed on the page (no enumeration);
    # the owner is told by e-mail instead.
    UserFactory(email="sam@example.org")
    response = client.post("/accounts/signup/", {**SIGNUP, "email": "Sam@Example.org"})
    assert response.status_code == 302
    assert User.objects.filter(email__iexact="sam@example.org").count() == 1
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    assert "already" in mail.outbox[0].body


def test_signing_up_with_a_taken_address_hashes_the_password_as_a_new_account_would(
    client, monkeypatch
):
    # Hashing is most of a sign-up's time: skipping it for a taken address would tell,
    # by the time the answer takes, which addresses have accounts.
    hashed = []
    monkeypatch.setattr(
        "mentoring.account_forms.make_password", lambda password: hashed.append(password)
    )
    UserFactory(email="sam@example.org")
    client.post("/accounts/signup/", {**SIGNUP, "email": "sam@example.org"})
    assert hashed == [SIGNUP["password1"]]


def test_two_sign_ups_with_one_address_at_once_answer_the_second_as_a_taken_address(
    client, monkeypatch
):
    # The other sign-up saved its account after this one checked the address was free.
    UserFactory(email="sam@example.org")
    monkeypatch.setattr(AccountSignupForm, "validate_unique_email", lambda self, email: email)
    response = client.post("/accounts/signup/", {**SIGNUP, "email": "sam@example.org"})
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.filter(email__iexact="sam@example.org").count() == 1
    assert "_auth_user_id" not in client.session
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    assert "already" in mail.outbox[0].body


def test_password_reset_sends_a_link(client):
    UserFactory(email="sam@example.org")
    client.post("/accounts/password/reset/", {"email": "sam@example.org"})
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_repeated_failed_sign_ins_are_rate_limited(client):
    UserFactory(email="sam@example.org")
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": "sam@example.org", "password": "x"})
        assert "Too many failed login attempts" not in response.text
    response = client.post("/accounts/login/", {"login": "sam@example.org", "password": PASSWORD})
    assert "Too many failed login attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_with_two_factor_on_a_password_alone_does_not_sign_in(client):
    user = UserFactory(email="sam@example.org")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)

    response = client.post("/accounts/login/", {"login": "sam@example.org", "password": PASSWORD})
    assert response.url == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session

    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert "_auth_user_id" not in client.session

    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.url == "/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_mail_server_that_is_down_delays_the_sign_up_e_mail_and_loses_nothing(
    client, monkeypatch
):
    def refuse(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("the mail server is down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    response = client.post("/accounts/signup/", SIGNUP)
    assert response.status_code == 302
    user = User.objects.get(email="priya@example.org")
    assert EmailAddress.objects.filter(user=user, verified=False).exists()
    waiting = OutboxMessage.objects.get(handler=ACCOUNT_EMAIL)
    assert waiting.status == OutboxMessage.Status.PENDING
    assert "the mail server is down" in waiting.last_error
    assert mail.outbox == []

    monkeypatch.undo()
    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
        outbox_sweep()
    assert [m.to for m in mail.outbox] == [["priya@example.org"]]
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    waiting.refresh_from_db()
    assert waiting.status == OutboxMessage.Status.SENT
    # The confirmation link does not stay behind in the database once sent.
    assert waiting.payload == {}
