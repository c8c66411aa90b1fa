"""Accounts that see other people's data: two-factor first (``REQUIRE_STAFF_MFA``), a
shorter session (``STAFF_SESSION_AGE``), and sign-out when idle (``STAFF_IDLE_MINUTES``)."""

import html
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentoring.usersessions import ACTIVITY_KEY
from schemes.middleware import MFA_REQUIRED_MESSAGE, SESSION_DEADLINE_KEY
from schemes.questionnaire import consent_text
from tests.factories import PASSWORD, UserFactory

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
def test_with_the_requirement_on_a_staff_account_that_is_not_a_superuser_is_held_too(client):
    # is_staff alone opens the admin (with the permissions it is given): the same rule.
    client.force_login(UserFactory(email="staff@example.org", is_staff=True))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


@override_settings(REQUIRE_STAFF_MFA=True)
def test_before_two_factor_the_account_pages_sign_out_and_static_files_stay_open(
    client, coordinator
):
    client.force_login(coordinator)
    for name in (
        "mfa_activate_totp",
        "mfa_index",
        "account_email",
        "account_logout",
        "usersessions_list",
        "privacy:privacy",
    ):
        response = client.get(reverse(name))
        # The set-up page may first ask for the password again (allauth's own page).
        assert response.status_code == 200 or response.url.startswith("/accounts/"), name
    assert client.get("/static/css/site.css").status_code == 200
    assert client.get(reverse("health")).status_code == 200
    # A page of someone else's data is not: the set-up comes first.
    response = client.get(reverse("privacy:erasure_requests", kwargs={"slug": "council"}))
    assert response.url == reverse("mfa_activate_totp")


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


# --- Sign-out when idle (STAFF_IDLE_MINUTES) ----------------------------------------

START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
HUB = reverse("scheme", kwargs={"slug": "council"})


def _signed_out_for_idling(client, response, page=HUB) -> bool:
    return (
        response.status_code == 302
        and response.url == f"{reverse('account_login')}?next={page}"
        and "_auth_user_id" not in client.session
    )


def test_a_coordinator_idle_for_31_minutes_is_signed_out_and_told_why(client, coordinator):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(coordinator)
        assert client.get(HUB).status_code == 200

        traveller.shift(timedelta(minutes=31))
        response = client.get(HUB)
        assert _signed_out_for_idling(client, response)
        text = _page_text(client.get(response.url))
        assert "you are signed out after 30 minutes without activity" in text
        assert "Please sign in again." in text


def test_a_coordinator_role_gained_while_signed_in_brings_the_staff_rules(client, mentee, scheme):
    """A participant signed in for a week who becomes a coordinator (an invitation
    taken up, a role given in the admin): within minutes their session is a staff
    role's, and idling signs them out."""
    from schemes.models import Membership, Role

    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(mentee)
        assert client.get(HUB).status_code == 200
        assert SESSION_DEADLINE_KEY not in client.session
        Membership.objects.create(scheme=scheme, user=mentee, role=Role.COORDINATOR)
        traveller.shift(timedelta(minutes=6))
        assert client.get(HUB).status_code == 200
        assert client.session[SESSION_DEADLINE_KEY] > time.time()
        traveller.shift(timedelta(minutes=31))
        assert _signed_out_for_idling(client, client.get(HUB))


def test_a_participant_is_checked_for_a_new_role_only_every_few_minutes(client, mentee):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(mentee)  # checked at sign-in
        client.get(HUB)
        # Two minutes on: the activity is written, the role is not looked up again.
        traveller.shift(timedelta(minutes=2))
        with CaptureQueriesContext(connection) as quiet:
            client.get(HUB)
        # Six minutes after the sign-in: the same, and the role looked up.
        traveller.shift(timedelta(minutes=4))
        with CaptureQueriesContext(connection) as checked:
            client.get(HUB)

        def role_looked_up(queries) -> bool:
            # sees_others_data's question: does a coordinator's membership exist?
            return any(
                q["sql"].startswith('SELECT 1 AS "a" FROM "schemes_membership"')
                and "coordinator" in q["sql"]
                for q in queries.captured_queries
            )

        assert not role_looked_up(quiet)
        assert role_looked_up(checked)
        assert SESSION_DEADLINE_KEY not in client.session


def test_signing_in_again_after_idling_goes_back_to_the_page(client, coordinator):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(coordinator)
        traveller.shift(timedelta(minutes=45))
        sign_in_page = client.get(HUB).url

        response = client.post(
            sign_in_page, {"login": coordinator.email, "password": PASSWORD, "next": HUB}
        )
        assert response.status_code == 302
        assert response.url == HUB
        assert client.get(HUB).status_code == 200


@pytest.mark.parametrize("role", ["hr_viewer", "site_admin"])
def test_the_site_roles_are_signed_out_when_idle_too(client, request, role):
    page = reverse("dashboard:reports")
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(request.getfixturevalue(role))
        assert client.get(page).status_code == 200
        traveller.shift(timedelta(minutes=31))
        assert _signed_out_for_idling(client, client.get(page), page)


def test_a_coordinator_active_every_ten_minutes_stays_signed_in(client, coordinator):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(coordinator)
        for _ in range(12):  # two hours, well past the idle limit counted from sign-in
            traveller.shift(timedelta(minutes=10))
            assert client.get(HUB).status_code == 200
        assert "_auth_user_id" in client.session


def test_a_mentee_idle_for_hours_keeps_her_session(client, mentee):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(mentee)
        traveller.shift(timedelta(hours=5))
        assert client.get(HUB).status_code == 200
        traveller.shift(timedelta(days=2))
        assert client.get(HUB).status_code == 200
        assert "_auth_user_id" in client.session


@override_settings(STAFF_IDLE_MINUTES=5)
def test_the_idle_limit_is_a_setting(client, coordinator):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(coordinator)
        traveller.shift(timedelta(minutes=4))
        assert client.get(HUB).status_code == 200
        traveller.shift(timedelta(minutes=6))
        response = client.get(HUB)
        assert _signed_out_for_idling(client, response)
        assert "signed out after 5 minutes without activity" in _page_text(client.get(response.url))


@override_settings(STAFF_IDLE_MINUTES=60)
def test_a_longer_idle_limit_keeps_a_coordinator_idle_for_31_minutes(client, coordinator):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(coordinator)
        traveller.shift(timedelta(minutes=31))
        assert client.get(HUB).status_code == 200


def _writes(queries, table: str) -> list[str]:
    return [
        q["sql"] for q in queries if q["sql"].startswith(("UPDATE", "INSERT")) and table in q["sql"]
    ]


def test_the_activity_is_written_at_most_once_a_minute(client, coordinator):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(coordinator)
        signed_in_at = client.session[ACTIVITY_KEY]
        assert signed_in_at == int(START.timestamp())

        for _ in range(3):  # three pages in the first minute: nothing written
            traveller.shift(timedelta(seconds=15))
            with CaptureQueriesContext(connection) as queries:
                assert client.get(HUB).status_code == 200
            assert _writes(queries, "django_session") == []
            assert _writes(queries, "usersessions_usersession") == []
        assert client.session[ACTIVITY_KEY] == signed_in_at

        traveller.shift(timedelta(seconds=15))  # a minute after signing in
        with CaptureQueriesContext(connection) as queries:
            assert client.get(HUB).status_code == 200
        assert len(_writes(queries, "django_session")) == 1
        assert len(_writes(queries, "usersessions_usersession")) == 1
        assert client.session[ACTIVITY_KEY] == signed_in_at + 60
