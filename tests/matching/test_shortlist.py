"""Shortlist mode: a mentee's five best mentors, the request, the mentor's reply, and
a mentor's last place asked for by two mentees at once."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from matching.engine.constraints import broken_constraints
from matching.engine.criteria import explain
from matching.models import Mentorship
from matching.pool import person_for, scheme_rules
from matching.services import shortlist as shortlist_service
from matching.services.mentorships import mentorship_accept, mentorship_decline
from matching.services.shortlist import MENTOR_FULL, mentorship_request, shortlist_for
from schemes.choices import DEFAULT_DEVELOPMENT_AREAS, MatchingMode
from schemes.models import Application
from tests.concurrency import at_once, postgresql_only
from tests.factories import SchemeFactory, approved_mentee, approved_mentor
from tests.matching.test_mentorships import activate, propose, status_of

A, B, C, D, E, F = DEFAULT_DEVELOPMENT_AREAS[:6]


@pytest.fixture
def shortlist_scheme(scheme):
    scheme.matching_mode = MatchingMode.SHORTLIST
    scheme.save()
    return scheme


@pytest.fixture
def chooser(shortlist_scheme, mentee):
    """The conftest's mentee, wanting four development areas."""
    return approved_mentee(shortlist_scheme, user=mentee, areas_wanted=[A, B, C, D])


@pytest.fixture
def mentors(shortlist_scheme, chooser):
    """Mentors by how many of the mentee's areas they offer, and some who are out."""
    made = {
        "four": approved_mentor(shortlist_scheme, areas_offered=[A, B, C, D]),
        "three": approved_mentor(shortlist_scheme, areas_offered=[A, B, C]),
        "two": approved_mentor(shortlist_scheme, areas_offered=[A, B], capacity=3),
        "one": approved_mentor(shortlist_scheme, areas_offered=[A], department="Legal"),
        "one_more": approved_mentor(shortlist_scheme, areas_offered=[B]),
        "none": approved_mentor(shortlist_scheme, areas_offered=[E, F]),
        # Inadmissible, full or tried: never on the shortlist, however well they fit.
        "same_department": approved_mentor(
            shortlist_scheme, areas_offered=[A, B, C, D], department="Housing"
        ),
        "avoids": approved_mentor(
            shortlist_scheme, areas_offered=[A, B, C, D], avoid_people=[chooser.user.email]
        ),
        "full": approved_mentor(shortlist_scheme, areas_offered=[A, B, C, D]),
        "tried": approved_mentor(shortlist_scheme, areas_offered=[A, B, C, D]),
    }
    activate(propose(approved_mentee(shortlist_scheme), made["full"]))
    declined = propose(chooser, made["tried"])
    mentorship_decline(mentorship=declined, user=declined.mentor)
    return made


def test_the_shortlist_is_the_five_best_admissible_mentors_with_places(
    shortlist_scheme, chooser, mentors
):
    entries = shortlist_for(application=chooser)

    assert [entry.mentor for entry in entries] == [
        mentors["four"],
        mentors["three"],
        mentors["two"],
        mentors["one"],
        mentors["one_more"],
    ]
    # The same as checking every mentor with a place, one pair at a time.
    rules = scheme_rules(shortlist_scheme)
    mentee = person_for(chooser, shortlist_scheme)
    with_places = [m for key, m in mentors.items() if key != "full"]
    admissible = [
        m
        for m in with_places
        if not broken_constraints(mentee, person_for(m, shortlist_scheme), rules)
    ]
    assert mentors["same_department"] not in admissible
    assert mentors["avoids"] not in admissible
    assert mentors["tried"] not in admissible
    best = sorted(
        admissible,
        key=lambda m: (-explain(mentee, person_for(m, shortlist_scheme), rules).total, m.pk),
    )[:5]
    assert [entry.mentor for entry in entries] == best
    scores = [entry.score for entry in entries]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > scores[1] > scores[2] > scores[3]


def test_each_mentor_of_the_shortlist_comes_with_score_reasons_and_places(
    shortlist_scheme, chooser, mentors
):
    first, _, third, *_ = shortlist_for(application=chooser)

    rules = scheme_rules(shortlist_scheme)
    expected = explain(
        person_for(chooser, shortlist_scheme), person_for(mentors["four"], shortlist_scheme), rules
    )
    assert first.score == pytest.approx(expected.total, abs=1e-9)
    assert first.max_score == expected.max_total
    assert first.reasons[0] == next(item.reason for item in expected if item.key == "areas")
    assert all(reason for reason in first.reasons)
    assert first.places_left == 1
    assert third.places_left == 3


