"""Matching in a real browser, on the demo scheme: the coordinator runs matching over the
mentees waiting in the pool, reads a pair's explanation, gives that mentee the demo
mentor (who has a place left) and the demo mentor's proposed mentee the other mentor,
and publishes; the mentee and then the demo mentor accept, and each sees the mentorship
active. (The demo mentee is already in a mentorship with the demo mentor.)"""

import re

from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from dashboard.management.commands.seed_demo import DEMO_PASSWORD, DEMO_SCHEME
from matching.models import MatchRun, Mentorship, Proposal
from tests.browser.people import sign_in, sign_out

MENTOR = "Morgan Mentor"
REASON = "They asked to be mentored by Morgan, who knows the service well."


def _swap(page, pairs_mentee, mentor):
    """Open the run's pair of ``pairs_mentee`` and propose ``mentor`` instead."""
    page.get_by_role("link", name=re.compile(r"^Run \d+")).first.click()
    page.get_by_role("table").filter(has_text="Why they fit").get_by_role(
        "link", name=re.compile(f"^{pairs_mentee} with ")
    ).click()
    page.get_by_label(mentor, exact=True).check()
    page.get_by_label("Reason for breaking the scheme's rules").fill(REASON)
    page.get_by_role("button", name="Propose this mentor instead").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{pairs_mentee} with {mentor}")


def _open_mentorship_with(page, other):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My mentorships").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My mentorships")
    page.get_by_role("article").filter(has_text=other).get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Your mentorship with {other}")


def test_coordinator_matches_swaps_and_publishes_then_both_accept(
    page, live_server, screenshot, django_capture_on_commit_callbacks
):
    call_command("seed_demo", verbosity=0)
    sign_in(
        page,
        live_server,
        "coordinator@example.org",
        password=DEMO_PASSWORD,
        first_name="Chris",
    )

    # The scheme page leads to matching; a run starts and (tasks run eagerly) finishes.
    page.goto(f"{live_server.url}/schemes/{DEMO_SCHEME['slug']}/")
    page.get_by_role("link", name="Matching runs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Matching")
    page.get_by_role("button", name="Run matching").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Finished")
    expect(page.get_by_text("optimal", exact=False).first).to_be_visible()
    pairs = page.get_by_role("table").filter(has_text="Why they fit")
    expect(pairs).to_be_visible()
    screenshot("matching-run")

    # A waiting mentee's pair (not the demo mentor's), and the demo mentor's own.
    run = MatchRun.objects.filter(scheme__slug=DEMO_SCHEME["slug"]).latest("pk")
    proposals = Proposal.objects.filter(run=run).select_related("mentee__user", "mentor__user")
    chosen = proposals.exclude(mentor__user__email="mentor@example.org").order_by("pk")[0]
    mentee, first_mentor = chosen.mentee.user, chosen.mentor.user.display_name
    mentee_name = mentee.display_name
    morgans = proposals.filter(mentor__user__email="mentor@example.org").first()

    # The mentee's pair, and why it scores what it does.
    pairs.get_by_role("link", name=re.compile(f"^{mentee_name} with ")).click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(mentee_name)
    expect(heading).not_to_contain_text(MENTOR)
    breakdown = page.get_by_role("table").filter(has_text="Development areas").first
    expect(breakdown).to_contain_text(re.compile(r"development areas", re.I))
    expect(breakdown).to_contain_text("Seniority")

    # Swap the mentor for the demo mentor; a reason covers any rule the pair breaks.
    page.get_by_label(MENTOR, exact=True).check()
    page.get_by_label("Reason for breaking the scheme's rules").fill(REASON)
    page.get_by_role("button", name="Propose this mentor instead").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{mentee_name} with {MENTOR}")
    expect(page.get_by_text("Pinned").first).to_be_visible()
    screenshot("matching-proposal")
    if morgans is not None:
        # The demo mentor has one place: their proposed mentee takes the other mentor.
        _swap(page, morgans.mentee.user.display_name, first_mentor)

    # Publish the run: both people are e-mailed.
    page.get_by_role("link", name=re.compile(r"^Run \d+")).first.click()
    page.get_by_role("link", name=re.compile(r"^Publish \d+ pairs?$")).click()
    # Asked first: who will be told, and that it cannot be undone; nobody e-mailed yet.
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Publish \d+ pairs?\?$"))
    expect(
        page.get_by_text(re.compile(r"Publishing e-mails \d+ mentees? and \d+ mentors?"))
    ).to_be_visible()
    expect(page.get_by_text("Publishing cannot be undone")).to_be_visible()
    assert not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        page.get_by_role(
            "button", name=re.compile(r"^Publish \d+ pairs? and send the e-mails")
        ).click()
        expect(page.get_by_role("alert").first).to_contain_text("The run is published")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Published")
    told = {address for message in mail.outbox for address in message.to}
    assert {mentee.email, "mentor@example.org"} <= told
    sign_out(page, "Chris Coordinator")

    # The mentee accepts; the mentor has not replied yet.
    first_name = mentee_name.split()[0]
    sign_in(page, live_server, mentee.email, password=DEMO_PASSWORD, first_name=first_name)
    _open_mentorship_with(page, MENTOR)
    expect(page.get_by_role("heading", name="Why you were matched")).to_be_visible()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("alert").first).to_contain_text(f"waiting for {MENTOR} to reply")
    sign_out(page, mentee_name)

    # The mentor accepts too: the mentorship is active, at its first stage.
    sign_in(
        page,
        live_server,
        "mentor@example.org",
        password=DEMO_PASSWORD,
        first_name="Morgan",
    )
    _open_mentorship_with(page, mentee_name)
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("alert").first).to_contain_text(
        f"Your mentorship with {mentee_name} has started"
    )
    expect(page.get_by_text("Active").first).to_be_visible()
    expect(page.get_by_text("Initiation").first).to_be_visible()
    sign_out(page, MENTOR)

    # And the mentee sees it active as well.
    sign_in(page, live_server, mentee.email, password=DEMO_PASSWORD, first_name=first_name)
    _open_mentorship_with(page, MENTOR)
    expect(page.get_by_text("Active").first).to_be_visible()
    mentorship = Mentorship.objects.get(mentee=mentee, status="active")
    assert mentorship.mentor.email == "mentor@example.org"
    assert mentorship.stage == Mentorship.Stage.INITIATION
