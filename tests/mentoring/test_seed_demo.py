from datetime import timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from agreements.models import (
    AgreementVersion,
    Concern,
    Goal,
    ProgressEntry,
    Signature,
    StageMove,
    Target,
    default_end_date,
)
from agreements.services.goals import mentorship_dates
from dashboard.management.commands.seed_demo import DEMO_PASSWORD, DEMO_PEOPLE, DEMO_SCHEME
from matching.models import MatchRun, Mentorship
from matching.pool import mentee_pool, remaining_places
from mentoring.models import OutboxMessage, User
from schemes import demo
from schemes.choices import DEFAULT_GRADES
from schemes.models import Application, CustomQuestion, Membership, Role, Scheme
from schemes.questionnaire import consent_text, first_unfinished_step, missing_answers
from sessions.models import (
    Evaluation,
    FinalReview,
    MentoringSession,
    PairingCheck,
    Pulse,
    Reflection,
    SessionAction,
)

pytestmark = pytest.mark.django_db

DEMO_EMAILS = {email for email, _, _ in DEMO_PEOPLE}
S = Application.Status


def _seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _sized(name="Bench", mentees=12, mentors=8, seed=1, pairs=None) -> str:
    options = ["--mentees", str(mentees), "--mentors", str(mentors), "--seed", str(seed)]
    if pairs is not None:
        options += ["--pairs", str(pairs)]
    return _seed("--scheme", name, *options)


def _demo_scheme() -> Scheme:
    return Scheme.objects.get(slug=DEMO_SCHEME["slug"])


def _applications(scheme: Scheme, **filters) -> list[Application]:
    return list(scheme.applications.filter(**filters).select_related("user", "scheme"))


def _snapshot() -> list[tuple]:
    """Everything the demo writes that a second run could duplicate or change."""
    return [
        User.objects.count(),
        EmailAddress.objects.count(),
        Scheme.objects.count(),
        Membership.objects.count(),
        CustomQuestion.objects.count(),
        sorted(
            Application.objects.values_list(
                "user__email", "role", "status", "last_step", "department", "grade", "answers"
            )
        ),
    ]


# The demo accounts -----------------------------------------------------------------------


def test_seed_demo_prints_a_login_for_every_role():
    output = _seed()
    for email, _, _ in DEMO_PEOPLE:
        assert email in output
    assert DEMO_PASSWORD in output


def test_seed_demo_is_idempotent():
    _seed()
    before = _snapshot()
    _seed()
    assert _snapshot() == before


def test_seed_demo_gives_each_account_its_role():
    _seed()
    roles = dict(
        _demo_scheme()
        .memberships.filter(user__email__in=DEMO_EMAILS)
        .values_list("user__email", "role")
    )
    assert roles == {
        "coordinator@example.org": Role.COORDINATOR,
        "mentor@example.org": Role.MENTOR,
        "mentee@example.org": Role.MENTEE,
    }
    assert User.objects.get(email="hr@example.org").is_report_viewer
    assert User.objects.get(email="admin@example.org").is_superuser


@pytest.mark.parametrize("email", [email for email, _, _ in DEMO_PEOPLE])
def test_demo_logins_work_on_the_sign_in_page(client, email):
    _seed()
    response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response.url == "/"
    assert client.get("/").context["user"].email == email


def test_seed_demo_restores_a_changed_demo_password(client):
    _seed()
    user = User.objects.get(email="mentee@example.org")
    user.set_password("something-else-entirely")
    user.save()
    _seed()
    assert client.login(email="mentee@example.org", password=DEMO_PASSWORD)


# The demo scheme's intake ----------------------------------------------------------------


def test_demo_scheme_is_open_with_a_councils_sites_departments_and_grades():
    _seed()
    scheme = _demo_scheme()
    today = timezone.localdate()
    assert scheme.applications_open_on < today < scheme.applications_close_on
    assert scheme.is_accepting_applications
    assert {"Council House", "Civic Centre", "Online"} <= set(scheme.locations)
    assert {"Adult Social Care", "Children's Services", "Housing", "Planning", "Finance"} <= set(
        scheme.departments
    )
    assert scheme.grades == DEFAULT_GRADES


