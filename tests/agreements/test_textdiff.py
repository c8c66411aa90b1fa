"""Comparing two versions of a document: word pieces that rebuild both texts exactly,
and every field's value as text."""

from datetime import UTC, date, datetime
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agreements.textdiff import FieldChange, Piece, as_text, compare_fields, word_diff


def rebuilt(pieces: tuple[Piece, ...]) -> tuple[str, str]:
    before = "".join(p.text for p in pieces if p.kind in ("same", "removed"))
    after = "".join(p.text for p in pieces if p.kind in ("same", "added"))
    return before, after


# Few distinct words, so that random texts share many and the diff has work to do.
texts = st.lists(
    st.sampled_from(["meet", "monthly", "weekly", "goal", " ", "  ", "\n", "\t", "a,", "é"]),
    max_size=30,
).map("".join) | st.text(max_size=40)


@given(before=texts, after=texts)
def test_the_pieces_rebuild_both_versions_exactly(before, after):
    pieces = word_diff(before, after)

    assert rebuilt(pieces) == (before, after)
    assert all(p.text for p in pieces)
    assert all(p.kind in ("same", "added", "removed") for p in pieces)
    assert all(a.kind != b.kind for a, b in pairwise(pieces))


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("", "", ()),
        ("same text", "same text", (Piece("same", "same text"),)),
        ("", "new", (Piece("added", "new"),)),
        ("old", "", (Piece("removed", "old"),)),
        (
            "We meet monthly in person",
            "We meet weekly in person",
            (
                Piece("same", "We meet "),
                Piece("removed", "monthly"),
                Piece("added", "weekly"),
                Piece("same", " in person"),
            ),
        ),
        (
            "one two",
            "one two three four",
            (Piece("same", "one two"), Piece("added", " three four")),
        ),
        (
            "line one\nline two",
            "line one\n\nline two",
            (
                Piece("same", "line one"),
                Piece("removed", "\n"),
                Piece("added", "\n\n"),
                Piece("same", "line two"),
            ),
        ),
    ],
)
def test_word_pieces(before, after, expected):
    assert word_diff(before, after) == expected


def test_neighbouring_changes_of_one_kind_are_merged_into_one_piece():
    pieces = word_diff("keep", "keep and three new words")

    assert pieces == (Piece("same", "keep"), Piece("added", " and three new words"))


def test_every_field_is_compared_in_the_order_of_its_labels():
    labels = [("goals", "Goals"), ("frequency", "How often"), ("notes", "Notes")]

    changes = compare_fields(
        {"goals": "Lead a team", "frequency": "Monthly", "notes": "x"},
        {"goals": "Lead a team", "frequency": "Weekly", "notes": "x"},
        labels,
    )

    assert [(c.name, c.label, c.changed) for c in changes] == [
        ("goals", "Goals", False),
        ("frequency", "How often", True),
        ("notes", "Notes", False),
    ]
    assert changes[0].pieces == (Piece("same", "Lead a team"),)
    assert changes[1] == FieldChange(
        "frequency",
        "How often",
        "Monthly",
        "Weekly",
        (Piece("removed", "Monthly"), Piece("added", "Weekly")),
    )


def test_values_are_compared_as_text():
    changes = compare_fields(
        {"review": date(2026, 3, 1), "areas": ["Leadership", "Finance"], "end": None},
        {"review": date(2026, 3, 1), "areas": ("Leadership", "Finance"), "hours": 2},
        [("review", "Review"), ("areas", "Areas"), ("end", "End"), ("hours", "Hours")],
    )

    assert [(c.before, c.after, c.changed) for c in changes] == [
        ("2026-03-01", "2026-03-01", False),
        ("Leadership\nFinance", "Leadership\nFinance", False),
        ("", "", False),  # None and a missing field are both empty
        ("", "2", True),
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (date(2026, 12, 31), "2026-12-31"),
        ([], ""),
        ([date(2026, 1, 2), None, "x"], "2026-01-02\n\nx"),
        (3, "3"),
        (True, "True"),
        (datetime(2026, 1, 2, 9, 30, tzinfo=UTC), "2026-01-02 09:30:00+00:00"),
    ],
)
def test_as_text(value, text):
    assert as_text(value) == text
