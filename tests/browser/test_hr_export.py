"""HR downloads an export in a real browser: from the reports overview, the Excel file
of the mentorships, which opens in openpyxl with participant codes and no names."""

import openpyxl
from playwright.sync_api import expect

from dashboard.models import ExportLog
from dashboard.scope import participant_code
from mentoring.models import User
from tests.browser.people import sign_in


def test_hr_downloads_the_mentorships_as_excel(
    browser, live_server, hr_viewer, active_mentorship, tmp_path
):
    User.objects.filter(pk=active_mentorship.mentee_id).update(name="Priya Patel")
    page = browser.new_context(accept_downloads=True).new_page()
    sign_in(page, live_server, "hr@example.org")
    page.goto(f"{live_server.url}/reports/")
    expect(page.get_by_role("heading", name="Exports")).to_be_visible()
    expect(page.get_by_text("never their names")).to_be_visible()

    with page.expect_download() as info:
        page.get_by_role("link", name="Excel of Mentorships").click()
    download = info.value
    assert download.suggested_filename == "mentorships.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    sheet = openpyxl.load_workbook(path).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["Scheme", "Mentee", "Mentor"]
    scheme = active_mentorship.scheme
    assert rows[1][:3] == [
        scheme.name,
        participant_code(scheme.pk, active_mentorship.mentee_id),
        participant_code(scheme.pk, active_mentorship.mentor_id),
    ]
    assert "Priya Patel" not in str(rows)
    log = ExportLog.objects.get()
    assert (log.user_id, log.format, log.rows) == (hr_viewer.pk, "xlsx", 1)
