"""Reads of a pair's agreement: its versions, which is the draft and which is in force,
and who has signed which text."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from agreements.models import AgreementVersion, Signature
from matching.models import Mentorship

__all__ = ["AgreementState", "agreement_state", "counted_signatures"]


def counted_signatures(version: AgreementVersion) -> dict[str, Signature]:
    """The signatures of ``version`` that count, by role: those on its current text.
    Reads the prefetched ``signatures`` when the version came from ``agreement_state``."""
    return {
        signature.role: signature
        for signature in version.signatures.all()
        if signature.content_hash == version.content_hash
    }


@dataclass(frozen=True)
class AgreementState:
    """Where a pair's agreement stands: every version (oldest first), the draft and the
    version in force (either may be None), and the draft's signatures that count."""

    versions: list[AgreementVersion]
    draft: AgreementVersion | None
    in_force: AgreementVersion | None
    draft_signatures: dict[str, Signature] = field(default_factory=dict)

    @property
    def current(self) -> AgreementVersion | None:
        """The text being worked on: the draft, else the version in force."""
        return self.draft or self.in_force

    @property
    def is_signed(self) -> bool:
        """A version is in force: both have signed the same text."""
        return self.in_force is not None

    def has_signed(self, role: str) -> bool:
        """``role`` has signed the draft's current text."""
        return role in self.draft_signatures

    def stale_signers(self, role: str) -> bool:
        """``role`` signed an earlier text of the draft, which has changed since."""
        if self.draft is None or role in self.draft_signatures:
            return False
        return any(s.role == role for s in self.draft.signatures.all())


def agreement_state(mentorship: Mentorship) -> AgreementState:
    """The agreement of ``mentorship``: its versions and their signatures, in two
    queries."""
    versions = list(
        AgreementVersion.objects.filter(mentorship=mentorship)
        .select_related("edited_by")
        .prefetch_related(
            Prefetch("signatures", queryset=Signature.objects.select_related("signer"))
        )
        .order_by("number")
    )
    draft = next((v for v in versions if v.status == AgreementVersion.Status.DRAFT), None)
    in_force = next((v for v in versions if v.status == AgreementVersion.Status.IN_FORCE), None)
    return AgreementState(
        versions=versions,
        draft=draft,
        in_force=in_force,
        draft_signatures=counted_signatures(draft) if draft else {},
    )
