"""The audit trail in a real browser: a coordinator's decision and a report export are
on record; the site administrator opens the audit trail from the navigation, filters
it by action and sees the decision, who made it and in which scheme, and not the
export."""

from playwright.sync_api import expect

from mentoring.audit import audit_record
from mentoring.models import AuditEntry
from schemes.services.applications import application_approve
from tests.browser.people import sign_in


def test_the_administrator_filters_the_audit_trail_by_action(
    page, live_server, site_admin, coordinator, mentee_application
):
    application_approve(application=mentee_application, by=coordinator, reason="Welcome.")
    audit_record(AuditEntry.Action.REPORT_EXPORTED, detail={"report": "participants"})
    sign_in(page, live_server, site_admin.email)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(3)  # the heading row and two entries

    page.get_by_label("Action").select_option(label="Decided an application")
    page.get_by_role("button", name="Show entries").click()

    expect(page.get_by_role("heading", name="1 entry matches these filters")).to_be_visible()
    expect(page.get_by_label("Action")).to_have_value("application.decided")
    rows = table.get_by_role("row")
    expect(rows).to_have_count(2)
    entry = rows.nth(1)
    expect(entry).to_contain_text(coordinator.display_name)
    expect(entry).to_contain_text("coordinator@example.org")
    expect(entry).to_contain_text("Decided an application")
    expect(entry).to_contain_text("Council staff mentoring")
    expect(entry).to_contain_text(f"application {mentee_application.pk}")
    expect(entry).to_contain_text("status after: approved; status before: submitted")
    expect(table).not_to_contain_text("Exported a report")
    expect(page.get_by_role("link", name="Download this entry as CSV")).to_be_visible()
