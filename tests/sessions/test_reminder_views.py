"""The coordinators' reminder pages: the scheme's rules, each in a sentence with its
numbers, changed in one form (bad input kept with a message beside it; the choice
about the past asked when a rule is switched on) and obeyed by the next sweep; the
reminders that could not be sent, with "Send again"; the at-risk queue, where a flag is
noted, handled, quiet until the situation changes and reopened; bad posts of every
kind; the confidentiality of what the pair wrote; and query counts that do not grow
with the pairs."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from agreements.services.concerns import concern_raise
from matching.models import Mentorship
from mentoring.models import OutboxMessage
from schemes.models import Role
from sessions.models import MentoringSession, Reminder, ReminderRule, RiskHandling
from sessions.rules import RULES, rule_for, rule_sentence
from sessions.selectors.reminders import reminders_scan
from sessions.selectors.risk import at_risk_count, at_risk_for
from sessions.services.reminders import REMINDER_EMAIL, reminder_rule_update, reminders_sweep
from tests.factories import MembershipFactory
from tests.html import Page, assert_accessible_page, text_beside, visible_text
from tests.sessions.helpers import second_pair

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
MARKER = "ZQX-CONCERN-MARKER-7731"


def settings_url(scheme):
    return reverse("sessions:reminder_settings", kwargs={"slug": scheme.slug})


def at_risk_url(scheme):
    return reverse("sessions:at_risk", kwargs={"slug": scheme.slug})


def handle_url(mentorship, slug=None):
    return reverse(
        "sessions:at_risk_handle",
        kwargs={"slug": slug or mentorship.scheme.slug, "pk": mentorship.pk},
    )


def at(day: int, hour: int = 10) -> datetime:
    """``day`` days from today at ``hour`` in London (the schemes' default zone)."""
    return datetime.combine(timezone.localdate() + timedelta(days=day), time(hour), tzinfo=LONDON)


def rules_post(scheme, **changes):
    """The settings form as the page shows it now, with ``changes`` ("gap-days": "20")."""
    current = {row.kind: row for row in ReminderRule.objects.filter(scheme=scheme)}
    data = {}
    for rule in RULES:
        row = current.get(rule.kind)
        if row is None or row.enabled:
            data[f"{rule.kind}-enabled"] = "on"
        if rule.max_days:
            data[f"{rule.kind}-days"] = str(row.days if row else rule.default_days)
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def gap_pair(scheme, prefix="gap", weeks=10):
    """An active pair of ``scheme`` that started ``weeks`` ago and never met: flagged
    for the gap (six weeks, then two more)."""
    pair, _, _ = second_pair(scheme, prefix)
    Mentorship.objects.filter(pk=pair.pk).update(started_at=timezone.now() - timedelta(weeks=weeks))
    pair.refresh_from_db()
    return pair


def section(text: str, heading: str, until: str | None = None) -> str:
    start = text.index(heading)
    end = text.index(until, start) if until else len(text)
    return text[start:end]


OPEN = "Open"
HANDLED = "Handled — quiet until the situation changes"


def open_part(text: str) -> str:
    return section(text, "Pairs at risk", HANDLED)


def handled_part(text: str) -> str:
    return section(text, HANDLED)


# --- the rules ---


def test_the_page_states_every_rule_with_the_schemes_numbers(client, coordinator, scheme):
    scheme.max_gap_weeks = 5
    scheme.save(update_fields=["max_gap_weeks"])
    client.force_login(coordinator)
    response = client.get(settings_url(scheme))
    assert response.status_code == 200
    text = visible_text(response)
    for rule in RULES:
        assert rule.label in text
        assert rule_sentence(rule, days=rule.default_days, gap_weeks=5) in text
        assert rule.recipients in text
    assert "for 5 weeks (the scheme's longest gap)" in text
    assert "14 days later" in text
    assert text.count("Essential: it always goes by e-mail") == 2
    assert "every hour, on the hour" in text
    assert "from 08:00 in the scheme's time zone, Europe/London" in text
    assert "Mondays at 09:00" in text
    assert reverse("sessions:session_settings", kwargs={"slug": scheme.slug}) in (
        response.content.decode()
    )
    assert "No reminder e-mail has failed." in text


def test_saving_changes_only_the_rules_changed_and_the_sentences_follow(
    client, coordinator, scheme
):
    client.force_login(coordinator)
    response = client.post(
        settings_url(scheme),
        rules_post(scheme, **{"gap-days": "20", "session_tomorrow-enabled": None}),
        follow=True,
    )
    assert "Saved: 2 reminders changed." in visible_text(response)
    rows = {row.kind: row for row in ReminderRule.objects.filter(scheme=scheme)}
    assert set(rows) == {"gap", "session_tomorrow"}
    assert rows["gap"].days == 20 and rows["gap"].enabled
    assert not rows["session_tomorrow"].enabled
    assert rows["gap"].updated_by == coordinator
    text = visible_text(response)
    assert "20 days later, if still nothing is planned" in text
    assert "It is switched off: nobody gets it now." in text

    again = client.post(settings_url(scheme), rules_post(scheme), follow=True)
    assert "Nothing changed" in visible_text(again)


def test_switching_a_rule_off_stops_its_reminders_in_the_sweep(
    client, coordinator, active_mentorship, django_capture_on_commit_callbacks
):
    scheme = active_mentorship.scheme
    Mentorship.objects.filter(pk=active_mentorship.pk).update(started_at=at(-50))
    with time_machine.travel(at(0), tick=False):
        assert any(due.kind == "gap" for due in reminders_scan().due)
    client.force_login(coordinator)
    client.post(settings_url(scheme), rules_post(scheme, **{"gap-enabled": None}))
    assert not ReminderRule.objects.get(scheme=scheme, kind="gap").enabled

    with (
        time_machine.travel(at(0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        reminders_sweep()
    assert not Reminder.objects.filter(kind="gap").exists()
    # The other rules still run: the mentee's baseline evaluation is asked for.
    assert Reminder.objects.filter(kind="evaluation_due").exists()


def test_switching_on_for_new_occasions_only_sets_the_moment(client, coordinator, scheme):
    reminder_rule_update(scheme=scheme, coordinator=coordinator, kind="gap", enabled=False)
    with time_machine.travel(at(0, 11), tick=False):
        client.force_login(coordinator)  # a coordinator's sign-in lasts hours, not a day
        client.post(
            settings_url(scheme),
            rules_post(scheme, **{"gap-enabled": "on", "gap-catch_up": "new"}),
        )
    row = ReminderRule.objects.get(scheme=scheme, kind="gap")
    assert row.enabled
    assert row.applies_from == at(0, 11)


def test_switching_on_with_catch_up_reaches_pairs_already_past_it(client, coordinator, scheme):
    reminder_rule_update(scheme=scheme, coordinator=coordinator, kind="gap", enabled=False)
    client.force_login(coordinator)
    client.post(
        settings_url(scheme), rules_post(scheme, **{"gap-enabled": "on", "gap-catch_up": "all"})
    )
    row = ReminderRule.objects.get(scheme=scheme, kind="gap")
    assert row.enabled and row.applies_from is None


def test_the_choice_about_the_past_is_required_when_a_rule_is_switched_on(
    client, coordinator, scheme
):
    reminder_rule_update(scheme=scheme, coordinator=coordinator, kind="gap", enabled=False)
    client.force_login(coordinator)
    page = visible_text(client.get(settings_url(scheme)))
    assert page.count("If you switch it on, who gets it?") == 1  # only for the rule that is off

    response = client.post(
        settings_url(scheme), rules_post(scheme, **{"gap-enabled": "on", "gap-days": "21"})
    )
    assert response.status_code == 200
    assert "choose whether pairs already past it get it" in text_beside(response, "gap-catch_up")
    assert "Nothing was saved" in visible_text(response)
    content = response.content.decode()
    assert 'name="gap-days" value="21"' in content  # what was typed is kept
    assert "checked" in _input(content, "gap-enabled")
    row = ReminderRule.objects.get(scheme=scheme, kind="gap")
    assert not row.enabled and row.days == 14
    assert_accessible_page(Page(content))


def _input(content: str, name: str) -> str:
    start = content.index(f'name="{name}"')
    return content[content.rindex("<input", 0, start) : content.index(">", start)]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("999", "Choose a number from 1 to 60."),
        ("0", "Choose a number from 1 to 60."),
        ("-3", "Choose a number from 1 to 60."),
        ("lots", "Give a whole number."),
        ("", "Give a number from 1 to 60."),
        ("1e9", "Give a whole number."),
    ],
)
def test_bad_days_show_a_message_beside_the_field_and_keep_what_was_typed(
    client, coordinator, scheme, typed, message
):
    client.force_login(coordinator)
    response = client.post(
        settings_url(scheme),
        rules_post(scheme, **{"gap-days": typed, "agenda_missing-days": "5"}),
    )
    assert response.status_code == 200
    assert message in text_beside(response, "gap-days")
    assert f'value="{typed}"' in _input(response.content.decode(), "gap-days") or typed == ""
    assert 'value="5"' in _input(response.content.decode(), "agenda_missing-days")
    assert not ReminderRule.objects.filter(scheme=scheme).exists()  # nothing saved


def test_a_rule_switched_off_with_its_days_left_empty_keeps_its_number(client, coordinator, scheme):
    client.force_login(coordinator)
    client.post(settings_url(scheme), rules_post(scheme, **{"gap-enabled": None, "gap-days": ""}))
    row = ReminderRule.objects.get(scheme=scheme, kind="gap")
    assert not row.enabled and row.days == 14


@pytest.mark.parametrize(
    "hostile",
    [
        {"gap-enabled": "\x00", "gap-days": "\x00"},
        {"digest-days": "5", "gap-catch_up": "sometimes"},
        {"session_tomorrow-days": "9" * 40},
        {"gap-days": ["1", "2"]},
    ],
)
def test_hostile_posts_get_messages_never_a_500(client, coordinator, scheme, hostile):
    reminder_rule_update(scheme=scheme, coordinator=coordinator, kind="gap", enabled=False)
    client.force_login(coordinator)
    response = client.post(settings_url(scheme), rules_post(scheme, **hostile))
    assert response.status_code in (200, 302)


# --- reminders that could not be sent ---


def failed_reminder(
    mentorship, user, *, scheme=None, status=OutboxMessage.Status.FAILED, occasion="baseline"
):
    """The person's evaluation reminder, which the outbox gave up sending."""
    scheme = scheme or mentorship.scheme
    reminder = Reminder.objects.create(
        kind="evaluation_due",
        scheme=scheme,
        recipient=f"user:{user.pk}",
        user=user,
        subject_type="mentorship",
        subject_id=mentorship.pk,
        mentorship=mentorship,
        occasion=occasion,
    )
    message = OutboxMessage.objects.create(
        handler=REMINDER_EMAIL,
        payload={"reminder_id": reminder.pk},
        subject_type="reminder",
        subject_id=reminder.pk,
        scheme_id=scheme.pk,
        status=status,
        attempts=7,
        last_error="SMTPRecipientsRefused: {'mentee@example.org': (550, b'No such mailbox')}",
    )
    return reminder, message


def test_failed_reminders_are_listed_and_sent_again(
    client, coordinator, active_mentorship, mentee, django_capture_on_commit_callbacks
):
    mentee.name = "Priya Patel"
    mentee.save(update_fields=["name"])
    reminder, message = failed_reminder(active_mentorship, mentee)
    client.force_login(coordinator)
    response = client.get(settings_url(active_mentorship.scheme))
    text = section(visible_text(response), "Reminders that could not be sent")
    assert "An evaluation is due" in text
    assert "Priya Patel" in text
    assert "550" in text and "No such mailbox" in text
    resend = reverse(
        "schemes:email_resend", kwargs={"slug": active_mentorship.scheme.slug, "pk": message.pk}
    )
    assert f'action="{resend}"' in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(resend, {"next": settings_url(active_mentorship.scheme) + "#failed"})
    assert sent.status_code == 302
    assert sent.url == settings_url(active_mentorship.scheme) + "#failed"
    message.refresh_from_db()
    reminder.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert reminder.status == Reminder.Status.SENT
    (email,) = mail.outbox
    assert email.to == ["mentee@example.org"]
    assert "evaluation" in email.subject.lower()
    after = visible_text(client.get(settings_url(active_mentorship.scheme)))
    assert "No reminder e-mail has failed." in after


def test_only_this_schemes_failed_reminders_are_shown(
    client, coordinator, active_mentorship, mentee, other_scheme
):
    failed_reminder(active_mentorship, mentee, status=OutboxMessage.Status.PENDING)
    failed_reminder(active_mentorship, mentee, scheme=other_scheme, occasion="mid")
    OutboxMessage.objects.create(
        handler="schemes.invitation",
        scheme_id=active_mentorship.scheme_id,
        status=OutboxMessage.Status.FAILED,
        last_error="Another kind of e-mail",
    )
    client.force_login(coordinator)
    text = visible_text(client.get(settings_url(active_mentorship.scheme)))
    assert "No reminder e-mail has failed." in text
    assert "Another kind of e-mail" not in text


def test_the_failed_list_does_not_grow_its_queries(
    client, coordinator, active_mentorship, mentee, django_assert_max_num_queries
):
    failed_reminder(active_mentorship, mentee)
    client.force_login(coordinator)
    with django_assert_max_num_queries(30) as few:
        client.get(settings_url(active_mentorship.scheme))
    for index in range(12):
        pair, _, _ = second_pair(active_mentorship.scheme, f"failed{index}")
        failed_reminder(pair, pair.mentee)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(settings_url(active_mentorship.scheme))
    assert response.content.decode().count('name="next"') == 13


# --- the at-risk queue ---


def test_the_queue_lists_a_pair_with_an_open_concern_and_a_pair_with_a_gap(
    client, coordinator, concern
):
    scheme = concern.mentorship.scheme
    gap = gap_pair(scheme)
    client.force_login(coordinator)
    response = client.get(at_risk_url(scheme))
    assert response.status_code == 200
    text = visible_text(response)
    part = open_part(text)
    mentorship = concern.mentorship
    assert f"{mentorship.mentee.display_name} and {mentorship.mentor.display_name}" in part
    assert "A concern is open" in part
    assert "The mentee raised a concern that is not resolved yet." in part
    assert "Always flagged" in part
    assert f"{gap.mentee.display_name} and {gap.mentor.display_name}" in part
    assert "No session for too long" in part
    assert "(10 weeks)" in part
    assert "Time to meet again" in part
    content = response.content.decode()
    assert f'href="{settings_url(scheme)}#rule-gap"' in content
    for pair in (mentorship, gap):
        pair_url = reverse("agreements:scheme_pair", kwargs={"slug": scheme.slug, "pk": pair.pk})
        assert f'href="{pair_url}"' in content
    assert timezone.localdate().strftime("%-d %b %Y") in part  # the concern's day
    assert "None yet. A flag you mark handled moves here." in text
    assert_accessible_page(Page(content))


def test_the_gap_flags_a_pair_when_the_clock_moves_on(client, coordinator, active_mentorship):
    client.force_login(coordinator)
    assert "No pair is at risk" in visible_text(client.get(at_risk_url(active_mentorship.scheme)))
    with time_machine.travel(timezone.now() + timedelta(weeks=9), tick=False):
        client.force_login(coordinator)  # a coordinator's sign-in lasts hours, not weeks
        text = visible_text(client.get(at_risk_url(active_mentorship.scheme)))
    assert "No session for too long" in open_part(text)


def test_marking_handled_moves_it_to_the_handled_section_and_keeps_it_quiet(
    client, coordinator, concern
):
    scheme = concern.mentorship.scheme
    client.force_login(coordinator)
    assert at_risk_count(scheme, reader=coordinator) == 1
    monday = at((7 - timezone.localdate().weekday()) % 7 or 7, 10)
    with time_machine.travel(monday, tick=False):
        assert [d.kind for d in reminders_scan(scheme_ids=[scheme.pk]).due].count("digest") == 1

    response = client.post(
        handle_url(concern.mentorship),
        {
            "reason": "concern_open",
            "situation": str(concern.pk),
            "note": "Called the mentee; meeting both on Friday.",
            "action": "handle",
        },
        follow=True,
    )
    text = visible_text(response)
    assert "Marked handled" in text and "stays quiet until the situation changes" in text
    assert "A concern is open" in handled_part(text)
    assert "A concern is open" not in open_part(text)
    assert "Called the mentee; meeting both on Friday." in handled_part(text)
    assert f"Handled by {coordinator.display_name}" in handled_part(text)
    assert "No pair is waiting for you" in text
    row = RiskHandling.objects.get(mentorship=concern.mentorship, reason="concern_open")
    assert row.handled_by == coordinator and row.note.startswith("Called the mentee")
    # Quiet: not counted on the hub, no digest on Monday.
    assert at_risk_count(scheme, reader=coordinator) == 0
    with time_machine.travel(monday, tick=False):
        assert "digest" not in [d.kind for d in reminders_scan(scheme_ids=[scheme.pk]).due]
    hub = visible_text(client.get(reverse("scheme", kwargs={"slug": scheme.slug})))
    assert "At risk (0)" in hub


def test_a_new_situation_flags_the_pair_again(client, coordinator, concern, mentor):
    client.force_login(coordinator)
    client.post(
        handle_url(concern.mentorship),
        {"reason": "concern_open", "situation": str(concern.pk), "note": "Spoke to both."}
        | {"action": "handle"},
    )
    second = concern_raise(
        mentorship=concern.mentorship, user=mentor, topic="fit", text="Not helping."
    )
    text = visible_text(client.get(at_risk_url(concern.mentorship.scheme)))
    assert "The mentor raised a concern that is not resolved yet." in open_part(text)
    assert "The mentee raised a concern that is not resolved yet." in handled_part(text)
    assert at_risk_count(concern.mentorship.scheme, reader=coordinator) == 1
    assert second.pk != concern.pk


def open_reasons(scheme, reader) -> list[str]:
    return [row.reason for row in at_risk_for(scheme, reader=reader).open]


def test_a_handled_gap_is_flagged_again_after_a_new_gap(client, coordinator, scheme):
    pair = gap_pair(scheme)
    client.force_login(coordinator)
    assert "gap" in open_reasons(scheme, coordinator)
    (risk,) = [r for r in reminders_scan(scheme_ids=[scheme.pk]).risks if r.reason == "gap"]
    client.post(
        handle_url(pair),
        {
            "reason": "gap",
            "situation": risk.situation,
            "note": "E-mailed the mentor.",
            "action": "handle",
        },
    )
    assert "gap" not in open_reasons(scheme, coordinator)
    # They meet once, then nothing again for nine weeks: a new situation.
    MentoringSession.objects.create(
        mentorship=pair,
        starts_at=timezone.now() - timedelta(weeks=1),
        duration_minutes=60,
        format="video",
        status="held",
        created_by=pair.mentee,
    )
    assert not [r for r in reminders_scan(scheme_ids=[scheme.pk]).risks if r.reason == "gap"]
    with time_machine.travel(timezone.now() + timedelta(weeks=9), tick=False):
        assert "gap" in open_reasons(scheme, coordinator)
        client.force_login(coordinator)
        text = visible_text(client.get(at_risk_url(scheme)))
    assert "No session for too long" in open_part(text)
    assert "E-mailed the mentor." not in text  # the old note belongs to the old gap


def test_reopen_and_save_note(client, coordinator, concern):
    client.force_login(coordinator)
    flag = {"reason": "concern_open", "situation": str(concern.pk)}
    client.post(handle_url(concern.mentorship), flag | {"note": "First call.", "action": "handle"})
    response = client.post(
        handle_url(concern.mentorship),
        flag | {"note": "Second call.", "action": "save"},
        follow=True,
    )
    assert "Your note on" in visible_text(response)
    row = RiskHandling.objects.get(mentorship=concern.mentorship)
    assert row.note == "Second call." and row.handled_at is not None  # still handled

    response = client.post(
        handle_url(concern.mentorship),
        flag | {"note": "Second call.", "action": "reopen"},
        follow=True,
    )
    text = visible_text(response)
    assert "Reopened" in text
    assert "A concern is open" in open_part(text)
    row.refresh_from_db()
    assert row.handled_at is None and row.handled_by is None and row.note == "Second call."

    client.post(handle_url(concern.mentorship), flag | {"note": "Noted only.", "action": "save"})
    row.refresh_from_db()
    assert row.handled_at is None and row.note == "Noted only."


def test_marking_handled_needs_a_note_and_a_long_note_is_kept_with_a_message(
    client, coordinator, concern
):
    client.force_login(coordinator)
    flag = {"reason": "concern_open", "situation": str(concern.pk)}
    response = client.post(handle_url(concern.mentorship), flag | {"note": " ", "action": "handle"})
    assert response.status_code == 200
    assert "Write in a few words what you did" in visible_text(response)
    assert_accessible_page(Page(response.content.decode()))

    long_note = "Called them. " + "x" * 2100
    response = client.post(
        handle_url(concern.mentorship), flag | {"note": long_note, "action": "save"}
    )
    assert response.status_code == 200
    assert "Keep the note to 2000 characters" in visible_text(response)
    assert long_note in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not RiskHandling.objects.exists()


@pytest.mark.parametrize(
    "post",
    [
        {"reason": "nope", "situation": "1", "action": "handle", "note": "x"},
        {"reason": "concern_open", "situation": "999999", "action": "handle", "note": "x"},
        {"reason": "gap", "situation": "", "action": "handle", "note": "x"},
        {"reason": "concern_open", "situation": "1" * 300, "action": "save"},
        {"reason": "concern_open", "situation": "@concern", "action": "delete"},
        {"reason": "concern_open", "situation": "@concern"},
        {"reason": "concern_open", "situation": "\x00", "action": "save"},
        {},
    ],
)
def test_bad_posts_get_a_message_never_a_500(client, coordinator, concern, post):
    post = {k: (str(concern.pk) if v == "@concern" else v) for k, v in post.items()}
    client.force_login(coordinator)
    response = client.post(handle_url(concern.mentorship), post)
    assert response.status_code == 302
    assert response.url == at_risk_url(concern.mentorship.scheme)
    follow = client.get(response.url)
    assert "could not be read" in visible_text(follow) or "no longer flagged" in visible_text(
        follow
    )
    assert not RiskHandling.objects.exists()


def test_another_schemes_pair_is_404(client, concern, other_coordinator, other_scheme, coordinator):
    flag = {"reason": "concern_open", "situation": str(concern.pk), "note": "x", "action": "save"}
    client.force_login(other_coordinator)
    assert (
        client.post(handle_url(concern.mentorship, slug=other_scheme.slug), flag).status_code == 404
    )
    assert client.post(handle_url(concern.mentorship), flag).status_code == 404
    assert client.get(at_risk_url(concern.mentorship.scheme)).status_code == 404
    # The scheme's own coordinator, naming their pair under another scheme: 404 too.
    MembershipFactory(scheme=other_scheme, user=coordinator, role=Role.COORDINATOR)
    client.force_login(coordinator)
    assert (
        client.post(handle_url(concern.mentorship, slug=other_scheme.slug), flag).status_code == 404
    )
    assert not RiskHandling.objects.exists()


def test_a_match_not_answered_links_to_the_matches_and_can_be_handled(
    client, coordinator, mentorship
):
    Mentorship.objects.filter(pk=mentorship.pk).update(
        respond_by=timezone.now() + timedelta(days=1)
    )
    client.force_login(coordinator)
    response = client.get(at_risk_url(mentorship.scheme))
    text = visible_text(response)
    assert "Match not answered" in open_part(text)
    assert "Match not started yet" in text
    matches = reverse("matching:scheme_mentorships", kwargs={"slug": mentorship.scheme.slug})
    assert f'href="{matches}?status=proposed"' in response.content.decode()
    (risk,) = reminders_scan(scheme_ids=[mentorship.scheme_id]).risks
    response = client.post(
        handle_url(mentorship),
        {
            "reason": "match_unanswered",
            "situation": risk.situation,
            "note": "Phoned both.",
            "action": "handle",
        },
        follow=True,
    )
    assert "Match not answered" in handled_part(visible_text(response))


def test_the_empty_queue_says_no_pair_is_at_risk(client, coordinator, active_mentorship):
    client.force_login(coordinator)
    text = visible_text(client.get(at_risk_url(active_mentorship.scheme)))
    assert "No pair is at risk" in text
    hub = visible_text(
        client.get(reverse("scheme", kwargs={"slug": active_mentorship.scheme.slug}))
    )
    assert "At risk (0)" in hub and "Reminders" in hub


def test_the_hub_counts_the_pairs_at_risk(client, coordinator, concern):
    gap_pair(concern.mentorship.scheme)
    client.force_login(coordinator)
    hub = client.get(reverse("scheme", kwargs={"slug": concern.mentorship.scheme.slug}))
    assert "At risk (2)" in visible_text(hub)
    assert f'href="{at_risk_url(concern.mentorship.scheme)}"' in hub.content.decode()
    assert f'href="{settings_url(concern.mentorship.scheme)}"' in hub.content.decode()


# --- confidentiality ---


def test_a_concerns_text_never_reaches_the_queue_or_the_hub(
    client, coordinator, active_mentorship, mentee
):
    concern = concern_raise(
        mentorship=active_mentorship, user=mentee, topic="other", text=f"Private: {MARKER}"
    )
    client.force_login(coordinator)
    for url in (at_risk_url(active_mentorship.scheme), settings_url(active_mentorship.scheme)):
        assert MARKER not in client.get(url).content.decode()
    hub = client.get(reverse("scheme", kwargs={"slug": active_mentorship.scheme.slug}))
    assert MARKER not in hub.content.decode()
    client.post(
        handle_url(active_mentorship),
        {
            "reason": "concern_open",
            "situation": str(concern.pk),
            "note": "Met her.",
            "action": "handle",
        },
    )
    assert MARKER not in client.get(at_risk_url(active_mentorship.scheme)).content.decode()


def test_a_coordinator_in_the_pair_does_not_see_the_concern_about_it(client, concern, mentor):
    """A coordinator who mentors in the scheme is not told their mentee raised a concern."""
    MembershipFactory(scheme=concern.mentorship.scheme, user=mentor, role=Role.COORDINATOR)
    client.force_login(mentor)
    text = visible_text(client.get(at_risk_url(concern.mentorship.scheme)))
    assert "A concern is open" not in text and "No pair is at risk" in text
    assert at_risk_count(concern.mentorship.scheme, reader=mentor) == 0
    response = client.post(
        handle_url(concern.mentorship),
        {"reason": "concern_open", "situation": str(concern.pk), "note": "x", "action": "save"},
    )
    assert response.status_code == 302
    assert not RiskHandling.objects.exists()


# --- queries ---


def _concerned_pairs(scheme, count, start):
    for index in range(start, start + count):
        pair, _, _ = second_pair(scheme, f"risk{index}")
        concern_raise(mentorship=pair, user=pair.mentee, topic="meeting", text="Not meeting.")
        RiskHandling.objects.create(mentorship=pair, reason="concern_open", situation="0")


def test_the_queue_and_the_hub_do_not_grow_their_queries_with_the_pairs(
    client, coordinator, concern, django_assert_max_num_queries
):
    scheme = concern.mentorship.scheme
    gap_pair(scheme, "gapfirst")
    client.force_login(coordinator)
    pages = [at_risk_url(scheme), reverse("scheme", kwargs={"slug": scheme.slug})]
    counts = {}
    for url in pages:
        with django_assert_max_num_queries(60) as few:
            assert client.get(url).status_code == 200
        counts[url] = len(few.captured_queries)

    _concerned_pairs(scheme, 15, 0)
    for index in range(5):
        gap_pair(scheme, f"gapmore{index}")
    # Some flags handled, by a coordinator, with notes.
    for pair in Mentorship.objects.filter(scheme=scheme)[:6]:
        for risk in reminders_scan(scheme_ids=[scheme.pk], mentorship_ids=[pair.pk]).risks:
            RiskHandling.objects.update_or_create(
                mentorship=pair,
                reason=risk.reason,
                situation=risk.situation,
                defaults={
                    "note": "Noted.",
                    "handled_at": timezone.now(),
                    "handled_by": coordinator,
                },
            )
    for url in pages:
        with django_assert_max_num_queries(counts[url]):
            response = client.get(url)
        assert response.status_code == 200
    text = visible_text(client.get(pages[0]))
    assert text.count("raised a concern that is not resolved yet") == 16
    assert text.count("No session held or planned since") == 6
    assert rule_for("gap").label in text


def test_a_coordinator_in_a_pair_neither_sees_nor_handles_its_flags(
    client, coordinator, active_mentorship
):
    # The coordinator is also the pair's mentor, and the pair has gone quiet.
    Mentorship.objects.filter(pk=active_mentorship.pk).update(
        mentor=coordinator, started_at=timezone.now() - timedelta(weeks=10)
    )
    client.force_login(coordinator)
    page = visible_text(client.get(reverse("sessions:at_risk", kwargs={"slug": "council"})))
    assert "No session for too long" not in page
    situation = next(r.situation for r in reminders_scan().risks if r.reason == "gap")
    client.post(
        handle_url(active_mentorship),
        {"reason": "gap", "situation": situation, "note": "Mine.", "action": "handle"},
    )
    assert not RiskHandling.objects.exists()
