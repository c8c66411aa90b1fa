"""What changed between two versions of a document, field by field and word by word.

``compare_fields`` turns each field of both versions into text and pairs them up;
``word_diff`` splits a field's change into pieces that are the same, added or removed,
which a template shows as plain text, ``<ins>`` and ``<del>``.

The words are compared with whitespace kept as tokens of their own, so that nothing is
lost: the "same" and "removed" pieces joined give the old text exactly, and the "same"
and "added" pieces joined give the new one, line breaks included. Pure Python, no ORM.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

SAME = "same"
ADDED = "added"
REMOVED = "removed"

# A run of non-space characters (a word with its punctuation) or a run of whitespace.
TOKEN = re.compile(r"\S+|\s+")


@dataclass(frozen=True)
class Piece:
    """A stretch of text that is the same in both versions, or only in one of them."""

    kind: str  # SAME, ADDED or REMOVED
    text: str


@dataclass(frozen=True)
class FieldChange:
    """One field of the document in both versions, as text, and how the two differ."""

    name: str
    label: str
    before: str
    after: str
    pieces: tuple[Piece, ...]

    @property
    def changed(self) -> bool:
        return self.before != self.after


def word_diff(before: str, after: str) -> tuple[Piece, ...]:
    """``before`` and ``after`` as pieces, word by word, in reading order: where a
    stretch was replaced, what was removed comes before what was added. Neighbouring
    pieces of one kind are merged, and no piece is empty."""
    old, new = TOKEN.findall(before), TOKEN.findall(after)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    pieces: list[Piece] = []
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            _append(pieces, SAME, old[old_start:old_end])
            continue
        _append(pieces, REMOVED, old[old_start:old_end])
        _append(pieces, ADDED, new[new_start:new_end])
    return tuple(pieces)


def compare_fields(
    before: Mapping[str, Any], after: Mapping[str, Any], labels: Sequence[tuple[str, str]]
) -> list[FieldChange]:
    """One ``FieldChange`` for each ``(name, label)`` in ``labels``, in that order,
    whether or not it changed (the caller chooses which to show). A field missing from a
    version counts as empty; values become text as ``as_text`` says."""
    changes = []
    for name, label in labels:
        old, new = as_text(before.get(name)), as_text(after.get(name))
        changes.append(FieldChange(name, label, old, new, word_diff(old, new)))
    return changes


def as_text(value: Any) -> str:
    """A field's value as the text compared: ``None`` is empty, a date is
    ``YYYY-MM-DD``, a list or tuple has one item a line, anything else is ``str()``."""
    if value is None:
        return ""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "\n".join(as_text(item) for item in value)
    return str(value)


def _append(pieces: list[Piece], kind: str, tokens: Sequence[str]) -> None:
    """Add ``tokens`` as a piece of ``kind``, merged into the last piece when that is of
    the same kind."""
    text = "".join(tokens)
    if not text:
        return
    if pieces and pieces[-1].kind == kind:
        pieces[-1] = Piece(kind, pieces[-1].text + text)
    else:
        pieces.append(Piece(kind, text))