def test_demo_scheme_has_invitations_in_each_state_and_an_open_link(client):
    _seed()
    _seed()
    scheme = _demo_scheme()
    states = sorted(invitation.state_label for invitation in scheme.invitations.all())
    assert states == ["Expired", "Pending", "Pending", "Revoked"]
    assert scheme.open_link_token
    response = client.get(reverse("schemes:open_apply", kwargs={"token": scheme.open_link_token}))
    assert response.status_code == 200


def test_demo_scheme_has_two_questions_one_of_them_a_weighted_matching_criterion():
    _seed()
    questions = list(_demo_scheme().questions.all())
    assert len(questions) == 2
    criteria = [q for q in questions if q.is_matching_criterion]
    assert len(criteria) == 1
    assert criteria[0].weight > 0
    assert criteria[0].kind in CustomQuestion.CHOICE_KINDS


def test_demo_scheme_has_at_least_20_mentees_and_12_mentors_from_generated_people():
    _seed()
    scheme = _demo_scheme()
    generated = scheme.applications.exclude(user__email__in=DEMO_EMAILS)
    assert generated.filter(role=Role.MENTEE).count() >= 20
    assert generated.filter(role=Role.MENTOR).count() >= 12
    emails = list(generated.values_list("user__email", flat=True))
    assert all(email.endswith("@example.org") for email in emails)
    assert all(name.strip() for name in generated.values_list("user__name", flat=True))


def test_demo_applicants_vary_in_department_grade_place_area_and_preference():
    _seed()
    complete = _applications(_demo_scheme(), status__in=[S.SUBMITTED, S.APPROVED])
    assert len({a.department for a in complete}) >= 8
    assert len({a.grade for a in complete}) >= 6
    assert len({place for a in complete for place in a.locations}) >= 5
    assert len({area for a in complete for area in a.areas_wanted + a.areas_offered}) >= 8
    assert len({a.term for a in complete}) == 2
    assert len({a.match_preference for a in complete}) >= 2
    assert len({a.face_to_face for a in complete}) >= 3
    assert len({a.current_challenges for a in complete if a.is_mentee}) >= 4
    capacities = {a.capacity for a in complete if a.role == Role.MENTOR}
    assert capacities <= {1, 2, 3}
    assert len(capacities) >= 2


def test_demo_job_titles_fit_their_department():
    _seed()
    for application in _applications(_demo_scheme(), status=S.APPROVED):
        titles = [title for title, _ in demo.JOBS[application.department]]
        assert application.job_title in titles, application.department


def test_demo_has_drafts_stopped_at_different_steps_with_nothing_after_them():
    _seed()
    scheme = _demo_scheme()
    questions = list(scheme.questions.all())
    drafts = _applications(scheme, status=S.DRAFT)
    assert len({d.last_step for d in drafts}) >= 3
    for draft in drafts:
        assert draft.submitted_at is None
        assert draft.consented_at is None
        assert missing_answers(draft, questions)
        assert first_unfinished_step(draft, questions) != "review"
    about_only = next(d for d in drafts if d.last_step == "about")
    assert about_only.descriptive_words
    assert about_only.job_title == ""


def test_demo_decisions_waitlisted_declined_with_a_reason_and_withdrawn():
    _seed()
    scheme = _demo_scheme()
    assert len(_applications(scheme, status=S.WAITLISTED)) >= 2
    (declined,) = _applications(scheme, status=S.DECLINED)
    assert declined.decision_reason
    assert declined.decided_by.email == "coordinator@example.org"
    (withdrawn,) = _applications(scheme, status=S.WITHDRAWN)
    assert withdrawn.submitted_at is not None
    members = set(scheme.memberships.values_list("user_id", "role"))
    for application in scheme.applications.all():
        is_member = (application.user_id, application.role) in members
        assert is_member == (application.status in (S.APPROVED, S.MATCHED)), application.status


def test_every_submitted_demo_application_is_complete_valid_and_consented():
    _seed()
    scheme = _demo_scheme()
    questions = list(scheme.questions.all())
    submitted = _applications(scheme, status__in=[s for s in S.values if s != S.DRAFT])
    assert submitted
    for application in submitted:
        assert missing_answers(application, questions) == []
        assert application.consent_text == consent_text(scheme)
        assert application.consented_at == application.submitted_at
        assert application.created_at < application.submitted_at <= timezone.now()
        application.full_clean()


