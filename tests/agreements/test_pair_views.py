"""The pair's page, the stage move it offers, the concern form, and the ways in from
Home, My mentorships and the match's own page."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from agreements.models import Concern, ProgressEntry, StageMove
from agreements.services.agreement import agreement_draft_save, agreement_sign
from agreements.services.goals import goal_create, progress_record, target_create
from agreements.services.stages import PAIR_MOVES
from matching.models import Mentorship
from schemes.models import Role
from tests.factories import MembershipFactory
from tests.html import Page, text_beside, visible_text

Stage = Mentorship.Stage


def _pair_url(mentorship):
    return reverse("agreements:pair", kwargs={"pk": mentorship.pk})


def _page(client, user, mentorship):
    client.force_login(user)
    response = client.get(_pair_url(mentorship))
    assert response.status_code == 200
    return response


def _sign(mentorship, user):
    draft = mentorship.agreement_versions.get(status="draft")
    return agreement_sign(
        mentorship=mentorship, user=user, typed_name=user.name, content_hash=draft.content_hash
    )


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _at_stage(mentorship, stage):
    Mentorship.objects.filter(pk=mentorship.pk).update(stage=stage)
    mentorship.refresh_from_db()
    return mentorship


# --- the page ---


@pytest.mark.django_db
@pytest.mark.parametrize(("viewer", "other"), [("mentee", "mentor"), ("mentor", "mentee")])
def test_each_of_the_pair_sees_the_stage_guide(client, request, active_mentorship, viewer, other):
    user, other_user = request.getfixturevalue(viewer), request.getfixturevalue(other)
    response = _page(client, user, active_mentorship)
    text = visible_text(response)
    assert f"Your mentorship with {other_user.display_name}" in text
    assert f"you are the {viewer}" in text
    assert "Your stage: Initiation" in text
    assert "Getting to know each other and agreeing how you will work together." in text
    assert "Write your agreement and both sign it." in text
    content = response.content.decode()
    # The five stages in order, the current one marked for assistive technology.
    stages = ["Initiation", "Goal setting", "Progress", "Wind-up", "Distance"]
    positions = [content.index(f"{label}:") for label in stages]
    assert positions == sorted(positions)
    assert content.count('aria-current="step"') == 1
    assert '<li aria-current="step" class="fw-semibold">Initiation' in content
    assert "The goal-setting stage starts on its own when you have both signed" in text
    assert reverse("agreements:stage_advance", kwargs={"pk": active_mentorship.pk}) not in content


@pytest.mark.django_db
def test_next_steps_follow_the_agreement_from_nothing_to_signed(
    client, active_mentorship, mentee, mentor
):
    mentor_name, mentee_name = mentor.get_short_name(), mentee.get_short_name()
    agreement_url = reverse("agreements:agreement", kwargs={"pk": active_mentorship.pk})
    edit_url = reverse("agreements:agreement_edit", kwargs={"pk": active_mentorship.pk})

    response = _page(client, mentee, active_mentorship)
    assert f"Write your agreement with {mentor_name}" in visible_text(response)
    assert f'href="{edit_url}"' in response.content.decode()

    version = agreement_draft_save(
        mentorship=active_mentorship,
        user=mentee,
        content={"purpose": "Lead a team.", "success": "Leading one.", "objectives": ["A", "B"]},
        base_number=None,
        base_revision=None,
    ).version
    text = visible_text(_page(client, mentee, active_mentorship))
    assert "Read version 1 of your agreement and sign it." in text
    assert "waiting for you both to sign" in text
    assert "Write your agreement with" not in text

    _sign(active_mentorship, mentee)
    text = visible_text(_page(client, mentee, active_mentorship))
    assert f"Wait for {mentor_name} to sign version 1 of your agreement." in text
    assert f"signed by you and waiting for {mentor_name} to sign" in text
    response = _page(client, mentor, active_mentorship)
    assert "Read version 1 of your agreement and sign it." in visible_text(response)
    assert f"signed by {mentee_name} and waiting for you to sign" in visible_text(response)
    assert f'href="{agreement_url}"' in response.content.decode()

    # The mentor changes the text: the mentee's signature was on the earlier one.
    version.refresh_from_db()
    agreement_draft_save(
        mentorship=active_mentorship,
        user=mentor,
        content={"purpose": "Lead a team well.", "success": "Leading one.", "objectives": ["A"]},
        base_number=version.number,
        base_revision=version.revision,
    )
    text = visible_text(_page(client, mentee, active_mentorship))
    assert "The agreement changed after you signed it" in text
    assert "sign again" in text

    _sign(active_mentorship, mentee)
    _sign(active_mentorship, mentor)
    text = visible_text(_page(client, mentee, active_mentorship))
    assert "Version 1 is in force" in text
    assert "Your stage: Goal setting" in text
    assert "Add a goal for each objective of your agreement: you have 0 of 1." in text
    assert "By the product" in text  # the move the signatures made
    assert "sign it" not in text
    assert "Wait for" not in text


@pytest.mark.django_db
def test_next_steps_name_goals_without_targets_due_targets_and_missing_progress(
    client, active_mentorship, mentee, goal
):
    text = visible_text(_page(client, mentee, active_mentorship))
    assert f"Set targets for the goal “{goal.title}”." in text

    today = timezone.localdate()
    target_create(
        goal=goal,
        user=mentee,
        data={"what": "Chair a meeting", "measure": "Chaired once", "due_on": today + timedelta(3)},
    )
    text = visible_text(_page(client, mentee, active_mentorship))
    assert "Set targets for the goal" not in text
    assert f"The target “Chair a meeting” is due on {today + timedelta(3):%-d %B %Y}." in text
    assert f"Record progress on the goal “{goal.title}”" in text

    progress_record(goal=goal, user=mentee, rating=4, comment="Started")
    text = visible_text(_page(client, mentee, active_mentorship))
    assert "Record progress on the goal" not in text
    assert "4/10" in text
    assert "0 of 1" in text


@pytest.mark.django_db
def test_nothing_waiting_says_so_kindly(client, active_mentorship, mentee, mentor, target):
    agreement_draft_save(
        mentorship=active_mentorship,
        user=mentee,
        content={"purpose": "Lead a team.", "success": "Leading one.", "objectives": ["A"]},
        base_number=None,
        base_revision=None,
    )
    _sign(active_mentorship, mentee)
    _sign(active_mentorship, mentor)
    _at_stage(active_mentorship, Stage.PROGRESS)
    progress_record(goal=target.goal, user=mentee, rating=5)
    text = visible_text(_page(client, mentee, active_mentorship))
    assert "Nothing is waiting for you right now." in text


@pytest.mark.django_db
def test_meetings_show_only_what_the_agreement_in_force_says(
    client, active_mentorship, mentee, mentor
):
    text = visible_text(_page(client, mentee, active_mentorship))
    assert "They appear here once you have both signed it." in text
    agreement_draft_save(
        mentorship=active_mentorship,
        user=mentee,
        content={
            "purpose": "Lead a team.",
            "success": "Leading one.",
            "meeting_frequency": "Every second Tuesday",
            "meeting_format": "Coffee at the canteen",
            "arranged_by": "mentor",
            "planned_sessions": 8,
        },
        base_number=None,
        base_revision=None,
    )
    _sign(active_mentorship, mentee)
    _sign(active_mentorship, mentor)
    text = visible_text(_page(client, mentee, active_mentorship))
    for fact in ("Every second Tuesday", "Coffee at the canteen", "The mentor", "8"):
        assert fact in text
    assert "coming soon" not in text.lower()


@pytest.mark.django_db
def test_the_page_shows_only_the_viewers_own_concerns(
    client, active_mentorship, mentee, mentor, concern
):
    text = visible_text(_page(client, mentee, active_mentorship))
    assert "Concerns you raised" in text
    assert "We are not meeting often enough" in text
    assert "Open" in text
    assert concern.text not in text
    assert "Concerns you raised" not in visible_text(_page(client, mentor, active_mentorship))


@pytest.mark.django_db
def test_a_completed_mentorship_is_read_only(client, active_mentorship, mentee, mentor, goal):
    _at_stage(active_mentorship, Stage.DISTANCE)
    from agreements.services.stages import stage_advance

    stage_advance(mentorship=active_mentorship, user=mentor, from_stage=Stage.DISTANCE)
    response = _page(client, mentee, active_mentorship)
    text = visible_text(response)
    assert "Your mentorship was completed" in text
    assert "nothing on it can change any more" in text
    assert "Next for you" not in text
    assert "Add a goal" not in text
    assert reverse("agreements:stage_advance", kwargs={"pk": active_mentorship.pk}) not in (
        response.content.decode()
    )
    assert mentor.display_name in text  # the history says who completed it


@pytest.mark.django_db
def test_a_mentorship_ended_early_is_read_only_and_still_takes_no_move(
    client, active_mentorship, mentee
):
    Mentorship.objects.filter(pk=active_mentorship.pk).update(
        status=Mentorship.Status.ENDED,
        stage=Stage.GOAL_SETTING,
        ended_at=timezone.now(),
        end_reason="Moved to another organisation.",
    )
    text = visible_text(_page(client, mentee, active_mentorship))
    assert "This mentorship has ended" in text
    assert "We have held our first session" not in text
    assert "Next for you" not in text
    url = reverse("agreements:stage_advance", kwargs={"pk": active_mentorship.pk})
    response = client.post(url, {"from_stage": Stage.GOAL_SETTING})
    assert "This mentorship has finished." in _messages(response)
    assert not StageMove.objects.exists()


@pytest.mark.django_db
def test_the_page_query_count_does_not_grow_with_goals_targets_and_moves(
    client, active_mentorship, mentee, mentor, django_assert_max_num_queries
):
    def add_goal(n):
        goal = goal_create(mentorship=active_mentorship, user=mentee, data={"title": f"Goal {n}"})
        for i in range(4):
            target_create(
                goal=goal,
                user=mentee,
                data={
                    "what": f"Step {i}",
                    "measure": "Done",
                    "due_on": timezone.localdate() + timedelta(days=2 + i),
                },
            )
            progress_record(goal=goal, user=mentor, rating=i + 1)

    client.force_login(mentee)
    add_goal(1)
    # The page's own reads, and the sessions panel's (a fixed number: see
    # tests/sessions/test_session_views.py).
    with django_assert_max_num_queries(20) as few:
        assert client.get(_pair_url(active_mentorship)).status_code == 200
    add_goal(2)
    add_goal(3)
    _at_stage(active_mentorship, Stage.GOAL_SETTING)
    for stage in (Stage.GOAL_SETTING, Stage.PROGRESS, Stage.WIND_UP):
        from agreements.services.stages import stage_advance

        stage_advance(mentorship=active_mentorship, user=mentee, from_stage=stage)
    assert ProgressEntry.objects.count() == 12
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_pair_url(active_mentorship))
    assert "Goal 3" in visible_text(response)


# --- the stage move ---


@pytest.mark.django_db
def test_the_pair_moves_on_from_their_page(client, active_mentorship, mentee):
    _at_stage(active_mentorship, Stage.GOAL_SETTING)
    response = _page(client, mentee, active_mentorship)
    assert "We have held our first session" in visible_text(response)
    assert "when you have held your first session" in visible_text(response)
    url = reverse("agreements:stage_advance", kwargs={"pk": active_mentorship.pk})
    response = client.post(url, {"from_stage": Stage.GOAL_SETTING})
    assert response.status_code == 302
    assert response.url == _pair_url(active_mentorship)
    assert _messages(response) == [PAIR_MOVES[Stage.GOAL_SETTING].done]
    active_mentorship.refresh_from_db()
    assert active_mentorship.stage == Stage.PROGRESS
    move = StageMove.objects.get()
    assert (move.kind, move.moved_by) == (StageMove.Kind.PAIR, mentee)

    # The page, now at progress, says the wind-up also comes on its own.
    text = visible_text(_page(client, mentee, active_mentorship))
    assert "It also happens on its own 4 weeks before your end date" in text

    # The same click again (a stale page) is refused, and nothing moves.
    response = client.post(url, {"from_stage": Stage.GOAL_SETTING})
    assert response.url.startswith(_pair_url(active_mentorship))
    assert "Your mentorship is already in the progress stage." in _messages(response)
    assert StageMove.objects.count() == 1


@pytest.mark.django_db
def test_completing_asks_for_a_confirming_tick(client, active_mentorship, mentee):
    _at_stage(active_mentorship, Stage.DISTANCE)
    response = _page(client, mentee, active_mentorship)
    assert 'name="confirm"' in response.content.decode()
    url = reverse("agreements:stage_advance", kwargs={"pk": active_mentorship.pk})

    response = client.post(url, {"from_stage": Stage.DISTANCE})
    assert "Tick the box to confirm" in " ".join(_messages(response))
    active_mentorship.refresh_from_db()
    assert active_mentorship.status == Mentorship.Status.ACTIVE

    response = client.post(url, {"from_stage": Stage.DISTANCE, "confirm": "on"})
    assert PAIR_MOVES[Stage.DISTANCE].done in _messages(response)
    active_mentorship.refresh_from_db()
    assert active_mentorship.status == Mentorship.Status.COMPLETED


@pytest.mark.django_db
@pytest.mark.parametrize("from_stage", ["", "initiation", "completed", "x" * 500])
def test_a_bad_from_stage_is_a_message_not_an_error(client, active_mentorship, mentee, from_stage):
    client.force_login(mentee)
    url = reverse("agreements:stage_advance", kwargs={"pk": active_mentorship.pk})
    response = client.post(url, {"from_stage": from_stage})
    assert response.status_code == 302
    assert "Reload" in " ".join(_messages(response))
    assert not StageMove.objects.exists()


# --- the concern ---


@pytest.mark.django_db
def test_the_concern_page_says_who_reads_it_before_the_form(
    client, scheme, active_mentorship, mentee, mentor, coordinator
):
    second = MembershipFactory(scheme=scheme, role=Role.COORDINATOR).user
    client.force_login(mentee)
    response = client.get(reverse("agreements:concern_raise", kwargs={"pk": active_mentorship.pk}))
    assert response.status_code == 200
    text = visible_text(response)
    before_form = text.split("What is it about?")[0]
    assert coordinator.display_name in before_form
    assert second.display_name in before_form
    assert f"{mentor.display_name} will not see it" in before_form
    assert "e-mailed that a concern is waiting, without its text" in before_form
    assert reverse("matching:mentorship_end", kwargs={"pk": active_mentorship.pk}) in (
        response.content.decode()
    )
    radios = [attrs for tag, attrs in Page(response.content.decode()).controls()]
    assert {a.get("value") for a in radios if a.get("type") == "radio"} == set(Concern.Topic.values)


@pytest.mark.django_db
def test_a_concern_with_errors_keeps_what_was_typed(client, active_mentorship, mentor):
    client.force_login(mentor)
    url = reverse("agreements:concern_raise", kwargs={"pk": active_mentorship.pk})
    response = client.post(url, {"topic": "", "text": "We never meet <b>at all</b>"})
    assert response.status_code == 200
    assert "Choose what your concern is about." in text_beside(response, "topic")
    assert "We never meet <b>at all</b>" in text_beside(response, "text")
    response = client.post(url, {"topic": "fit", "text": "   "})
    assert "Write your message to the coordinators." in text_beside(response, "text")
    response = client.post(url, {"topic": "no-such-topic", "text": "x\x00y"})
    assert response.status_code == 200
    assert "Choose one of the topics listed." in text_beside(response, "topic")
    assert not Concern.objects.exists()


@pytest.mark.django_db
def test_a_concern_is_sent_and_the_author_told_who_reads_it(
    client, active_mentorship, mentor, coordinator
):
    client.force_login(mentor)
    url = reverse("agreements:concern_raise", kwargs={"pk": active_mentorship.pk})
    response = client.post(url, {"topic": "expectations", "text": "We never agreed a purpose."})
    assert response.status_code == 302
    assert response.url == _pair_url(active_mentorship)
    concern = Concern.objects.get()
    assert (concern.role, concern.topic, concern.text) == (
        "mentor",
        "expectations",
        "We never agreed a purpose.",
    )
    (message,) = _messages(response)
    assert coordinator.display_name in message
    assert "will not see it" in message


# --- the ways in ---


def _links_to_pair(response, mentorship):
    return f'href="{_pair_url(mentorship)}"' in response.content.decode()


@pytest.mark.django_db
def test_home_my_mentorships_and_the_match_page_lead_to_an_active_pairs_page(
    client, active_mentorship, mentee
):
    client.force_login(mentee)
    for url in (
        reverse("home"),
        reverse("matching:my_mentorships"),
        reverse("matching:mentorship", kwargs={"pk": active_mentorship.pk}),
    ):
        response = client.get(url)
        assert _links_to_pair(response, active_mentorship), url
        assert "Open your pair's page" in visible_text(response)


@pytest.mark.django_db
def test_a_proposed_match_has_no_pairs_page_link(client, mentorship, mentee):
    client.force_login(mentee)
    for url in (
        reverse("home"),
        reverse("matching:my_mentorships"),
        reverse("matching:mentorship", kwargs={"pk": mentorship.pk}),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert not _links_to_pair(response, mentorship), url
        assert "Open your pair's page" not in visible_text(response)


@pytest.mark.django_db
def test_a_completed_mentorship_is_reached_from_the_past_list(client, active_mentorship, mentor):
    Mentorship.objects.filter(pk=active_mentorship.pk).update(
        status=Mentorship.Status.COMPLETED, ended_at=timezone.now()
    )
    client.force_login(mentor)
    response = client.get(reverse("matching:my_mentorships"))
    past = response.content.decode().split('id="past-heading"')[1]
    assert f'href="{_pair_url(active_mentorship)}"' in past


@pytest.mark.django_db
def test_the_coordinator_is_led_to_their_own_view_of_the_pair_not_the_pairs_page(
    client, active_mentorship, coordinator
):
    client.force_login(coordinator)
    response = client.get(reverse("matching:mentorship", kwargs={"pk": active_mentorship.pk}))
    assert response.status_code == 200
    assert not _links_to_pair(response, active_mentorship)
    assert "Open your pair's page" not in visible_text(response)
    scheme_pair = reverse(
        "agreements:scheme_pair",
        kwargs={"slug": active_mentorship.scheme.slug, "pk": active_mentorship.pk},
    )
    assert f'href="{scheme_pair}"' in response.content.decode()
