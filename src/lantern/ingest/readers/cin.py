"""CIN census XML (2022–2026), streamed with `lxml.iterparse`.

Each `<Child>` is read into flat rows (the `READ_TABLES` of formats/cin_census.py) and
then cleared. `iter_cin` hands the rows over in chunks of whole children (every chunk
also carries the `<Header>`, which rules read the census period from), so validating and
loading a national file holds one chunk at a time, never the file. `GenderCurrent` and
`Sex` are both kept as read; `PreProceedings` blocks are skipped with a note.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from lxml import etree

from lantern.formats.cin_census import (
    ASSESSMENT_INDEX,
    CHILD_INDEX,
    CIN_INDEX,
    CPP_INDEX,
    READ_DATE_FORMAT,
    READ_TABLES,
    UNMODELLED_BLOCKS,
)
from lantern.ingest.readers import MAX_FIELD_CHARS, ReadResult, problem
from lantern.ingest.source import SourceTable

Row = dict[str, str | None]
CHUNK_CHILDREN = 2_000  # children per chunk: a few MB of rows


def _text(parent: Any, tag: str) -> str | None:
    if parent is None:
        return None
    el = parent.find(tag)
    if el is None or el.text is None:
        return None
    value = str(el.text).strip()
    return value[:MAX_FIELD_CHARS] or None


class _CinReader:
    def __init__(self, path: Path, chunk_children: int) -> None:
        self.path = path
        self.chunk_children = max(1, chunk_children)
        self.tables = self.empty_tables()
        self.header_table = self.tables["Header"]
        self.result = ReadResult()
        self.ids = {CIN_INDEX: 0, ASSESSMENT_INDEX: 0, CPP_INDEX: 0}
        self.skipped: dict[str, int] = {}
        self.collection_year: int | None = None

    def empty_tables(self) -> dict[str, SourceTable]:
        return {name: SourceTable(format="cin", name=name, file=self.path, columns=list(fields))
                for name, (_, fields) in READ_TABLES.items()}

    def add(self, table: str, row: Row, locator: str, line: int | None) -> None:
        t = self.tables[table]
        t.rows.append({c: row.get(c) for c in t.columns})
        t.locators.append(f"{locator} (line {line})" if line else locator)

    def next_id(self, kind: str) -> str:
        """0-based position of the element in the whole file."""
        self.ids[kind] += 1
        return str(self.ids[kind] - 1)

    def take(self) -> ReadResult:
        """The rows read since the last chunk (with the Header), and a fresh start."""
        chunk, self.result = self.result, ReadResult()
        for t in self.tables.values():
            t.collection_year = self.collection_year
        chunk.tables = list(self.tables.values())
        self.tables = self.empty_tables()
        self.tables["Header"] = self.header_table
        return chunk

    def chunks(self) -> Iterator[ReadResult]:
        children = in_chunk = 0
        try:
            for _, el in etree.iterparse(str(self.path), events=("end",),
                                         tag=("Header", "Child"), resolve_entities=False,
                                         no_network=True, huge_tree=False):
                if el.tag == "Header":
                    self.header(el)
                else:
                    children += 1
                    in_chunk += 1
                    self.child(el, children - 1)
                el.clear(keep_tail=False)
                while el.getprevious() is not None:
                    del el.getparent()[0]
                if in_chunk >= self.chunk_children:
                    yield self.take()
                    in_chunk = 0
        except (etree.LxmlError, OSError, ValueError) as exc:
            line = getattr(exc, "lineno", None) or getattr(getattr(exc, "position", None),
                                                           "__getitem__", lambda _: None)(0)
            where = f"line {line}" if line else "file"
            self.result.problems.append(problem(
                self.path, where, "", None, "read-xml",
                f"is not well-formed XML: {getattr(exc, 'msg', None) or exc}",
                "a complete, well-formed CIN census XML file (UTF-8)"))
            self.result.tables = []
            yield self.result
            return
        self.finish(children)
        yield self.take()

    def finish(self, children: int) -> None:
        header = self.header_table
        if not header.rows:
            self.result.problems.append(problem(
                self.path, "/Message", "Header", None, "read-structure",
                "has no <Header> (or the root element is not <Message>)",
                "<Message><Header>…</Header><Children>…</Children></Message>"))
        for block, n in self.skipped.items():
            self.result.notes.append(f"{self.path}: {n} <{block}> block(s) ignored "
                                     "(not modelled yet)")
        if children == 0 and header.rows:
            self.result.notes.append(f"{self.path}: no <Child> elements")

    def year(self) -> int | None:
        rows = self.header_table.rows
        value = rows[0].get("ReferenceDate") if rows else None
        try:
            return datetime.strptime(value or "", READ_DATE_FORMAT).year
        except ValueError:
            if rows:
                self.result.problems.append(problem(
                    self.path, self.header_table.locators[0], "ReferenceDate", value,
                    "read-no-year", "the census reference date is missing or not a date",
                    "the 31 March that ends the collection year, as YYYY-MM-DD"))
            return None

    def header(self, el: Any) -> None:
        row: Row = {}
        for section in ("CollectionDetails", "Source"):
            part = el.find(section)
            for f in READ_TABLES["Header"][1]:
                row[f] = row.get(f) or _text(part, f)
        self.add("Header", row, "/Message/Header", el.sourceline)
        if len(self.header_table.rows) == 1:
            self.collection_year = self.year()

    def child(self, el: Any, index: int) -> None:
        loc = f"/Message/Children/Child[{index + 1}]"
        ids = el.find("ChildIdentifiers")
        child_id = _text(ids, "LAchildID")
        keys: Row = {CHILD_INDEX: str(index), "LAchildID": child_id}
        if ids is None:
            self.result.problems.append(problem(
                self.path, f"{loc} (line {el.sourceline})", "ChildIdentifiers", None,
                "read-structure", "the child has no <ChildIdentifiers>",
                "<ChildIdentifiers> with <LAchildID> first in each <Child>"))
        else:
            row = {**{f: _text(ids, f) for f in READ_TABLES["ChildIdentifiers"][1]}, **keys}
            self.add("ChildIdentifiers", row, f"{loc}/ChildIdentifiers", ids.sourceline)
        chars = el.find("ChildCharacteristics")
        if chars is not None:
            self.add("ChildCharacteristics",
                     {**keys, "Ethnicity": _text(chars, "Ethnicity")},
                     f"{loc}/ChildCharacteristics", chars.sourceline)
            for i, d in enumerate(chars.iterfind("Disabilities/Disability"), 1):
                self.add("Disabilities", {**keys, "Disability": _text_of(d)},
                         f"{loc}/ChildCharacteristics/Disabilities/Disability[{i}]", d.sourceline)
        for i, details in enumerate(el.iterfind("CINdetails"), 1):
            self.cin_details(details, keys, f"{loc}/CINdetails[{i}]")
        for block in UNMODELLED_BLOCKS:
            found = len(el.findall(f".//{block}"))
            if found:
                self.skipped[block] = self.skipped.get(block, 0) + found

    def cin_details(self, el: Any, child_keys: Row, loc: str) -> None:
        keys: Row = {**child_keys, CIN_INDEX: self.next_id(CIN_INDEX)}
        fields = READ_TABLES["CINdetails"][1]
        self.add("CINdetails", {**keys, **{f: _text(el, f) for f in fields if f not in keys}},
                 loc, el.sourceline)
        self.repeated(el, "Assessments", keys, loc, self.assessment)
        self.repeated(el, "CINPlanDates", keys, loc, None, table="CINplanDates")
        self.repeated(el, "Section47", keys, loc, None)
        self.repeated(el, "ChildProtectionPlans", keys, loc, self.cp_plan)

    def repeated(self, el: Any, tag: str, keys: Row, loc: str, extra: Any,
                 table: str | None = None) -> None:
        table = table or tag
        fields = [f for f in READ_TABLES[table][1] if f not in keys and not f.endswith("_index")]
        for i, part in enumerate(el.iterfind(tag), 1):
            own = dict(keys)
            if extra is not None:
                own = extra(part, own, f"{loc}/{tag}[{i}]")
            self.add(table, {**own, **{f: _text(part, f) for f in fields}}, f"{loc}/{tag}[{i}]",
                     part.sourceline)

    def assessment(self, el: Any, keys: Row, loc: str) -> Row:
        own = {**keys, ASSESSMENT_INDEX: self.next_id(ASSESSMENT_INDEX)}
        for i, f in enumerate(el.iterfind("FactorsIdentifiedAtAssessment/AssessmentFactors"), 1):
            self.add("AssessmentFactors", {**own, "AssessmentFactors": _text_of(f)},
                     f"{loc}/FactorsIdentifiedAtAssessment/AssessmentFactors[{i}]", f.sourceline)
        return own

    def cp_plan(self, el: Any, keys: Row, loc: str) -> Row:
        own = {**keys, CPP_INDEX: self.next_id(CPP_INDEX)}
        for i, r in enumerate(el.iterfind("Reviews/CPPreviewDate"), 1):
            self.add("Reviews", {**own, "CPPreviewDate": _text_of(r)},
                     f"{loc}/Reviews/CPPreviewDate[{i}]", r.sourceline)
        return own


def _text_of(el: Any) -> str | None:
    value = str(el.text or "").strip()
    return value[:MAX_FIELD_CHARS] or None


def iter_cin(path: Path, chunk_children: int | None = None) -> Iterator[ReadResult]:
    """A CIN census file in chunks of whole children. Every chunk's tables carry the
    collection year (from the header's ReferenceDate) and the Header table; the last
    chunk has the file-level problems and notes. A file that is not well-formed XML ends
    with a chunk holding only that problem (no tables)."""
    return _CinReader(path, chunk_children or CHUNK_CHILDREN).chunks()


def read_cin(path: Path) -> ReadResult:
    """A whole CIN census file at once (small files; `iter_cin` for returns)."""
    out = ReadResult()
    merged: dict[str, SourceTable] = {}
    for chunk in iter_cin(path):
        out.problems += chunk.problems
        out.notes += chunk.notes
        for t in chunk.tables:
            have = merged.setdefault(t.name, SourceTable(t.format, t.name, t.file, t.columns,
                                                        collection_year=t.collection_year))
            if t.name == "Header" and have.rows:
                continue
            have.rows += t.rows
            have.locators += t.locators
    well_formed = not any(p.rule_id == "read-xml" for p in out.problems)
    out.tables = list(merged.values()) if well_formed else []
    return out
