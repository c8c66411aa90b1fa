"""Every state change of the agreement: drafts saved by either person, conflicts,
signatures bound to a text, and the second signature putting a version in force."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agreements.models import AgreementVersion, Signature, StageMove
from agreements.selectors.agreement import agreement_state
from agreements.services.agreement import (
    AgreementConflict,
    agreement_draft_save,
    agreement_sign,
)
from matching.models import Mentorship
from matching.services.mentorships import mentorship_end

pytestmark = pytest.mark.django_db

TEXT = {
    "purpose": "Grow into a team leader role.",
    "success": "Leading a small project by the spring.",
    "objectives": ["Run a team meeting", "Give difficult feedback"],
}


def save(mentorship, user, content, base):
    number, revision = (base.number, base.revision) if base is not None else (None, None)
    return agreement_draft_save(
        mentorship=mentorship,
        user=user,
        content=content,
        base_number=number,
        base_revision=revision,
    )


def sign(mentorship, user, version, name="A Person"):
    version.refresh_from_db()
    return agreement_sign(
        mentorship=mentorship, user=user, typed_name=name, content_hash=version.content_hash
    )


def in_force(mentorship, mentee, mentor, version):
    sign(mentorship, mentee, version)
    return sign(mentorship, mentor, version)


def test_first_save_creates_version_one_as_a_draft(active_mentorship, mentee):
    result = save(active_mentorship, mentee, TEXT, None)

    version = AgreementVersion.objects.get(mentorship=active_mentorship)
    assert result.changed and result.version == version
    assert (version.number, version.status, version.revision) == (1, "draft", 1)
    assert version.purpose == TEXT["purpose"]
    assert version.objectives == TEXT["objectives"]
    assert version.edited_by == mentee
    assert version.content_hash == version.compute_hash()


def test_the_other_person_edits_the_same_draft(active_mentorship, mentor, agreement_draft):
    result = save(active_mentorship, mentor, {"review": "Every third meeting."}, agreement_draft)

    agreement_draft.refresh_from_db()
    assert result.changed and result.version.pk == agreement_draft.pk
    assert agreement_draft.review == "Every third meeting."
    assert agreement_draft.purpose == TEXT["purpose"]
    assert (agreement_draft.revision, agreement_draft.edited_by) == (2, mentor)
    assert AgreementVersion.objects.filter(mentorship=active_mentorship).count() == 1


def test_a_save_on_a_stale_base_raises_a_conflict_and_saves_nothing(
    active_mentorship, mentee, mentor, agreement_draft
):
    loaded = AgreementVersion.objects.get(pk=agreement_draft.pk)  # the mentee's copy
    save(active_mentorship, mentor, {"purpose": "The mentor's words."}, agreement_draft)

    with pytest.raises(AgreementConflict) as caught:
        save(active_mentorship, mentee, {"purpose": "The mentee's words."}, loaded)

    agreement_draft.refresh_from_db()
    assert agreement_draft.purpose == "The mentor's words."
    assert agreement_draft.revision == 2
    assert caught.value.current.pk == agreement_draft.pk
    assert caught.value.current.purpose == "The mentor's words."


def test_a_first_draft_saved_twice_from_nothing_is_a_conflict(active_mentorship, mentor, mentee):
    save(active_mentorship, mentee, TEXT, None)

    with pytest.raises(AgreementConflict):
        save(active_mentorship, mentor, {"purpose": "Something else."}, None)

    assert AgreementVersion.objects.get(mentorship=active_mentorship).purpose == TEXT["purpose"]


def test_saving_the_identical_text_changes_nothing(active_mentorship, mentee, agreement_draft):
    result = save(active_mentorship, mentee, dict(TEXT), agreement_draft)

    agreement_draft.refresh_from_db()
    assert not result.changed
    assert agreement_draft.revision == 1


def test_a_fourth_objective_is_refused_and_nothing_is_saved(
    active_mentorship, mentee, agreement_draft
):
    four = {"objectives": ["One", "Two", "Three", "Four"]}

    with pytest.raises(ValidationError) as caught:
        save(active_mentorship, mentee, four, agreement_draft)

    assert "objectives" in caught.value.message_dict
    agreement_draft.refresh_from_db()
    assert agreement_draft.objectives == TEXT["objectives"]
    assert agreement_draft.revision == 1


def test_signing_a_changed_text_is_refused(active_mentorship, mentee, mentor, agreement_draft):
    old_hash = agreement_draft.content_hash
    save(active_mentorship, mentor, {"purpose": "Changed."}, agreement_draft)

    with pytest.raises(ValidationError, match="changed since you opened it"):
        agreement_sign(
            mentorship=active_mentorship, user=mentee, typed_name="Mee", content_hash=old_hash
        )

    assert not Signature.objects.exists()


@pytest.mark.parametrize("missing", ["purpose", "success"])
def test_signing_without_purpose_or_success_is_refused(active_mentorship, mentee, missing):
    version = save(active_mentorship, mentee, {**TEXT, missing: ""}, None).version

    with pytest.raises(ValidationError, match="before signing"):
        sign(active_mentorship, mentee, version)

    assert not Signature.objects.exists()


def test_signing_the_same_text_twice_is_refused(active_mentorship, mentee, agreement_draft):
    sign(active_mentorship, mentee, agreement_draft)

    with pytest.raises(ValidationError, match="already signed"):
        sign(active_mentorship, mentee, agreement_draft)

    assert Signature.objects.count() == 1


def test_one_signature_leaves_the_draft_waiting(active_mentorship, mentee, agreement_draft):
    sign(active_mentorship, mentee, agreement_draft, name="  Mia   Mentee ")

    agreement_draft.refresh_from_db()
    signature = Signature.objects.get()
    assert agreement_draft.status == "draft"
    assert (signature.role, signature.typed_name) == ("mentee", "Mia Mentee")
    assert signature.content_hash == agreement_draft.content_hash
    state = agreement_state(active_mentorship)
    assert state.has_signed("mentee") and not state.has_signed("mentor")


def test_the_second_signature_puts_the_version_in_force_and_starts_goal_setting(
    active_mentorship, mentee, mentor, agreement_draft
):
    version = in_force(active_mentorship, mentee, mentor, agreement_draft)

    version.refresh_from_db()
    active_mentorship.refresh_from_db()
    assert version.status == "in_force" and version.in_force_at is not None
    assert active_mentorship.stage == Mentorship.Stage.GOAL_SETTING
    move = StageMove.objects.get(mentorship=active_mentorship)
    assert (move.from_stage, move.to_stage, move.kind) == (
        "initiation",
        "goal_setting",
        "automatic",
    )
    assert move.moved_by == mentor


def test_a_change_after_signing_makes_version_two_while_one_stays_in_force(
    active_mentorship, mentee, mentor, agreement_draft
):
    first = in_force(active_mentorship, mentee, mentor, agreement_draft)
    first.refresh_from_db()

    result = save(active_mentorship, mentor, {"meeting_frequency": "Monthly"}, first)

    first.refresh_from_db()
    assert result.changed
    assert (result.version.number, result.version.status) == (2, "draft")
    assert result.version.purpose == TEXT["purpose"]  # copied from version 1
    assert result.version.meeting_frequency == "Monthly"
    assert first.status == "in_force" and first.meeting_frequency == ""
    state = agreement_state(active_mentorship)
    assert (state.in_force.number, state.draft.number) == (1, 2)


def test_an_unchanged_save_over_the_version_in_force_makes_no_new_draft(
    active_mentorship, mentee, mentor, agreement_draft
):
    first = in_force(active_mentorship, mentee, mentor, agreement_draft)
    first.refresh_from_db()

    result = save(active_mentorship, mentee, dict(TEXT), first)

    assert not result.changed and result.version.pk == first.pk
    assert AgreementVersion.objects.filter(mentorship=active_mentorship).count() == 1


def test_both_signing_version_two_supersedes_version_one(
    active_mentorship, mentee, mentor, agreement_draft
):
    first = in_force(active_mentorship, mentee, mentor, agreement_draft)
    first.refresh_from_db()
    second = save(active_mentorship, mentee, {"review": "Monthly"}, first).version

    in_force(active_mentorship, mentee, mentor, second)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("superseded", "in_force")
    # The stage moved once, at the first signing; not again.
    assert StageMove.objects.filter(mentorship=active_mentorship).count() == 1


def test_an_edit_after_one_signature_voids_it(active_mentorship, mentee, mentor, agreement_draft):
    sign(active_mentorship, mentee, agreement_draft)
    agreement_draft.refresh_from_db()

    result = save(active_mentorship, mentor, {"review": "Monthly"}, agreement_draft)

    assert result.voided_signature
    state = agreement_state(active_mentorship)
    assert not state.has_signed("mentee")
    assert state.stale_signers("mentee")
    assert Signature.objects.count() == 1  # kept on record, no longer counting
    # The mentor signing alone does not put it in force.
    sign(active_mentorship, mentor, result.version)
    result.version.refresh_from_db()
    assert result.version.status == "draft"


def test_an_edit_by_the_signer_themself_voids_nothing_of_the_other(
    active_mentorship, mentee, agreement_draft
):
    sign(active_mentorship, mentee, agreement_draft)
    agreement_draft.refresh_from_db()

    result = save(active_mentorship, mentee, {"review": "Monthly"}, agreement_draft)

    assert result.changed and not result.voided_signature


def test_a_finished_mentorship_refuses_edits_and_signatures(
    active_mentorship, mentee, agreement_draft
):
    mentorship_end(mentorship=active_mentorship, ended_by=mentee, reason="We both moved on.")

    with pytest.raises(ValidationError, match="finished"):
        save(active_mentorship, mentee, {"purpose": "Too late."}, agreement_draft)
    with pytest.raises(ValidationError, match="finished"):
        sign(active_mentorship, mentee, agreement_draft)

    agreement_draft.refresh_from_db()
    assert agreement_draft.purpose == TEXT["purpose"]
    assert not Signature.objects.exists()


def test_an_outsider_can_neither_edit_nor_sign(active_mentorship, outsider, agreement_draft):
    with pytest.raises(PermissionDenied):
        save(active_mentorship, outsider, {"purpose": "Not mine."}, agreement_draft)
    with pytest.raises(PermissionDenied):
        sign(active_mentorship, outsider, agreement_draft)

    agreement_draft.refresh_from_db()
    assert agreement_draft.purpose == TEXT["purpose"]
    assert not Signature.objects.exists()
