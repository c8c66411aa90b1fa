"""Lists as CSV files: every cell made safe to open in a spreadsheet, and the file
streamed row by row, so a long list never sits whole in memory."""

import csv
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone

from mentoring.validators import formula_safe


def csv_cell(value: Any) -> str:
    """``value`` as the text of one cell: empty for ``None``, dates in the site's time
    zone, a number as it is (a negative one is no formula), and a formula-like text
    prefixed with ``'``."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime):
        value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return formula_safe(str(value))


class _Echo:
    """A file-like object that hands back what is written, for ``csv.writer``."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """The lines of a CSV file of ``header`` then ``rows``, each cell through
    ``csv_cell``; the first with a byte order mark, so that Excel reads UTF-8 right."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([csv_cell(cell) for cell in header])
    for row in rows:
        yield writer.writerow([csv_cell(cell) for cell in row])


def csv_stream(
    *,
    filename: str,
    header: list[str],
    rows: Iterable[Iterable[Any]],
    done: Callable[[int], None] | None = None,
) -> StreamingHttpResponse:
    """A download of ``header`` then ``rows`` (``csv_lines``). ``done`` is called with
    the number of rows written once the last one has gone."""

    def lines() -> Iterator[str]:
        written = -1  # the header is not a row
        for line in csv_lines(header, rows):
            written += 1
            yield line
        if done is not None:
            done(written)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
