import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core import mail

from mentoring.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

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


def _current_totp_code(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def test_with_two_factor_on_a_password_alone_does_not_sign_in(client):
    user = UserFactory(email="sam@example.org")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)

    response = client.post("/accounts/login/", {"login": "sam@example.org", "password": PASSWORD})
    assert response.url == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session

    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert "_auth_user_id" not in client.session

    response = client.post("/accounts/2fa/authenticate/", {"code": _current_totp_code(secret)})
    assert response.url == "/"
    assert client.session["_auth_user_id"] == str(user.pk)
