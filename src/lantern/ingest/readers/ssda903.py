"""SSDA903 CSVs: each file is one table, recognised by its exact column set."""

from __future__ import annotations

from pathlib import Path

from lantern.ingest.readers import ReadResult, csv_table, problem, read_csv


def read_ssda903(path: Path, table: str, year: int | None) -> ReadResult:
    """Read one SSDA903 table (`table` as detected, e.g. 'Episodes') for `year`."""
    header, records, problems = read_csv(path)
    out = ReadResult(problems=problems)
    if not header:
        return out
    header = [h.upper() for h in header]
    if len(set(header)) != len(header):
        dupes = sorted({h for h in header if header.count(h) > 1})
        out.problems.append(problem(path, "row 1", ", ".join(dupes), None, "read-header",
                                    "the header repeats a column", "each column once"))
        return out
    source, row_problems = csv_table(path, header, records, fmt="ssda903", name=table, year=year)
    out.problems += row_problems
    if year is None:
        out.problems.append(problem(
            path, "file", "", None, "read-no-year",
            "the collection year is not known",
            "--year YYYY, or the year in the file or folder name (903/2025/episodes.csv)"))
    out.tables.append(source)
    return out
