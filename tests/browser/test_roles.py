from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from dashboard.management.commands.seed_demo import DEMO_PASSWORD
from schemes.models import Role, Scheme
from tests.browser.people import sign_in


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", stdout=StringIO())


def test_demo_coordinator_sees_their_scheme_and_opens_it(page, live_server, demo, screenshot):
    sign_in(page, live_server, "coordinator@example.org", password=DEMO_PASSWORD)

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Chris")
    coordinating = page.get_by_role("region", name="Schemes you coordinate")
    expect(coordinating.get_by_text("Open for applications")).to_be_visible()
    expect(page.get_by_role("region", name="Your mentoring")).to_have_count(0)
    expect(page.get_by_role("link", name="Reports")).to_have_count(0)
    screenshot("home-coordinator")

    coordinating.get_by_role("link", name="Council staff mentoring scheme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Council staff mentoring scheme")
    expect(page.get_by_text("Your role: Coordinator")).to_be_visible()


def test_demo_hr_viewer_reaches_the_reports_from_the_navigation(page, live_server, demo):
    sign_in(page, live_server, "hr@example.org", password=DEMO_PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    row = page.get_by_role("row", name="Council staff mentoring scheme")
    scheme = Scheme.objects.get(slug="council-staff-mentoring")
    counts = [str(scheme.memberships.filter(role=role).count()) for role in Role]
    assert counts[1:] == ["10", "14"]  # the demo's approved mentors and mentees
    expect(row.get_by_role("cell")).to_have_text(
        ["Open for applications", *counts, "Impact report of Council staff mentoring scheme"]
    )


def test_the_skip_link_is_the_first_stop_for_a_keyboard_user(page, live_server, demo):
    sign_in(page, live_server, "mentee@example.org", password=DEMO_PASSWORD)

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    expect(page.get_by_role("region", name="Your mentoring").get_by_text("Mentee")).to_be_visible()
