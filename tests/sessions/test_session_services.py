"""Every state change of a session: plan, log, reschedule, cancel, mark held or missed,
the agenda, the summary with its actions, an action done; the first held session's
stage move; and the e-mails with their calendar files."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from icalendar import Calendar

from agreements.models import StageMove
from matching.models import Mentorship
from mentoring.models import OutboxMessage
from sessions.models import MentoringSession, SessionAction
from sessions.services import sessions as services
from tests.sessions.helpers import at_stage, second_pair

pytestmark = pytest.mark.django_db
Stage = Mentorship.Stage
Status = MentoringSession.Status


def _when(days=2, **changes):
    data = {
        "starts_at": timezone.now() + timedelta(days=days),
        "duration_minutes": 60,
        "format": "video",
        "place": "https://meet.example.org/x",
    }
    data.update(changes)
    return data


def _outbox(session):
    return list(
        OutboxMessage.objects.filter(handler=services.SESSION_EMAIL).values_list(
            "payload", flat=True
        )
    )


# --- plan and log ---


def test_either_of_the_pair_plans_a_session_and_an_email_is_queued(active_mentorship, mentor):
    session = services.session_plan(mentorship=active_mentorship, user=mentor, **_when())
    assert session.status == Status.PLANNED
    assert session.created_by == mentor
    assert session.sequence == 0
    assert _outbox(session) == [{"session_id": session.pk, "event": "planned"}]


def test_a_session_in_the_past_cannot_be_planned(active_mentorship, mentee):
    with pytest.raises(ValidationError) as raised:
        services.session_plan(mentorship=active_mentorship, user=mentee, **_when(days=-1))
    assert raised.value.message_dict["starts_at"] == [
        "A session in the past can be logged as held instead."
    ]
    assert not MentoringSession.objects.exists()
    assert not OutboxMessage.objects.filter(handler=services.SESSION_EMAIL).exists()


def test_a_length_out_of_range_is_refused(active_mentorship, mentee):
    with pytest.raises(ValidationError) as raised:
        services.session_plan(
            mentorship=active_mentorship, user=mentee, **_when(duration_minutes=0)
        )
    assert "duration_minutes" in raised.value.message_dict


def test_a_past_session_is_logged_as_held_and_emails_nobody(active_mentorship, mentee):
    session = services.session_log(mentorship=active_mentorship, user=mentee, **_when(days=-3))
    assert session.status == Status.HELD
    assert not OutboxMessage.objects.filter(handler=services.SESSION_EMAIL).exists()


def test_a_future_session_cannot_be_logged(active_mentorship, mentee):
    with pytest.raises(ValidationError) as raised:
        services.session_log(mentorship=active_mentorship, user=mentee, **_when(days=1))
    assert "starts_at" in raised.value.message_dict


def test_an_outsider_cannot_plan_or_change_a_session(active_mentorship, planned_session, outsider):
    with pytest.raises(PermissionDenied):
        services.session_plan(mentorship=active_mentorship, user=outsider, **_when())
    with pytest.raises(PermissionDenied):
        services.session_cancel(session=planned_session, user=outsider, reason="No")
    with pytest.raises(PermissionDenied):
        services.session_agenda_save(session=planned_session, user=outsider, agenda={})


def test_a_finished_mentorship_takes_no_new_session(active_mentorship, mentee):
    Mentorship.objects.filter(pk=active_mentorship.pk).update(status=Mentorship.Status.COMPLETED)
    with pytest.raises(ValidationError, match="finished"):
        services.session_plan(mentorship=active_mentorship, user=mentee, **_when())


# --- stage ---


def test_the_first_held_session_moves_goal_setting_to_progress(active_mentorship, mentee):
    at_stage(active_mentorship, Stage.GOAL_SETTING)
    services.session_log(mentorship=active_mentorship, user=mentee, **_when(days=-1))
    active_mentorship.refresh_from_db()
    assert active_mentorship.stage == Stage.PROGRESS
    move = StageMove.objects.get(mentorship=active_mentorship)
    assert (move.from_stage, move.to_stage, move.kind, move.moved_by) == (
        Stage.GOAL_SETTING,
        Stage.PROGRESS,
        StageMove.Kind.AUTOMATIC,
        mentee,
    )
    # A second held session moves nothing more.
    services.session_log(mentorship=active_mentorship, user=mentee, **_when(days=-2))
    assert StageMove.objects.filter(mentorship=active_mentorship).count() == 1


def test_marking_a_session_held_moves_goal_setting_to_progress(active_mentorship, mentor):
    at_stage(active_mentorship, Stage.GOAL_SETTING)
    session = MentoringSession.objects.create(
        mentorship=active_mentorship,
        starts_at=timezone.now() - timedelta(hours=2),
        duration_minutes=30,
        format="phone",
        created_by=None,  # its author's account removed since: it is marked all the same
    )
    services.session_mark(session=session, user=mentor, status=Status.HELD)
    active_mentorship.refresh_from_db()
    assert active_mentorship.stage == Stage.PROGRESS


def test_a_held_session_at_initiation_leaves_the_stage(active_mentorship, mentee):
    services.session_log(mentorship=active_mentorship, user=mentee, **_when(days=-1))
    active_mentorship.refresh_from_db()
    assert active_mentorship.stage == Stage.INITIATION
    assert not StageMove.objects.exists()


# --- reschedule, cancel, mark ---


def test_a_reschedule_raises_the_sequence_and_queues_a_change(planned_session, mentor):
    new_start = timezone.now() + timedelta(days=5)
    session = services.session_reschedule(
        session=planned_session, user=mentor, **_when(days=5, starts_at=new_start, format="phone")
    )
    assert session.sequence == 1
    assert session.starts_at == new_start
    assert session.format == "phone"
    assert {"session_id": session.pk, "event": "changed"} in _outbox(session)


def test_a_reschedule_into_the_past_is_refused(planned_session, mentee):
    with pytest.raises(ValidationError) as raised:
        services.session_reschedule(session=planned_session, user=mentee, **_when(days=-1))
    assert "starts_at" in raised.value.message_dict
    planned_session.refresh_from_db()
    assert planned_session.sequence == 0


def test_a_cancellation_records_who_when_and_why(planned_session, mentor):
    session = services.session_cancel(session=planned_session, user=mentor, reason=" Ill ")
    assert session.status == Status.CANCELLED
    assert (session.cancelled_by, session.cancel_reason) == (mentor, "Ill")
    assert session.cancelled_at is not None
    assert session.sequence == 1
    assert {"session_id": session.pk, "event": "cancelled"} in _outbox(session)


def test_a_cancellation_needs_a_reason(planned_session, mentor):
    with pytest.raises(ValidationError) as raised:
        services.session_cancel(session=planned_session, user=mentor, reason="  ")
    assert "reason" in raised.value.message_dict


def test_only_a_planned_session_is_rescheduled_or_cancelled(held_session, mentee):
    with pytest.raises(ValidationError, match="planned"):
        services.session_cancel(session=held_session, user=mentee, reason="x")
    with pytest.raises(ValidationError, match="planned"):
        services.session_reschedule(session=held_session, user=mentee, **_when())


def test_a_session_not_started_cannot_be_marked_held(planned_session, mentee):
    with pytest.raises(ValidationError, match="start has passed"):
        services.session_mark(session=planned_session, user=mentee, status=Status.HELD)


def test_a_planned_session_is_marked_missed_only_once_its_start_has_passed(planned_session, mentee):
    with pytest.raises(ValidationError, match="once its start has passed"):
        services.session_mark(session=planned_session, user=mentee, status=Status.MISSED)
    MentoringSession.objects.filter(pk=planned_session.pk).update(
        starts_at=timezone.now() - timedelta(hours=1)
    )
    session = services.session_mark(session=planned_session, user=mentee, status=Status.MISSED)
    assert session.status == Status.MISSED
    with pytest.raises(ValidationError, match="already missed"):
        services.session_mark(session=planned_session, user=mentee, status=Status.MISSED)


def test_mark_takes_only_held_or_missed(planned_session, mentee):
    with pytest.raises(ValidationError):
        services.session_mark(session=planned_session, user=mentee, status=Status.CANCELLED)


# --- agenda ---


@pytest.mark.parametrize("writer", ["mentee", "mentor"])
def test_either_writes_the_agenda(request, planned_session, writer):
    user = request.getfixturevalue(writer)
    session = services.session_agenda_save(
        session=planned_session,
        user=user,
        agenda={"since_last": " It went well ", "options": "", "situation": "The rota"},
    )
    assert session.agenda == {"since_last": "It went well", "situation": "The rota"}


def test_an_agenda_key_outside_the_prompts_is_refused(planned_session, mentee):
    with pytest.raises(ValidationError):
        services.session_agenda_save(session=planned_session, user=mentee, agenda={"x": "y"})


def test_a_cancelled_sessions_agenda_is_closed(planned_session, mentee):
    services.session_cancel(session=planned_session, user=mentee, reason="Ill")
    with pytest.raises(ValidationError, match="cancelled"):
        services.session_agenda_save(session=planned_session, user=mentee, agenda={})


# --- summary and actions ---


def test_a_summary_with_actions_linked_to_the_pairs_goal_and_target(
    held_session, mentor, goal, target
):
    services.session_summary_save(
        session=held_session,
        user=mentor,
        summary="We looked at the rota.",
        actions=[
            {
                "owner": "mentee",
                "text": "Ask for the slot",
                "due_on": None,
                "goal": goal,
                "target": target,
            },
            {"owner": "mentor", "text": "Send the article", "due_on": timezone.localdate()},
        ],
    )
    held_session.refresh_from_db()
    assert (held_session.summary, held_session.summary_by) == ("We looked at the rota.", mentor)
    actions = list(SessionAction.objects.order_by("pk"))
    assert [(a.owner, a.text, a.goal, a.target) for a in actions] == [
        ("mentee", "Ask for the slot", goal, target),
        ("mentor", "Send the article", None, None),
    ]


def test_a_summary_for_a_cancelled_session_is_refused(planned_session, mentee):
    services.session_cancel(session=planned_session, user=mentee, reason="Ill")
    with pytest.raises(ValidationError) as raised:
        services.session_summary_save(session=planned_session, user=mentee, summary="Text")
    assert raised.value.message_dict["summary"] == [
        "Only a held session has a summary; this one is cancelled."
    ]


def test_a_summary_for_a_planned_session_is_refused(planned_session, mentee):
    with pytest.raises(ValidationError, match="held"):
        services.session_summary_save(session=planned_session, user=mentee, summary="Text")


@pytest.mark.parametrize("link", ["goal", "target"])
def test_an_action_towards_another_pairs_goal_or_target_is_refused(
    scheme, held_session, mentee, link
):
    _, their_goal, their_target = second_pair(scheme)
    row = {"owner": "mentee", "text": "Steal", link: their_goal if link == "goal" else their_target}
    with pytest.raises(ValidationError):
        services.session_summary_save(session=held_session, user=mentee, summary="S", actions=[row])
    held_session.refresh_from_db()
    assert held_session.summary == ""  # nothing half-saved
    assert not SessionAction.objects.exists()


def test_an_action_is_marked_done_and_open_again(session_action, mentor):
    action = services.action_set_done(action=session_action, user=mentor, done=True)
    assert action.done and action.done_at is not None
    action = services.action_set_done(action=session_action, user=mentor, done=False)
    assert not action.done and action.done_at is None


def test_an_outsider_cannot_mark_an_action(session_action, outsider):
    with pytest.raises(PermissionDenied):
        services.action_set_done(action=session_action, user=outsider, done=True)


# --- e-mails ---


def _ics(message):
    (attachment,) = message.attachments
    name, content, mimetype = attachment
    assert name.endswith(".ics")
    assert mimetype == "text/calendar"
    return Calendar.from_ical(content)


def test_planning_emails_both_with_the_calendar_file(
    active_mentorship, mentee, mentor, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        session = services.session_plan(mentorship=active_mentorship, user=mentee, **_when())
    assert sorted(m.to[0] for m in mailoutbox) == sorted([mentee.email, mentor.email])
    for message in mailoutbox:
        calendar = _ics(message)
        assert calendar["METHOD"] == "REQUEST"
        (event,) = calendar.walk("VEVENT")
        assert str(event["UID"]).startswith(str(session.uid))


def test_a_cancellation_emails_both_a_cancel_calendar_file(
    planned_session, mentee, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(session=planned_session, user=mentee, reason="Ill")
    assert len(mailoutbox) == 2
    for message in mailoutbox:
        assert "cancelled" in message.subject
        calendar = _ics(message)
        assert calendar["METHOD"] == "CANCEL"
        assert calendar.walk("VEVENT")[0]["STATUS"] == "CANCELLED"


def test_a_reschedule_emails_the_same_uid_with_a_higher_sequence(
    planned_session, mentee, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        services.session_reschedule(session=planned_session, user=mentee, **_when(days=4))
    event = _ics(mailoutbox[0]).walk("VEVENT")[0]
    assert str(event["UID"]).startswith(str(planned_session.uid))
    assert event["SEQUENCE"] == 1


def test_the_email_of_a_session_gone_sends_nothing(mailoutbox):
    assert services.session_email_send(session_id=999999, event="planned") == 0
    assert mailoutbox == []


def test_a_plan_cancelled_before_its_email_went_is_not_announced(
    planned_session, mentee, mailoutbox
):
    services.session_cancel(session=planned_session, user=mentee, reason="Ill")
    assert services.session_email_send(session_id=planned_session.pk, event="planned") == 0
    assert services.session_email_send(session_id=planned_session.pk, event="cancelled") == 2
    assert len(mailoutbox) == 2
