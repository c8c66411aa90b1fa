"""Fixtures shared by the whole suite: one person for each role around one scheme."""

from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core.cache import cache
from django.utils import timezone

from matching.models import MatchRun, Mentorship, Proposal, Unmatched
from schemes.models import Application, Role
from tests.factories import (
    ApplicationFactory,
    CustomQuestionFactory,
    InvitationFactory,
    MembershipFactory,
    SchemeFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache: no test inherits another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def scheme(db):
    return SchemeFactory(name="Council staff mentoring", slug="council")


@pytest.fixture
def other_scheme(db):
    return SchemeFactory(name="Another scheme", slug="another")


@pytest.fixture
def coordinator(scheme):
    return MembershipFactory(
        scheme=scheme, role=Role.COORDINATOR, user__email="coordinator@example.org"
    ).user


@pytest.fixture
def mentor(scheme):
    return MembershipFactory(scheme=scheme, role=Role.MENTOR, user__email="mentor@example.org").user


@pytest.fixture
def mentee(scheme):
    return MembershipFactory(scheme=scheme, role=Role.MENTEE, user__email="mentee@example.org").user


@pytest.fixture
def other_coordinator(other_scheme):
    """Coordinates a different scheme: must see nothing of ``scheme``."""
    return MembershipFactory(
        scheme=other_scheme, role=Role.COORDINATOR, user__email="elsewhere@example.org"
    ).user


@pytest.fixture
def hr_viewer(db):
    return UserFactory(email="hr@example.org", is_report_viewer=True)


@pytest.fixture
def outsider(db):
    """Signed in, but holds no role anywhere."""
    return UserFactory(email="outsider@example.org")


@pytest.fixture
def site_admin(db):
    return UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)


@pytest.fixture
def redis_url():
    """The Redis that ``REDIS_URL`` names; tests that need a live one skip without it
    (a laptop with no services), and fail in CI, where it must be there."""
    import os

    url = os.environ.get("REDIS_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI must set REDIS_URL")
        pytest.skip("REDIS_URL is not set: no Redis to test against")
    return url


@pytest.fixture
def real_worker(redis_url):
    """A Celery worker on Redis, in a thread of this process, on a queue of its own so
    that no other worker on the same Redis takes the test's tasks."""
    import uuid

    from celery.contrib.testing.worker import start_worker

    from mentoring.celery import app
    from tests.celery_state import forget_celery_state

    queue = f"test-{uuid.uuid4().hex}"
    saved = {
        key: app.conf[key]
        for key in ("broker_url", "result_backend", "task_always_eager", "task_default_queue")
    }
    app.conf.update(
        broker_url=redis_url,
        result_backend=redis_url,
        task_always_eager=False,
        task_default_queue=queue,
    )
    forget_celery_state()
    try:
        with start_worker(app, queues=[queue], pool="solo", perform_ping_check=False):
            yield
    finally:
        app.conf.update(saved)
        forget_celery_state()


@pytest.fixture
def mentee_application(scheme, mentee):
    """The mentee's own submitted application to ``scheme``."""
    return ApplicationFactory(
        scheme=scheme, user=mentee, role=Role.MENTEE, status=Application.Status.SUBMITTED
    )


@pytest.fixture
def mentor_application(scheme, mentor):
    """The mentor's own submitted application to ``scheme``."""
    return ApplicationFactory(
        scheme=scheme, user=mentor, role=Role.MENTOR, status=Application.Status.SUBMITTED
    )


@pytest.fixture
def invitation(scheme, coordinator):
    """A pending invitation to ``scheme`` for someone with no account yet."""
    return InvitationFactory(
        scheme=scheme, email="invitee@example.org", role=Role.MENTEE, invited_by=coordinator
    )


@pytest.fixture
def failed_email(invitation):
    """The invitation's e-mail, which the outbox gave up sending."""
    from mentoring.models import OutboxMessage

    return OutboxMessage.objects.create(
        handler="schemes.invitation",
        payload={"invitation_id": invitation.pk},
        subject_type="invitation",
        subject_id=invitation.pk,
        scheme_id=invitation.scheme_id,
        status=OutboxMessage.Status.FAILED,
        attempts=7,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )


@pytest.fixture
def question(scheme):
    """One of the scheme's own questions, a weighted matching criterion."""
    return CustomQuestionFactory(
        scheme=scheme,
        text="Which team sport do you follow?",
        kind="single",
        choices=["Football", "Rugby", "Cricket"],
        is_matching_criterion=True,
        weight=5,
    )


