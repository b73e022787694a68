"""Which format a file is, and which collection year it describes.

SSDA903 CSVs are recognised by their exact column sets (file names vary between
authorities), SSD extract files by their table file names (`ssd_person.csv`), CIN
census XML by its root element and Annex A workbooks by their `.xlsx` suffix (the
reader then matches the list sheets). A local table's CSV (`lantern template TABLE`) is
recognised by its header, whatever its name, and read as that table of the extract.
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from lantern.formats import local_csv, ssd_csv
from lantern.formats.ssda903 import LATER_TABLES, SSDA903_COLUMNS, XML_ROOT
from lantern.ingest.readers import problem
from lantern.ingest.source import Format, Problem

SSDA903_TABLES: dict[frozenset[str], str] = {
    frozenset(cols): name for name, cols in {**SSDA903_COLUMNS, **LATER_TABLES}.items()
}
XLSX_SUFFIXES = (".xlsx", ".xlsm")
XML_RETURN = "return"  # the table of an SSDA903 XML file: the whole return
_SPAN = re.compile(r"(?<!\d)20(\d\d)[-_ ]?(\d\d)(?!\d)")  # 2024_25, 2024-25, 202425
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


@dataclass(frozen=True)
class Detected:
    path: Path
    format: Format | None
    table: str | None = None  # SSDA903 table or SSD table the file holds
    year: int | None = None  # collection (end) year from the path, when one is there
    reason: str = ""  # why it was not recognised
    extra: tuple[str, ...] = ()  # columns beyond the recognised table's (checked, warned)


def expand(paths: list[Path]) -> tuple[list[tuple[Path, bool]], list[Problem]]:
    """Every file to consider: (file, named explicitly); folders are walked recursively."""
    found: list[tuple[Path, bool]] = []
    problems: list[Problem] = []
    for p in paths:
        if p.is_file():
            found.append((p, True))
        elif p.is_dir():
            found += [(f, False) for f in sorted(p.rglob("*"))
                      if f.is_file() and not f.name.startswith((".", "~$"))]
        else:
            problems.append(problem(p, "file", "", None, "read-missing-file",
                                    "does not exist", "a file or folder to ingest"))
    seen: set[Path] = set()
    unique = []
    for f, explicit in found:
        if f.resolve() not in seen:
            seen.add(f.resolve())
            unique.append((f, explicit))
    return unique, problems


def year_from_path(path: Path, root: Path | None = None) -> int | None:
    """A collection end year in the file name, else in its folders (nearest first).

    `2025`, `SSDA903_2025_Episodes` → 2025; a span `2024_25` / `2024-25` → 2025.
    """
    parts = [path.name]
    parent = path.parent
    while parent != parent.parent and (root is None or parent != root.parent):
        parts.append(parent.name)
        parent = parent.parent
    for part in parts:
        for m in _SPAN.finditer(part):
            if int(m.group(2)) == (int(m.group(1)) + 1) % 100:
                return 2000 + int(m.group(1)) + 1
        single = _YEAR.search(part)
        if single:
            return int(single.group(1))
    return None


def csv_header(path: Path) -> list[str] | None:
    """The first row of a CSV file, decoded leniently; None if it cannot be read."""
    try:
        with path.open("rb") as fh:
            head = fh.read(65536)
    except OSError:
        return None
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="replace")
    else:
        text = head.decode("utf-8-sig", errors="replace").replace("\x00", "")
    first = text.splitlines()[0] if text.strip() else ""
    try:
        row = next(csv.reader([first]), [])
    except csv.Error:
        return None
    return [c.strip() for c in row]


def xml_root(path: Path) -> str | None:
    try:
        for _, el in etree.iterparse(str(path), events=("start",), resolve_entities=False,
                                     no_network=True, huge_tree=False):
            return str(el.tag)
    except (etree.XMLSyntaxError, OSError):
        return None
    return None


def detect(path: Path, *, year: int | None = None, root: Path | None = None) -> Detected:
    suffix = path.suffix.lower()
    if suffix == ".xml":
        tag = xml_root(path)
        if tag is None or tag == "Message":
            return Detected(path, "cin")  # an unparseable .xml is reported by the CIN reader
        if tag == XML_ROOT:
            return Detected(path, "ssda903", XML_RETURN, year or year_from_path(path, root))
        return Detected(path, None, reason=f"XML root element is <{tag}>, not <Message> (CIN "
                                           f"census) or <{XML_ROOT}> (SSDA903)")
    if suffix in XLSX_SUFFIXES:
        return Detected(path, "annex_a", year=year or year_from_path(path, root))
    if suffix in (".csv", ".txt"):
        return _detect_csv(path, year, root)
    return Detected(path, None, reason=f"{suffix or 'no suffix'} is not .csv, .xml or .xlsx")


def _detect_csv(path: Path, year: int | None, root: Path | None) -> Detected:
    header = csv_header(path)
    if header is not None:
        cols = frozenset(h.upper() for h in header if h)
        table = SSDA903_TABLES.get(cols)
        extra: tuple[str, ...] = ()
        if table is None:
            table, extra = _within(cols)
        if table is not None:
            return Detected(path, "ssda903", table, year or year_from_path(path, root),
                            extra=extra)
        local = local_csv.table_for_header(header)
        if local is not None:
            return Detected(path, "ssd", local.name)
    ssd = ssd_csv.table_for_file(path)
    if ssd is not None:
        return Detected(path, "ssd", ssd.name)
    return Detected(path, None, reason=local_csv.nearest_table(header) or _near_903(header))


def _within(cols: frozenset[str]) -> tuple[str | None, tuple[str, ...]]:
    """The SSDA903 table whose every column the file has, with the file's extra columns.

    The largest such table wins (a Header with a DUC column is a Header, not UASC); a
    tie is no recognition, as the file could be either.
    """
    fits = sorted(((len(t), name) for t, name in SSDA903_TABLES.items() if t <= cols),
                  reverse=True)
    if not fits or (len(fits) > 1 and fits[0][0] == fits[1][0]):
        return None, ()
    name = fits[0][1]
    table_cols = next(t for t, n in SSDA903_TABLES.items() if n == name)
    return name, tuple(sorted(cols - table_cols))


def _near_903(header: list[str] | None) -> str:
    """Say which SSDA903 table a CSV nearly is, so the columns can be fixed."""
    if not header:
        return "no readable header row"
    cols = {h.upper() for h in header if h}
    best = max(SSDA903_TABLES.items(), key=lambda kv: len(kv[0] & cols) - len(kv[0] ^ cols))
    expected, name = best
    if len(expected & cols) < max(2, len(expected) // 2):
        return ("columns match no SSDA903 table or local table (`lantern template`) and "
                "the name is not an SSD table (ssd_<table>.csv)")
    missing = sorted(expected - cols)
    extra = sorted(cols - expected)
    return (f"columns nearly match SSDA903 {name}: missing {', '.join(missing) or 'none'}; "
            f"unexpected {', '.join(extra) or 'none'}")
