"""A person's signed-in sessions (allauth's ``usersessions``, answered by
``mentoring.views.signed_in_sessions``): each place they are signed in, with its address,
browser and last activity, this browser marked, and a button that signs the others out."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tests.html import Page, assert_accessible_page, visible_text

pytestmark = pytest.mark.django_db

SESSIONS = reverse("usersessions_list")
LAPTOP = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile Safari/604.1"
START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def signed_in(user, *, ip: str, browser: str) -> Client:
    """A browser of its own, signed in through the sign-in page as a person would."""
    client = Client(REMOTE_ADDR=ip, HTTP_USER_AGENT=browser)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def rows(response) -> list[str]:
    """The table's rows as text, in order."""
    page = response.content.decode()
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    return [
        " ".join(unescape(re.sub(r"<[^>]+>", " ", "<tr" + row)).split())
        for row in body.split("<tr")[1:]
    ]


@pytest.fixture
def person(db):
    return UserFactory(email="sam@example.org", name="Sam Example")


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(SESSIONS)
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={SESSIONS}"
    assert client.post(SESSIONS).status_code == 302


def test_a_person_with_two_sessions_sees_both_this_one_marked(person):
    with time_machine.travel(START, tick=False) as traveller:
        laptop = signed_in(person, ip="203.0.113.5", browser=LAPTOP)
        traveller.shift(timedelta(minutes=20))
        phone = signed_in(person, ip="198.51.100.7", browser=PHONE)
        traveller.shift(timedelta(minutes=5))

        response = laptop.get(SESSIONS)
        phone_sees = rows(phone.get(SESSIONS))

    first, second = rows(response)
    assert first.startswith("This browser")
    assert LAPTOP in first and "203.0.113.5" in first and "3 Mar 2025, 09:00" in first
    assert PHONE in second and "198.51.100.7" in second and "3 Mar 2025, 09:20" in second
    assert "This browser" not in second
    assert "5 minutes ago" in second  # its last activity: signing in
    assert "Sign out other sessions" in visible_text(response)
    # The phone sees the same two, itself marked.
    first, second = phone_sees
    assert first.startswith("This browser") and PHONE in first and LAPTOP in second


def test_the_last_activity_of_another_session_is_shown(person):
    with time_machine.travel(START, tick=False) as traveller:
        laptop = signed_in(person, ip="203.0.113.5", browser=LAPTOP)
        phone = signed_in(person, ip="198.51.100.7", browser=PHONE)
        traveller.shift(timedelta(hours=2))
        assert phone.get(reverse("home")).status_code == 200
        traveller.shift(timedelta(minutes=10))
        (_, other) = rows(laptop.get(SESSIONS))
    assert PHONE in other and "10 minutes ago" in other


def test_ending_the_other_sessions_signs_the_other_browser_out(person):
    laptop = signed_in(person, ip="203.0.113.5", browser=LAPTOP)
    phone = signed_in(person, ip="198.51.100.7", browser=PHONE)
    phone_key = phone.session.session_key

    response = laptop.post(SESSIONS, follow=True)

    assert "You are signed out of your other sessions." in visible_text(response)
    assert [LAPTOP in row for row in rows(response)] == [True]
    assert "You are not signed in anywhere else." in visible_text(response)
    # The database session is gone, so the phone's next request is anonymous.
    assert not Session.objects.filter(session_key=phone_key).exists()
    assert phone.get(SESSIONS).status_code == 302
    assert "_auth_user_id" not in phone.session
    # The laptop is still signed in.
    assert laptop.get(reverse("home")).status_code == 200
    assert UserSession.objects.filter(user=person).count() == 1


def test_a_person_sees_only_their_own_sessions_and_ends_only_their_own(person):
    other = UserFactory(email="alex@example.org")
    mine = signed_in(person, ip="203.0.113.5", browser=LAPTOP)
    theirs = signed_in(other, ip="198.51.100.7", browser=PHONE)

    response = mine.get(SESSIONS)
    text = visible_text(response)
    assert LAPTOP in text
    assert PHONE not in text and "198.51.100.7" not in text
    assert "You are not signed in anywhere else." in text

    mine.post(SESSIONS)
    assert theirs.get(SESSIONS).status_code == 200
    assert PHONE in visible_text(theirs.get(SESSIONS))


def test_a_signed_out_session_leaves_the_list(person):
    laptop = signed_in(person, ip="203.0.113.5", browser=LAPTOP)
    phone = signed_in(person, ip="198.51.100.7", browser=PHONE)
    phone.post(reverse("account_logout"))

    assert len(rows(laptop.get(SESSIONS))) == 1
    assert UserSession.objects.filter(user=person).count() == 1


def test_a_password_change_ends_the_other_sessions_and_the_list_says_so(person):
    laptop = signed_in(person, ip="203.0.113.5", browser=LAPTOP)
    phone = signed_in(person, ip="198.51.100.7", browser=PHONE)
    response = laptop.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-long-passphrase",
            "password2": "a-new-long-passphrase",
        },
    )
    assert response.status_code == 302

    assert len(rows(laptop.get(SESSIONS))) == 1  # the laptop stays signed in
    assert phone.get(SESSIONS).status_code == 302  # the phone's session no longer holds


def test_a_session_signed_in_without_a_row_is_listed_as_this_browser(client, person):
    # force_login signs in without allauth, which records the row: the page records it.
    client.force_login(person)
    (row,) = rows(client.get(SESSIONS))
    assert row.startswith("This browser")


def test_the_page_is_accessible(client, person):
    signed_in(person, ip="198.51.100.7", browser=PHONE)
    client.force_login(person)
    page = Page(client.get(SESSIONS).content.decode())
    assert_accessible_page(page)
    assert [text for level, text in page.headings if level == 1] == ["Signed-in sessions"]


@pytest.mark.parametrize("others", [1, 6])
def test_the_page_makes_the_same_queries_whatever_the_number_of_sessions(
    person, others, django_assert_max_num_queries
):
    for n in range(others):
        signed_in(person, ip=f"198.51.100.{n + 1}", browser=PHONE)
    laptop = signed_in(person, ip="203.0.113.5", browser=LAPTOP)
    # The session and the person; this session's row brought up to date (read, save);
    # the rows, the sessions they name; messages and the navigation's counts.
    with django_assert_max_num_queries(12):
        response = laptop.get(SESSIONS)
    assert len(rows(response)) == others + 1


def test_the_account_menu_and_the_home_page_link_to_the_sessions(client, person):
    client.force_login(person)
    page = Page(client.get(reverse("home")).content.decode())
    texts = [text.strip() for attrs, text in page.links if attrs.get("href") == SESSIONS]
    assert texts == [
        "Signed-in sessions",  # the account menu, after two-factor authentication
        "See your signed-in sessions and sign out of the others",  # "Your account"
    ]
