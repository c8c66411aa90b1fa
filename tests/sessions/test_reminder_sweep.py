"""The reminders' sweep with the clock moved: each reminder fires on the right day,
once, to the right people, and not when switched off, when the person opted out of
its e-mail, or when the thing was done."""

from datetime import datetime, time, timedelta
from smtplib import SMTPException
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agreements.models import Signature
from matching.models import Mentorship
from mentoring.models import OutboxMessage
from mentoring.outbox import outbox_deliver
from schemes.models import Invitation
from sessions.models import (
    Evaluation,
    MentoringSession,
    NotificationPreference,
    PairingCheck,
    Reminder,
    RiskHandling,
)
from sessions.selectors.reminders import reminders_scan
from sessions.services.reminders import reminder_rule_update, reminders_sweep, risk_handle
from tests.sessions.helpers import second_pair

LONDON = ZoneInfo("Europe/London")


def at(day: int, hour: int = 10, minute: int = 0) -> datetime:
    """``day`` days from today, at ``hour`` in London (the schemes' default zone)."""
    return datetime.combine(
        timezone.localdate() + timedelta(days=day), time(hour, minute), tzinfo=LONDON
    )


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """Run the sweep at a moment, with the outbox delivering what it queued."""

    def run(moment: datetime):
        with (
            time_machine.travel(moment, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return reminders_sweep()

    return run


def sent(kind: str) -> list[tuple[str, ...]]:
    """The people e-mailed a reminder of ``kind``, by address, in order."""
    return sorted(
        (row.user.email if row.user else row.email,)
        for row in Reminder.objects.filter(kind=kind, status=Reminder.Status.SENT)
    )


def emails_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def plan(mentorship, starts_at: datetime, *, created: datetime, **fields) -> MentoringSession:
    with time_machine.travel(created, tick=False):
        return MentoringSession.objects.create(
            mentorship=mentorship,
            starts_at=starts_at,
            duration_minutes=60,
            format="video",
            created_by=mentorship.mentee,
            **fields,
        )


# Sessions ------------------------------------------------------------------------------


def test_a_session_tomorrow_reminds_both_once_with_the_calendar_file(active_mentorship, sweep):
    plan(active_mentorship, at(5, 14), created=at(0))

    sweep(at(3))
    assert sent("session_tomorrow") == []
    sweep(at(4))
    assert sent("session_tomorrow") == [("mentee@example.org",), ("mentor@example.org",)]
    message = emails_to("mentor@example.org")[-1]
    assert message.attachments[0][0] == "session.ics"
    count = len(mail.outbox)
    result = sweep(at(4, 15))
    assert len(mail.outbox) == count
    assert Reminder.objects.filter(kind="session_tomorrow").count() == 2
    assert result.recorded == 0


def test_a_session_planned_the_day_before_gets_no_reminder_on_top(active_mentorship, sweep):
    plan(active_mentorship, at(5, 14), created=at(4, 9))
    sweep(at(4, 11))
    assert not Reminder.objects.filter(kind="session_tomorrow").exists()


def test_a_rescheduled_session_is_reminded_for_its_new_time(active_mentorship, sweep):
    session = plan(active_mentorship, at(5, 14), created=at(0))
    sweep(at(4))
    MentoringSession.objects.filter(pk=session.pk).update(starts_at=at(8, 14))
    sweep(at(7))
    assert (
        Reminder.objects.filter(kind="session_tomorrow", user__email="mentee@example.org").count()
        == 2
    )


def test_no_agenda_two_days_before_reminds_the_mentee_only(active_mentorship, sweep):
    plan(active_mentorship, at(6, 14), created=at(0))
    written = plan(active_mentorship, at(6, 16), created=at(0), agenda={"situation": "x"})

    sweep(at(3))
    assert sent("agenda_missing") == []
    sweep(at(4))
    assert sent("agenda_missing") == [("mentee@example.org",)]
    assert not Reminder.objects.filter(kind="agenda_missing", subject_id=written.pk).exists()


def test_the_agenda_written_after_the_record_is_not_sent(active_mentorship, sweep, monkeypatch):
    session = plan(active_mentorship, at(6, 14), created=at(0))
    # The sweep records it; the agenda is written before the worker sends it.
    monkeypatch.setattr("mentoring.outbox.outbox_dispatch", lambda **kwargs: False)
    sweep(at(4))
    MentoringSession.objects.filter(pk=session.pk).update(agenda={"situation": "Written"})
    reminder = Reminder.objects.get(kind="agenda_missing")
    message = OutboxMessage.objects.get(subject_type="reminder", subject_id=reminder.pk)
    with time_machine.travel(at(4, 11), tick=False):
        outbox_deliver(message_id=message.pk)
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SKIPPED
    assert not emails_to("mentee@example.org")


def test_no_summary_three_days_after_a_held_session_reminds_both(active_mentorship, sweep):
    plan(active_mentorship, at(0, 9), created=at(0, 8), status="held")
    summarised = plan(
        active_mentorship, at(0, 9, 30), created=at(0, 8), status="held", summary="Done"
    )

    sweep(at(2))
    assert sent("summary_missing") == []
    sweep(at(3))
    assert sent("summary_missing") == [("mentee@example.org",), ("mentor@example.org",)]
    assert not Reminder.objects.filter(kind="summary_missing", subject_id=summarised.pk).exists()


# The gap, the agreement, the match -----------------------------------------------------


def started(mentorship, day: int) -> Mentorship:
    Mentorship.objects.filter(pk=mentorship.pk).update(started_at=at(day))
    mentorship.refresh_from_db()
    return mentorship


def test_the_gap_reminds_both_then_puts_the_pair_at_risk_two_weeks_later(active_mentorship, sweep):
    started(active_mentorship, -40)  # the scheme's gap is six weeks

    sweep(at(1))
    assert sent("gap") == []
    sweep(at(2))
    assert sent("gap") == [("mentee@example.org",), ("mentor@example.org",)]
    mentor_mail = emails_to("mentor@example.org")[-1]
    assert "follow" in mentor_mail.body.lower()
    with time_machine.travel(at(15), tick=False):
        assert not [r for r in reminders_scan().risks if r.reason == "gap"]
    with time_machine.travel(at(16), tick=False):
        (risk,) = [r for r in reminders_scan().risks if r.reason == "gap"]
    assert risk.mentorship_id == active_mentorship.pk
    assert risk.rule == "gap"


def test_a_session_planned_ends_the_gap(active_mentorship, sweep):
    started(active_mentorship, -50)
    plan(active_mentorship, at(3, 14), created=at(-1))
    sweep(at(0))
    assert not Reminder.objects.filter(kind="gap").exists()


def test_an_unsigned_agreement_reminds_whoever_has_not_signed(agreement_draft, mentee, sweep):
    mentorship = started(agreement_draft.mentorship, -13)
    Signature.objects.create(
        version=agreement_draft,
        signer=mentee,
        role="mentee",
        typed_name="Mentee",
        content_hash=agreement_draft.content_hash,
        signed_at=timezone.now(),
    )
    sweep(at(0))
    assert sent("agreement_unsigned") == []
    sweep(at(1))
    assert sent("agreement_unsigned") == [("mentor@example.org",)]
    with time_machine.travel(at(1), tick=False):
        risks = [r for r in reminders_scan().risks if r.reason == "agreement_unsigned"]
    assert [r.mentorship_id for r in risks] == [mentorship.pk]


def test_a_match_not_answered_is_essential_and_reaches_whoever_has_not_replied(
    mentorship, mentor, sweep
):
    Mentorship.objects.filter(pk=mentorship.pk).update(
        respond_by=at(10, 17), mentee_response=Mentorship.Response.ACCEPTED
    )
    # The mentor switched this off: it is essential, so it goes all the same.
    NotificationPreference.objects.create(user=mentor, kind="match_unanswered", by_email=False)

    sweep(at(7))
    assert sent("match_unanswered") == []
    sweep(at(8, 18))
    assert sent("match_unanswered") == [("mentor@example.org",)]
    assert "List-Unsubscribe" not in emails_to("mentor@example.org")[-1].extra_headers


# Evaluations ---------------------------------------------------------------------------


def test_an_evaluation_due_is_asked_once_then_again_a_week_later_then_flagged(
    active_mentorship, sweep
):
    sweep(at(0))
    assert sent("evaluation_due") == [("mentee@example.org",)]
    sweep(at(6))
    assert Reminder.objects.filter(kind="evaluation_due").count() == 1
    sweep(at(7))
    assert [r.occasion for r in Reminder.objects.filter(kind="evaluation_due")] == [
        "baseline:again",
        "baseline",
    ]
    with time_machine.travel(at(14, 11), tick=False):
        (risk,) = [r for r in reminders_scan().risks if r.reason == "evaluation_overdue"]
    assert risk.situation == "mentee:baseline"


def test_an_evaluation_given_is_not_asked_for(baseline_evaluation, sweep):
    sweep(at(0))
    assert not Reminder.objects.filter(kind="evaluation_due").exists()
    assert Evaluation.objects.count() == 1


# The application window ----------------------------------------------------------------


def test_the_window_closing_reminds_invited_people_who_have_not_applied(
    scheme, invitation, mentee_application, sweep
):
    scheme.applications_close_on = timezone.localdate() + timedelta(days=5)
    scheme.save()
    accepted = Invitation.objects.create(
        scheme=scheme,
        email=mentee_application.user.email,
        role="mentee",
        status=Invitation.Status.ACCEPTED,
        accepted_by=mentee_application.user,
        expires_at=timezone.now() + timedelta(days=30),
    )

    sweep(at(1))
    assert not Reminder.objects.filter(kind="window_closing").exists()
    sweep(at(2))
    (reminder,) = Reminder.objects.filter(kind="window_closing")
    assert reminder.email == invitation.email and reminder.user is None
    assert reminder.subject_id == invitation.pk != accepted.pk
    assert emails_to(invitation.email)


# The digest ----------------------------------------------------------------------------


def next_monday() -> int:
    today = timezone.localdate()
    return (7 - today.weekday()) % 7 or 7


def test_the_digest_goes_on_monday_at_nine_to_coordinators_when_a_pair_is_at_risk(
    concern, coordinator, sweep
):
    monday = next_monday()
    sweep(at(monday, 8, 50))
    assert not Reminder.objects.filter(kind="digest").exists()
    sweep(at(monday, 9, 0))
    assert sent("digest") == [("coordinator@example.org",)]
    digest = emails_to("coordinator@example.org")[-1]
    assert concern.mentorship.mentee.display_name in digest.body
    assert concern.text not in digest.body
    sweep(at(monday, 10))
    assert Reminder.objects.filter(kind="digest").count() == 1


def test_no_digest_when_every_pair_at_risk_is_handled(concern, coordinator, sweep):
    risk_handle(
        coordinator=coordinator,
        mentorship=concern.mentorship,
        reason="concern_open",
        situation=str(concern.pk),
        note="Called them both.",
        handled=True,
    )
    sweep(at(next_monday(), 9, 30))
    assert not Reminder.objects.filter(kind="digest").exists()
    assert RiskHandling.objects.count() == 1


def test_a_pairing_not_working_flags_the_pair(active_mentorship, mentee):
    PairingCheck.objects.create(
        mentorship=active_mentorship,
        author=mentee,
        role="mentee",
        working=False,
        answered_at=timezone.now(),
    )
    (risk,) = [r for r in reminders_scan().risks if r.reason == "pairing_not_working"]
    assert risk.mentorship_id == active_mentorship.pk and risk.rule is None


# The scheme's and the person's choices -------------------------------------------------


def test_a_rule_switched_off_sends_nothing(active_mentorship, coordinator, sweep):
    reminder_rule_update(
        scheme=active_mentorship.scheme,
        coordinator=coordinator,
        kind="evaluation_due",
        enabled=False,
    )
    sweep(at(0))
    assert not Reminder.objects.filter(kind="evaluation_due").exists()


def test_switched_on_for_new_occasions_only_skips_pairs_already_past_the_trigger(
    active_mentorship, coordinator, sweep
):
    scheme = active_mentorship.scheme
    reminder_rule_update(
        scheme=scheme, coordinator=coordinator, kind="evaluation_due", enabled=False
    )
    with time_machine.travel(at(0, 9), tick=False):
        reminder_rule_update(
            scheme=scheme,
            coordinator=coordinator,
            kind="evaluation_due",
            enabled=True,
            catch_up=False,
        )
    sweep(at(0, 10))
    assert not Reminder.objects.filter(kind="evaluation_due").exists()
    # A new pair starts after the rule was switched on: it is reminded.
    pair, _, _ = second_pair(scheme)
    Mentorship.objects.filter(pk=pair.pk).update(started_at=at(1))
    sweep(at(1, 11))
    assert Reminder.objects.filter(kind="evaluation_due", mentorship=pair).exists()


def test_switched_on_with_catch_up_reminds_pairs_already_past_the_trigger(
    active_mentorship, coordinator, sweep
):
    scheme = active_mentorship.scheme
    reminder_rule_update(
        scheme=scheme, coordinator=coordinator, kind="evaluation_due", enabled=False
    )
    reminder_rule_update(
        scheme=scheme, coordinator=coordinator, kind="evaluation_due", enabled=True, catch_up=True
    )
    sweep(at(0))
    assert sent("evaluation_due") == [("mentee@example.org",)]


def test_a_person_who_opted_out_gets_it_in_the_app_only(active_mentorship, mentee, sweep):
    NotificationPreference.objects.create(user=mentee, kind="evaluation_due", by_email=False)
    sweep(at(0))
    (reminder,) = Reminder.objects.filter(kind="evaluation_due")
    assert reminder.status == Reminder.Status.IN_APP
    assert not emails_to("mentee@example.org")


def test_people_are_not_reminded_before_eight_in_the_morning(active_mentorship, sweep):
    sweep(at(0, 7, 30))
    assert not Reminder.objects.exists()
    sweep(at(0, 8, 0))
    assert Reminder.objects.filter(kind="evaluation_due").exists()


def test_a_closed_account_is_not_e_mailed(active_mentorship, mentee, sweep):
    type(mentee).objects.filter(pk=mentee.pk).update(is_active=False)
    sweep(at(0))
    assert not Reminder.objects.filter(user=mentee).exists()


# Failures and load ---------------------------------------------------------------------


def test_a_mail_server_failure_is_retried_and_sends_once(active_mentorship, sweep, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    real_send = EmailBackend.send_messages
    failures = [SMTPException("451 try again later")]

    def flaky(self, messages):
        if failures:
            raise failures.pop()
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    sweep(at(0))
    reminder = Reminder.objects.get(kind="evaluation_due")
    message = OutboxMessage.objects.get(subject_type="reminder", subject_id=reminder.pk)
    assert message.status == OutboxMessage.Status.PENDING and "451" in message.last_error
    assert reminder.status == Reminder.Status.QUEUED

    with time_machine.travel(at(0, 10, 5), tick=False):
        assert outbox_deliver(message_id=message.pk) == OutboxMessage.Status.SENT
        assert outbox_deliver(message_id=message.pk) == OutboxMessage.Status.SENT
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT
    assert len(emails_to("mentee@example.org")) == 1


def test_the_scan_makes_the_same_number_of_queries_for_3_or_30_pairs(scheme, concern, coordinator):
    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            scan = reminders_scan(now=at(next_monday(), 9, 30))
        return len(queries), len(scan.risks)

    for k in range(2):
        second_pair(scheme, prefix=f"few{k}")
    few, few_risks = count()
    for k in range(27):
        pair, _, _ = second_pair(scheme, prefix=f"many{k}")
        MentoringSession.objects.create(
            mentorship=pair,
            starts_at=at(3),
            duration_minutes=30,
            format="video",
            created_by=pair.mentee,
        )
    many, many_risks = count()
    assert few == many
    assert many_risks >= few_risks >= 1


def test_a_coordinator_is_not_told_of_a_concern_about_their_own_pair(concern, coordinator, sweep):
    # The coordinator is also the pair's mentor: the concern the mentee raised about
    # them is not theirs to read, so their digest has nothing to say and is not sent.
    Mentorship.objects.filter(pk=concern.mentorship_id).update(mentor=coordinator)
    sweep(at(next_monday(), 9, 5))
    (reminder,) = Reminder.objects.filter(kind="digest")
    assert reminder.status == Reminder.Status.SKIPPED
    assert not emails_to("coordinator@example.org")


def test_a_signature_voided_by_an_edit_does_not_count(agreement_draft, mentee, sweep):
    started(agreement_draft.mentorship, -20)
    # The mentee signed an earlier text; the mentor has edited the draft since.
    Signature.objects.create(
        version=agreement_draft,
        signer=mentee,
        role="mentee",
        typed_name="Mentee",
        content_hash="0" * 64,
        signed_at=timezone.now(),
    )
    sweep(at(0))
    assert sent("agreement_unsigned") == [("mentee@example.org",), ("mentor@example.org",)]


def test_evaluations_count_days_in_the_schemes_time_zone(active_mentorship, sweep):
    from sessions.models import SessionSettings
    from sessions.selectors.evaluations import evaluation_state

    SessionSettings.objects.create(scheme=active_mentorship.scheme, time_zone="Pacific/Auckland")
    auckland = ZoneInfo("Pacific/Auckland")
    # Started at 23:30 in London: already the next morning in Auckland.
    london_evening = datetime.combine(
        timezone.localdate() - timedelta(days=3), time(23, 30), LONDON
    )
    Mentorship.objects.filter(pk=active_mentorship.pk).update(started_at=london_evening)
    active_mentorship.refresh_from_db()
    state = evaluation_state(active_mentorship, "mentee")
    baseline = state.status(Evaluation.Milestone.BASELINE)
    assert baseline.due_from == london_evening.astimezone(auckland).date()
    sweep(datetime.combine(timezone.localdate(), time(10), auckland))
    assert sent("evaluation_due") == [("mentee@example.org",)]


def test_a_handled_flag_of_a_match_not_started_keeps_the_digest_quiet(
    mentorship, coordinator, sweep
):
    monday = next_monday()
    Mentorship.objects.filter(pk=mentorship.pk).update(respond_by=at(monday, 18))
    with time_machine.travel(at(monday, 8), tick=False):
        (risk,) = reminders_scan().risks
    risk_handle(
        coordinator=coordinator,
        mentorship=mentorship,
        reason=risk.reason,
        situation=risk.situation,
        note="Phoned the mentor.",
        handled=True,
    )
    sweep(at(monday, 9, 5))
    assert not Reminder.objects.filter(kind="digest").exists()


def test_the_risks_only_scan_finds_the_same_pairs_at_risk(scheme, concern, coordinator, sweep):
    pair, _, _ = second_pair(scheme, prefix="quiet")
    started(pair, -70)
    sweep(at(0))  # records the first evaluation requests
    moment = at(15)
    full = reminders_scan(now=moment).risks
    quick = reminders_scan(now=moment, risks_only=True)
    assert {r.key for r in quick.risks} == {r.key for r in full} and len(full) >= 3
    assert quick.due == []
