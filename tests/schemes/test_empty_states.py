"""The empty "My schemes" and "My mentorships" pages speak to the person who opens them:
a participant is told how to join, HR and the site administrator what they do instead."""

import pytest
from django.urls import reverse

from tests.html import Page, assert_accessible_page

pytestmark = pytest.mark.django_db

MY_SCHEMES = reverse("schemes:my_schemes")
MY_MENTORSHIPS = reverse("matching:my_mentorships")
PARTICIPANT_WORDS = ("You have not applied to a scheme yet", "No mentorships yet")


def _page(client, user, url) -> Page:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    page = Page(response.content.decode())
    assert_accessible_page(page)
    return page


def _links(page: Page) -> dict[str, str]:
    return {text: attrs.get("href") for attrs, text in page.links}


@pytest.mark.parametrize("url", [MY_SCHEMES, MY_MENTORSHIPS])
def test_someone_new_is_told_how_to_take_part(client, outsider, url):
    html = _page(client, outsider, url).html
    assert any(words in html for words in PARTICIPANT_WORDS)
    assert "empty-state" in html


def test_hr_is_pointed_to_the_reports_not_told_to_apply(client, hr_viewer):
    for url in (MY_SCHEMES, MY_MENTORSHIPS):
        page = _page(client, hr_viewer, url)
        assert not any(words in page.html for words in PARTICIPANT_WORDS), url
        assert reverse("dashboard:reports") in _links(page).values(), url
        assert reverse("admin:index") not in page.html.split("<main", 1)[1], url
    schemes = _page(client, hr_viewer, MY_SCHEMES)
    assert "You take no part in a scheme yourself" in schemes.html
    assert "As a report viewer you see every scheme's figures" in schemes.html


def test_the_administrator_is_pointed_to_the_administration(client, site_admin):
    for url in (MY_SCHEMES, MY_MENTORSHIPS):
        page = _page(client, site_admin, url)
        assert not any(words in page.html for words in PARTICIPANT_WORDS), url
        main = page.html.split("<main", 1)[1]
        assert f'href="{reverse("admin:index")}"' in main, url
    mentorships = _page(client, site_admin, MY_MENTORSHIPS)
    assert "You are in no mentorship yourself" in mentorships.html
    assert "take its coordinator role" in mentorships.html


def test_a_coordinator_with_no_mentorship_of_their_own_is_sent_to_their_schemes(
    client, coordinator
):
    page = _page(client, coordinator, MY_MENTORSHIPS)
    assert "No mentorships yet" not in page.html
    assert "The pairs of the schemes you coordinate" in page.html


@pytest.mark.parametrize(
    ("url_name", "heading", "link"),
    [
        ("schemes:invitations", "No one has been invited yet", None),
        ("matching:scheme_mentorships", "No mentorships yet", "matching:runs"),
    ],
)
def test_an_empty_list_of_the_coordinators_says_what_comes_next_in_one_look(
    client, coordinator, scheme, url_name, heading, link
):
    page = _page(client, coordinator, reverse(url_name, kwargs={"slug": scheme.slug}))
    empty = page.html.split('<div class="empty-state">', 1)[1].split("</div>", 1)[0]
    assert f'<p class="h5">{heading}</p>' in empty
    assert 'class="empty-state-mark"' in empty and 'alt=""' in empty
    if link:
        assert f'href="{reverse(link, kwargs={"slug": scheme.slug})}"' in empty
