"""The coordinator's matching settings: the criteria's weights with a live example pair,
and the matching fields of the scheme's own settings page."""

import re

import pytest
from django.urls import reverse

from matching.engine.criteria import CRITERIA, explain
from matching.models import MatchRun
from matching.pool import person_for, scheme_rules
from matching.services.runs import match_run_execute, match_run_start
from schemes.choices import MatchingMode, MatchingSchedule
from tests.factories import (
    CustomQuestionFactory,
    approved_mentee,
    approved_mentor,
)
from tests.html import Page, assert_accessible_page
from tests.html import text_beside as beside
from tests.html import visible_text as text

pytestmark = pytest.mark.django_db

SETTINGS_URL = reverse("matching:settings", kwargs={"slug": "council"})
EXAMPLE_URL = reverse("matching:settings_example", kwargs={"slug": "council"})
EDIT_URL = reverse("schemes:edit", kwargs={"slug": "council"})
DEFAULTS = {criterion.key: criterion.default_weight for criterion in CRITERIA}


def weights_data(**overrides) -> dict:
    data = {key: str(value) for key, value in DEFAULTS.items()}
    data.update({key: str(value) for key, value in overrides.items()})
    return data


def example_lines(response) -> dict[str, dict]:
    """The example's rows: {criterion key: {fraction, weight, points, editable}}."""
    page = Page(response.content.decode())
    lines = {}
    for tag, attrs in page.elements:
        if tag == "tr" and "example-line" in attrs.get("class", ""):
            lines[attrs["data-criterion"]] = {
                "fraction": float(attrs["data-fraction"]),
                "weight": int(attrs["data-weight"]),
                "editable": "data-editable" in attrs,
            }
    return lines


def example_total(response) -> str:
    match = re.search(r'id="example-total">([^<]*)<', response.content.decode())
    return match.group(1) if match else ""


@pytest.fixture
def pool(scheme):
    """Two mentees and two mentors: Ada fits Grace far better than Alan does."""
    areas = scheme.development_areas
    ada = approved_mentee(scheme, "ada@example.org", areas_wanted=areas[:2], locations=["Coventry"])
    bob = approved_mentee(scheme, "bob@example.org", areas_wanted=areas[5:7], locations=["Rugby"])
    grace = approved_mentor(
        scheme, "grace@example.org", areas_offered=areas[:3], locations=["Coventry"]
    )
    alan = approved_mentor(
        scheme, "alan@example.org", areas_offered=areas[8:9], locations=["Warwick"]
    )
    return {"ada": ada, "bob": bob, "grace": grace, "alan": alan}


# --- the weights -----------------------------------------------------------------------


def test_each_criterion_has_a_labelled_weight_with_its_explanation_and_default(client, coordinator):
    client.force_login(coordinator)
    response = client.get(SETTINGS_URL)
    assert response.status_code == 200
    page = Page(response.content.decode())
    for criterion in CRITERIA:
        control = page.find(f"id_{criterion.key}")
        assert control["value"] == str(criterion.default_weight)
        assert (control["min"], control["max"]) == ("0", "100")
        block = beside(response, criterion.key)
        assert criterion.label in block
        assert criterion.explanation in block
        assert f"Default: {criterion.default_weight}." in block


def test_the_form_starts_from_the_schemes_saved_weights(client, scheme, coordinator):
    scheme.matching_weights = {"areas": 60, "seniority": 0}
    scheme.save()
    client.force_login(coordinator)
    page = Page(client.get(SETTINGS_URL).content.decode())
    assert page.find("id_areas")["value"] == "60"
    assert page.find("id_seniority")["value"] == "0"
    assert page.find("id_term")["value"] == str(DEFAULTS["term"])


def test_saving_stores_only_the_weights_that_differ_from_the_defaults(client, scheme, coordinator):
    client.force_login(coordinator)
    response = client.post(SETTINGS_URL, weights_data(areas=60, term=0), follow=True)
    assert response.redirect_chain == [(SETTINGS_URL, 302)]
    assert "The weights have been saved." in text(response)
    scheme.refresh_from_db()
    assert scheme.matching_weights == {"areas": 60, "term": 0}
    assert Page(response.content.decode()).find("id_areas")["value"] == "60"


