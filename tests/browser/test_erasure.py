"""Erasing an account in a real browser: the mentee opens "Erase your account" from her
account menu, sees that it ends her mentorship (her mentor named), types a wrong
password and is told beside the field that nothing was erased, types her password,
confirms, and lands signed out on the page that says it is done."""

from django.core import mail
from playwright.sync_api import expect

from matching.models import Mentorship
from mentoring.models import User
from tests.browser.people import sign_in
from tests.factories import PASSWORD


def test_the_mentee_is_warned_confirms_with_her_password_and_is_signed_out(
    page, live_server, mentee, mentor, active_mentorship
):
    mail.outbox.clear()
    sign_in(page, live_server, "mentee@example.org")

    menu = page.get_by_role("button", name=mentee.display_name)
    menu.click()
    page.get_by_role("list", name=mentee.display_name).get_by_role(
        "link", name="Erase your account"
    ).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Erase your account")
    warning = page.get_by_role("region", name="What erasing ends for you")
    scheme = active_mentorship.scheme.name
    expect(warning).to_contain_text(
        f"Your mentorship with {mentor.display_name}, your mentor in {scheme}: erasing ends it."
    )

    password = page.get_by_label("Your password")
    password.fill("not-my-password")
    page.get_by_role("button", name="Erase my account").click()
    expect(page.get_by_text("That is not your password. Nothing has been erased.")).to_be_visible()
    expect(page.get_by_label("Your password")).to_have_attribute("aria-invalid", "true")
    assert User.objects.get(pk=mentee.pk).is_active

    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Erase my account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your account has been erased")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")
    ).to_be_visible()
    remainder = User.objects.get(pk=mentee.pk)
    assert not remainder.is_active and remainder.name == ""
    active_mentorship.refresh_from_db()
    assert active_mentorship.status == Mentorship.Status.ENDED
    assert [message.to for message in mail.outbox] == [[mentor.email]]

    # Her own pages are closed to her now.
    page.goto(live_server.url + "/account/erase/")
    expect(page).to_have_url(live_server.url + "/accounts/login/?next=/account/erase/")