def test_demo_mentor_and_mentee_have_complete_approved_applications():
    _seed()
    scheme = _demo_scheme()
    questions = list(scheme.questions.all())
    for email, role in (("mentor@example.org", Role.MENTOR), ("mentee@example.org", Role.MENTEE)):
        application = scheme.applications.get(user__email=email)
        assert application.role == role
        # They are matched with each other (see the agreements' demo below).
        assert application.status == S.MATCHED
        assert missing_answers(application, questions) == []
    assert not scheme.applications.filter(user__email="coordinator@example.org").exists()


def test_demo_has_a_published_run_with_pairs_in_every_state_and_a_finished_run():
    _seed()
    scheme = _demo_scheme()
    runs = list(MatchRun.objects.filter(scheme=scheme).order_by("pk"))
    assert [run.status for run in runs] == [MatchRun.Status.PUBLISHED, MatchRun.Status.FINISHED]
    assert all(run.certified and run.matched_count for run in runs)
    mentorships = Mentorship.objects.filter(scheme=scheme)
    statuses = sorted(mentorships.values_list("status", flat=True))
    # Six pairs started (one of them has completed since), as the agreements' demo shows.
    assert statuses == sorted(
        ["active"] * 5 + ["completed", "proposed", "proposed", "declined", "expired", "ended"]
    )
    half = mentorships.get(status="proposed", mentee_response="accepted")
    assert half.mentor_response == "pending"
    assert mentorships.get(status="ended").end_reason
    assert mentorships.get(status="declined").decline_reason
    # The demo mentee and mentor are paired; the mentor has a place for a mentee of the pool.
    ours = mentorships.get(mentee__email="mentee@example.org")
    assert ours.status == "active"
    assert ours.mentor.email == "mentor@example.org"
    mentor = scheme.applications.get(user__email="mentor@example.org")
    assert mentorships.filter(mentor_application=mentor, status="active").count() == 1
    assert remaining_places(scheme)[mentor.pk] >= 1
    assert mentee_pool(scheme).exists()


@pytest.mark.django_db(transaction=True)
def test_seed_demo_leaves_no_e_mail_to_its_made_up_people_in_the_outbox():
    call_command("seed_demo", stdout=StringIO())
    assert Mentorship.objects.exists()  # its services ran, and would have e-mailed
    assert not OutboxMessage.objects.filter(kind=OutboxMessage.Kind.EMAIL).exists()
    assert mail.outbox == []


def test_one_demo_mentee_shares_two_goal_setting_answers_with_their_mentor():
    call_command("seed_demo", stdout=StringIO())
    (sharing,) = Mentorship.objects.exclude(shared_answers=[])
    assert sharing.mentee.email == "mentee@example.org"
    assert sharing.status == Mentorship.Status.ACTIVE
    assert len(sharing.shared_answers) == 2
    assert all(getattr(sharing.mentee_application, field) for field in sharing.shared_answers)


def test_seed_demo_again_keeps_the_demos_runs_and_mentorships():
    _seed()
    scheme = _demo_scheme()
    before = (MatchRun.objects.count(), Mentorship.objects.count())
    _seed()
    assert (MatchRun.objects.count(), Mentorship.objects.count()) == before
    assert Mentorship.objects.filter(scheme=scheme).count() == 11


def test_generated_demo_applicants_can_sign_in(client):
    _seed()
    email = _demo_scheme().applications.exclude(user__email__in=DEMO_EMAILS)[0].user.email
    assert client.login(email=email, password=DEMO_PASSWORD)
    assert EmailAddress.objects.get(email=email).verified


def test_seed_demo_says_how_many_applications_the_demo_scheme_has():
    output = _seed()
    count = _demo_scheme().applications.count()
    assert f"{DEMO_SCHEME['name']} has {count} applications" in output


# The pairs at work (agreements.demo) ------------------------------------------------------


def _our_mentorship() -> Mentorship:
    return Mentorship.objects.select_related("mentee", "mentor").get(
        scheme__slug=DEMO_SCHEME["slug"], mentee__email="mentee@example.org", status="active"
    )