def test_the_shortlist_is_shorter_when_few_mentors_fit(shortlist_scheme, chooser):
    only = approved_mentor(shortlist_scheme, areas_offered=[A])
    approved_mentor(shortlist_scheme, department="Housing")  # inadmissible
    assert [entry.mentor for entry in shortlist_for(application=chooser)] == [only]
    assert len(shortlist_for(application=chooser, size=1)) == 1


def test_a_request_is_a_match_the_mentee_has_accepted_and_the_mentor_is_asked(
    shortlist_scheme, chooser, mentors, django_capture_on_commit_callbacks
):
    mentor_app = mentors["three"]
    entry = next(e for e in shortlist_for(application=chooser) if e.mentor == mentor_app)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        mentorship = mentorship_request(
            mentee_application=chooser, mentor_application=mentor_app, requested_by=chooser.user
        )

    assert mentorship.status == Mentorship.Status.PROPOSED
    assert mentorship.source == Mentorship.Source.SHORTLIST
    assert mentorship.run is None
    assert mentorship.mentee_response == Mentorship.Response.ACCEPTED
    assert mentorship.mentor_response == Mentorship.Response.PENDING
    assert mentorship.respond_by == pytest.approx(
        timezone.now() + timedelta(days=shortlist_scheme.response_days), abs=timedelta(minutes=1)
    )
    assert mentorship.score == pytest.approx(entry.score)
    assert mentorship.breakdown == entry.breakdown.as_list()
    # Only the mentor hears: the mentee asked.
    (message,) = mail.outbox
    assert message.to == [mentor_app.user.email]
    assert f"{chooser.user.display_name} would like you as their mentor" in message.subject
    assert f"/mentorships/{mentorship.pk}/" in message.body


def test_the_mentor_accepting_starts_the_mentorship(shortlist_scheme, chooser, mentors):
    mentor_app = mentors["four"]
    mentorship = mentorship_request(
        mentee_application=chooser, mentor_application=mentor_app, requested_by=chooser.user
    )
    assert status_of(chooser) == Application.Status.APPROVED  # a request, not a match yet

    mentorship_accept(mentorship=mentorship, user=mentor_app.user)

    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ACTIVE
    assert mentorship.stage == Mentorship.Stage.INITIATION
    assert status_of(chooser) == status_of(mentor_app) == Application.Status.MATCHED


