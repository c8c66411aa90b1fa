"""The goal pages as the pair uses them: a new goal with the agreement's objectives
offered, the goal's page with targets, progress as a chart and a table, sharing and
status, the SMART target form, and what bad input and another pair's ids get."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.chart import long_date
from agreements.models import Goal, ProgressEntry, Target
from agreements.services.goals import (
    goal_create,
    goal_set_status,
    mentorship_dates,
    progress_record,
    target_create,
)
from matching.models import Mentorship
from tests.factories import approved_mentee, approved_mentor
from tests.html import Page, assert_accessible_page, text_beside, visible_text

pytestmark = pytest.mark.django_db


def _url(name, goal=None, target=None, mentorship=None):
    kwargs = {"pk": mentorship.pk if mentorship else goal.mentorship_id}
    if goal is not None:
        kwargs["goal"] = goal.pk
    if target is not None:
        kwargs["target"] = target.pk
    return reverse(f"agreements:{name}", kwargs=kwargs)


def _target_post(**changes):
    data = {
        "what": "Chair the stand-up",
        "measure": "Chaired it twice",
        "achievable": "The lead agreed",
        "due_on": (timezone.localdate() + timedelta(days=20)).isoformat(),
    }
    data.update(changes)
    return data


def _second_pair(scheme):
    """Another active mentorship of the same scheme, with a goal and a target."""
    mentee = approved_mentee(scheme, "second.mentee@example.org")
    mentor = approved_mentor(scheme, "second.mentor@example.org")
    mentorship = Mentorship.objects.create(
        scheme=scheme,
        mentee=mentee.user,
        mentor=mentor.user,
        mentee_application=mentee,
        mentor_application=mentor,
        respond_by=timezone.now() + timedelta(days=14),
        status=Mentorship.Status.ACTIVE,
        mentee_response=Mentorship.Response.ACCEPTED,
        mentor_response=Mentorship.Response.ACCEPTED,
        started_at=timezone.now() - timedelta(days=2),
    )
    goal = goal_create(mentorship=mentorship, user=mentee.user, data={"title": "Their goal"})
    target = target_create(
        goal=goal,
        user=mentee.user,
        data={
            "what": "Their step",
            "measure": "Their measure",
            "due_on": timezone.localdate() + timedelta(days=5),
        },
    )
    return goal, target


# --- a new goal ---


@pytest.mark.parametrize("role", ["mentee", "mentor"])
def test_either_of_the_pair_adds_a_goal(client, request, active_mentorship, role):
    person = request.getfixturevalue(role)
    client.force_login(person)
    response = client.post(
        _url("goal_create", mentorship=active_mentorship),
        {"title": "Lead a project", "why": "Growth", "success_criteria": "Delivered"},
        follow=True,
    )
    goal = Goal.objects.get(mentorship=active_mentorship)
    assert (goal.title, goal.created_by) == ("Lead a project", person)
    assert response.redirect_chain[-1][0] == _url("goal", goal)
    assert "Your goal is added" in visible_text(response)


def test_the_agreements_objectives_not_yet_goals_are_suggested(
    client, agreement_draft, goal, mentee
):
    client.force_login(mentee)
    response = client.get(_url("goal_create", mentorship=goal.mentorship))
    text = visible_text(response)
    assert "Use the objective “Give difficult feedback”" in text
    # "Run a team meeting" is a goal already.
    assert "“Run a team meeting”" not in text
    assert "?title=Give%20difficult%20feedback" in response.content.decode()


def test_a_suggestion_fills_in_the_title(client, active_mentorship, mentee):
    client.force_login(mentee)
    response = client.get(
        _url("goal_create", mentorship=active_mentorship) + "?title=Give+feedback"
    )
    assert Page(response.content.decode()).find("id_title")["value"] == "Give feedback"


def test_a_fourth_goal_is_refused_beside_the_title_keeping_what_was_typed(
    client, active_mentorship, mentee
):
    for title in ("One", "Two", "Three"):
        goal_create(mentorship=active_mentorship, user=mentee, data={"title": title})
    client.force_login(mentee)
    response = client.post(
        _url("goal_create", mentorship=active_mentorship),
        {"title": "A fourth goal", "why": "Because I want it", "success_criteria": "Seen"},
    )
    assert response.status_code == 200
    assert "You have 3 goals already" in text_beside(response, "title")
    page = Page(response.content.decode())
    assert page.find("id_title")["value"] == "A fourth goal"
    assert "Because I want it" in response.content.decode()
    assert Goal.objects.filter(mentorship=active_mentorship).count() == 3


def test_a_goal_without_a_title_is_refused_beside_the_field(client, active_mentorship, mentee):
    client.force_login(mentee)
    response = client.post(
        _url("goal_create", mentorship=active_mentorship), {"title": "   ", "why": "Kept"}
    )
    assert "Say what the goal is." in text_beside(response, "title")
    assert "Kept" in response.content.decode()
    assert not Goal.objects.exists()


@pytest.mark.parametrize("role", ["mentee", "mentor"])
def test_either_of_the_pair_edits_a_goal(client, request, goal, role):
    client.force_login(request.getfixturevalue(role))
    form = client.get(_url("goal_edit", goal))
    assert Page(form.content.decode()).find("id_title")["value"] == "Run a team meeting"
    client.post(
        _url("goal_edit", goal),
        {"title": "Run two meetings", "why": "More", "success_criteria": "Twice"},
    )
    goal.refresh_from_db()
    assert (goal.title, goal.why, goal.success_criteria) == ("Run two meetings", "More", "Twice")


# --- the goal's page ---


@pytest.mark.parametrize("role", ["mentee", "mentor"])
def test_the_goal_page_shows_the_goal_and_its_targets(client, request, target, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(_url("goal", target.goal))
    text = visible_text(response)
    for words in ("Run a team meeting", "Practice", "Done once", "Chair the Monday stand-up"):
        assert words in text
    assert "Chaired it twice" in text
    assert "The team lead agreed" in text
    assert "Mark done" in text
    assert "Add a target" in text
    assert _url("target_edit", target.goal, target) in response.content.decode()
    assert_accessible_page(Page(response.content.decode()))


def test_an_empty_goal_page_says_what_to_do_next(client, goal, mentee):
    client.force_login(mentee)
    text = visible_text(client.get(_url("goal", goal)))
    assert "No targets yet" in text
    assert "No progress recorded yet" in text
    assert "<svg" not in text


def test_the_chart_and_the_table_show_the_same_ratings(client, goal, mentee, mentor):
    first = progress_record(goal=goal, user=mentee, rating=3, comment="A slow start")
    ProgressEntry.objects.filter(pk=first.pk).update(
        recorded_at=timezone.now() - timedelta(days=14)
    )
    progress_record(goal=goal, user=mentor, rating=7, comment="Chaired one")
    client.force_login(mentee)
    response = client.get(_url("goal", goal))
    html = response.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="progress-chart"' in html
    today = timezone.localdate()
    assert f"{long_date(today)}: 7 out of 10" in html
    assert f"{long_date(today - timedelta(days=14))}: 3 out of 10" in html
    assert "2 ratings from" in html
    rows = visible_text(response).split("Comment", 1)[1]
    assert "3 out of 10 You A slow start" in rows
    assert f"7 out of 10 {mentor.display_name} Chaired one" in rows
    assert_accessible_page(Page(html))


def test_the_sharing_section_says_exactly_what_coordinators_see(client, goal, mentee):
    client.force_login(mentee)
    text = visible_text(client.get(_url("goal", goal)))
    assert "This goal is private to the two of you" in text
    assert "the goal's title, “Run a team meeting”, and its progress ratings with their dates" in (
        text
    )
    assert (
        "never see why it matters, how you will know it is reached, its targets or the comments"
        in (text)
    )


def test_sharing_a_goal_and_stopping(client, goal, mentor):
    client.force_login(mentor)
    response = client.post(_url("goal_share", goal), {"shared": "share"}, follow=True)
    goal.refresh_from_db()
    assert goal.shared_with_coordinator is True
    text = visible_text(response)
    assert "The coordinators can now see this goal's title" in text
    assert "Stop sharing" in text
    client.post(_url("goal_share", goal), {"shared": "stop"})
    goal.refresh_from_db()
    assert goal.shared_with_coordinator is False


def test_a_share_button_with_a_made_up_value_changes_nothing(client, goal, mentor):
    client.force_login(mentor)
    response = client.post(_url("goal_share", goal), {"shared": "<everyone>"}, follow=True)
    goal.refresh_from_db()
    assert goal.shared_with_coordinator is False
    assert "Choose to share or to stop sharing." in visible_text(response)


def test_the_goal_status_buttons(client, goal, mentee):
    client.force_login(mentee)
    response = client.post(_url("goal_status", goal), {"status": "achieved"}, follow=True)
    goal.refresh_from_db()
    assert goal.status == Goal.Status.ACHIEVED
    assert "Well done" in visible_text(response)
    client.post(_url("goal_status", goal), {"status": "active"})
    goal.refresh_from_db()
    assert goal.status == Goal.Status.ACTIVE


def test_taking_up_a_dropped_goal_over_the_limit_is_a_message(client, goal, mentee):
    goal_set_status(goal=goal, user=mentee, status=Goal.Status.DROPPED)
    for title in ("One", "Two", "Three"):
        goal_create(mentorship=goal.mentorship, user=mentee, data={"title": title})
    client.force_login(mentee)
    response = client.post(_url("goal_status", goal), {"status": "active"}, follow=True)
    goal.refresh_from_db()
    assert goal.status == Goal.Status.DROPPED
    assert "Drop one to take this one up again" in visible_text(response)


def test_a_finished_mentorship_shows_its_goal_read_only(client, target, mentee):
    Mentorship.objects.filter(pk=target.goal.mentorship_id).update(
        status=Mentorship.Status.COMPLETED
    )
    client.force_login(mentee)
    response = client.get(_url("goal", target.goal))
    text = visible_text(response)
    assert "can be read but no longer changed" in text
    assert "Chair the Monday stand-up" in text
    assert "Record progress" not in text
    assert "Mark done" not in text
    assert 'name="rating"' not in response.content.decode()
    edit = client.get(_url("target_edit", target.goal, target), follow=True)
    assert "its goals can no longer change" in visible_text(edit)
    refused = client.post(_url("progress_record", target.goal), {"rating": "5"}, follow=True)
    assert "has finished" in visible_text(refused)
    assert not ProgressEntry.objects.exists()


# --- progress ---


@pytest.mark.parametrize("role", ["mentee", "mentor"])
def test_either_of_the_pair_records_progress(client, request, goal, role):
    person = request.getfixturevalue(role)
    client.force_login(person)
    response = client.post(
        _url("progress_record", goal), {"rating": "6", "comment": "Halfway"}, follow=True
    )
    entry = ProgressEntry.objects.get(goal=goal)
    assert (entry.rating, entry.comment, entry.author) == (6, "Halfway", person)
    assert "Your rating of 6 out of 10 is recorded." in visible_text(response)


@pytest.mark.parametrize("rating", ["0", "11", "abc", "", "99999999999999999999", "5.5"])
def test_a_bad_rating_is_a_message_beside_the_field_keeping_the_comment(
    client, goal, mentee, rating
):
    client.force_login(mentee)
    response = client.post(
        _url("progress_record", goal), {"rating": rating, "comment": "My typed comment"}
    )
    assert response.status_code == 200
    assert "Choose a rating from 1 (not started) to 10 (reached)." in text_beside(
        response, "rating"
    )
    assert "My typed comment" in response.content.decode()
    assert not ProgressEntry.objects.exists()
    assert_accessible_page(Page(response.content.decode()))


def test_the_rating_choices_name_both_ends(client, goal, mentee):
    client.force_login(mentee)
    text = text_beside(client.get(_url("goal", goal)), "rating")
    assert "1 (not started)" in text
    assert "10 (reached)" in text


# --- targets ---


@pytest.mark.parametrize("role", ["mentee", "mentor"])
def test_either_of_the_pair_adds_a_target(client, request, goal, role):
    client.force_login(request.getfixturevalue(role))
    response = client.post(_url("target_create", goal), _target_post(), follow=True)
    target = Target.objects.get(goal=goal)
    assert (target.what, target.measure) == ("Chair the stand-up", "Chaired it twice")
    assert "Your target is added." in visible_text(response)


def test_the_target_form_shows_the_allowed_dates(client, goal, mentee):
    start, end = mentorship_dates(goal.mentorship)
    client.force_login(mentee)
    response = client.get(_url("target_create", goal))
    assert f"A date from {start:%-d %B %Y} to {end:%-d %B %Y}" in text_beside(response, "due_on")
    due = Page(response.content.decode()).find("id_due_on")
    assert (due["type"], due["min"], due["max"]) == ("date", start.isoformat(), end.isoformat())


def test_a_target_without_a_measure_is_refused_beside_the_field(client, goal, mentee):
    client.force_login(mentee)
    response = client.post(_url("target_create", goal), _target_post(measure="  "))
    assert "Say how you will measure this target." in text_beside(response, "measure")
    assert Page(response.content.decode()).find("id_what")["value"] == "Chair the stand-up"
    assert "The lead agreed" in response.content.decode()
    assert not Target.objects.exists()


@pytest.mark.parametrize("days", [-1, 1])
def test_a_due_date_outside_the_mentorship_is_refused_beside_the_field(client, goal, mentee, days):
    start, end = mentorship_dates(goal.mentorship)
    due = (start if days < 0 else end) + timedelta(days=days)
    client.force_login(mentee)
    response = client.post(_url("target_create", goal), _target_post(due_on=due.isoformat()))
    assert "Choose a date within your mentorship" in text_beside(response, "due_on")
    assert Page(response.content.decode()).find("id_due_on")["value"] == due.isoformat()
    assert Page(response.content.decode()).find("id_measure")["value"] == "Chaired it twice"
    assert not Target.objects.exists()


@pytest.mark.parametrize("due", ["not a date", "2026-02-30", "99999-01-01"])
def test_a_date_that_is_not_a_date_is_refused_beside_the_field(client, goal, mentee, due):
    client.force_login(mentee)
    response = client.post(_url("target_create", goal), _target_post(due_on=due))
    assert response.status_code == 200
    assert "Enter a real date" in text_beside(response, "due_on")
    assert not Target.objects.exists()


def test_editing_a_target_keeps_its_values_and_saves_the_change(client, target, mentor):
    client.force_login(mentor)
    form = client.get(_url("target_edit", target.goal, target))
    assert Page(form.content.decode()).find("id_measure")["value"] == "Chaired it twice"
    client.post(
        _url("target_edit", target.goal, target),
        _target_post(what="Chair the Friday review", due_on=target.due_on.isoformat()),
    )
    target.refresh_from_db()
    assert target.what == "Chair the Friday review"


def test_marking_a_target_done_and_reopening_it(client, target, mentor):
    client.force_login(mentor)
    response = client.post(
        _url("target_status", target.goal, target), {"status": "done"}, follow=True
    )
    target.refresh_from_db()
    assert (target.status, target.closed_by) == (Target.Status.DONE, mentor)
    text = visible_text(response)
    assert "Target marked done" in text
    assert "1 of 1 done" in text
    assert "Reopen" in text
    client.post(_url("target_status", target.goal, target), {"status": "open"})
    target.refresh_from_db()
    assert (target.status, target.closed_at) == (Target.Status.OPEN, None)


def test_a_target_status_that_does_not_exist_is_a_message(client, target, mentor):
    client.force_login(mentor)
    response = client.post(
        _url("target_status", target.goal, target), {"status": "finished"}, follow=True
    )
    target.refresh_from_db()
    assert target.status == Target.Status.OPEN
    assert "Choose open, done or dropped." in visible_text(response)


# --- another pair's goals ---


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("goal", "get"),
        ("goal_edit", "get"),
        ("goal_status", "post"),
        ("goal_share", "post"),
        ("progress_record", "post"),
        ("target_create", "get"),
        ("target_edit", "get"),
        ("target_status", "post"),
    ],
)
def test_another_pairs_goal_is_404_for_this_pair(
    client, scheme, goal, target, mentee, name, method
):
    their_goal, their_target = _second_pair(scheme)
    client.force_login(mentee)
    kwargs = {"pk": goal.mentorship_id, "goal": their_goal.pk}
    if name.startswith("target_") and name != "target_create":
        kwargs["target"] = their_target.pk
    response = getattr(client, method)(
        reverse(f"agreements:{name}", kwargs=kwargs), {"status": "done", "rating": "5"}
    )
    assert response.status_code == 404
    # This pair's goal with the other pair's target is 404 too.
    if "target" in kwargs:
        kwargs = {"pk": goal.mentorship_id, "goal": goal.pk, "target": their_target.pk}
        assert (
            getattr(client, method)(reverse(f"agreements:{name}", kwargs=kwargs)).status_code == 404
        )
    their_goal.refresh_from_db()
    their_target.refresh_from_db()
    assert (their_goal.status, their_target.status) == ("active", "open")
    assert not ProgressEntry.objects.exists()


# --- queries ---


def test_the_goal_page_query_count_does_not_grow_with_targets_and_entries(
    client, goal, mentee, mentor, django_assert_max_num_queries
):
    for number in range(15):
        target_create(
            goal=goal,
            user=mentee if number % 2 else mentor,
            data={
                "what": f"Step {number}",
                "measure": "Seen",
                "due_on": timezone.localdate() + timedelta(days=number + 1),
            },
        )
        progress_record(goal=goal, user=mentor if number % 2 else mentee, rating=number % 10 + 1)
    Target.objects.filter(goal=goal).update(
        status=Target.Status.DONE, closed_at=timezone.now(), closed_by=mentor
    )
    client.force_login(mentee)
    with django_assert_max_num_queries(8):
        response = client.get(_url("goal", goal))
    assert "Step 14" in visible_text(response)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "Lead\x00a team", "This contains a NUL character"),
        ("title", "x" * 5000, "Keep the goal to 200 characters"),
        ("why", "y" * 50000, "at most 4000 characters"),
    ],
)
def test_hostile_goal_text_is_a_message_beside_the_field(
    client, active_mentorship, mentee, field, value, message
):
    client.force_login(mentee)
    data = {"title": "A goal", "why": "", "success_criteria": ""}
    data[field] = value
    response = client.post(_url("goal_create", mentorship=active_mentorship), data)
    assert response.status_code == 200
    assert message in text_beside(response, field)
    assert not Goal.objects.exists()


def test_markup_in_a_goal_is_shown_as_text(client, active_mentorship, mentee):
    client.force_login(mentee)
    client.post(
        _url("goal_create", mentorship=active_mentorship),
        {"title": "<script>alert(1)</script>", "why": "<b>bold</b>"},
    )
    goal = Goal.objects.get()
    html = client.get(_url("goal", goal)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert_accessible_page(Page(html))


def test_at_three_goals_the_new_goal_page_offers_no_form_that_would_be_refused(
    client, active_mentorship, mentee
):
    for title in ("One", "Two", "Three"):
        goal_create(mentorship=active_mentorship, user=mentee, data={"title": title})
    client.force_login(mentee)

    response = client.get(reverse("agreements:goal_create", args=[active_mentorship.pk]))

    assert "You have 3 goals already" in response.content.decode()
    assert b'name="title"' not in response.content


def test_a_dropped_goal_offers_no_way_back_while_three_others_are_kept(
    client, active_mentorship, mentee
):
    dropped = goal_create(mentorship=active_mentorship, user=mentee, data={"title": "Old"})
    goal_set_status(goal=dropped, user=mentee, status="dropped")
    for title in ("One", "Two", "Three"):
        goal_create(mentorship=active_mentorship, user=mentee, data={"title": title})
    client.force_login(mentee)

    response = client.get(reverse("agreements:goal", args=[active_mentorship.pk, dropped.pk]))

    assert b'value="active"' not in response.content
    assert b'value="achieved"' not in response.content