def test_a_run_uses_the_saved_weights(client, scheme, coordinator, pool):
    client.force_login(coordinator)
    client.post(SETTINGS_URL, weights_data(areas=80, professional_body=0))
    run = match_run_start(scheme=scheme, trigger=MatchRun.Trigger.COMMAND, execute_later=False)
    assert run.weights["areas"] == 80
    assert run.weights["professional_body"] == 0


def test_weights_out_of_range_are_shown_beside_them_and_what_was_typed_is_kept(
    client, scheme, coordinator
):
    client.force_login(coordinator)
    response = client.post(SETTINGS_URL, weights_data(areas=150, term="lots", locations=""))
    assert response.status_code == 200
    assert "less than or equal to 100" in beside(response, "areas")
    assert "Give a whole number from 0 to 100." in beside(response, "term")
    assert "Give a weight from 0 to 100 (0 leaves it out)." in beside(response, "locations")
    assert "Please correct the weights marked below. Nothing has been saved yet." in text(response)
    page = Page(response.content.decode())
    assert page.find("id_areas")["value"] == "150"
    assert page.find("id_term")["value"] == "lots"
    assert page.find("id_areas").get("aria-invalid") == "true"
    assert page.find("id_seniority")["value"] == str(DEFAULTS["seniority"])
    scheme.refresh_from_db()
    assert scheme.matching_weights == {}


def test_reset_puts_back_the_defaults_whatever_was_typed(client, scheme, coordinator):
    scheme.matching_weights = {"areas": 60, "term": 0}
    scheme.save()
    client.force_login(coordinator)
    response = client.post(
        SETTINGS_URL, {**weights_data(areas="nonsense"), "reset": "1"}, follow=True
    )
    assert "The weights are back to their defaults." in text(response)
    scheme.refresh_from_db()
    assert scheme.matching_weights == {}
    assert Page(response.content.decode()).find("id_areas")["value"] == str(DEFAULTS["areas"])


def test_the_schemes_matching_questions_are_listed_with_their_weights_and_a_link(
    client, scheme, coordinator, question
):
    CustomQuestionFactory(scheme=scheme, text="Not for matching?", kind="text")
    client.force_login(coordinator)
    response = client.get(SETTINGS_URL)
    page = Page(response.content.decode())
    content = text(response)
    assert "Which team sport do you follow?" in content
    assert "Not for matching?" not in content
    assert re.search(r"Which team sport do you follow\? Single choice 5", content)
    questions_url = reverse("schemes:questions", kwargs={"slug": "council"})
    assert any(attrs.get("href") == questions_url for attrs, _ in page.links)
    # Not editable here: no input for the question's weight.
    assert not [attrs for tag, attrs in page.controls() if "question" in attrs.get("name", "")]


# --- the example pair ------------------------------------------------------------------


def test_the_example_is_the_pools_best_admissible_pair_with_its_points(
    client, scheme, coordinator, pool
):
    client.force_login(coordinator)
    response = client.get(SETTINGS_URL)
    content = text(response)
    assert "The best-scoring pair of the mentees and mentors waiting to be matched" in content
    assert "Ada (mentee, Housing) with Grace (mentor, Finance)" in content
    rules = scheme_rules(scheme)
    expected = explain(person_for(pool["ada"], scheme), person_for(pool["grace"], scheme), rules)
    assert example_total(response) == f"{expected.total:.1f}"
    lines = example_lines(response)
    assert set(lines) == {criterion.key for criterion in CRITERIA}
    for item in expected:
        line = lines[item.key]
        assert line["weight"] == item.max_points
        assert line["fraction"] * line["weight"] == pytest.approx(item.points)
        assert line["editable"]
        assert item.reason in content
    assert "Shares 2 of 2 development areas" in content


def test_the_example_keeps_criteria_weighted_zero_so_that_raising_them_shows_points(
    client, scheme, coordinator, pool
):
    scheme.matching_weights = {"locations": 0}
    scheme.save()
    client.force_login(coordinator)
    response = client.get(SETTINGS_URL)
    line = example_lines(response)["locations"]
    assert line["weight"] == 0
    assert line["fraction"] == 1.0  # both can meet in Coventry
    assert "Both can meet in Coventry." in text(response)