@pytest.fixture
def open_link(scheme):
    """``scheme`` with its open application link turned on; returns the token."""
    scheme.open_link_token = "open-link-token"
    scheme.save(update_fields=["open_link_token"])
    return scheme.open_link_token


@pytest.fixture
def mentorship(mentee_application, mentor_application):
    """A published match of the mentee and the mentor, waiting for both replies."""
    Application.objects.filter(pk__in=[mentee_application.pk, mentor_application.pk]).update(
        status=Application.Status.MATCHED
    )
    return Mentorship.objects.create(
        scheme=mentee_application.scheme,
        mentee=mentee_application.user,
        mentor=mentor_application.user,
        mentee_application=mentee_application,
        mentor_application=mentor_application,
        respond_by=timezone.now() + timedelta(days=14),
        score=20.0,
        breakdown=[
            {
                "key": "areas",
                "label": "Development areas",
                "points": 20.0,
                "max_points": 30,
                "reason": "Shares 2 of 3 development areas.",
            }
        ],
    )


@pytest.fixture
def shortlist_application(scheme, mentee_application, mentor_application):
    """The mentee's approved application in ``scheme`` switched to shortlist mode; the
    mentor is approved and works elsewhere, so the shortlist has one mentor."""
    scheme.matching_mode = "shortlist"
    scheme.save(update_fields=["matching_mode"])
    Application.objects.filter(pk=mentee_application.pk).update(status=Application.Status.APPROVED)
    Application.objects.filter(pk=mentor_application.pk).update(
        status=Application.Status.APPROVED, department="Finance"
    )
    mentee_application.refresh_from_db()
    return mentee_application


@pytest.fixture
def match_run(scheme, coordinator, mentee_application, mentor_application):
    """A finished run of ``scheme`` proposing the mentee with the mentor."""
    now = timezone.now()
    run = MatchRun.objects.create(
        scheme=scheme,
        trigger=MatchRun.Trigger.COORDINATOR,
        started_by=coordinator,
        status=MatchRun.Status.FINISHED,
        progress=100,
        started_at=now,
        finished_at=now,
        duration_seconds=0.1,
        mentee_count=1,
        mentor_count=1,
        places=2,
        admissible_pairs=1,
        matched_count=1,
        total_score=20.0,
        mean_score=20.0,
        method="dense",
        certified=True,
    )
    Proposal.objects.create(
        run=run,
        mentee=mentee_application,
        mentor=mentor_application,
        score=20.0,
        breakdown=[
            {
                "key": "areas",
                "label": "Development areas",
                "points": 20.0,
                "max_points": 35,
                "reason": "Shares 2 of 3 development areas.",
            }
        ],
    )
    return run


@pytest.fixture
def proposal(match_run):
    """The one proposal of ``match_run``."""
    return match_run.proposals.get()


@pytest.fixture
def unmatched(match_run, scheme):
    """A second mentee ``match_run`` left unmatched: every admissible mentor was full."""
    application = ApplicationFactory(
        scheme=scheme, role=Role.MENTEE, status=Application.Status.APPROVED
    )
    return Unmatched.objects.create(
        run=match_run, mentee=application, reason=Unmatched.Reason.CAPACITY_FULL
    )


def totp_code(secret: str) -> str:
    """The code an authenticator app set up with ``secret`` shows now."""
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def resolve_kwargs(request, kwargs: dict) -> dict:
    """URL kwargs where "@fixture" or "@fixture.attribute" stands for that fixture's pk or
    attribute, so that tables of URLs can name objects made by fixtures."""
    resolved = {}
    for key, value in kwargs.items():
        if isinstance(value, str) and value.startswith("@"):
            fixture, _, attribute = value[1:].partition(".")
            obj = request.getfixturevalue(fixture)
            value = getattr(obj, attribute) if attribute else getattr(obj, "pk", obj)
        resolved[key] = value
    return resolved


# --- the pair's space (agreements) ---


@pytest.fixture
def active_mentorship(mentorship):
    """``mentorship`` accepted by both: active since yesterday, at the initiation stage."""
    Mentorship.objects.filter(pk=mentorship.pk).update(
        status=Mentorship.Status.ACTIVE,
        mentee_response=Mentorship.Response.ACCEPTED,
        mentor_response=Mentorship.Response.ACCEPTED,
        started_at=timezone.now() - timedelta(days=1),
    )
    mentorship.refresh_from_db()
    return mentorship


@pytest.fixture
def agreement_draft(active_mentorship, mentee):
    """Version 1 of the pair's agreement, a draft the mentee wrote, signed by nobody."""
    from agreements.services.agreement import agreement_draft_save

    return agreement_draft_save(
        mentorship=active_mentorship,
        user=mentee,
        content={
            "purpose": "Grow into a team leader role.",
            "success": "Leading a small project by the spring.",
            "objectives": ["Run a team meeting", "Give difficult feedback"],
        },
        base_number=None,
        base_revision=None,
    ).version


