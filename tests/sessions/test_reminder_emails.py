"""The reminder e-mails: each kind, rendered for the rows the sweep really records, says
what to do in plain words, links straight to it and to the person's notification
settings, says why it was sent, carries one-click unsubscribe headers (RFC 8058) only
when the person may switch it off, shows times in the scheme's time zone, and never
carries a word the pair wrote."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from agreements.services.concerns import concern_raise
from mentoring.models import User
from schemes.models import Invitation
from sessions.models import MentoringSession, Reminder, SessionSettings
from sessions.rules import KINDS, rule_for
from sessions.selectors.reminders import reminder_url
from sessions.selectors.settings import scheme_time_zone
from sessions.services.reminders import reminder_render, reminders_sweep, unsubscribe_read

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# A Monday, mid-morning in London (the schemes' default time zone).
START = datetime(2025, 6, 2, 10, 0, tzinfo=LONDON)
AWKWARD = "<b>O'Brien & Co</b>"


@pytest.fixture(autouse=True)
def clock():
    """Every fixture and test runs at ``START`` unless it moves the clock."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def at(day: int, hour: int = 10) -> datetime:
    """``day`` days after ``START``, at ``hour`` in London."""
    return datetime.combine(START.date() + timedelta(days=day), time(hour), tzinfo=LONDON)


def swept(kind: str, moment: datetime) -> list[Reminder]:
    """The reminders of ``kind`` recorded by the sweep run at ``moment``, by recipient."""
    with time_machine.travel(moment, tick=False):
        reminders_sweep()
    return list(Reminder.objects.filter(kind=kind).select_related("user").order_by("recipient"))


def render(reminder: Reminder, moment: datetime):
    """The reminder's e-mail as the outbox's handler renders it at ``moment``: times in
    the scheme's time zone."""
    with (
        time_machine.travel(moment, tick=False),
        timezone.override(scheme_time_zone(reminder.scheme)),
    ):
        return reminder_render(reminder)


def html(message) -> str:
    return message.alternatives[0][0]


# What each kind needs to be due: the fixtures, and when the sweep finds it.


def _session_tomorrow(request):
    request.getfixturevalue("planned_session")  # the day after tomorrow, planned today
    return at(1, 9)


def _agenda_missing(request):
    session = request.getfixturevalue("planned_session")
    MentoringSession.objects.filter(pk=session.pk).update(created_at=at(-7))
    return at(0, 11)


def _summary_missing(request):
    request.getfixturevalue("held_session")  # yesterday, no summary
    return at(2, 9)


def _gap(request):
    request.getfixturevalue("active_mentorship")  # started yesterday, no session since
    return at(42)


def _agreement_unsigned(request):
    request.getfixturevalue("active_mentorship")
    return at(14)


def _match_unanswered(request):
    request.getfixturevalue("mentorship")  # to answer within 14 days
    return at(13)


def _evaluation_due(request):
    request.getfixturevalue("active_mentorship")  # the baseline is due from the start
    return at(0, 11)


def _window_closing(request):
    scheme = request.getfixturevalue("scheme")
    request.getfixturevalue("invitation")  # someone invited, with no account yet
    scheme.applications_close_on = START.date() + timedelta(days=3)
    scheme.save(update_fields=["applications_close_on"])
    return at(0, 11)


def _digest(request):
    request.getfixturevalue("concern")  # a pair at risk: a concern is open
    request.getfixturevalue("coordinator")
    return at(0, 10)  # a Monday, after 09:00


DUE = {
    "session_tomorrow": _session_tomorrow,
    "agenda_missing": _agenda_missing,
    "summary_missing": _summary_missing,
    "gap": _gap,
    "agreement_unsigned": _agreement_unsigned,
    "match_unanswered": _match_unanswered,
    "evaluation_due": _evaluation_due,
    "window_closing": _window_closing,
    "digest": _digest,
}

# What the subject says, in part.
SUBJECTS = {
    "session_tomorrow": "your mentoring session with",
    "agenda_missing": "please write the agenda",
    "summary_missing": "a summary of your session",
    "gap": "time to",
    "agreement_unsigned": "please sign your mentoring agreement",
    "match_unanswered": "please answer your match",
    "evaluation_due": "your baseline evaluation is due",
    "window_closing": "applications close on 5 June",
    "digest": "pairs at risk this week (1 to look at)",
}

