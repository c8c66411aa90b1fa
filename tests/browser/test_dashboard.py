"""The coordinator's dashboard in a real browser, on the demo's scheme: opened from the
hub, its figures and the charts drawn by Chart.js (served from static/vendor, under the
strict CSP: any violation is a console error and fails the test), each with its table;
axe checks the page."""

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from dashboard.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import screenshots_wanted
from tests.browser.people import sign_in


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", stdout=StringIO())


def test_the_coordinator_opens_the_demo_dashboard_and_sees_figures_and_charts(
    page, live_server, demo, screenshot
):
    sign_in(page, live_server, "coordinator@example.org", password=DEMO_PASSWORD)
    page.goto(f"{live_server.url}/schemes/council-staff-mentoring/")
    page.get_by_role("link", name="Dashboard: the scheme's figures and charts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Dashboard: Council staff mentoring scheme"
    )

    funnel = page.locator("#funnel-table")
    expect(funnel.get_by_role("row", name="Ended early")).to_contain_text("1")
    expect(page.get_by_role("region", name="Pairs at risk")).to_contain_text(
        "have a flag no coordinator has handled"
    )
    expect(page.locator("#agreements-signed")).to_have_text("5 of 7")
    expect(page.locator("#responses-table")).to_contain_text("Baseline")
    expect(page.locator("#ended-by-table").get_by_role("row", name="The mentee")).to_contain_text(
        "1"
    )

    # Every chart is drawn: Chart.js ran and gave each canvas its size.
    canvases = page.locator("canvas[data-chart]")
    expect(canvases).to_have_count(5)
    for n in range(5):
        expect(canvases.nth(n)).to_have_attribute("data-drawn", "true")
        assert canvases.nth(n).bounding_box()["height"] > 50
    # The same numbers as a table, for anyone who cannot see the chart.
    page.get_by_text("The figures as a table").first.click()
    expect(page.get_by_role("table", name="Sessions held and hours per month")).to_be_visible()
    # The demo's pulse has months with enough ratings and months with too few.
    page.get_by_text("The figures as a table").nth(1).click()
    expect(page.locator("#pulse-table")).to_contain_text("fewer than 5 ratings")
    if screenshots_wanted():
        # Chart.js animates for a second: the picture shows the charts drawn.
        page.wait_for_timeout(1500)
    screenshot("dashboard")


def test_charts_do_not_animate_for_people_who_ask_for_less_motion(page, live_server, demo):
    page.emulate_media(reduced_motion="reduce")
    sign_in(page, live_server, "coordinator@example.org", password=DEMO_PASSWORD)
    page.goto(f"{live_server.url}/schemes/council-staff-mentoring/dashboard/")
    expect(page.locator("canvas[data-chart]").first).to_have_attribute("data-drawn", "true")
    animated = page.evaluate(
        "() => Object.values(Chart.instances).map((chart) => chart.options.animation !== false)"
    )
    assert animated and not any(animated)