@pytest.fixture
def goal(active_mentorship, mentee):
    """A goal of the pair, written by the mentee, not shared with the coordinators."""
    from agreements.services.goals import goal_create

    return goal_create(
        mentorship=active_mentorship,
        user=mentee,
        data={"title": "Run a team meeting", "why": "Practice", "success_criteria": "Done once"},
    )


@pytest.fixture
def target(goal, mentee):
    """An open SMART target of ``goal``, due in a month."""
    from agreements.services.goals import target_create

    return target_create(
        goal=goal,
        user=mentee,
        data={
            "what": "Chair the Monday stand-up",
            "measure": "Chaired it twice",
            "achievable": "The team lead agreed",
            "due_on": timezone.localdate() + timedelta(days=30),
        },
    )


@pytest.fixture
def progress_entry(target, mentor):
    """A rating of ``target``'s goal by the mentor, 4 out of 10 with a comment: the goal
    then has a target and a progress history."""
    from agreements.services.goals import progress_record

    return progress_record(goal=target.goal, user=mentor, rating=4, comment="Chaired it once")


@pytest.fixture
def concern(active_mentorship, mentee):
    """An open concern the mentee raised with the scheme's coordinators."""
    from agreements.services.concerns import concern_raise

    return concern_raise(
        mentorship=active_mentorship,
        user=mentee,
        topic="meeting",
        text="We have not met for two months.",
    )


@pytest.fixture
def scheme_with_pairs(active_mentorship, agreement_draft, target, concern, mentee):
    """``scheme`` with a started pair that has a draft agreement, a goal shared with the
    coordinators with a target and a rating, and an open concern: for the coordinators'
    pages that list and show pairs (the URL takes ``@scheme_with_pairs.slug``)."""
    from agreements.services.goals import goal_share, progress_record

    goal_share(goal=target.goal, user=mentee, shared=True)
    progress_record(goal=target.goal, user=mentee, rating=4, comment="A start.")
    return active_mentorship.scheme


# --- the pair's sessions ---


@pytest.fixture
def planned_session(active_mentorship, mentee):
    """A video session of the pair the day after tomorrow, planned by the mentee."""
    from sessions.models import MentoringSession

    return MentoringSession.objects.create(
        mentorship=active_mentorship,
        starts_at=timezone.now() + timedelta(days=2),
        duration_minutes=60,
        format="video",
        place="https://meet.example.org/pair",
        created_by=mentee,
    )


@pytest.fixture
def held_session(active_mentorship, mentee):
    """A session of the pair held yesterday, logged by the mentee, with no summary yet."""
    from sessions.models import MentoringSession

    return MentoringSession.objects.create(
        mentorship=active_mentorship,
        starts_at=timezone.now() - timedelta(hours=20),
        duration_minutes=45,
        format="in_person",
        place="Room 2, Town Hall",
        status="held",
        created_by=mentee,
    )


@pytest.fixture
def session_action(held_session):
    """An open action of the mentee agreed at ``held_session``."""
    from sessions.models import SessionAction

    return SessionAction.objects.create(
        session=held_session,
        mentorship=held_session.mentorship,
        owner="mentee",
        text="Ask for the stand-up slot",
        due_on=timezone.localdate() + timedelta(days=10),
    )


# --- the pair's evaluations ---


def evaluation_answers(mentorship, role, milestone, rating=3):
    """Answers to every question ``role`` is asked at ``milestone``, each ``rating``."""
    from sessions.selectors.evaluations import questions_for
    from sessions.selectors.settings import session_settings_for

    questions = questions_for(
        milestone,
        role,
        development_areas=mentorship.scheme.development_areas,
        settings=session_settings_for(mentorship.scheme),
    )
    answers = {
        "area_ratings": dict.fromkeys(questions.areas, rating),
        "relationship_ratings": dict.fromkeys(questions.relationship, rating),
    }
    if questions.relationship:
        answers.update(scheme_rating=rating, would_recommend=True, comments="Good scheme.")
    return answers


@pytest.fixture
def baseline_evaluation(active_mentorship, mentee):
    """The mentee's baseline evaluation: 2 out of 5 on every development area."""
    from sessions.services.evaluations import evaluation_complete

    return evaluation_complete(
        mentorship=active_mentorship,
        user=mentee,
        milestone="baseline",
        **evaluation_answers(active_mentorship, "mentee", "baseline", rating=2),
    )


