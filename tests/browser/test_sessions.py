"""Sessions in a real browser: the mentee plans a session and writes the agenda; once it
has taken place the mentor marks it held and writes the summary with an action; the
mentee writes her reflection and rates the session; later she gives her end evaluation
and sees her change since the baseline; the coordinator sees the count and the hours,
and nothing the pair wrote."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from matching.models import Mentorship
from mentoring.models import User
from sessions.models import MentoringSession
from tests.browser.people import sign_in

AGENDA = "How the stand-up went when I chaired it"
SUMMARY = "We walked through the stand-up and what to try next"
ACTION = "Book a slot to chair the Friday review"
REFLECTION = "Being asked what I would do differently"


def _person(browser, live_server, email, first_name):
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, live_server, email, first_name=first_name)
    return page


def test_a_pair_meets_reflects_and_sees_the_change(
    browser, live_server, active_mentorship, coordinator, baseline_evaluation, screenshot
):
    User.objects.filter(pk=active_mentorship.mentee_id).update(name="Priya Patel")
    User.objects.filter(pk=active_mentorship.mentor_id).update(name="Tom Reid")
    pair = f"{live_server.url}/pairs/{active_mentorship.pk}/"

    # The mentee plans a session from her pair's page and writes the agenda.
    mentee = _person(browser, live_server, "mentee@example.org", "Priya")
    mentee.goto(pair)
    mentee.get_by_role("link", name="Plan a session").first.click()
    day = timezone.localdate() + timedelta(days=3)
    mentee.get_by_label("Date").fill(day.isoformat())
    mentee.get_by_label("Time").fill("10:00")
    mentee.get_by_label("Length (minutes)").fill("60")
    mentee.get_by_label("Video call").check()
    mentee.get_by_label("Place or meeting link").fill("https://meet.example.org/priya-tom")
    mentee.get_by_role("button", name="Plan the session").click()
    expect(mentee.get_by_role("heading", level=1)).to_contain_text("Session of")
    expect(mentee.get_by_role("link", name=re.compile("Add to calendar"))).to_be_visible()
    mentee.get_by_role("link", name="Write the agenda").click()
    mentee.get_by_label("Since last time").fill(AGENDA)
    mentee.get_by_role("button", name="Save the agenda").click()
    expect(mentee.get_by_text(AGENDA)).to_be_visible()

    # The session takes place; the mentor marks it held and writes the summary.
    session = MentoringSession.objects.get(mentorship=active_mentorship)
    MentoringSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(hours=2)
    )
    mentor = _person(browser, live_server, "mentor@example.org", "Tom")
    mentor.goto(f"{pair}sessions/{session.pk}/")
    expect(mentor.get_by_text(AGENDA)).to_be_visible()
    mentor.get_by_role("button", name="Mark held").click()
    mentor.get_by_role("link", name="Write the summary").click()
    mentor.get_by_label("Summary of the session").fill(SUMMARY)
    mentor.locator('select[name="action-0-owner"]').select_option("mentee")
    mentor.locator('input[name="action-0-text"]').fill(ACTION)
    mentor.get_by_role("button", name="Save the summary").click()
    expect(mentor.get_by_text(SUMMARY)).to_be_visible()
    expect(mentor.get_by_text(ACTION).first).to_be_visible()

    # The mentee reflects on the session, privately, and rates it.
    mentee.goto(f"{pair}sessions/{session.pk}/")
    expect(mentee.get_by_text(SUMMARY)).to_be_visible()
    mentee.get_by_role("link", name=re.compile("Write it.*looking back", re.I)).click()
    mentee.get_by_label("What was useful in this session?").fill(REFLECTION)
    mentee.get_by_role("button", name="Save your reflection").click()
    mentee.goto(f"{pair}sessions/{session.pk}/")
    mentee.locator('input[name="usefulness"][value="4"]').check()
    mentee.get_by_role("button", name="Send your rating").click()
    expect(mentee.get_by_text("You rated it 4 of 4")).to_be_visible()

    # Later, in the wind-up, she gives her end evaluation and sees her change.
    Mentorship.objects.filter(pk=active_mentorship.pk).update(stage=Mentorship.Stage.WIND_UP)
    mentee.goto(f"{pair}evaluations/end/")
    for name in mentee.locator('input[type="radio"]').evaluate_all(
        "inputs => [...new Set(inputs.map(input => input.name))]"
    ):
        value = "yes" if name == "would_recommend" else "4"
        mentee.locator(f'input[name="{name}"][value="{value}"]').check()
    mentee.get_by_role("button", name="Complete the evaluation").click()
    mentee.goto(f"{pair}evaluations/")
    change = mentee.get_by_role("table").filter(has_text="Development area")
    expect(change).to_contain_text("+2")
    expect(mentee.locator("svg[role=img]").first).to_be_visible()
    screenshot("evaluations", on=mentee)

    # The coordinator sees one session held and its hour, and no word of the pair's.
    coordinator_page = _person(browser, live_server, "coordinator@example.org", "")
    coordinator_page.goto(
        f"{live_server.url}/schemes/{active_mentorship.scheme.slug}/pairs/{active_mentorship.pk}/"
    )
    sessions = coordinator_page.get_by_role("region", name="Sessions")
    expect(sessions).to_contain_text("1 held (1 hour)")
    body = coordinator_page.locator("body")
    for text in (AGENDA, SUMMARY, ACTION, REFLECTION, "meet.example.org"):
        expect(body).not_to_contain_text(text)
