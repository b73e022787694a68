"""Tables written for spreadsheets (CSV and Excel), safe to open.

A spreadsheet runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and, in some
programs, a tab or carriage return) as a formula: a child's name or an uploaded field
such as ``=HYPERLINK("http://x","y")`` would become a link or a command on an analyst's
machine. As OWASP's "CSV Injection" advice says, every such text cell is prefixed with a
single quote so it is shown as the text it is. Numbers stay numbers (``-3`` in a numeric
column is a number, not a formula), and text that is only a number (``"-3.5"``) is left
alone because a spreadsheet reads it as that number, not as a formula.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TextIO

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")

Row = Mapping[str, Any] | Sequence[Any]


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet cell: text that a spreadsheet would run as a formula
    gets a leading ``'``; anything else (numbers, dates, ordinary text) is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START) \
            and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def _values(row: Row, columns: Sequence[str]) -> list[Any]:
    if isinstance(row, Mapping):
        return [row.get(c) for c in columns]
    return list(row)


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return safe_cell(value)


def write_csv(fh: TextIO, columns: Sequence[str], rows: Iterable[Row],
              headers: Sequence[str] | None = None) -> None:
    """Write a header line (``headers``, or the column names) and one line per row
    (a mapping read by ``columns``, or a sequence in column order)."""
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow([safe_cell(h) for h in (headers or columns)])
    for row in rows:
        writer.writerow([_csv_value(v) for v in _values(row, columns)])


def csv_text(columns: Sequence[str], rows: Iterable[Row],
             headers: Sequence[str] | None = None) -> str:
    out = io.StringIO()
    write_csv(out, columns, rows, headers)
    return out.getvalue()


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones
    if isinstance(value, list | tuple | dict | set):
        return safe_cell(", ".join(str(v) for v in value))
    return safe_cell(value)


def xlsx_bytes(title: str, columns: Sequence[str], rows: Iterable[Row],
               headers: Sequence[str] | None = None) -> bytes:
    """One worksheet (named ``title``) with a bold header row, frozen below it."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=False)
    sheet = book.active
    assert sheet is not None
    sheet.title = re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Sheet1"
    sheet.append([safe_cell(h) for h in (headers or columns)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_xlsx_value(v) for v in _values(row, columns)])
    for line in sheet.iter_rows(min_row=2):
        for cell in line:  # openpyxl stores any text starting "=" as a formula
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