def test_a_mentor_declining_lets_the_mentee_choose_someone_else(
    shortlist_scheme, chooser, mentors, django_capture_on_commit_callbacks
):
    mentor_app = mentors["four"]
    mentorship = mentorship_request(
        mentee_application=chooser, mentor_application=mentor_app, requested_by=chooser.user
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        mentorship_decline(mentorship=mentorship, user=mentor_app.user, reason="No time.")

    (to_mentee,) = [m for m in mail.outbox if m.to == [chooser.user.email]]
    assert "cannot take you on" in to_mentee.body
    assert f"/applications/{chooser.pk}/shortlist/" in to_mentee.body
    assert "No time." not in to_mentee.body
    shortlist = [entry.mentor for entry in shortlist_for(application=chooser)]
    assert mentor_app not in shortlist
    assert shortlist[0] == mentors["three"]


def test_a_mentee_can_withdraw_their_request_until_the_mentor_replies(
    shortlist_scheme, chooser, mentors, coordinator, django_capture_on_commit_callbacks
):
    mentor_app = mentors["four"]
    mentorship = mentorship_request(
        mentee_application=chooser, mentor_application=mentor_app, requested_by=chooser.user
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        mentorship_decline(mentorship=mentorship, user=chooser.user)

    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.DECLINED
    (to_mentor,) = [m for m in mail.outbox if m.to == [mentor_app.user.email]]
    assert "has withdrawn their request" in to_mentor.subject
    (to_coordinator,) = [m for m in mail.outbox if m.to == [coordinator.email]]
    assert (
        f"The mentee, {chooser.user.display_name}, withdrew their request to "
        f"{mentor_app.user.display_name}" in to_coordinator.body
    )
    assert "can choose another mentor" in to_coordinator.body


def test_a_full_mentor_cannot_be_requested(shortlist_scheme, chooser, mentors):
    with pytest.raises(ValidationError) as refused:
        mentorship_request(
            mentee_application=chooser,
            mentor_application=mentors["full"],
            requested_by=chooser.user,
        )
    assert refused.value.messages == [MENTOR_FULL]


@pytest.mark.parametrize("key", ["same_department", "avoids", "tried"])
def test_an_inadmissible_mentor_cannot_be_requested(shortlist_scheme, chooser, mentors, key):
    with pytest.raises(ValidationError) as refused:
        mentorship_request(
            mentee_application=chooser, mentor_application=mentors[key], requested_by=chooser.user
        )
    # Never the mentor's own reasons (their avoid list is theirs).
    assert refused.value.messages == ["That mentor cannot be matched with you. Choose another."]


def test_a_mentor_outside_the_five_best_cannot_be_requested(shortlist_scheme, chooser, mentors):
    with pytest.raises(ValidationError, match="no longer on your shortlist"):
        mentorship_request(
            mentee_application=chooser,
            mentor_application=mentors["none"],
            requested_by=chooser.user,
        )


def test_a_mentee_asks_one_mentor_at_a_time(shortlist_scheme, chooser, mentors):
    first = mentors["four"]
    mentorship_request(
        mentee_application=chooser, mentor_application=first, requested_by=chooser.user
    )
    with pytest.raises(ValidationError, match=f"already asked {first.user.display_name}"):
        mentorship_request(
            mentee_application=chooser,
            mentor_application=mentors["three"],
            requested_by=chooser.user,
        )
    assert Mentorship.objects.filter(mentee_application=chooser, status="proposed").count() == 1


def test_only_the_mentee_asks(shortlist_scheme, chooser, mentors, coordinator):
    with pytest.raises(PermissionDenied):
        mentorship_request(
            mentee_application=chooser, mentor_application=mentors["four"], requested_by=coordinator
        )


def test_there_is_no_asking_in_a_scheme_matched_by_runs(scheme, mentee):
    chooser = approved_mentee(scheme, user=mentee)
    mentor_app = approved_mentor(scheme)
    with pytest.raises(ValidationError, match="coordinators match mentees"):
        mentorship_request(
            mentee_application=chooser, mentor_application=mentor_app, requested_by=mentee
        )


# --- two mentees, one place: on PostgreSQL ------------------------------------------------


def request_at_once(requests: list[tuple[Application, Application]]) -> list:
    """Call ``mentorship_request`` for each (mentee, mentor) from its own thread, all
    released together; each result is the mentorship or the error raised."""
    return at_once(
        [
            lambda mentee_app=mentee_app, mentor_app=mentor_app: mentorship_request(
                mentee_application=mentee_app,
                mentor_application=mentor_app,
                requested_by=mentee_app.user,
            )
            for mentee_app, mentor_app in requests
        ]
    )


def last_place(mentees: int) -> tuple[Application, list[Application]]:
    """A mentor with one place in a shortlist scheme, and ``mentees`` who want it."""
    scheme = SchemeFactory(matching_mode=MatchingMode.SHORTLIST)
    mentor_app = approved_mentor(scheme, capacity=1)
    return mentor_app, [approved_mentee(scheme) for _ in range(mentees)]


def assert_one_got_it(results: list, mentor_app: Application) -> None:
    made = [r for r in results if isinstance(r, Mentorship)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(made) == 1, results
    assert [error.messages for error in refused] == [[MENTOR_FULL]] * (len(results) - 1)
    assert list(Mentorship.objects.filter(mentor_application=mentor_app)) == made


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mentees", [2, 5])
def test_mentees_asking_for_a_mentors_last_place_at_once_only_one_gets_it(mentees):
    mentor_app, choosers = last_place(mentees)

    results = request_at_once([(chooser, mentor_app) for chooser in choosers])

    assert_one_got_it(results, mentor_app)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_last_place_holds_with_time_between_the_count_and_the_insert(monkeypatch):
    """Each request pauses after counting the mentor's mentorships: without the lock on
    the mentor's row both would see a free place and both would be created."""
    mentor_app, choosers = last_place(2)
    count_then_pause = shortlist_service.capacity_of

    def slow_capacity_of(*args, **kwargs):
        time.sleep(0.3)
        return count_then_pause(*args, **kwargs)

    monkeypatch.setattr(shortlist_service, "capacity_of", slow_capacity_of)

    results = request_at_once([(chooser, mentor_app) for chooser in choosers])

    assert_one_got_it(results, mentor_app)
