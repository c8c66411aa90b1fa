"""Every change to an application: start, save a step, submit, decide, withdraw."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from schemes import questionnaire
from schemes.models import Application, Membership, Role
from schemes.services.applications import (
    application_approve,
    application_decline,
    application_email_send,
    application_save_step,
    application_start,
    application_submit,
    application_waitlist,
    application_withdraw,
)
from tests.factories import ApplicationFactory, CustomQuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _roles(scheme, user):
    return set(Membership.objects.filter(scheme=scheme, user=user).values_list("role", flat=True))


# --- start ---------------------------------------------------------------------------


def test_starting_opens_a_draft_and_a_mentor_gets_the_schemes_default_capacity(scheme):
    scheme.default_mentor_capacity = 3
    scheme.save()
    person = UserFactory()
    application = application_start(scheme=scheme, user=person, role=Role.MENTOR)
    assert application.status == Application.Status.DRAFT
    assert application.capacity == 3
    assert application.submitted_at is None


def test_starting_records_the_invitation_followed(scheme, invitation):
    person = UserFactory()
    application = application_start(
        scheme=scheme, user=person, role=Role.MENTEE, invitation=invitation
    )
    assert application.invitation == invitation


def test_applying_after_the_window_closed_is_refused_with_the_date(scheme):
    scheme.applications_close_on = timezone.localdate() - timedelta(days=1)
    scheme.save()
    with pytest.raises(ValidationError) as error:
        application_start(scheme=scheme, user=UserFactory(), role=Role.MENTEE)
    assert "closed on" in error.value.messages[0]
    assert not Application.objects.exists()


def test_applying_to_a_scheme_that_is_not_open_is_refused(scheme):
    scheme.status = scheme.Status.DRAFT
    scheme.save()
    with pytest.raises(ValidationError) as error:
        application_start(scheme=scheme, user=UserFactory(), role=Role.MENTEE)
    assert error.value.messages == [f"{scheme.name} is not taking applications at the moment."]


def test_applying_before_the_window_opens_says_when_it_opens(scheme):
    opens = timezone.localdate() + timedelta(days=10)
    scheme.applications_open_on = opens
    scheme.save()
    with pytest.raises(ValidationError) as error:
        application_start(scheme=scheme, user=UserFactory(), role=Role.MENTEE)
    assert f"open on {opens:%-d %B %Y}" in error.value.messages[0]


def test_following_the_link_again_resumes_the_same_draft(scheme):
    person = UserFactory()
    first = application_start(scheme=scheme, user=person, role=Role.MENTEE)
    application_save_step(application=first, step="work", values={"job_title": "Planner"})
    again = application_start(scheme=scheme, user=person, role=Role.MENTEE)
    assert again.pk == first.pk
    assert again.job_title == "Planner"
    assert Application.objects.count() == 1


def test_applying_twice_in_the_same_role_is_refused(mentee_application, scheme, mentee):
    with pytest.raises(ValidationError) as error:
        application_start(scheme=scheme, user=mentee, role=Role.MENTEE)
    assert "already applied" in error.value.messages[0]


def test_one_person_may_apply_as_mentor_and_as_mentee(mentee_application, scheme, mentee):
    application = application_start(scheme=scheme, user=mentee, role=Role.MENTOR)
    assert application.role == Role.MENTOR
    assert Application.objects.filter(user=mentee).count() == 2


def test_a_withdrawn_application_reopens_as_a_draft_with_its_answers(scheme, mentee):
    application = ApplicationFactory(
        scheme=scheme,
        user=mentee,
        role=Role.MENTEE,
        status=Application.Status.WITHDRAWN,
        decision_reason="Old note",
    )
    reopened = application_start(scheme=scheme, user=mentee, role=Role.MENTEE)
    assert reopened.pk == application.pk
    assert reopened.status == Application.Status.DRAFT
    assert reopened.submitted_at is None and reopened.decision_reason == ""
    assert reopened.job_title == "Policy officer"  # the answers given before


def test_nobody_applies_as_a_coordinator(scheme):
    with pytest.raises(ValidationError):
        application_start(scheme=scheme, user=UserFactory(), role=Role.COORDINATOR)


# --- save a step ---------------------------------------------------------------------


def test_saving_a_step_changes_only_that_steps_fields(scheme):
    application = ApplicationFactory(scheme=scheme, job_title="Planner")
    application_save_step(
        application=application,
        step="about",
        values={"title": "Dr", "descriptive_words": ["Calm"], "phone": "01234 567890"},
    )
    application.refresh_from_db()
    assert (application.title, application.phone) == ("Dr", "01234 567890")
    assert application.descriptive_words == ["Calm"]
    assert application.job_title == "Planner"


def test_a_field_of_another_step_is_refused(scheme):
    application = ApplicationFactory(scheme=scheme)
    with pytest.raises(ValueError, match="job_title"):
        application_save_step(application=application, step="about", values={"job_title": "X"})
    application.refresh_from_db()
    assert application.job_title == ""


def test_the_name_is_saved_on_the_persons_account(scheme):
    application = ApplicationFactory(scheme=scheme, user__name="Sam Old")
    application_save_step(application=application, step="about", values={"name": "Sam New"})
    application.user.refresh_from_db()
    assert application.user.name == "Sam New"


def test_the_last_step_only_moves_forward(scheme):
    application = ApplicationFactory(scheme=scheme)
    application_save_step(application=application, step="preferences", values={})
    application_save_step(application=application, step="about", values={})
    application.refresh_from_db()
    assert application.last_step == "preferences"
    application_save_step(application=application, step="goals", values={})
    application.refresh_from_db()
    assert application.last_step == "goals"


def test_custom_answers_are_merged_with_those_given_before(scheme):
    application = ApplicationFactory(scheme=scheme, answers={"1": "Rugby"})
    application_save_step(application=application, step="questions", values={}, answers={"2": 4})
    application.refresh_from_db()
    assert application.answers == {"1": "Rugby", "2": 4}


def test_an_invalid_answer_saves_nothing(scheme):
    application = ApplicationFactory(scheme=scheme, role=Role.MENTOR)
    with pytest.raises(ValidationError) as error:
        application_save_step(
            application=application,
            step="offer",
            values={"capacity": 50, "mentor_reasons": "To give back"},
        )
    assert "capacity" in error.value.message_dict
    application.refresh_from_db()
    assert application.mentor_reasons == ""


@pytest.mark.parametrize("status", [Application.Status.MATCHED, Application.Status.WITHDRAWN])
def test_an_application_that_is_matched_or_withdrawn_cannot_be_changed(scheme, status):
    application = ApplicationFactory(scheme=scheme, status=status, job_title="Planner")
    with pytest.raises(ValidationError) as error:
        application_save_step(application=application, step="work", values={"job_title": "X"})
    assert "can no longer be changed" in error.value.messages[0]
    application.refresh_from_db()
    assert application.job_title == "Planner"


def test_a_submitted_application_can_still_be_changed_and_stays_submitted(mentee_application):
    application_save_step(
        application=mentee_application, step="work", values={"job_title": "Team leader"}
    )
    mentee_application.refresh_from_db()
    assert mentee_application.job_title == "Team leader"
    assert mentee_application.status == Application.Status.SUBMITTED


# --- submit --------------------------------------------------------------------------


def test_submitting_with_missing_answers_lists_them_and_changes_nothing(scheme):
    application = ApplicationFactory(scheme=scheme)
    with pytest.raises(ValidationError) as error:
        application_submit(application=application, consent=True)
    message = error.value.message_dict["__all__"][0]
    assert "Job title" in message and "Main reason for seeking a mentor" in message
    assert error.value.error_dict["__all__"][0].code == "missing"
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    assert application.consented_at is None


def test_a_required_custom_question_must_be_answered(scheme):
    CustomQuestionFactory(scheme=scheme, text="Which site do you work at?", required=True)
    application = ApplicationFactory(scheme=scheme, complete=True)
    with pytest.raises(ValidationError) as error:
        application_submit(application=application, consent=True)
    assert "Which site do you work at?" in error.value.message_dict["__all__"][0]


def test_a_question_for_the_other_role_is_not_required(scheme):
    CustomQuestionFactory(scheme=scheme, required=True, audience="mentor")
    application = ApplicationFactory(scheme=scheme, complete=True)
    application_submit(application=application, consent=True)
    assert application.status == Application.Status.SUBMITTED


def test_submitting_needs_consent(scheme):
    application = ApplicationFactory(scheme=scheme, complete=True)
    with pytest.raises(ValidationError) as error:
        application_submit(application=application, consent=False)
    assert list(error.value.message_dict) == ["consent"]
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


def test_consent_is_stored_with_the_exact_words_and_the_time(scheme):
    application = ApplicationFactory(scheme=scheme, complete=True)
    moment = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        application_submit(application=application, consent=True)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.consent_text == questionnaire.consent_text(scheme)
    assert f"no longer than {scheme.retention_months} months" in application.consent_text
    assert application.consented_at == moment
    assert application.submitted_at == moment


def test_an_application_is_submitted_only_once(mentee_application):
    with pytest.raises(ValidationError) as error:
        application_submit(application=mentee_application, consent=True)
    assert error.value.messages == ["This application has already been submitted."]


def test_submitting_after_the_window_closed_is_refused(scheme):
    application = ApplicationFactory(scheme=scheme, complete=True)
    scheme.applications_close_on = timezone.localdate() - timedelta(days=1)
    scheme.save()
    with pytest.raises(ValidationError, match="closed on"):
        application_submit(application=application, consent=True)


def test_the_applicant_is_told_their_application_was_received(
    scheme, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(scheme=scheme, complete=True, user__email="sam@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(application=application, consent=True)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sam@example.org"]
    assert "has been received" in mail.outbox[0].subject
    assert scheme.name in mail.outbox[0].body


def test_the_email_service_tells_the_applicant_of_receipt_or_decision(scheme):
    application = ApplicationFactory(
        scheme=scheme, status=Application.Status.APPROVED, user__email="sam@example.org"
    )
    assert application_email_send(application_id=application.pk, kind="received") is True
    assert application_email_send(application_id=application.pk, kind="decided") is True
    received, decided = mail.outbox
    assert received.to == decided.to == ["sam@example.org"]
    assert "has been received" in received.subject
    assert "You have a place" in decided.subject


def test_the_email_service_sends_nothing_to_a_deactivated_or_deleted_applicant(scheme):
    inactive = ApplicationFactory(scheme=scheme, user__is_active=False)
    gone = ApplicationFactory(scheme=scheme)
    gone_id = gone.pk
    gone.delete()
    assert application_email_send(application_id=inactive.pk, kind="received") is False
    assert application_email_send(application_id=gone_id, kind="received") is False
    assert mail.outbox == []


# --- decide --------------------------------------------------------------------------


def test_approving_makes_the_person_a_member_and_tells_them_with_the_note(
    scheme, coordinator, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(scheme=scheme, status=Application.Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        application_approve(application=application, by=coordinator, reason=" Welcome aboard. ")
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert application.decided_by == coordinator and application.decided_at is not None
    assert application.decision_reason == "Welcome aboard."
    assert _roles(scheme, application.user) == {Role.MENTEE}
    assert len(mail.outbox) == 1
    assert "You have a place" in mail.outbox[0].subject
    assert "Welcome aboard." in mail.outbox[0].body


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("mentee", "You can now choose your mentor"),
        ("mentor", "when a mentee asks you to be their mentor"),
    ],
)
def test_in_a_shortlist_scheme_the_approval_says_who_makes_the_match(
    scheme, coordinator, django_capture_on_commit_callbacks, role, expected
):
    scheme.matching_mode = "shortlist"
    scheme.save(update_fields=["matching_mode"])
    application = ApplicationFactory(scheme=scheme, role=role, status=Application.Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        application_approve(application=application, by=coordinator)
    (message,) = mail.outbox
    assert expected in message.body
    assert expected in message.alternatives[0].content
    assert "coordinators will now look for your" not in message.body


def test_wait_listing_an_approved_person_takes_their_place_away(
    scheme, coordinator, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(scheme=scheme, status=Application.Status.SUBMITTED)
    application_approve(application=application, by=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        application_waitlist(application=application, by=coordinator, reason="Too few mentors.")
    assert _roles(scheme, application.user) == set()
    assert "waiting list" in mail.outbox[-1].subject
    assert "Too few mentors." in mail.outbox[-1].body


def test_declining_tells_the_person_the_reason(
    scheme, coordinator, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(scheme=scheme, status=Application.Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        application_decline(
            application=application, by=coordinator, reason="The scheme is for managers."
        )
    application.refresh_from_db()
    assert application.status == Application.Status.DECLINED
    assert _roles(scheme, application.user) == set()
    assert "not been accepted" in mail.outbox[0].body
    assert "The scheme is for managers." in mail.outbox[0].body


@pytest.mark.parametrize(
    "status",
    [Application.Status.DRAFT, Application.Status.WITHDRAWN, Application.Status.MATCHED],
)
def test_drafts_withdrawn_and_matched_applications_cannot_be_decided(scheme, coordinator, status):
    application = ApplicationFactory(scheme=scheme, status=status)
    for decide in (application_approve, application_waitlist, application_decline):
        with pytest.raises(ValidationError, match="cannot be decided on"):
            decide(application=application, by=coordinator)
    application.refresh_from_db()
    assert application.status == status
    assert _roles(scheme, application.user) == set()


def test_the_same_decision_twice_is_refused_and_sends_nothing(
    mentee_application, coordinator, django_capture_on_commit_callbacks
):
    application_approve(application=mentee_application, by=coordinator)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError, match="already approved"),
    ):
        application_approve(application=mentee_application, by=coordinator)
    assert mail.outbox == []


# --- withdraw ------------------------------------------------------------------------


def test_withdrawing_takes_the_person_out_of_the_scheme(mentee_application, scheme, mentee):
    assert Role.MENTEE in _roles(scheme, mentee)
    application_withdraw(application=mentee_application)
    mentee_application.refresh_from_db()
    assert mentee_application.status == Application.Status.WITHDRAWN
    assert _roles(scheme, mentee) == set()


def test_withdrawing_removes_the_answers_and_keeps_status_role_and_dates(scheme, mentee):
    scheme.departments = ["Housing", "Finance"]
    scheme.save(update_fields=["departments"])
    question = CustomQuestionFactory(scheme=scheme)
    application = ApplicationFactory(
        scheme=scheme,
        user=mentee,
        role=Role.MENTEE,
        status=Application.Status.APPROVED,
        department="Housing",
        phone="01234 567890",
        professional_body="Withdrawn-marker body",
        line_manager_email="boss@example.org",
        avoid_people=["Someone Else"],
        restrictions="Not on Fridays",
        current_challenges="Withdrawn-marker challenge",
        answers={str(question.pk): "Withdrawn-marker answer"},
    )
    submitted_at, consented_at = application.submitted_at, application.consented_at
    application_withdraw(application=application)
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert application.role == Role.MENTEE
    assert (application.submitted_at, application.consented_at) == (submitted_at, consented_at)
    assert application.consent_text  # the record of the consent given stays
    # The scheme's own entries, which its figures are filtered by, stay.
    assert application.department == "Housing"
    assert application.grade in scheme.grades
    for field in questionnaire.ANSWER_FIELDS:
        if field not in ("department", "grade"):
            value = getattr(application, field)
            assert value in ("", None, []), field
    assert application.answers == {} and application.last_step == ""


def test_withdrawing_removes_a_department_typed_freely(scheme, mentee):
    application = ApplicationFactory(
        scheme=scheme, user=mentee, status=Application.Status.SUBMITTED, department="My own words"
    )
    assert scheme.departments == []
    application_withdraw(application=application)
    application.refresh_from_db()
    assert application.department == ""


def test_a_mentor_applying_again_after_withdrawing_offers_the_default_places(scheme, mentor):
    application = ApplicationFactory(
        scheme=scheme, user=mentor, role=Role.MENTOR, status=Application.Status.SUBMITTED
    )
    application_withdraw(application=application)
    assert Application.objects.get(pk=application.pk).capacity is None
    reopened = application_start(scheme=scheme, user=mentor, role=Role.MENTOR)
    assert reopened.status == Application.Status.DRAFT
    assert reopened.capacity == scheme.default_mentor_capacity
    assert reopened.job_title == ""


def test_a_draft_can_be_withdrawn(scheme):
    application = ApplicationFactory(scheme=scheme)
    application_withdraw(application=application)
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert application.submitted_at is None  # it was never submitted


def test_a_submitted_application_withdrawn_keeps_its_submission_time(scheme):
    application = ApplicationFactory(scheme=scheme, status=Application.Status.SUBMITTED)
    submitted_at = application.submitted_at
    application_withdraw(application=application)
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert application.submitted_at == submitted_at


def test_a_matched_application_cannot_be_withdrawn(scheme):
    application = ApplicationFactory(scheme=scheme, status=Application.Status.MATCHED)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        application_withdraw(application=application)
    application.refresh_from_db()
    assert application.status == Application.Status.MATCHED


def test_a_mentee_cannot_withdraw_while_their_request_waits_for_the_mentor(mentorship):
    # A shortlist request leaves the mentee's application approved until the mentor replies.
    application = mentorship.mentee_application
    Application.objects.filter(pk=application.pk).update(status=Application.Status.APPROVED)
    application.refresh_from_db()
    with pytest.raises(ValidationError, match="match waiting for replies"):
        application_withdraw(application=application)
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED


def test_a_mentor_with_a_match_waiting_cannot_be_wait_listed(mentorship, coordinator):
    application = mentorship.mentor_application
    Application.objects.filter(pk=application.pk).update(status=Application.Status.APPROVED)
    application.refresh_from_db()
    with pytest.raises(ValidationError, match="match waiting for replies"):
        application_waitlist(application=application, by=coordinator, reason="")
    assert Application.objects.get(pk=application.pk).status == Application.Status.APPROVED


def test_withdrawing_is_allowed_again_once_the_match_is_declined(mentorship):
    application = mentorship.mentee_application
    mentorship.status = "declined"
    mentorship.save(update_fields=["status"])
    Application.objects.filter(pk=application.pk).update(status=Application.Status.APPROVED)
    application.refresh_from_db()
    application_withdraw(application=application)
    assert Application.objects.get(pk=application.pk).status == Application.Status.WITHDRAWN
