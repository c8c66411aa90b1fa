"""The pages of mentorships: my mentorships, a mentorship with its replies and ending,
the shortlist, and the coordinator's list of a scheme's mentorships."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matching.models import Mentorship
from matching.services.mentorships import mentorship_accept, mentorship_decline, mentorship_end
from schemes.choices import MatchingMode
from schemes.models import Application
from tests.factories import approved_mentee, approved_mentor
from tests.html import Page, assert_accessible_page
from tests.matching.test_mentorships import activate, propose

A, B, C = "Confidence", "Leadership", "Networking"


@pytest.fixture
def pair(scheme, mentee, mentor):
    return approved_mentee(scheme, user=mentee), approved_mentor(scheme, user=mentor)


@pytest.fixture
def proposed(pair):
    return propose(*pair)


@pytest.fixture
def other_pair(scheme):
    """Another pair of the same scheme: nothing of it is the first pair's business."""
    return propose(approved_mentee(scheme), approved_mentor(scheme))


def page_of(response) -> Page:
    page = Page(response.content.decode())
    assert_accessible_page(page)
    return page


def url(name, **kwargs):
    return reverse(f"matching:{name}", kwargs=kwargs)


# --- my mentorships ------------------------------------------------------------------------


def test_my_mentorships_lists_both_roles_with_what_to_do_next(
    client, scheme, mentee, mentor, pair, proposed
):
    # The mentee is also a mentor elsewhere in the scheme, in an active mentorship.
    own_mentor_app = approved_mentor(scheme, user=mentee)
    active = activate(propose(approved_mentee(scheme), own_mentor_app))
    client.force_login(mentee)

    response = client.get(url("my_mentorships"))

    assert response.status_code == 200
    page = page_of(response)
    html = response.content.decode()
    assert [text for level, text in page.headings if level == 3] == [
        active.mentee.display_name,
        mentor.display_name,
    ]
    assert "Your mentor in Council staff mentoring" in html
    assert "Your mentee in Council staff mentoring" in html
    assert "Please reply by" in html
    assert "at the initiation stage" in html
    assert proposed.get_absolute_url() in html


def test_my_mentorships_says_when_waiting_for_the_other_person(client, mentor, proposed):
    mentorship_accept(mentorship=proposed, user=mentor)
    client.force_login(mentor)

    html = client.get(url("my_mentorships")).content.decode()

    assert f"You accepted. Waiting for {proposed.mentee.get_short_name()} to reply" in html
    assert "Please reply by" not in html


def test_my_mentorships_links_an_approved_mentee_to_their_shortlist(client, scheme, mentee):
    scheme.matching_mode = MatchingMode.SHORTLIST
    scheme.save()
    application = approved_mentee(scheme, user=mentee)
    client.force_login(mentee)

    response = client.get(url("my_mentorships"))

    page_of(response)
    assert url("shortlist", pk=application.pk) in response.content.decode()


def test_past_mentorships_are_listed_apart(client, mentee, proposed):
    mentorship_decline(mentorship=proposed, user=mentee)
    client.force_login(mentee)

    response = client.get(url("my_mentorships"))

    page = page_of(response)
    assert [text for level, text in page.headings if level == 2] == ["Past"]
    assert "Declined" in response.content.decode()


def test_my_mentorships_costs_the_same_queries_for_many_mentorships(client, scheme, mentor):
    mentor_app = approved_mentor(scheme, user=mentor, capacity=20)
    propose(approved_mentee(scheme), mentor_app)
    client.force_login(mentor)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url("my_mentorships")).status_code == 200
    for _ in range(8):
        propose(approved_mentee(scheme), mentor_app)
    with CaptureQueriesContext(connection) as nine:
        assert client.get(url("my_mentorships")).status_code == 200
    assert len(nine) == len(one)


# --- a mentorship --------------------------------------------------------------------------


