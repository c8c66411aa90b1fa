"""The evaluation pages as the pair uses them, the final review and the coordinators'
session settings: each page, bad input kept with a message beside the field, answers
read-only once given, and the mentee's change since baseline as a table and a chart."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import Mentorship
from sessions.models import Evaluation, FinalReview, SessionSettings
from tests.html import Page, assert_accessible_page, text_beside, visible_text

pytestmark = pytest.mark.django_db


def _url(name, mentorship, milestone=None):
    kwargs = {"pk": mentorship.pk}
    if milestone:
        kwargs["milestone"] = milestone
    return reverse(f"sessions:{name}", kwargs=kwargs)


def _baseline_post(mentorship, rating="3", **changes):
    data = {f"area_{i}": rating for i in range(len(mentorship.scheme.development_areas))}
    data.update(changes)
    return data


def _end_post_mentor(items=5, **changes):
    data = {f"statement_{i}": "4" for i in range(items)}
    data.update(scheme_rating="5", would_recommend="yes", comments="Thanks all")
    data.update(changes)
    return data


# --- the list ---


def test_the_list_shows_each_milestone_for_the_mentee(client, active_mentorship, mentee):
    client.force_login(mentee)
    response = client.get(_url("evaluations", active_mentorship))
    text = visible_text(response)
    assert "Due now: complete the baseline evaluation" in text
    assert "Not yet due: when you reach the wind-up stage" in text
    assert "Not yet due: from" in text
    assert_accessible_page(Page(response.content.decode()))


def test_the_list_says_the_mentor_has_no_baseline(client, active_mentorship, mentor):
    client.force_login(mentor)
    text = visible_text(client.get(_url("evaluations", active_mentorship)))
    assert "No baseline for the mentor" in text
    assert "change since the baseline" not in text


def test_the_list_shows_the_change_since_baseline_as_a_table_and_a_chart(
    client, end_evaluations, mentee
):
    mentorship = end_evaluations[0].mentorship
    client.force_login(mentee)
    response = client.get(_url("evaluations", mentorship))
    content = response.content.decode()
    page = Page(content)
    assert_accessible_page(page)
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="change-chart"' in content
    assert 'role="img"' in content
    area = mentorship.scheme.development_areas[0]
    text = visible_text(response)
    # Baseline 2, end 4, no follow-up, change +2.
    assert f"{area} 2 4 \N{EN DASH} none +2" in text
    assert "Done on" in text


def test_the_list_without_a_baseline_explains_the_change(client, active_mentorship, mentee):
    client.force_login(mentee)
    response = client.get(_url("evaluations", active_mentorship))
    assert "<svg" not in response.content.decode()
    assert "Once you have given your baseline evaluation" in visible_text(response)


def test_the_list_reads_in_a_fixed_number_of_queries(
    client, end_evaluations, mentee, django_assert_max_num_queries
):
    client.force_login(mentee)
    with django_assert_max_num_queries(12):
        response = client.get(_url("evaluations", end_evaluations[0].mentorship))
    assert response.status_code == 200


# --- one evaluation ---


def test_the_mentee_completes_the_baseline(client, active_mentorship, mentee):
    client.force_login(mentee)
    page = client.get(_url("evaluation", active_mentorship, "baseline"))
    assert "Performance in my role" in visible_text(page)
    assert_accessible_page(Page(page.content.decode()))
    response = client.post(
        _url("evaluation", active_mentorship, "baseline"), _baseline_post(active_mentorship, "2")
    )
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(milestone="baseline")
    assert evaluation.area_ratings["Performance in my role"] == 2
    assert evaluation.respondent == mentee


@pytest.mark.parametrize("bad", ["0", "6", "x", "", "99999999999999999999"])
def test_a_bad_rating_is_shown_beside_the_field_keeping_the_rest(
    client, active_mentorship, mentee, bad
):
    client.force_login(mentee)
    data = _baseline_post(active_mentorship, "4", area_0=bad)
    response = client.post(_url("evaluation", active_mentorship, "baseline"), data)
    assert response.status_code == 200
    assert "Rate yourself on “Performance in my role” from 1 to 5." in text_beside(
        response, "area_0"
    )
    # What was chosen elsewhere is kept.
    content = " ".join(response.content.decode().split())
    assert 'name="area_1" value="4" id="id_area_1_3" required checked' in content
    assert not Evaluation.objects.exists()


def test_unknown_fields_posted_are_ignored(client, active_mentorship, mentee):
    client.force_login(mentee)
    data = _baseline_post(active_mentorship, "3", area_999="5", **{"Juggling": "5"})
    response = client.post(_url("evaluation", active_mentorship, "baseline"), data)
    assert response.status_code == 302
    evaluation = Evaluation.objects.get()
    assert "Juggling" not in evaluation.area_ratings
    assert set(evaluation.area_ratings) == set(active_mentorship.scheme.development_areas)


def test_a_completed_evaluation_is_read_only(client, baseline_evaluation, mentee):
    mentorship = baseline_evaluation.mentorship
    client.force_login(mentee)
    response = client.get(_url("evaluation", mentorship, "baseline"))
    text = visible_text(response)
    assert "You completed this evaluation on" in text
    assert '<form method="post" action="/pairs' not in response.content.decode()
    posted = client.post(_url("evaluation", mentorship, "baseline"), _baseline_post(mentorship))
    assert posted.status_code == 302
    assert Evaluation.objects.count() == 1
    assert Evaluation.objects.get().area_ratings["Confidence"] == 2


def test_an_evaluation_not_yet_due_says_when(client, active_mentorship, mentor):
    client.force_login(mentor)
    response = client.get(_url("evaluation", active_mentorship, "mid"))
    text = visible_text(response)
    assert "This evaluation is not due yet: it will be from" in text
    assert 'name="statement_0"' not in response.content.decode()
    posted = client.post(_url("evaluation", active_mentorship, "mid"), _end_post_mentor())
    assert posted.status_code == 302
    assert not Evaluation.objects.exists()


def test_the_mentors_baseline_says_there_is_none(client, active_mentorship, mentor):
    client.force_login(mentor)
    response = client.get(_url("evaluation", active_mentorship, "baseline"))
    assert response.status_code == 200
    assert "There is no baseline evaluation for the mentor" in visible_text(response)
    assert 'type="radio"' not in response.content.decode()


def test_an_unknown_milestone_is_404(client, active_mentorship, mentee):
    client.force_login(mentee)
    assert client.get(_url("evaluation", active_mentorship, "later")).status_code == 404


def test_the_mentor_completes_the_end_evaluation(client, wind_up_pair, mentor):
    client.force_login(mentor)
    page = client.get(_url("evaluation", wind_up_pair, "end"))
    assert "We met often enough" in visible_text(page)
    assert 'name="area_0"' not in page.content.decode()
    assert_accessible_page(Page(page.content.decode()))
    response = client.post(_url("evaluation", wind_up_pair, "end"), _end_post_mentor())
    assert response.status_code == 302
    evaluation = Evaluation.objects.get()
    assert evaluation.relationship_ratings["We met often enough"] == 4
    assert evaluation.scheme_rating == 5
    assert evaluation.would_recommend is True
    assert evaluation.comments == "Thanks all"
    read = visible_text(client.get(_url("evaluation", wind_up_pair, "end")))
    assert "Thanks all" in read
    assert "5 out of 5" in read


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"scheme_rating": "6"}, "scheme_rating", "Rate the scheme from 1 to 5."),
        ({"would_recommend": "maybe"}, "would_recommend", "Answer yes or no."),
        ({"would_recommend": ""}, "would_recommend", "Say whether you would recommend"),
        ({"statement_2": "x"}, "statement_2", "Choose from 1 (disagree) to 5 (agree)."),
        ({"comments": "x" * 5001}, "comments", "5000"),
    ],
)
def test_bad_end_answers_show_beside_the_field(
    client, wind_up_pair, mentor, changes, field, message
):
    client.force_login(mentor)
    response = client.post(_url("evaluation", wind_up_pair, "end"), _end_post_mentor(**changes))
    assert response.status_code == 200
    assert message in text_beside(response, field)
    if field != "comments":
        assert "Thanks all" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_the_mentees_follow_up_completes_the_mentorship_from_the_page(client, final_review, mentee):
    FinalReview.objects.filter(pk=final_review.pk).update(
        completed_at=timezone.now() - timedelta(days=200)
    )
    mentorship = final_review.mentorship
    client.force_login(mentee)
    data = _baseline_post(mentorship, "4")
    data.update(_end_post_mentor())
    response = client.post(_url("evaluation", mentorship, "follow_up"), data, follow=True)
    assert "Your mentorship is now complete" in visible_text(response)
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.COMPLETED


# --- the final review ---


def test_the_final_review_shows_the_goals_and_moves_to_distance(
    client, wind_up_pair, target, mentor
):
    client.force_login(mentor)
    page = client.get(_url("final_review", wind_up_pair))
    text = visible_text(page)
    assert "Run a team meeting" in text
    assert "Chair the Monday stand-up: open" in text
    assert_accessible_page(Page(page.content.decode()))
    response = client.post(
        _url("final_review", wind_up_pair),
        {"targets_met": "Both", "enjoyed": "", "difficult": "", "marking_end": "Lunch"},
    )
    assert response.status_code == 302
    wind_up_pair.refresh_from_db()
    assert wind_up_pair.stage == Mentorship.Stage.DISTANCE
    assert FinalReview.objects.get().marking_end == "Lunch"


def test_the_final_review_needs_the_targets_met_and_keeps_the_rest(client, wind_up_pair, mentee):
    client.force_login(mentee)
    response = client.post(
        _url("final_review", wind_up_pair),
        {"targets_met": "  ", "enjoyed": "Kept text", "difficult": "", "marking_end": ""},
    )
    assert response.status_code == 200
    assert "Say which targets were met" in text_beside(response, "targets_met")
    assert "Kept text" in response.content.decode()
    assert not FinalReview.objects.exists()


def test_the_final_review_is_read_only_afterwards(client, final_review, mentor):
    client.force_login(mentor)
    mentorship = final_review.mentorship
    response = client.get(_url("final_review", mentorship))
    text = visible_text(response)
    assert "wrote your final review on" in text
    assert "Coffee in June." in text
    assert 'name="targets_met"' not in response.content.decode()
    client.post(_url("final_review", mentorship), {"targets_met": "Overwrite"})
    assert FinalReview.objects.get().targets_met == "Chaired the stand-up twice."


def test_the_final_review_outside_the_wind_up_says_when(client, active_mentorship, mentee):
    client.force_login(mentee)
    response = client.get(_url("final_review", active_mentorship))
    assert "The final review is written in the wind-up stage" in visible_text(response)
    assert 'name="targets_met"' not in response.content.decode()


# --- the panels on the pair's pages ---


def test_the_pair_page_asks_for_the_baseline(client, active_mentorship, mentee):
    client.force_login(mentee)
    text = visible_text(client.get(reverse("agreements:pair", kwargs={"pk": active_mentorship.pk})))
    assert "Complete the baseline evaluation" in text
    assert "The baseline evaluation" in text


def test_the_coordinator_sees_when_not_what(client, end_evaluations, coordinator):
    mentorship = end_evaluations[0].mentorship
    client.force_login(coordinator)
    response = client.get(
        reverse(
            "agreements:scheme_pair", kwargs={"slug": mentorship.scheme.slug, "pk": mentorship.pk}
        )
    )
    text = visible_text(response)
    assert "Evaluations" in text
    assert "Completed" in text
    assert "Good scheme." not in text


# --- the session settings ---


def test_the_coordinator_changes_the_session_settings(client, scheme, coordinator):
    client.force_login(coordinator)
    url = reverse("sessions:session_settings", kwargs={"slug": scheme.slug})
    page = client.get(url)
    assert "We met often enough" in page.content.decode()
    assert_accessible_page(Page(page.content.decode()))
    response = client.post(
        url,
        {
            "time_zone": "Europe/Paris",
            "follow_up_months": "6",
            "relationship_items": "We trusted each other\r\n\r\nWe met often enough\r\n",
        },
    )
    assert response.status_code == 302
    settings = SessionSettings.objects.get(scheme=scheme)
    assert settings.time_zone == "Europe/Paris"
    assert settings.follow_up_months == 6
    assert settings.relationship_items == ["We trusted each other", "We met often enough"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone", "Choose a time zone from the list."),
        ({"follow_up_months": "0"}, "follow_up_months", "at least 1 month"),
        ({"follow_up_months": "x"}, "follow_up_months", "whole number"),
        ({"follow_up_months": "9" * 30}, "follow_up_months", "at most 24"),
        ({"relationship_items": "\n".join(f"S{n}" for n in range(13))}, "relationship_items", "12"),
        ({"relationship_items": "x" * 201}, "relationship_items", "200 characters"),
        ({"relationship_items": "   "}, "relationship_items", "at least one"),
        ({"relationship_items": "bad\x00text"}, "relationship_items", ""),
    ],
)
def test_bad_session_settings_show_beside_the_field(
    client, scheme, coordinator, changes, field, message
):
    client.force_login(coordinator)
    data = {
        "time_zone": "Europe/London",
        "follow_up_months": "3",
        "relationship_items": "We met often enough",
        **changes,
    }
    response = client.post(reverse("sessions:session_settings", kwargs={"slug": scheme.slug}), data)
    assert response.status_code == 200
    beside = text_beside(response, field)
    assert message in beside
    assert "is-invalid" in response.content.decode()
    assert not SessionSettings.objects.exists()


def test_the_scheme_hub_links_the_session_settings(client, scheme, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("scheme", kwargs={"slug": scheme.slug}))
    assert reverse("sessions:session_settings", kwargs={"slug": scheme.slug}) in (
        response.content.decode()
    )


def test_an_empty_post_shows_every_message(client, active_mentorship, mentee):
    client.force_login(mentee)
    response = client.post(_url("evaluation", active_mentorship, "baseline"), {})
    assert response.status_code == 200
    assert "Rate yourself on “Confidence” from 1 to 5." in visible_text(response)
    assert not Evaluation.objects.exists()
