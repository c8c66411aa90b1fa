"""Reading an export back, in both formats, for the exports' tests."""

import csv
import io
from datetime import date, datetime

import openpyxl

from dashboard.reports import REGISTRY
from dashboard.reports.render import write_csv, write_xlsx
from dashboard.scope import Scope


def csv_table(report: str, scope: Scope) -> list[list[str]]:
    buffer = io.StringIO()
    write_csv(REGISTRY[report], scope, buffer)
    text = buffer.getvalue()
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def xlsx_bytes(report: str, scope: Scope) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(REGISTRY[report], scope, buffer)
    return buffer.getvalue()


def xlsx_cells(content: bytes) -> list[list]:
    """The cells of the workbook's first sheet (openpyxl Cell objects)."""
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows()]


def xlsx_table(report: str, scope: Scope) -> list[list]:
    return [[cell.value for cell in row] for row in xlsx_cells(xlsx_bytes(report, scope))]


def same_text(value) -> str:
    """A cell's value as the CSV writes it, to compare the two formats."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        # Excel has dates only as date-times: a date comes back at midnight.
        if value.hour == value.minute == 0:
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return f"{float(value):g}"
    try:
        return f"{float(value):g}"
    except ValueError:
        return str(value)
