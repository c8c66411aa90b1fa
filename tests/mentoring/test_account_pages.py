"""allauth's pages (sign in, sign up, password, e-mail, two-factor) in the site's look.

They are rendered through the overrides in templates/allauth/ (layouts and elements):
the site layout, one <h1>, a label for every control, nothing the Content-Security-Policy
would block, and form errors beside the field they belong to.
"""

from itertools import pairwise

import pytest
from django.urls import reverse

from mentoring.models import User
from tests.factories import PASSWORD, UserFactory
from tests.html import Page

pytestmark = pytest.mark.django_db

ANONYMOUS_PAGES = ["account_login", "account_signup", "account_reset_password"]
SIGNED_IN_PAGES = ["account_email", "account_change_password", "mfa_index", "usersessions_list"]


def _page(response) -> Page:
    assert response.status_code == 200
    return Page(response.content.decode())


@pytest.fixture
def person(db):
    return UserFactory(email="sam@example.org", name="Sam Example")


@pytest.fixture(params=ANONYMOUS_PAGES + SIGNED_IN_PAGES)
def account_page(request, client, person):
    """Each page under test, as the right visitor sees it: (url name, parsed page)."""
    if request.param in SIGNED_IN_PAGES:
        client.force_login(person)
    return request.param, _page(client.get(reverse(request.param)))


# --- every page ------------------------------------------------------------------------


def test_account_page_is_in_the_site_layout_with_skip_link_and_navbar(account_page):
    _, page = account_page
    skip_links = [text for attrs, text in page.links if attrs.get("href") == "#main"]
    assert skip_links == ["Skip to main content"]
    assert page.find("main")
    navbars = [a for tag, a in page.elements if tag == "nav" and "navbar" in a.get("class", "")]
    assert len(navbars) == 1
    assert page.title.strip().endswith("· Mentoring")


def test_account_page_has_exactly_one_h1_and_headings_go_in_order(account_page):
    _, page = account_page
    levels = [level for level, _ in page.headings]
    assert levels.count(1) == 1
    assert levels[0] == 1
    for before, after in pairwise(levels):
        assert after <= before + 1, page.headings


def test_every_visible_control_on_account_page_has_a_label_for_it(account_page):
    url_name, page = account_page
    controls = list(page.controls())
    # The two-factor overview has links only; the sessions page a button at most.
    if url_name not in {"mfa_index", "usersessions_list"}:
        assert controls
    for tag, attrs in controls:
        assert attrs.get("id"), (tag, attrs)
        assert attrs["id"] in page.label_targets, (tag, attrs)


def test_account_page_has_no_inline_script_style_or_event_handler(account_page):
    _, page = account_page
    assert page.inline_code() == []
    assert page.with_attribute("style") == []
    assert page.style_elements == 0
    assert page.event_handlers() == []


def test_account_page_has_no_menu_or_message_list_of_allauth_own_layout(account_page):
    """allauth's own layout adds a "Menu:" and a "Messages:" list; the site layout has
    the navbar and shows messages itself."""
    _, page = account_page
    assert "Menu:" not in page.html
    assert "Messages:" not in page.html
    assert page.html.count("<html") == 1


# --- sign in and sign up ---------------------------------------------------------------


def test_sign_in_page_title_comes_from_allauth_and_form_marks_required_fields(client):
    page = _page(client.get(reverse("account_login")))
    assert page.title.split() == ["Sign", "in", "·", "Mentoring"]
    assert page.headings[0] == (1, "Sign in")
    assert "required" in page.find("id_login")
    assert "required" in page.find("id_password")
    assert page.find("id_login")["autocomplete"] == "email"
    assert page.find("id_password")["autocomplete"] == "current-password"
    submit = [a for tag, a in page.elements if tag == "button" and a.get("type") == "submit"]
    assert any("btn-primary" in a["class"] for a in submit)


def test_sign_up_page_has_the_full_name_field_with_its_help_text(client):
    response = client.get(reverse("account_signup"))
    page = _page(response)
    name = page.find("id_name")
    assert name["autocomplete"] == "name"
    assert "required" in name
    assert "id_name" in page.label_targets
    assert name["aria-describedby"] == "id_name_helptext"
    assert page.find("id_name_helptext")
    assert "coordinators use it to match you" in response.content.decode()