def test_demo_has_a_pair_in_every_stage_and_a_completed_one():
    _seed()
    mentorships = Mentorship.objects.filter(scheme=_demo_scheme())
    active = mentorships.filter(status=Mentorship.Status.ACTIVE)
    assert set(active.values_list("stage", flat=True)) == set(Mentorship.Stage.values)
    (completed,) = mentorships.filter(status=Mentorship.Status.COMPLETED)
    assert completed.ended_at is not None
    moves = list(completed.stage_moves.order_by("moved_at"))
    assert [move.to_stage for move in moves] == [
        "goal_setting",
        "progress",
        "wind_up",
        "distance",
        StageMove.COMPLETED,
    ]
    # Every started pair's moves follow on from each other, in the past, after its start.
    now = timezone.now()
    for mentorship in [*active, completed]:
        stage = Mentorship.Stage.INITIATION
        for move in mentorship.stage_moves.order_by("moved_at"):
            assert move.from_stage == stage
            assert mentorship.started_at < move.moved_at < now
            stage = move.to_stage
        assert stage == (StageMove.COMPLETED if mentorship == completed else mentorship.stage)


def test_demo_mentee_and_mentor_have_one_active_mentorship_together():
    _seed()
    ours = _our_mentorship()
    assert ours.mentor.email == "mentor@example.org"
    assert ours.stage == Mentorship.Stage.PROGRESS
    assert ours.started_at < timezone.now() - timedelta(days=90)  # months ago
    for email in ("mentee@example.org", "mentor@example.org"):
        user = User.objects.get(email=email)
        active = Mentorship.objects.filter(status="active").filter(Q(mentee=user) | Q(mentor=user))
        assert list(active) == [ours]


def test_demo_agreement_has_a_replaced_version_one_in_force_and_a_draft_by_the_mentor():
    _seed()
    ours = _our_mentorship()
    versions = list(ours.agreement_versions.order_by("number"))
    status = AgreementVersion.Status
    assert [(v.number, v.status) for v in versions] == [
        (1, status.SUPERSEDED),
        (2, status.IN_FORCE),
        (3, status.DRAFT),
    ]
    first, second, draft = versions
    for version in (first, second):
        signatures = list(version.signatures.all())
        assert sorted(s.role for s in signatures) == ["mentee", "mentor"]
        for signature in signatures:
            # Bound to the exact text: the stored hash is the hash of the content now.
            assert signature.content_hash == version.content_hash == version.compute_hash()
            assert signature.typed_name == signature.signer.display_name
        assert version.in_force_at == max(s.signed_at for s in signatures)
    assert first.in_force_at < second.in_force_at < draft.created_at < timezone.now()
    assert not draft.signatures.exists()
    assert draft.edited_by == ours.mentor
    assert draft.content_hash == draft.compute_hash() != second.content_hash
    changed = {
        f for f in AgreementVersion.CONTENT_FIELDS if getattr(draft, f) != getattr(second, f)
    }
    assert changed == {"help_offered", "review"}
    assert first.meeting_frequency != second.meeting_frequency
    assert len(second.objectives) == 3
    assert second.purpose and second.success and second.confidentiality
    assert second.end_date == default_end_date(ours)


def test_demo_goals_have_smart_targets_within_the_mentorship_and_rising_progress():
    _seed()
    ours = _our_mentorship()
    goals = list(ours.goals.prefetch_related("targets", "progress"))
    assert len(goals) == 2
    start, end = mentorship_dates(ours)
    targets = [target for goal in goals for target in goal.targets.all()]
    assert all(t.measure and t.what and start <= t.due_on <= end for t in targets)
    statuses = sorted(t.status for t in targets)
    assert statuses == ["done", "open", "open"]
    (tracked,) = [goal for goal in goals if goal.progress.exists()]
    entries = list(tracked.progress.order_by("recorded_at"))
    assert 5 <= len(entries) <= 6
    assert (entries[0].rating, entries[-1].rating) == (3, 7)
    assert [e.rating for e in entries] == sorted(e.rating for e in entries)
    assert entries[-1].recorded_at - entries[0].recorded_at > timedelta(weeks=8)
    assert {e.author for e in entries} == {ours.mentee, ours.mentor}
    assert [goal.shared_with_coordinator for goal in goals].count(True) == 1
    assert tracked.shared_with_coordinator