@pytest.fixture
def wind_up_pair(active_mentorship):
    """``active_mentorship`` moved to the wind-up stage."""
    Mentorship.objects.filter(pk=active_mentorship.pk).update(stage=Mentorship.Stage.WIND_UP)
    active_mentorship.refresh_from_db()
    return active_mentorship


@pytest.fixture
def end_evaluations(baseline_evaluation, wind_up_pair, mentee, mentor):
    """In the wind-up stage, the mentee's end evaluation (4 out of 5 everywhere) and
    the mentor's (5 out of 5): the mentee's change since baseline is +2 per area."""
    from sessions.services.evaluations import evaluation_complete

    return [
        evaluation_complete(
            mentorship=wind_up_pair,
            user=user,
            milestone="end",
            **evaluation_answers(wind_up_pair, role, "end", rating=rating),
        )
        for user, role, rating in ((mentee, "mentee", 4), (mentor, "mentor", 5))
    ]


@pytest.fixture
def final_review(wind_up_pair, mentee):
    """The pair's final review, written by the mentee: the pair is now in distance."""
    from sessions.services.evaluations import final_review_complete

    review = final_review_complete(
        mentorship=wind_up_pair,
        user=mentee,
        targets_met="Chaired the stand-up twice.",
        enjoyed="The honest talks.",
        difficult="Finding the time.",
        marking_end="Coffee in June.",
    )
    wind_up_pair.refresh_from_db()
    return review


@pytest.fixture
def evaluated_pair(end_evaluations):
    """The mentorship of ``end_evaluations``: a baseline and both end evaluations."""
    return end_evaluations[0].mentorship


# --- reminders: notifications ---


@pytest.fixture
def mentee_reminder(planned_session, mentee):
    """The mentee's notification, e-mailed and unread: no agenda yet for
    ``planned_session``."""
    from sessions.models import Reminder

    return Reminder.objects.create(
        kind="agenda_missing",
        scheme=planned_session.mentorship.scheme,
        recipient=f"user:{mentee.pk}",
        user=mentee,
        subject_type="session",
        subject_id=planned_session.pk,
        mentorship=planned_session.mentorship,
        occasion=planned_session.starts_at.isoformat(),
        status="sent",
    )


@pytest.fixture
def unsubscribe_token_value(mentee_reminder):
    """The signed token of the unsubscribe link in ``mentee_reminder``'s e-mail."""
    from sessions.services.reminders import unsubscribe_token

    return unsubscribe_token(reminder=mentee_reminder)


# --- reports: exports ---


@pytest.fixture
def hr_export_job(hr_viewer, scheme, settings, tmp_path):
    """A large export the HR viewer asked for, written and ready to download, its file in
    a folder of the test's own."""
    from dashboard.models import ExportJob

    settings.EXPORTS_DIR = tmp_path
    now = timezone.now()
    job = ExportJob.objects.create(
        user=hr_viewer,
        report="participants",
        format="csv",
        filters={"schemes": [scheme.pk]},
        status=ExportJob.Status.DONE,
        rows_done=0,
        rows_total=0,
        finished_at=now,
        expires_at=now + timedelta(hours=24),
    )
    job.file_name = f"{job.uid}.csv"
    job.save(update_fields=["file_name"])
    (tmp_path / job.file_name).write_text("\ufeffScheme,Participant\r\n", encoding="utf-8")
    return job


@pytest.fixture
def expired_export_job(hr_export_job):
    """``hr_export_job`` after its time: the sweep deleted its file."""
    from dashboard.models import ExportJob

    ExportJob.objects.filter(pk=hr_export_job.pk).update(
        status=ExportJob.Status.EXPIRED, expires_at=timezone.now() - timedelta(hours=1)
    )
    hr_export_job.refresh_from_db()
    return hr_export_job


# --- your data (issue 18) ---


@pytest.fixture
def mentee_data_export(mentee, settings, tmp_path):
    """A copy of the mentee's data, written by the worker and offered to them for
    ``DATA_EXPORT_HOURS``, its file in a folder of the test's own."""
    from privacy.services.yourdata import data_export_run, data_export_start

    settings.PRIVACY_EXPORTS_DIR = tmp_path / "your-data"
    export = data_export_start(user=mentee)
    data_export_run(export_id=export.pk)
    export.refresh_from_db()
    return export


@pytest.fixture
def expired_mentee_data_export(mentee_data_export):
    """``mentee_data_export`` after its time: the hourly job deleted its file."""
    from privacy.services.yourdata import data_exports_expire

    data_exports_expire(now=mentee_data_export.expires_at + timedelta(minutes=1))
    mentee_data_export.refresh_from_db()
    return mentee_data_export
