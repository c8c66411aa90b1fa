"""The open application link, followed by someone without an account who confirms
their address on another device."""

import re

from django.core import mail
from playwright.sync_api import expect

from tests.browser.test_sign_up import _confirmation_link


def test_the_open_link_survives_confirming_the_address_in_another_browser(
    page, browser, live_server, scheme
):
    scheme.open_link_token = "open-for-all"
    scheme.save(update_fields=["open_link_token"])
    page.goto(live_server.url + "/apply/open-for-all/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply to Council staff mentoring")
    page.get_by_role("main").get_by_role("link", name="Create an account").click()
    page.get_by_label("Full name").fill("Seán O'Brien")
    page.get_by_label("Email").fill("sean@example.org")
    page.get_by_label("Password", exact=True).fill("a-long-enough-passphrase")
    page.get_by_label("Password (again)").fill("a-long-enough-passphrase")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")

    # The e-mail is opened on another device: a browser with nothing of the sign-up.
    context = browser.new_context()
    try:
        elsewhere = context.new_page()
        elsewhere.set_default_timeout(15_000)
        link = _confirmation_link("sean@example.org")
        elsewhere.goto(live_server.url + re.sub(r"^https?://[^/]+", "", link))
        elsewhere.get_by_role("button", name="Confirm").click()
        # A confirmation link alone signs nobody in: sign in, then straight to the scheme.
        elsewhere.get_by_label("Email").fill("sean@example.org")
        elsewhere.get_by_label("Password").fill("a-long-enough-passphrase")
        elsewhere.get_by_role("button", name="Sign In").click()
        expect(elsewhere.get_by_role("heading", level=1)).to_have_text(
            "Apply to Council staff mentoring"
        )
        elsewhere.get_by_role("button", name="Apply as a mentee").click()
        expect(elsewhere.get_by_role("heading", level=1)).to_have_text("About you")
        expect(
            elsewhere.get_by_text("Council staff mentoring: your application as a mentee")
        ).to_be_visible()
    finally:
        context.close()
    welcome = next(m for m in mail.outbox if m.subject == "[Mentoring] Welcome to Mentoring")
    assert "You created it to take part in Council staff mentoring." in welcome.body
    assert "Hello Seán," in welcome.body
