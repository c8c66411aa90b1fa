"""What a pair writes about their sessions never reaches anyone else: a unique marker
planted in each kind of content (every agenda prompt, the summary, an action, the
evaluation comments, every field of the final review, the session's place) appears in
no page a coordinator or HR opens, and every pair address answers them 404."""

import pytest
from django.urls import reverse

from matching.models import Mentorship
from sessions.models import AGENDA_KEYS
from sessions.services.evaluations import evaluation_complete, final_review_complete
from sessions.services.sessions import session_agenda_save, session_summary_save
from tests.conftest import evaluation_answers

pytestmark = pytest.mark.django_db

MARK = "SESSMARK"


def marker(name: str) -> str:
    return f"{MARK}-{name}-9c1e"


@pytest.fixture
def written(active_mentorship, mentee, mentor, held_session, planned_session):
    """A pair that has written something in every field, with the session's place
    marked too."""
    from sessions.models import MentoringSession

    MentoringSession.objects.filter(pk=held_session.pk).update(place=marker("place"))
    session_agenda_save(
        session=planned_session,
        user=mentee,
        agenda={key: marker(f"agenda-{key}") for key in AGENDA_KEYS},
    )
    session_summary_save(
        session=held_session,
        user=mentor,
        summary=marker("summary"),
        actions=[{"owner": "mentee", "text": marker("action")}],
    )
    evaluation_complete(
        mentorship=active_mentorship,
        user=mentee,
        milestone="baseline",
        **evaluation_answers(active_mentorship, "mentee", "baseline"),
    )
    Mentorship.objects.filter(pk=active_mentorship.pk).update(stage=Mentorship.Stage.WIND_UP)
    for person, role in ((mentee, "mentee"), (mentor, "mentor")):
        answers = evaluation_answers(active_mentorship, role, "end")
        answers["comments"] = marker(f"comments-{role}")
        evaluation_complete(mentorship=active_mentorship, user=person, milestone="end", **answers)
    final_review_complete(
        mentorship=active_mentorship,
        user=mentee,
        targets_met=marker("targets"),
        enjoyed=marker("enjoyed"),
        difficult=marker("difficult"),
        marking_end=marker("ending"),
    )
    return active_mentorship


def _coordinator_pages(mentorship):
    slug = mentorship.scheme.slug
    return [
        reverse("agreements:scheme_pair", args=[slug, mentorship.pk]),
        reverse("agreements:scheme_pairs", args=[slug]),
        reverse("matching:mentorship", args=[mentorship.pk]),
        reverse("matching:scheme_mentorships", args=[slug]),
        reverse("sessions:session_settings", args=[slug]),
        reverse("scheme", args=[slug]),
    ]


def _pair_pages(mentorship, session):
    pk = mentorship.pk
    return [
        reverse("agreements:pair", args=[pk]),
        reverse("sessions:session_list", args=[pk]),
        reverse("sessions:session", args=[pk, session.pk]),
        reverse("sessions:session_summary", args=[pk, session.pk]),
        reverse("sessions:session_agenda", args=[pk, session.pk]),
        reverse("sessions:session_calendar", args=[pk, session.pk]),
        reverse("sessions:evaluations", args=[pk]),
        reverse("sessions:evaluation", args=[pk, "end"]),
        reverse("sessions:final_review", args=[pk]),
    ]


def test_no_coordinator_page_shows_what_the_pair_wrote(client, written, coordinator):
    client.force_login(coordinator)
    for url in _coordinator_pages(written):
        response = client.get(url)
        assert response.status_code == 200, url
        assert MARK not in response.content.decode(), url


def test_no_hr_page_shows_what_the_pair_wrote(client, written, hr_viewer):
    client.force_login(hr_viewer)
    for url in (
        reverse("dashboard:reports"),
        reverse("dashboard:scheme_figures", args=[written.scheme.slug]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert MARK not in response.content.decode(), url


@pytest.mark.parametrize("role", ["coordinator", "hr_viewer", "other_coordinator", "outsider"])
def test_every_pair_page_is_404_to_anyone_outside_the_pair(
    client, request, written, held_session, role
):
    client.force_login(request.getfixturevalue(role))
    for url in _pair_pages(written, held_session):
        assert client.get(url).status_code == 404, (role, url)


def test_the_pair_reads_what_they_wrote(client, written, held_session, mentor):
    """The markers are really there for the pair: the tests above would find them."""
    client.force_login(mentor)
    page = client.get(reverse("sessions:session", args=[written.pk, held_session.pk]))
    assert marker("summary") in page.content.decode()
    assert marker("action") in page.content.decode()


def test_the_admin_never_lists_a_pulse_rating(client, site_admin, held_session, mentee):
    from sessions.services.reflections import pulse_record

    pulse = pulse_record(session=held_session, user=mentee, usefulness=3)
    client.force_login(site_admin)

    page = client.get(
        reverse("admin:matching_mentorship_delete", args=[held_session.mentorship_id])
    )

    assert page.status_code == 200
    assert f"Pulse {pulse.pk} on session" in page.content.decode()
    assert "3/4" not in page.content.decode()
