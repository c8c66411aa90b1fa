"""A scheme with every kind of personal data the retention schedule covers, each text
carrying a marker, so that a test can tell which scheme's words are still held."""

from dataclasses import dataclass
from datetime import timedelta

from django.core import serializers
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
from matching.models import MatchRun, Mentorship, Proposal
from mentoring.models import User
from schemes.models import Application, Invitation, Membership, Role, Scheme
from sessions.models import (
    Evaluation,
    FinalReview,
    MentoringSession,
    PairingCheck,
    Pulse,
    Reflection,
    Reminder,
    RiskHandling,
    SessionAction,
)
from tests.factories import ApplicationFactory, InvitationFactory, UserFactory

# Every model whose rows hold text the schedule removes (or deletes).
PERSONAL_MODELS = (
    Application,
    Invitation,
    Mentorship,
    Proposal,
    AgreementVersion,
    Signature,
    Goal,
    Target,
    ProgressEntry,
    StageMove,
    Concern,
    MentoringSession,
    SessionAction,
    Reflection,
    FinalReview,
    RiskHandling,
    Evaluation,
    Reminder,
)
# Rows the figures count: anonymising keeps every one of them.
COUNTED_MODELS = (*PERSONAL_MODELS[:-1], Pulse, PairingCheck, Membership)


@dataclass
class Filled:
    scheme: Scheme
    coordinator: User
    mentee: User
    mentor: User
    pair: Mentorship
    ended_pair: Mentorship


def _application(scheme, user, role, status, marker, **fields):
    application = ApplicationFactory(
        scheme=scheme, user=user, role=role, status=status, complete=True
    )
    Application.objects.filter(pk=application.pk).update(
        title="Dr",
        phone=f"0100 {marker}",
        professional_body=f"Institute {marker}",
        job_title=f"Officer {marker}",
        qualifications=f"Degree {marker}",
        responsibilities=f"Casework {marker}",
        line_manager_email=f"boss-{marker}@example.org".lower(),
        restrictions=f"Mondays {marker}",
        avoid_people=[f"enemy-{marker}@example.org".lower()],
        reason_details=f"Confidence {marker}",
        current_challenges=f"Challenges {marker}",
        issues_on_mind=f"Issues {marker}",
        awake_at_night=f"Night {marker}",
        biggest_fear=f"Fear {marker}",
        success_means=f"Success {marker}",
        behave_differently=f"Behave {marker}",
        know_it_worked=f"Worked {marker}",
        experience=f"Experience {marker}",
        decision_reason=f"Reason {marker}",
        answers={"1": f"Answer {marker}"},
        department="Housing",
        grade="Senior officer",
        **fields,
    )
    application.refresh_from_db()
    return application


