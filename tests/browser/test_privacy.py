"""The privacy page in a real browser: someone not signed in follows the footer's link
from the home page, reads the retention schedule, and jumps from its table to one
kind's details; a coordinator sees their closed scheme's removal date."""

import re

from playwright.sync_api import expect

from schemes.models import Scheme
from schemes.services.schemes import scheme_update
from tests.browser.people import sign_in


def test_anyone_reads_the_schedule_from_the_footer(page, live_server, db):
    page.goto(live_server.url + "/")
    page.get_by_role("contentinfo").get_by_role("link", name="Privacy").click()

    expect(page).to_have_url(re.compile(r"/privacy/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy")
    schedule = page.get_by_role("table", name="The retention schedule")
    expect(schedule.get_by_role("row", name=re.compile("^Audit trail"))).to_contain_text(
        "24 months after the action"
    )
    schedule.get_by_role("link", name="What pairs write").click()
    expect(page).to_have_url(re.compile(r"#kind-mentorship_content$"))
    expect(page.get_by_role("heading", name="What pairs write", level=3)).to_be_in_viewport()


def test_a_coordinator_sees_when_their_closed_schemes_data_goes(
    page, live_server, coordinator, scheme
):
    scheme_update(scheme=scheme, status=Scheme.Status.CLOSED)
    sign_in(page, live_server, "coordinator@example.org")
    page.goto(live_server.url + "/privacy/")
    mine = page.get_by_role("table", name="Your schemes")
    expect(mine.get_by_role("row", name=re.compile("^Council staff mentoring"))).to_contain_text(
        "24 months after it closes"
    )
