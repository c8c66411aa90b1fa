"""The impact report: the figures on known data, the suppression rule (primary and
secondary), the pages of one scheme and across schemes, their filters, the printable
view, and a fixed number of queries."""

import math
import statistics
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dashboard.impact import FEWER, impact_for, impact_table, suppress
from dashboard.scope import Scope
from schemes.models import Role
from tests.dashboard.impact_data import MARKER, evaluated_pairs
from tests.factories import MembershipFactory, SchemeFactory
from tests.html import Page, assert_accessible_page, text_beside
from tests.html import visible_text as text

AREAS = ["Confidence", "Leadership"]
# Six mentees: (baseline, end, follow-up); three gave a follow-up.
SIX = [(2, 4, 4), (2, 3, None), (3, 4, 5), (1, 3, None), (2, 3, 3), (3, 5, None)]


def impact_url(slug: str) -> str:
    return reverse("dashboard:scheme_impact", kwargs={"slug": slug})


# --- the rule ---------------------------------------------------------------------------


def test_a_part_about_fewer_than_five_is_hidden_and_none_about_nobody():
    assert suppress([0, 1, 4, 5, 12]) == (["", "primary", "primary", "", ""], "")


def test_secondary_hides_the_next_smallest_part_when_one_part_is_hidden():
    # 3 = 20 - 10 - 7 without the secondary: so the 7 goes too.
    assert suppress([10, 3, 7], 20) == (["", "primary", "secondary"], "")


def test_secondary_skips_parts_about_nobody_and_picks_the_smallest_of_the_rest():
    assert suppress([9, 0, 2, 6], 17) == (["", "", "primary", "secondary"], "")


def test_secondary_hides_the_total_when_no_other_part_can_be_hidden():
    # The hidden part is the total minus the others (all nobody): hide the total.
    assert suppress([0, 6, 0], 6) == (["", "", ""], "")
    assert suppress([3, 0], 8) == (["primary", ""], "secondary")


def test_two_hidden_parts_need_no_secondary():
    assert suppress([2, 3, 10], 15) == (["primary", "primary", ""], "")


def test_hidden_parts_about_fewer_than_five_between_them_hide_one_more():
    # 2 + 1 = 13 - 10: the two small ones together would be a figure about 3 people.
    assert suppress([2, 1, 10], 13) == (["primary", "primary", "secondary"], "")


def test_a_part_the_caller_hides_is_protected_like_a_primary_one():
    assert suppress([6, 8, 9], 23, marks=["filter", "", ""]) == (["filter", "secondary", ""], "")
    assert suppress([6, 8], 14, total_mark="filter") == (["", ""], "filter")


def test_a_total_about_fewer_than_five_is_hidden_itself():
    assert suppress([2, 2], 4) == (["primary", "primary"], "primary")


def test_no_total_means_the_primary_rule_alone():
    assert suppress([3, 8]) == (["primary", ""], "")


# --- the figures ------------------------------------------------------------------------


@pytest.fixture
def six(db):
    scheme = SchemeFactory(name="Six mentees", slug="six", development_areas=AREAS)
    evaluated_pairs(scheme, SIX, goals=(2, 1))
    return scheme


@pytest.fixture
def three(db):
    scheme = SchemeFactory(name="Three mentees", slug="three", development_areas=AREAS)
    evaluated_pairs(scheme, SIX[:3], goals=(1, 1))
    return scheme


def test_the_figures_of_six_mentees(six, hr_viewer, django_assert_num_queries):
    # HR's readable schemes, the evaluations, the goals (and the page has the scheme).
    with django_assert_num_queries(3):
        impact = impact_for(Scope(hr_viewer, (six.pk,)), [six])
    baseline = [b for b, _, _ in SIX]
    end = [e for _, e, _ in SIX]
    for area in AREAS:
        fig = impact.figure(("area", area, "baseline"))
        assert (fig.value, fig.n, fig.hidden) == (pytest.approx(statistics.fmean(baseline)), 6, "")
        assert impact.figure(("area", area, "end")).value == pytest.approx(statistics.fmean(end))
        moved = impact.figure(("change", area, "end"))
        assert moved.n == 6
        change = [e - b for b, e, _ in SIX]
        assert moved.value == pytest.approx(statistics.fmean(change)) == 1.5
        assert moved.spread == pytest.approx(statistics.stdev(change)) == math.sqrt(0.3)
        # Three follow-ups: hidden, and so is the change to them.
        assert impact.figure(("area", area, "follow_up")).hidden == "primary"
        assert impact.figure(("change", area, "follow_up")).n == 3
        assert impact.figure(("change", area, "follow_up")).hidden == "primary"
    # Mentees and mentors rate the relationship and the scheme at the end: 12 people.
    for key in ("relationship", "scheme"):
        fig = impact.figure((key, "", "end"))
        assert (fig.n, fig.value) == (12, pytest.approx(statistics.fmean(end)))
        assert impact.figure((key, "", "mid")).n == 0
    assert impact.figure(("recommend", "", "end")).value == 1.0
    assert impact.figure(("goals_set", "", "")).value == 12
    assert impact.figure(("goals_set", "", "")).n == 6
    assert impact.figure(("goals_achieved", "", "")).value == 6


