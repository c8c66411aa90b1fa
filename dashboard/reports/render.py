"""One piece of code that writes any report: as CSV, streamed line by line, or as an
Excel workbook in openpyxl's write-only mode, in constant memory.

Every text cell that a spreadsheet would run as a formula (one beginning with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) is written with an apostrophe in front,
in both formats (``mentoring.validators.formula_safe``); in Excel it is always a text
cell, never a formula. Numbers stay numbers and dates stay dates in Excel.
"""

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from django.http import StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from dashboard.reports.base import Report
from dashboard.scope import Scope
from mentoring.exports import csv_lines, csv_stream
from mentoring.validators import formula_safe

__all__ = [
    "CONTENT_TYPES",
    "FORMATS",
    "PROGRESS_EVERY",
    "csv_response",
    "write_csv",
    "write_report",
    "write_xlsx",
    "xlsx_cell",
]

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# How often a long export reports its progress, in rows.
PROGRESS_EVERY = 1_000

Progress = Callable[[int], None]

# Characters an Excel file cannot hold (XML 1.0 forbids them); openpyxl refuses them.
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def xlsx_cell(value: Any) -> Any:
    """``value`` as an Excel cell's value: text made safe (never a formula), numbers and
    dates as they are, a date-time in the site's time zone to the minute (Excel has no
    time zones), nothing for ``None``."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, second=0, microsecond=0)
    if isinstance(value, date):
        return value
    return formula_safe(_ILLEGAL.sub("", str(value)))


def _counted(rows: Iterable[list[Any]], progress: Progress | None) -> Iterator[list[Any]]:
    """``rows``, calling ``progress`` with the number given so far every
    ``PROGRESS_EVERY`` rows."""
    for done, row in enumerate(rows, start=1):
        yield row
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)


def write_csv(
    report: Report, scope: Scope, file: IO[str], *, progress: Progress | None = None
) -> int:
    """Write ``report`` for ``scope`` as CSV to the text file ``file`` (opened with
    ``newline=""``). Returns the number of rows written, the header aside."""
    lines = csv_lines(report.columns(scope), _counted(report.rows(scope), progress))
    written = -1
    for line in lines:
        file.write(line)
        written += 1
    return written


def write_xlsx(
    report: Report, scope: Scope, file: IO[bytes] | str, *, progress: Progress | None = None
) -> int:
    """Write ``report`` for ``scope`` as an Excel workbook to ``file`` (a path or a
    binary file), row by row in write-only mode, so memory does not grow with the rows.
    Returns the number of rows written, the header aside."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=report.name[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in report.columns(scope):
        cell = WriteOnlyCell(sheet, value=xlsx_cell(title))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    written = 0
    for row in _counted(report.rows(scope), progress):
        sheet.append([xlsx_cell(value) for value in row])
        written += 1
    workbook.save(file)
    return written


def write_report(
    report: Report, scope: Scope, fmt: str, path: str, *, progress: Progress | None = None
) -> int:
    """Write ``report`` in format ``fmt`` ("csv" or "xlsx") to the file ``path``.
    Returns the number of rows written."""
    if fmt == "csv":
        with open(path, "w", encoding="utf-8", newline="") as file:
            return write_csv(report, scope, file, progress=progress)
    if fmt == "xlsx":
        return write_xlsx(report, scope, path, progress=progress)
    raise ValueError(f"No export format is called {fmt!r}.")


def csv_response(
    report: Report, scope: Scope, *, done: Callable[[int], None]
) -> StreamingHttpResponse:
    """A download of ``report`` for ``scope`` as CSV, streamed as it is read: ``done``
    is called with the number of rows once the last has gone."""
    return csv_stream(
        filename=report.file_name(scope, "csv"),
        header=report.columns(scope),
        rows=report.rows(scope),
        done=done,
    )
