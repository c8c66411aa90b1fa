"""The at-risk queue in a real browser: the coordinator opens it from the scheme's hub,
sees a pair at risk with its reason and a pair that has not met for ten weeks, writes a
follow-up note on the concern and marks it handled; it moves under "Handled", the
hub's count goes down, and nothing the pair wrote is on the page."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from matching.models import Mentorship
from mentoring.models import User
from tests.browser.people import sign_in
from tests.sessions.helpers import second_pair

NOTE = "Called Priya on Tuesday; meeting both next week."


def test_a_coordinator_handles_a_pair_at_risk(
    browser, live_server, coordinator, concern, screenshot
):
    mentorship = concern.mentorship
    User.objects.filter(pk=mentorship.mentee_id).update(name="Priya Patel")
    User.objects.filter(pk=mentorship.mentor_id).update(name="Tom Reid")
    # A second pair started ten weeks ago and never met: no clock to move.
    quiet, _, _ = second_pair(mentorship.scheme, "quiet")
    Mentorship.objects.filter(pk=quiet.pk).update(started_at=timezone.now() - timedelta(weeks=10))

    page = browser.new_context().new_page()
    sign_in(page, live_server, "coordinator@example.org")
    page.goto(f"{live_server.url}/schemes/{mentorship.scheme.slug}/")
    page.get_by_role("link", name="At risk (2)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pairs at risk")

    open_flags = page.locator("#open")
    concern_row = open_flags.get_by_role("row").filter(has_text="Priya Patel and Tom Reid")
    expect(concern_row).to_contain_text("A concern is open")
    expect(concern_row).to_contain_text("The mentee raised a concern that is not resolved yet.")
    expect(concern_row).to_contain_text("Always flagged")
    gap_row = open_flags.get_by_role("row").filter(has_text="No session for too long")
    expect(gap_row).to_contain_text("Quiet.Mentee and Quiet.Mentor")
    expect(gap_row.get_by_role("link", name="Time to meet again")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(concern.text)
    screenshot("at_risk", on=page)

    concern_row.get_by_label("Note").fill(NOTE)
    concern_row.get_by_role("button", name="Mark handled").click()

    expect(page.get_by_role("alert").filter(has_text="Marked handled")).to_be_visible()
    handled = page.locator("#handled")
    expect(handled.get_by_role("heading")).to_have_text(
        "Handled — quiet until the situation changes"
    )
    handled_row = handled.get_by_role("row").filter(has_text="Priya Patel and Tom Reid")
    expect(handled_row).to_contain_text("A concern is open")
    expect(handled_row.get_by_label("Note")).to_have_value(NOTE)
    expect(handled_row.get_by_role("button", name="Reopen")).to_be_visible()
    expect(page.locator("#open")).not_to_contain_text("Priya Patel and Tom Reid")
    expect(page.locator("#open")).to_contain_text("No session for too long")

    page.get_by_role("link", name=mentorship.scheme.name).click()
    expect(page.get_by_role("link", name="At risk (1)")).to_be_visible()
