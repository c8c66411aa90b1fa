"""Lists as CSV files: every cell made safe to open in a spreadsheet, and the file
streamed row by row, so a long list never sits whole in memory. And files of people's
data written to disk (``private_file``): readable by their owner alone, whole or not
at all."""

import csv
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from pathlib import Path
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


def private_file_part(path: str | os.PathLike[str]) -> Path:
    """Where ``private_file`` writes ``path`` until it is whole."""
    target = Path(path)
    return target.with_name(f".{target.name}.part")


@contextmanager
def private_file(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A file to write beside ``path``, created readable and writable by its owner
    alone (0600, whatever the umask; a missing folder is made 0700), and moved into
    place once the block ends: a reader never finds half a file. When the block
    raises, the part is deleted and ``path`` (an older file there) is left as it was.
    Writers open the yielded path by name; the file keeps its mode."""
    target = Path(path)
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = private_file_part(target)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    try:
        yield partial
        os.chmod(partial, 0o600)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
