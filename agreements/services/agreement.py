"""The agreement: saving a draft, signing, and the second signature that puts a version
in force.

A pair has at most one draft. Either person edits it; every save names the version and
revision it was loaded at, so a save made on a text the other person has changed since
is refused with both texts (``AgreementConflict``) rather than overwriting theirs. A
change after a version is in force starts a new draft (the next number) from it, and the
version in force stays so until both sign the new one. A signature is bound to the hash
of the text signed; when both have signed the same hash, that version is in force.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from agreements.models import AgreementVersion, Signature
from agreements.services.stages import stage_move_automatic
from matching.models import Mentorship

__all__ = [
    "AgreementConflict",
    "SaveResult",
    "agreement_draft_save",
    "agreement_sign",
    "pair_role",
]

REQUIRED_TO_SIGN = {
    "purpose": "Say why you are doing this before signing.",
    "success": "Say what success will look like before signing.",
}


class AgreementConflict(Exception):
    """The draft changed since the person loaded it: ``current`` is the text now saved,
    and nothing of theirs was saved."""

    def __init__(self, current: AgreementVersion):
        super().__init__("The agreement changed since you opened it.")
        self.current = current


@dataclass(frozen=True)
class SaveResult:
    version: AgreementVersion
    changed: bool
    # The other person's signature on the text before this change, now void.
    voided_signature: bool = False


def pair_role(mentorship: Mentorship, user: Any) -> str:
    """The role of ``user`` in the pair; PermissionDenied for anyone else (only the
    pair writes and signs their agreement)."""
    role = mentorship.role_of(user)
    if role is None:
        raise PermissionDenied("Only the mentee and the mentor write their agreement.")
    return role


def _lock_active(mentorship: Mentorship) -> Mentorship:
    """Lock the mentorship row, which orders every change to its agreement, and check
    that the pair may still change it."""
    locked = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if locked.status != Mentorship.Status.ACTIVE:
        raise ValidationError(
            "This mentorship has finished, so its agreement can no longer change."
        )
    return locked


@transaction.atomic
def agreement_draft_save(
    *,
    mentorship: Mentorship,
    user: Any,
    content: dict[str, Any],
    base_number: int | None,
    base_revision: int | None,
) -> SaveResult:
    """Save ``content`` (fields of ``AgreementVersion.CONTENT_FIELDS``) as the pair's
    draft, edited from version ``base_number`` at ``base_revision`` (both None when the
    person started from nothing).

    With no draft, a draft is created: version 1, or the next number copied over the
    version in force. Raises ``AgreementConflict`` when the draft is not the text the
    person loaded, and ValidationError for bad content; nothing is saved either way.
    Saving the very text already there changes nothing (``changed`` is False).
    """
    pair_role(mentorship, user)
    _lock_active(mentorship)
    versions = list(AgreementVersion.objects.filter(mentorship=mentorship).order_by("number"))
    draft = next((v for v in versions if v.status == AgreementVersion.Status.DRAFT), None)
    in_force = next((v for v in versions if v.status == AgreementVersion.Status.IN_FORCE), None)
    if draft is not None:
        if (base_number, base_revision) != (draft.number, draft.revision):
            raise AgreementConflict(draft)
        version = draft
    else:
        loaded = (in_force.number, in_force.revision) if in_force else (None, None)
        if (base_number, base_revision) != loaded:
            # The person loaded a draft that has been signed (or another version) since.
            if not versions:
                # A base posted for a pair with no agreement: not a page we gave.
                raise ValidationError("Open the agreement again and write it from there.")
            raise AgreementConflict(in_force if in_force else versions[-1])
        version = AgreementVersion(
            mentorship=mentorship, number=(versions[-1].number + 1) if versions else 1
        )
        if in_force is not None:
            for name in AgreementVersion.CONTENT_FIELDS:
                setattr(version, name, getattr(in_force, name))
    before = version.compute_hash() if version.pk else (in_force.content_hash if in_force else None)
    for name in AgreementVersion.CONTENT_FIELDS:
        if name in content:
            setattr(version, name, content[name])
    version.content_hash = version.compute_hash()
    if version.content_hash == before:
        # Nothing changed: no new draft over the version in force, no new revision.
        return SaveResult(version=version if version.pk else in_force, changed=False)  # type: ignore[arg-type]
    voided = bool(
        version.pk and version.signatures.filter(content_hash=before).exclude(signer=user).exists()
    )
    if version.pk:
        version.revision += 1
    version.edited_by = user
    version.full_clean()
    version.save()
    return SaveResult(version=version, changed=True, voided_signature=voided)


@transaction.atomic
def agreement_sign(
    *, mentorship: Mentorship, user: Any, typed_name: str, content_hash: str
) -> AgreementVersion:
    """``user`` signs the pair's draft, whose text they read had ``content_hash``.

    Refused when the draft has changed since (the hash differs), when the purpose or
    what success looks like is missing, or when they have signed this text already.
    When the other person has signed the same text, the draft is now in force: the
    version in force before it is superseded and, the first time, the pair moves from
    initiation to goal setting.
    """
    role = pair_role(mentorship, user)
    locked = _lock_active(mentorship)
    draft = AgreementVersion.objects.filter(
        mentorship=mentorship, status=AgreementVersion.Status.DRAFT
    ).first()
    if draft is None:
        raise ValidationError("There is no draft to sign: the agreement is already in force.")
    if content_hash != draft.content_hash:
        raise ValidationError(
            "The agreement has changed since you opened it. Read the text as it is now, then sign."
        )
    missing = {name: text for name, text in REQUIRED_TO_SIGN.items() if not getattr(draft, name)}
    if missing:
        raise ValidationError(" ".join(missing.values()))
    typed_name = " ".join((typed_name or "").split())
    if not typed_name:
        raise ValidationError({"typed_name": "Type your name to sign."})
    signatures = Signature.objects.filter(version=draft, content_hash=draft.content_hash)
    if signatures.filter(role=role).exists():
        raise ValidationError("You have already signed this text.")
    now = timezone.now()
    signature = Signature(
        version=draft,
        signer=user,
        role=role,
        typed_name=typed_name,
        content_hash=draft.content_hash,
        signed_at=now,
    )
    signature.full_clean()
    signature.save()
    if signatures.values("role").distinct().count() == 2:
        AgreementVersion.objects.filter(
            mentorship=mentorship, status=AgreementVersion.Status.IN_FORCE
        ).update(status=AgreementVersion.Status.SUPERSEDED)
        draft.status = AgreementVersion.Status.IN_FORCE
        draft.in_force_at = now
        draft.save(update_fields=["status", "in_force_at", "updated_at"])
        if locked.stage == Mentorship.Stage.INITIATION:
            stage_move_automatic(
                mentorship=locked, to_stage=Mentorship.Stage.GOAL_SETTING, moved_by=user
            )
    return draft
