"""Erasing an account: the person's words and identity leave every table, the
scheme's figures stay as they were, the other person of a pair keeps their own notes,
an open mentorship ends with the other person told, and a wrong password erases
nothing."""

import dataclasses
import json
import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.db import connection, models, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements.models import (
    AgreementVersion,
    Concern,
    Goal,
    ProgressEntry,
    Signature,
    StageMove,
    Target,
)
from dashboard.figures import dashboard_figures
from dashboard.impact import impact_for
from dashboard.models import ExportJob, ExportLog
from dashboard.scope import Scope
from matching.models import Mentorship, Proposal
from matching.services.mentorships import mentorship_end
from mentoring.models import AuditEntry, OutboxMessage, User
from mentoring.services import ACCOUNT_EMAIL
from privacy.erasure import ERASED_DOMAIN, ERASURE_HOOKS, account_erase, is_erased
from privacy.models import DataExport, ErasureRequest
from schemes.models import Application, ImportUpload, Invitation, Membership, Role
from schemes.services.applications import application_withdraw
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
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    CustomQuestionFactory,
    InvitationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NAME = "Zephyrine Quastlewhite"
SECOND = "zq.second@example.org"
# What must be found nowhere after the erasure (besides each marker "MKR-...").
IDENTITY = ("Zephyrine", "Quastlewhite", "mentee@example.org", SECOND)
MARKER = "MKR-"
# What the other person of the pair wrote, and keeps.
THEIRS = (
    "OTHER-goal",
    "OTHER-target",
    "OTHER-progress",
    "OTHER-concern",
    "OTHER-summary",
    "OTHER-action",
    "OTHER-reflection",
    "OTHER-evaluation",
)


# --- the search across the database ---------------------------------------------------


def _texts(value) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def database_findings(*needles: str) -> list[str]:
    """Every place in the database that holds one of ``needles`` (any case): each text,
    e-mail, JSON and binary column of every table, and the decoded data of every
    browser session."""
    pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE)
    found = []
    for model in apps.get_models():
        columns = [
            f
            for f in model._meta.concrete_fields
            if isinstance(
                f, models.CharField | models.TextField | models.JSONField | models.BinaryField
            )
        ]
        if not columns:
            continue
        for row in model._base_manager.values("pk", *[f.attname for f in columns]):
            for column in columns:
                value = row[column.attname]
                if value is not None and pattern.search(_texts(value)):
                    found.append(f"{model._meta.label}.{column.name} #{row['pk']}: {value!r}")
    for session in Session.objects.all():
        text = json.dumps(session.get_decoded(), ensure_ascii=False, default=str)
        if pattern.search(text):
            found.append(f"session {session.pk}: {text}")
    return found


def test_the_search_finds_what_it_looks_for(mentee):
    """The search itself: a name, an address and a marker in ordinary tables, JSON and a
    browser session are found."""
    Application.objects.create(
        scheme=Membership.objects.get(user=mentee).scheme,
        user=mentee,
        role=Role.MENTEE,
        answers={"1": "MKR-json"},
    )
    found = database_findings("MKR-json", "mentee@example.org")
    assert any("schemes.Application.answers" in place for place in found)
    assert any("mentoring.User.email" in place for place in found)


# --- the world of one person -----------------------------------------------------------


@pytest.fixture
def person(mentee, scheme):
    """The mentee, who will erase her account: a name and a second address of her own."""
    mentee.name = NAME
    mentee.save(update_fields=["name"])
    EmailAddress.objects.create(user=mentee, email=SECOND, verified=True, primary=False)
    return mentee


