"""Your data: a person's copy of everything the product holds about them.

The copy holds a marker planted in each kind of the person's own content (and in what
the other person of the pair shared with them), and none of the markers planted in
other people's private content: the other person's private reflection, evaluation and
concern, another pair's notes, the coordinators' own records, the matching engine's
working and the person's own two-factor secret.
"""

import io
import json
import os
import stat
import zipfile
from datetime import timedelta
from secrets import token_hex

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements.models import AgreementVersion, Concern, Goal, ProgressEntry, Signature, StageMove
from agreements.models import Target as GoalTarget
from matching.models import Mentorship, Proposal, Unmatched
from mentoring.audit import audit_record
from mentoring.models import AuditEntry, OutboxMessage
from mentoring.outbox import HANDLERS
from privacy.models import DataExport
from privacy.services.yourdata import (
    ALREADY_PREPARING,
    DATA_EXPORT_TASK,
    data_export_path,
    data_export_run,
    data_export_start,
    data_exports_expire,
)
from privacy.yourdata import SECTIONS, person_data, write_zip
from schemes.models import Application, Role
from sessions.models import (
    Evaluation,
    FinalReview,
    MentoringSession,
    NotificationPreference,
    PairingCheck,
    Pulse,
    Reflection,
    Reminder,
    RiskHandling,
    SessionAction,
)
from tests.factories import ApplicationFactory, CustomQuestionFactory, MembershipFactory
from tests.html import Page, assert_accessible_page

pytestmark = pytest.mark.django_db


def marker(kind: str) -> str:
    return f"marker{kind}{token_hex(4)}"


