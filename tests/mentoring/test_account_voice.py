"""allauth's pages and e-mails in the product's voice: "Sign up" and "Sign in" in
sentence case, "e-mail", a greeting by name and the team's sign-off, never allauth's
"Hello from <domain>!"."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tests.html import Page

pytestmark = pytest.mark.django_db

# allauth's own wordings that the product does not use.
FOREIGN = ["Sign Up", "Signup", "Sign In", "Sign Out", "Hello from", "Thank you for using"]


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.mark.parametrize(
    ("url_name", "heading"),
    [
        ("account_login", "Sign in"),
        ("account_signup", "Sign up"),
        ("account_reset_password", "Reset your password"),
        ("account_reset_password_done", "Reset your password"),
        ("account_email_verification_sent", "Verify your e-mail address"),
    ],
)
def test_account_pages_speak_in_sentence_case(client, url_name, heading):
    html = _text(client.get(reverse(url_name)))
    page = Page(html)
    assert page.headings[0] == (1, heading)
    assert " ".join(page.title.split()) == f"{heading} · Mentoring"
    for words in FOREIGN:
        assert words not in html, words


def test_the_sign_out_page_says_sign_out(client):
    client.force_login(UserFactory())
    html = _text(client.get(reverse("account_logout")))
    assert Page(html).headings[0] == (1, "Sign out")
    assert "Sign Out" not in html


@pytest.mark.parametrize("url_name", ["home", "account_login", "account_reset_password"])
def test_every_link_to_the_sign_up_page_says_sign_up(client, url_name):
    html = _text(client.get(reverse(url_name)))
    links = [text for attrs, text in Page(html).links if attrs.get("href") == "/accounts/signup/"]
    assert links and set(links) == {"Sign up"}
    assert "contact us" not in html and "Please request" not in html


def test_the_confirmation_email_greets_by_name_and_signs_off_as_the_team(
    client, django_capture_on_commit_callbacks
):
    # Account e-mails leave through the outbox once the request's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "name": "Priya Shah",
                "email": "priya@example.org",
                "password1": "a-long-enough-passphrase",
                "password2": "a-long-enough-passphrase",
            },
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.subject == "[Mentoring] Confirm your e-mail address"
    assert message.body.startswith("Hello Priya Shah,\n\n")
    assert message.body.rstrip().endswith("The Mentoring team")
    assert re.search(r"/accounts/confirm-email/\S+/", message.body)
    for words in [*FOREIGN, "example.com", "user Priya", "register an account on"]:
        assert words not in message.body, words


def test_the_password_reset_email_is_in_the_products_words(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="sam@example.org", name="Sam Example")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "sam@example.org"})
    (message,) = mail.outbox
    assert message.subject == "[Mentoring] Reset your password"
    assert message.body.startswith("Hello Sam Example,\n\n")
    assert "Follow this link to choose a new one" in message.body
    assert message.body.rstrip().endswith("The Mentoring team")
    for words in FOREIGN:
        assert words not in message.body, words


def test_signing_in_is_confirmed_in_the_products_words_with_the_name_escaped(client):
    UserFactory(email="sean@example.org", name="Seán O'Brien <b>")
    response = client.post(
        reverse("account_login"),
        {"login": "sean@example.org", "password": PASSWORD},
        follow=True,
    )
    html = response.content.decode()
    assert "You are signed in as Seán O&#x27;Brien &lt;b&gt;." in html
    assert "Successfully" not in html
