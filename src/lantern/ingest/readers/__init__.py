"""Readers: one per format, each turning a file into `SourceTable`s and `Problem`s.

A reader never raises on bad input: a file it cannot read, decode or parse becomes a
`Problem` (rule ids `read-…`) naming the file, where, the field and what was expected.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from lantern.ingest.source import Problem, Severity, SourceTable

MAX_FIELD_CHARS = 10_000  # a CSV cell longer than this is not data from a case system


@dataclass
class ReadResult:
    tables: list[SourceTable] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def problem(
    file: Path | str,
    locator: str,
    field_name: str,
    value: str | None,
    rule_id: str,
    message: str,
    expected: str,
    severity: Severity = "error",
) -> Problem:
    shown = value if value is None or len(value) <= 80 else value[:77] + "..."
    return Problem(str(file), locator, field_name, shown, rule_id, severity, message, expected)


def read_text(path: Path) -> tuple[str | None, list[Problem]]:
    """The file's text: UTF-8 (with or without BOM) or UTF-16 with a BOM; else Windows-1252
    with a warning. Binary junk (NUL bytes) and unreadable files are errors."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [problem(path, "file", "", None, "read-file", f"cannot be read: "
                              f"{exc.strerror or exc}", "a readable file")]
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), []
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in raw:
        try:
            return raw.decode("utf-8-sig"), []
        except UnicodeDecodeError as exc:
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError:
                text = None
            if text is not None:
                return text, [problem(
                    path, f"byte {exc.start}", "", None, "read-encoding",
                    "is not UTF-8; read as Windows-1252 (check names with accents)",
                    "UTF-8 text", "warning")]
    return None, [problem(path, "file", "", None, "read-encoding",
                          "is not a text file (binary content or an unknown encoding)",
                          "a UTF-8 CSV file")]


def read_csv(path: Path) -> tuple[list[str], list[list[str]], list[Problem]]:
    """Header and rows of a CSV file; problems instead of exceptions."""
    text, problems = read_text(path)
    if text is None:
        return [], [], problems
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for record in reader:
            rows.append(record)
    except csv.Error as exc:
        problems.append(problem(path, f"row {reader.line_num}", "", None, "read-csv",
                                f"is not valid CSV: {exc}", "comma-separated values"))
        return [], [], problems
    if not rows or not any(c.strip() for c in rows[0]):
        problems.append(problem(path, "row 1", "(header)", None, "read-empty",
                                "has no header row", "a first row of column names"))
        return [], [], problems
    header = [c.strip() for c in rows[0]]
    return header, rows[1:], problems


def csv_table(
    path: Path,
    header: list[str],
    records: list[list[str]],
    *,
    fmt: str,
    name: str,
    year: int | None,
) -> tuple[SourceTable, list[Problem]]:
    """A SourceTable of CSV records; ragged rows and oversized cells are problems."""
    table = SourceTable(format=fmt, name=name, file=path, columns=header,  # type: ignore[arg-type]
                        collection_year=year)
    problems: list[Problem] = []
    for n, record in enumerate(records, start=2):
        if not any(c.strip() for c in record):
            continue  # blank line
        if len(record) != len(header):
            problems.append(problem(
                path, f"row {n}", "", ",".join(record), "read-row-length",
                f"has {len(record)} values but the header has {len(header)} columns",
                f"{len(header)} comma-separated values"))
            continue
        row: dict[str, str | None] = {}
        for col, value in zip(header, record, strict=True):
            if len(value) > MAX_FIELD_CHARS:
                problems.append(problem(path, f"row {n}", col, value, "read-field-size",
                                        f"is {len(value):,} characters long",
                                        f"at most {MAX_FIELD_CHARS:,} characters"))
                value = ""
            row[col] = value.strip() or None
        table.rows.append(row)
        table.locators.append(f"row {n}")
    return table, problems
