"""Ofsted Annex A workbook: each 'List N' sheet, with tolerant header matching.

Sheets are matched by title ('List 3', 'list3 - referrals'); headers ignoring case,
spacing and punctuation, and the 2026 'Sex' header reads as 'Gender'. Excel dates are
given to validation as dd/mm/yyyy text, as text dates usually are.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from lantern.formats.annex_a import ANNEX_A_COLUMNS, READ_HEADER_ALIASES, header_key, list_name
from lantern.ingest.readers import MAX_FIELD_CHARS, ReadResult, problem
from lantern.ingest.source import SourceTable

HEADER_SEARCH_ROWS = 10


def cell_text(value: Any) -> str | None:
    """A cell as text: dates dd/mm/yyyy, whole numbers without '.0', blanks None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, time):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text[:MAX_FIELD_CHARS] or None


def match_headers(sheet: str, cells: list[Any]) -> dict[int, str]:
    """Column index -> canonical header for the cells of a header row."""
    wanted = {header_key(h): h for h in ANNEX_A_COLUMNS[sheet]}
    out: dict[int, str] = {}
    for i, cell in enumerate(cells):
        key = header_key(cell)
        key = header_key(READ_HEADER_ALIASES.get(key, key))
        if key in wanted and wanted[key] not in out.values():
            out[i] = wanted[key]
    return out


def read_annex_a(path: Path, year: int | None = None) -> ReadResult:
    out = ReadResult()
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zip, XML and openpyxl errors alike: the file is not readable
        out.problems.append(problem(path, "file", "", None, "read-xlsx",
                                    f"is not a readable Excel workbook ({type(exc).__name__})",
                                    "an .xlsx workbook saved by Excel"))
        return out
    try:
        for ws in wb.worksheets:
            name = list_name(ws.title)
            if name is None:
                out.notes.append(f"{path}: sheet {ws.title!r} is not an Annex A list; skipped")
                continue
            _read_sheet(path, ws, name, year, out)
    except Exception as exc:  # a corrupt sheet part surfaces only while rows are read
        out.problems.append(problem(path, "file", "", None, "read-xlsx",
                                    f"a sheet could not be read ({type(exc).__name__}: {exc})",
                                    "an .xlsx workbook saved by Excel"))
        out.tables = []
    finally:
        wb.close()
    if not out.tables and not out.problems:
        out.problems.append(problem(path, "file", "", None, "read-no-lists",
                                    "has no sheet named like an Annex A list",
                                    "sheets 'List 1' … 'List 11'"))
    return out


def _read_sheet(path: Path, ws: Any, name: str, year: int | None, out: ReadResult) -> None:
    rows = ws.iter_rows(values_only=True)
    required = ANNEX_A_COLUMNS[name][0]  # the list's identifier: Child Unique ID, adopter id
    columns: dict[int, str] = {}
    header_row = 0
    for n, cells in enumerate(rows, start=1):
        columns = match_headers(name, list(cells))
        if required in columns.values() or n >= HEADER_SEARCH_ROWS:
            header_row = n
            break
    locator = f"{ws.title} row {header_row or 1}"
    if required not in columns.values():
        out.problems.append(problem(path, locator, required, None, "read-missing-column",
                                    f"no '{required}' header in the first "
                                    f"{HEADER_SEARCH_ROWS} rows of {ws.title!r}",
                                    f"the {name} headers: {', '.join(ANNEX_A_COLUMNS[name][:4])}…"))
        return
    table = SourceTable(format="annex_a", name=name, file=path,
                        columns=[c for c in ANNEX_A_COLUMNS[name] if c in columns.values()],
                        collection_year=year)
    for n, cells in enumerate(rows, start=header_row + 1):
        row = {col: cell_text(cells[i]) if i < len(cells) else None
               for i, col in columns.items()}
        if any(v is not None for v in row.values()):
            table.rows.append(row)
            table.locators.append(f"{ws.title} row {n}")
    out.tables.append(table)