def test_demo_has_one_open_concern_from_a_pair():
    _seed()
    (concern,) = Concern.objects.filter(mentorship__scheme=_demo_scheme())
    assert concern.status == Concern.Status.OPEN
    assert concern.text and not concern.action
    assert concern.raised_by == concern.mentorship.mentee
    assert concern.mentorship.status == Mentorship.Status.ACTIVE


def test_demo_mentee_and_mentor_each_open_their_pairs_page(client):
    _seed()
    ours = _our_mentorship()
    url = reverse("agreements:pair", kwargs={"pk": ours.pk})
    for person, other in ((ours.mentee, ours.mentor), (ours.mentor, ours.mentee)):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        text = response.content.decode()
        assert other.display_name in text
        assert "Progress" in text


def _pairs_snapshot() -> list:
    return [
        sorted(AgreementVersion.objects.values_list("mentorship_id", "number", "status")),
        Signature.objects.count(),
        Goal.objects.count(),
        Target.objects.count(),
        ProgressEntry.objects.count(),
        StageMove.objects.count(),
        Concern.objects.count(),
        sorted(Mentorship.objects.values_list("pk", "status", "stage", "started_at")),
    ]


def test_seed_demo_again_adds_no_agreement_goal_progress_or_stage_move():
    _seed()
    before = _pairs_snapshot()
    assert before[1] > 0
    _seed()
    assert _pairs_snapshot() == before


# A large scheme for benchmarks -----------------------------------------------------------


def test_sized_scheme_has_exactly_the_mentees_and_mentors_asked_for():
    output = _sized("Bench", mentees=12, mentors=8)
    scheme = Scheme.objects.get(slug="bench")
    assert scheme.applications.filter(role=Role.MENTEE).count() == 12
    assert scheme.applications.filter(role=Role.MENTOR).count() == 8
    assert set(scheme.applications.values_list("status", flat=True)) <= {S.SUBMITTED, S.APPROVED}
    assert "created 20 people, 20 applications" in output
    assert "Bench has 20 applications: 12 from mentees and 8 from mentors" in output
    assert " s: " in output  # the time taken


def test_sized_applications_are_complete_consented_and_valid():
    _sized("Bench", mentees=12, mentors=8)
    scheme = Scheme.objects.get(slug="bench")
    questions = list(scheme.questions.all())
    assert any(q.is_matching_criterion for q in questions)
    applications = _applications(scheme)
    for application in applications:
        assert missing_answers(application, questions) == []
        assert application.consent_text == consent_text(scheme)
        assert application.consented_at is not None
        assert application.last_step == "questions"
        assert application.answers
        application.full_clean()
    approved = {(a.user_id, a.role) for a in applications if a.status == S.APPROVED}
    assert approved == set(
        scheme.memberships.exclude(role=Role.COORDINATOR).values_list("user_id", "role")
    )


def _people(slug: str) -> list[tuple]:
    """A scheme's applicants as their answers, comparable across schemes."""
    scheme = Scheme.objects.get(slug=slug)
    texts = dict(scheme.questions.values_list("pk", "text"))
    return sorted(
        (
            a.user.name,
            a.user.email.split("@")[0],
            a.role,
            a.status,
            a.job_title,
            a.department,
            a.grade,
            tuple(a.locations),
            a.responsibilities,
            a.capacity,
            tuple(sorted((texts[int(pk)], str(value)) for pk, value in a.answers.items())),
        )
        for a in _applications(scheme)
    )


def test_sized_scheme_is_the_same_for_the_same_seed_and_differs_for_another():
    _sized("First", seed=7)
    _sized("Second", seed=7)
    _sized("Third", seed=8)
    assert _people("first") == _people("second")
    assert _people("first") != _people("third")


def test_sized_scheme_run_again_adds_nothing_and_a_larger_size_tops_it_up():
    _sized("Bench", mentees=10, mentors=5)
    first = _people("bench")
    output = _sized("Bench", mentees=10, mentors=5)
    assert "created 0 people, 0 applications and 0 memberships" in output
    assert _people("bench") == first
    assert Scheme.objects.filter(name="Bench").count() == 1

    _sized("Bench", mentees=15, mentors=5)
    scheme = Scheme.objects.get(slug="bench")
    assert scheme.applications.filter(role=Role.MENTEE).count() == 15
    assert scheme.applications.filter(role=Role.MENTOR).count() == 5
    assert set(first) <= set(_people("bench"))