def test_every_figure_about_three_mentees_is_fewer_than_five(three, hr_viewer):
    impact = impact_for(Scope(hr_viewer, (three.pk,)))
    section = impact.section()
    for row in section.area_rows + section.goal_rows:
        for cell, fig in zip(row.cells, row.figures.values(), strict=True):
            if fig.n:
                assert cell == FEWER, (row.label, cell)
    # Three mentees and their three mentors rate the relationship at the end: six people.
    assert section.rating_rows[0].cells == ["no answers", "3.67 (6 people)", FEWER]
    assert any("fewer than 5 people are behind these figures" in n for n in section.notes)
    assert any(n.startswith("Goals set: fewer than 5 pairs") for n in section.notes)


def test_across_schemes_a_second_scheme_is_withheld_so_the_small_one_cannot_be_worked_out(
    six, three, hr_viewer
):
    seven = SchemeFactory(name="Seven mentees", slug="seven", development_areas=AREAS)
    evaluated_pairs(seven, [*SIX, (1, 2, None)], goals=(1, 0))
    impact = impact_for(Scope(hr_viewer, (six.pk, three.pk, seven.pk)))
    key = ("area", "Confidence", "baseline")
    assert impact.figure(key, three.pk).hidden == "primary"
    # Six is smaller than seven: withheld; seven and the total are shown.
    assert impact.figure(key, six.pk).hidden == "secondary"
    assert impact.figure(key, seven.pk).hidden == ""
    assert (impact.figure(key).n, impact.figure(key).hidden) == (16, "")
    notes = impact.section(impact.schemes[1]).notes
    assert any("withheld although 5 or more people" in n for n in notes), notes
    # Alone, six's figures are withheld just the same: HR reads all three schemes.
    alone = impact_for(Scope(hr_viewer, (six.pk,)))
    assert alone.figure(key, six.pk).hidden == alone.figure(key).hidden == "secondary"


def test_every_view_of_a_scheme_hides_what_the_report_across_schemes_hides(
    client, six, three, hr_viewer, six_coordinator
):
    """Schemes of 6, 3 and 7 mentees: the 3 are hidden, so the 6 are withheld. HR's
    one-scheme page, the overview filtered to it and its export must not show the 6
    (the total minus the 7 and the 6 would give the 3 away)."""
    seven = SchemeFactory(name="Seven mentees", slug="seven", development_areas=AREAS)
    evaluated_pairs(seven, [*SIX, (1, 2, None)], goals=(1, 0))
    six_mean = f"{statistics.fmean(b for b, _, _ in SIX):.2f}"
    client.force_login(hr_viewer)
    for url in (
        impact_url("six"),
        reverse("dashboard:impact") + "?scheme=six",
        reverse("dashboard:reports") + "?scheme=six",
    ):
        content = text(client.get(url))
        assert six_mean not in content, url
        assert "withheld although 5 or more people are behind it" in content, url
    columns, rows = impact_table(Scope(hr_viewer, (six.pk,)))
    assert dict(zip(columns, rows[0], strict=True))["Baseline"] == "withheld"
    export = client.get(reverse("dashboard:export", kwargs={"report": "impact"}) + "?scheme=six")
    assert six_mean not in b"".join(export.streaming_content).decode()
    # The coordinator of the six alone reads only that scheme: nothing to give away.
    client.force_login(six_coordinator)
    assert f"{six_mean} (6 people)" in text(client.get(impact_url("six")))


def test_a_filter_that_leaves_out_one_to_four_people_withholds_the_figure(db, hr_viewer):
    scheme = SchemeFactory(slug="complement", development_areas=AREAS)
    evaluated_pairs(scheme, SIX, department="Finance", grade="Grade 2")
    evaluated_pairs(scheme, SIX[:2], department="Housing", grade="Grade 2")
    key = ("area", "Confidence", "baseline")
    assert impact_for(Scope(hr_viewer, (scheme.pk,))).figure(key).hidden == ""
    # Eight people in all, six in Finance: the two others would be the difference.
    finance = impact_for(Scope(hr_viewer, (scheme.pk,), department="Finance"))
    assert (finance.figure(key).n, finance.figure(key).hidden) == (6, "filter")
    notes = finance.section().notes
    assert any("set beside the same figure without your filters" in n for n in notes), notes
    # Grade 2 is everyone: the same people, the same figure, shown.
    assert impact_for(Scope(hr_viewer, (scheme.pk,), grade="Grade 2")).figure(key).hidden == ""
    # Finance and grade 2 is Finance again: withheld as Finance is.
    both = impact_for(Scope(hr_viewer, (scheme.pk,), department="Finance", grade="Grade 2"))
    assert both.figure(key).hidden == "filter"


