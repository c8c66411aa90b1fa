"""Lists as CSV files: every cell made safe to open in a spreadsheet, and the file
streamed row by row, so a long list never sits whole in memory."""

import csv
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone

from mentoring.validators import formula_safe


def csv_cell(value: Any) -> str:
    """``value`` as the text of one cell: empty for ``None``, dates in the site's time
    zone, and a formula-like text prefixed with ``'``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return formula_safe(str(value))


class _Echo:
    """A file-like object that hands back what is written, for ``csv.writer``."""

    def write(self, value: str) -> str:
        return value


def csv_stream(
    *, filename: str, header: list[str], rows: Iterable[Iterable[Any]]
) -> StreamingHttpResponse:
    """A download of ``header`` then ``rows``, each cell through ``csv_cell``; with a
    byte order mark, so that Excel reads the UTF-8 names right."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow([csv_cell(cell) for cell in header])
        for row in rows:
            yield writer.writerow([csv_cell(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
