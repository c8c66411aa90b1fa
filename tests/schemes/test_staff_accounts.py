"""Accounts that see other people's data: two-factor first (``REQUIRE_STAFF_MFA``) and a
shorter session (``STAFF_SESSION_AGE``)."""

import html
import time
from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from schemes.middleware import MFA_REQUIRED_MESSAGE, SESSION_DEADLINE_KEY
from schemes.questionnaire import consent_text
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

EIGHT_HOURS = 8 * 60 * 60
A_WEEK = 7 * 24 * 60 * 60


def _page_text(response) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


@override_settings(REQUIRE_STAFF_MFA=True)
@pytest.mark.parametrize(
    ("role", "page"),
    [
        ("coordinator", reverse("scheme", kwargs={"slug": "council"})),
        ("hr_viewer", reverse("dashboard:reports")),
        ("site_admin", "/admin/"),
    ],
)
def test_with_the_requirement_on_a_staff_role_sets_up_two_factor_first(
    client, request, scheme, role, page
):
    client.force_login(request.getfixturevalue(role))

    response = client.get(page)
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")

    response = client.get(page, follow=True)
    assert MFA_REQUIRED_MESSAGE in _page_text(response)


@override_settings(REQUIRE_STAFF_MFA=True)
def test_before_two_factor_the_account_pages_sign_out_and_static_files_stay_open(
    client, coordinator
):
    client.force_login(coordinator)
    for name in ("mfa_activate_totp", "mfa_index", "account_email", "account_logout"):
        response = client.get(reverse(name))
        # The set-up page may first ask for the password again (allauth's own page).
        assert response.status_code == 200 or response.url.startswith("/accounts/"), name
    assert client.get("/static/css/site.css").status_code == 200
    assert client.get(reverse("health")).status_code == 200


@override_settings(REQUIRE_STAFF_MFA=True)
def test_with_two_factor_on_a_staff_role_reaches_its_pages(client, coordinator):
    TOTP.activate(coordinator, generate_totp_secret())
    client.force_login(coordinator)
    assert client.get(reverse("scheme", kwargs={"slug": "council"})).status_code == 200


@override_settings(REQUIRE_STAFF_MFA=True)
def test_the_requirement_leaves_participants_alone(client, mentee):
    client.force_login(mentee)
    assert client.get(reverse("scheme", kwargs={"slug": "council"})).status_code == 200


def test_with_the_requirement_off_a_staff_role_needs_no_second_factor(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("scheme", kwargs={"slug": "council"})).status_code == 200


@pytest.mark.parametrize("role", ["coordinator", "hr_viewer", "site_admin"])
def test_a_staff_roles_session_lasts_a_working_day(client, request, scheme, role):
    client.force_login(request.getfixturevalue(role))
    assert EIGHT_HOURS - 60 < client.session.get_expiry_age() <= EIGHT_HOURS


@pytest.mark.parametrize("role", ["mentee", "mentor", "outsider"])
def test_everyone_elses_session_lasts_a_week(client, request, scheme, role):
    client.force_login(request.getfixturevalue(role))
    assert SESSION_DEADLINE_KEY not in client.session
    assert client.session.get_expiry_age() == A_WEEK


@override_settings(STAFF_SESSION_AGE=60 * 60)
def test_the_staff_session_length_is_a_setting(client, coordinator):
    client.force_login(coordinator)
    assert 60 * 60 - 60 < client.session.get_expiry_age() <= 60 * 60


def test_remember_me_does_not_lengthen_a_staff_session(client, coordinator):
    # allauth sets "remember me" to the full SESSION_COOKIE_AGE after signing in; the
    # next page cuts it back to the staff deadline.
    response = client.post(
        reverse("account_login"),
        {"login": coordinator.email, "password": PASSWORD, "remember": "on"},
    )
    assert response.status_code == 302
    client.get(response.url)
    assert client.session.get_expiry_date() <= timezone.now() + timedelta(seconds=EIGHT_HOURS)


def test_a_staff_session_ends_at_its_deadline(client, coordinator, monkeypatch):
    client.force_login(coordinator)
    page = reverse("scheme", kwargs={"slug": "council"})
    assert client.get(page).status_code == 200

    later = time.time() + EIGHT_HOURS + 1
    monkeypatch.setattr("schemes.middleware.time.time", lambda: later)
    response = client.get(page)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    response = client.get(response.url)
    assert "a session lasts 8 hours. Please sign in again." in _page_text(response)


def test_the_consent_names_everyone_who_can_read_the_answers(scheme):
    # Coordinators (the review pages) and site administrators (the admin) read every
    # answer; the matched partner sees who the person is, and a mentor the goal-setting
    # answers their mentee chooses to share.
    text = consent_text(scheme)
    assert "seen by the scheme's coordinators and by the site's administrators" in text
    assert "the person I am matched with sees my name" in text
    assert "only if the mentee chooses to share them" in text