def test_a_filter_that_leaves_out_five_or_more_shows_the_figure(db, hr_viewer):
    scheme = SchemeFactory(slug="complement", development_areas=AREAS)
    evaluated_pairs(scheme, SIX, department="Finance")
    evaluated_pairs(scheme, SIX[:5], department="Housing")
    key = ("area", "Confidence", "baseline")
    finance = impact_for(Scope(hr_viewer, (scheme.pk,), department="Finance"))
    assert (finance.figure(key).n, finance.figure(key).hidden) == (6, "")


def test_two_small_parts_hide_each_other_and_a_small_one_beside_a_big_one_hides_it(
    six, three, hr_viewer
):
    impact = impact_for(Scope(hr_viewer, (six.pk, three.pk)))
    # Three follow-ups in one scheme, two in the other: both hidden, nothing more to
    # hide; together five, shown.
    key = ("area", "Confidence", "follow_up")
    assert impact.figure(key, six.pk).hidden == impact.figure(key, three.pk).hidden == "primary"
    assert (impact.figure(key).n, impact.figure(key).hidden) == (5, "")
    # Goals achieved by six pairs in one scheme, three in the other: the six withheld.
    goals = ("goals_achieved", "", "")
    assert impact.figure(goals, three.pk).hidden == "primary"
    assert impact.figure(goals, six.pk).hidden == "secondary"
    assert impact.figure(goals).hidden == ""


def test_the_impact_table_has_a_row_per_area_and_the_ratings_and_goals(six, hr_viewer):
    columns, rows = impact_table(Scope(hr_viewer, (six.pk,)))
    assert all(len(row) == len(columns) for row in rows)
    labels = [row[0] for row in rows]
    assert labels[:2] == [f"Self-rating: {a}" for a in AREAS]
    assert labels[-2:] == ["Goals set", "Goals achieved"]
    first = dict(zip(columns, rows[0], strict=True))
    assert first["Baseline"] == round(statistics.fmean(b for b, _, _ in SIX), 2)
    assert first["Baseline people"] == 6
    assert first["Change to end"] == 1.5
    assert first["Follow-up"] == FEWER
    assert first["Follow-up people"] == FEWER
    goals = dict(zip(columns, rows[-2], strict=True))
    assert (goals["Count"], goals["Pairs"]) == (12, 6)
    recommend = dict(zip(columns, rows[-3], strict=True))
    assert recommend["End"] == 100.0
    assert MARKER not in repr(rows)


def test_filters_narrow_the_figures_to_a_period_department_and_grade(db, hr_viewer):
    scheme = SchemeFactory(slug="filters", development_areas=AREAS)
    evaluated_pairs(scheme, SIX, department="Finance", grade="Grade 2")
    long_ago = timezone.now() - timedelta(days=800)
    evaluated_pairs(scheme, SIX[:5], department="Housing", grade="Grade 3", started=long_ago)
    key = ("area", "Confidence", "baseline")
    everyone = Scope(hr_viewer, (scheme.pk,))
    assert impact_for(everyone).figure(key).n == 11
    finance = Scope(hr_viewer, (scheme.pk,), department="Finance")
    assert impact_for(finance).figure(key).n == 6
    grade3 = Scope(hr_viewer, (scheme.pk,), grade="Grade 3")
    assert impact_for(grade3).figure(key).n == 5
    recent = Scope(hr_viewer, (scheme.pk,), start=(timezone.now() - timedelta(days=365)).date())
    assert impact_for(recent).figure(key).n == 6
    old = Scope(hr_viewer, (scheme.pk,), end=(timezone.now() - timedelta(days=365)).date())
    assert impact_for(old).figure(key).n == 5


def test_the_number_of_queries_does_not_grow_with_the_mentees(db, hr_viewer):
    scheme = SchemeFactory(slug="grows", development_areas=AREAS)
    evaluated_pairs(scheme, SIX, goals=(1, 1))
    with CaptureQueriesContext(connection) as few:
        impact_for(Scope(hr_viewer, (scheme.pk,)))
    evaluated_pairs(scheme, SIX * 3, goals=(2, 1))
    with CaptureQueriesContext(connection) as many:
        impact_for(Scope(hr_viewer, (scheme.pk,)))
    assert len(few) == len(many) == 4


# --- the pages --------------------------------------------------------------------------


@pytest.fixture
def six_coordinator(six):
    return MembershipFactory(scheme=six, role=Role.COORDINATOR).user


