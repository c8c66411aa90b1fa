"""A reflection is its author's until they share it: a unique marker planted in every
field of every kind of reflection, private and shared, never reaches the coordinators,
HR or another pair, and a private one never reaches the other person of the pair. The
pairing check's "no" is told to the coordinators only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import Mentorship
from sessions.models import MentoringSession
from sessions.reflections import QUESTION_SETS
from sessions.services.reflections import pairing_check_answer, reflection_save
from tests.agreements.test_confidentiality import coordinator_pages, hr_pages
from tests.factories import approved_mentee, approved_mentor

pytestmark = pytest.mark.django_db

SUFFIX = "c41e"


def marker(name: str) -> str:
    return f"REFLMARK-{name}-{SUFFIX}"


def answers_for(kind: str, prefix: str) -> dict[str, str]:
    """Every question of ``kind`` answered; a checklist item can only be yes, partly
    or no, so its marker goes in the note, the only text it holds."""
    return {
        q.key: ("partly" if q.choice else marker(f"{prefix}-{kind}-{q.key}"))
        for q in QUESTION_SETS[kind].questions
    }


def _held(mentorship, days_ago: int) -> MentoringSession:
    return MentoringSession.objects.create(
        mentorship=mentorship,
        starts_at=timezone.now() - timedelta(days=days_ago),
        duration_minutes=60,
        format="video",
        status="held",
    )


@pytest.fixture
def planted(active_mentorship, mentee, mentor, coordinator):
    """Two held sessions: on the first every reflection of both is shared, on the
    second every one is private. Returns (private markers by author role, shared
    markers by author role, the sessions)."""
    shared_on = _held(active_mentorship, 3)
    private_on = _held(active_mentorship, 2)
    private: dict[str, list[str]] = {"mentee": [], "mentor": []}
    shared: dict[str, list[str]] = {"mentee": [], "mentor": []}
    for kind, questions in QUESTION_SETS.items():
        author = mentee if questions.role == "mentee" else mentor
        for session, prefix, store in (
            (shared_on, "shared", shared),
            (private_on, "private", private),
        ):
            answers = answers_for(kind, prefix)
            reflection_save(
                session=session,
                user=author,
                kind=kind,
                answers=answers,
                shared=prefix == "shared",
            )
            store[questions.role] += [v for v in answers.values() if v.startswith("REFLMARK")]
    pairing_check_answer(mentorship=active_mentorship, user=mentee, working=False)
    return private, shared, [shared_on, private_on]


def pair_urls(mentorship, sessions) -> list[str]:
    """Every page of the pair's space the test can name, sessions' and agreements'."""
    pk = mentorship.pk
    urls = [
        reverse(name, kwargs={"pk": pk})
        for name in (
            "agreements:pair",
            "agreements:concern_raise",
            "agreements:agreement",
            "agreements:goal_create",
            "sessions:session_list",
            "sessions:session_plan",
            "sessions:session_log",
            "sessions:pairing_check",
            "sessions:evaluations",
            "sessions:final_review",
        )
    ]
    for milestone in ("baseline", "mid", "end", "follow_up"):
        urls.append(reverse("sessions:evaluation", kwargs={"pk": pk, "milestone": milestone}))
    for session in sessions:
        for name in (
            "sessions:session",
            "sessions:session_edit",
            "sessions:session_cancel",
            "sessions:session_status",
            "sessions:session_agenda",
            "sessions:session_summary",
            "sessions:session_calendar",
            "sessions:pulse",
        ):
            urls.append(reverse(name, kwargs={"pk": pk, "session": session.pk}))
        for kind in QUESTION_SETS:
            urls.append(
                reverse(
                    "sessions:reflection", kwargs={"pk": pk, "session": session.pk, "kind": kind}
                )
            )
    return urls


def coordinator_urls(mentorship) -> list[str]:
    slug = mentorship.scheme.slug
    return [
        reverse("agreements:scheme_pair", kwargs={"slug": slug, "pk": mentorship.pk}),
        reverse("agreements:scheme_pairs", kwargs={"slug": slug}),
        reverse("sessions:session_settings", kwargs={"slug": slug}),
    ]


def assert_none_shown(client, urls, secret) -> None:
    for url in urls:
        response = client.get(url)
        content = response.content.decode(errors="replace")
        leaked = [m for m in secret if m in content]
        assert not leaked, f"{url} shows {leaked}"


def every(markers: dict[str, list[str]]) -> list[str]:
    return markers["mentee"] + markers["mentor"]


