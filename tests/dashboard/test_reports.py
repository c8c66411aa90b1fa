"""HR's reports page says what it shows and leads to each scheme's figures (counts only);
the site administrator, who holds no scheme role, is told how to get one."""

import pytest
from django.urls import reverse

from schemes.models import Application, Role
from tests.factories import ApplicationFactory, MembershipFactory, SchemeFactory
from tests.html import Page
from tests.html import visible_text as text

pytestmark = pytest.mark.django_db

REPORTS_URL = reverse("dashboard:reports")


def figures_url(slug: str = "council") -> str:
    return reverse("dashboard:scheme_figures", kwargs={"slug": slug})


def test_the_reports_page_says_what_it_shows_and_links_each_scheme_to_its_figures(
    client, hr_viewer, scheme
):
    client.force_login(hr_viewer)
    response = client.get(REPORTS_URL)
    content = text(response)
    assert "how many people hold each role" in content
    assert "Reports show no names and nothing anyone wrote in confidence" in content
    assert "coming" not in content.lower()
    links = {attrs.get("href"): label for attrs, label in Page(response.content.decode()).links}
    assert links.get(figures_url()) == scheme.name
    # HR is not told anything about administration.
    assert "You are the site administrator" not in content


def test_a_schemes_figures_are_counts_with_no_name(
    client, hr_viewer, scheme, coordinator, mentor, mentee
):
    ApplicationFactory(
        scheme=scheme,
        role=Role.MENTEE,
        status=Application.Status.SUBMITTED,
        user__name="Private Person",
        user__email="private@example.org",
        responsibilities="A confidential answer.",
    )
    client.force_login(hr_viewer)
    response = client.get(figures_url())
    assert response.status_code == 200
    content = text(response)
    assert response.context["scheme"].mentee_count == 1
    assert "Coordinators 1" in content
    assert "Mentees (approved) 1" in content
    assert "Submitted 1" in content
    assert "Mentees waiting for a match" in content
    for private in ("Private Person", "private@example.org", "A confidential answer."):
        assert private not in response.content.decode()
    for person in (coordinator, mentor, mentee):
        assert person.email not in response.content.decode()
        assert person.name not in response.content.decode()


def test_the_figures_page_takes_the_same_queries_however_many_rows(
    client, hr_viewer, scheme, django_assert_max_num_queries
):
    client.force_login(hr_viewer)
    with django_assert_max_num_queries(12) as few:
        client.get(figures_url())
    for _ in range(20):
        ApplicationFactory(scheme=scheme, role=Role.MENTEE, status=Application.Status.APPROVED)
        MembershipFactory(scheme=scheme, role=Role.MENTOR)
    with django_assert_max_num_queries(len(few)):
        client.get(figures_url())


def test_an_unknown_scheme_is_not_found_for_hr(client, hr_viewer):
    client.force_login(hr_viewer)
    assert client.get(figures_url("no-such-scheme")).status_code == 404


def test_the_site_administrator_is_told_to_use_the_admin_or_a_coordinator_role(
    client, site_admin, scheme
):
    client.force_login(site_admin)
    for address in ("/", REPORTS_URL):
        response = client.get(address)
        content = text(response)
        assert "You are the site administrator" in content, address
        assert "give yourself a coordinator role" in content, address
        hrefs = {attrs.get("href") for attrs, _ in Page(response.content.decode()).links}
        assert reverse("admin:schemes_membership_add") in hrefs, address
    # The rule itself is unchanged: a scheme's own pages stay closed without a role.
    assert client.get(reverse("scheme", kwargs={"slug": "council"})).status_code == 404


def test_an_administrator_with_a_scheme_role_is_not_told_again(client, site_admin):
    MembershipFactory(user=site_admin, scheme=SchemeFactory(), role=Role.COORDINATOR)
    client.force_login(site_admin)
    assert "You are the site administrator" not in text(client.get("/"))
    assert "You are the site administrator" not in text(client.get(REPORTS_URL))
