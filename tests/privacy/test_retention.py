"""The retention schedule with the clock moved: what is due is removed or anonymised,
nothing else; coordinators are told once, a fortnight before; the dry run changes
nothing; the job records one audit entry."""

from dataclasses import replace
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from dashboard.figures import dashboard_figures
from dashboard.models import ExportJob, ExportLog
from mentoring.models import AuditEntry, OutboxMessage
from privacy.models import RetentionNotice
from privacy.retention import (
    NOTICE_DAYS,
    REMOVED,
    retention_kinds,
    scheme_retention,
)
from privacy.services.retention import retention_apply, retention_preview
from privacy.tasks import apply_retention
from schemes.models import Application, Invitation, Scheme
from schemes.selectors import scheme_application_counts
from schemes.services.schemes import scheme_update
from sessions.models import Evaluation, MentoringSession, Reminder
from tests.factories import SchemeFactory, UserFactory
from tests.privacy.people import PERSONAL_MODELS, fill_scheme, row_counts, words_held

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# The old scheme closes on this day; its 24 months end on 10 March 2027.
CLOSED = datetime(2025, 3, 10, 16, 0, tzinfo=LONDON)
DUE = datetime(2027, 3, 10, 2, 40, tzinfo=LONDON)
NOTICE = DUE - timedelta(days=NOTICE_DAYS)

OLD, OPEN, RECENT = "xq7old", "xq7open", "xq7recent"


def _close(scheme: Scheme) -> Scheme:
    return scheme_update(scheme=scheme, status=Scheme.Status.CLOSED)


def _figures(filled):
    """The closed scheme's dashboard figures that count rows the schedule keeps."""
    figures = dashboard_figures(filled.scheme, reader=filled.coordinator)
    kept = (
        "funnel",
        "mentors_applied",
        "mentors_approved",
        "months",
        "sessions_held",
        "hours_held",
        "started_pairs",
        "pairs_three_sessions",
        "agreements_signed",
        "median_days_to_sign",
        "responses",
        "pulse",
        "ended_by",
        "ended_stage",
        "ended_early",
        "mentor_load",
    )
    return {name: getattr(figures, name) for name in kept} | {
        "applications": scheme_application_counts(filled.scheme)
    }


@pytest.fixture
def traveller():
    with time_machine.travel(CLOSED - timedelta(days=300), tick=False) as moving:
        yield moving


@pytest.fixture
def three_schemes(traveller):
    """An old scheme closed on CLOSED, one still running, and one closed 20 months after
    the old one; each full of data marked with its own word."""
    old = fill_scheme(SchemeFactory(name="Old scheme", slug="old"), OLD)
    running = fill_scheme(SchemeFactory(name="Running scheme", slug="running"), OPEN)
    recent = fill_scheme(SchemeFactory(name="Recent scheme", slug="recent"), RECENT)
    traveller.move_to(CLOSED)
    _close(old.scheme)
    traveller.move_to(CLOSED + timedelta(days=610))
    _close(recent.scheme)
    return old, running, recent


def test_closing_a_scheme_records_when_and_reopening_forgets_it(traveller):
    scheme = SchemeFactory()
    assert scheme.closed_at is None
    _close(scheme)
    assert scheme.closed_at == CLOSED - timedelta(days=300)
    traveller.shift(timedelta(days=3))
    scheme_update(scheme=scheme, name="Renamed while closed")
    assert scheme.closed_at == CLOSED - timedelta(days=300), "closing again moved nothing"
    scheme_update(scheme=scheme, status=Scheme.Status.RUNNING)
    assert scheme.closed_at is None
    _close(scheme)
    assert scheme.closed_at == CLOSED - timedelta(days=297)


def test_a_closed_schemes_data_goes_on_its_day_and_nothing_else(
    three_schemes, traveller, django_capture_on_commit_callbacks
):
    old, running, recent = three_schemes
    counts = row_counts()

    # The day before the fortnight's notice: nothing happens.
    traveller.move_to(NOTICE - timedelta(days=1))
    assert retention_apply(now=timezone.now()).removed == {}
    assert not RetentionNotice.objects.exists()

    # The notice: the old scheme's coordinator is told; nothing is removed yet.
    traveller.move_to(NOTICE)
    with django_capture_on_commit_callbacks(execute=True):
        result = retention_apply(now=timezone.now())
    assert result.removed == {}
    assert [(n.scheme.slug, n.removal_on) for n in result.notices] == [("old", DUE.date())]
    assert all(words_held(marker) for marker in (OLD, OPEN, RECENT))

    # The day before the removal: still nothing.
    traveller.move_to(DUE - timedelta(days=1))
    assert retention_apply(now=timezone.now()).removed == {}
    assert words_held(OLD)

    # The day: the old scheme's words go, the counted rows stay, the figures too.
    traveller.move_to(DUE)
    before = _figures(old)
    result = retention_apply(now=timezone.now())
    assert set(result.removed) == {"applications", "mentorship_content", "evaluations", "reminders"}
    assert words_held(OLD) == []
    assert row_counts() == counts
    assert not Reminder.objects.filter(scheme=old.scheme).exists()
    assert _figures(old) == before
    # The running scheme and the one closed recently keep everything.
    assert len(words_held(OPEN)) == len(words_held(RECENT)) == len(PERSONAL_MODELS)
    assert Reminder.objects.filter(scheme=running.scheme).count() == 2
    assert Reminder.objects.filter(scheme=recent.scheme).count() == 2