def test_the_markers_are_really_there_for_their_authors(client, planted, mentee, mentor):
    private, shared, sessions = planted
    # 3 + 3 + 3 + the checklist's note, for each of the two sessions.
    assert len(every(private)) == len(every(shared)) == 10

    client.force_login(mentee)
    for session in sessions:
        for kind in ("mentee_before", "mentee_after"):
            url = reverse(
                "sessions:reflection",
                kwargs={"pk": session.mentorship_id, "session": session.pk, "kind": kind},
            )
            content = client.get(url).content.decode()
            for key, value in answers_for(
                kind, "shared" if session == sessions[0] else "private"
            ).items():
                if value.startswith("REFLMARK"):
                    assert value in content, (url, key)


def test_the_other_person_reads_shared_reflections_and_never_private_ones(
    client, planted, mentee, mentor, active_mentorship
):
    private, shared, sessions = planted

    client.force_login(mentor)
    urls = pair_urls(active_mentorship, sessions)
    assert_none_shown(client, urls, private["mentee"])
    shown = client.get(
        reverse(
            "sessions:reflection",
            kwargs={"pk": active_mentorship.pk, "session": sessions[0].pk, "kind": "mentor_after"},
        )
    ).content.decode()
    assert all(m in shown for m in shared["mentee"])

    client.force_login(mentee)
    assert_none_shown(client, urls, private["mentor"])
    shown = client.get(
        reverse(
            "sessions:reflection",
            kwargs={"pk": active_mentorship.pk, "session": sessions[0].pk, "kind": "mentee_before"},
        )
    ).content.decode()
    assert all(m in shown for m in shared["mentor"])


def test_the_coordinator_sees_no_reflection_shared_or_private(
    client, planted, coordinator, active_mentorship, concern
):
    private, shared, sessions = planted
    client.force_login(coordinator)

    urls = (
        coordinator_pages(active_mentorship, concern)
        + coordinator_urls(active_mentorship)
        + pair_urls(active_mentorship, sessions)
    )
    assert_none_shown(client, urls, every(private) + every(shared))
    for url in pair_urls(active_mentorship, sessions):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("role", ["hr_viewer", "other_coordinator", "site_admin", "outsider"])
def test_hr_and_anyone_outside_the_pair_see_no_reflection(
    client, request, planted, active_mentorship, role
):
    private, shared, sessions = planted
    client.force_login(request.getfixturevalue(role))

    urls = hr_pages(active_mentorship) + pair_urls(active_mentorship, sessions)
    assert_none_shown(client, urls, every(private) + every(shared))
    for url in pair_urls(active_mentorship, sessions):
        assert client.get(url).status_code == 404, url


def test_another_pair_of_the_scheme_sees_no_reflection(client, planted, scheme, active_mentorship):
    private, shared, sessions = planted
    mentee_application = approved_mentee(scheme, "second-mentee@example.org")
    mentor_application = approved_mentor(scheme, "second-mentor@example.org")
    theirs = Mentorship.objects.create(
        scheme=scheme,
        mentee=mentee_application.user,
        mentor=mentor_application.user,
        mentee_application=mentee_application,
        mentor_application=mentor_application,
        respond_by=timezone.now() + timedelta(days=14),
        score=0.0,
        breakdown=[],
        status=Mentorship.Status.ACTIVE,
        mentee_response=Mentorship.Response.ACCEPTED,
        mentor_response=Mentorship.Response.ACCEPTED,
        started_at=timezone.now() - timedelta(days=1),
    )
    their_session = _held(theirs, 1)
    client.force_login(theirs.mentee)

    ours = pair_urls(active_mentorship, sessions)
    # Their own session's reflection pages, addressed through our pair and through theirs.
    own = pair_urls(theirs, [their_session])
    assert_none_shown(client, ours + own, every(private) + every(shared))
    for url in ours:
        assert client.get(url).status_code == 404, url
    # Our session through their pair's address: 404 too.
    crossed = reverse(
        "sessions:reflection",
        kwargs={"pk": theirs.pk, "session": sessions[0].pk, "kind": "mentee_after"},
    )
    assert client.get(crossed).status_code == 404


def test_the_no_is_never_shown_to_the_other_person(client, planted, mentor, active_mentorship):
    sessions = planted[2]
    client.force_login(mentor)

    for url in pair_urls(active_mentorship, sessions):
        content = client.get(url).content.decode()
        assert "answered <strong>no</strong>" not in content, url
        assert "The mentee answered" not in content, url
