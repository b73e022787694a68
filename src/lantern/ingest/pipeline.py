"""validate → (archive, merge, load in one transaction): what `lantern ingest` runs.

`validate_paths` reads and checks everything and writes the error report; it loads
nothing. `ingest_paths` validates, and only when nothing blocks (errors always;
warnings unless accepted) archives the files and loads them all or nothing.

Memory stays flat however large the files: a CIN census is read, checked and mapped a
chunk of children at a time; every file's module records wait in a scratch `RecordSpill`
on disk, and the load merges and writes them a batch of children at a time.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

import pyarrow as pa

from lantern.config import Settings, get_settings
from lantern.ingest import canonical
from lantern.ingest.detect import XML_RETURN, Detected, detect, expand
from lantern.ingest.mapping import Record, map_tables, ssd_to_arrow
from lantern.ingest.merge import merge
from lantern.ingest.readers import ReadResult, problem
from lantern.ingest.readers.annex_a import read_annex_a
from lantern.ingest.readers.cin import iter_cin
from lantern.ingest.readers.ssd import read_ssd
from lantern.ingest.readers.ssda903 import read_ssda903, read_ssda903_xml
from lantern.ingest.report import write_report
from lantern.ingest.rules.engine import Tally, nearest_year_note
from lantern.ingest.source import Format, Part, Problem, SourceTable
from lantern.ingest.spill import RecordSpill
from lantern.warehouse import Warehouse
from lantern.warehouse.archive import archive_relpath, sha256_of
from lantern.warehouse.statutory import (
    STATUTORY,
    LoadPlan,
    SourceFile,
    active_files,
    apply,
    archive_all,
    last_load,
    stage,
    unchanged,
)


class Check(Protocol):
    """Checks tables against the rule catalogue (`rules.validate`; tests pass their own)."""

    def __call__(self, tables: list[SourceTable], part: Part = "all",
                 tallies: dict[str, Tally] | None = None) -> list[Problem]: ...
FIRST_PROBLEMS = 10
REQUIRED_903 = ("Header", "Episodes")


@dataclass
class InputFile:
    path: Path
    format: Format
    kind: str
    year: int | None
    sha256: str
    tables: list[SourceTable]  # empty for a CIN census: it was checked chunk by chunk
    rows: int = 0

    def source_file(self) -> SourceFile:
        return SourceFile(self.sha256, self.format, self.kind, self.year or 0,
                          str(self.path.resolve()), archive_relpath(self.sha256, self.path.name))


@dataclass
class ValidationOutcome:
    files: list[InputFile]
    problems: list[Problem]
    notes: list[str]
    report_csv: Path | None = None
    report_html: Path | None = None
    seconds: float = 0.0
    ssd: dict[str, pa.Table] = field(default_factory=dict, repr=False)
    skipped: list[str] = field(default_factory=list)  # "path: why" for every file not read

    @property
    def errors(self) -> int:
        return sum(p.severity == "error" for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity == "warning" for p in self.problems)

    def blocking(self, accept_warnings: bool = False) -> bool:
        return self.errors > 0 or (self.warnings > 0 and not accept_warnings)

    @property
    def ok(self) -> bool:
        return not self.blocking()

    def counts_by_rule(self) -> dict[str, int]:
        return dict(Counter(p.rule_id for p in self.problems).most_common())

    def first_problems(self, n: int = FIRST_PROBLEMS) -> list[str]:
        return [p.one_line() for p in self.problems[:n]]

    def rows_read(self) -> int:
        return sum(f.rows for f in self.files)


@dataclass
class IngestOutcome:
    validation: ValidationOutcome
    loaded: bool = False
    changed: bool = False
    load_id: int | None = None
    row_counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        """0 loaded (or already loaded); 1 refused: nothing was loaded."""
        return 0 if self.loaded else 1


# ---------------------------------------------------------------- reading


def _read(d: Detected) -> ReadResult:
    """A whole file (CIN censuses go through `_Reading.cin`, a chunk at a time)."""
    if d.format == "ssda903" and d.table == XML_RETURN:
        return read_ssda903_xml(d.path, d.year)
    if d.format == "ssda903":
        return read_ssda903(d.path, str(d.table), d.year)
    if d.format == "annex_a":
        return read_annex_a(d.path, d.year)
    return read_ssd(d.path, str(d.table))


def _kind(d: Detected) -> str:
    return {"cin": "census", "annex_a": "workbook"}.get(str(d.format), str(d.table))


class _Reading:
    """Reads files; checks and maps each CIN census as it streams; keeps the records."""

    def __init__(self, check: Check, spill: RecordSpill, keep_records: bool) -> None:
        self.check, self.spill, self.keep_records = check, spill, keep_records
        self.problems: list[Problem] = []
        self.notes: list[str] = []
        self.skipped: list[str] = []  # "path: why", every file not read

    def file(self, d: Detected) -> tuple[list[SourceTable], int, int | None]:
        """(tables kept for whole-file checks, rows read, collection year)."""
        if d.format == "cin":
            return [], *self.cin(d.path)
        got = _read(d)
        self.problems += got.problems
        self.notes += got.notes
        return got.tables, sum(len(t) for t in got.tables), d.year

    def cin(self, path: Path) -> tuple[int, int | None]:
        from lantern.ingest.rules import across_fields

        across = across_fields("cin")
        shapes: dict[str, list[str]] = {}
        tallies: dict[str, Tally] = {}  # the return-level rules' counts, chunk after chunk
        header: SourceTable | None = None
        rows, year = 0, None
        for chunk in iter_cin(path):
            self.notes += chunk.notes
            tables = [t for t in chunk.tables if t.name != "Header" or not rows]
            rows += sum(len(t) for t in tables)
            year = next((t.collection_year for t in chunk.tables), year)
            header = next((t for t in chunk.tables if t.name == "Header"), header)
            rules = self.check(chunk.tables, "rows", tallies) if chunk.tables else []
            mapped = map_tables(chunk.tables, {})
            if self.keep_records:
                self.spill.add(mapped.records)
            for t in chunk.tables:
                shapes[t.name] = t.columns
                if t.name in across:
                    self.spill.add_keyed(t, across[t.name])
            self.problems += _dedupe(chunk.problems, rules, mapped.problems)
        repeated = [self.spill.repeated(str(path), SourceTable("cin", name, path, shapes[name],
                                                               collection_year=year))
                    for name in across if name in shapes]
        if any(t.rows for t in repeated):
            self.problems += self.check(repeated, "across")
        whole = [header] if header is not None else []
        whole += [SourceTable("cin", name, path, cols, collection_year=year)
                  for name, cols in shapes.items() if name != "Header"]
        if whole:
            self.problems += self.check(whole, "return", tallies)
        return rows, year


def read_paths(paths: list[Path], year: int | None, reading: _Reading) -> list[InputFile]:
    files: list[InputFile] = []
    for root in paths:
        found, missing = expand([root])
        reading.problems += missing
        for path, explicit in found:
            d = detect(path, year=year, root=root if root.is_dir() else None)
            if d.format is None:
                reading.skipped.append(f"{path}: {d.reason}")
                if explicit:
                    reading.problems.append(problem(
                        path, "file", "", None, "read-unrecognised",
                        f"is not a file Lantern reads: {d.reason}",
                        "an SSDA903 CSV, CIN census XML, Annex A .xlsx, SSD extract CSV "
                        "or local table CSV (`lantern template`)"))
                continue
            if d.extra:
                reading.problems.append(problem(
                    path, "row 1", ", ".join(d.extra), None, "read-extra-columns",
                    f"has columns the SSDA903 {d.table} table does not: "
                    f"{', '.join(d.extra)}; the file was checked without them",
                    f"only the {d.table} columns", severity="warning"))
            tables, rows, file_year = reading.file(d)
            try:
                digest = sha256_of(path)
            except OSError:
                continue  # already reported as unreadable
            files.append(InputFile(path, d.format, _kind(d), file_year, digest, tables, rows))
    reading.problems += _duplicate_slots(files) + _incomplete_returns(files)
    for fmt, y in sorted({(f.format, f.year) for f in files if f.year}, key=str):
        note = nearest_year_note(fmt, y)
        if note:
            reading.notes.append(note)
    return files


def nothing_recognised(paths: list[Path]) -> str:
    """The one line for a run that found no file Lantern reads."""
    return f"no statutory return or extract recognised in {', '.join(map(str, paths))}"


def _duplicate_slots(files: list[InputFile]) -> list[Problem]:
    seen: dict[tuple[str, str, int | None], Path] = {}
    out = []
    for f in files:
        slot = (f.format, f.kind, f.year)
        if slot in seen and f.format in STATUTORY:
            out.append(problem(f.path, "file", "", None, "read-duplicate",
                               f"is a second {f.format} {f.kind} for {f.year} (the first is "
                               f"{seen[slot]})", "one file per table and collection year"))
        elif slot in seen and f.format == "ssd":  # each file replaces its table whole
            out.append(problem(f.path, "file", "", None, "read-duplicate",
                               f"is a second file of the table {f.kind} (the first is "
                               f"{seen[slot]})", "one file per table in an ingest"))
        seen.setdefault(slot, f.path)
    return out


def _incomplete_returns(files: list[InputFile]) -> list[Problem]:
    """An SSDA903 year needs its Header and Episodes: every other table is checked
    against them (the DfE validator refuses a return without them too)."""
    kinds: dict[int | None, set[str]] = {}
    for f in files:
        if f.format == "ssda903":  # an XML return holds several tables
            kinds.setdefault(f.year, set()).update({t.name for t in f.tables} or {f.kind})
    out = []
    for f in files:
        if f.format != "ssda903" or f.kind in REQUIRED_903 or f.kind == XML_RETURN:
            continue
        missing = [k for k in REQUIRED_903 if k not in kinds[f.year]]
        if missing:
            out.append(problem(f.path, "file", "", None, "read-incomplete-return",
                               f"the SSDA903 {f.year or ''} files lack "
                               f"{' and '.join(missing)}, which this table is checked against",
                               "the year's Header and Episodes files in the same ingest"))
    return out


# ---------------------------------------------------------------- checking


def _default_check(tables: list[SourceTable], part: Part = "all",
                   tallies: dict[str, Tally] | None = None) -> list[Problem]:
    from lantern.ingest.rules import validate

    return validate(tables, part, tallies)


def run_rules(files: list[InputFile], check: Check,
              loaded: list[SourceTable] | None = None) -> list[Problem]:
    """Each format's years checked one at a time, with the year before as `_last`.
    `loaded`: rows already in the warehouse that local tables' ids are looked up in."""
    by_year: dict[tuple[str, int | None], list[SourceTable]] = {}
    for f in files:
        if f.tables:
            by_year.setdefault((f.format, f.year), []).extend(f.tables)
    if loaded and ("ssd", None) in by_year:
        by_year[("ssd", None)] = by_year[("ssd", None)] + loaded
    out: list[Problem] = []
    for (fmt, year), current in sorted(by_year.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
        previous = by_year.get((fmt, year - 1), []) if year else []
        mine = {str(t.file) for t in current}
        out += [p for p in check(current + previous, "all")
                if p.file in mine or p.file.startswith("(")]
    return out


def _loaded_references(files: list[InputFile], settings: Settings
                       ) -> tuple[list[SourceTable], list[Problem]]:
    """The warehouse rows local tables refer to, or the problem of not reading them."""
    import duckdb

    from lantern.ingest.references import warehouse_references

    tables = [t for f in files if f.format == "ssd" for t in f.tables]
    try:
        return warehouse_references(tables, settings.warehouse_path), []
    except duckdb.Error as exc:
        return [], [problem(settings.warehouse_path, "file", "", None, "read-warehouse",
                            f"could not be read to check the ids local tables refer to: "
                            f"{str(exc).splitlines()[0]}",
                            "the warehouse free to read (stop the process holding it)")]


def _dedupe(*ranked: list[Problem]) -> list[Problem]:
    """Problems by source (readers, then rules, then value mapping); a later source's
    problem is kept only where no earlier one spoke of the same cell."""
    out: list[Problem] = []
    cells: set[tuple[str, str, str]] = set()
    for problems in ranked:
        fresh = [p for p in dict.fromkeys(problems) if (p.file, p.locator, p.field) not in cells]
        cells |= {(p.file, p.locator, p.field) for p in fresh}
        out += fresh
    return out


def validate_paths(paths: list[Path], *, year: int | None = None,
                   settings: Settings | None = None, check: Check | None = None,
                   write: bool = True, spill: RecordSpill | None = None) -> ValidationOutcome:
    """Read and check every file under `paths`; write the report when there are problems.
    With `spill`, the files' module records are kept in it for a load."""
    settings = settings or get_settings()
    if spill is None:
        with RecordSpill(settings.home) as own:
            return _validate(paths, year, settings, check, write, own, keep_records=False)
    return _validate(paths, year, settings, check, write, spill, keep_records=True)


def _validate(paths: list[Path], year: int | None, settings: Settings, check: Check | None,
              write: bool, spill: RecordSpill, keep_records: bool) -> ValidationOutcome:
    started = time.perf_counter()
    check = check or _default_check
    reading = _Reading(check, spill, keep_records)
    files = read_paths([Path(p) for p in paths], year, reading)
    mapped = map_tables([t for f in files if f.format in STATUTORY for t in f.tables], {})
    if keep_records:
        spill.add(mapped.records)
    ssd: dict[str, pa.Table] = {}
    for f in files:
        if f.format == "ssd":
            for t in f.tables:
                ssd[t.name], more = ssd_to_arrow(t, f.source_file().lineage)
                mapped.problems += more
    loaded, unread = _loaded_references(files, settings)
    rules = run_rules(files, check, loaded)
    outcome = ValidationOutcome(files, _dedupe(reading.problems + unread, rules,
                                               mapped.problems),
                                reading.notes, ssd=ssd, skipped=reading.skipped)
    if outcome.problems and write:
        outcome.report_csv, outcome.report_html = write_report(outcome.problems,
                                                               settings.reports_dir)
    outcome.seconds = time.perf_counter() - started
    return outcome


# ---------------------------------------------------------------- loading


def ingest_paths(paths: list[Path], *, settings: Settings, la: str | None = None,
                 year: int | None = None, accept_warnings: bool = False,
                 check: Check | None = None) -> IngestOutcome:
    """Validate, then load everything in one transaction, or nothing."""
    started = time.perf_counter()
    with RecordSpill(settings.home) as spill:
        validation = validate_paths(paths, year=year, settings=settings, check=check,
                                    spill=spill)
        outcome = IngestOutcome(validation)
        if validation.blocking(accept_warnings) or not validation.files:
            outcome.seconds = time.perf_counter() - started
            return outcome
        with Warehouse(settings.warehouse_path) as wh:
            new = [f.source_file() for f in validation.files]
            if unchanged(wh, new):
                previous = last_load(wh)
                outcome.loaded, outcome.load_id = True, previous.load_id if previous else None
                outcome.row_counts = wh.row_counts()
            else:
                plan = _plan(wh, validation, new, settings, la or "", spill)
                archive_all(new, {f.sha256: f.path for f in validation.files},
                            settings.archive_dir)
                result = apply(wh, plan)
                outcome.loaded, outcome.changed, outcome.load_id = True, True, result.load_id
                outcome.row_counts = {k: v for k, v in result.row_counts.items() if v}
    outcome.seconds = time.perf_counter() - started
    return outcome


def _plan(wh: Warehouse, v: ValidationOutcome, new: list[SourceFile], settings: Settings,
          la: str, spill: RecordSpill) -> LoadPlan:
    archived = [replace(f, archived=str(settings.archive_dir / f.lineage)) for f in new]
    plan = LoadPlan(files=archived, ssd=v.ssd, la_code=la)
    if any(f.format in STATUTORY for f in new):
        slots = {f.slot for f in new}
        kept = [a for a in active_files(wh) if a.format in STATUTORY and a.slot not in slots]
        lineage = {str(f.path): f.source_file().lineage for f in v.files}
        lineage |= _reread(kept, settings, spill)
        plan.statutory = stage(_canonical_batches(spill, lineage), spill.dir / "canonical.duckdb")
    return plan


def _canonical_batches(spill: RecordSpill, lineage: dict[str, str]
                       ) -> Iterator[dict[str, pa.Table]]:
    """The canonical rows of every statutory record, a batch of whole children at a time
    (merge and build are per child, so batches are independent)."""
    for records in spill.by_child():
        yield canonical.build(merge(_relabel(r, lineage) for r in records))


def _relabel(r: Record, lineage: dict[str, str]) -> Record:
    """Records name the file they were read from; rows name the archived file."""
    file, _, sheet = r.source_file.partition("#")
    name = lineage.get(file, file) + (f"#{sheet}" if sheet else "")
    return Record(r.module, r.key, r.values, r.year, r.rank, name, r.source_row)


def _reread(files: list[SourceFile], settings: Settings, spill: RecordSpill) -> dict[str, str]:
    """The records of files accepted by earlier loads, read again from the archive into
    `spill`; returns archive path -> lineage."""
    lineage: dict[str, str] = {}
    for f in files:
        path = settings.archive_dir / f.lineage
        lineage[str(path)] = f.lineage
        if f.format == "cin":
            for chunk in iter_cin(path):
                spill.add(map_tables(chunk.tables, {}).records)
        else:
            d = Detected(path, f.format, f.kind,  # type: ignore[arg-type]
                         f.collection_year or None)
            spill.add(map_tables(_read(d).tables, {}).records)
    return lineage


#: The fields that name a child: CIN census, SSDA903, Annex A, SSD person.
CHILD_FIELDS = ("LAchildID", "CHILD", "Child Unique ID", "pers_person_id")


def children_named(paths: list[Path]) -> set[str]:
    """Every child id in the recognised files under ``paths``: what an export of those
    files discloses (for the access log). Files are read as a load reads them."""
    found: set[str] = set()
    for root in paths:
        for path, _explicit in expand([root])[0]:
            d = detect(path, root=root if root.is_dir() else None)
            if d.format is None:
                continue
            results = iter_cin(path) if d.format == "cin" else [_read(d)]
            for result in results:
                for table in result.tables:
                    for name in CHILD_FIELDS:
                        if name in table.columns:
                            found.update(v for r in table.rows if (v := r.get(name)))
    return found