def test_question_criteria_are_in_the_example_with_their_own_weight_not_editable(
    client, scheme, coordinator, pool, question
):
    for application in (pool["ada"], pool["grace"]):
        application.answers = {str(question.pk): "Rugby"}
        application.save()
    client.force_login(coordinator)
    lines = example_lines(client.get(SETTINGS_URL))
    line = lines[f"question:{question.pk}"]
    assert (line["weight"], line["fraction"], line["editable"]) == (5, 1.0, False)


def test_after_a_run_the_example_is_the_runs_best_pair(client, scheme, coordinator, pool):
    run = match_run_start(scheme=scheme, trigger=MatchRun.Trigger.COMMAND, execute_later=False)
    run = match_run_execute(run_id=run.pk)
    best = run.proposals.order_by("-score").first()
    client.force_login(coordinator)
    content = text(client.get(SETTINGS_URL))
    assert "The best-scoring pair of the latest run" in content
    assert f"{best.mentee.user.display_name} (mentee" in content


def test_an_empty_pool_is_explained(client, coordinator):
    client.force_login(coordinator)
    response = client.get(SETTINGS_URL)
    assert "No approved mentee is waiting to be matched" in text(response)
    assert 'id="example-breakdown"' not in response.content.decode()


def test_a_pool_without_mentors_is_explained(client, scheme, coordinator):
    approved_mentee(scheme, "ada@example.org")
    client.force_login(coordinator)
    assert "No approved mentor has a place left" in text(client.get(SETTINGS_URL))


def test_a_pool_where_every_pair_breaks_a_rule_is_explained_with_an_example(
    client, scheme, coordinator
):
    approved_mentee(scheme, "ada@example.org", department="Finance")
    approved_mentor(scheme, "grace@example.org", department="Finance")
    client.force_login(coordinator)
    response = client.get(SETTINGS_URL)
    content = text(response)
    assert "No mentee waiting (1) can be paired with any mentor with places (1)" in content
    assert "For example, Ada and Grace: Both work in Finance" in content
    assert 'id="example-breakdown"' not in response.content.decode()


def test_the_coordinator_chooses_the_example_pair_and_sees_the_rules_it_breaks(
    client, scheme, coordinator, pool
):
    pool["bob"].line_manager_email = "alan@example.org"
    pool["bob"].save()
    client.force_login(coordinator)
    response = client.get(EXAMPLE_URL, {"mentee": "bob@example.org", "mentor": "Alan"})
    assert response.status_code == 200
    content = text(response)
    assert "The pair you chose: Bob (mentee, Housing) with Alan (mentor, Finance)" in content
    assert "Matching would never propose this pair: Mentor is the mentee's line manager." in (
        content
    )
    page = Page(response.content.decode())
    assert page.find("id_mentee")["value"] == "bob@example.org"
    assert page.find("id_mentor")["value"] == "Alan"


def test_naming_only_the_mentee_shows_their_best_mentor(client, coordinator, pool):
    client.force_login(coordinator)
    content = text(client.get(EXAMPLE_URL, {"mentee": "bob"}))
    assert "The pair you chose: Bob (mentee, Housing) with" in content


def test_a_person_the_example_cannot_find_is_shown_beside_the_field(client, coordinator, pool):
    client.force_login(coordinator)
    response = client.get(EXAMPLE_URL, {"mentee": "nobody", "mentor": "example.org"})
    assert response.status_code == 200
    assert "No approved mentee matches “nobody”." in beside(response, "mentee")
    assert "2 mentors match “example.org”: type more of the name" in beside(response, "mentor")
    assert Page(response.content.decode()).find("id_mentee")["value"] == "nobody"
    # The usual example is still there.
    assert "Ada (mentee, Housing) with Grace (mentor, Finance)" in text(response)


def test_saving_weights_keeps_the_chosen_example(client, scheme, coordinator, pool):
    client.force_login(coordinator)
    query = "mentee=bob%40example.org&mentor=alan%40example.org"
    response = client.post(f"{SETTINGS_URL}?{query}", weights_data(areas=70))
    assert response.status_code == 302
    assert response["Location"] == f"{EXAMPLE_URL}?{query}"
    page = client.get(response["Location"])
    assert "The pair you chose: Bob" in text(page)
    assert example_lines(page)["areas"]["weight"] == 70


