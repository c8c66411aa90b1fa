"""HR's overview (the reports page): every scheme's impact figures, each and in total,
filtered by scheme, period, department and grade, suppressed as the impact report is;
links to each scheme's impact report and figures, never to a person or a pair."""

import re

import pytest
from django.urls import reverse

from dashboard.impact import FEWER
from tests.dashboard.impact_data import MARKER, evaluated_pairs
from tests.dashboard.test_impact import AREAS, SIX
from tests.factories import SchemeFactory
from tests.html import Page, text_beside
from tests.html import visible_text as text

pytestmark = pytest.mark.django_db

REPORTS_URL = reverse("dashboard:reports")


@pytest.fixture
def schemes(db):
    """Six mentees of Finance (grade 2) in one scheme, three of Housing in another."""
    big = SchemeFactory(name="Big scheme", slug="big", development_areas=AREAS)
    small = SchemeFactory(name="Small scheme", slug="small", development_areas=AREAS)
    pairs = evaluated_pairs(big, SIX, department="Finance", grade="Grade 2", goals=(1, 1))
    pairs += evaluated_pairs(small, SIX[:3], department="Housing", goals=(1, 1))
    return big, small, pairs


def test_hr_sees_each_schemes_figures_and_the_total_under_suppression(client, hr_viewer, schemes):
    client.force_login(hr_viewer)
    response = client.get(REPORTS_URL)
    assert response.status_code == 200
    content = text(response)
    assert "All 2 schemes together" in content
    sections = response.context["sections"]
    assert [s.scheme.name for s in sections] == ["Big scheme", "Small scheme"]
    by_name = {s.scheme.name: s for s in sections}
    # Three mentees' baselines are hidden; the six beside them are withheld, else
    # the total (nine) minus six would give the three away.
    assert by_name["Small scheme"].area_rows[0].cells[0] == FEWER
    assert by_name["Big scheme"].area_rows[0].cells[0] == "withheld"
    assert response.context["total"].area_rows[0].cells[0].endswith("(9 people)")
    assert "withheld although 5 or more people are behind it" in content
    assert "fewer than 5 people are behind" in content


def test_the_overview_links_to_each_schemes_impact_and_figures_and_to_no_person(
    client, hr_viewer, schemes
):
    big, small, pairs = schemes
    client.force_login(hr_viewer)
    response = client.get(REPORTS_URL)
    html = response.content.decode()
    hrefs = {attrs.get("href") for attrs, _ in Page(html).links}
    for scheme in (big, small):
        assert reverse("dashboard:scheme_impact", kwargs={"slug": scheme.slug}) in hrefs
        assert reverse("dashboard:scheme_figures", kwargs={"slug": scheme.slug}) in hrefs
    for href in hrefs:
        assert not re.search(
            r"/(mentorships|pairs|agreements|applications|people|users)/\d+", href or ""
        )
    assert MARKER not in html
    for pair in pairs:
        for person in (pair.mentee, pair.mentor):
            assert person.email not in html
            assert person.display_name not in html


def test_the_overview_filters_by_scheme_department_and_grade(client, hr_viewer, schemes):
    client.force_login(hr_viewer)
    # The big scheme alone is withheld as it is beside the small one: else the total
    # (nine) minus its six would give the small scheme's three away.
    response = client.get(REPORTS_URL + "?scheme=big")
    assert response.context["sections"] == []
    assert response.context["total"].area_rows[0].cells[0] == "withheld"
    # The big scheme's mentees are all of Finance, grade 2: the same six, withheld too;
    # and the nine less those six would be the three.
    for query in ("department=Finance", "grade=Grade+2"):
        response = client.get(REPORTS_URL + "?" + query)
        assert response.context["total"].area_rows[0].cells[0] == "withheld", query
    response = client.get(REPORTS_URL + "?department=Housing")
    assert response.context["total"].area_rows[0].cells[0] == FEWER
    # The printable view keeps the filters.
    assert reverse("dashboard:impact") + "?department=Housing&amp;print=1" in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("scheme=no-such-scheme", "scheme", "Select a valid choice."),
        ("end=31/31/2025", "end", "Enter a valid date."),
        ("grade=Grade+99", "grade", "Select a valid choice."),
    ],
)
def test_bad_filters_on_the_overview_are_a_message_beside_the_field(
    client, hr_viewer, schemes, query, field, message
):
    client.force_login(hr_viewer)
    response = client.get(REPORTS_URL + "?" + query)
    assert response.status_code == 200
    assert message in text_beside(response, field)
    assert response.context["impact"] is None


def test_the_overview_with_no_evaluations_says_so(client, hr_viewer, scheme):
    client.force_login(hr_viewer)
    content = text(client.get(REPORTS_URL))
    assert (
        "No mentee or mentor has answered an evaluation, and no pair has set a goal, "
        "in this scheme yet."
    ) in content


def test_a_scheme_with_no_figures_is_named_not_tabled(client, hr_viewer, schemes):
    SchemeFactory(name="Quiet scheme", slug="quiet", development_areas=AREAS)
    client.force_login(hr_viewer)
    response = client.get(REPORTS_URL)
    assert "All 3 schemes together" in text(response)
    assert [s.scheme.name for s in response.context["sections"]] == [
        "Big scheme",
        "Small scheme",
    ]
    assert "No evaluation answers and no goals yet in: Quiet scheme." in text(response)


def test_evaluation_ratings_are_not_offered_by_department_or_grade(client, hr_viewer, schemes):
    client.force_login(hr_viewer)
    evaluations = reverse("dashboard:export", kwargs={"report": "evaluations"})
    response = client.get(REPORTS_URL + "?department=Housing")
    hrefs = [attrs.get("href") or "" for attrs, _ in Page(response.content.decode()).links]
    assert not any(href.startswith(evaluations) for href in hrefs)
    assert any(
        href.startswith(reverse("dashboard:export", kwargs={"report": "impact"})) for href in hrefs
    )
    content = text(response)
    assert "Evaluation ratings : not with these filters" in content
    assert "whole schemes and periods only" in content
    # Without the filter, they are offered.
    hrefs = [
        attrs.get("href") or "" for attrs, _ in Page(client.get(REPORTS_URL).content.decode()).links
    ]
    assert any(href.startswith(evaluations) for href in hrefs)
