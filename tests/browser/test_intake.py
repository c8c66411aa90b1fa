"""The intake journey in a real browser: a coordinator creates a scheme and invites two
people with a CSV file; one signs up from the e-mail link and fills in the mentee
questionnaire over two visits, the other signs in and fills in the mentor questionnaire;
the coordinator approves both. Each person's view is checked at each step."""

import re

from django.contrib.auth.models import Permission
from django.core import mail
from playwright.sync_api import expect

from schemes.models import Application, Scheme
from tests.browser.people import sign_in, sign_out
from tests.factories import PASSWORD, UserFactory

CSV = (
    "name,email,role\n"
    "Priya Shah,priya@example.org,mentee\n"
    "Tom Okafor,tom@example.org,mentor\n"
    "Nobody,not-an-address,mentee\n"
)


def _invitation_link(live_server, address: str) -> str:
    """The link in the invitation e-mail, on the test server (e-mails use SITE_URL)."""
    message = next(m for m in reversed(mail.outbox) if m.to == [address])
    return live_server.url + re.search(r"https?://[^/\s]+(/invitations/\S+/)", message.body).group(
        1
    )


def _continue(page):
    page.get_by_role("button", name="Save and continue").click()


def _fill_common_steps(page, *, job_title, grade, department, location):
    """The steps both roles share: about you, your work, meeting and matching."""
    expect(page.get_by_role("heading", level=1)).to_contain_text("About you")
    for word in ("Curious", "Organised", "Reliable", "Calm", "Practical"):
        page.get_by_label(word, exact=True).check()
    page.get_by_label("Work telephone").fill("024 7683 1234")
    _continue(page)

    expect(page.get_by_role("heading", level=1)).to_contain_text("Your work")
    page.get_by_label("Job title").fill(job_title)
    page.get_by_label("Grade").select_option(grade)
    page.get_by_label("Profession or department").select_option(department)
    page.get_by_label("Relevant qualifications").fill("Degree in public administration")
    page.get_by_label("Your current responsibilities").fill("Day-to-day running of the team.")
    _continue(page)

    expect(page.get_by_role("heading", level=1)).to_contain_text("Meeting and matching")
    page.get_by_label(location, exact=True).check()
    page.get_by_label("Important", exact=True).check()
    page.get_by_label("Long term (about 12 months)").check()
    page.get_by_label("Someone from a different department").check()
    _continue(page)


