"""The pair acting at the same moment: two saves of one draft, two first drafts, both
signatures, two wind-up jobs. Each needs real concurrent transactions, so these run on
PostgreSQL only (CI uses it); SQLite serialises every write, which would prove nothing.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from agreements.models import AgreementVersion, Signature, StageMove
from agreements.services.agreement import (
    AgreementConflict,
    agreement_draft_save,
    agreement_sign,
)
from agreements.services.stages import stages_wind_up_due
from matching.models import Mentorship
from tests.concurrency import at_once, postgresql_only

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]


def test_two_saves_of_one_draft_at_once_keep_one_and_report_the_other(agreement_draft):
    mentorship = agreement_draft.mentorship

    def save(user, text):
        return lambda: agreement_draft_save(
            mentorship=mentorship,
            user=user,
            content={"review": text},
            base_number=agreement_draft.number,
            base_revision=agreement_draft.revision,
        )

    results = at_once([save(mentorship.mentee, "Monthly"), save(mentorship.mentor, "Weekly")])

    conflicts = [r for r in results if isinstance(r, AgreementConflict)]
    saved = [r for r in results if not isinstance(r, Exception)]
    assert len(conflicts) == 1 and len(saved) == 1, results
    draft = AgreementVersion.objects.get(pk=agreement_draft.pk)
    assert draft.revision == 2
    assert draft.review == saved[0].version.review


def test_two_first_drafts_at_once_make_one_version(active_mentorship):
    def write(user):
        return lambda: agreement_draft_save(
            mentorship=active_mentorship,
            user=user,
            content={"purpose": f"Written by {user.pk}"},
            base_number=None,
            base_revision=None,
        )

    results = at_once([write(active_mentorship.mentee), write(active_mentorship.mentor)])

    assert sum(isinstance(r, AgreementConflict) for r in results) == 1, results
    assert AgreementVersion.objects.filter(mentorship=active_mentorship).count() == 1


def test_both_signing_at_once_puts_the_version_in_force_once(agreement_draft):
    mentorship = agreement_draft.mentorship

    def sign(user):
        return lambda: agreement_sign(
            mentorship=mentorship,
            user=user,
            typed_name=user.display_name,
            content_hash=agreement_draft.content_hash,
        )

    results = at_once([sign(mentorship.mentee), sign(mentorship.mentor)])

    assert not [r for r in results if isinstance(r, Exception)], results
    version = AgreementVersion.objects.get(pk=agreement_draft.pk)
    assert version.status == AgreementVersion.Status.IN_FORCE
    assert Signature.objects.filter(version=version).count() == 2
    moves = StageMove.objects.filter(mentorship=mentorship)
    assert [(m.from_stage, m.to_stage) for m in moves] == [("initiation", "goal_setting")]


def test_two_wind_up_jobs_at_once_move_a_pair_once(active_mentorship):
    Mentorship.objects.filter(pk=active_mentorship.pk).update(
        stage=Mentorship.Stage.PROGRESS,
        started_at=timezone.now() - timedelta(days=365 * 2),
    )

    results = at_once([stages_wind_up_due, stages_wind_up_due])

    assert sorted(results) == [0, 1], results
    assert StageMove.objects.filter(mentorship=active_mentorship).count() == 1
