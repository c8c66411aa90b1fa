"""Text that no page may store or choke on, checked the same way at every form field
and every spreadsheet cell.

A NUL character cannot be stored by PostgreSQL at all, so it is refused with a message
that says so. The other control characters (C0 except tab, line feed and carriage
return; DEL; the C1 block) are never typed on purpose: they come from pasting out of
another program, and are silently removed. Lengths are checked here, before the
database, so that an over-long value is a message and never a database error.
"""

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError

NUL = "\x00"
NUL_MESSAGE = (
    "This contains a NUL character (an invisible “\\0”, usually pasted from another "
    "program), which cannot be saved. Please remove it and try again."
)
# Tab, line feed and carriage return are kept: a textarea holds lines.
CONTROL_CHARACTERS = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# The csv module's own limit on one cell (131,072 characters).
MAX_CELL_CHARS = 128 * 1024
# A spreadsheet reads a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# RFC 5321's limit on a forward path, and the length of every e-mail column.
EMAIL_MAX_LENGTH = 254


def contains_nul(value: Any) -> bool:
    """Whether ``value`` (a string, or a list or dict of them, however nested) holds a
    NUL character anywhere."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(contains_nul(key) or contains_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(contains_nul(item) for item in value)
    return False


def validate_no_nul(value: Any) -> None:
    """Refuse a value holding a NUL character, however deep in a list."""
    if contains_nul(value):
        raise ValidationError(NUL_MESSAGE, code="null_characters_not_allowed")


def strip_control_characters(text: str) -> str:
    """``text`` without the control characters nobody types (NUL is left for
    ``validate_no_nul`` to refuse with a message)."""
    return CONTROL_CHARACTERS.sub("", text)


def clean_text(value: Any) -> Any:
    """A submitted value with NUL refused and other control characters removed; lists
    (a multiple choice) are cleaned entry by entry, anything else returned as it is."""
    if isinstance(value, str):
        validate_no_nul(value)
        return strip_control_characters(value)
    if isinstance(value, list | tuple):
        return [clean_text(item) for item in value]
    return value


def clean_cell(text: str, *, max_length: int = MAX_CELL_CHARS) -> str:
    """One spreadsheet cell, checked like a form field: NUL refused, other control
    characters removed, and no longer than ``max_length``. A cell that
    ``formula_safe`` escaped is read back as the value it escaped."""
    if NUL in text:
        raise ValidationError(
            "a cell holds a NUL character (an invisible “\\0”), which cannot be saved: "
            "remove it in the spreadsheet",
            code="null_characters_not_allowed",
        )
    if text[:1] == "'" and text[1:2] in FORMULA_STARTS and text[1:2]:
        text = text[1:]  # written by ``formula_safe``: the value is the rest
    if len(text) > max_length:
        raise ValidationError(
            f"a cell is longer than {max_length:,} characters", code="cell_too_long"
        )
    return strip_control_characters(text)


def formula_safe(value: str) -> str:
    """A value to write in a CSV cell that no spreadsheet will run as a formula: one
    starting with ``FORMULA_STARTS`` gets an apostrophe in front (OWASP's advice), which
    ``clean_cell`` removes again on import."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def clean_cells(cells: list[str]) -> list[str]:
    """A spreadsheet row's cells, each through ``clean_cell``."""
    return [clean_cell(cell) for cell in cells]


def shown_cells(cells: list[str], *, width: int = 200) -> list[str]:
    """A refused row's cells as they may be shown back: without control characters
    (NUL included) and at most ``width`` characters each."""
    return [strip_control_characters(cell.replace(NUL, ""))[:width] for cell in cells]


def csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, cells) of each non-blank row of a CSV text; a quoted cell
    may span lines. A cell over the csv module's limit (``MAX_CELL_CHARS``) is a
    ``csv.Error`` that names its line, as any other unreadable row."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise csv.Error(
                    f"the row starting on line {start} has a cell longer than "
                    f"{MAX_CELL_CHARS:,} characters"
                ) from None
            raise csv.Error(f"the row starting on line {start}: {error}") from None
        if any(cell.strip() for cell in cells):
            yield start, cells
        start = reader.line_num + 1
