"""``send_digest SCHEME [--dry-run]``: a scheme's digest of pairs at risk, shown or sent
now to its coordinators, once each, with nothing the pairs wrote."""

from io import StringIO
from smtplib import SMTPRecipientsRefused

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import CommandError, call_command

from mentoring.models import OutboxMessage
from schemes.models import Role
from sessions.models import NotificationPreference, Reminder, ReminderRule
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("send_digest", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def second_coordinator(scheme):
    return MembershipFactory(
        scheme=scheme, role=Role.COORDINATOR, user__email="second.coordinator@example.org"
    ).user


def test_an_unknown_scheme_is_a_clear_error(scheme):
    with pytest.raises(CommandError, match="There is no scheme with the slug 'nowhere'"):
        run("nowhere", "--dry-run")


def test_a_dry_run_prints_each_coordinators_digest_and_sends_nothing(
    concern, coordinator, second_coordinator
):
    outbox = OutboxMessage.objects.count()  # the concern's own e-mail
    out, _ = run("council", "--dry-run")
    pair = concern.mentorship
    assert out.count("Subject: [Mentoring] Council staff mentoring: pairs at risk this week") == 2
    assert "To: coordinator@example.org" in out
    assert "To: second.coordinator@example.org" in out
    assert f"- {pair.mentee.display_name} (mentee) and {pair.mentor.display_name} (mentor)" in out
    assert "A concern is open, since" in out
    assert concern.text not in out
    assert out.rstrip().endswith("Dry run: nothing was sent.")
    assert mail.outbox == []
    assert not Reminder.objects.exists()
    assert OutboxMessage.objects.count() == outbox


def test_a_dry_run_with_no_pair_at_risk_says_nothing_would_be_sent(active_mentorship, coordinator):
    out, _ = run("council", "--dry-run")
    assert out == ("No pair is at risk in Council staff mentoring: no digest would be sent.\n")


def test_sending_e_mails_each_coordinator_once(concern, coordinator, second_coordinator):
    out, _ = run("council")
    assert sorted(m.to[0] for m in mail.outbox) == [
        "coordinator@example.org",
        "second.coordinator@example.org",
    ]
    for message in mail.outbox:
        assert concern.mentorship.mentee.display_name in message.body
        assert concern.text not in message.body + message.alternatives[0][0]
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Sent the digest of Council staff mentoring to coordinator@example.org." in out
    assert "2 digests sent." in out


def test_sending_with_no_pair_at_risk_sends_nothing(active_mentorship, coordinator):
    out, _ = run("council")
    assert out == "No pair is at risk in Council staff mentoring: no digest was sent.\n"
    assert mail.outbox == []


def test_a_coordinator_who_switched_digests_off_is_not_e_mailed(
    concern, coordinator, second_coordinator
):
    NotificationPreference.objects.create(user=coordinator, kind="digest", by_email=False)
    out, _ = run("council")
    assert [m.to for m in mail.outbox] == [["second.coordinator@example.org"]]
    assert "Not sent to coordinator@example.org: they have switched digest e-mails off." in out
    dry, _ = run("council", "--dry-run")
    assert "(They have switched digest e-mails off: it would not be e-mailed to them.)" in dry


def test_a_coordinator_whose_account_is_closed_gets_no_digest(
    concern, coordinator, second_coordinator
):
    second_coordinator.is_active = False
    second_coordinator.save(update_fields=["is_active"])
    run("council")
    assert [m.to for m in mail.outbox] == [["coordinator@example.org"]]


def test_a_scheme_with_no_coordinator_is_a_clear_error(concern, coordinator):
    coordinator.is_active = False
    coordinator.save(update_fields=["is_active"])
    with pytest.raises(CommandError, match="has no active coordinator"):
        run("council", "--dry-run")


def test_a_digest_switched_off_for_the_scheme_is_said(concern, coordinator):
    ReminderRule.objects.create(
        scheme=concern.mentorship.scheme, kind="digest", enabled=False, days=0
    )
    out, _ = run("council", "--dry-run")
    assert "The weekly digest is switched off for Council staff mentoring" in out
    assert "this is what it would say." in out
    assert "Subject:" in out


def test_a_mail_server_refusing_one_address_sends_the_others_and_fails_loudly(
    concern, coordinator, second_coordinator, monkeypatch
):
    send = EmailMultiAlternatives.send

    def refuse_the_first(message, *args, **kwargs):
        if message.to == ["coordinator@example.org"]:
            raise SMTPRecipientsRefused({"coordinator@example.org": (550, b"No such user")})
        return send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse_the_first)
    with pytest.raises(CommandError, match="1 of 2 digests could not be sent"):
        run("council")
    assert [m.to for m in mail.outbox] == [["second.coordinator@example.org"]]