def _counts(queries) -> tuple[int, int]:
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    return len(queries) - len(inserts), len(inserts)


def test_sized_seeding_makes_no_query_per_row():
    _sized("Warm-up", mentees=1, mentors=1)  # creates the coordinator's account
    with CaptureQueriesContext(connection) as few:
        _sized("Few", mentees=5, mentors=3, pairs=0)
    with CaptureQueriesContext(connection) as many:
        _sized("Many", mentees=240, mentors=160, pairs=0)
    assert Scheme.objects.get(slug="many").applications.count() == 400
    (reads_few, _), (reads_many, inserts_many) = _counts(few), _counts(many)
    assert reads_many == reads_few
    # Users, addresses, applications, memberships: 1,100 rows in batches (SQLite takes
    # only 999 parameters a query, so an application's 60 columns make small batches).
    assert inserts_many < 1100 / 10


def test_sized_scheme_is_coordinated_by_the_demo_coordinator(client):
    _sized("Bench", mentees=2, mentors=2)
    scheme = Scheme.objects.get(slug="bench")
    assert scheme.memberships.get(role=Role.COORDINATOR).user.email == "coordinator@example.org"
    assert client.login(email="coordinator@example.org", password=DEMO_PASSWORD)


def test_sized_mode_refuses_negative_sizes():
    with pytest.raises(CommandError, match="cannot be negative"):
        _sized("Bench", mentees=-1)
    with pytest.raises(CommandError, match="cannot be negative"):
        _sized("Bench", pairs=-1)


# The pairs meeting (sessions.demo) ---------------------------------------------------------

Held = MentoringSession.Status


def _mean(ratings: dict) -> float:
    return sum(ratings.values()) / len(ratings)


def test_demo_pair_held_sessions_with_agendas_summaries_and_actions():
    _seed()
    ours = _our_mentorship()
    now = timezone.now()
    sessions = list(ours.sessions.order_by("starts_at"))
    held = [s for s in sessions if s.status == Held.HELD]
    assert 5 <= len(held) <= 8
    assert all(ours.started_at < s.starts_at < now for s in held)
    assert all(s.agenda and s.summary and s.summary_by in (ours.mentee, ours.mentor) for s in held)
    assert {s.summary_by for s in held} == {ours.mentee, ours.mentor}
    (cancelled,) = [s for s in sessions if s.status == Held.CANCELLED]
    assert cancelled.cancelled_by == ours.mentor and cancelled.cancel_reason
    assert cancelled.cancelled_at < cancelled.starts_at < now
    (planned,) = [s for s in sessions if s.status == Held.PLANNED]
    assert planned.starts_at > now and planned.agenda
    assert sessions[-1] == planned

    actions = list(SessionAction.objects.filter(mentorship=ours).select_related("session"))
    assert len(actions) >= len(held)
    assert {a.owner for a in actions} == {"mentee", "mentor"}
    assert any(a.goal_id for a in actions) and any(a.target_id for a in actions)
    done = [a for a in actions if a.done]
    assert 0 < len(done) < len(actions)  # open actions carry over to the next session
    assert all(a.session.starts_at < a.done_at < now for a in done)


def test_demo_pair_reflected_privately_and_shared_and_both_gave_pulses():
    _seed()
    ours = _our_mentorship()
    reflections = list(Reflection.objects.filter(session__mentorship=ours))
    assert {r.author for r in reflections} == {ours.mentee, ours.mentor}
    assert set(Reflection.Kind.values) <= {r.kind for r in reflections}
    for author in (ours.mentee, ours.mentor):
        mine = [r for r in reflections if r.author == author]
        assert {r.shared for r in mine} == {True, False}
    assert all(r.answers and r.created_at < timezone.now() for r in reflections)

    held = list(ours.sessions.filter(status=Held.HELD))
    pulses = Pulse.objects.filter(session__mentorship=ours)
    assert pulses.count() == 2 * len(held)
    assert set(pulses.values_list("usefulness", flat=True)) <= {1, 2, 3, 4}
    assert all(p.recorded_at > p.session.starts_at for p in pulses.select_related("session"))
    checks = PairingCheck.objects.filter(mentorship=ours)
    assert sorted(checks.values_list("role", "working")) == [("mentee", True), ("mentor", True)]


