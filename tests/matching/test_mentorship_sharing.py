"""The mentee chooses which of their goal-setting answers their mentor reads: none until
they choose, only once both have accepted, never shown to the coordinators."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from matching.models import Mentorship
from matching.services.mentorships import mentorship_share_answers
from schemes.models import Application
from tests.factories import approved_mentee, approved_mentor
from tests.html import Page, assert_accessible_page
from tests.matching.test_mentorships import activate, propose

pytestmark = pytest.mark.django_db

AWAKE = "Whether the restructure takes my post."
FEAR = "Speaking at full council & being found out."
SUCCESS = "Chairing the housing board <with> confidence."


@pytest.fixture
def proposed(scheme, mentee, mentor):
    mentee_application = approved_mentee(scheme, user=mentee)
    Application.objects.filter(pk=mentee_application.pk).update(
        awake_at_night=AWAKE, biggest_fear=FEAR, success_means=SUCCESS, issues_on_mind=""
    )
    return propose(mentee_application, approved_mentor(scheme, user=mentor))


@pytest.fixture
def active(proposed):
    return activate(proposed)


def share_url(mentorship):
    return reverse("matching:mentorship_share", kwargs={"pk": mentorship.pk})


def text_of(client, mentorship) -> str:
    return client.get(mentorship.get_absolute_url()).content.decode()


def test_nothing_is_shared_until_the_mentee_chooses(client, active, mentor):
    assert active.shared_answers == []
    client.force_login(mentor)
    html = text_of(client, active)
    assert "has not shared any of their goal-setting answers with you" in html
    for answer in (AWAKE, "full council", "housing board"):
        assert answer not in html


def test_the_mentor_reads_exactly_the_answers_the_mentee_shares(client, active, mentee, mentor):
    client.force_login(mentee)
    html = text_of(client, active)
    page = Page(html)
    # Each answered question is offered, none ticked; an unanswered one is not offered.
    assert "checked" not in page.find("share-awake_at_night")
    assert "checked" not in page.find("share-success_means")
    assert 'id="share-issues_on_mind"' not in html
    assert AWAKE in html  # the mentee sees what they would share

    response = client.post(share_url(active), {"answers": ["success_means", "biggest_fear"]})
    assert response.url == active.get_absolute_url()
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"{mentor.display_name} can now read the 2 answers you ticked."
    ]
    active.refresh_from_db()
    assert active.shared_answers == ["biggest_fear", "success_means"]  # the questionnaire's order
    assert "checked" in Page(text_of(client, active)).find("share-success_means")

    client.force_login(mentor)
    html = text_of(client, active)
    assert "Speaking at full council &amp; being found out." in html
    assert "Chairing the housing board &lt;with&gt; confidence." in html
    assert AWAKE not in html
    assert "What keeps you awake" not in html


def test_sharing_none_again_takes_every_answer_back(client, active, mentee, mentor):
    mentorship_share_answers(mentorship=active, user=mentee, answers=["awake_at_night"])
    client.force_login(mentee)
    response = client.post(share_url(active), {})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"{mentor.display_name} sees none of your goal-setting answers."
    ]
    client.force_login(mentor)
    assert AWAKE not in text_of(client, active)


def test_the_coordinators_never_see_what_is_shared(client, active, mentee, coordinator):
    mentorship_share_answers(
        mentorship=active, user=mentee, answers=["awake_at_night", "biggest_fear"]
    )
    client.force_login(coordinator)
    html = text_of(client, active)
    assert AWAKE not in html and "full council" not in html
    assert 'id="share-heading"' not in html and 'id="shared-heading"' not in html


@pytest.mark.parametrize("role", ["mentor", "coordinator"])
def test_only_the_mentee_chooses(client, active, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.post(share_url(active), {"answers": ["awake_at_night"]}).status_code == 403
    active.refresh_from_db()
    assert active.shared_answers == []
    with pytest.raises(PermissionDenied):
        mentorship_share_answers(
            mentorship=active, user=request.getfixturevalue(role), answers=["awake_at_night"]
        )


def test_someone_else_is_told_nothing_exists(client, active, outsider):
    client.force_login(outsider)
    assert client.post(share_url(active), {"answers": ["awake_at_night"]}).status_code == 404


def test_nothing_is_offered_or_shared_before_both_have_accepted(client, proposed, mentee, mentor):
    client.force_login(mentee)
    html = text_of(client, proposed)
    assert 'id="share-awake_at_night"' not in html
    response = client.post(share_url(proposed), {"answers": ["awake_at_night"]}, follow=True)
    assert "once you have both accepted" in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.shared_answers == []
    # Nor after the mentorship has ended: the mentor reads nothing any more.
    active = activate(proposed)
    mentorship_share_answers(mentorship=active, user=mentee, answers=["awake_at_night"])
    Mentorship.objects.filter(pk=active.pk).update(
        status=Mentorship.Status.ENDED, ended_at=active.started_at, end_reason="Moved on."
    )
    client.force_login(mentor)
    assert AWAKE not in text_of(client, active)


def test_an_answer_that_is_not_a_goal_cannot_be_shared(client, active, mentee):
    client.force_login(mentee)
    response = client.post(share_url(active), {"answers": ["line_manager_email"]})
    assert response.status_code == 200
    assert "Choose among the answers you gave." in response.content.decode()
    with pytest.raises(ValidationError):
        mentorship_share_answers(mentorship=active, user=mentee, answers=["job_title"])
    active.refresh_from_db()
    assert active.shared_answers == []


def test_both_pages_are_accessible_and_their_queries_bounded(
    client, active, mentee, mentor, django_assert_max_num_queries
):
    mentorship_share_answers(mentorship=active, user=mentee, answers=["awake_at_night"])
    for person in (mentee, mentor):
        client.force_login(person)
        with django_assert_max_num_queries(7):  # with the navigation's unread count
            response = client.get(active.get_absolute_url())
        assert_accessible_page(Page(response.content.decode()))


def test_the_questionnaire_says_exactly_who_sees_the_goal_answers(client, scheme, outsider):
    application = approved_mentee(scheme, user=outsider)
    Application.objects.filter(pk=application.pk).update(status=Application.Status.SUBMITTED)
    client.force_login(outsider)
    url = reverse("schemes:questionnaire_step", kwargs={"pk": application.pk, "step": "goals"})
    html = client.get(url).content.decode()
    assert "Your mentor sees none of them unless you choose" in html
    assert "which answers to share with them" in html
    assert "once you are matched" not in html


def test_sharing_one_answer_is_said_in_the_singular(client, active, mentee, mentor):
    client.force_login(mentee)
    response = client.post(share_url(active), {"answers": ["awake_at_night"]})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"{mentor.display_name} can now read the answer you ticked."
    ]