def test_coordinator_invites_by_csv_and_two_people_apply_and_are_approved(
    page, live_server, screenshot
):
    coordinator = UserFactory(email="chris@example.org", name="Chris Coordinator")
    coordinator.user_permissions.add(Permission.objects.get(codename="add_scheme"))
    UserFactory(email="tom@example.org", name="Tom Okafor")

    # The coordinator creates the scheme.
    sign_in(page, live_server, "chris@example.org", first_name="Chris")
    page.get_by_role("link", name="Create a scheme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a scheme")
    page.get_by_label("Name of the scheme").fill("Housing mentoring 2027")
    # A new scheme is a draft until the coordinator opens it.
    expect(page.get_by_label("Status")).to_have_value("draft")
    page.get_by_label("Status").select_option("Open for applications")
    page.get_by_label("Meeting locations").fill("Council House\nCivic Centre")
    page.get_by_label("Departments").fill("Housing\nFinance\nPlanning")
    page.get_by_role("button", name="Create the scheme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Housing mentoring 2027")
    scheme = Scheme.objects.get(name="Housing mentoring 2027")
    assert scheme.status == Scheme.Status.OPEN

    # ... and invites two people with a CSV file, seeing the bad row before sending.
    page.get_by_role("link", name="Invitations").first.click()
    page.get_by_role("link", name="Upload a CSV file").click()
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": CSV.encode()}]
    )
    page.get_by_role("button", name="Check the list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the list")
    expect(page.get_by_text("not a valid e-mail address")).to_be_visible()
    assert len(mail.outbox) == 0
    page.get_by_role("button", name="Send 2 invitations").click()
    expect(page.get_by_text("2 invitations sent")).to_be_visible()
    assert sorted(m.to[0] for m in mail.outbox) == ["priya@example.org", "tom@example.org"]
    sign_out(page, "Chris Coordinator")

    # Priya follows her link, creates her account with the invited address (no second
    # verification) and lands back on her invitation.
    page.goto(_invitation_link(live_server, "priya@example.org"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You are invited to Housing mentoring 2027 as a mentee"
    )
    page.get_by_role("main").get_by_role("link", name="Sign up").click()
    page.get_by_label("Full name").fill("Priya Shah")
    expect(page.get_by_label("Email")).to_have_value("priya@example.org")
    page.get_by_label("Password", exact=True).fill("a-long-enough-passphrase")
    page.get_by_label("Password (again)").fill("a-long-enough-passphrase")
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("button", name="Accept and start my application").click()

    # She fills in the first two steps, then leaves.
    expect(page.get_by_role("heading", level=1)).to_contain_text("About you")
    expect(page.get_by_label("Full name")).to_have_value("Priya Shah")
    page.get_by_label("Curious", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()
    # Choosing fewer than five words is explained beside the field.
    expect(page.get_by_text("Choose exactly five words: you chose 1.", exact=True)).to_be_visible()
    expect(page.get_by_label("Curious", exact=True)).to_be_checked()
    for word in ("Organised", "Reliable", "Calm", "Practical"):
        page.get_by_label(word, exact=True).check()
    _continue(page)
    page.get_by_label("Job title").fill("Housing officer")
    page.get_by_label("Grade").select_option("Grade 5")
    page.get_by_label("Profession or department").select_option("Housing")
    page.get_by_label("Relevant qualifications").fill("Certificate in housing practice")
    page.get_by_label("Your current responsibilities").fill("Tenancy casework in the east.")
    page.get_by_role("button", name="Save and finish later").click()
    expect(page.get_by_text("Your answers are saved")).to_be_visible()
    expect(
        page.get_by_role("link", name=re.compile("Carry on with your application"))
    ).to_be_visible()
    sign_out(page, "Priya Shah")

    # Another day she signs in again and carries on where she stopped.
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill("priya@example.org")
    page.get_by_label("Password").fill("a-long-enough-passphrase")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My schemes").click()
    page.get_by_role("link", name=re.compile("Carry on with your application")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Meeting and matching")
    page.get_by_label("Council House", exact=True).check()
    page.get_by_label("Important", exact=True).check()
    page.get_by_label("Long term (about 12 months)").check()
    page.get_by_label("Someone from a different department").check()
    _continue(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your goals")
    page.get_by_label("To build my confidence").check()
    page.get_by_label("Confidence", exact=True).check()
    page.get_by_label("Leadership", exact=True).check()
    page.get_by_label("What success means to you").fill("Leading a small team with confidence.")
    _continue(page)

    # The review page shows her answers; submitting needs her consent.
    expect(page.get_by_text("Housing officer")).to_be_visible()
    expect(page.get_by_text("Tenancy casework in the east.")).to_be_visible()
    screenshot("questionnaire-review")
    page.get_by_role("button", name="Submit my application").click()
    expect(
        page.get_by_text(
            "Please agree to the use of your data so that we can match you.", exact=True
        )
    ).to_be_visible()
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Submit my application").click()
    expect(page.get_by_text(re.compile("submitted on", re.IGNORECASE)).first).to_be_visible()
    priya = Application.objects.get(user__email="priya@example.org")
    assert priya.status == Application.Status.SUBMITTED
    assert "Housing mentoring 2027" in priya.consent_text
    sign_out(page, "Priya Shah")

    # Tom already has an account: he signs in from his link and applies as a mentor.
    page.goto(_invitation_link(live_server, "tom@example.org"))
    page.get_by_role("main").get_by_role("link", name="I have an account: sign in").click()
    page.get_by_label("Email").fill("tom@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Accept and start my application").click()
    _fill_common_steps(
        page,
        job_title="Head of finance",
        grade="Head of service",
        department="Finance",
        location="Civic Centre",
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("What you offer")
    page.get_by_label("Your reasons for offering to mentor").fill("I had a great mentor once.")
    page.get_by_label("Leadership", exact=True).check()
    page.get_by_label("Career progression", exact=True).check()
    page.get_by_label("How many mentees you can take").fill("2")
    _continue(page)
    expect(page.get_by_text("I had a great mentor once.")).to_be_visible()
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Submit my application").click()
    expect(page.get_by_text(re.compile("submitted on", re.IGNORECASE)).first).to_be_visible()
    sign_out(page, "Tom Okafor")

    # The coordinator sees both applications and approves them.
    sign_in(page, live_server, "chris@example.org", first_name="Chris")
    page.goto(live_server.url + f"/schemes/{scheme.slug}/applications/")
    table = page.get_by_role("table")
    expect(table.get_by_role("link", name="Priya Shah")).to_be_visible()
    expect(table.get_by_role("link", name="Tom Okafor")).to_be_visible()
    screenshot("applications-review")
    for name in ("Priya Shah", "Tom Okafor"):
        page.get_by_role("link", name=name).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(name)
        page.get_by_label("Reason (optional)").fill("Welcome to the scheme!")
        page.get_by_role("button", name="Approve").click()
        expect(page.get_by_text(re.compile("approved", re.IGNORECASE)).first).to_be_visible()
    assert set(Application.objects.filter(scheme=scheme).values_list("status", flat=True)) == {
        Application.Status.APPROVED
    }
    decided = [m for m in mail.outbox if "You have a place" in m.subject]
    assert sorted(m.to[0] for m in decided) == ["priya@example.org", "tom@example.org"]
    assert all("Welcome to the scheme!" in m.body for m in decided)

    # Tom sees his place on his schemes page, with the coordinator's note.
    sign_out(page, "Chris Coordinator")
    sign_in(page, live_server, "tom@example.org", first_name="Tom")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My schemes").click()
    expect(page.get_by_text(re.compile("Approved: waiting to be matched"))).to_be_visible()
    expect(page.get_by_text("Welcome to the scheme!")).to_be_visible()
    screenshot("my-schemes-approved")
