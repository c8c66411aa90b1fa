"""The calendar file of a session: it parses, keeps its UID across a reschedule with a
higher SEQUENCE, carries METHOD:CANCEL when cancelled, and never the pair's words."""

from datetime import UTC, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from icalendar import Calendar

from sessions.calendar import session_ics
from sessions.services import sessions as services

pytestmark = pytest.mark.django_db

SECRET = "AGENDA-MARKER-7731"


def _event(ics: bytes):
    calendar = Calendar.from_ical(ics)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


@override_settings(SITE_URL="https://mentoring.example.org")
def test_a_planned_session_is_a_confirmed_request(planned_session):
    calendar, event = _event(session_ics(planned_session))
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == f"{planned_session.uid}@mentoring.example.org"
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    assert event["LOCATION"] == planned_session.place
    mentorship = planned_session.mentorship
    assert str(event["SUMMARY"]) == (
        f"Mentoring: {mentorship.mentee.display_name} and {mentorship.mentor.display_name}"
    )
    starts = event.decoded("DTSTART")
    assert starts.utcoffset() == timedelta(0)
    assert starts == planned_session.starts_at.astimezone(UTC).replace(microsecond=0) or abs(
        starts - planned_session.starts_at
    ) < timedelta(seconds=1)
    assert event.decoded("DTEND") - starts == timedelta(minutes=60)
    assert "DTSTAMP" in event


def test_a_reschedule_keeps_the_uid_and_raises_the_sequence(planned_session, mentee):
    _, before = _event(session_ics(planned_session))
    session = services.session_reschedule(
        session=planned_session,
        user=mentee,
        starts_at=timezone.now() + timedelta(days=9),
        duration_minutes=90,
        format="in_person",
        place="Room 4",
    )
    _, after = _event(session_ics(session))
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1
    assert after["LOCATION"] == "Room 4"


def test_a_cancellation_carries_method_cancel(planned_session, mentee):
    session = services.session_cancel(session=planned_session, user=mentee, reason=SECRET)
    calendar, event = _event(session_ics(session))
    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert SECRET.encode() not in session_ics(session)


def test_the_file_never_carries_the_agenda_or_the_summary(held_session, mentee):
    services.session_agenda_save(session=held_session, user=mentee, agenda={"options": SECRET})
    services.session_summary_save(session=held_session, user=mentee, summary=SECRET + "-S")
    held_session.refresh_from_db()
    assert SECRET.encode() not in session_ics(held_session)
