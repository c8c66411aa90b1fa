"""The services behind the coordinators' pages: correcting a stage, the automatic move to
wind-up, raising a concern (and the e-mail that never carries its text), responding to
one, and the pair settings."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from agreements.models import AgreementVersion, Concern, PairSettings, StageMove
from agreements.services.agreement import agreement_draft_save, agreement_sign
from agreements.services.concerns import CONCERN_EMAIL, concern_raise, concern_respond
from agreements.services.pair_settings import pair_settings_update
from agreements.services.stages import stage_correct, stages_wind_up_due
from matching.models import Mentorship
from mentoring.models import OutboxMessage
from schemes.models import Role
from tests.factories import MembershipFactory, approved_mentee, approved_mentor
from tests.matching.test_mentorships import activate, propose

Stage = Mentorship.Stage
pytestmark = pytest.mark.django_db


def started_pair(scheme, *, started: date, stage: str = Stage.PROGRESS) -> Mentorship:
    """An active pair of ``scheme`` that started on ``started``, in ``stage``."""
    mentorship = activate(propose(approved_mentee(scheme), approved_mentor(scheme)))
    Mentorship.objects.filter(pk=mentorship.pk).update(
        started_at=datetime(started.year, started.month, started.day, 9, tzinfo=UTC),
        stage=stage,
    )
    mentorship.refresh_from_db()
    return mentorship


def sign_agreement(mentorship: Mentorship, **content) -> AgreementVersion:
    """Both of the pair sign a version with ``content``: it is in force."""
    content = {"purpose": "Grow.", "success": "Growing.", **content}
    version = agreement_draft_save(
        mentorship=mentorship,
        user=mentorship.mentee,
        content=content,
        base_number=None,
        base_revision=None,
    ).version
    for person in (mentorship.mentee, mentorship.mentor):
        agreement_sign(
            mentorship=mentorship,
            user=person,
            typed_name=person.display_name,
            content_hash=version.content_hash,
        )
    version.refresh_from_db()
    assert version.status == AgreementVersion.Status.IN_FORCE
    return version


# --- stage_correct -----------------------------------------------------------------------


def test_a_coordinator_corrects_the_stage_and_the_move_is_recorded_with_the_reason(
    active_mentorship, coordinator
):
    move = stage_correct(
        mentorship=active_mentorship,
        coordinator=coordinator,
        to_stage=Stage.PROGRESS,
        reason="  They held their first session last week.  ",
    )

    active_mentorship.refresh_from_db()
    assert active_mentorship.stage == Stage.PROGRESS
    assert active_mentorship.stage == move.to_stage
    stored = StageMove.objects.get(mentorship=active_mentorship)
    assert stored.kind == StageMove.Kind.CORRECTION
    assert (stored.from_stage, stored.to_stage) == (Stage.INITIATION, Stage.PROGRESS)
    assert stored.moved_by == coordinator
    assert stored.reason == "They held their first session last week."


def test_a_correction_needs_a_reason(active_mentorship, coordinator):
    with pytest.raises(ValidationError) as caught:
        stage_correct(
            mentorship=active_mentorship, coordinator=coordinator, to_stage="progress", reason=" "
        )

    assert "reason" in caught.value.error_dict
    assert not StageMove.objects.exists()


def test_a_correction_to_the_same_stage_is_refused(active_mentorship, coordinator):
    with pytest.raises(ValidationError) as caught:
        stage_correct(
            mentorship=active_mentorship,
            coordinator=coordinator,
            to_stage=Stage.INITIATION,
            reason="Just checking.",
        )

    assert "stage" in caught.value.error_dict
    assert not StageMove.objects.exists()


def test_a_correction_to_an_unknown_stage_is_refused(active_mentorship, coordinator):
    with pytest.raises(ValidationError):
        stage_correct(
            mentorship=active_mentorship,
            coordinator=coordinator,
            to_stage="completed",
            reason="Done.",
        )
    active_mentorship.refresh_from_db()
    assert active_mentorship.status == Mentorship.Status.ACTIVE


def test_a_finished_mentorship_stage_cannot_be_corrected(active_mentorship, coordinator):
    Mentorship.objects.filter(pk=active_mentorship.pk).update(
        status=Mentorship.Status.COMPLETED, ended_at=timezone.now()
    )

    with pytest.raises(ValidationError):
        stage_correct(
            mentorship=active_mentorship,
            coordinator=coordinator,
            to_stage=Stage.PROGRESS,
            reason="Late record.",
        )
    assert not StageMove.objects.exists()


@pytest.mark.parametrize("who", ["mentee", "mentor", "other_coordinator", "hr_viewer"])
def test_only_the_schemes_coordinators_correct_a_stage(request, active_mentorship, who):
    with pytest.raises(PermissionDenied):
        stage_correct(
            mentorship=active_mentorship,
            coordinator=request.getfixturevalue(who),
            to_stage=Stage.PROGRESS,
            reason="Because.",
        )
    assert not StageMove.objects.exists()


# --- stages_wind_up_due --------------------------------------------------------------------


def test_pairs_near_their_programme_end_move_to_wind_up_and_others_stay(scheme):
    # A pair's programme ends scheme.programme_months after its start: the first ends
    # three weeks after today (within the default four weeks), the second in eleven.
    months = scheme.programme_months
    today = date(2026, 6, 15)
    near = started_pair(scheme, started=_months_before(date(2026, 7, 6), months))
    far = started_pair(scheme, started=_months_before(date(2026, 9, 1), months))
    initiation = started_pair(
        scheme, started=_months_before(date(2026, 7, 6), months), stage=Stage.INITIATION
    )

    assert stages_wind_up_due(today=today) == 1

    for pair in (near, far, initiation):
        pair.refresh_from_db()
    assert near.stage == Stage.WIND_UP
    assert far.stage == Stage.PROGRESS
    assert initiation.stage == Stage.INITIATION
    move = StageMove.objects.get(mentorship=near)
    assert move.kind == StageMove.Kind.AUTOMATIC
    assert move.moved_by is None
    assert (move.from_stage, move.to_stage) == (Stage.PROGRESS, Stage.WIND_UP)


def test_the_agreements_end_date_wins_over_the_programmes(scheme):
    today = timezone.localdate()
    # Started yesterday: the programme ends months away, the agreement in two weeks.
    pair = started_pair(scheme, started=today - timedelta(days=1), stage=Stage.INITIATION)
    sign_agreement(pair, end_date=today + timedelta(days=14))
    pair.refresh_from_db()
    assert pair.stage == Stage.GOAL_SETTING  # signing moved them

    assert stages_wind_up_due(today=today) == 1

    pair.refresh_from_db()
    assert pair.stage == Stage.WIND_UP


def test_a_schemes_own_wind_up_weeks_are_respected(scheme, other_scheme):
    today = date(2026, 6, 15)
    # Both pairs end in six weeks: outside the default four, inside the scheme's eight.
    ends = today + timedelta(weeks=6)
    here = started_pair(scheme, started=_months_before(ends, scheme.programme_months))
    there = started_pair(other_scheme, started=_months_before(ends, other_scheme.programme_months))
    PairSettings.objects.create(scheme=scheme, wind_up_weeks=8)

    assert stages_wind_up_due(today=today) == 1

    here.refresh_from_db()
    there.refresh_from_db()
    assert here.stage == Stage.WIND_UP
    assert there.stage == Stage.PROGRESS


def test_running_the_wind_up_twice_moves_nothing_twice(scheme):
    today = date(2026, 6, 15)
    pair = started_pair(
        scheme, started=_months_before(today + timedelta(days=3), scheme.programme_months)
    )

    assert stages_wind_up_due(today=today) == 1
    assert stages_wind_up_due(today=today) == 0

    assert StageMove.objects.filter(mentorship=pair).count() == 1


def _months_before(day: date, months: int) -> date:
    month = day.month - 1 - months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, 28))


# --- concerns ------------------------------------------------------------------------------


def test_raising_a_concern_writes_the_outbox_and_emails_each_active_coordinator_without_the_text(
    scheme, active_mentorship, mentee, coordinator, django_capture_on_commit_callbacks
):
    second = MembershipFactory(
        scheme=scheme, role=Role.COORDINATOR, user__email="second@example.org"
    ).user
    away = MembershipFactory(
        scheme=scheme, role=Role.COORDINATOR, user__email="away@example.org", user__is_active=False
    ).user
    secret = "We have not met since March and I feel ignored-1b2c."

    with django_capture_on_commit_callbacks(execute=True):
        concern = concern_raise(
            mentorship=active_mentorship, user=mentee, topic="meeting", text=secret
        )

    assert concern.role == "mentee" and concern.status == Concern.Status.OPEN
    row = OutboxMessage.objects.get(handler=CONCERN_EMAIL)
    assert row.payload == {"concern_id": concern.pk}
    assert row.scheme_id == scheme.pk
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([coordinator.email, second.email])
    assert away.email not in recipients
    for message in mail.outbox:
        bodies = [message.body, message.subject] + [
            content for content, _ in getattr(message, "alternatives", [])
        ]
        assert all("ignored-1b2c" not in body for body in bodies)
        assert f"/schemes/council/concerns/{concern.pk}/" in message.body
        assert "We are not meeting often enough" in message.body


def test_only_the_pair_raise_a_concern(active_mentorship, coordinator):
    with pytest.raises(PermissionDenied):
        concern_raise(mentorship=active_mentorship, user=coordinator, topic="fit", text="Hm.")
    assert not Concern.objects.exists()


def test_resolving_a_concern_needs_a_record_of_what_was_done(concern, coordinator):
    with pytest.raises(ValidationError) as caught:
        concern_respond(concern=concern, coordinator=coordinator, action="  ", resolve=True)

    assert "action" in caught.value.error_dict
    concern.refresh_from_db()
    assert concern.status == Concern.Status.OPEN


@time_machine.travel("2026-05-04 10:00 +00:00", tick=False)
def test_a_coordinator_resolves_a_concern_and_can_open_it_again(concern, coordinator):
    concern_respond(concern=concern, coordinator=coordinator, action="Spoke to both.", resolve=True)
    concern.refresh_from_db()
    assert concern.status == Concern.Status.RESOLVED
    assert concern.action == "Spoke to both."
    assert concern.action_by == coordinator
    assert concern.resolved_at == timezone.now()

    concern_respond(
        concern=concern, coordinator=coordinator, action="It started again.", resolve=False
    )
    concern.refresh_from_db()
    assert concern.status == Concern.Status.OPEN
    assert concern.resolved_at is None
    assert concern.action == "It started again."


def test_another_schemes_coordinator_cannot_respond(concern, other_coordinator):
    with pytest.raises(PermissionDenied):
        concern_respond(concern=concern, coordinator=other_coordinator, action="x", resolve=True)


# --- pair settings -------------------------------------------------------------------------


def test_a_coordinator_sets_the_wind_up_weeks(scheme, coordinator):
    pair_settings_update(scheme=scheme, coordinator=coordinator, wind_up_weeks=6)
    pair_settings_update(scheme=scheme, coordinator=coordinator, wind_up_weeks=7)

    assert PairSettings.objects.get(scheme=scheme).wind_up_weeks == 7


def test_wind_up_weeks_outside_one_to_twenty_six_are_refused(scheme, coordinator):
    with pytest.raises(ValidationError):
        pair_settings_update(scheme=scheme, coordinator=coordinator, wind_up_weeks=27)
    assert not PairSettings.objects.exists()


def test_only_the_coordinators_change_pair_settings(scheme, mentee):
    with pytest.raises(PermissionDenied):
        pair_settings_update(scheme=scheme, coordinator=mentee, wind_up_weeks=3)
