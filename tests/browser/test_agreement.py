"""The pair's space in a real browser: the mentee drafts the agreement, the mentor edits
it and both sign; they add a goal with two targets, record progress and see the chart;
the mentor changes the agreement, the mentee sees what changed and signs again; the
coordinator sees "signed" and the stage, never the text."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from mentoring.models import User
from tests.browser.people import sign_in

PURPOSE = "Grow into leading the planning team's casework"
SUCCESS = "Chairing the casework meeting by spring"
OBJECTIVES = "Chair a team meeting\nGive difficult feedback well"
CHANGED_FREQUENCY = "Every three weeks, for an hour"
TARGET_ONE = "Chair the Monday stand-up"
TARGET_TWO = "Ask two colleagues for feedback"


def _person(browser, live_server, email, first_name):
    """A page in a browser context of its own, signed in as ``email``."""
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, live_server, email, first_name=first_name)
    return page


def _open_pair_page(page, other):
    page.get_by_role("link", name="Open your pair's page").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Your mentorship with {other}")


def _open_agreement(page, live_server, mentorship):
    page.goto(f"{live_server.url}/pairs/{mentorship.pk}/agreement/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your agreement with")


def _sign(page, name, number):
    page.get_by_label("I have read this version and agree to it").check()
    page.get_by_label("Type your full name").fill(name)
    page.get_by_role("button", name=f"Sign version {number}").click()


def test_a_pair_writes_signs_sets_goals_and_changes_their_agreement(
    browser, live_server, active_mentorship, coordinator, screenshot
):
    User.objects.filter(pk=active_mentorship.mentee_id).update(name="Priya Patel")
    User.objects.filter(pk=active_mentorship.mentor_id).update(name="Tom Reid")
    User.objects.filter(pk=coordinator.pk).update(name="Chris Coordinator")

    # The mentee finds her pair's page from Home, and what to do next.
    mentee = _person(browser, live_server, "mentee@example.org", "Priya")
    _open_pair_page(mentee, "Tom Reid")
    expect(mentee.get_by_role("region", name="Next for you")).to_contain_text("agreement")
    expect(mentee.get_by_role("heading", name="Your stage: Initiation")).to_be_visible()

    # She drafts the agreement; a fourth objective would be refused, three are fine.
    mentee.get_by_role("link", name="Go to your agreement").click()
    mentee.get_by_role("link", name="Write the agreement").click()
    mentee.get_by_label("Why are we doing this?").fill(PURPOSE)
    mentee.get_by_label("What will success look like?").fill(SUCCESS)
    mentee.get_by_label("What are our objectives?").fill(OBJECTIVES + "\nA\nB")
    mentee.get_by_role("button", name="Save the draft").click()
    expect(mentee.get_by_text("at most 3", exact=False).first).to_be_visible()
    expect(mentee.get_by_label("Why are we doing this?")).to_have_value(PURPOSE)
    mentee.get_by_label("What are our objectives?").fill(OBJECTIVES)
    mentee.get_by_role("button", name="Save the draft").click()
    expect(mentee.get_by_text("Saved as a draft of version 1")).to_be_visible()
    _sign(mentee, "Priya Patel", 1)
    expect(mentee.get_by_role("alert")).to_contain_text(
        "You have signed version 1. Waiting for Tom Reid"
    )

    # The mentor edits it: Priya's signature on the earlier text no longer counts.
    mentor = _person(browser, live_server, "mentor@example.org", "Tom")
    _open_pair_page(mentor, "Priya Patel")
    _open_agreement(mentor, live_server, active_mentorship)
    expect(mentor.get_by_text(PURPOSE)).to_be_visible()
    mentor.get_by_role("link", name="Edit the draft").first.click()
    mentor.get_by_label("How often do we meet?").fill("Monthly")
    mentor.get_by_role("button", name="Save the draft").click()
    expect(mentor.get_by_text("sign again", exact=False).first).to_be_visible()
    _sign(mentor, "Tom Reid", 1)
    expect(mentor.get_by_role("alert")).to_contain_text(
        "You have signed version 1. Waiting for Priya Patel"
    )

    # Priya signs the text as it is now: version 1 is in force, and the stage moves on.
    _open_agreement(mentee, live_server, active_mentorship)
    expect(mentee.get_by_text("Monthly")).to_be_visible()
    _sign(mentee, "Priya Patel", 1)
    expect(mentee.get_by_text("Version 1 is now in force")).to_be_visible()
    expect(mentee.get_by_text("goal-setting stage", exact=False).first).to_be_visible()

    # A goal from an objective, with two SMART targets and two ratings.
    mentee.goto(f"{live_server.url}/pairs/{active_mentorship.pk}/")
    expect(mentee.get_by_role("heading", name="Your stage: Goal setting")).to_be_visible()
    mentee.get_by_role("link", name="Add a goal", exact=True).click()
    mentee.get_by_role("link", name=re.compile("Chair a team meeting")).click()
    expect(mentee.get_by_label("What is the goal?")).to_have_value("Chair a team meeting")
    mentee.get_by_label("Why does it matter?").fill("Leading starts with meetings")
    mentee.get_by_role("button", name=re.compile("Save|Add")).first.click()
    expect(mentee.get_by_role("heading", level=1)).to_have_text("Chair a team meeting")
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    for what, measure in ((TARGET_ONE, "Chaired it twice"), (TARGET_TWO, "Two replies")):
        mentee.get_by_role("link", name="Add a target").click()
        mentee.get_by_label("What exactly?").fill(what)
        mentee.get_by_label("How will you measure it?").fill(measure)
        mentee.get_by_label("Due by").fill(due)
        mentee.get_by_role("button", name=re.compile("Save|Add")).first.click()
        expect(mentee.get_by_role("heading", level=1)).to_have_text("Chair a team meeting")
        expect(mentee.get_by_text(what).first).to_be_visible()
    for rating in ("4", "6"):
        mentee.get_by_label("Where does the goal stand now?").select_option(rating)
        mentee.get_by_role("button", name="Record the rating").click()
        expect(
            mentee.get_by_text(f"Your rating of {rating} out of 10 is recorded.")
        ).to_be_visible()
    chart = mentee.get_by_role("img", name=re.compile("Chair a team meeting"))
    expect(chart).to_be_visible()
    expect(chart.locator("circle")).to_have_count(2)
    history = mentee.get_by_role("table").filter(has_text="Every rating of this goal")
    expect(history).to_contain_text("6")
    expect(history).to_contain_text("4")

    # The mentor changes the agreement in force and signs the new version.
    _open_agreement(mentor, live_server, active_mentorship)
    mentor.get_by_role("link", name="Change the agreement").click()
    mentor.get_by_label("How often do we meet?").fill(CHANGED_FREQUENCY)
    mentor.get_by_role("button", name="Save the draft").click()
    expect(mentor.get_by_text("Saved as a draft of version 2")).to_be_visible()
    _sign(mentor, "Tom Reid", 2)

    # Priya sees what changed, word by word, while version 1 stays in force; she signs.
    _open_agreement(mentee, live_server, active_mentorship)
    expect(
        mentee.get_by_text("Version 1 stays in force until you both sign version 2")
    ).to_be_visible()
    mentee.get_by_role("link", name="See what version 2 changes").click()
    expect(mentee.get_by_role("heading", level=1)).to_have_text(
        "What changed from version 1 to version 2"
    )
    expect(mentee.locator("ins").filter(has_text="three weeks")).to_be_visible()
    expect(mentee.locator("del").filter(has_text="Monthly")).to_be_visible()
    _open_agreement(mentee, live_server, active_mentorship)
    _sign(mentee, "Priya Patel", 2)
    expect(mentee.get_by_text("Version 2 is now in force")).to_be_visible()
    mentee.goto(f"{live_server.url}/pairs/{active_mentorship.pk}/")
    screenshot("pair-page", on=mentee)

    # The coordinator sees that the agreement is signed and the stage, not the text.
    coordinator_page = _person(browser, live_server, "coordinator@example.org", "Chris")
    coordinator_page.goto(f"{live_server.url}/schemes/{active_mentorship.scheme.slug}/")
    coordinator_page.get_by_role("link", name=re.compile("^Pairs")).first.click()
    row = coordinator_page.get_by_role("row").filter(has_text="Priya Patel")
    expect(row).to_contain_text("Goal setting")
    expect(row).to_contain_text(re.compile("Signed", re.I))
    row.get_by_role("link").first.click()
    expect(coordinator_page.get_by_role("heading", level=1)).to_contain_text("Priya Patel")
    body = coordinator_page.locator("body")
    expect(body).to_contain_text(re.compile("version 2", re.I))
    for text in (PURPOSE, SUCCESS, CHANGED_FREQUENCY, TARGET_ONE, "Leading starts with"):
        expect(body).not_to_contain_text(text)