def test_demo_evaluations_reach_every_milestone_and_the_mentees_ratings_rise():
    _seed()
    scheme = _demo_scheme()
    evaluations = list(Evaluation.objects.filter(mentorship__scheme=scheme))
    assert set(Evaluation.Milestone.values) == {e.milestone for e in evaluations}
    assert all(e.completed_at < timezone.now() for e in evaluations)
    by_pair: dict[int, dict[str, dict]] = {}
    for e in evaluations:
        if e.role == "mentee" and e.area_ratings:
            assert set(e.area_ratings) == set(scheme.development_areas)
            by_pair.setdefault(e.mentorship_id, {})[e.milestone] = e.area_ratings
        if e.milestone != "baseline":
            assert e.relationship_ratings and e.scheme_rating and e.would_recommend is not None
    ended = [m for m in by_pair.values() if "end" in m]
    assert len(ended) == 3  # the wind-up, distance and completed pairs
    for milestones in ended:
        assert _mean(milestones["end"]) > _mean(milestones["baseline"]) + 0.5
        assert all(milestones["end"][a] >= r for a, r in milestones["baseline"].items())
    (followed,) = [m for m in by_pair.values() if "follow_up" in m]
    # Most of the change holds three months on.
    gain = _mean(followed["end"]) - _mean(followed["baseline"])
    kept = _mean(followed["follow_up"]) - _mean(followed["baseline"])
    assert gain * 0.6 <= kept <= gain


def test_demo_pairs_evaluations_and_final_reviews_fit_their_stages():
    _seed()
    ours = _our_mentorship()
    assert list(ours.evaluations.values_list("role", "milestone")) == [("mentee", "baseline")]
    mentorships = Mentorship.objects.filter(
        scheme=_demo_scheme(), status__in=[Mentorship.Status.ACTIVE, Mentorship.Status.COMPLETED]
    )

    def milestones(mentorship):
        return sorted(mentorship.evaluations.values_list("role", "milestone"))

    both = [("mentee", "end"), ("mentee", "mid"), ("mentor", "end"), ("mentor", "mid")]
    wind_up = mentorships.get(stage=Mentorship.Stage.WIND_UP)
    assert milestones(wind_up) == sorted([("mentee", "baseline"), *both])
    assert not FinalReview.objects.filter(mentorship=wind_up).exists()
    assert wind_up.sessions.filter(status=Held.PLANNED, starts_at__gt=timezone.now()).exists()

    distance = mentorships.get(stage=Mentorship.Stage.DISTANCE, status="active")
    assert milestones(distance) == sorted([("mentee", "baseline"), *both])
    review = distance.final_review
    move = distance.stage_moves.get(to_stage=Mentorship.Stage.DISTANCE)
    assert move.kind == StageMove.Kind.AUTOMATIC and move.moved_at == review.completed_at

    completed = mentorships.get(status=Mentorship.Status.COMPLETED)
    follow_up = completed.evaluations.get(role="mentee", milestone="follow_up")
    end = completed.stage_moves.get(to_stage=StageMove.COMPLETED)
    assert end.kind == StageMove.Kind.AUTOMATIC
    assert end.moved_at == follow_up.completed_at == completed.ended_at
    assert follow_up.completed_at - completed.final_review.completed_at >= timedelta(days=89)
    assert completed.evaluations.filter(role="mentor", milestone="follow_up").exists()

    goal_setting = mentorships.get(stage=Mentorship.Stage.GOAL_SETTING)
    statuses = list(goal_setting.sessions.values_list("status", "cancelled_by"))
    assert statuses == [(Held.CANCELLED, goal_setting.mentor_id)] * 2
    starting = mentorships.get(stage=Mentorship.Stage.INITIATION)
    assert list(starting.sessions.values_list("status", flat=True)) == [Held.PLANNED]
    assert list(starting.evaluations.values_list("milestone", flat=True)) == ["baseline"]