def test_the_example_form_takes_no_posts(client, coordinator):
    client.force_login(coordinator)
    assert client.post(EXAMPLE_URL, weights_data()).status_code == 405


def test_the_settings_page_is_accessible_with_an_example_and_errors(client, coordinator, pool):
    client.force_login(coordinator)
    for response in (
        client.get(SETTINGS_URL),
        client.post(SETTINGS_URL, weights_data(areas=-1)),
        client.get(EXAMPLE_URL, {"mentee": "nobody"}),
    ):
        page = Page(response.content.decode())
        assert_accessible_page(page)
        assert any(
            attrs.get("src", "").endswith("js/matching-settings.js") for attrs, _ in page.scripts
        )


# --- who may see it ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["mentee", "mentor", "other_coordinator", "outsider", "hr_viewer"])
def test_only_the_schemes_coordinators_reach_the_matching_settings(client, request, scheme, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(SETTINGS_URL).status_code == 404
    assert client.get(EXAMPLE_URL, {"mentee": "x"}).status_code == 404
    assert client.post(SETTINGS_URL, weights_data(areas=90)).status_code == 404
    scheme.refresh_from_db()
    assert scheme.matching_weights == {}


def test_signed_out_people_are_sent_to_sign_in(client, scheme):
    for url in (SETTINGS_URL, EXAMPLE_URL):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


# --- the scheme's settings page: how pairs are made ----------------------------------------


def scheme_data(**overrides) -> dict:
    data = {
        "name": "Council staff mentoring",
        "description": "For staff.",
        "status": "open",
        "applications_open_on": "",
        "applications_close_on": "",
        "programme_months": "12",
        "rhythm": "monthly",
        "session_count": "",
        "default_mentor_capacity": "2",
        "prefer_other_department": "on",
        "max_gap_weeks": "6",
        "retention_months": "24",
        "development_areas": "Leadership\nConfidence",
        "locations": "",
        "departments": "",
        "grades": "Officer\nManager",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_scheme_settings_have_the_matching_fields_in_the_matching_fieldset(client, coordinator):
    client.force_login(coordinator)
    response = client.get(EDIT_URL)
    content = response.content.decode()
    matching = content[content.index(">Matching</legend>") : content.index(">Lists</legend>")]
    for name in ("matching_mode", "matching_schedule", "require_senior_mentor", "response_days"):
        assert f'name="{name}"' in matching, name
    assert "Each mentee picks from a shortlist of their best mentors" in matching
    assert "Every Monday while applications are open" in matching
    assert Page(content).find("id_response_days")["value"] == "14"
    assert reverse("matching:settings", kwargs={"slug": "council"}) in content
    assert_accessible_page(Page(content))


def test_a_coordinator_sets_how_pairs_are_made(client, scheme, coordinator):
    client.force_login(coordinator)
    response = client.post(
        EDIT_URL,
        scheme_data(
            matching_mode="shortlist",
            matching_schedule="weekly",
            require_senior_mentor="on",
            response_days="7",
        ),
    )
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert scheme.matching_mode == MatchingMode.SHORTLIST
    assert scheme.matching_schedule == MatchingSchedule.WEEKLY
    assert scheme.require_senior_mentor is True
    assert scheme.response_days == 7


def test_a_response_time_out_of_range_is_shown_beside_it(client, scheme, coordinator):
    client.force_login(coordinator)
    response = client.post(EDIT_URL, scheme_data(response_days="90", matching_mode="run"))
    assert response.status_code == 200
    assert "less than or equal to 60" in beside(response, "response_days")
    assert Page(response.content.decode()).find("id_response_days")["value"] == "90"
    scheme.refresh_from_db()
    assert scheme.response_days == 14


def test_a_form_without_the_matching_fields_keeps_the_current_values(client, scheme, coordinator):
    scheme.matching_mode = MatchingMode.SHORTLIST
    scheme.response_days = 10
    scheme.save()
    client.force_login(coordinator)
    assert client.post(EDIT_URL, scheme_data(name="Renamed")).status_code == 302
    scheme.refresh_from_db()
    assert (scheme.name, scheme.matching_mode, scheme.response_days) == (
        "Renamed",
        MatchingMode.SHORTLIST,
        10,
    )
