"""Reads of a pair's agreement: its versions, which is the draft and which is in force,
and who has signed which text."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch
from django.utils.formats import date_format

from agreements.models import AgreementVersion, ArrangedBy, Signature
from agreements.textdiff import FieldChange, compare_fields
from matching.models import Mentorship

__all__ = [
    "LABELS",
    "QUESTIONS",
    "AgreementField",
    "AgreementState",
    "agreement_fields",
    "agreement_state",
    "changed_fields",
    "counted_signatures",
    "display_values",
]


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

    def find(self, number: int) -> AgreementVersion | None:
        """Version ``number``, or None when the pair has no such version."""
        return next((v for v in self.versions if v.number == number), None)

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


# The agreement's fields as the pair reads them: each a question, with a short hint on
# what to write (from the agreement practice the product follows).
QUESTIONS: dict[str, tuple[str, str]] = {
    "purpose": (
        "Why are we doing this?",
        "What the mentee wants from the mentoring, in their own words: the mentee owns "
        "the outcomes, the mentor helps along the way.",
    ),
    "success": (
        "What will success look like?",
        "How you will both know it has worked: the change you expect to see by the end.",
    ),
    "objectives": (
        "What are our objectives?",
        "At most three, one a line. Each can become a goal with its own targets.",
    ),
    "help_asked": (
        "What does the mentee ask help with?",
        "The support the mentee is looking for, including what is only implied.",
    ),
    "help_offered": (
        "What help can the mentor offer?",
        "Practical help, experience to draw on, introductions to people in their network.",
    ),
    "mentor_will_not": (
        "Is there anything the mentor will not do?",
        "Topics or kinds of help the mentor would rather leave out, so nobody is surprised later.",
    ),
    "confidentiality": (
        "How do we treat what we tell each other?",
        "For example, that what you talk about stays between the two of you.",
    ),
    "meeting_frequency": ("How often do we meet?", "For example, every three weeks for an hour."),
    "meeting_format": (
        "Where and in what format do we meet?",
        "In person, by video call, over a walk; at work or somewhere else.",
    ),
    "arranged_by": (
        "Who arranges our meetings?",
        "Normally the mentee takes the initiative and puts the dates in the calendar.",
    ),
    "cancellations": (
        "How do cancellations work?",
        "How much notice you give each other, and how you find a new date.",
    ),
    "review": (
        "How will we review progress?",
        "How you look back on your meetings and on the objectives, and how often.",
    ),
    "planned_sessions": (
        "How many sessions do we plan?",
        "A number you can change later, in a new version.",
    ),
    "end_date": (
        "When does the mentoring end?",
        "The end of the scheme's programme counted from your start, unless you agree another date.",
    ),
}

# (name, question) in the order of the agreement, for ``textdiff.compare_fields``.
LABELS: list[tuple[str, str]] = [
    (name, QUESTIONS[name][0]) for name in AgreementVersion.CONTENT_FIELDS
]


@dataclass(frozen=True)
class AgreementField:
    """One field of a version as the page shows it: the question, its hint, and the
    answer as text (``items`` for the objectives, a numbered list)."""

    name: str
    question: str
    hint: str
    text: str
    items: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.text and not self.items


def display_values(values: Mapping[str, Any]) -> dict[str, str]:
    """Content values (``AgreementVersion.content()`` or a form's cleaned data) as the
    text a person reads, by field name: who arranges meetings in words, the end date
    written out, the objectives one a line."""
    shown: dict[str, str] = {}
    for name in AgreementVersion.CONTENT_FIELDS:
        value = values.get(name)
        if name == "arranged_by":
            shown[name] = str(ArrangedBy(value).label) if value in ArrangedBy.values else ""
        elif name == "end_date":
            if isinstance(value, str) and value:
                value = date.fromisoformat(value)
            shown[name] = date_format(value, "j F Y") if isinstance(value, date) else ""
        elif name == "objectives":
            shown[name] = "\n".join(str(item) for item in value or [])
        else:
            shown[name] = "" if value is None else str(value)
    return shown


def agreement_fields(version: AgreementVersion) -> list[AgreementField]:
    """The fields of ``version`` in the agreement's order, as questions and answers."""
    shown = display_values(version.content())
    return [
        AgreementField(
            name=name,
            question=QUESTIONS[name][0],
            hint=QUESTIONS[name][1],
            text="" if name == "objectives" else shown[name],
            items=tuple(version.objectives or []) if name == "objectives" else (),
        )
        for name in AgreementVersion.CONTENT_FIELDS
    ]


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[FieldChange]:
    """The fields that differ between two sets of content values, word by word, in the
    agreement's order."""
    return [
        change
        for change in compare_fields(display_values(before), display_values(after), LABELS)
        if change.changed
    ]
