"""The demo's reminders (``sessions.demo.seed_reminders``): a pair in each at-risk state,
notifications read and unread, and a digest that ``send_digest --dry-run`` prints,
whatever the hour the demo is loaded at."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from agreements.models import Concern
from dashboard.management.commands.seed_demo import DEMO_SCHEME
from mentoring.models import User
from schemes.models import Scheme
from sessions.models import Reminder
from sessions.selectors.reminders import RISK_REASONS, reminders_scan
from sessions.services.reminders import digest_render

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def _seed() -> Scheme:
    call_command("seed_demo", stdout=StringIO())
    return Scheme.objects.get(slug=DEMO_SCHEME["slug"])


def _reasons(scheme: Scheme) -> set[str]:
    return {risk.reason for risk in reminders_scan(scheme_ids=[scheme.pk]).risks}


def test_the_demo_has_a_pair_in_every_at_risk_state_and_a_digest_listing_them():
    scheme = _seed()
    assert _reasons(scheme) == set(RISK_REASONS)
    coordinator = User.objects.get(email="coordinator@example.org")
    digest = digest_render(scheme=scheme, coordinator=coordinator)
    assert digest is not None
    for label, _ in RISK_REASONS.values():
        assert label in digest.body
    for concern in Concern.objects.filter(mentorship__scheme=scheme):
        assert concern.text[:40] not in digest.body


def test_send_digest_dry_run_prints_the_demo_coordinators_digest():
    _seed()
    out = StringIO()
    call_command("send_digest", DEMO_SCHEME["slug"], "--dry-run", stdout=out)
    text = out.getvalue()
    assert f"Subject: [Mentoring] {DEMO_SCHEME['name']}: pairs at risk this week (6 " in text
    assert "To: coordinator@example.org" in text
    assert "Agreement not signed, since" in text
    assert "Dry run: nothing was sent." in text


def test_the_demo_mentee_has_notifications_read_and_unread_each_sent_once():
    scheme = _seed()
    mentee = User.objects.get(email="mentee@example.org")
    theirs = list(Reminder.objects.filter(user=mentee).order_by("created_at"))
    assert len(theirs) >= 2
    assert {r.kind for r in theirs} == {"session_tomorrow"}
    assert theirs[-1].read_at is None
    assert all(r.read_at is not None and r.read_at > r.created_at for r in theirs[:-1])
    rows = Reminder.objects.filter(scheme=scheme)
    assert set(rows.values_list("status", flat=True)) == {Reminder.Status.SENT}
    assert not rows.filter(created_at__gt=timezone.now()).exists()
    # Each pair at risk has had its reminders; the coordinator last Monday's digest.
    kinds = set(rows.values_list("kind", flat=True))
    assert kinds >= {"gap", "agreement_unsigned", "match_unanswered", "evaluation_due", "digest"}
    assert set(rows.filter(kind="evaluation_due").values_list("occasion", flat=True)) == {
        "baseline",
        "baseline:again",
    }


def test_seeding_the_demo_again_records_no_reminder_twice():
    scheme = _seed()
    before = sorted(Reminder.objects.values_list("kind", "recipient", "occasion", "read_at"))
    _seed()
    assert (
        sorted(Reminder.objects.values_list("kind", "recipient", "occasion", "read_at")) == before
    )
    assert _reasons(scheme) == set(RISK_REASONS)


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2025, 3, 3, 7, 30, tzinfo=LONDON),  # a Monday before the first reminders
        datetime(2025, 3, 3, 9, 15, tzinfo=LONDON),  # a Monday, the digest just gone
        datetime(2025, 3, 9, 23, 50, tzinfo=LONDON),  # a Sunday night
    ],
)
def test_the_demo_is_the_same_at_any_hour(moment):
    with time_machine.travel(moment, tick=True):
        scheme = _seed()
        assert _reasons(scheme) == set(RISK_REASONS)
        mentee = User.objects.get(email="mentee@example.org")
        assert Reminder.objects.filter(user=mentee, read_at__isnull=True).exists()
        assert Reminder.objects.filter(user=mentee, read_at__isnull=False).exists()
        assert Reminder.objects.filter(kind="match_unanswered").count() == 2
        assert Reminder.objects.filter(kind="agreement_unsigned").count() == 2
        assert Reminder.objects.filter(kind="digest").count() == 1


def test_the_demos_replayed_sweeps_record_nothing_for_another_scheme():
    call_command(
        "seed_demo", "--scheme", "Bench", "--mentees", "24", "--mentors", "16", stdout=StringIO()
    )
    bench = Scheme.objects.get(slug="bench")
    assert reminders_scan(scheme_ids=[bench.pk]).due  # the bench's pairs have reminders due
    scheme = _seed()
    assert Reminder.objects.filter(scheme=scheme).exists()
    assert not Reminder.objects.exclude(scheme=scheme).exists()
