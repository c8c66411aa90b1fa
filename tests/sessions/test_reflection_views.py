"""The pages of reflections, the pulse and the early check, and the panels they add to
the pair's page and the coordinators' page of a pair."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from agreements.permissions import get_pair_for_user
from sessions.models import MentoringSession, PairingCheck, Pulse, Reflection
from sessions.selectors.reflections import reflections_on_session
from sessions.services.reflections import pairing_check_answer, pulse_record, reflection_save

pytestmark = pytest.mark.django_db


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def reflection_url(session, kind):
    return reverse(
        "sessions:reflection",
        kwargs={"pk": session.mentorship_id, "session": session.pk, "kind": kind},
    )


def session_url(session):
    return reverse("sessions:session", kwargs={"pk": session.mentorship_id, "session": session.pk})


def check_url(mentorship):
    return reverse("sessions:pairing_check", kwargs={"pk": mentorship.pk})


# --- a reflection ---


def test_the_mentee_sees_the_questions_hints_and_who_reads_it(client, held_session, mentee, mentor):
    client.force_login(mentee)

    response = client.get(reflection_url(held_session, "mentee_after"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "What was useful in this session?" in content
    assert "Specific steps you can take" in content
    assert f"Share this reflection with {mentor.get_short_name()}" in content
    assert "coordinators and HR never read it" in content


@pytest.mark.parametrize(
    ("viewer", "kind"),
    [
        ("mentor", "mentee_after"),
        ("mentor", "mentee_before"),
        ("mentee", "mentor_checklist"),
        ("mentee", "no-such-kind"),
    ],
)
def test_a_kind_the_viewer_does_not_write_is_404(client, request, held_session, viewer, kind):
    client.force_login(request.getfixturevalue(viewer))

    assert client.get(reflection_url(held_session, kind)).status_code == 404
    assert client.post(reflection_url(held_session, kind), {"useful": "x"}).status_code == 404
    assert not Reflection.objects.exists()


def test_saving_a_private_reflection_goes_back_to_the_session(client, held_session, mentee):
    client.force_login(mentee)

    response = client.post(
        reflection_url(held_session, "mentee_after"), {"useful": "The role play", "work_on": ""}
    )

    assert response.status_code == 302
    assert response.url == session_url(held_session)
    assert _messages(response) == ["Your reflection is saved. Only you can read it."]
    reflection = Reflection.objects.get()
    assert (reflection.answers, reflection.shared) == ({"useful": "The role play"}, False)


def test_the_saved_reflection_fills_the_form_again(client, held_session, mentee):
    reflection_save(
        session=held_session,
        user=mentee,
        kind="mentee_after",
        answers={"focus_more": "Budgets & <planning>"},
        shared=True,
    )
    client.force_login(mentee)

    content = client.get(reflection_url(held_session, "mentee_after")).content.decode()

    assert "Budgets &amp; &lt;planning&gt;</textarea>" in content
    assert re.search(r'<input[^>]*name="shared"[^>]*checked', content)


def test_a_too_long_answer_is_shown_beside_its_question_and_kept(client, held_session, mentee):
    client.force_login(mentee)
    long = "word " * 1001

    response = client.post(
        reflection_url(held_session, "mentee_after"),
        {"useful": long, "work_on": "Kept text", "shared": "on"},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Keep your answer to 5000 characters" in content
    assert "Kept text</textarea>" in content
    assert not Reflection.objects.exists()


def test_a_checklist_answer_outside_yes_partly_no_is_refused_beside_it(
    client, held_session, mentor
):
    client.force_login(mentor)

    response = client.post(
        reflection_url(held_session, "mentor_checklist"),
        {"rapport": "always", "note": "My note kept"},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Choose yes, partly or no." in content
    assert "My note kept</textarea>" in content
    assert not Reflection.objects.exists()


def test_the_mentor_fills_in_the_checklist(client, held_session, mentor):
    client.force_login(mentor)

    response = client.post(
        reflection_url(held_session, "mentor_checklist"),
        {"rapport": "yes", "dependency": "partly", "ending": "no", "shared": "on"},
    )

    assert response.status_code == 302
    assert Reflection.objects.get().answers == {
        "rapport": "yes",
        "dependency": "partly",
        "ending": "no",
    }
    assert "shared with" in _messages(response)[0]


def test_an_after_reflection_for_a_planned_session_is_not_offered(client, planned_session, mentee):
    client.force_login(mentee)

    get = client.get(reflection_url(planned_session, "mentee_after"))
    post = client.post(reflection_url(planned_session, "mentee_after"), {"useful": "early"})

    assert "once the session has been held" in get.content.decode()
    assert f'action="{reflection_url(planned_session, "mentee_after")}"' not in get.content.decode()
    assert post.status_code == 200
    assert not Reflection.objects.exists()


def test_a_cancelled_session_shows_what_was_written_read_only(client, planned_session, mentee):
    reflection_save(
        session=planned_session,
        user=mentee,
        kind="mentee_before",
        answers={"goal_work": "Read the handbook"},
        shared=False,
    )
    MentoringSession.objects.filter(pk=planned_session.pk).update(
        status="cancelled", cancelled_at=timezone.now()
    )
    client.force_login(mentee)

    content = client.get(reflection_url(planned_session, "mentee_before")).content.decode()

    assert "This session was cancelled" in content
    assert "Read the handbook" in content
    assert "<textarea" not in content


def test_the_other_persons_shared_reflection_is_shown_read_only_and_a_private_one_never(
    client, held_session, mentee, mentor
):
    reflection_save(
        session=held_session,
        user=mentee,
        kind="mentee_after",
        answers={"focus_more": "SHARED-TEXT"},
        shared=True,
    )
    reflection_save(
        session=held_session,
        user=mentee,
        kind="mentee_before",
        answers={"goal_work": "PRIVATE-TEXT"},
        shared=False,
    )
    client.force_login(mentor)

    content = client.get(reflection_url(held_session, "mentor_after")).content.decode()

    assert f"Shared with you by {mentee.display_name}" in content
    assert 'id="shared-mentee_after"' in content
    assert "SHARED-TEXT" in content
    assert "PRIVATE-TEXT" not in content


# --- the session page's part ---


def access_for(session, role):
    """The access the pages load: the mentorship with its scheme and both people."""
    user = session.mentorship.mentee if role == "mentee" else session.mentorship.mentor
    return get_pair_for_user(user, session.mentorship_id)


def test_the_session_part_shows_status_links_and_the_pulse_form(held_session, mentee, mentor):
    reflection_save(session=held_session, user=mentee, kind="mentee_after", answers={}, shared=True)
    reflection_save(session=held_session, user=mentor, kind="mentor_after", answers={}, shared=True)
    reflection_save(
        session=held_session, user=mentor, kind="mentor_checklist", answers={}, shared=False
    )
    access = access_for(held_session, "mentee")

    data = reflections_on_session(held_session, access)
    html = render_to_string(
        "sessions/reflections/_on_session.html",
        {"session": held_session, "access": access, "reflections": data},
    )

    assert [(o.questions.kind, o.reflection is not None) for o in data.own] == [
        ("mentee_before", False),
        ("mentee_after", True),
    ]
    assert [row.kind for _, row, _ in data.shared] == ["mentor_after"]
    assert "written, shared with" in html
    assert reflection_url(held_session, "mentee_before") + "#shared-mentor_after" in html
    assert 'name="usefulness"' in html
    assert (
        reverse(
            "sessions:pulse", kwargs={"pk": held_session.mentorship_id, "session": held_session.pk}
        )
        in html
    )


def test_the_session_part_says_the_rating_once_given_and_offers_no_form(held_session, mentee):
    pulse_record(session=held_session, user=mentee, usefulness=3)
    access = access_for(held_session, "mentee")

    html = render_to_string(
        "sessions/reflections/_on_session.html",
        {
            "session": held_session,
            "access": access,
            "reflections": reflections_on_session(held_session, access),
        },
    )

    assert "You rated it 3 of 4" in html
    assert 'name="usefulness"' not in html


def test_a_planned_session_offers_the_before_reflection_and_no_pulse(planned_session):
    access = access_for(planned_session, "mentee")

    data = reflections_on_session(planned_session, access)

    assert data.pulse_open is False
    assert [o.refused for o in data.own] == [
        "",
        "This reflection is written once the session has been held.",
    ]


def test_the_session_part_reads_in_a_fixed_number_of_queries(
    held_session, mentee, mentor, django_assert_max_num_queries
):
    for kind in ("mentor_after", "mentor_checklist"):
        reflection_save(session=held_session, user=mentor, kind=kind, answers={}, shared=True)
    for kind in ("mentee_before", "mentee_after"):
        reflection_save(session=held_session, user=mentee, kind=kind, answers={}, shared=True)
    access = access_for(held_session, "mentee")

    with django_assert_max_num_queries(2):
        reflections_on_session(held_session, access)


# --- the pulse ---


def pulse_url(session):
    return reverse("sessions:pulse", kwargs={"pk": session.mentorship_id, "session": session.pk})


def test_the_pulse_is_given_once_from_the_session_page(client, held_session, mentee):
    client.force_login(mentee)

    first = client.post(pulse_url(held_session), {"usefulness": "4"})
    second = client.post(pulse_url(held_session), {"usefulness": "1"})

    assert first.url == session_url(held_session) + "#pulse"
    assert _messages(first) == ["Thank you: you rated this session 4 of 4."]
    assert "already rated this session 4 of 4" in _messages(second)[-1]
    assert Pulse.objects.get().usefulness == 4


@pytest.mark.parametrize("value", ["", "0", "5", "99999999999999999999", "<b>", "2.5"])
def test_a_bad_pulse_is_a_message_not_a_rating(client, held_session, mentee, value):
    client.force_login(mentee)

    response = client.post(pulse_url(held_session), {"usefulness": value})

    assert response.status_code == 302
    assert _messages(response)
    assert not Pulse.objects.exists()


def test_a_planned_session_cannot_be_rated(client, planned_session, mentee):
    client.force_login(mentee)

    response = client.post(pulse_url(planned_session), {"usefulness": "3"})

    assert "once it has been held" in _messages(response)[0]
    assert not Pulse.objects.exists()


def test_the_pulse_takes_only_posts(client, held_session, mentee):
    client.force_login(mentee)

    assert client.get(pulse_url(held_session)).status_code == 405


# --- is this pairing working? ---


def test_before_the_first_held_session_the_question_waits(
    client, active_mentorship, planned_session, mentee
):
    client.force_login(mentee)

    content = client.get(check_url(active_mentorship)).content.decode()

    assert "asked once you have held your first session" in content
    assert 'name="working"' not in content


def test_the_question_names_who_hears_a_no_and_who_does_not(
    client, active_mentorship, held_session, mentee, mentor, coordinator
):
    client.force_login(mentee)

    content = client.get(check_url(active_mentorship)).content.decode()

    assert "Is this pairing working for you?" in content
    assert f"<strong>{coordinator.display_name}</strong>" in content
    assert f"{mentor.display_name} is not told your answer" in content
    assert 'name="working"' in content
    assert "<textarea" not in content


def test_a_no_offers_the_no_fault_ending_and_a_concern(
    client,
    active_mentorship,
    held_session,
    mentee,
    mentor,
    coordinator,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    client.force_login(mentee)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(check_url(active_mentorship), {"working": "no"})
    page = client.get(response.url).content.decode()

    assert response.url == check_url(active_mentorship)
    assert coordinator.display_name in _messages(response)[0]
    assert f"{mentor.get_short_name()} will not" in _messages(response)[0]
    assert reverse("matching:mentorship_end", kwargs={"pk": active_mentorship.pk}) in page
    assert reverse("agreements:concern_raise", kwargs={"pk": active_mentorship.pk}) in page
    assert "You answered <strong>no</strong>" in page
    assert [m.to for m in mailoutbox] == [[coordinator.email]]


def test_a_yes_goes_back_to_the_pair_page(client, active_mentorship, held_session, mentee):
    client.force_login(mentee)

    response = client.post(check_url(active_mentorship), {"working": "yes"})

    assert response.url == reverse("agreements:pair", kwargs={"pk": active_mentorship.pk})
    assert PairingCheck.objects.get().working is True


def test_a_second_answer_is_refused_and_the_first_shown(
    client, active_mentorship, held_session, mentee
):
    pairing_check_answer(mentorship=active_mentorship, user=mentee, working=True)
    client.force_login(mentee)

    response = client.post(check_url(active_mentorship), {"working": "no"})

    assert response.status_code == 200
    assert "an answer is given once" in _messages(response)[0]
    assert "You answered <strong>yes</strong>" in response.content.decode()
    assert PairingCheck.objects.get().working is True


@pytest.mark.parametrize("value", ["", "maybe", "<script>"])
def test_an_answer_other_than_yes_or_no_is_refused_beside_the_question(
    client, active_mentorship, held_session, mentee, value
):
    client.force_login(mentee)

    response = client.post(check_url(active_mentorship), {"working": value})

    assert response.status_code == 200
    assert "Choose yes or no." in response.content.decode()
    assert not PairingCheck.objects.exists()


# --- the panels ---


def test_the_pair_page_asks_for_the_pulse_the_reflection_and_the_check(
    client, active_mentorship, held_session, mentee
):
    client.force_login(mentee)
    pair = reverse("agreements:pair", kwargs={"pk": active_mentorship.pk})

    before = client.get(pair).content.decode()
    pulse_record(session=held_session, user=mentee, usefulness=2)
    reflection_save(
        session=held_session, user=mentee, kind="mentee_after", answers={}, shared=False
    )
    pairing_check_answer(mentorship=active_mentorship, user=mentee, working=True)
    after = client.get(pair).content.decode()

    for text in (
        "How useful was your session of",
        "Reflect on your session of",
        "Is this pairing working for you?",
    ):
        assert text in before
        assert text not in after
    assert "You answered <strong>yes</strong>" in after


def test_the_pair_page_asks_nothing_before_a_held_session(
    client, active_mentorship, planned_session, mentee
):
    client.force_login(mentee)

    content = client.get(
        reverse("agreements:pair", kwargs={"pk": active_mentorship.pk})
    ).content.decode()

    assert "Is this pairing working" not in content
    assert "Reflect on your session" not in content


def test_the_coordinator_sees_each_answer_and_the_average_pulse_only(
    client, active_mentorship, held_session, mentee, mentor, coordinator
):
    pairing_check_answer(mentorship=active_mentorship, user=mentor, working=False)
    pulse_record(session=held_session, user=mentee, usefulness=2)
    pulse_record(session=held_session, user=mentor, usefulness=3)
    client.force_login(coordinator)

    content = client.get(
        reverse("agreements:scheme_pair", kwargs={"slug": "council", "pk": active_mentorship.pk})
    ).content.decode()

    assert "Early check" in content
    assert "The mentor answered <strong>no</strong>" in content
    assert "The mentee has not answered." in content
    # Two ratings would give each person's away: no average yet.
    assert "on average" not in content
    assert "2 ratings of their sessions so far" in content


def test_the_average_pulse_shows_once_both_have_rated_enough(
    client, active_mentorship, mentee, mentor, coordinator
):
    from datetime import timedelta

    from django.utils import timezone

    from sessions.models import MentoringSession

    for days, (mine, theirs) in zip((3, 2), ((2, 3), (4, 3)), strict=True):
        session = MentoringSession.objects.create(
            mentorship=active_mentorship,
            starts_at=timezone.now() - timedelta(days=days),
            duration_minutes=60,
            format="video",
            status="held",
        )
        pulse_record(session=session, user=mentee, usefulness=mine)
        pulse_record(session=session, user=mentor, usefulness=theirs)
    client.force_login(coordinator)

    content = client.get(
        reverse("agreements:scheme_pair", kwargs={"slug": "council", "pk": active_mentorship.pk})
    ).content.decode()

    assert "3.0 of 4 on average, from 4 ratings" in content


def test_the_coordinator_panel_reads_in_fixed_queries(
    client, active_mentorship, mentee, mentor, coordinator
):
    from sessions.selectors.reflections import reflections_coordinator_panel

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            reflections_coordinator_panel(active_mentorship, coordinator)
        return len(ctx)

    small = count()
    for day in range(20):
        session = MentoringSession.objects.create(
            mentorship=active_mentorship,
            starts_at=timezone.now() - timedelta(days=day + 2),
            duration_minutes=30,
            format="phone",
            status="held",
        )
        pulse_record(session=session, user=mentee, usefulness=3)
    pairing_check_answer(mentorship=active_mentorship, user=mentee, working=True)

    assert count() == small == 2


def test_a_coordinator_in_the_pair_sees_no_early_check(active_mentorship, mentor):
    from sessions.selectors.reflections import reflections_coordinator_panel

    assert reflections_coordinator_panel(active_mentorship, mentor) is None


def test_the_pair_panel_reads_in_fixed_queries(active_mentorship, mentee):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sessions.selectors.reflections import reflections_pair_panel

    def count():
        access = get_pair_for_user(mentee, active_mentorship.pk)
        with CaptureQueriesContext(connection) as ctx:
            panel = reflections_pair_panel(access)
        return len(ctx), panel

    for day in range(2):
        MentoringSession.objects.create(
            mentorship=active_mentorship,
            starts_at=timezone.now() - timedelta(days=day + 2),
            duration_minutes=30,
            format="phone",
            status="held",
        )
    small, panel = count()
    for day in range(30):
        MentoringSession.objects.create(
            mentorship=active_mentorship,
            starts_at=timezone.now() - timedelta(days=day + 10),
            duration_minutes=30,
            format="phone",
            status="held",
        )
    large, _ = count()

    assert len(panel.steps) == 3
    assert large == small <= 5


def test_a_nul_in_an_answer_is_a_message_beside_it_and_nothing_is_saved(
    client, held_session, mentee
):
    client.force_login(mentee)

    response = client.post(
        reflection_url(held_session, "mentee_after"), {"useful": "bad\x00text", "work_on": "Kept"}
    )

    assert response.status_code == 200
    assert "Kept</textarea>" in response.content.decode()
    assert "This contains a NUL character" in response.content.decode()
    assert not Reflection.objects.exists()
