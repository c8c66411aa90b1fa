"""The coordinator's dashboard of a scheme: its figures on known data, nothing a person
wrote, the same number of queries for 2 pairs as for 30, and the scheme's hub leads to
it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements.models import AgreementVersion, Concern, Goal, Target
from dashboard.figures import dashboard_figures
from matching.models import Mentorship
from schemes.models import Application, Membership
from sessions.models import Evaluation, FinalReview, MentoringSession, Pulse, Reflection
from tests.factories import ApplicationFactory, InvitationFactory, approved_mentee, approved_mentor
from tests.html import Page, assert_accessible_page
from tests.html import visible_text as text

pytestmark = pytest.mark.django_db

MARKER = "ZQX-CONFIDENTIAL-7731"
Status = Mentorship.Status


def dashboard_url(slug: str = "council") -> str:
    return reverse("dashboard:scheme_dashboard", kwargs={"slug": slug})


def make_pair(
    scheme,
    mentor_application=None,
    *,
    status=Status.ACTIVE,
    started=None,
    stage=Mentorship.Stage.INITIATION,
    ended_by=None,
):
    """A mentorship of a new approved mentee (and ``mentor_application``, or a new
    mentor) in ``status``, started ``started`` ago."""
    mentee_app = approved_mentee(scheme)
    mentor_app = mentor_application or approved_mentor(scheme, capacity=3)
    now = timezone.now()
    started_at = now - started if started is not None else None
    pair = Mentorship.objects.create(
        scheme=scheme,
        mentee=mentee_app.user,
        mentor=mentor_app.user,
        mentee_application=mentee_app,
        mentor_application=mentor_app,
        respond_by=now + timedelta(days=7),
        status=status,
        stage=stage,
        started_at=started_at,
        ended_at=now if status in (Status.ENDED, Status.COMPLETED) else None,
        end_reason="We stopped." if status == Status.ENDED else "",
    )
    if ended_by is not None:
        who = {"mentee": pair.mentee, "mentor": pair.mentor}.get(ended_by, ended_by)
        Mentorship.objects.filter(pk=pair.pk).update(ended_by=who)
    Application.objects.filter(pk=mentee_app.pk).update(status=Application.Status.MATCHED)
    return pair


def held(pair, when, minutes=60):
    return MentoringSession.objects.create(
        mentorship=pair, starts_at=when, duration_minutes=minutes, format="video", status="held"
    )


def sign(pair, after: timedelta):
    AgreementVersion.objects.create(
        mentorship=pair,
        number=1,
        status=AgreementVersion.Status.IN_FORCE,
        in_force_at=pair.started_at + after,
        content_hash="x",
    )


@pytest.fixture
def known_scheme(scheme, coordinator):
    """Two mentees invited (a third invitation withdrawn), one applying through it and
    one draft; four pairs: two active with one mentor, one ended early by its mentor at
    goal setting, one waiting for replies; and an approved mentor with no mentee."""
    InvitationFactory(scheme=scheme, role="mentee", email="a@example.org")
    invited = InvitationFactory(scheme=scheme, role="mentee", email="b@example.org")
    InvitationFactory(scheme=scheme, role="mentee", email="c@example.org", status="revoked")
    ApplicationFactory(scheme=scheme, role="mentee", status="submitted", invitation=invited)
    ApplicationFactory(scheme=scheme, role="mentee", status="draft")
    shared_mentor = approved_mentor(scheme, capacity=3)
    first = make_pair(scheme, shared_mentor, started=timedelta(days=40))
    second = make_pair(scheme, shared_mentor, started=timedelta(days=20))
    make_pair(
        scheme,
        status=Status.ENDED,
        started=timedelta(days=30),
        stage=Mentorship.Stage.GOAL_SETTING,
        ended_by="mentor",
    )
    make_pair(scheme, status=Status.PROPOSED)
    approved_mentor(scheme)
    # Three sessions held by the first pair in March 2025, one by the second in April.
    march = [held(first, datetime(2025, 3, day, 10, tzinfo=UTC)) for day in (3, 10, 17)]
    april = held(second, datetime(2025, 4, 14, 10, tzinfo=UTC), minutes=30)
    held(first, datetime(2025, 3, 20, 10, tzinfo=UTC))
    MentoringSession.objects.filter(starts_at__day=20).update(status="missed")
    sign(first, timedelta(days=10))
    sign(second, timedelta(days=4))
    Evaluation.objects.create(
        mentorship=first,
        respondent=first.mentee,
        role="mentee",
        milestone="baseline",
        completed_at=timezone.now(),
    )
    # Six ratings in March (mean 3.0), two in April (too few to show).
    for n, (session, person) in enumerate(
        (s, p) for s in march for p in (first.mentee, first.mentor)
    ):
        Pulse.objects.create(
            session=session,
            author=person,
            role="mentee" if person == first.mentee else "mentor",
            usefulness=(2, 4, 3, 3, 2, 4)[n],
            recorded_at=datetime(2025, 3, 21, 10, tzinfo=UTC),
        )
    for person, role in ((second.mentee, "mentee"), (second.mentor, "mentor")):
        Pulse.objects.create(
            session=april,
            author=person,
            role=role,
            usefulness=4,
            recorded_at=datetime(2025, 4, 15, 10, tzinfo=UTC),
        )
    return scheme


def test_the_funnel_counts_mentees_so_no_step_passes_the_one_before(scheme, coordinator):
    """A mentee whose first mentorship ended early and whose second (with another
    mentor) was completed counts once as active, once as ended early and once as
    completed: never more mentees in a step than started."""
    first = make_pair(scheme, status=Status.ENDED, started=timedelta(days=200))
    second_mentor = approved_mentor(scheme)
    Mentorship.objects.create(
        scheme=scheme,
        mentee=first.mentee,
        mentor=second_mentor.user,
        mentee_application=first.mentee_application,
        mentor_application=second_mentor,
        respond_by=timezone.now(),
        status=Status.COMPLETED,
        started_at=timezone.now() - timedelta(days=100),
        ended_at=timezone.now(),
    )
    make_pair(scheme, status=Status.COMPLETED, started=timedelta(days=300))
    funnel = {step.key: step for step in dashboard_figures(scheme, reader=coordinator).funnel}
    assert (funnel["active"].count, funnel["completed"].count, funnel["ended"].count) == (2, 2, 1)
    assert funnel["completed"].conversion == 100
    assert funnel["ended"].conversion == 50


def test_the_figures_on_known_data(known_scheme, coordinator):
    board = dashboard_figures(known_scheme, reader=coordinator)
    funnel = {step.key: step for step in board.funnel}
    assert [funnel[key].count for key in funnel] == [2, 5, 4, 4, 3, 0, 1]
    assert funnel["applied"].conversion == 50  # one of the two invited applied
    assert funnel["approved"].conversion == 80
    assert funnel["active"].conversion == 75
    assert funnel["ended"].conversion == 33
    assert board.active_now == 2
    assert (board.mentors_applied, board.mentors_approved) == (4, 4)

    assert [(m.label, m.sessions, m.hours) for m in board.months] == [
        ("Mar 2025", 3, 3.0),
        ("Apr 2025", 1, 0.5),
    ]
    assert (board.sessions_held, board.hours_held) == (4, 3.5)
    assert (board.started_pairs, board.pairs_three_sessions) == (3, 1)
    assert (board.agreements_signed, board.median_days_to_sign) == (2, 7.0)

    baseline = board.responses[0]
    assert (baseline.mentee_given, baseline.mentee_due, baseline.mentor_due) == (1, 3, None)
    assert baseline.rate == 33
    assert [(p.label, p.ratings, p.mean) for p in board.pulse] == [
        ("Mar 2025", 6, 3.0),
        ("Apr 2025", 2, None),
    ]
    assert board.ended_early == 1
    assert {t.key: t.count for t in board.ended_by} == {
        "mentee": 0,
        "mentor": 1,
        "coordinator": 0,
        "unknown": 0,
    }
    assert {t.key: t.count for t in board.ended_stage}["goal_setting"] == 1
    # The shared mentor has 2 active mentees; the ended pair's, the proposed pair's and
    # the spare mentor have none.
    assert {t.key: t.count for t in board.mentor_load} == {"0": 3, "1": 0, "2": 1, "3 or more": 0}


def test_the_page_shows_the_figures_with_a_chart_and_a_table_for_each(
    client, known_scheme, coordinator
):
    client.force_login(coordinator)
    response = client.get(dashboard_url())
    assert response.status_code == 200
    content = text(response)
    assert "75% of matched" in content
    assert "2 of 3 mentorships that started have signed an agreement" in content
    assert "7.0 days" in content
    assert "1 of 3 mentorships that started has held three sessions or more" in content
    assert "fewer than 5 ratings" in content
    assert "3.0 (6 ratings)" in content
    html = response.content.decode()
    page = Page(html)
    # Every chart's data block exists, and every canvas names its own.
    for chart in ("funnel", "sessions", "responses", "pulse", "load"):
        assert f'data-chart="chart-{chart}"' in html
        assert f'<script id="chart-{chart}" type="application/json">' in html
    assert "vendor/chartjs/chart.umd.min.js" in html and "js/charts.js" in html
    assert "<script>" not in html  # nothing inline
    assert reverse("sessions:at_risk", kwargs={"slug": "council"}) in {
        attrs.get("href") for attrs, _ in page.links
    }


def test_an_empty_scheme_says_so_and_draws_no_empty_chart(client, scheme, coordinator):
    client.force_login(coordinator)
    response = client.get(dashboard_url())
    content = text(response)
    assert "No mentorship has started yet." in content
    assert "No pulse rating given yet." in content
    assert "No mentorship has ended early." in content
    assert 'data-chart="chart-sessions"' not in response.content.decode()


def test_at_risk_pairs_are_counted_and_linked(client, scheme_with_pairs, coordinator):
    client.force_login(coordinator)
    content = text(client.get(dashboard_url()))
    assert "1 pair has a flag no coordinator has handled." in content
    assert "A concern is open" in content


def test_the_hub_leads_coordinators_to_the_dashboard(client, scheme, coordinator, mentee):
    client.force_login(coordinator)
    links = {
        a.get("href")
        for a, _ in Page(client.get(reverse("scheme", args=["council"])).content.decode()).links
    }
    assert dashboard_url() in links
    client.force_login(mentee)
    links = {
        a.get("href")
        for a, _ in Page(client.get(reverse("scheme", args=["council"])).content.decode()).links
    }
    assert dashboard_url() not in links


def test_no_text_a_person_wrote_ever_appears(
    client,
    coordinator,
    concern,
    goal,
    target,
    session_action,
    held_session,
    evaluated_pair,
    final_review,
):
    """A marker planted in every kind of pair-written text, and in an early ending's
    reason, never reaches the page."""
    pair = held_session.mentorship
    MentoringSession.objects.filter(pk=held_session.pk).update(
        agenda={"since_last": MARKER}, summary=MARKER, cancel_reason=MARKER
    )
    Concern.objects.filter(pk=concern.pk).update(text=MARKER, action=MARKER)
    Goal.objects.filter(pk=goal.pk).update(title=MARKER, why=MARKER, success_criteria=MARKER)
    Target.objects.filter(pk=target.pk).update(what=MARKER, measure=MARKER)
    session_action.__class__.objects.filter(pk=session_action.pk).update(text=MARKER)
    Evaluation.objects.filter(mentorship=pair).update(comments=MARKER)
    FinalReview.objects.filter(pk=final_review.pk).update(
        targets_met=MARKER, enjoyed=MARKER, difficult=MARKER, marking_end=MARKER
    )
    Reflection.objects.create(
        session=held_session, author=pair.mentee, kind="mentee_after", answers={"a": MARKER}
    )
    ended = make_pair(pair.scheme, status=Status.ENDED, started=timedelta(days=9))
    Mentorship.objects.filter(pk=ended.pk).update(end_reason=MARKER, decline_reason=MARKER)
    Application.objects.filter(scheme=pair.scheme).update(decision_reason=MARKER)
    client.force_login(coordinator)
    response = client.get(dashboard_url())
    assert response.status_code == 200
    assert "1 mentorship ended early" in text(response)
    assert MARKER not in response.content.decode()


def _scheme_of(scheme, pairs: int):
    """``pairs`` pairs of every kind, each with sessions, pulses, an agreement and an
    evaluation."""
    kinds = [Status.ACTIVE, Status.ENDED, Status.COMPLETED, Status.PROPOSED]
    for n in range(pairs):
        kind = kinds[n % len(kinds)]
        pair = make_pair(
            scheme,
            status=kind,
            started=None if kind == Status.PROPOSED else timedelta(days=30 + n),
            ended_by="mentee" if kind == Status.ENDED else None,
        )
        if kind == Status.PROPOSED:
            continue
        session = held(pair, timezone.now() - timedelta(days=n + 1))
        Pulse.objects.create(
            session=session,
            author=pair.mentee,
            role="mentee",
            usefulness=3,
            recorded_at=session.starts_at,
        )
        sign(pair, timedelta(days=2))
        Evaluation.objects.create(
            mentorship=pair,
            respondent=pair.mentee,
            role="mentee",
            milestone="baseline",
            completed_at=timezone.now(),
        )
    return scheme


def _queries(client, slug):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(dashboard_url(slug))
    assert response.status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_scheme(
    client, coordinator, scheme, other_scheme, django_assert_max_num_queries
):
    Membership.objects.create(scheme=other_scheme, user=coordinator, role="coordinator")
    _scheme_of(scheme, 2)
    _scheme_of(other_scheme, 30)
    client.force_login(coordinator)
    small = _queries(client, scheme.slug)
    large = _queries(client, other_scheme.slug)
    assert small == large
    with django_assert_max_num_queries(small):
        client.get(dashboard_url(other_scheme.slug))


def test_the_full_page_passes_the_accessibility_and_csp_checks(client, known_scheme, coordinator):
    client.force_login(coordinator)
    assert_accessible_page(Page(client.get(dashboard_url()).content.decode()))


def test_the_at_risk_count_is_the_at_risk_pages(scheme_with_pairs, coordinator, mentee):
    """The dashboard counts the at-risk page's open flags (``at_risk_for``): a handled
    flag is not counted, nor a pair the reader is in."""
    from sessions.selectors.risk import at_risk_for
    from sessions.services.reminders import risk_handle

    quiet = make_pair(scheme_with_pairs, started=timedelta(weeks=10))
    board = dashboard_figures(scheme_with_pairs, reader=coordinator)
    page = at_risk_for(scheme_with_pairs, reader=coordinator)
    assert board.at_risk_pairs == page.pairs == 2
    assert {t.key: t.count for t in board.at_risk_reasons} == {
        reason: len({row.mentorship.pk for row in page.open if row.reason == reason})
        for reason in {row.reason for row in page.open}
    }
    for flag in [row for row in page.open if row.mentorship.pk == quiet.pk]:
        risk_handle(
            coordinator=coordinator,
            mentorship=quiet,
            reason=flag.reason,
            situation=flag.situation,
            note="",
            handled=True,
        )
    assert dashboard_figures(scheme_with_pairs, reader=coordinator).at_risk_pairs == 1
    # A coordinator who is in the pair left never counts it (nor sees it on the page).
    assert dashboard_figures(scheme_with_pairs, reader=mentee).at_risk_pairs == 0
    assert at_risk_for(scheme_with_pairs, reader=mentee).pairs == 0


def test_the_hourly_sweeps_flags_are_counted_without_a_scan(
    scheme_with_pairs, coordinator, monkeypatch
):
    """After the hourly sweep, the dashboard counts the flags it found (their keys
    only) without scanning the scheme again; handling a flag still counts at once."""
    from sessions.selectors import reminders
    from sessions.selectors.risk import at_risk_for
    from sessions.services.reminders import reminders_sweep, risk_handle

    swept_at = timezone.now()
    reminders_sweep(now=swept_at)
    expected = at_risk_for(scheme_with_pairs, reader=coordinator)

    def no_scan(**kwargs):
        raise AssertionError("the dashboard scanned the scheme again")

    monkeypatch.setattr(reminders, "reminders_scan", no_scan)
    board = dashboard_figures(scheme_with_pairs, reader=coordinator)
    assert board.at_risk_pairs == expected.pairs == 1
    assert board.at_risk_counted_at == swept_at
    flag = expected.open[0]
    risk_handle(
        coordinator=coordinator,
        mentorship=flag.mentorship,
        reason=flag.reason,
        situation=flag.situation,
        note="",
        handled=True,
    )
    assert dashboard_figures(scheme_with_pairs, reader=coordinator).at_risk_pairs == 0
