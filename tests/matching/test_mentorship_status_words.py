"""A proposed match says whose reply it waits for, to each person who sees it, and Home
offers the reply where one is due."""

import re

import pytest
from django.urls import reverse

from matching.selectors import mentorship_for_viewer
from matching.services.mentorships import mentorship_accept
from tests.factories import approved_mentee, approved_mentor
from tests.matching.test_mentorship_views import page_of
from tests.matching.test_mentorships import propose

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(scheme, mentee, mentor):
    return propose(approved_mentee(scheme, user=mentee), approved_mentor(scheme, user=mentor))


def _badge(html: str) -> list[str]:
    return re.findall(r'<span class="badge [^"]*">([^<]+)</span>', html)


def test_each_person_reads_whose_reply_a_proposed_match_waits_for(mentee, mentor, proposed):
    assert mentorship_for_viewer(proposed, "mentee").status_label == "Waiting for your reply"
    assert mentorship_for_viewer(proposed, "coordinator").status_label == "Waiting for replies"

    mentorship_accept(mentorship=proposed, user=mentee)
    proposed.refresh_from_db()
    assert mentorship_for_viewer(proposed, "mentee").status_label == (
        f"You accepted; waiting for {mentor.get_short_name()}"
    )
    assert mentorship_for_viewer(proposed, "mentor").status_label == "Waiting for your reply"
    assert mentorship_for_viewer(proposed, "coordinator").status_label == "Waiting for the mentor"


def test_the_mentee_who_accepted_sees_their_own_reply_as_theirs(client, mentee, mentor, proposed):
    mentorship_accept(mentorship=proposed, user=mentee)
    client.force_login(mentee)

    html = client.get(proposed.get_absolute_url()).content.decode()

    assert f"You accepted; waiting for {mentor.get_short_name()}" in _badge(html)
    assert "Waiting for replies" not in html
    assert re.search(r"<dt[^>]*>Your reply</dt>\s*<dd[^>]*>Accepted on ", html)
    assert re.search(r"<dt[^>]*>Mentor's reply</dt>\s*<dd[^>]*>Not answered yet", html)

    listed = client.get(reverse("matching:my_mentorships")).content.decode()
    assert f"You accepted; waiting for {mentor.get_short_name()}" in _badge(listed)


def test_home_offers_a_reply_button_only_when_a_reply_is_due(client, mentee, mentor, proposed):
    client.force_login(mentee)
    home = page_of(client.get(reverse("home")))
    reply = f"Reply to the match with {mentor.display_name}"
    assert (proposed.get_absolute_url(), reply) in [
        (attrs.get("href"), text) for attrs, text in home.links
    ], home.links
    assert "Waiting for your reply" in _badge(home.html)

    mentorship_accept(mentorship=proposed, user=mentee)
    home = page_of(client.get(reverse("home")))
    assert not any(text.startswith("Reply") for _, text in home.links)
