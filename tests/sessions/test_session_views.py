"""The pages of a pair's sessions: the list, planning and logging, a session's page,
rescheduling, cancelling, marking, the agenda, the summary with actions, the calendar
file and an action's toggle; bad input of every kind; the panels of the pair's page and
of the coordinators' page; and query counts that do not grow with sessions."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from matching.models import Mentorship
from sessions.models import MentoringSession, SessionAction, SessionSettings
from tests.html import text_beside, visible_text
from tests.sessions.helpers import at_stage, second_pair

pytestmark = pytest.mark.django_db
Status = MentoringSession.Status
HOSTILE = "<script>alert('x')</script> & O'Neill \u202e"


def _url(name, mentorship, **kwargs):
    return reverse(f"sessions:{name}", kwargs={"pk": mentorship.pk, **kwargs})


def _when(days=3, **changes):
    when = timezone.localtime(timezone.now() + timedelta(days=days))
    data = {
        "date": when.date().isoformat(),
        "time": "10:30",
        "duration_minutes": "60",
        "format": "video",
        "place": "https://meet.example.org/p",
    }
    data.update(changes)
    return data


# --- the list ---


def test_the_list_shows_every_session_with_counts_and_hours(
    client, mentee, planned_session, held_session
):
    client.force_login(mentee)
    response = client.get(_url("session_list", planned_session.mentorship))
    text = visible_text(response)
    assert "1 held (0.8 hours in all), 1 planned, 0 cancelled, 0 missed" in text
    assert "Plan a session" in text and "Log a past session" in text
    assert text.index("Planned") < text.index("Held")  # the newest first


def test_a_finished_pairs_list_offers_no_buttons(client, mentee, held_session):
    Mentorship.objects.filter(pk=held_session.mentorship_id).update(
        status=Mentorship.Status.COMPLETED
    )
    client.force_login(mentee)
    text = visible_text(client.get(_url("session_list", held_session.mentorship)))
    assert "Plan a session" not in text
    assert "no longer changed" in text


def test_the_list_query_count_does_not_grow_with_sessions(
    client, active_mentorship, mentee, django_assert_max_num_queries
):
    client.force_login(mentee)
    url = _url("session_list", active_mentorship)
    _make_sessions(active_mentorship, 1)
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).status_code == 200
    _make_sessions(active_mentorship, 50)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('href="/pairs/') >= 51


def _make_sessions(mentorship, n):
    now = timezone.now()
    MentoringSession.objects.bulk_create(
        MentoringSession(
            mentorship=mentorship,
            starts_at=now - timedelta(days=7 * (i + 1)),
            duration_minutes=30 + i,
            format="phone",
            status=[Status.HELD, Status.CANCELLED, Status.MISSED][i % 3],
            cancelled_at=now if i % 3 == 1 else None,
            agenda={"options": "Agenda words"},
            summary="Summary words",
        )
        for i in range(n)
    )


# --- plan and log ---


def test_planning_a_session_converts_from_the_schemes_time_zone(
    client, active_mentorship, mentee, scheme
):
    SessionSettings.objects.create(scheme=scheme, time_zone="America/New_York")
    client.force_login(mentee)
    page = client.get(_url("session_plan", active_mentorship))
    assert "America/New_York" in visible_text(page)
    data = _when(days=5)
    response = client.post(_url("session_plan", active_mentorship), data)
    session = MentoringSession.objects.get()
    assert response.status_code == 302
    assert response.url == _url("session", active_mentorship, session=session.pk)
    local = session.starts_at.astimezone(ZoneInfo("America/New_York"))
    assert (local.date().isoformat(), f"{local:%H:%M}") == (data["date"], "10:30")
    assert session.status == Status.PLANNED and session.created_by == mentee


def test_a_past_plan_is_refused_beside_the_date_and_keeps_the_input(
    client, active_mentorship, mentee
):
    client.force_login(mentee)
    response = client.post(
        _url("session_plan", active_mentorship), _when(days=-2, place="Room 9, kept")
    )
    assert response.status_code == 200
    assert "A session in the past can be logged as held instead." in text_beside(response, "date")
    assert 'value="Room 9, kept"' in response.content.decode()
    assert not MentoringSession.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date": "31/02/2026"}, "date", "Give a date such as"),
        ({"date": "99999-01-01"}, "date", "Give a date such as"),
        ({"date": "0001-01-01"}, "date", "Give a date between"),
        ({"time": "25:61"}, "time", "Give a time such as"),
        ({"time": "noon"}, "time", "Give a time such as"),
        ({"duration_minutes": "0"}, "duration_minutes", "at least 5 minutes"),
        ({"duration_minutes": "9999"}, "duration_minutes", "at most 600 minutes"),
        ({"duration_minutes": "9" * 40}, "duration_minutes", "at most 600 minutes"),
        ({"duration_minutes": "an hour"}, "duration_minutes", "number of minutes"),
        ({"format": "carrier pigeon"}, "format", "Choose how you meet"),
        ({"place": "x" * 501}, "place", "500"),
        ({"place": "Room\x00 1"}, "place", ""),
    ],
)
def test_bad_input_is_a_message_beside_the_field(
    client, active_mentorship, mentee, changes, field, message
):
    client.force_login(mentee)
    for name in ("session_plan", "session_log"):
        response = client.post(_url(name, active_mentorship), _when(days=-1, **changes))
        assert response.status_code == 200, name
        beside = text_beside(response, field if field != "format" else "format")
        assert message in beside, (name, beside)
    assert not MentoringSession.objects.exists()


def test_hostile_text_is_kept_escaped(client, active_mentorship, mentee):
    client.force_login(mentee)
    client.post(_url("session_plan", active_mentorship), _when(place=HOSTILE))
    session = MentoringSession.objects.get()
    response = client.get(_url("session", active_mentorship, session=session.pk))
    assert "<script>alert" not in response.content.decode()
    assert "&lt;script&gt;" in response.content.decode()


def test_logging_a_past_session_marks_it_held_and_moves_the_stage(
    client, active_mentorship, mentor
):
    at_stage(active_mentorship, Mentorship.Stage.GOAL_SETTING)
    client.force_login(mentor)
    response = client.post(_url("session_log", active_mentorship), _when(days=-2))
    session = MentoringSession.objects.get()
    assert response.status_code == 302
    assert session.status == Status.HELD
    active_mentorship.refresh_from_db()
    assert active_mentorship.stage == Mentorship.Stage.PROGRESS


def test_a_future_log_is_refused_beside_the_date(client, active_mentorship, mentee):
    client.force_login(mentee)
    response = client.post(_url("session_log", active_mentorship), _when(days=3))
    assert "can be planned instead" in text_beside(response, "date")


# --- the session's page ---


def test_a_planned_sessions_page_shows_the_prompts_and_the_links(client, planned_session, mentee):
    client.force_login(mentee)
    response = client.get(_url("session", planned_session.mentorship, session=planned_session.pk))
    text = visible_text(response)
    assert "Since last time" in text and "the actions and targets" in text  # question, hint
    for link in ("Add to calendar", "Reschedule", "Cancel the session", "Write the agenda"):
        assert link in text
    assert "Mark held" not in text  # not started yet
    assert "Write the summary" not in text


def test_a_held_sessions_page_hides_empty_prompts_and_offers_the_summary(
    client, held_session, mentee, session_action
):
    held_session.agenda = {"options": "Try a rota"}
    held_session.save()
    client.force_login(mentee)
    text = visible_text(
        client.get(_url("session", held_session.mentorship, session=held_session.pk))
    )
    assert "Options" in text and "Try a rota" in text
    assert "Since last time" not in text
    assert "Write the summary" in text
    assert session_action.text in text
    assert "Reschedule" not in text


def test_open_actions_of_earlier_sessions_carry_over(
    client, session_action, planned_session, mentor
):
    client.force_login(mentor)
    text = visible_text(
        client.get(_url("session", planned_session.mentorship, session=planned_session.pk))
    )
    assert "Still open from earlier sessions" in text
    assert session_action.text in text


def test_a_past_planned_session_offers_held_and_missed(client, planned_session, mentee):
    MentoringSession.objects.filter(pk=planned_session.pk).update(
        starts_at=timezone.now() - timedelta(hours=1)
    )
    client.force_login(mentee)
    url = _url("session", planned_session.mentorship, session=planned_session.pk)
    assert "Mark held" in visible_text(client.get(url))
    response = client.post(
        _url("session_status", planned_session.mentorship, session=planned_session.pk),
        {"status": "held"},
    )
    assert response.status_code == 302
    planned_session.refresh_from_db()
    assert planned_session.status == Status.HELD


@pytest.mark.parametrize("value", ["", "cancelled", "x" * 1000])
def test_a_bad_status_is_a_message_not_a_change(client, planned_session, mentee, value):
    client.force_login(mentee)
    response = client.post(
        _url("session_status", planned_session.mentorship, session=planned_session.pk),
        {"status": value},
        follow=True,
    )
    assert "Choose held or missed." in visible_text(response)
    planned_session.refresh_from_db()
    assert planned_session.status == Status.PLANNED


def test_marking_a_future_session_held_is_refused_with_a_message(client, planned_session, mentee):
    client.force_login(mentee)
    response = client.post(
        _url("session_status", planned_session.mentorship, session=planned_session.pk),
        {"status": "held"},
        follow=True,
    )
    assert "once its start has passed" in visible_text(response)


def test_another_pairs_session_is_404(client, scheme, planned_session, mentee):
    other, _, _ = second_pair(scheme)
    theirs = MentoringSession.objects.create(
        mentorship=other,
        starts_at=timezone.now() + timedelta(days=1),
        duration_minutes=30,
        format="phone",
        created_by=other.mentee,
    )
    client.force_login(mentee)
    for name in ("session", "session_edit", "session_cancel", "session_agenda", "session_calendar"):
        # Their session under our pair's address, and under theirs.
        assert (
            client.get(_url(name, planned_session.mentorship, session=theirs.pk)).status_code == 404
        )
        assert client.get(_url(name, other, session=theirs.pk)).status_code == 404
    response = client.post(
        _url("session_cancel", planned_session.mentorship, session=theirs.pk), {"reason": "x"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.PLANNED


# --- reschedule and cancel ---


def test_rescheduling_shows_the_current_time_and_saves_the_new_one(
    client, planned_session, mentor, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(mentor)
    url = _url("session_edit", planned_session.mentorship, session=planned_session.pk)
    local = timezone.localtime(planned_session.starts_at)
    assert f'value="{local.date().isoformat()}"' in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, _when(days=6, place="Room 5"))
    assert response.status_code == 302
    planned_session.refresh_from_db()
    assert (planned_session.place, planned_session.sequence) == ("Room 5", 1)
    assert len(mailoutbox) == 2


def test_rescheduling_into_the_past_keeps_what_was_typed(client, planned_session, mentor):
    client.force_login(mentor)
    url = _url("session_edit", planned_session.mentorship, session=planned_session.pk)
    response = client.post(url, _when(days=-6, place="Typed place"))
    assert "logged as held instead" in text_beside(response, "date")
    assert 'value="Typed place"' in response.content.decode()


def test_cancelling_asks_why_and_shows_who_and_why(client, planned_session, mentor, mentee):
    client.force_login(mentor)
    url = _url("session_cancel", planned_session.mentorship, session=planned_session.pk)
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert "Say why the session is cancelled." in text_beside(response, "reason")
    client.post(url, {"reason": "I am ill, sorry"})
    planned_session.refresh_from_db()
    assert planned_session.status == Status.CANCELLED
    client.force_login(mentee)
    text = visible_text(
        client.get(_url("session", planned_session.mentorship, session=planned_session.pk))
    )
    assert "I am ill, sorry" in text
    assert f"by {mentor.display_name}" in text
    assert "Reschedule" not in text


def test_a_cancelled_sessions_summary_page_says_why_not(client, planned_session, mentee):
    client.force_login(mentee)
    client.post(
        _url("session_cancel", planned_session.mentorship, session=planned_session.pk),
        {"reason": "Ill"},
    )
    response = client.post(
        _url("session_summary", planned_session.mentorship, session=planned_session.pk),
        {"summary": "Should not save"},
        follow=True,
    )
    assert "Only a held session has a summary; this one is cancelled." in visible_text(response)
    planned_session.refresh_from_db()
    assert planned_session.summary == ""


# --- agenda and summary ---


@pytest.mark.parametrize("writer", ["mentee", "mentor"])
def test_either_writes_the_agenda_by_the_prompts(request, client, planned_session, writer):
    client.force_login(request.getfixturevalue(writer))
    url = _url("session_agenda", planned_session.mentorship, session=planned_session.pk)
    page = client.get(url)
    assert "A situation to look at in detail" in visible_text(page)
    response = client.post(url, {"since_last": "Good week", "options": HOSTILE, "bogus": "x"})
    assert response.status_code == 302
    planned_session.refresh_from_db()
    assert planned_session.agenda == {"since_last": "Good week", "options": HOSTILE.strip()}


def test_a_too_long_agenda_keeps_the_text(client, planned_session, mentee):
    client.force_login(mentee)
    url = _url("session_agenda", planned_session.mentorship, session=planned_session.pk)
    response = client.post(url, {"since_last": "kept words", "options": "y" * 4001})
    assert response.status_code == 200
    assert "4000" in text_beside(response, "options")
    assert "kept words" in response.content.decode()


def test_the_summary_saves_actions_and_ignores_empty_rows(
    client, held_session, mentor, goal, target
):
    client.force_login(mentor)
    url = _url("session_summary", held_session.mentorship, session=held_session.pk)
    page = client.get(url)
    assert goal.title in visible_text(page)
    response = client.post(
        url,
        {
            "summary": "We talked",
            "action-0-owner": "mentee",
            "action-0-text": "Book the room",
            "action-0-due_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "action-0-goal": str(goal.pk),
            "action-0-target": str(target.pk),
            "action-2-owner": "mentor",
            "action-2-text": "Send notes",
        },
    )
    assert response.status_code == 302
    actions = list(SessionAction.objects.order_by("pk"))
    assert [(a.owner, a.text, a.goal_id, a.target_id) for a in actions] == [
        ("mentee", "Book the room", goal.pk, target.pk),
        ("mentor", "Send notes", None, None),
    ]
    held_session.refresh_from_db()
    assert held_session.summary == "We talked"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"action-1-text": "No owner"}, "action-1-owner", "Say who does it."),
        ({"action-1-owner": "mentee"}, "action-1-text", "Say what the action is"),
        (
            {"action-1-owner": "boss", "action-1-text": "x"},
            "action-1-owner",
            "mentee or the mentor",
        ),
        ({"action-1-due_on": "soon", "action-1-text": "x"}, "action-1-due_on", "Give a date"),
        ({"action-1-goal": "999999", "action-1-text": "x"}, "action-1-goal", "one of your goals"),
        (
            {"action-1-target": "abc", "action-1-text": "x"},
            "action-1-target",
            "one of your targets",
        ),
        ({"summary": ""}, "summary", "Write the summary"),
    ],
)
def test_bad_summary_input_is_beside_the_field_and_kept(
    client, held_session, mentee, data, field, message
):
    client.force_login(mentee)
    url = _url("session_summary", held_session.mentorship, session=held_session.pk)
    posted = {"summary": "Kept summary", **data}
    response = client.post(url, posted)
    assert response.status_code == 200
    assert message in text_beside(response, field)
    if posted["summary"]:
        assert "Kept summary" in response.content.decode()
    assert not SessionAction.objects.exists()


def test_another_pairs_goal_cannot_be_posted(client, scheme, held_session, mentee):
    _, their_goal, their_target = second_pair(scheme)
    client.force_login(mentee)
    url = _url("session_summary", held_session.mentorship, session=held_session.pk)
    response = client.post(
        url,
        {
            "summary": "S",
            "action-0-owner": "mentee",
            "action-0-text": "x",
            "action-0-goal": str(their_goal.pk),
            "action-0-target": str(their_target.pk),
        },
    )
    assert response.status_code == 200
    assert not SessionAction.objects.exists()


def test_an_action_is_toggled_from_the_page(client, session_action, mentor):
    client.force_login(mentor)
    url = _url("action_status", session_action.mentorship, action=session_action.pk)
    response = client.post(url, {"done": "1", "next_session": "x" * 40})
    assert response.status_code == 302
    session_action.refresh_from_db()
    assert session_action.done
    client.post(url, {"done": "maybe"})
    session_action.refresh_from_db()
    assert session_action.done


def test_another_pairs_action_is_404(client, scheme, mentee, session_action):
    other, _, _ = second_pair(scheme)
    client.force_login(mentee)
    response = client.post(_url("action_status", other, action=session_action.pk), {"done": "1"})
    assert response.status_code == 404


# --- the calendar file ---


def test_the_calendar_file_downloads(client, planned_session, mentee):
    client.force_login(mentee)
    response = client.get(
        _url("session_calendar", planned_session.mentorship, session=planned_session.pk)
    )
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment; filename=" in response["Content-Disposition"]
    assert ".ics" in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    assert calendar.walk("VEVENT")[0]["LOCATION"] == planned_session.place


# --- the panels ---


def test_the_pair_page_shows_the_sessions_panel_and_steps(
    client, active_mentorship, planned_session, held_session, session_action, mentee
):
    client.force_login(mentee)
    text = visible_text(client.get(reverse("agreements:pair", kwargs={"pk": active_mentorship.pk})))
    assert "Your next session" in text
    assert "1 held (0.8 hours), 1 planned" in text
    assert "Write the agenda for" in text
    assert "Write the summary of" in text
    assert "Your open actions: 1" in text
    assert "All sessions" in text


def test_the_mentor_is_not_asked_for_the_agenda(client, planned_session, mentor):
    client.force_login(mentor)
    text = visible_text(
        client.get(reverse("agreements:pair", kwargs={"pk": planned_session.mentorship_id}))
    )
    assert "Write the agenda for" not in text


def test_the_pair_page_query_count_does_not_grow_with_sessions(
    client, active_mentorship, mentee, session_action, django_assert_max_num_queries
):
    client.force_login(mentee)
    url = reverse("agreements:pair", kwargs={"pk": active_mentorship.pk})
    _make_sessions(active_mentorship, 1)
    response = client.get(url)
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    _make_sessions(active_mentorship, 50)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert "Sessions" in visible_text(response)
    assert "0 planned" in visible_text(response)


def test_the_coordinator_sees_counts_and_dates_never_the_words(
    client, scheme, coordinator, active_mentorship, mentee, django_assert_max_num_queries
):
    _make_sessions(active_mentorship, 3)
    MentoringSession.objects.filter(mentorship=active_mentorship).update(place="SECRET-PLACE")
    SessionAction.objects.create(
        session=MentoringSession.objects.filter(mentorship=active_mentorship).first(),
        mentorship=active_mentorship,
        owner="mentee",
        text="SECRET-ACTION",
    )
    client.force_login(coordinator)
    url = reverse(
        "agreements:scheme_pair", kwargs={"slug": scheme.slug, "pk": active_mentorship.pk}
    )
    with django_assert_max_num_queries(60) as few:
        response = client.get(url)
    text = visible_text(response)
    assert "1 held" in text and "1 cancelled" in text and "1 missed" in text
    for secret in ("Agenda words", "Summary words", "SECRET-PLACE", "SECRET-ACTION"):
        assert secret not in response.content.decode()
    _make_sessions(active_mentorship, 50)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_a_non_ascii_digit_as_the_session_to_return_to_is_ignored_not_a_500(
    client, mentee, session_action
):
    client.force_login(mentee)
    mentorship = session_action.mentorship

    response = client.post(
        reverse("sessions:action_status", args=[mentorship.pk, session_action.pk]),
        {"done": "1", "next_session": "²"},
    )

    assert response.status_code == 302