def test_the_mentee_sees_their_mentor_and_why_without_scores(client, mentee, mentor, proposed):
    client.force_login(mentee)

    response = client.get(proposed.get_absolute_url())

    assert response.status_code == 200
    page_of(response)
    html = response.content.decode()
    assert f"Your mentorship with {mentor.display_name}" in html
    assert mentor.email in html
    assert "Finance manager" in html and "Finance" in html
    assert "Shares 2 of 2 development areas" in html
    assert "Mentor is two grades senior" in html
    assert "No meeting place in common" not in html  # earned nothing: not a reason
    assert "points" not in html
    assert "40.0" not in html
    assert 'value="accept"' in html and 'value="decline"' in html


def test_the_coordinator_sees_dates_score_and_breakdown(client, coordinator, proposed):
    client.force_login(coordinator)

    response = client.get(proposed.get_absolute_url())

    assert response.status_code == 200
    page_of(response)
    html = response.content.decode()
    assert "Score: 40.0 points" in html
    assert "30.0 of 30" in html
    assert "No meeting place in common" in html
    # A coordinator does not reply for the pair, but can end the match.
    assert 'value="accept"' not in html
    assert url("mentorship_end", pk=proposed.pk) in html


def test_the_mentor_accepts_after_the_mentee_and_the_mentorship_starts(
    client, mentee, mentor, proposed
):
    client.force_login(mentee)
    response = client.post(url("mentorship_reply", pk=proposed.pk), {"decision": "accept"})
    assert response.status_code == 302
    client.force_login(mentor)

    response = client.post(
        url("mentorship_reply", pk=proposed.pk), {"decision": "accept"}, follow=True
    )

    proposed.refresh_from_db()
    assert proposed.status == Mentorship.Status.ACTIVE
    html = response.content.decode()
    assert "has started" in html
    assert "Stage: Initiation" in html
    assert 'value="accept"' not in html


def test_a_decline_with_a_reason_is_recorded(client, mentor, proposed):
    client.force_login(mentor)

    response = client.post(
        url("mentorship_reply", pk=proposed.pk),
        {"decision": "decline", "reason": "I am leaving the council."},
    )

    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.status == Mentorship.Status.DECLINED
    assert proposed.decline_reason == "I am leaving the council."