# Who gets each one in these situations.
RECIPIENTS = {
    "session_tomorrow": ["mentee@example.org", "mentor@example.org"],
    "agenda_missing": ["mentee@example.org"],
    "summary_missing": ["mentee@example.org", "mentor@example.org"],
    "gap": ["mentee@example.org", "mentor@example.org"],
    "agreement_unsigned": ["mentee@example.org", "mentor@example.org"],
    "match_unanswered": ["mentee@example.org", "mentor@example.org"],
    "evaluation_due": ["mentee@example.org"],
    "window_closing": ["invitee@example.org"],
    "digest": ["coordinator@example.org"],
}


def test_every_kind_of_reminder_is_covered():
    assert set(DUE) == set(KINDS) == set(SUBJECTS) == set(RECIPIENTS)


@pytest.mark.parametrize("kind", KINDS)
def test_each_reminder_says_what_to_do_links_to_it_and_says_why(kind, request):
    moment = DUE[kind](request)
    reminders = swept(kind, moment)
    messages = [render(reminder, moment) for reminder in reminders]
    assert sorted(m.to[0] for m in messages) == RECIPIENTS[kind]
    for reminder, message in zip(reminders, messages, strict=True):
        assert message.subject.startswith("[Mentoring] Council staff mentoring: ")
        assert SUBJECTS[kind] in message.subject
        action = settings.SITE_URL + reminder_url(reminder)
        settings_url = settings.SITE_URL + reverse("sessions:notification_settings")
        for text in (message.body, html(message)):
            assert action in text
            assert settings_url in text
            # Why: the rule, in the sentence the scheme's Reminders page publishes.
            assert "Council staff mentoring sends this reminder" in text
        assert "sends this reminder: " + _sentence(kind) in message.body
        assert message.body.rstrip().endswith(settings_url)


