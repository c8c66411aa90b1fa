"""Every e-mail the product sends reads as typed in its plain-text part ("O'Brien & Co")
and is escaped in its HTML part."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from agreements.models import Concern
from agreements.services.concerns import concern_email_send
from matching.models import Mentorship
from matching.services.mentorship_emails import mentorship_email_send
from mentoring.models import User
from mentoring.services import user_welcome_email_send
from privacy.erasure import erasure_pair_email_send
from privacy.services.retention import retention_notice_email_send
from schemes.models import Application, Scheme
from schemes.services.applications import application_email_send
from schemes.services.invitations import invitation_email_send
from sessions.models import MentoringSession, PairingCheck, Reminder
from sessions.rules import KINDS
from sessions.services.reflections import pairing_check_email_send
from sessions.services.reminders import reminder_render
from sessions.services.sessions import session_email_send

pytestmark = pytest.mark.django_db

NAME = "D'Arcy O'Neill & <b>Bold</b>"
SCHEME = "Parks & <b>Gardens</b>'s scheme"
NOTE = "<b>Sorry</b> & O'Neill's reason"
ENTITIES = ("&#x27;", "&#39;", "&amp;", "&lt;", "&gt;", "&quot;")


def email_names() -> set[str]:
    folder = Path(settings.BASE_DIR) / "templates" / "emails"
    return {path.name.removesuffix("_body.txt") for path in folder.glob("*_body.txt")}


@pytest.fixture
def awkward(scheme, coordinator, mentorship, invitation):
    """Every name, the scheme's and a note written with an apostrophe, an ampersand and
    markup."""
    User.objects.filter(pk__in=[coordinator.pk, mentorship.mentee_id, mentorship.mentor_id]).update(
        name=NAME
    )
    # Signed up through the scheme's open link: the welcome names the scheme.
    User.objects.filter(pk=mentorship.mentee_id).update(
        signup_for=SCHEME, signup_next="/apply/open-link-token/"
    )
    scheme.name = SCHEME
    scheme.save(update_fields=["name"])
    invitation.name = NAME
    invitation.save(update_fields=["name"])
    return mentorship


def send_each(mentorship, invitation) -> dict[str, list]:
    """Send every e-mail once; the messages by e-mail name."""
    application = mentorship.mentee_application
    sent: dict[str, list] = {}

    def collect(name, send):
        before = len(mail.outbox)
        send()
        sent.setdefault(name, []).extend(mail.outbox[before:])

    collect("welcome", lambda: user_welcome_email_send(user_id=mentorship.mentee_id))
    collect("invitation", lambda: invitation_email_send(invitation_id=invitation.pk))
    collect(
        "application_received",
        lambda: application_email_send(application_id=application.pk, kind="received"),
    )
    Application.objects.filter(pk=application.pk).update(
        status=Application.Status.DECLINED, decision_reason=NOTE
    )
    collect(
        "application_decided",
        lambda: application_email_send(application_id=application.pk, kind="decided"),
    )
    concern = Concern.objects.create(
        mentorship=mentorship, raised_by=mentorship.mentee, role="mentee", topic="fit", text=NOTE
    )
    collect("concern_raised", lambda: concern_email_send(concern_id=concern.pk))
    check = PairingCheck.objects.create(
        mentorship=mentorship,
        author=mentorship.mentor,
        role="mentor",
        working=False,
        answered_at=timezone.now(),
    )
    collect("pairing_check", lambda: pairing_check_email_send(check_id=check.pk))
    now = timezone.now()
    # Each event of the mentorship, in the state its e-mail is due in.
    events = [
        ("proposed", {}),
        ("requested", {}),
        ("started", {"status": Mentorship.Status.ACTIVE, "started_at": now}),
        (
            "declined",
            {
                "status": Mentorship.Status.DECLINED,
                "declined_by": mentorship.mentor,
                "decline_reason": NOTE,
            },
        ),
        ("expired", {"status": Mentorship.Status.EXPIRED}),
        (
            "ended",
            {
                "status": Mentorship.Status.ENDED,
                "ended_by": mentorship.mentor,
                "ended_at": now,
                "end_reason": NOTE,
            },
        ),
    ]
    for event, fields in events:
        if fields:
            Mentorship.objects.filter(pk=mentorship.pk).update(**fields)
        collect(
            f"match_{event}",
            lambda event=event: mentorship_email_send(mentorship_id=mentorship.pk, event=event),
        )
    # The session e-mails, their place and reason written awkwardly too.
    session = MentoringSession.objects.create(
        mentorship=mentorship,
        starts_at=now + timedelta(days=2),
        duration_minutes=60,
        format="in_person",
        place=NOTE,
        created_by=mentorship.mentee,
    )
    for event in ("planned", "changed"):
        collect(
            f"session_{event}",
            lambda event=event: session_email_send(session_id=session.pk, event=event),
        )
    MentoringSession.objects.filter(pk=session.pk).update(
        status="cancelled", cancelled_by=mentorship.mentor, cancelled_at=now, cancel_reason=NOTE
    )
    collect(
        "session_cancelled", lambda: session_email_send(session_id=session.pk, event="cancelled")
    )
    # The retention notice: the scheme closed, the pair's words still held.
    status = mentorship.scheme.status
    Scheme.objects.filter(pk=mentorship.scheme_id).update(status=Scheme.Status.CLOSED)
    collect(
        "retention_notice",
        lambda: retention_notice_email_send(
            scheme_id=mentorship.scheme_id, removal_on="2027-03-10"
        ),
    )
    Scheme.objects.filter(pk=mentorship.scheme_id).update(status=status)
    # The other person of a pair whose member erased their account.
    collect(
        "erasure_pair_ended",
        lambda: erasure_pair_email_send(
            mentorship_id=mentorship.pk, recipient_id=mentorship.mentor_id
        ),
    )
    for kind, messages in reminder_messages(mentorship, session, invitation).items():
        sent[f"reminder_{kind}"] = messages
    return sent


def reminder_messages(mentorship, session, invitation) -> dict[str, list]:
    """Every reminder e-mail, rendered for the awkward pair (active again, its concern
    still open, so that the coordinators' digest lists it), by kind."""
    now = timezone.now()
    Mentorship.objects.filter(pk=mentorship.pk).update(
        status=Mentorship.Status.ACTIVE, started_at=now - timedelta(days=60), ended_at=None
    )
    mentorship.refresh_from_db()
    scheme, mentee, mentor = mentorship.scheme, mentorship.mentee, mentorship.mentor
    coordinator = User.objects.get(email="coordinator@example.org")
    on_pair = {"subject_type": "mentorship", "subject_id": mentorship.pk}
    on_session = {"subject_type": "session", "subject_id": session.pk}
    # (kind, person, what it is about, occasion)
    rows = [
        ("session_tomorrow", mentee, on_session, session.starts_at.isoformat()),
        ("agenda_missing", mentee, on_session, session.starts_at.isoformat()),
        ("summary_missing", mentor, on_session, ""),
        ("gap", mentee, on_pair, "2025-01-06"),
        ("gap", mentor, on_pair, "2025-01-06"),
        ("agreement_unsigned", mentor, on_pair, ""),
        ("match_unanswered", mentee, on_pair, mentorship.respond_by.isoformat()),
        ("evaluation_due", mentee, on_pair, "mid"),
        ("evaluation_due", mentor, on_pair, "mid:again"),
        (
            "window_closing",
            mentee,
            {"subject_type": "invitation", "subject_id": invitation.pk},
            "2025-03-01",
        ),
        ("digest", coordinator, {"subject_type": "scheme", "subject_id": scheme.pk}, "2025-03-03"),
    ]
    assert {kind for kind, _, _, _ in rows} == set(KINDS)
    Scheme.objects.filter(pk=scheme.pk).update(applications_close_on=timezone.localdate())
    messages: dict[str, list] = {}
    for kind, user, subject, occasion in rows:
        reminder = Reminder.objects.create(
            kind=kind,
            scheme=scheme,
            recipient=f"user:{user.pk}",
            user=user,
            mentorship=None if kind in ("window_closing", "digest") else mentorship,
            occasion=occasion,
            **subject,
        )
        messages.setdefault(kind, []).append(reminder_render(reminder))
    return messages


def split(messages, coordinator_email):
    """The pair's messages and the coordinators' ("match_coordinator") apart."""
    pair = [m for m in messages if m.to != [coordinator_email]]
    coordinators = [m for m in messages if m.to == [coordinator_email]]
    return pair, coordinators


def test_every_email_has_raw_text_and_escaped_html(awkward, invitation, coordinator):
    sent = send_each(awkward, invitation)
    by_name: dict[str, list] = {}
    for name, messages in sent.items():
        if name.startswith("match_"):
            pair, coordinators = split(messages, coordinator.email)
            by_name.setdefault(name, []).extend(pair)
            by_name.setdefault("match_coordinator", []).extend(coordinators)
        else:
            by_name[name] = messages
    assert set(by_name) == email_names()
    for name, messages in by_name.items():
        assert messages, f"{name}: nothing was sent"
        for message in messages:
            text = message.subject + "\n" + message.body
            html = message.alternatives[0][0]
            for entity in ENTITIES:
                assert entity not in text, f"{name}: {entity} in the plain text"
            assert "D'Arcy" in text, name
            assert "D&#x27;Arcy" in html, name
            assert "<b>" not in html, f"{name}: markup from a name or a note in the HTML"
            assert "Parks & <b>Gardens</b>'s scheme" in text, name
            assert "Parks &amp; &lt;b&gt;Gardens&lt;/b&gt;&#x27;s scheme" in html, name


def test_a_concern_email_never_carries_the_pairs_text(awkward, invitation, coordinator):
    messages = send_each(awkward, invitation)["concern_raised"]
    assert [m.to for m in messages] == [[coordinator.email]]
    assert NOTE not in messages[0].body
    assert "O&#x27;Neill&#x27;s reason" not in messages[0].alternatives[0][0]


def test_the_digest_never_carries_the_concerns_text(awkward, invitation, coordinator):
    (digest,) = send_each(awkward, invitation)["reminder_digest"]
    assert digest.to == [coordinator.email]
    assert "A concern is open" in digest.body
    assert NOTE not in digest.body
    assert "O&#x27;Neill&#x27;s reason" not in digest.alternatives[0][0]


def test_a_note_reads_as_typed_in_text_and_escaped_in_html(awkward, invitation, coordinator):
    sent = send_each(awkward, invitation)
    notes = [
        *sent["application_decided"],
        *[m for m in sent["match_declined"] if m.to == [coordinator.email]],
        *[m for m in sent["match_ended"] if m.to == [coordinator.email]],
    ]
    assert notes
    for message in notes:
        assert NOTE in message.body
        assert (
            "&lt;b&gt;Sorry&lt;/b&gt; &amp; O&#x27;Neill&#x27;s reason"
            in (message.alternatives[0][0])
        )