def test_why_a_pair_was_matched_keeps_its_points_and_loses_its_words(three_schemes, traveller):
    from matching.models import Mentorship, Proposal

    old, running, _recent = three_schemes
    traveller.move_to(NOTICE)
    retention_apply(now=timezone.now())
    traveller.move_to(DUE)
    retention_apply(now=timezone.now())
    pair = Mentorship.objects.get(scheme=old.scheme, breakdown__isnull=False, run__isnull=False)
    assert pair.breakdown == [{"key": "areas", "points": 12, "reason": ""}]
    proposal = Proposal.objects.get(run__scheme=old.scheme)
    assert proposal.breakdown == [{"key": "areas", "points": 12, "reason": ""}]
    assert proposal.overridden_constraints == [REMOVED]
    kept = Proposal.objects.get(run__scheme=running.scheme)
    assert kept.overridden_constraints == [f"The mentee asked not to be matched with {OPEN}"]


def test_anonymised_rows_keep_their_statuses_dates_and_ratings(three_schemes, traveller):
    old = three_schemes[0]
    traveller.move_to(NOTICE)
    retention_apply(now=timezone.now())
    traveller.move_to(DUE)
    statuses = sorted(
        Application.objects.filter(scheme=old.scheme).values_list("status", flat=True)
    )
    retention_apply(now=timezone.now())

    applications = Application.objects.filter(scheme=old.scheme)
    assert sorted(applications.values_list("status", flat=True)) == statuses
    first = applications.get(user=old.mentee)
    assert (first.department, first.grade, first.role) == ("Housing", "Senior officer", "mentee")
    assert first.submitted_at is not None and first.consented_at is not None
    assert (first.biggest_fear, first.answers, first.avoid_people, first.capacity) == (
        "",
        {},
        [],
        None,
    )
    invitation = Invitation.objects.get(scheme=old.scheme)
    assert invitation.name == ""
    assert invitation.email == f"invitation-{invitation.pk}@removed.invalid"
    assert invitation.status == Invitation.Status.PENDING

    old.pair.refresh_from_db()
    old.ended_pair.refresh_from_db()
    assert old.pair.shared_answers == [] and old.pair.end_reason == ""
    assert old.ended_pair.end_reason == REMOVED and old.ended_pair.ended_at is not None
    session = MentoringSession.objects.filter(mentorship=old.pair).order_by("starts_at").first()
    assert (session.summary, session.agenda, session.place) == ("", {}, "")
    assert (session.duration_minutes, session.status) == (60, "held")
    ratings = list(
        Evaluation.objects.filter(mentorship=old.pair)
        .order_by("milestone")
        .values_list("scheme_rating", "comments")
    )
    assert ratings == [(2, ""), (4, "")]
    goal = old.pair.goals.get()
    assert (goal.title, goal.why, goal.shared_with_coordinator) == (REMOVED, "", True)


def test_the_notice_goes_once_a_fortnight_before_to_the_coordinators(
    three_schemes, traveller, django_capture_on_commit_callbacks
):
    old = three_schemes[0]
    traveller.move_to(NOTICE)
    with django_capture_on_commit_callbacks(execute=True):
        retention_apply(now=timezone.now())
    assert [message.to for message in mail.outbox] == [[old.coordinator.email]]
    message = mail.outbox[0]
    assert "Old scheme" in message.subject and "10 March 2027" in message.subject
    assert "Applications and invitations" in message.body
    assert "What pairs write" in message.body
    assert "export them from the scheme's dashboard" in message.body
    assert "/schemes/old/" in message.body
    assert OLD not in message.body.lower()

    for day in (1, 5, 13):
        traveller.move_to(NOTICE + timedelta(days=day))
        with django_capture_on_commit_callbacks(execute=True):
            retention_apply(now=timezone.now())
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.filter(handler="privacy.retention_notice").count() == 1
    assert set(RetentionNotice.objects.filter(scheme=old.scheme).values_list("kind", "due_on")) == {
        (kind.key, DUE.date()) for kind in retention_kinds() if kind.per_scheme
    }


