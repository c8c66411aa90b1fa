"""Bulk review in a real browser: the coordinator filters the demo scheme's submitted
applications, ticks two by their labels and approves them with one note; both people
are e-mailed and the list says what happened."""

import re

from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from dashboard.management.commands.seed_demo import DEMO_PASSWORD, DEMO_SCHEME
from schemes.models import Application
from tests.browser.people import sign_in


def test_coordinator_ticks_two_submitted_applications_and_approves_them_at_once(
    page, live_server, django_capture_on_commit_callbacks
):
    call_command("seed_demo", verbosity=0)
    submitted = list(
        Application.objects.filter(
            scheme__slug=DEMO_SCHEME["slug"], status=Application.Status.SUBMITTED
        )
        .select_related("user")
        .order_by("-submitted_at")[:2]
    )
    assert len(submitted) == 2
    sign_in(page, live_server, "coordinator@example.org", password=DEMO_PASSWORD)

    page.goto(f"{live_server.url}/schemes/{DEMO_SCHEME['slug']}/applications/")
    page.get_by_label("Status", exact=True).select_option(label="Submitted")
    page.get_by_role("button", name="Show applications").click()
    expect(
        page.get_by_text(re.compile(r"^All \d+ applications matching these filters"))
    ).to_be_visible()

    for application in submitted:
        page.get_by_label(
            f"Tick {application.user.display_name} ({application.get_role_display().lower()})"
        ).check()
    page.get_by_label("Reason (optional)").fill("Welcome aboard: the launch is on Monday.")
    with django_capture_on_commit_callbacks(execute=True):
        page.get_by_role("button", name="Approve", exact=True).click()
        expect(page.get_by_role("alert").first).to_contain_text(
            "2 applications are approved. An e-mail is on its way to each person to say so."
        )
    # Back on the same filtered list.
    expect(page.get_by_label("Status", exact=True)).to_have_value("submitted")
    for application in submitted:
        application.refresh_from_db()
        assert application.status == Application.Status.APPROVED
    told = [m for m in mail.outbox if "Welcome aboard" in m.body]
    assert sorted(m.to[0] for m in told) == sorted(a.user.email for a in submitted)
