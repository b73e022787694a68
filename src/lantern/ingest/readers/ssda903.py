"""SSDA903 returns: a CSV per table (recognised by its columns), or one XML return."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from lantern.formats.ssda903 import SSDA903_COLUMNS, UASC_STATUS, XML_ROOT, xml_child_rows
from lantern.ingest.readers import ReadResult, csv_table, problem, read_csv
from lantern.ingest.source import Problem, SourceTable


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
        out.problems.append(_no_year(path))
    out.tables.append(source)
    return out


def read_ssda903_xml(path: Path, year: int | None) -> ReadResult:
    """Read an SSDA903 XML return (root EXPSSDA903) into the same tables as the CSVs.

    Each row's locator is its element's path, e.g. /EXPSSDA903/CHILD[3]/EPISODE[2]. The
    file is walked a <CHILD> at a time and each is cleared once read.
    """
    out = ReadResult()
    tables = {name: SourceTable("ssda903", name, path, list(cols), collection_year=year)
              for name, cols in SSDA903_COLUMNS.items()}
    unknown: set[str] = set()
    n = 0
    try:
        for _, child in etree.iterparse(str(path), events=("end",), tag="CHILD",
                                        resolve_entities=False, no_network=True):
            n += 1
            rows, odd = xml_child_rows(child)
            unknown |= odd
            for table, row, where in rows:
                tables[table].rows.append(row)
                tables[table].locators.append(f"/{XML_ROOT}/CHILD[{n}]/{where}")
            child.clear()
    except etree.XMLSyntaxError as exc:
        out.problems.append(problem(path, f"line {exc.lineno}", "", None, "read-xml",
                                    f"is not well-formed XML: {exc.msg}",
                                    "a well-formed SSDA903 XML return"))
        return out
    if unknown:
        out.notes.append(f"{path}: elements not in the SSDA903 layout were ignored: "
                         f"{', '.join(sorted(unknown))}")
    if year is None:
        out.problems.append(_no_year(path))
    header = tables["Header"]
    if any(UASC_STATUS in r for r in header.rows):
        header.columns.append(UASC_STATUS)
        for r in header.rows:
            r.setdefault(UASC_STATUS, None)
    out.tables = [t for t in tables.values() if t.rows]
    return out


def _no_year(path: Path) -> Problem:
    return problem(path, "file", "", None, "read-no-year", "the collection year is not known",
                   "--year YYYY, or the year in the file or folder name (903/2025/episodes.csv)")
