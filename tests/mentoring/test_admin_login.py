"""The admin is signed in to through allauth: its rate limits, its two-factor step."""

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import override_settings
from django.urls import reverse

from tests.conftest import totp_code
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def staff():
    return UserFactory(email="boss@example.org", is_staff=True, is_superuser=True)


def _sign_in(client, email, password, next_url=ADMIN_LOGIN):
    return client.post(
        reverse("account_login"), {"login": email, "password": password, "next": next_url}
    )


def test_the_admin_sends_a_visitor_to_the_sites_sign_in_page_and_back(client, staff):
    response = client.get("/admin/")
    assert response.url == ADMIN_LOGIN

    response = client.get(ADMIN_LOGIN)
    location = urlsplit(response.url)
    assert location.path == reverse("account_login")
    assert parse_qs(location.query)["next"] == [ADMIN_LOGIN]

    response = _sign_in(client, staff.email, PASSWORD)
    assert response.url == ADMIN_LOGIN
    response = client.get(ADMIN_LOGIN)
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_password_posted_to_the_admins_login_is_never_checked(client, staff):
    response = client.post(
        ADMIN_LOGIN, {"username": staff.email, "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    assert urlsplit(response.url).path == reverse("account_login")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_the_admin_asks_for_the_code_of_an_account_with_two_factor_on(client, staff):
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)

    response = _sign_in(client, staff.email, PASSWORD)
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").url == ADMIN_LOGIN

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.url == ADMIN_LOGIN
    assert client.get("/admin/").status_code == 200


def test_the_admins_sign_in_is_rate_limited(client, staff):
    for _ in range(5):
        response = _sign_in(client, staff.email, "wrong")
        assert "Too many failed login attempts" not in response.text
    response = _sign_in(client, staff.email, PASSWORD)
    assert "Too many failed login attempts" in response.text
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").url == ADMIN_LOGIN


def test_a_signed_in_person_who_is_not_staff_gets_the_admins_refusal(client, outsider):
    client.force_login(outsider)
    assert client.get("/admin/").url == ADMIN_LOGIN

    response = client.get(ADMIN_LOGIN)
    assert response.status_code == 200
    assert "this account cannot use the administration pages" in response.text
    # No password form: nobody signs in here.
    assert 'type="password"' not in response.text

    response = client.post(ADMIN_LOGIN, {"username": "boss@example.org", "password": PASSWORD})
    assert response.url == ADMIN_LOGIN
    assert client.session["_auth_user_id"] == str(outsider.pk)


def test_behind_a_trusted_proxy_the_limit_counts_each_persons_address(client):
    # Ten failures a minute from one address lock that address out, not the proxy's.
    with override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1):
        for n in range(10):
            UserFactory(email=f"p{n}@example.org")
            client.post(
                reverse("account_login"),
                {"login": f"p{n}@example.org", "password": "wrong"},
                HTTP_X_FORWARDED_FOR="203.0.113.7",
            )
        locked = client.post(
            reverse("account_login"),
            {"login": "p0@example.org", "password": PASSWORD},
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
        assert "Too many failed login attempts" in locked.text
        other = client.post(
            reverse("account_login"),
            {"login": "p1@example.org", "password": PASSWORD},
            HTTP_X_FORWARDED_FOR="198.51.100.20",
        )
        assert other.status_code == 302
        assert "_auth_user_id" in client.session