def test_a_scheme_past_its_period_when_first_seen_goes_a_fortnight_after_the_notice(
    three_schemes, traveller
):
    old = three_schemes[0]
    late = DUE + timedelta(days=40)
    traveller.move_to(late)
    result = retention_apply(now=timezone.now())
    assert result.removed == {}
    assert [n.removal_on for n in result.notices] == [(late + timedelta(days=NOTICE_DAYS)).date()]
    traveller.move_to(late + timedelta(days=NOTICE_DAYS - 1))
    retention_apply(now=timezone.now())
    assert words_held(OLD)
    traveller.move_to(late + timedelta(days=NOTICE_DAYS))
    retention_apply(now=timezone.now())
    assert words_held(OLD) == []
    assert (
        scheme_retention(scheme_ids=[old.scheme.pk])[0].removal_on
        == (late + timedelta(days=NOTICE_DAYS)).date()
    )


def test_a_scheme_reopened_after_its_notice_keeps_its_data(three_schemes, traveller):
    old = three_schemes[0]
    traveller.move_to(NOTICE)
    retention_apply(now=timezone.now())
    scheme_update(scheme=old.scheme, status=Scheme.Status.RUNNING)
    traveller.move_to(DUE + timedelta(days=1))
    assert retention_apply(now=timezone.now()).removed == {}
    assert len(words_held(OLD)) == len(PERSONAL_MODELS)


def test_a_pair_still_open_in_a_closed_scheme_keeps_its_reminders(three_schemes, traveller):
    old = three_schemes[0]
    old.pair.status = "active"
    old.pair.save(update_fields=["status"])
    traveller.move_to(NOTICE)
    retention_apply(now=timezone.now())
    traveller.move_to(DUE)
    retention_apply(now=timezone.now())
    assert list(
        Reminder.objects.filter(scheme=old.scheme).values_list("mentorship", flat=True)
    ) == [old.pair.pk]


def test_the_job_records_one_audit_entry_and_runs_again_harmlessly(three_schemes, traveller):
    traveller.move_to(NOTICE)
    apply_retention.delay()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.RETENTION_APPLIED).exists()
    traveller.move_to(DUE)
    removed = apply_retention.delay().get()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.RETENTION_APPLIED)
    assert entry.actor is None
    assert entry.detail == removed
    # Application: 6 of the old scheme, Invitation: 1.
    assert removed["applications"] == 7
    assert removed["evaluations"] == 2
    assert removed["reminders"] == 2
    traveller.shift(timedelta(days=1))
    assert apply_retention.delay().get() == {}
    assert AuditEntry.objects.filter(action=AuditEntry.Action.RETENTION_APPLIED).count() == 1


def test_e_mail_logs_and_audit_entries_go_after_their_fixed_periods(traveller, settings):
    settings.RETENTION_EMAIL_LOG_DAYS = 90
    settings.RETENTION_AUDIT_MONTHS = 24
    start = timezone.now()
    OutboxMessage.objects.create(handler="x", status="sent")
    OutboxMessage.objects.create(handler="x", status="failed")
    old_pending = OutboxMessage.objects.create(handler="x", status="pending")
    old_audit = AuditEntry.objects.create(action=AuditEntry.Action.MATCH_PUBLISHED)
    traveller.move_to(start + timedelta(days=89))
    recent_sent = OutboxMessage.objects.create(handler="x", status="sent")
    traveller.move_to(start + timedelta(days=90, seconds=1))
    removed = retention_apply(now=timezone.now()).removed
    assert removed == {"email_log": 2}
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {
        old_pending.pk,
        recent_sent.pk,
    }

    traveller.move_to(start.replace(year=start.year + 2) - timedelta(seconds=1))
    assert "audit" not in retention_apply(now=timezone.now()).removed
    traveller.move_to(start.replace(year=start.year + 2) + timedelta(seconds=1))
    retention_apply(now=timezone.now())
    assert not AuditEntry.objects.filter(pk=old_audit.pk).exists()
    # The run's own entry stays: it is new.
    assert AuditEntry.objects.filter(action=AuditEntry.Action.RETENTION_APPLIED).exists()