def test_a_coordinator_reads_their_schemes_impact_with_captions_and_no_confidential_text(
    client, six, six_coordinator
):
    client.force_login(six_coordinator)
    response = client.get(impact_url("six"))
    assert response.status_code == 200
    content = text(response)
    assert "Impact of Six mentees" in content
    assert "2.17 (6 people)" in content  # Confidence at baseline
    assert "+1.50, SD 0.55 (6 people)" in content
    assert "12 (from 6 pairs)" in content
    assert FEWER in content
    assert "fewer than 5 people are behind these figures" in content
    html = response.content.decode()
    assert html.count("<caption>") == 3
    assert MARKER not in html
    for pair in six.mentorships.all():
        assert pair.mentee.email not in html
        assert pair.mentee.display_name not in html
        assert f"/{pair.pk}/" not in html


def test_hr_reads_a_schemes_impact_and_others_do_not(client, six, hr_viewer, mentee):
    client.force_login(hr_viewer)
    assert client.get(impact_url("six")).status_code == 200
    client.force_login(mentee)
    assert client.get(impact_url("six")).status_code == 404


def test_the_printable_view_has_no_navigation_and_a_print_button_from_a_file(
    client, six, six_coordinator
):
    client.force_login(six_coordinator)
    response = client.get(impact_url("six") + "?print=1&department=Housing")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<nav" not in html
    assert "js/print.js" in html and "css/impact-print.css" in html
    assert "data-print" in html
    assert "Filtered to mentees of Housing." in text(response)
    assert "2.17 (6 people)" in text(response)
    page = Page(html)
    assert page.inline_code() == []
    assert MARKER not in html


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("start=not-a-date", "start", "Enter a valid date."),
        ("start=2025-05-01&end=2025-01-01", "end", "The last day is before the first day."),
        ("department=Nowhere", "department", "Select a valid choice."),
        ("grade=%00", "grade", ""),
    ],
)
def test_bad_filters_are_a_message_beside_the_field(
    client, six, six_coordinator, query, field, message
):
    client.force_login(six_coordinator)
    response = client.get(impact_url("six") + "?" + query)
    assert response.status_code == 200
    assert "no figures are shown until they are" in text(response)
    if message:
        assert message in text_beside(response, field)


def test_the_overview_shows_a_coordinators_schemes_together_and_each(
    client, six, three, six_coordinator
):
    MembershipFactory(scheme=three, role=Role.COORDINATOR, user=six_coordinator)
    SchemeFactory(name="Not theirs", slug="not-theirs")
    client.force_login(six_coordinator)
    response = client.get(reverse("dashboard:impact"))
    assert response.status_code == 200
    content = text(response)
    assert "All 2 schemes together" in content
    assert "Not theirs" not in content
    links = {attrs.get("href") for attrs, _ in Page(response.content.decode()).links}
    assert impact_url("six") in links and impact_url("three") in links
    # Filtered to one scheme: as hidden as beside the three (the coordinator reads both).
    response = client.get(reverse("dashboard:impact") + "?scheme=six")
    assert "All 2 schemes together" not in text(response)
    assert "2.17 (6 people)" not in text(response)
    assert "withheld" in text(response)
    # A scheme they do not coordinate is not a choice.
    response = client.get(reverse("dashboard:impact") + "?scheme=not-theirs")
    assert "Select a valid choice." in text_beside(response, "scheme")


def test_the_overview_is_closed_to_someone_with_no_scheme_to_read(client, mentee, outsider):
    for person in (mentee, outsider):
        client.force_login(person)
        assert client.get(reverse("dashboard:impact")).status_code == 403


def test_the_pages_queries_do_not_grow_with_the_mentees(client, db, hr_viewer):
    scheme = SchemeFactory(slug="pages", development_areas=AREAS)
    evaluated_pairs(scheme, SIX, goals=(1, 1))
    client.force_login(hr_viewer)
    counts = []
    for _ in range(2):
        for url in (impact_url("pages"), reverse("dashboard:impact"), reverse("dashboard:reports")):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
        evaluated_pairs(scheme, SIX * 2, goals=(2, 1))
    assert counts[:3] == counts[3:], counts


def test_the_pages_with_figures_are_accessible_and_csp_clean(
    client, six, three, six_coordinator, hr_viewer
):
    client.force_login(six_coordinator)
    pages = [impact_url("six"), impact_url("six") + "?print=1", reverse("dashboard:impact")]
    for url in pages:
        assert_accessible_page(Page(client.get(url).content.decode()))
    client.force_login(hr_viewer)
    for url in (
        reverse("dashboard:reports"),
        reverse("dashboard:reports") + "?start=nonsense",
        reverse("dashboard:impact") + "?print=1",
    ):
        assert_accessible_page(Page(client.get(url).content.decode()))
