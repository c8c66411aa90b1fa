"""A session as a calendar file (``.ics``, RFC 5545), made with ``icalendar``.

The entry's UID is the session's own for good and its SEQUENCE is the session's, which
rises with each reschedule and with the cancellation, so a calendar updates the same
entry and a cancellation (METHOD:CANCEL) removes it. A calendar file may be forwarded,
so it never carries the agenda, the summary or anything else the pair wrote: only the
time, the place and who meets.
"""

from datetime import UTC, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from sessions.models import MentoringSession

__all__ = ["session_ics", "session_title", "session_uid"]

PRODID = "-//Mentoring//Sessions//EN"


def session_uid(session: MentoringSession) -> str:
    """The calendar entry's UID: the session's UUID at the site's host."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"{session.uid}@{host}"


def session_title(session: MentoringSession) -> str:
    mentorship = session.mentorship
    return f"Mentoring: {mentorship.mentee.display_name} and {mentorship.mentor.display_name}"


def _address(user) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(user.display_name)
    return address


def session_ics(session: MentoringSession, *, cancel: bool = False) -> bytes:
    """The session as a calendar file: a request to add or update its entry, or with
    ``cancel`` (or a cancelled session) the cancellation that removes it."""
    cancelled = cancel or session.status == MentoringSession.Status.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", session_uid(session))
    event.add("sequence", session.sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    starts = session.starts_at.astimezone(UTC)
    event.add("dtstart", starts)
    event.add("dtend", starts + timedelta(minutes=session.duration_minutes))
    event.add("summary", session_title(session))
    if session.place:
        event.add("location", session.place)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    mentorship = session.mentorship
    event.add("organizer", _address(mentorship.mentee), encode=False)
    for person in (mentorship.mentee, mentorship.mentor):
        event.add("attendee", _address(person), encode=False)
    calendar.add_component(event)
    return calendar.to_ical()