def read_zip(content: bytes) -> dict[str, str]:
    """Every file of a ZIP, by name, as text."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def zip_of(user) -> dict[str, str]:
    buffer = io.BytesIO()
    write_zip(user, buffer)
    return read_zip(buffer.getvalue())


def _other_pair(scheme):
    """Another pair of the same scheme, active, with a held session."""
    mentee_app = ApplicationFactory(scheme=scheme, role=Role.MENTEE, status="matched")
    mentor_app = ApplicationFactory(scheme=scheme, role=Role.MENTOR, status="matched")
    pair = Mentorship.objects.create(
        scheme=scheme,
        mentee=mentee_app.user,
        mentor=mentor_app.user,
        mentee_application=mentee_app,
        mentor_application=mentor_app,
        respond_by=timezone.now(),
        status=Mentorship.Status.ACTIVE,
        started_at=timezone.now() - timedelta(days=30),
    )
    session = MentoringSession.objects.create(
        mentorship=pair,
        starts_at=timezone.now() - timedelta(days=2),
        duration_minutes=60,
        format="video",
        status="held",
    )
    return pair, session


def _session(pair, **fields):
    values = {
        "starts_at": timezone.now() - timedelta(days=3),
        "duration_minutes": 60,
        "format": "in_person",
        "status": "held",
    }
    return MentoringSession.objects.create(mentorship=pair, **{**values, **fields})


@pytest.fixture
def planted(active_mentorship, match_run, mentee, mentor, coordinator, question):
    """The mentee's world with a marker in each kind of their own content ("own"), in
    what their mentor shared with them ("shared"), and in what is not theirs to have
    ("foreign")."""
    pair = active_mentorship
    scheme = pair.scheme
    own, shared, foreign = {}, {}, {}
    now = timezone.now()

    # The account, its addresses, its second factor, its sign-in provider.
    own["account"] = marker("account")
    mentee.name = own["account"]
    mentee.save(update_fields=["name"])
    own["email"] = f"{marker('email')}@example.org"
    EmailAddress.objects.create(user=mentee, email=own["email"], verified=True, primary=False)
    foreign["totp secret"] = marker("totpsecret")
    Authenticator.objects.create(
        user=mentee, type=Authenticator.Type.TOTP, data={"secret": foreign["totp secret"]}
    )
    own["single sign-on"] = marker("sso")
    SocialAccount.objects.create(user=mentee, provider="openid_connect", uid=own["single sign-on"])
    NotificationPreference.objects.create(user=mentee, kind="agenda_missing", by_email=False)

    # The application with its consent, a scheme question answered, and a decision.
    own["application"] = marker("application")
    own["scheme question"] = marker("schemequestion")
    own["consent"] = marker("consent")
    own["decision"] = marker("decision")
    Application.objects.filter(pk=pair.mentee_application_id).update(
        reason_details=own["application"],
        answers={str(question.pk): own["scheme question"]},
        consent_text=own["consent"],
        consented_at=now,
        decision_reason=own["decision"],
    )
    foreign["mentor application"] = marker("mentorapplication")
    Application.objects.filter(pk=pair.mentor_application_id).update(
        experience=foreign["mentor application"]
    )

    # An invitation sent to the mentee's address.
    own["invitation"] = marker("invitation")
    scheme.invitations.create(
        email=mentee.email.upper(), name=own["invitation"], role=Role.MENTEE, expires_at=now
    )

    # Earlier matches: one the mentee declined (their reason is theirs), one the mentor
    # ended (their reason went to the coordinators only).
    own["decline reason"] = marker("declinereason")
    foreign["mentor end reason"] = marker("mentorendreason")
    base = {
        "scheme": scheme,
        "mentee": mentee,
        "mentor": mentor,
        "mentee_application_id": pair.mentee_application_id,
        "mentor_application_id": pair.mentor_application_id,
        "respond_by": now,
    }
    Mentorship.objects.create(
        **base, status="declined", declined_by=mentee, decline_reason=own["decline reason"]
    )
    Mentorship.objects.create(
        **base,
        status="ended",
        started_at=now,
        ended_at=now,
        ended_by=mentor,
        end_reason=foreign["mentor end reason"],
    )

    # The matching engine's working: a coordinator's override reason on a proposal.
    foreign["proposal"] = marker("proposal")
    Proposal.objects.filter(run=match_run).update(override_reason=foreign["proposal"])
    Unmatched.objects.create(
        run=match_run,
        mentee_id=pair.mentee_application_id,
        reason=Unmatched.Reason.CAPACITY_FULL,
    )

    # The agreement, signed by both.
    own["agreement"] = marker("agreement")
    own["signature"] = marker("signature")
    shared["mentor signature"] = marker("mentorsignature")
    version = AgreementVersion.objects.create(
        mentorship=pair,
        number=1,
        status="in_force",
        in_force_at=now,
        purpose=own["agreement"],
        edited_by=mentee,
    )
    for user, role, name in (
        (mentee, "mentee", own["signature"]),
        (mentor, "mentor", shared["mentor signature"]),
    ):
        Signature.objects.create(
            version=version,
            signer=user,
            role=role,
            typed_name=name,
            content_hash="0" * 64,
            signed_at=now,
        )
    foreign["correction reason"] = marker("correctionreason")
    StageMove.objects.create(
        mentorship=pair,
        from_stage="initiation",
        to_stage="goal_setting",
        kind=StageMove.Kind.CORRECTION,
        moved_by=coordinator,
        moved_at=now,
        reason=foreign["correction reason"],
    )

    # A goal, its target, and the mentor's rating of it.
    own["goal"] = marker("goal")
    own["target"] = marker("target")
    shared["progress"] = marker("progress")
    goal = Goal.objects.create(mentorship=pair, title=own["goal"], created_by=mentee)
    GoalTarget.objects.create(
        goal=goal, what=own["target"], measure="Twice", due_on=timezone.localdate()
    )
    ProgressEntry.objects.create(
        goal=goal, rating=5, comment=shared["progress"], author=mentor, recorded_at=now
    )

    # Sessions: the agenda, the summary the mentor wrote, a cancellation, an action.
    own["agenda"] = marker("agenda")
    own["place"] = marker("place")
    shared["summary"] = marker("summary")
    session = _session(
        pair,
        place=own["place"],
        agenda={"since_last": own["agenda"]},
        summary=shared["summary"],
        summary_by=mentor,
        created_by=mentee,
    )
    own["cancel reason"] = marker("cancelreason")
    _session(
        pair,
        status="cancelled",
        cancelled_at=now,
        cancelled_by=mentee,
        cancel_reason=own["cancel reason"],
    )
    own["action"] = marker("action")
    SessionAction.objects.create(
        session=session, mentorship=pair, owner="mentee", text=own["action"]
    )

    # Reflections: the mentee's private one, the mentor's shared one and private one.
    own["reflection"] = marker("reflection")
    shared["mentor reflection"] = marker("mentorshared")
    foreign["mentor private reflection"] = marker("mentorprivate")
    Reflection.objects.create(
        session=session, author=mentee, kind="mentee_after", answers={"useful": own["reflection"]}
    )
    Reflection.objects.create(
        session=session,
        author=mentor,
        kind="mentor_after",
        answers={"interested": shared["mentor reflection"]},
        shared=True,
    )
    Reflection.objects.create(
        session=session,
        author=mentor,
        kind="mentor_checklist",
        answers={"note": foreign["mentor private reflection"]},
        shared=False,
    )

    # Pulses and the early check: the mentee's and the mentor's.
    for user, role, usefulness in ((mentee, "mentee", 3), (mentor, "mentor", 1)):
        Pulse.objects.create(
            session=session, author=user, role=role, usefulness=usefulness, recorded_at=now
        )
        PairingCheck.objects.create(
            mentorship=pair, author=user, role=role, working=role == "mentee", answered_at=now
        )

    # Evaluations: the mentee's and the mentor's.
    own["evaluation"] = marker("evaluation")
    foreign["mentor evaluation"] = marker("mentorevaluation")
    for user, role, comments in (
        (mentee, "mentee", own["evaluation"]),
        (mentor, "mentor", foreign["mentor evaluation"]),
    ):
        Evaluation.objects.create(
            mentorship=pair,
            respondent=user,
            role=role,
            milestone="mid",
            comments=comments,
            completed_at=now,
        )

    own["final review"] = marker("finalreview")
    FinalReview.objects.create(
        mentorship=pair, enjoyed=own["final review"], written_by=mentor, completed_at=now
    )

    # Concerns: the mentee's (with the coordinators' record of what was done) and the
    # mentor's.
    own["concern"] = marker("concern")
    foreign["concern action"] = marker("concernaction")
    foreign["mentor concern"] = marker("mentorconcern")
    Concern.objects.create(
        mentorship=pair,
        raised_by=mentee,
        role="mentee",
        topic="meeting",
        text=own["concern"],
        action=foreign["concern action"],
        action_by=coordinator,
    )
    Concern.objects.create(
        mentorship=pair,
        raised_by=mentor,
        role="mentor",
        topic="fit",
        text=foreign["mentor concern"],
    )

    # A coordinator's follow-up note on the pair at risk.
    foreign["risk note"] = marker("risknote")
    RiskHandling.objects.create(mentorship=pair, reason="no_session", note=foreign["risk note"])

    # Reminders and e-mails: the mentee's, and one to an address that only contains theirs.
    own["reminder"] = marker("reminder")
    Reminder.objects.create(
        kind="agenda_missing",
        scheme=scheme,
        recipient=f"user:{mentee.pk}",
        user=mentee,
        subject_type="session",
        subject_id=session.pk,
        status="sent",
        detail=own["reminder"],
    )
    own["email sent"] = marker("emailsent")
    foreign["email to someone else"] = marker("emailelse")
    for name, to in (
        (own["email sent"], mentee.email),
        (foreign["email to someone else"], f"x{mentee.email}"),
    ):
        OutboxMessage.objects.create(
            handler="matching.mentorship", status="sent", sent_at=now, delivered=[f"{name}:{to}"]
        )

    # Audited actions: the mentee's, and a coordinator's.
    own["audit"] = marker("audit")
    audit_record(AuditEntry.Action.DATA_DOWNLOADED, actor=mentee, subject_type=own["audit"])
    foreign["coordinator audit"] = marker("coordaudit")
    audit_record(
        AuditEntry.Action.MATCH_PUBLISHED,
        actor=coordinator,
        subject_type=foreign["coordinator audit"],
    )

    # Another pair of the scheme, with its notes.
    other_pair, other_session = _other_pair(scheme)
    foreign["other pair summary"] = marker("otherpairsummary")
    MentoringSession.objects.filter(pk=other_session.pk).update(
        summary=foreign["other pair summary"]
    )
    foreign["other pair reflection"] = marker("otherpairreflection")
    Reflection.objects.create(
        session=other_session,
        author=other_pair.mentee,
        kind="mentee_after",
        answers={"useful": foreign["other pair reflection"]},
        shared=True,
    )
    foreign["other pair goal"] = marker("otherpairgoal")
    Goal.objects.create(mentorship=other_pair, title=foreign["other pair goal"])
    return own, shared, foreign


def test_the_copy_holds_every_own_marker_and_none_of_other_peoples_private_content(planted, mentee):
    own, shared, foreign = planted
    files = zip_of(mentee)
    json_text = "\n".join(
        json.dumps(json.loads(text), ensure_ascii=False)
        for name, text in files.items()
        if name.endswith(".json")
    )
    everything = "\n".join(files.values())
    for kind, value in {**own, **shared}.items():
        assert value in json_text, f"the copy's JSON lacks the {kind}"
        assert value in files["index.html"], f"the summary lacks the {kind}"
    for kind, value in foreign.items():
        assert value not in everything, f"the copy holds the {kind}"


def test_the_copy_keeps_the_persons_own_rows_of_kinds_without_text(planted, mentee):
    data = person_data(mentee)
    assert [row["usefulness"] for row in data["pulses"]] == [3]
    assert [row["working"] for row in data["pairing_checks"]] == [True]
    assert [row["milestone"] for row in data["evaluations"]] == ["Mid-point"]
    assert [row["type"] for row in data["two_factor"]] == ["TOTP Authenticator"]
    assert set(data["two_factor"][0]) == {"type", "created_at", "last_used_at"}
    assert [row["by_email"] for row in data["notification_settings"]] == [False]
    assert [(row["scheme"], row["role"]) for row in data["memberships"]] == [
        ("Council staff mentoring", "Mentee")
    ]
    assert [row["reason"] for row in data["not_matched"]] == ["Every admissible mentor is full"]
    assert {row["your_role"] for row in data["mentorships"]} == {"mentee"}
    assert len(data["mentorships"]) == 3
    active = next(row for row in data["mentorships"] if row["status"] == "Active")
    assert active["why_matched"] == ["Shares 2 of 3 development areas."]
    assert [row["by"] for row in data["stage_moves"]] == ["a coordinator"]
    assert [row["written_by"] for row in data["reflections"]] == ["you", "your mentor"]
    assert len(data["concerns"]) == 1


def test_dates_are_iso_and_every_section_is_a_list_of_plain_records(planted, mentee):
    data = person_data(mentee)
    assert list(data) == [section.key for section in SECTIONS]
    for key, rows in data.items():
        assert isinstance(rows, list), key
        assert all(isinstance(row, dict) for row in rows), key
        json.dumps(rows)  # raises for anything that is not JSON
    joined = data["account"][0]["date_joined"]
    assert timezone.datetime.fromisoformat(joined) == mentee.date_joined


def test_the_zip_has_a_json_file_per_section_a_readme_and_a_self_contained_summary(planted, mentee):
    files = zip_of(mentee)
    assert set(files) == {"README.txt", "index.html"} | {s.file_name for s in SECTIONS}
    for section in SECTIONS:
        assert section.file_name in files["README.txt"]
        assert isinstance(json.loads(files[section.file_name]), list)
    page = Page(files["index.html"])
    assert page.scripts == []
    assert "<script" not in files["index.html"]
    assert "http://" not in files["index.html"] and "https://" not in files["index.html"]
    assert not any(tag == "link" for tag, _ in page.elements)
    assert page.headings[0] == (1, "Your data")
    titles = [text for level, text in page.headings if level == 2]
    assert titles == ["Contents", *(section.title for section in SECTIONS)]
    assert page.title == "Your data: mentee@example.org"


def test_the_summary_escapes_what_people_wrote(active_mentorship, mentee):
    _session(active_mentorship, summary='<script>alert("x")</script><img src=x onerror=y>')
    files = zip_of(mentee)
    assert "<script>" not in files["index.html"]
    assert "&lt;script&gt;" in files["index.html"]


def _world(pair, mentee, mentor, start, count):
    """``count`` rows of each kind for the pair, numbered from ``start``."""
    now = timezone.now()
    for number in range(start, start + count):
        session = _session(pair, starts_at=now - timedelta(days=number + 1), summary=f"S{number}")
        SessionAction.objects.create(session=session, mentorship=pair, owner="mentee", text="A")
        Reflection.objects.create(session=session, author=mentee, kind="mentee_after")
        Reflection.objects.create(session=session, author=mentor, kind="mentor_after", shared=True)
        Pulse.objects.create(
            session=session, author=mentee, role="mentee", usefulness=3, recorded_at=now
        )
        goal = Goal.objects.create(mentorship=pair, title=f"G{number}", created_by=mentee)
        GoalTarget.objects.create(goal=goal, what="W", measure="M", due_on=timezone.localdate())
        ProgressEntry.objects.create(goal=goal, rating=3, author=mentor, recorded_at=now)
        Concern.objects.create(
            mentorship=pair, raised_by=mentee, role="mentee", topic="fit", text="T"
        )
        version = AgreementVersion.objects.create(
            mentorship=pair, number=number + 1, status="superseded", edited_by=mentee
        )
        Signature.objects.create(
            version=version,
            signer=mentee,
            role="mentee",
            typed_name="N",
            content_hash=str(number),
            signed_at=now,
        )
        Reminder.objects.create(
            kind="agenda_missing",
            scheme=pair.scheme,
            recipient=f"user:{mentee.pk}",
            user=mentee,
            subject_type="session",
            subject_id=session.pk,
        )
        OutboxMessage.objects.create(
            handler="h", status="sent", delivered=[f"e{number}:{mentee.email}"]
        )
        audit_record(AuditEntry.Action.DATA_DOWNLOADED, actor=mentee)


def _queries(user) -> int:
    with CaptureQueriesContext(connection) as queries:
        person_data(user)
    return len(queries)


def test_the_collection_reads_a_fixed_number_of_queries_whatever_the_rows(
    active_mentorship, mentee, mentor, question
):
    _world(active_mentorship, mentee, mentor, 0, 1)
    few = _queries(mentee)
    _world(active_mentorship, mentee, mentor, 1, 15)
    data = person_data(mentee)
    assert len(data["sessions"]) == 16 and len(data["reflections"]) == 32
    assert _queries(mentee) == few
    assert few <= 35


# The service, the worker and the pages ----------------------------------------------


@pytest.fixture
def exports_dir(settings, tmp_path):
    settings.PRIVACY_EXPORTS_DIR = tmp_path / "your-data"
    return settings.PRIVACY_EXPORTS_DIR


def test_the_handler_is_registered_with_the_outbox():
    assert HANDLERS[DATA_EXPORT_TASK] is data_export_run


def test_preparing_a_copy_writes_a_private_zip_through_the_outbox(
    client, mentee, exports_dir, django_capture_on_commit_callbacks, settings
):
    client.force_login(mentee)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:data"))
    assert response.status_code == 302
    export = DataExport.objects.get(user=mentee)
    assert export.status == DataExport.Status.DONE
    message = OutboxMessage.objects.get(handler=DATA_EXPORT_TASK)
    assert (message.kind, message.payload, message.status) == (
        "task",
        {"export_id": export.pk},
        "sent",
    )
    path = data_export_path(export)
    assert path.parent == exports_dir
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(exports_dir).st_mode) == 0o700
    assert not list(exports_dir.glob("*.part"))
    assert export.size == path.stat().st_size > 0
    hours = (export.expires_at - export.finished_at) / timedelta(hours=1)
    assert hours == settings.DATA_EXPORT_HOURS == 72
    page = client.get(reverse("privacy:data"))
    assert "Download the copy of" in page.content.decode()
    assert reverse("privacy:data_download", kwargs={"uid": export.uid}) in page.content.decode()


def test_a_copy_waiting_for_its_worker_is_written_once_whatever_the_deliveries(mentee, exports_dir):
    export = data_export_start(user=mentee)
    assert DataExport.objects.get(pk=export.pk).status == DataExport.Status.QUEUED
    assert data_export_run(export_id=export.pk) == DataExport.Status.DONE
    written = data_export_path(export).stat().st_mtime_ns
    assert data_export_run(export_id=export.pk) == DataExport.Status.DONE
    assert data_export_path(export).stat().st_mtime_ns == written
    assert data_export_run(export_id=0) == "missing"


def test_a_second_copy_is_refused_while_one_is_being_prepared(client, mentee, exports_dir):
    data_export_start(user=mentee)
    with pytest.raises(ValidationError, match="already being prepared"):
        data_export_start(user=mentee)
    client.force_login(mentee)
    response = client.post(reverse("privacy:data"), follow=True)
    assert ALREADY_PREPARING in response.content.decode()
    assert DataExport.objects.filter(user=mentee).count() == 1
    assert 'id="data-export-pending"' in response.content.decode()
    assert client.get(reverse("privacy:data") + "?format=json").json()["pending"] is True


def test_a_copy_that_cannot_be_written_fails_with_a_message_and_leaves_no_file(
    mentee, exports_dir, monkeypatch
):
    def broken(user, file):
        file.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr("privacy.services.yourdata.write_zip", broken)
    export = data_export_start(user=mentee)
    assert data_export_run(export_id=export.pk) == DataExport.Status.FAILED
    export.refresh_from_db()
    assert "could not be written" in export.error
    assert list(exports_dir.iterdir()) == []


def test_the_owner_downloads_the_zip_and_the_download_is_audited(
    client, mentee_data_export, mentee
):
    client.force_login(mentee)
    url = reverse("privacy:data_download", kwargs={"uid": mentee_data_export.uid})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert "your-data-" in response["Content-Disposition"]
    files = read_zip(b"".join(response.streaming_content))
    assert json.loads(files["account.json"])[0]["email"] == "mentee@example.org"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DATA_DOWNLOADED)
    assert (entry.actor, entry.subject_type, entry.subject_id) == (
        mentee,
        "dataexport",
        mentee_data_export.pk,
    )
    assert entry.detail == {"size": mentee_data_export.size}
    mentee_data_export.refresh_from_db()
    assert mentee_data_export.downloaded_at is not None


@pytest.mark.parametrize("role", ["mentor", "coordinator", "site_admin", "hr_viewer"])
def test_nobody_else_downloads_a_persons_copy(client, request, mentee_data_export, role):
    client.force_login(request.getfixturevalue(role))
    url = reverse("privacy:data_download", kwargs={"uid": mentee_data_export.uid})
    assert client.get(url).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DATA_DOWNLOADED).exists()
    page = client.get(reverse("privacy:data")).content.decode()
    assert str(mentee_data_export.uid) not in page


def test_a_copy_not_yet_written_leads_back_to_the_page(client, mentee, exports_dir):
    export = data_export_start(user=mentee)
    client.force_login(mentee)
    response = client.get(reverse("privacy:data_download", kwargs={"uid": export.uid}))
    assert response.status_code == 302 and response.url == reverse("privacy:data")


def test_the_hourly_job_deletes_expired_copies_and_the_page_says_so(
    client, mentee_data_export, mentee
):
    path = data_export_path(mentee_data_export)
    assert path.is_file()
    assert data_exports_expire(now=mentee_data_export.expires_at - timedelta(minutes=1)) == 0
    assert path.is_file()
    assert data_exports_expire(now=mentee_data_export.expires_at) == 1
    assert not path.exists()
    mentee_data_export.refresh_from_db()
    assert mentee_data_export.status == DataExport.Status.EXPIRED
    client.force_login(mentee)
    response = client.get(reverse("privacy:data_download", kwargs={"uid": mentee_data_export.uid}))
    assert response.status_code == 410
    assert "has expired" in response.content.decode()
    assert_accessible_page(Page(response.content.decode()))


def test_a_copy_past_its_time_answers_410_before_the_job_has_run(
    client, mentee_data_export, mentee
):
    DataExport.objects.filter(pk=mentee_data_export.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    client.force_login(mentee)
    response = client.get(reverse("privacy:data_download", kwargs={"uid": mentee_data_export.uid}))
    assert response.status_code == 410


def test_the_job_gives_up_on_a_copy_left_unwritten_for_a_day(mentee, exports_dir):
    export = data_export_start(user=mentee)
    DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.RUNNING)
    data_exports_expire(now=export.created_at + timedelta(hours=23))
    assert DataExport.objects.get(pk=export.pk).status == DataExport.Status.RUNNING
    data_exports_expire(now=export.created_at + timedelta(days=1))
    export.refresh_from_db()
    assert export.status == DataExport.Status.FAILED and "not finished" in export.error
    # A new copy can be prepared, and the stalled one never gets a file.
    data_export_start(user=mentee)
    assert data_export_run(export_id=export.pk) == DataExport.Status.FAILED
    assert not data_export_path(export).exists()


def test_the_schedule_runs_the_deletion_every_hour():
    from mentoring.schedules import BEAT_SCHEDULE

    entry = BEAT_SCHEDULE["delete-expired-data-exports"]
    assert entry["task"] == "privacy.tasks.delete_expired_data_exports"
    from privacy.tasks import delete_expired_data_exports

    assert delete_expired_data_exports.delay().get() == 0


def test_the_page_lists_the_contents_and_the_persons_copies_in_fixed_queries(
    client, mentee, exports_dir, django_assert_max_num_queries
):
    client.force_login(mentee)
    for _ in range(12):
        export = data_export_start(user=mentee)
        data_export_run(export_id=export.pk)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("privacy:data"))
    html = response.content.decode()
    for section in SECTIONS:
        assert section.file_name in html
    assert html.count("Download the copy of") == 10
    assert_accessible_page(Page(html))
    assert client.get(reverse("privacy:data") + "?format=json").json()["pending"] is False


def test_the_account_menu_and_home_page_link_to_your_data(client, mentee):
    client.force_login(mentee)
    html = client.get(reverse("home")).content.decode()
    assert "Download a copy of your data" in html
    assert f'href="{reverse("privacy:data")}">Your data</a>' in html


def test_an_invited_persons_reminders_by_address_are_theirs(scheme, mentee):
    MembershipFactory(scheme=scheme, role=Role.MENTOR)
    Reminder.objects.create(
        kind="agenda_missing",
        scheme=scheme,
        recipient="email:MENTEE@example.org",
        email="MENTEE@example.org",
        subject_type="invitation",
        subject_id=1,
        detail="by address",
    )
    Reminder.objects.create(
        kind="agenda_missing",
        scheme=scheme,
        recipient="email:someone@example.org",
        email="someone@example.org",
        subject_type="invitation",
        subject_id=2,
        detail="someone else",
    )
    assert [row["detail"] for row in person_data(mentee)["notifications"]] == ["by address"]


def test_custom_question_answers_are_named_by_their_question(mentee_application, mentee):
    question = CustomQuestionFactory(scheme=mentee_application.scheme, text="Favourite tool?")
    Application.objects.filter(pk=mentee_application.pk).update(answers={str(question.pk): "Pen"})
    (row,) = person_data(mentee)["applications"]
    assert row["scheme_questions"] == {"Favourite tool?": "Pen"}
    assert row["consent_text"] and row["consented_at"]