def _sentence(kind: str) -> str:
    """The start of each rule's sentence with the defaults (the scheme changed none)."""
    return {
        "session_tomorrow": "1 day before a planned session, both people are reminded",
        "agenda_missing": "2 days before a planned session that has no agenda",
        "summary_missing": "3 days after a session held with no summary",
        "gap": "When no session has been held or planned for 6 weeks",
        "agreement_unsigned": "14 days after the match, if no agreement is in force",
        "match_unanswered": "2 days before the deadline to answer a match",
        "evaluation_due": "When an evaluation becomes due, the person it asks is reminded, "
        "and once more 7 days later",
        "window_closing": "3 days before applications close",
        "digest": "Every Monday at 09:00 in the scheme's time zone",
    }[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_unsubscribe_headers_only_on_reminders_a_person_may_switch_off(kind, request):
    moment = DUE[kind](request)
    for reminder in swept(kind, moment):
        message = render(reminder, moment)
        headers = message.extra_headers
        if rule_for(kind).essential:
            assert "List-Unsubscribe" not in headers
            assert "List-Unsubscribe-Post" not in headers
            assert "Stop these e-mails" not in message.body
            assert "/notifications/unsubscribe/" not in html(message)
            why = f"cannot switch this reminder off: {rule_for(kind).why_essential}"
            assert why in message.body
            assert escape(why) in html(message)
            continue
        assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        link = headers["List-Unsubscribe"].removeprefix("<").removesuffix(">")
        assert link.startswith(settings.SITE_URL + "/notifications/unsubscribe/")
        assert f"Stop these e-mails: {link}" in message.body
        assert f'<a href="{link}">Stop these e-mails</a>' in html(message)
        token = link.rstrip("/").rsplit("/", 1)[1]
        person = (reminder.user_id, "", kind) if reminder.user_id else (None, reminder.email, kind)
        assert unsubscribe_read(token) == person
        assert "cannot switch this reminder off" not in message.body


def test_the_essential_reminders_are_the_match_and_the_agreement():
    assert {kind for kind in KINDS if rule_for(kind).essential} == {
        "match_unanswered",
        "agreement_unsigned",
    }


# Each kind's own words -----------------------------------------------------------------


def test_a_session_reminder_carries_the_calendar_file_and_the_schemes_time(planned_session):
    # The scheme meets in Tokyo: 09:00 in London on 4 June is 18:00 there.
    SessionSettings.objects.create(scheme=planned_session.mentorship.scheme, time_zone="Asia/Tokyo")
    moment = at(1, 9)
    reminders = swept("session_tomorrow", moment)
    assert len(reminders) == 2
    for reminder in reminders:
        message = render(reminder, moment)
        ((name, content, mimetype),) = message.attachments
        assert (name, mimetype) == ("session.ics", "text/calendar")
        assert "BEGIN:VCALENDAR" in content
        for text in (message.body, html(message)):
            assert "Wednesday 4 June 2025, 18:00" in text
            assert "Asia/Tokyo" in text
            assert "calendar file attached" in text
        assert "Wednesday 4 June at 18:00" in message.subject


def test_the_agenda_reminder_asks_the_mentee_to_write_it(request):
    moment = _agenda_missing(request)
    (reminder,) = swept("agenda_missing", moment)
    message = render(reminder, moment)
    assert "As the mentee, you write the agenda" in message.body
    assert "Write the agenda" in html(message)
    assert reminder_url(reminder).endswith("/agenda/")


def test_the_gap_asks_the_mentee_to_plan_and_tells_the_mentor_they_follow_up(request):
    moment = _gap(request)
    messages = {m.to[0]: m for m in (render(r, moment) for r in swept("gap", moment))}
    mentee, mentor = messages["mentee@example.org"], messages["mentor@example.org"]
    assert "for 6 weeks" in mentee.body
    assert "It is a good moment to plan the next one" in mentee.body
    assert "follow up" not in mentee.body
    assert "time to plan your next session" in mentee.subject
    assert "As the mentor, you follow up when too much time passes between meetings" in (
        mentor.body
    )
    assert "time to follow up with" in mentor.subject
    assert "good moment to plan" not in mentor.body


def test_the_second_evaluation_reminder_is_a_gentle_one(request):
    moment = _evaluation_due(request)
    (first,) = swept("evaluation_due", moment)
    message = render(first, moment)
    assert "Your baseline evaluation of your mentoring with" in message.body
    assert "gentle" not in message.body + message.subject
    again = at(7, 11)
    (second,) = [r for r in swept("evaluation_due", again) if r.occasion == "baseline:again"]
    message = render(second, again)
    assert "This is a gentle second reminder: your baseline evaluation" in message.body
    assert "a gentle reminder about your baseline evaluation" in message.subject
    assert "never your ratings or your comments" in message.body


def test_the_match_reminder_gives_the_deadline_in_the_schemes_time(request, mentorship):
    moment = _match_unanswered(request)
    message = render(swept("match_unanswered", moment)[0], moment)
    # respond_by is 14 days after START, 10:00 in London.
    assert "Monday 16 June 2025, 10:00 (Europe/London)" in message.body
    assert "by 16 June" in message.subject


def test_an_invitee_with_no_account_is_greeted_without_a_name(request, invitation):
    moment = _window_closing(request)
    (reminder,) = swept("window_closing", moment)
    assert reminder.user is None
    message = render(reminder, moment)
    assert message.body.startswith("Hello,\n")
    assert "<p>Hello,</p>" in html(message)
    assert "Accept the invitation to create your account" in message.body
    assert "Thursday 5 June 2025" in message.body
    assert "Once you have an account, you can choose which reminders" in message.body
    invitation_page = reverse("schemes:invitation", kwargs={"token": invitation.token})
    assert settings.SITE_URL + invitation_page in message.body


def test_someone_invited_who_signed_up_is_greeted_by_name_and_sent_to_their_schemes(
    request, scheme, outsider
):
    moment = _window_closing(request)
    Invitation.objects.create(
        scheme=scheme,
        email=outsider.email,
        role="mentor",
        status=Invitation.Status.ACCEPTED,
        accepted_by=outsider,
        expires_at=START + timedelta(days=30),
    )
    (reminder,) = [r for r in swept("window_closing", moment) if r.user_id]
    message = render(reminder, moment)
    assert message.body.startswith(f"Hello {outsider.get_short_name()},")
    assert settings.SITE_URL + reverse("schemes:my_schemes") in message.body
    assert "Choose which reminders you get by e-mail" in message.body
    assert "Once you have an account" not in message.body


def test_the_digest_lists_each_pair_at_risk_with_why_since_when_and_a_link(request, concern):
    moment = _digest(request)
    (reminder,) = swept("digest", moment)
    message = render(reminder, moment)
    pair = concern.mentorship
    link = settings.SITE_URL + reverse(
        "agreements:scheme_pair", kwargs={"slug": pair.scheme.slug, "pk": pair.pk}
    )
    since = f"A concern is open, since {timezone.localdate(concern.created_at):%-d %B %Y}."
    for text in (message.body, html(message)):
        assert f"{pair.mentee.display_name} (mentee) and {pair.mentor.display_name} (mentor)" in (
            text
        )
        assert link in text
        assert "The mentee raised a concern that is not resolved yet." in text
        assert settings.SITE_URL + reverse("sessions:at_risk", kwargs={"slug": "council"}) in text
    assert since in message.body
    assert concern.text not in message.body
    assert concern.text not in html(message)


# Nothing the pair wrote, names escaped -------------------------------------------------

MARKERS = ("AGENDA-WORDS", "SUMMARY-WORDS", "GOAL-WORDS", "CONCERN-WORDS", "REFLECTION-WORDS")


def test_no_reminder_carries_the_pairs_words(active_mentorship, mentee, coordinator):
    """The pair's agenda, summary, goal and concern are all written with markers; every
    e-mail the sweep sends over two months of a quiet pair carries none of them."""
    from agreements.services.goals import goal_create

    with time_machine.travel(at(-10), tick=False):
        MentoringSession.objects.create(
            mentorship=active_mentorship,
            starts_at=at(2, 14),
            duration_minutes=60,
            format="in_person",
            place="Room 1",
            agenda={"situation": "AGENDA-WORDS"},
            created_by=mentee,
        )
    MentoringSession.objects.create(
        mentorship=active_mentorship,
        starts_at=at(-1, 9),
        duration_minutes=60,
        format="in_person",
        status="held",
        summary="SUMMARY-WORDS",
        created_by=mentee,
    )
    goal_create(mentorship=active_mentorship, user=mentee, data={"title": "GOAL-WORDS"})
    concern_raise(mentorship=active_mentorship, user=mentee, topic="meeting", text="CONCERN-WORDS")
    moments = [at(1, 9), at(14), at(21), at(63)]
    for moment in moments:
        with time_machine.travel(moment, tick=False):
            reminders_sweep()
    reminders = list(Reminder.objects.select_related("user"))
    assert {r.kind for r in reminders} >= {
        "session_tomorrow",
        "agreement_unsigned",
        "evaluation_due",
        "gap",
        "digest",
    }
    for reminder in reminders:
        message = render(reminder, reminder.created_at)
        for marker in MARKERS:
            assert marker not in message.body + html(message) + message.subject, reminder.kind


def test_a_name_reads_as_typed_in_the_text_and_is_escaped_in_the_html(request, mentee):
    User.objects.filter(pk=mentee.pk).update(name=AWKWARD)
    moment = _gap(request)
    (to_mentor,) = [r for r in swept("gap", moment) if r.user.email == "mentor@example.org"]
    message = render(to_mentor, moment)
    assert AWKWARD in message.subject
    assert AWKWARD in message.body
    assert "&lt;b&gt;O&#x27;Brien &amp; Co&lt;/b&gt;" in html(message)
    assert "<b>" not in html(message)


def test_a_reminder_about_a_pair_names_the_other_person(request, mentorship):
    moment = _match_unanswered(request)
    for reminder in swept("match_unanswered", moment):
        message = render(reminder, moment)
        me_mentee = reminder.user_id == mentorship.mentee_id
        other = mentorship.mentor if me_mentee else mentorship.mentee
        assert f"matched with {other.display_name} as your " in message.body
        assert ("as your mentor" if me_mentee else "as your mentee") in message.body
        assert message.to == [reminder.user.email]


def test_the_dates_in_a_reminder_are_the_schemes_days(request, held_session):
    """A session held late in the evening in London is already the next day in Tokyo:
    the summary reminder names the scheme's day."""
    SessionSettings.objects.create(scheme=held_session.mentorship.scheme, time_zone="Asia/Tokyo")
    MentoringSession.objects.filter(pk=held_session.pk).update(starts_at=at(-1, 22))
    moment = at(3, 9)
    (reminder, _) = swept("summary_missing", moment)
    message = render(reminder, moment)
    day = date(2025, 6, 2)  # 22:00 in London on 1 June is 06:00 on 2 June in Tokyo
    assert f"on {day:%A} {day.day} June 2025 is marked as held" in message.body
