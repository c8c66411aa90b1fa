"""Signed-in sessions in a real browser: a mentee signed in on her laptop and on another
device opens "Signed-in sessions" from her account menu, sees both (this one marked),
signs the other out, and the other device finds itself signed out on its next page."""

from playwright.sync_api import expect

from tests.browser.people import sign_in

OTHER_DEVICE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148 Safari/604.1"


def test_a_person_signs_out_her_other_session_from_the_sessions_page(
    page, browser, live_server, mentee
):
    elsewhere_context = browser.new_context(user_agent=OTHER_DEVICE)
    try:
        elsewhere = elsewhere_context.new_page()
        elsewhere.set_default_timeout(15_000)
        sign_in(elsewhere, live_server, "mentee@example.org")
        sign_in(page, live_server, "mentee@example.org")

        page.get_by_role("button", name=mentee.display_name).click()
        page.get_by_role("link", name="Signed-in sessions", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Signed-in sessions")
        rows = page.get_by_role("table", name="Where you are signed in").locator("tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.nth(0)).to_contain_text("This browser")
        expect(rows.nth(1)).to_contain_text("iPhone")
        expect(rows.nth(1)).not_to_contain_text("This browser")
        expect(rows.nth(1)).to_contain_text("127.0.0.1")

        page.get_by_role("button", name="Sign out other sessions").click()
        expect(page.get_by_text("You are signed out of your other sessions.")).to_be_visible()
        expect(rows).to_have_count(1)
        expect(rows.nth(0)).to_contain_text("This browser")
        expect(page.get_by_text("You are not signed in anywhere else.")).to_be_visible()

        # The other device, on its next page, is signed out.
        elsewhere.reload()
        navigation = elsewhere.get_by_role("navigation", name="Main")
        expect(navigation.get_by_role("link", name="Sign in")).to_be_visible()
        expect(navigation.get_by_role("button", name=mentee.display_name)).to_have_count(0)

        # This browser is still signed in.
        page.reload()
        expect(page.get_by_role("heading", level=1)).to_have_text("Signed-in sessions")
    finally:
        elsewhere_context.close()