def fill_scheme(scheme: Scheme, marker: str) -> Filled:
    """``scheme`` with a coordinator, two pairs (one completed, one ended early), every
    kind of pair content, a declined, a withdrawn and a draft application, an
    invitation, a match run with an overridden proposal, and reminders; every text
    holds ``marker``."""
    now = timezone.now()
    coordinator = UserFactory(email=f"coordinator-{marker}@example.org".lower())
    Membership.objects.create(scheme=scheme, user=coordinator, role=Role.COORDINATOR)
    people = {
        name: UserFactory(email=f"{name}-{marker}@example.org".lower())
        for name in ("mentee", "mentor", "other", "declined", "withdrawn", "draft")
    }
    for name in ("mentee", "mentor", "other"):
        role = Role.MENTOR if name == "mentor" else Role.MENTEE
        Membership.objects.create(scheme=scheme, user=people[name], role=role)
    matched = Application.Status.MATCHED
    mentee_app = _application(scheme, people["mentee"], Role.MENTEE, matched, marker)
    mentor_app = _application(scheme, people["mentor"], Role.MENTOR, matched, marker)
    other_app = _application(scheme, people["other"], Role.MENTEE, matched, marker)
    _application(scheme, people["declined"], Role.MENTEE, Application.Status.DECLINED, marker)
    _application(scheme, people["withdrawn"], Role.MENTOR, Application.Status.WITHDRAWN, marker)
    _application(scheme, people["draft"], Role.MENTEE, Application.Status.DRAFT, marker)
    InvitationFactory(
        scheme=scheme,
        email=f"invitee-{marker}@example.org".lower(),
        name=f"Invitee {marker}",
        invited_by=coordinator,
    )

    run = MatchRun.objects.create(
        scheme=scheme, trigger=MatchRun.Trigger.COORDINATOR, status=MatchRun.Status.PUBLISHED
    )
    Proposal.objects.create(
        run=run,
        mentee=mentee_app,
        mentor=mentor_app,
        score=20,
        override_reason=f"Override {marker}",
        # The rule broken repeats what the applicant asked for; why they were matched
        # quotes their answers.
        overridden_constraints=[f"The mentee asked not to be matched with {marker}"],
        breakdown=[{"key": "areas", "points": 12, "reason": f"Both want {marker}"}],
    )
    started = now - timedelta(days=200)
    pair = Mentorship.objects.create(
        scheme=scheme,
        mentee=people["mentee"],
        mentor=people["mentor"],
        mentee_application=mentee_app,
        mentor_application=mentor_app,
        run=run,
        status=Mentorship.Status.COMPLETED,
        stage=Mentorship.Stage.DISTANCE,
        respond_by=started,
        mentee_response=Mentorship.Response.ACCEPTED,
        mentor_response=Mentorship.Response.ACCEPTED,
        started_at=started,
        shared_answers=["success_means"],
        breakdown=[{"key": "areas", "points": 12, "reason": f"Both want {marker}"}],
    )
    ended_pair = Mentorship.objects.create(
        scheme=scheme,
        mentee=people["other"],
        mentor=people["mentor"],
        mentee_application=other_app,
        mentor_application=mentor_app,
        status=Mentorship.Status.ENDED,
        respond_by=started,
        started_at=started,
        ended_at=now - timedelta(days=100),
        ended_by=people["other"],
        end_reason=f"Ended {marker}",
        decline_reason=f"Declined {marker}",
    )

    version = AgreementVersion.objects.create(
        mentorship=pair,
        number=1,
        status=AgreementVersion.Status.IN_FORCE,
        purpose=f"Purpose {marker}",
        success=f"Success {marker}",
        objectives=[f"Objective {marker}"],
        help_asked=f"Help {marker}",
        meeting_format=f"Cafe {marker}",
        planned_sessions=6,
        content_hash="0" * 64,
        in_force_at=started + timedelta(days=5),
    )
    for signer, role in ((people["mentee"], "mentee"), (people["mentor"], "mentor")):
        Signature.objects.create(
            version=version,
            signer=signer,
            role=role,
            typed_name=f"{role} {marker}",
            content_hash="0" * 64,
            signed_at=started + timedelta(days=5),
        )
    goal = Goal.objects.create(
        mentorship=pair,
        title=f"Goal {marker}",
        why=f"Why {marker}",
        success_criteria=f"Criteria {marker}",
        shared_with_coordinator=True,
    )
    Target.objects.create(
        goal=goal,
        what=f"Target {marker}",
        measure=f"Measure {marker}",
        achievable=f"Achievable {marker}",
        due_on=(started + timedelta(days=60)).date(),
    )
    ProgressEntry.objects.create(
        goal=goal, rating=6, comment=f"Progress {marker}", author=people["mentee"], recorded_at=now
    )
    StageMove.objects.create(
        mentorship=pair,
        from_stage="progress",
        to_stage="goal_setting",
        kind=StageMove.Kind.CORRECTION,
        moved_by=coordinator,
        moved_at=started + timedelta(days=30),
        reason=f"Correction {marker}",
    )
    Concern.objects.create(
        mentorship=pair,
        raised_by=people["mentee"],
        role="mentee",
        topic=Concern.Topic.MEETING,
        text=f"Concern {marker}",
        status=Concern.Status.RESOLVED,
        action=f"Action {marker}",
        action_by=coordinator,
        resolved_at=now,
    )
    session = MentoringSession.objects.create(
        mentorship=pair,
        starts_at=started + timedelta(days=10),
        duration_minutes=60,
        format="in_person",
        place=f"Room {marker}",
        status=MentoringSession.Status.HELD,
        agenda={"since_last": f"Agenda {marker}"},
        summary=f"Summary {marker}",
    )
    MentoringSession.objects.create(
        mentorship=pair,
        starts_at=started + timedelta(days=40),
        duration_minutes=30,
        format="video",
        status=MentoringSession.Status.CANCELLED,
        cancelled_at=started + timedelta(days=39),
        cancel_reason=f"Cancelled {marker}",
    )
    SessionAction.objects.create(
        session=session, mentorship=pair, owner="mentee", text=f"Do {marker}"
    )
    Reflection.objects.create(
        session=session,
        author=people["mentee"],
        kind=Reflection.Kind.MENTEE_AFTER,
        answers={"learned": f"Learned {marker}"},
    )
    Pulse.objects.create(
        session=session, author=people["mentee"], role="mentee", usefulness=4, recorded_at=now
    )
    PairingCheck.objects.create(
        mentorship=pair, author=people["mentor"], role="mentor", working=True, answered_at=now
    )
    for milestone, rating in (("baseline", 2), ("end", 4)):
        Evaluation.objects.create(
            mentorship=pair,
            respondent=people["mentee"],
            role="mentee",
            milestone=milestone,
            area_ratings={area: rating for area in scheme.development_areas[:2]},
            scheme_rating=rating,
            would_recommend=True,
            comments=f"Comments {marker}",
            completed_at=now,
        )
    FinalReview.objects.create(
        mentorship=pair,
        targets_met=f"Met {marker}",
        enjoyed=f"Enjoyed {marker}",
        difficult=f"Difficult {marker}",
        marking_end=f"Ending {marker}",
        completed_at=now,
    )
    RiskHandling.objects.create(
        mentorship=pair, reason="gap", situation="2024-01-01", note=f"Note {marker}"
    )
    for subject, mentorship in (("mentorship", pair), ("scheme", None)):
        Reminder.objects.create(
            kind="gap",
            scheme=scheme,
            recipient=f"user:{people['mentee'].pk}",
            user=people["mentee"],
            subject_type=subject,
            subject_id=mentorship.pk if mentorship else scheme.pk,
            mentorship=mentorship,
            occasion=marker,
            status=Reminder.Status.SENT,
            detail=f"Reminder {marker}",
        )
    return Filled(
        scheme=scheme,
        coordinator=coordinator,
        mentee=people["mentee"],
        mentor=people["mentor"],
        pair=pair,
        ended_pair=ended_pair,
    )


def words_held(marker: str) -> list[str]:
    """The models (by name) of which some row still holds ``marker`` anywhere."""
    return [
        model.__name__
        for model in PERSONAL_MODELS
        if marker.lower() in serializers.serialize("json", model.objects.all()).lower()
    ]


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED_MODELS}
