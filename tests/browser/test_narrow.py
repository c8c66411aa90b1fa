"""The coordinator's applications list on a phone (390 px wide): e-mail addresses are
not broken a few letters a line, and no column is cut off."""

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from dashboard.management.commands.seed_demo import DEMO_PASSWORD, DEMO_SCHEME
from tests.browser.people import sign_in

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", stdout=StringIO())


def test_the_applications_list_fits_a_phone(page, live_server, demo):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "coordinator@example.org", password=DEMO_PASSWORD)
    page.goto(f"{live_server.url}/schemes/{DEMO_SCHEME['slug']}/applications/")
    table = page.get_by_role("table")
    expect(table).to_be_visible()

    # Nothing is wider than the screen: the table does not scroll sideways.
    widths = page.evaluate(
        "() => { const t = document.querySelector('main table');"
        " return [t.scrollWidth, t.parentElement.clientWidth,"
        " document.documentElement.scrollWidth]; }"
    )
    assert widths[0] <= widths[1], widths
    assert widths[2] <= PHONE["width"], widths

    # Every row's status is shown whole, inside the screen.
    badges = table.locator("tbody tr td .badge")
    assert badges.count() > 0
    for index in range(badges.count()):
        box = badges.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box

    # E-mail addresses sit under the names, on a line or two, never a few letters a line.
    addresses = table.locator("tbody .applicant-email")
    assert addresses.count() > 0
    line = float(addresses.first.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
    for index in range(addresses.count()):
        address = addresses.nth(index)
        expect(address).to_be_visible()
        assert address.bounding_box()["height"] <= 2 * line + 1, address.inner_text()
    expect(table.get_by_role("columnheader", name="E-mail")).to_be_hidden()
