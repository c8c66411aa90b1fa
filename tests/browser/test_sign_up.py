import re

from django.core import mail
from playwright.sync_api import expect

from mentoring.models import User


def _confirmation_link(address: str) -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == [address])
    return re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)


def test_a_person_signs_up_verifies_their_email_signs_in_and_sees_their_home(
    page, live_server, screenshot
):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mentoring schemes, run well")

    page.get_by_role("main").get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign up")
    page.get_by_label("Full name").fill("Priya Shah")
    page.get_by_label("Email").fill("priya@example.org")
    page.get_by_label("Password", exact=True).fill("a-long-enough-passphrase")
    page.get_by_label("Password (again)").fill("a-different-passphrase")
    page.get_by_role("button", name="Sign up").click()

    # A mistake is shown beside the field, and what was typed is kept.
    expect(page.get_by_text("You must type the same password each time.")).to_be_visible()
    expect(page.get_by_label("Full name")).to_have_value("Priya Shah")
    expect(page.get_by_label("Email")).to_have_value("priya@example.org")

    page.get_by_label("Password", exact=True).fill("a-long-enough-passphrase")
    page.get_by_label("Password (again)").fill("a-long-enough-passphrase")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify your e-mail address")
    assert User.objects.get(email="priya@example.org").name == "Priya Shah"

    # The link in the e-mail confirms the address.
    page.goto(_confirmation_link("priya@example.org"))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Priya")
    assert any(m.subject == "[Mentoring] Welcome to Mentoring" for m in mail.outbox)

    # Signing out and in again lands on the same home page.
    page.get_by_role("button", name="Priya Shah").click()
    page.get_by_role("button", name="Sign out").click()
    navigation = page.get_by_role("navigation", name="Main")
    navigation.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill("priya@example.org")
    page.get_by_label("Password").fill("a-long-enough-passphrase")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Priya")
    expect(page.get_by_role("heading", name="You are not part of a scheme yet")).to_be_visible()
    expect(page.get_by_text("Signed in as priya@example.org")).to_be_visible()
    screenshot("home-new-person")
