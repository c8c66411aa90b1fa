"""A draft keeps what was typed: with an answer missing, and when its author was signed
out in another tab before pressing save."""

from playwright.sync_api import expect

from schemes.models import Application, Role
from tests.browser.people import sign_in, sign_out
from tests.factories import PASSWORD, ApplicationFactory, UserFactory


def test_a_draft_saved_after_signing_out_in_another_tab_is_found_after_signing_in(
    page, live_server, scheme
):
    scheme.grades = ["Grade 4", "Grade 5"]
    scheme.save(update_fields=["grades"])
    person = UserFactory(name="Nia Jones", email="nia@example.org")
    application = ApplicationFactory(scheme=scheme, user=person, role=Role.MENTEE)
    sign_in(page, live_server, "nia@example.org", first_name="Nia")
    step = f"{live_server.url}/applications/{application.pk}/steps/work/"
    page.goto(step)
    page.get_by_label("Job title").fill("Planning officer")
    page.get_by_label("Your current responsibilities").fill("Typed with care, grade left empty.")

    # In another tab she signs out; the first tab does not know.
    other_tab = page.context.new_page()
    other_tab.goto(live_server.url + "/")
    sign_out(other_tab, "Nia Jones")
    other_tab.close()

    page.get_by_role("button", name="Save and finish later").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign In")
    expect(
        page.get_by_text("You were signed out, so your answers are not saved yet.")
    ).to_be_visible()
    page.get_by_label("Email").fill("nia@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Your work")
    expect(page.get_by_text("You were signed out when you saved this step.")).to_be_visible()
    expect(page.get_by_label("Job title")).to_have_value("Planning officer")
    expect(page.get_by_label("Your current responsibilities")).to_have_value(
        "Typed with care, grade left empty."
    )
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    assert application.responsibilities == "Typed with care, grade left empty."
    assert application.grade == ""