def test_a_reply_that_fails_shows_the_page_again_with_the_reason_typed(client, mentor, proposed):
    client.force_login(mentor)
    # The deadline passed while the page was open (the hourly job has not run yet).
    Mentorship.objects.filter(pk=proposed.pk).update(
        respond_by=timezone.now() - timedelta(minutes=1)
    )
    response = client.post(
        url("mentorship_reply", pk=proposed.pk),
        {"decision": "decline", "reason": "Too busy this spring."},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "The time to reply to this match has passed." in html
    assert 'value="decline"' not in html  # no reply is possible any more
    proposed.refresh_from_db()
    assert proposed.status == Mentorship.Status.PROPOSED

    Mentorship.objects.filter(pk=proposed.pk).update(respond_by=timezone.now() + timedelta(days=1))
    too_long = "x" * 2001
    response = client.post(
        url("mentorship_reply", pk=proposed.pk), {"decision": "decline", "reason": too_long}
    )
    assert response.status_code == 200
    page_of(response)
    assert too_long in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == Mentorship.Status.PROPOSED


def test_a_reply_is_posted_and_only_by_the_pair(client, mentee, coordinator, proposed):
    client.force_login(mentee)
    assert client.get(url("mentorship_reply", pk=proposed.pk)).status_code == 405
    client.force_login(coordinator)
    response = client.post(url("mentorship_reply", pk=proposed.pk), {"decision": "accept"})
    assert response.status_code == 403


def test_the_ending_page_takes_gets_and_posts_only(client, mentee, proposed):
    client.force_login(mentee)
    assert client.put(url("mentorship_end", pk=proposed.pk)).status_code == 405


def test_ending_asks_for_a_reason_then_ends(client, mentee, proposed):
    activate(proposed)
    client.force_login(mentee)
    end = url("mentorship_end", pk=proposed.pk)

    response = client.get(end)
    assert response.status_code == 200
    page_of(response)

    response = client.post(end, {"reason": "   "})
    assert response.status_code == 200
    assert "Please say why the mentorship is ending." in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == Mentorship.Status.ACTIVE

    response = client.post(end, {"reason": "Our jobs changed."}, follow=True)
    proposed.refresh_from_db()
    assert proposed.status == Mentorship.Status.ENDED
    assert proposed.end_reason == "Our jobs changed."
    assert "The mentorship has ended." in response.content.decode()


def test_a_finished_mentorship_has_no_ending_form(client, coordinator, mentee, proposed):
    mentorship_end(mentorship=proposed, ended_by=coordinator, reason="Withdrawn.")
    client.force_login(mentee)

    response = client.get(url("mentorship_end", pk=proposed.pk))

    assert response.status_code == 302
    assert response.url == proposed.get_absolute_url()


@pytest.mark.parametrize("name", ["mentorship", "mentorship_end"])
@pytest.mark.parametrize("role", ["outsider", "other_coordinator", "hr_viewer"])
def test_nobody_else_learns_a_mentorship_exists(client, request, proposed, name, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url(name, pk=proposed.pk)).status_code == 404
    assert client.post(url("mentorship_reply", pk=proposed.pk)).status_code == 404
    # Nor from the method: the mentorship is looked for first.
    assert client.get(url("mentorship_reply", pk=proposed.pk)).status_code == 404
    assert client.put(url(name, pk=proposed.pk)).status_code == 404


def test_a_participant_cannot_open_another_pairs_mentorship(client, mentee, mentor, other_pair):
    for person in (mentee, mentor):
        client.force_login(person)
        assert client.get(other_pair.get_absolute_url()).status_code == 404
        response = client.post(url("mentorship_reply", pk=other_pair.pk), {"decision": "accept"})
        assert response.status_code == 404
    other_pair.refresh_from_db()
    assert other_pair.mentee_response == Mentorship.Response.PENDING


def test_anonymous_people_are_sent_to_sign_in(client, proposed):
    response = client.get(proposed.get_absolute_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


# --- the shortlist -------------------------------------------------------------------------


@pytest.fixture
def shortlist_scheme(scheme):
    scheme.matching_mode = MatchingMode.SHORTLIST
    scheme.save()
    return scheme


@pytest.fixture
def chooser(shortlist_scheme, mentee):
    return approved_mentee(shortlist_scheme, user=mentee, areas_wanted=[A, B, C])


def test_the_shortlist_shows_five_mentors_and_a_request_makes_it_pending(
    client, shortlist_scheme, chooser, mentee
):
    best = approved_mentor(shortlist_scheme, areas_offered=[A, B, C], job_title="Head of housing")
    for _ in range(5):
        approved_mentor(shortlist_scheme, areas_offered=[A])
    approved_mentor(shortlist_scheme, department="Housing")  # inadmissible
    client.force_login(mentee)
    shortlist = url("shortlist", pk=chooser.pk)

    response = client.get(shortlist)

    assert response.status_code == 200
    page = page_of(response)
    mentors = [text for level, text in page.headings if level == 3]
    assert len(mentors) == 5
    assert mentors[0] == f"1. {best.user.display_name}"
    html = response.content.decode()
    assert "Head of housing" in html
    assert "1 place left" in html
    assert f'name="mentor" value="{best.pk}"' in html

    response = client.post(shortlist, {"mentor": best.pk}, follow=True)

    mentorship = Mentorship.objects.get(mentee_application=chooser)
    assert mentorship.mentor_application == best
    assert mentorship.source == Mentorship.Source.SHORTLIST
    html = response.content.decode()
    assert f"We have asked {best.user.display_name}" in html
    assert "Your request" in html
    assert 'name="mentor"' not in html


def test_a_request_for_a_mentor_who_just_filled_up_is_refused_on_the_page(
    client, shortlist_scheme, chooser, mentee
):
    mentor_app = approved_mentor(shortlist_scheme, areas_offered=[A])
    client.force_login(mentee)
    propose(approved_mentee(shortlist_scheme), mentor_app)  # meanwhile, someone else took the place

    response = client.post(url("shortlist", pk=chooser.pk), {"mentor": mentor_app.pk})

    assert response.status_code == 200
    assert "That mentor has just filled their last place. Choose another." in (
        response.content.decode()
    )
    assert not Mentorship.objects.filter(mentee_application=chooser).exists()


def test_a_mentor_of_another_scheme_cannot_be_requested(client, chooser, mentee, other_scheme):
    stranger = approved_mentor(other_scheme)
    client.force_login(mentee)

    response = client.post(url("shortlist", pk=chooser.pk), {"mentor": stranger.pk})

    assert response.status_code == 200
    assert "Choose one of the mentors on your shortlist." in response.content.decode()
    assert not Mentorship.objects.exists()


def test_there_is_no_shortlist_in_a_scheme_matched_by_runs(client, scheme, mentee):
    application = approved_mentee(scheme, user=mentee)
    client.force_login(mentee)
    assert client.get(url("shortlist", pk=application.pk)).status_code == 404


def test_only_the_mentee_sees_their_shortlist(
    client, shortlist_scheme, chooser, mentor, coordinator
):
    mentor_app = approved_mentor(shortlist_scheme, user=mentor)
    for person in (mentor, coordinator):
        client.force_login(person)
        assert client.get(url("shortlist", pk=chooser.pk)).status_code == 404
    client.force_login(mentor)
    assert client.get(url("shortlist", pk=mentor_app.pk)).status_code == 404  # not a mentee


def test_a_mentee_not_yet_approved_has_no_shortlist(client, chooser, mentee):
    Application.objects.filter(pk=chooser.pk).update(status=Application.Status.SUBMITTED)
    client.force_login(mentee)
    assert client.get(url("shortlist", pk=chooser.pk)).status_code == 404


# --- the coordinator's list ----------------------------------------------------------------


def test_the_coordinator_sees_every_mentorship_counted_and_filtered(
    client, scheme, coordinator, proposed, other_pair
):
    activate(other_pair)
    ended = propose(approved_mentee(scheme), approved_mentor(scheme))
    mentorship_end(mentorship=ended, ended_by=coordinator, reason="Moved away.")
    client.force_login(coordinator)
    listing = url("scheme_mentorships", slug=scheme.slug)

    response = client.get(listing)

    assert response.status_code == 200
    page_of(response)
    html = response.content.decode()
    headings = [text for level, text in page_of(response).headings if level == 2]
    assert "All 3 mentorships" in headings
    for mentorship in (proposed, other_pair, ended):
        assert mentorship.get_absolute_url() in html
    assert 'data-status="active">' in html

    response = client.get(listing, {"status": "active"})

    html = response.content.decode()
    assert other_pair.get_absolute_url() in html
    assert proposed.get_absolute_url() not in html
    assert ended.get_absolute_url() not in html
    # The heading above the filtered list counts the list, not the whole scheme.
    headings = [text for level, text in page_of(response).headings if level == 2]
    assert "1 of 3: Active" in headings
    assert "3 mentorships in the scheme" in headings
    assert "3 mentorships" not in headings


def test_the_coordinators_list_pages_and_its_queries_do_not_grow(client, scheme, coordinator):
    mentor_app = approved_mentor(scheme, capacity=20)
    propose(approved_mentee(scheme), mentor_app)
    client.force_login(coordinator)
    listing = url("scheme_mentorships", slug=scheme.slug)
    with CaptureQueriesContext(connection) as one:
        assert client.get(listing).status_code == 200
    for _ in range(12):
        propose(approved_mentee(scheme), mentor_app)
    with CaptureQueriesContext(connection) as thirteen:
        response = client.get(listing)
    assert len(thirteen) == len(one)
    assert response.content.decode().count("/mentorships/") >= 13


def test_a_long_list_is_paged(client, scheme, coordinator, monkeypatch):
    from matching.views import mentorships as views

    monkeypatch.setattr(views, "PER_PAGE", 2)
    mentor_app = approved_mentor(scheme, capacity=5)
    for _ in range(3):
        propose(approved_mentee(scheme), mentor_app)
    client.force_login(coordinator)

    response = client.get(url("scheme_mentorships", slug=scheme.slug), {"page": 2})

    html = response.content.decode()
    assert "Mentorships 3 to 3 of 3" in html
    assert "Page 2 of 2" in html


@pytest.mark.parametrize("role", ["mentee", "mentor", "other_coordinator", "hr_viewer", "outsider"])
def test_only_the_schemes_coordinators_see_its_list(client, request, scheme, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url("scheme_mentorships", slug=scheme.slug)).status_code == 404
