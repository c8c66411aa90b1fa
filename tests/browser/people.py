"""Signing in and out as a person would, shared by the browser journeys."""

from playwright.sync_api import expect

from tests.factories import PASSWORD


def sign_in(page, live_server, email, *, password=PASSWORD, first_name=""):
    """Sign in on the sign-in page; the home page greets them (by ``first_name``, when
    given) before the test goes on."""
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    heading = page.get_by_role("heading", level=1)
    if first_name:
        expect(heading).to_have_text(f"Welcome, {first_name}")
    else:
        expect(heading).to_contain_text("Welcome, ")


def sign_out(page, name):
    """Sign out from the account menu, which carries the person's ``name``."""
    page.get_by_role("button", name=name).click()
    page.get_by_role("button", name="Sign out").click()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")
    ).to_be_visible()
