"""Reading the CSV files people upload, whichever separator their spreadsheet wrote.

A spreadsheet saved as CSV in a locale whose decimal mark is a comma (most of Europe)
separates cells with semicolons; one exported from other tools may use tabs. Both
uploads (invitations and applications) read the separator from the file itself.
"""

import csv
import io
from _csv import Reader

DELIMITERS = ",;\t"
# Enough lines to see the pattern, without reading a large file twice.
SAMPLE_LINES = 20


def csv_delimiter(text: str) -> str:
    """The separator of the CSV ``text``: a comma, a semicolon or a tab, read from its
    first lines by ``csv.Sniffer``; a comma when nothing can be told (one column)."""
    sample = "\n".join(text.lstrip("\ufeff").splitlines()[:SAMPLE_LINES])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def csv_reader(text: str) -> Reader:
    """A ``csv.reader`` over ``text`` (a leading byte-order mark dropped) with the
    separator the file uses."""
    text = text.lstrip("\ufeff")
    return csv.reader(io.StringIO(text), delimiter=csv_delimiter(text))