def test_the_roofs_exports_are_in_the_schedule(traveller, settings, tmp_path):
    settings.EXPORTS_DIR = tmp_path
    reader = UserFactory()
    now = timezone.now()
    job = ExportJob.objects.create(
        user=reader,
        report="participants",
        format="csv",
        status=ExportJob.Status.DONE,
        finished_at=now,
        expires_at=now + timedelta(hours=settings.EXPORT_FILE_HOURS),
        file_name="kept-for-a-day.csv",
    )
    (tmp_path / job.file_name).write_text("Scheme\r\n")
    ExportLog.objects.create(user=reader, report="participants", format="csv", channel="web")
    assert {"export_files", "export_records"} <= {kind.key for kind in retention_kinds()}

    traveller.move_to(now + timedelta(hours=settings.EXPORT_FILE_HOURS, seconds=1))
    assert retention_apply(now=timezone.now()).removed == {"export_files": 1}
    assert not (tmp_path / job.file_name).exists()
    traveller.move_to(now.replace(year=now.year + 2) + timedelta(days=1))
    removed = retention_apply(now=timezone.now()).removed
    assert removed["export_records"] == 2  # the log and the expired job's record
    assert not ExportLog.objects.exists() and not ExportJob.objects.exists()


def test_dry_run_prints_what_would_go_and_changes_nothing(three_schemes, traveller):
    traveller.move_to(NOTICE)
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert "Would tell the coordinators of Old scheme (old)" in out.getvalue()
    assert "10 March 2027" in out.getvalue()
    assert not RetentionNotice.objects.exists()
    retention_apply(now=timezone.now())

    traveller.move_to(DUE)
    counts = row_counts()
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    printed = out.getvalue()
    assert "nothing is changed" in printed
    assert "Applications and invitations (anonymise, each scheme's own period" in printed
    assert "): 7 due" in printed
    assert "  Old scheme (old): 7" in printed
    assert "Running scheme" not in printed and "Recent scheme" not in printed
    assert "E-mail log (delete, 90 days after it was written): 0 due" in printed
    assert len(words_held(OLD)) == len(PERSONAL_MODELS)
    assert row_counts() == counts
    assert not AuditEntry.objects.exists()

    preview = retention_preview(now=timezone.now())
    by_key = {item.kind.key: item for item in preview.kinds}
    assert by_key["reminders"].count == 2

    out = StringIO()
    call_command("apply_retention", stdout=out)
    assert "Applications and invitations: 7 removed" in out.getvalue()
    assert words_held(OLD) == []


def test_a_kind_that_fails_leaves_the_others_done_and_recorded(
    three_schemes, traveller, monkeypatch
):
    from privacy.services import retention as service

    traveller.move_to(NOTICE)
    retention_apply(now=timezone.now())
    traveller.move_to(DUE)
    kinds = retention_kinds()

    def broken(scope):
        raise RuntimeError("disk full")

    failing = [replace(kind, apply=broken) if kind.key == "evaluations" else kind for kind in kinds]
    monkeypatch.setattr(service, "retention_kinds", lambda: failing)
    with pytest.raises(service.RetentionIncomplete, match="evaluations"):
        retention_apply(now=timezone.now())
    entry = AuditEntry.objects.get(action=AuditEntry.Action.RETENTION_APPLIED)
    assert "evaluations" not in entry.detail and entry.detail["applications"] == 7
    assert words_held(OLD) == ["Evaluation"]


@pytest.mark.django_db(transaction=True)
def test_the_migration_dates_the_schemes_already_closed_from_their_last_change():
    executor = MigrationExecutor(connection)
    executor.migrate([("schemes", "0006_max_gap_help")])
    old = executor.loader.project_state([("schemes", "0006_max_gap_help")]).apps
    OldScheme = old.get_model("schemes", "Scheme")
    closed = OldScheme.objects.create(name="Closed", slug="closed", status="closed")
    running = OldScheme.objects.create(name="Running", slug="running", status="running")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    closed_now = Scheme.objects.get(pk=closed.pk)
    assert closed_now.closed_at == closed_now.updated_at
    assert Scheme.objects.get(pk=running.pk).closed_at is None


def test_closing_in_the_admin_dates_it_as_the_settings_page_does(traveller):
    """Closed on its settings page, reopened, run for two years and closed in the
    admin: its period counts from the second closing, not the first."""
    from django.contrib.admin.sites import site

    from schemes.admin import SchemeAdmin

    scheme = SchemeFactory(name="Admin closed", slug="admin-closed")
    _close(scheme)
    scheme_update(scheme=scheme, status=Scheme.Status.RUNNING)
    traveller.shift(timedelta(days=730))
    scheme.refresh_from_db()
    scheme.status = Scheme.Status.CLOSED
    SchemeAdmin(Scheme, site).save_model(None, scheme, None, change=True)
    assert Scheme.objects.get(pk=scheme.pk).closed_at == timezone.now()
    scheme.status = Scheme.Status.RUNNING
    SchemeAdmin(Scheme, site).save_model(None, scheme, None, change=True)
    assert Scheme.objects.get(pk=scheme.pk).closed_at is None