@pytest.fixture
def world(
    client,
    scheme,
    other_scheme,
    coordinator,
    person,
    mentor,
    active_mentorship,
    settings,
    tmp_path,
):
    """Every kind of thing the person wrote, each with a marker, and what the others
    wrote about her pair, around a completed mentorship (so that no figure moves when
    she goes); returns the things the tests look at."""
    settings.EXPORTS_DIR = tmp_path
    settings.PRIVACY_EXPORTS_DIR = tmp_path / "your-data"
    settings.PRIVACY_EXPORTS_DIR.mkdir()
    now = timezone.now()
    mentorship = active_mentorship
    mentor.name = "Other Member"
    mentor.save(update_fields=["name"])
    scheme.departments = ["Housing", "Finance"]
    scheme.save(update_fields=["departments"])
    question = CustomQuestionFactory(scheme=scheme, text="Anything else?")

    # Her application: every answer a marker.
    application = mentorship.mentee_application
    Application.objects.filter(pk=application.pk).update(
        title="MKR-t",
        phone="MKR-phone",
        professional_body="MKR-body",
        job_title="MKR-job",
        department="Housing",
        qualifications="MKR-qualifications",
        responsibilities="MKR-responsibilities",
        line_manager_email="mkr-boss@example.org",
        restrictions="MKR-restrictions",
        avoid_people=["MKR-avoid"],
        reason_details="MKR-reason",
        current_challenges="MKR-challenges",
        issues_on_mind="MKR-issues",
        awake_at_night="MKR-awake",
        biggest_fear="MKR-fear",
        success_means="MKR-success",
        behave_differently="MKR-behave",
        know_it_worked="MKR-worked",
        answers={str(question.pk): "MKR-custom"},
        decision_reason=f"MKR-decision for {NAME}",
    )
    # Another person's application names her: to avoid, and as their line manager.
    other_application = ApplicationFactory(
        scheme=scheme,
        role=Role.MENTEE,
        status=Application.Status.SUBMITTED,
        avoid_people=[NAME.upper(), "Someone Else"],
        line_manager_email="Mentee@Example.org",
    )
    # Why the pair was matched quotes her answers.
    breakdown = [
        {
            "key": "professional_body",
            "label": "Professional body",
            "points": 5.0,
            "max_points": 5,
            "reason": "Both are members of MKR-body.",
        }
    ]
    Mentorship.objects.filter(pk=mentorship.pk).update(breakdown=breakdown)
    mentorship.refresh_from_db()

    # An earlier match she declined, with her reason, and the run's proposal.
    second_mentor = ApplicationFactory(
        scheme=scheme, role=Role.MENTOR, status=Application.Status.APPROVED
    )
    Mentorship.objects.create(
        scheme=scheme,
        mentee=person,
        mentor=second_mentor.user,
        mentee_application=application,
        mentor_application=second_mentor,
        status=Mentorship.Status.DECLINED,
        respond_by=now - timedelta(days=30),
        mentee_response=Mentorship.Response.DECLINED,
        declined_by=person,
        decline_reason="MKR-decline",
        breakdown=breakdown,
    )
    from matching.models import MatchRun

    run = MatchRun.objects.create(scheme=scheme, trigger="coordinator", status="published")
    Proposal.objects.create(
        run=run,
        mentee=application,
        mentor=mentorship.mentor_application,
        score=5,
        breakdown=breakdown,
        override_reason=f"Paired {NAME} by hand",
        overridden_constraints=["department"],
    )

    # The agreement, signed by both.
    version = AgreementVersion.objects.create(
        mentorship=mentorship,
        number=1,
        status=AgreementVersion.Status.IN_FORCE,
        in_force_at=now - timedelta(days=50),
        purpose="MKR-purpose",
        success="MKR-agreement-success",
        objectives=["MKR-objective"],
        help_asked="MKR-help",
        meeting_frequency="MKR-frequency",
        planned_sessions=6,
        end_date=timezone.localdate() - timedelta(days=5),
    )
    version.content_hash = version.compute_hash()
    version.save(update_fields=["content_hash"])
    for signer, role in ((person, "mentee"), (mentor, "mentor")):
        Signature.objects.create(
            version=version,
            signer=signer,
            role=role,
            typed_name=signer.name,
            content_hash=version.content_hash,
            signed_at=now - timedelta(days=50),
        )

    # Goals: hers and his.
    goal = Goal.objects.create(
        mentorship=mentorship,
        title="MKR-goal",
        why="MKR-why",
        success_criteria="MKR-criteria",
        status=Goal.Status.ACHIEVED,
        created_by=person,
    )
    Target.objects.create(
        goal=goal,
        what="MKR-target",
        measure="MKR-measure",
        achievable="MKR-achievable",
        due_on=timezone.localdate(),
    )
    ProgressEntry.objects.create(
        goal=goal, rating=7, comment="MKR-progress", author=person, recorded_at=now
    )
    his_goal = Goal.objects.create(
        mentorship=mentorship, title="OTHER-goal", created_by=mentor, status=Goal.Status.ACTIVE
    )
    Target.objects.create(
        goal=his_goal, what="OTHER-target", measure="Once", due_on=timezone.localdate()
    )
    ProgressEntry.objects.create(
        goal=his_goal,
        rating=3,
        comment=f"OTHER-progress with {NAME}",
        author=mentor,
        recorded_at=now,
    )

    # Concerns: hers, and his about her; the coordinators' actions.
    Concern.objects.create(
        mentorship=mentorship,
        raised_by=person,
        role="mentee",
        topic="meeting",
        text="MKR-concern",
        action=f"Called {NAME} on mentee@example.org",
        status=Concern.Status.RESOLVED,
        resolved_at=now,
    )
    Concern.objects.create(
        mentorship=mentorship,
        raised_by=mentor,
        role="mentor",
        topic="meeting",
        text=f"OTHER-concern: {NAME} missed two sessions",
    )
    StageMove.objects.create(
        mentorship=mentorship,
        from_stage="progress",
        to_stage="wind_up",
        kind="correction",
        moved_by=coordinator,
        moved_at=now,
        reason=f"Asked by {NAME}",
    )

    # Sessions: held, with her agenda, summary and place; his summary; one she cancelled.
    held = []
    for days in (60, 40, 20):
        held.append(
            MentoringSession.objects.create(
                mentorship=mentorship,
                starts_at=now - timedelta(days=days),
                duration_minutes=45 + days,
                format="video",
                place="MKR-place",
                status="held",
                created_by=person,
                agenda={"since_last": "MKR-agenda"},
                summary="MKR-summary",
                summary_by=person,
            )
        )
    MentoringSession.objects.filter(pk=held[2].pk).update(
        summary=f"OTHER-summary, {NAME} presented",
        summary_by=mentor,
        created_by=mentor,
        place="Room 5",
    )
    MentoringSession.objects.create(
        mentorship=mentorship,
        starts_at=now - timedelta(days=30),
        duration_minutes=30,
        format="phone",
        status="cancelled",
        cancelled_by=person,
        cancelled_at=now,
        cancel_reason="MKR-cancel",
        created_by=person,
    )
    SessionAction.objects.create(
        session=held[0], mentorship=mentorship, owner="mentee", text="MKR-action"
    )
    SessionAction.objects.create(
        session=held[0], mentorship=mentorship, owner="mentor", text="OTHER-action"
    )
    Reflection.objects.create(
        session=held[0],
        author=person,
        kind="mentee_after",
        answers={"useful": "MKR-reflection"},
        shared=True,
    )
    Reflection.objects.create(
        session=held[0],
        author=mentor,
        kind="mentor_after",
        answers={"went_well": f"OTHER-reflection: {NAME} prepared well"},
        shared=True,
    )
    for session in held:
        for author, role in ((person, "mentee"), (mentor, "mentor")):
            Pulse.objects.create(
                session=session,
                author=author,
                role=role,
                usefulness=3,
                recorded_at=session.starts_at,
            )
    for author, role in ((person, "mentee"), (mentor, "mentor")):
        PairingCheck.objects.create(
            mentorship=mentorship, author=author, role=role, working=True, answered_at=now
        )

    # Evaluations: her ratings stay, her words go; his stay.
    areas = scheme.development_areas[:2]
    for milestone, rating in (("baseline", 2), ("end", 4)):
        Evaluation.objects.create(
            mentorship=mentorship,
            respondent=person,
            role="mentee",
            milestone=milestone,
            area_ratings=dict.fromkeys(areas, rating),
            relationship_ratings={"We met often enough": 4} if milestone == "end" else {},
            scheme_rating=5 if milestone == "end" else None,
            would_recommend=True if milestone == "end" else None,
            comments="MKR-evaluation",
            completed_at=now - timedelta(days=3),
        )
    Evaluation.objects.create(
        mentorship=mentorship,
        respondent=mentor,
        role="mentor",
        milestone="end",
        relationship_ratings={"We met often enough": 5},
        scheme_rating=4,
        would_recommend=True,
        comments="OTHER-evaluation",
        completed_at=now - timedelta(days=3),
    )
    FinalReview.objects.create(
        mentorship=mentorship,
        targets_met="MKR-targets-met",
        enjoyed="MKR-enjoyed",
        difficult="MKR-difficult",
        marking_end="MKR-marking",
        written_by=person,
        completed_at=now - timedelta(days=2),
    )
    RiskHandling.objects.create(
        mentorship=mentorship,
        reason="gap",
        situation="2025-01-01",
        note=f"Rang {NAME} (mentee@example.org)",
        handled_at=now,
        handled_by=coordinator,
    )

    # The pair completed the programme.
    Mentorship.objects.filter(pk=mentorship.pk).update(
        status=Mentorship.Status.COMPLETED, stage=Mentorship.Stage.DISTANCE
    )

    # Notifications, invitations, e-mails.
    Reminder.objects.create(
        kind="agenda_missing",
        scheme=scheme,
        recipient=f"user:{person.pk}",
        user=person,
        subject_type="session",
        subject_id=held[0].pk,
        mentorship=mentorship,
        occasion="x",
        status="sent",
    )
    Reminder.objects.create(
        kind="window_closing",
        scheme=other_scheme,
        recipient=f"email:{SECOND}",
        email=SECOND,
        subject_type="invitation",
        subject_id=1,
        occasion="y",
        status="sent",
    )
    NotificationPreference.objects.create(user=person, kind="gap", by_email=False)
    NotificationPreference.objects.create(email=SECOND, kind="gap", by_email=False)
    accepted = InvitationFactory(
        scheme=scheme,
        email="mentee@example.org",
        name=NAME,
        role=Role.MENTEE,
        status=Invitation.Status.ACCEPTED,
        accepted_by=person,
        accepted_at=now,
    )
    Application.objects.filter(pk=application.pk).update(invitation=accepted)
    pending = InvitationFactory(scheme=other_scheme, email=SECOND, name=NAME, role=Role.MENTOR)
    OutboxMessage.objects.create(
        handler="mentoring.welcome",
        payload={"user_id": person.pk},
        subject_type="user",
        subject_id=person.pk,
        status="sent",
    )
    OutboxMessage.objects.create(
        handler=ACCOUNT_EMAIL,
        status="failed",
        payload={
            "to": ["mentee@example.org"],
            "subject": "Confirm",
            "body": f"Hello {NAME} MKR-mail",
            "html": "",
            "from_email": "",
        },
        last_error="SMTP refused mentee@example.org",
    )
    OutboxMessage.objects.create(
        handler="matching.mentorship",
        payload={"mentorship_id": mentorship.pk, "event": "started"},
        subject_type="mentorship",
        subject_id=mentorship.pk,
        status="sent",
        delivered=["match_started:mentee@example.org", "match_started:mentor@example.org"],
    )

    # Sign-ins: two-factor, single sign-on, browser sessions (hers, and a visitor's
    # that allauth gave her address), the admin's log about her.
    Authenticator.objects.create(user=person, type="totp", data={"secret": "MKRSECRET"})
    SocialAccount.objects.create(
        user=person,
        provider="openid_connect",
        uid="MKR-uid",
        extra_data={"email": "mentee@example.org", "name": NAME},
    )
    client.force_login(person)
    store = Session.get_session_store_class()()
    store["account_verified_email"] = "mentee@example.org"
    store.create()
    LogEntry.objects.create(
        user=coordinator if coordinator.is_staff else UserFactory(is_staff=True),
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(person.pk),
        object_repr=f"{NAME}",
        action_flag=CHANGE,
        change_message=f"Changed name for {NAME}.",
    )

    # Her copies and exports, with their files; a coordinator's upload holding her address.
    data_export = DataExport.objects.create(user=person, status="done", file_name="mkr-data.zip")
    (tmp_path / "your-data" / "mkr-data.zip").write_bytes(b"MKR-copy")
    job = ExportJob.objects.create(
        user=person, report="participants", format="csv", status="done", file_name="mkr-job.csv"
    )
    (tmp_path / "mkr-job.csv").write_text("MKR-export")
    ExportLog.objects.create(
        user=person,
        report="participants",
        format="csv",
        channel="web",
        filters={"schemes": [scheme.pk]},
        rows=3,
    )
    ImportUpload.objects.create(
        scheme=scheme,
        uploaded_by=coordinator,
        data=b"email,name\nmentee@example.org,x\n",
        expires_at=now + timedelta(hours=1),
    )
    return {
        "mentorship": mentorship,
        "application": application,
        "other_application": other_application,
        "pending": pending,
        "accepted": accepted,
        "files": [tmp_path / "your-data" / "mkr-data.zip", tmp_path / "mkr-job.csv"],
        "data_export": data_export,
        "job": job,
    }