def test_demo_coordinator_sees_the_pairs_meetings_but_no_word_they_wrote(client):
    _seed()
    client.force_login(User.objects.get(email="coordinator@example.org"))
    for mentorship in Mentorship.objects.filter(scheme=_demo_scheme(), started_at__isnull=False):
        url = reverse(
            "agreements:scheme_pair", kwargs={"slug": DEMO_SCHEME["slug"], "pk": mentorship.pk}
        )
        response = client.get(url)
        assert response.status_code == 200
        text = response.content.decode()
        written = [s.summary for s in mentorship.sessions.all()]
        written += [a for s in mentorship.sessions.all() for a in s.agenda.values()]
        written += [a.text for a in mentorship.session_actions.all()]
        written += [
            answer
            for r in Reflection.objects.filter(session__mentorship=mentorship)
            for answer in r.answers.values()
            if len(answer) > 10
        ]
        written += [e.comments for e in mentorship.evaluations.all()]
        for words in filter(None, written):
            assert escape(words)[:40] not in text


def _sessions_snapshot() -> list:
    return [
        sorted(MentoringSession.objects.values_list("mentorship_id", "starts_at", "status")),
        SessionAction.objects.count(),
        Reflection.objects.count(),
        Pulse.objects.count(),
        PairingCheck.objects.count(),
        sorted(Evaluation.objects.values_list("mentorship_id", "role", "milestone")),
        FinalReview.objects.count(),
        StageMove.objects.count(),
    ]


def test_seed_demo_again_adds_no_session_reflection_pulse_or_evaluation():
    _seed()
    before = _sessions_snapshot()
    assert before[1] and before[2] and before[5]
    _seed()
    assert _sessions_snapshot() == before


def test_sized_scheme_pairs_meet_and_evaluate_in_every_stage():
    output = _sized("Bench", mentees=80, mentors=60)
    scheme = Scheme.objects.get(slug="bench")
    mentorships = Mentorship.objects.filter(scheme=scheme)
    approved = scheme.applications.filter(role=Role.MENTEE, status=S.APPROVED).count()
    assert 0 < mentorships.count() <= approved // 2 + 1
    assert set(mentorships.values_list("stage", flat=True)) == set(Mentorship.Stage.values)
    assert mentorships.filter(status=Mentorship.Status.COMPLETED).exists()
    sessions = MentoringSession.objects.filter(mentorship__scheme=scheme)
    assert sessions.filter(status=Held.HELD).count() > 5 * mentorships.count() // 2
    assert set(sessions.values_list("status", flat=True)) >= {"held", "cancelled", "planned"}
    evaluations = Evaluation.objects.filter(mentorship__scheme=scheme)
    assert set(evaluations.values_list("milestone", flat=True)) == set(Evaluation.Milestone.values)
    for e in evaluations.filter(milestone="end", role="mentee"):
        baseline = evaluations.get(mentorship=e.mentorship_id, milestone="baseline")
        assert _mean(e.area_ratings) >= _mean(baseline.area_ratings)
    now = timezone.now()
    assert not sessions.exclude(status=Held.PLANNED).filter(starts_at__gt=now).exists()
    assert not evaluations.filter(completed_at__gt=now).exists()
    for mentorship in mentorships:
        mentorship.full_clean(validate_unique=False)
        held = mentorship.sessions.filter(status=Held.HELD).order_by("starts_at").first()
        moves = list(mentorship.stage_moves.order_by("moved_at"))
        assert all(mentorship.started_at < m.moved_at < now for m in moves)
        if held:
            assert held.starts_at > mentorship.started_at
    assert f"started {mentorships.count()} pairs with {sessions.count()} sessions" in output


def test_sized_scheme_pairs_are_made_once_and_reads_do_not_grow_with_them():
    _sized("Warm-up", mentees=1, mentors=1)
    with CaptureQueriesContext(connection) as few:
        _sized("Few", mentees=8, mentors=6)
    with CaptureQueriesContext(connection) as many:
        _sized("Many", mentees=160, mentors=120)
    assert Mentorship.objects.filter(scheme__slug="many").count() > 40
    assert _counts(few)[0] == _counts(many)[0]
    before = _sessions_snapshot()
    output = _sized("Many", mentees=160, mentors=120)
    assert "started 0 pairs with 0 sessions" in output
    assert _sessions_snapshot() == before