def test_failed_sign_up_shows_each_error_beside_its_field_and_keeps_what_was_typed(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "ada@not-an-address",
            "name": "Ada Lovelace",
            "password1": "a-long-enough-passphrase",
            "password2": "a-different-passphrase",
        },
    )
    html = response.content.decode()
    page = _page(response)

    assert not User.objects.filter(name="Ada Lovelace").exists()
    for field, message in [
        ("id_email", "Enter a valid email address."),
        ("id_password2", "You must type the same password each time."),
    ]:
        control = page.find(field)
        error = page.find(f"{field}_error")
        assert "is-invalid" in control["class"].split()
        assert control["aria-invalid"] == "true"
        assert f"{field}_error" in control["aria-describedby"].split()
        assert "invalid-feedback" in error["class"].split()
        # Beside the field: the error comes straight after the control, before the
        # next field's label.
        assert page.index_of(f"{field}_error") > page.index_of(field)
        between = page.elements[page.index_of(field) + 1 : page.index_of(f"{field}_error")]
        assert not [tag for tag, _ in between if tag in {"label", "input", "select"}]
        assert message in html

    # Fields without an error are not marked invalid.
    assert "aria-invalid" not in page.find("id_name")
    assert "is-invalid" not in page.find("id_name")["class"]
    # What was typed is kept, except the passwords, which are never sent back.
    assert page.find("id_email")["value"] == "ada@not-an-address"
    assert page.find("id_name")["value"] == "Ada Lovelace"
    assert "value" not in page.find("id_password1")
    assert "a-different-passphrase" not in html
    # A summary at the top is announced and links to each field in error.
    alerts = [a for tag, a in page.elements if a.get("role") == "alert"]
    assert any("alert-danger" in a.get("class", "") for a in alerts)
    summary_targets = [
        attrs["href"] for attrs, _ in page.links if "alert-link" in attrs.get("class", "")
    ]
    assert summary_targets == ["#id_email", "#id_password2"]


def test_failed_sign_in_shows_the_error_in_an_alert(client, person):
    response = client.post(
        reverse("account_login"), {"login": person.email, "password": "not-the-password"}
    )
    page = _page(response)
    alerts = [a for tag, a in page.elements if a.get("role") == "alert"]
    assert any("alert-danger" in a.get("class", "") for a in alerts)
    assert "are not correct" in response.content.decode()
    assert page.find("id_login")["value"] == person.email


# --- signed in -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "current"),
    [
        ("account_email", "E-mail addresses"),
        ("account_change_password", "Password"),
        ("mfa_index", "Two-factor authentication"),
        ("usersessions_list", "Signed-in sessions"),
    ],
)
def test_account_settings_side_navigation_marks_the_current_page(client, person, url_name, current):
    client.force_login(person)
    page = _page(client.get(reverse(url_name)))
    navs = [
        a for tag, a in page.elements if tag == "nav" and a.get("aria-label") == "Account settings"
    ]
    assert len(navs) == 1
    marked = [text for attrs, text in page.links if attrs.get("aria-current") == "page"]
    assert marked == [current]


def test_connected_accounts_link_appears_only_with_a_sign_in_provider(client, person, settings):
    client.force_login(person)
    settings.SOCIALACCOUNT_PROVIDERS = {}
    page = _page(client.get(reverse("account_change_password")))
    assert "Connected accounts" not in [text for _, text in page.links]

    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "entra",
                    "name": "Council account",
                    "client_id": "client",
                    "secret": "secret",
                    "settings": {"server_url": "https://login.example.org"},
                }
            ]
        }
    }
    page = _page(client.get(reverse("account_change_password")))
    assert "Connected accounts" in [text for _, text in page.links]


def test_message_after_changing_password_is_shown_once(client, person):
    client.force_login(person)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "another-long-passphrase",
            "password2": "another-long-passphrase",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("account_change_password")
    assert response.content.decode().count("Your password has been changed.") == 1