def _figures(scheme, coordinator):
    """The coordinator's dashboard figures and the impact figures, as plain data (the
    at-risk count scanned afresh, not read from the cache)."""
    cache.clear()
    board = dashboard_figures(scheme, reader=coordinator)
    dashboard = {
        f.name: getattr(board, f.name)
        for f in dataclasses.fields(board)
        if f.name not in ("scheme", "at_risk_counted_at")
    }
    impacts = [
        impact_for(Scope(reader=coordinator, scheme_ids=(scheme.pk,), **filters))
        for filters in ({}, {"department": "Housing"}, {"grade": scheme.grades[0]})
    ]
    return dashboard, impacts


def _erase(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return account_erase(user=person)


# --- what goes, what stays -------------------------------------------------------------


def test_after_erasure_no_marker_name_or_address_is_left_anywhere(
    world, person, django_capture_on_commit_callbacks
):
    assert database_findings(MARKER, *IDENTITY)  # planted everywhere before
    _erase(person, django_capture_on_commit_callbacks)
    assert database_findings(MARKER, *IDENTITY) == []
    assert not any(path.exists() for path in world["files"])


def test_the_scheme_figures_are_the_same_after_erasure(
    world, scheme, coordinator, person, django_capture_on_commit_callbacks
):
    before = _figures(scheme, coordinator)
    assert before[0]["sessions_held"] == 3 and before[0]["agreements_signed"] == 1
    _erase(person, django_capture_on_commit_callbacks)
    assert _figures(scheme, coordinator) == before


def test_the_other_person_keeps_their_own_notes_without_her_name(
    world, person, django_capture_on_commit_callbacks
):
    _erase(person, django_capture_on_commit_callbacks)
    for mark in THEIRS:
        assert database_findings(mark), f"{mark} was lost"
    mentorship = world["mentorship"]
    assert Goal.objects.get(mentorship=mentorship, title="OTHER-goal")
    summary = MentoringSession.objects.get(summary__startswith="OTHER-summary").summary
    assert summary == "OTHER-summary, [erased] presented"
    reflection = Reflection.objects.get(session__mentorship=mentorship)
    assert reflection.author.name == "Other Member"
    assert reflection.answers == {"went_well": "OTHER-reflection: [erased] prepared well"}
    assert Signature.objects.get(role="mentor").typed_name == "Other Member"


def test_what_the_figures_read_stays_and_her_words_go(
    world, scheme, person, django_capture_on_commit_callbacks
):
    _erase(person, django_capture_on_commit_callbacks)
    application = Application.objects.get(pk=world["application"].pk)
    assert application.status == Application.Status.MATCHED
    assert application.department == "Housing" and application.grade in scheme.grades
    assert application.submitted_at is not None and application.consented_at is not None
    assert application.job_title == "" and application.answers == {}
    assert application.capacity is None  # a mentee's; a mentor's would be 0
    evaluation = Evaluation.objects.get(respondent=person, milestone="end")
    assert evaluation.scheme_rating == 5 and evaluation.comments == ""
    assert Pulse.objects.filter(author=person).count() == 3
    assert not Reflection.objects.filter(author=person).exists()
    version = AgreementVersion.objects.get(mentorship=world["mentorship"])
    assert (version.purpose, version.objectives, version.planned_sessions) == ("", [], 6)
    # The other applicant no longer avoids her, nor has her as line manager.
    other = Application.objects.get(pk=world["other_application"].pk)
    assert other.avoid_people == ["Someone Else"] and other.line_manager_email == ""
    # Her invitations stay for the figures, without her address; the pending one expired.
    pending = Invitation.objects.get(pk=world["pending"].pk)
    assert pending.email.endswith("@" + ERASED_DOMAIN) and pending.name == ""
    assert pending.is_expired and pending.status == Invitation.Status.PENDING
    assert Invitation.objects.get(pk=world["accepted"].pk).email != pending.email
    # Her notifications and the e-mails to her alone are gone; the pair's stay.
    assert not Reminder.objects.filter(user=person).exists()
    assert not NotificationPreference.objects.exists()
    assert list(OutboxMessage.objects.values_list("handler", flat=True)) == ["matching.mentorship"]
    assert OutboxMessage.objects.get().delivered == [
        "match_started:[erased]",
        "match_started:mentor@example.org",
    ]
    assert not ExportJob.objects.filter(pk=world["job"].pk).exists()
    assert ExportLog.objects.filter(user=person).count() == 1  # no name in it
    assert not DataExport.objects.exists()
    assert not ImportUpload.objects.exists()


def test_the_account_is_an_anonymous_remainder_that_cannot_sign_in(
    world, client, person, django_capture_on_commit_callbacks
):
    _erase(person, django_capture_on_commit_callbacks)
    remainder = User.objects.get(pk=person.pk)
    assert remainder.name == "" and is_erased(remainder)
    assert remainder.display_name == "Erased account"  # how every page shows it
    assert not remainder.is_active and not remainder.has_usable_password()
    assert not EmailAddress.objects.filter(user=remainder).exists()
    assert not Authenticator.objects.filter(user=remainder).exists()
    assert not SocialAccount.objects.filter(user=remainder).exists()
    assert not Session.objects.exists()  # hers, and the visitor's holding her address
    assert not Membership.objects.filter(user=remainder, role=Role.COORDINATOR).exists()

    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "mentee@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    # The address is free again: a new account can be made with it.
    assert not User.objects.filter(email__iexact="mentee@example.org").exists()


def test_the_erasure_is_recorded_without_identity(
    world, scheme, person, django_capture_on_commit_callbacks
):
    request = _erase(person, django_capture_on_commit_callbacks)
    assert request.user_id == person.pk and request.status == ErasureRequest.Status.DONE
    # Where she took part; an invitation she never took up is not taking part.
    assert request.scheme_ids == [scheme.pk]
    assert {"scheme": scheme.pk, "role": "mentee", "ended": 0} in request.roles
    assert request.mentorships_ended == 0 and request.erased_at is not None
    actions = list(
        AuditEntry.objects.filter(subject_id=request.pk).values_list("action", flat=True)
    )
    assert sorted(actions) == ["data.erased", "erasure.requested"]


def test_a_second_erasure_of_the_same_account_is_refused(person):
    from privacy.erasure import AccountClosed

    account_erase(user=person)
    with pytest.raises(AccountClosed):
        account_erase(user=User.objects.get(pk=person.pk))
    assert ErasureRequest.objects.count() == 1


def test_an_address_typed_but_never_confirmed_is_not_the_persons(person, outsider):
    """allauth keeps an address someone added and never confirmed: it may be another
    person's, whose account, invitations and copies must not be touched."""
    from allauth.account.models import EmailAddress

    from privacy.yourdata import person_data
    from tests.factories import InvitationFactory

    EmailAddress.objects.create(user=person, email=outsider.email, verified=False)
    invitation = InvitationFactory(email=outsider.email, name="Olive Outsider")
    assert person_data(person)["invitations"] == []
    account_erase(user=person)
    outsider.refresh_from_db()
    assert outsider.email == "outsider@example.org" and outsider.is_active
    invitation.refresh_from_db()
    assert (invitation.email, invitation.name) == ("outsider@example.org", "Olive Outsider")


def test_a_name_another_account_has_stays_in_the_lists_of_people_to_avoid(person, scheme):
    from tests.factories import ApplicationFactory, UserFactory

    UserFactory(name=person.name, email="namesake@example.org")
    other = ApplicationFactory(scheme=scheme, avoid_people=[person.name])
    account_erase(user=person)
    other.refresh_from_db()
    assert other.avoid_people == [person.name]


def test_a_failed_erasure_says_so_and_erases_nothing(client, person, monkeypatch):
    from django.core.exceptions import ValidationError

    def changed_meanwhile(user, pairs):
        raise ValidationError("The other person has answered the match meanwhile.")

    monkeypatch.setattr("privacy.erasure._mentorships_end", changed_meanwhile)
    person.set_password("correct horse battery")
    person.save()
    client.force_login(person)
    response = client.post(reverse("privacy:erasure"), {"password": "correct horse battery"})
    assert response.status_code == 200
    assert "Nothing was erased: The other person has answered the match meanwhile." in (
        response.content.decode()
    )
    person.refresh_from_db()
    assert person.is_active and not ErasureRequest.objects.exists()


def test_the_record_of_each_signed_in_browser_goes(person):
    from allauth.usersessions.models import UserSession

    UserSession.objects.create(
        user=person, ip="192.0.2.7", session_key="k" * 32, user_agent="Her phone", data={}
    )
    account_erase(user=person)
    assert not UserSession.objects.filter(user=person).exists()


def test_every_hook_is_called_inside_the_erasure_with_the_account_as_it_was(person):
    seen = []

    def hook(user):
        seen.append((user.pk, user.email, transaction.get_connection().in_atomic_block))

    ERASURE_HOOKS.append(hook)
    try:
        account_erase(user=person)
    finally:
        ERASURE_HOOKS.remove(hook)
    assert seen == [(person.pk, "mentee@example.org", True)]


# --- open mentorships and applications under way ---------------------------------------


def test_an_active_mentorship_ends_and_the_other_person_is_told_without_her_name(
    active_mentorship, person, mentor, scheme, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    request = _erase(person, django_capture_on_commit_callbacks)
    active_mentorship.refresh_from_db()
    assert active_mentorship.status == Mentorship.Status.ENDED
    assert active_mentorship.ended_by_id == person.pk and active_mentorship.ended_at
    assert active_mentorship.end_reason == "Ended because the mentee erased their account."
    assert request.mentorships_ended == 1
    assert {"scheme": scheme.pk, "role": "mentee", "ended": 1} in request.roles
    (message,) = mail.outbox
    assert message.to == [mentor.email]
    assert message.subject.endswith(f"Your mentorship in {scheme.name} has ended")
    assert "Your mentee has left" in message.body
    for trace in (NAME, "Zephyrine", "mentee@example.org", ERASED_DOMAIN):
        assert trace not in message.body
        assert trace not in message.alternatives[0][0]
    # The mentor has a place again.
    mentor_application = Application.objects.get(pk=active_mentorship.mentor_application_id)
    assert mentor_application.status == Application.Status.APPROVED


def test_the_other_person_sees_an_erased_account_on_their_pair_page(
    client, active_mentorship, person, mentor
):
    account_erase(user=person)
    client.force_login(mentor)
    page = client.get(reverse("agreements:pair", kwargs={"pk": active_mentorship.pk})).text
    assert "Erased account" in page
    assert ERASED_DOMAIN not in page


def test_a_match_waiting_for_replies_closes_and_the_other_person_is_told(
    mentorship, person, mentor, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    _erase(person, django_capture_on_commit_callbacks)
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ENDED
    (message,) = mail.outbox
    assert "Your match in" in message.subject and message.to == [mentor.email]
    assert "has left the scheme" in message.body


def test_erasure_changes_the_figures_only_as_leaving_would(
    active_mentorship,
    person,
    scheme,
    coordinator,
    mentor,
    baseline_evaluation,
    held_session,
    django_capture_on_commit_callbacks,
):
    """Ending her mentorship and withdrawing her applications herself gives the same
    figures as erasing her account: the erasure adds no change of its own."""
    second = ApplicationFactory(
        scheme=scheme, user=person, role=Role.MENTOR, status=Application.Status.APPROVED
    )
    with transaction.atomic():
        mentorship_end(mentorship=active_mentorship, ended_by=person, reason="Leaving.")
        # Back in the pool once the mentorship ended: still under way, so withdrawn.
        application_withdraw(application=active_mentorship.mentee_application)
        application_withdraw(application=second)
        expected = _figures(scheme, coordinator)
        transaction.set_rollback(True)
    assert _figures(scheme, coordinator) != expected  # the figures would move
    _erase(person, django_capture_on_commit_callbacks)
    assert _figures(scheme, coordinator) == expected
    assert Application.objects.get(pk=second.pk).status == Application.Status.WITHDRAWN
    assert Application.objects.get(pk=second.pk).capacity == 0


def test_a_mentor_who_erases_leaves_the_matching_pool(
    scheme, mentor, mentor_application, django_capture_on_commit_callbacks
):
    from matching.pool import remaining_places

    Application.objects.filter(pk=mentor_application.pk).update(
        status=Application.Status.MATCHED, capacity=2
    )
    assert remaining_places(scheme)[mentor_application.pk] == 2
    _erase(mentor, django_capture_on_commit_callbacks)
    assert remaining_places(scheme)[mentor_application.pk] == 0
    assert Application.objects.get(pk=mentor_application.pk).status == "matched"


def test_a_coordinator_who_erases_is_no_longer_one(scheme, coordinator):
    account_erase(user=coordinator)
    assert not Membership.objects.filter(user=coordinator).exists()
    assert ErasureRequest.objects.get().roles == [
        {"scheme": scheme.pk, "role": "coordinator", "ended": 0}
    ]


# --- the page --------------------------------------------------------------------------


def test_the_page_warns_of_the_mentorship_it_ends_naming_the_pair(
    client, active_mentorship, person, mentor
):
    client.force_login(person)
    response = client.get(reverse("privacy:erasure"))
    assert response.status_code == 200
    text = response.text
    assert f"Your mentorship with {mentor.display_name}, your mentor in" in text
    assert "erasing ends it" in text
    assert "Your password" in text


def test_the_page_costs_the_same_whatever_it_warns_of(client, scheme, person):
    """Each match waiting for the person's reply is named on the page, in a fixed
    number of queries."""
    client.force_login(person)
    url = reverse("privacy:erasure")
    offer = ApplicationFactory(scheme=scheme, user=person, role=Role.MENTOR, status="matched")

    def queries_with(open_pairs: int) -> int:
        for _ in range(open_pairs):
            other = ApplicationFactory(scheme=scheme, role=Role.MENTEE, status="matched")
            Mentorship.objects.create(
                scheme=scheme,
                mentee=other.user,
                mentor=person,
                mentee_application=other,
                mentor_application=offer,
                respond_by=timezone.now() + timedelta(days=3),
            )
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.text.count("erasing ends it") == Mentorship.objects.count()
        return len(queries)

    assert queries_with(1) == queries_with(3)


def test_a_wrong_password_erases_nothing_and_says_so_beside_the_field(
    client, active_mentorship, person
):
    client.force_login(person)
    response = client.post(reverse("privacy:erasure"), {"password": "not-my-password"})
    assert response.status_code == 200
    assert "That is not your password. Nothing has been erased." in response.text
    assert 'aria-invalid="true"' in response.text or "is-invalid" in response.text
    person.refresh_from_db()
    assert person.is_active and person.name == NAME and person.email == "mentee@example.org"
    assert not ErasureRequest.objects.exists()
    assert Mentorship.objects.get(pk=active_mentorship.pk).status == Mentorship.Status.ACTIVE
    assert client.session["_auth_user_id"] == str(person.pk)


def test_the_right_password_erases_signs_out_and_shows_the_done_page(
    client, person, django_capture_on_commit_callbacks
):
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:erasure"), {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("privacy:erasure_done")
    assert "Your account has been erased" in response.text
    assert "_auth_user_id" not in client.session
    assert not User.objects.get(pk=person.pk).is_active


def test_the_password_attempts_are_rate_limited(client, person):
    client.force_login(person)
    for _ in range(10):
        client.post(reverse("privacy:erasure"), {"password": "wrong"})
    response = client.post(reverse("privacy:erasure"), {"password": PASSWORD})
    assert "Too many attempts" in response.text
    assert User.objects.get(pk=person.pk).is_active


def test_single_sign_on_people_confirm_with_their_address(client, person):
    person.set_unusable_password()
    person.save()
    client.force_login(person)
    page = client.get(reverse("privacy:erasure")).text
    assert "Your e-mail address" in page and "Your password" not in page
    response = client.post(reverse("privacy:erasure"), {"email": "someone@example.org"})
    assert "That is not the address of your account. Nothing has been erased." in response.text
    assert 'value="someone@example.org"' in response.text  # kept as typed
    assert User.objects.get(pk=person.pk).is_active
    response = client.post(reverse("privacy:erasure"), {"email": " Mentee@Example.org "})
    assert response.url == reverse("privacy:erasure_done")
    assert not User.objects.get(pk=person.pk).is_active


def test_a_nul_in_the_address_is_a_message_not_an_error(client, person):
    person.set_unusable_password()
    person.save()
    client.force_login(person)
    response = client.post(reverse("privacy:erasure"), {"email": "mentee@example.org\x00"})
    assert response.status_code == 200
    assert User.objects.get(pk=person.pk).is_active


# --- who sees the erasures -------------------------------------------------------------


@pytest.fixture
def erasures(scheme, other_scheme, person, mentor, other_coordinator):
    """Three erasures: a mentee of ``scheme``, a mentor of ``scheme``, a coordinator of
    ``other_scheme``."""
    for user in (person, mentor, other_coordinator):
        account_erase(user=user)
    return ErasureRequest.objects.all()


def test_the_schemes_coordinators_see_its_erasures_without_identity(
    client, coordinator, erasures, scheme, django_assert_max_num_queries
):
    client.force_login(coordinator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("privacy:erasure_requests", kwargs={"slug": scheme.slug}))
    text = response.text
    assert text.count("<tr>") == 1 + 2  # the header and the scheme's two
    assert "mentee" in text and "mentor" in text
    for trace in (NAME, "mentee@example.org", "mentor@example.org", "elsewhere@example.org"):
        assert trace not in text


def test_the_site_administrators_see_every_erasure(
    client, site_admin, erasures, scheme, other_scheme, django_assert_max_num_queries
):
    client.force_login(site_admin)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("privacy:erasure_requests_all"))
    text = response.text
    assert text.count("<tr>") == 1 + 3
    assert scheme.name in text and other_scheme.name in text and "coordinator" in text
    assert NAME not in text and "@example.org" not in text.replace("admin@example.org", "")


def test_the_schemes_page_costs_the_same_with_more_erasures(client, coordinator, scheme):
    client.force_login(coordinator)
    url = reverse("privacy:erasure_requests", kwargs={"slug": scheme.slug})

    def queries_after(erasures: int) -> int:
        for _ in range(erasures):
            account_erase(user=ApplicationFactory(scheme=scheme, status="submitted").user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries)

    assert queries_after(1) == queries_after(5)
    assert client.get(url).text.count("<tr>") == 1 + 6
