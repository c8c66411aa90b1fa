"""Your data in a real browser: the mentee opens "Your data" from the account menu,
prepares a copy, downloads the ZIP and finds in it her own reflection and the summary
her mentor wrote, and not her mentor's private reflection; the download is recorded."""

import json
import re
import zipfile

from axe_playwright_python.base import AXE_SCRIPT, AxeResults
from playwright.sync_api import expect

from mentoring.models import AuditEntry
from privacy.models import DataExport
from sessions.models import Reflection
from tests.browser.axe import RUN, describe
from tests.browser.people import sign_in


def test_the_mentee_prepares_and_downloads_a_copy_of_her_data(
    browser, live_server, settings, tmp_path, held_session, mentee, mentor
):
    settings.PRIVACY_EXPORTS_DIR = tmp_path / "your-data"
    held_session.summary = "We planned the stand-up."
    held_session.save(update_fields=["summary"])
    Reflection.objects.create(
        session=held_session, author=mentee, kind="mentee_after", answers={"useful": "The map."}
    )
    Reflection.objects.create(
        session=held_session,
        author=mentor,
        kind="mentor_after",
        answers={"interested": "Kept to myself."},
    )
    page = browser.new_context(accept_downloads=True).new_page()
    sign_in(page, live_server, "mentee@example.org")

    page.get_by_role("button", name=mentee.display_name).click()
    page.get_by_role("link", name="Your data", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")
    expect(page.get_by_text("No copies yet")).to_be_visible()
    page.get_by_role("button", name="Prepare a copy of my data").click()

    # Without a broker the copy is written at once; with one, the page checks on it.
    expect(page.get_by_text("Your copy is ready. Download it below.")).to_be_visible()
    link = page.get_by_role("link", name="Download the copy of")
    expect(link).to_be_visible()
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.startswith("your-data-")
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    with zipfile.ZipFile(path) as archive:
        assert {"README.txt", "index.html", "account.json", "reflections.json"} <= set(
            archive.namelist()
        )
        account = json.loads(archive.read("account.json"))
        reflections = json.loads(archive.read("reflections.json"))
        sessions = json.loads(archive.read("sessions.json"))
        summary = archive.read("index.html").decode()
    assert account[0]["email"] == "mentee@example.org"
    assert [row["answers"] for row in reflections] == [
        {"What was useful in this session?": "The map."}
    ]
    assert sessions[0]["summary"] == "We planned the stand-up."
    assert "The map." in summary and "Kept to myself." not in summary

    export = DataExport.objects.get(user=mentee)
    assert export.downloaded_at is not None
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.DATA_DOWNLOADED, actor=mentee, subject_id=export.pk
    ).exists()
    page.reload()
    expect(page.get_by_role("cell", name=re.compile("^Ready · downloaded"))).to_be_visible()

    # The summary opens from the disk on its own, and reads well to assistive technology
    # (axe checks only the site's pages by itself, so it is run here).
    index = tmp_path / "index.html"
    index.write_text(summary, encoding="utf-8")
    page.goto(index.as_uri())
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")
    expect(page.get_by_role("heading", name="Reflections", level=2)).to_be_visible()
    expect(page.get_by_text("The map.")).to_be_visible()
    page.evaluate(AXE_SCRIPT)
    assert describe(AxeResults(page.evaluate(RUN)).response, index.as_uri()) == []
