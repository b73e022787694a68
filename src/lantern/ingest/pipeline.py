"""validate → (archive, merge, load in one transaction): what `lantern ingest` runs.

`validate_paths` reads and checks everything and writes the error report; it loads
nothing. `ingest_paths` validates, and only when nothing blocks (errors always;
warnings unless accepted) archives the files and loads them all or nothing.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyarrow as pa

from lantern.config import Settings, get_settings
from lantern.ingest import canonical
from lantern.ingest.detect import Detected, detect, expand
from lantern.ingest.mapping import Record, map_tables, ssd_to_arrow
from lantern.ingest.merge import merge
from lantern.ingest.readers import ReadResult, problem
from lantern.ingest.readers.annex_a import read_annex_a
from lantern.ingest.readers.cin import read_cin
from lantern.ingest.readers.ssd import read_ssd
from lantern.ingest.readers.ssda903 import read_ssda903
from lantern.ingest.report import write_report
from lantern.ingest.source import Format, Problem, SourceTable
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
    unchanged,
)

Check = Callable[[list[SourceTable]], list[Problem]]
FIRST_PROBLEMS = 10
REQUIRED_903 = ("Header", "Episodes")


@dataclass
class InputFile:
    path: Path
    format: Format
    kind: str
    year: int | None
    sha256: str
    tables: list[SourceTable]

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
    records: list[Record] = field(default_factory=list, repr=False)
    ssd: dict[str, pa.Table] = field(default_factory=dict, repr=False)

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
        return sum(len(t) for f in self.files for t in f.tables)


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
    if d.format == "cin":
        return read_cin(d.path)
    if d.format == "ssda903":
        return read_ssda903(d.path, str(d.table), d.year)
    if d.format == "annex_a":
        return read_annex_a(d.path, d.year)
    return read_ssd(d.path, str(d.table))


def _kind(d: Detected) -> str:
    return {"cin": "census", "annex_a": "workbook"}.get(str(d.format), str(d.table))


def read_paths(paths: list[Path], year: int | None
               ) -> tuple[list[InputFile], list[Problem], list[str]]:
    files: list[InputFile] = []
    problems: list[Problem] = []
    notes: list[str] = []
    for root in paths:
        found, missing = expand([root])
        problems += missing
        for path, explicit in found:
            d = detect(path, year=year, root=root if root.is_dir() else None)
            if d.format is None:
                if explicit:
                    problems.append(problem(path, "file", "", None, "read-unrecognised",
                                            f"is not a file Lantern reads: {d.reason}",
                                            "an SSDA903 CSV, CIN census XML, Annex A .xlsx or "
                                            "SSD extract CSV"))
                else:
                    notes.append(f"{path}: skipped ({d.reason})")
                continue
            got = _read(d)
            problems += got.problems
            notes += got.notes
            try:
                digest = sha256_of(path)
            except OSError:
                continue  # already reported as unreadable
            file_year = d.year if d.format != "cin" else next(
                (t.collection_year for t in got.tables), None)
            files.append(InputFile(path, d.format, _kind(d), file_year, digest, got.tables))
    problems += _duplicate_slots(files) + _incomplete_returns(files)
    return files, problems, notes


def _duplicate_slots(files: list[InputFile]) -> list[Problem]:
    seen: dict[tuple[str, str, int | None], Path] = {}
    out = []
    for f in files:
        slot = (f.format, f.kind, f.year)
        if slot in seen and f.format in STATUTORY:
            out.append(problem(f.path, "file", "", None, "read-duplicate",
                               f"is a second {f.format} {f.kind} for {f.year} (the first is "
                               f"{seen[slot]})", "one file per table and collection year"))
        seen.setdefault(slot, f.path)
    return out


def _incomplete_returns(files: list[InputFile]) -> list[Problem]:
    """An SSDA903 year needs its Header and Episodes: every other table is checked
    against them (the DfE validator refuses a return without them too)."""
    kinds: dict[int | None, set[str]] = {}
    for f in files:
        if f.format == "ssda903":
            kinds.setdefault(f.year, set()).add(f.kind)
    out = []
    for f in files:
        if f.format != "ssda903" or f.kind in REQUIRED_903:
            continue
        missing = [k for k in REQUIRED_903 if k not in kinds[f.year]]
        if missing:
            out.append(problem(f.path, "file", "", None, "read-incomplete-return",
                               f"the SSDA903 {f.year or ''} files lack "
                               f"{' and '.join(missing)}, which this table is checked against",
                               "the year's Header and Episodes files in the same ingest"))
    return out


# ---------------------------------------------------------------- checking


def _default_check(tables: list[SourceTable]) -> list[Problem]:
    from lantern.ingest.rules import validate

    return validate(tables)


def run_rules(files: list[InputFile], check: Check) -> list[Problem]:
    """Each format's years checked one at a time, with the year before as `_last`."""
    by_year: dict[tuple[str, int | None], list[SourceTable]] = {}
    for f in files:
        by_year.setdefault((f.format, f.year), []).extend(f.tables)
    out: list[Problem] = []
    for (fmt, year), current in sorted(by_year.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
        previous = by_year.get((fmt, year - 1), []) if year else []
        mine = {str(t.file) for t in current}
        out += [p for p in check(current + previous) if p.file in mine or p.file.startswith("(")]
    return out


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
                   write: bool = True) -> ValidationOutcome:
    """Read and check every file under `paths`; write the report when there are problems."""
    started = time.perf_counter()
    files, problems, notes = read_paths([Path(p) for p in paths], year)
    statutory = [t for f in files if f.format in STATUTORY for t in f.tables]
    mapped = map_tables(statutory, {})
    ssd: dict[str, pa.Table] = {}
    for f in files:
        if f.format == "ssd":
            for t in f.tables:
                ssd[t.name], more = ssd_to_arrow(t, f.source_file().lineage)
                mapped.problems += more
    rules = run_rules(files, check or _default_check)
    outcome = ValidationOutcome(files, _dedupe(problems, rules, mapped.problems), notes,
                                records=mapped.records, ssd=ssd)
    if outcome.problems and write:
        reports = (settings or get_settings()).reports_dir
        outcome.report_csv, outcome.report_html = write_report(outcome.problems, reports)
    outcome.seconds = time.perf_counter() - started
    return outcome


# ---------------------------------------------------------------- loading


def ingest_paths(paths: list[Path], *, settings: Settings, la: str | None = None,
                 year: int | None = None, accept_warnings: bool = False,
                 check: Check | None = None) -> IngestOutcome:
    """Validate, then load everything in one transaction, or nothing."""
    started = time.perf_counter()
    validation = validate_paths(paths, year=year, settings=settings, check=check)
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
            plan = _plan(wh, validation, new, settings, la or "")
            archive_all(new, {f.sha256: f.path for f in validation.files}, settings.archive_dir)
            result = apply(wh, plan)
            outcome.loaded, outcome.changed, outcome.load_id = True, True, result.load_id
            outcome.row_counts = {k: v for k, v in result.row_counts.items() if v}
    outcome.seconds = time.perf_counter() - started
    return outcome


def _plan(wh: Warehouse, v: ValidationOutcome, new: list[SourceFile], settings: Settings,
          la: str) -> LoadPlan:
    archived = [replace(f, archived=str(settings.archive_dir / f.lineage)) for f in new]
    plan = LoadPlan(files=archived, ssd=v.ssd, la_code=la)
    if any(f.format in STATUTORY for f in new):
        slots = {f.slot for f in new}
        kept = [a for a in active_files(wh) if a.format in STATUTORY and a.slot not in slots]
        lineage = {str(f.path): f.source_file().lineage for f in v.files}
        records = [_relabel(r, lineage) for r in v.records] + _reread(kept, settings)
        plan.statutory = canonical.build(merge(records))
    return plan


def _relabel(r: Record, lineage: dict[str, str]) -> Record:
    """Records read during validation name the input path; rows name the archived file."""
    file, _, sheet = r.source_file.partition("#")
    name = lineage.get(file, file) + (f"#{sheet}" if sheet else "")
    return Record(r.module, r.key, r.values, r.year, r.rank, name, r.source_row)


def _reread(files: list[SourceFile], settings: Settings) -> list[Record]:
    """The records of files accepted by earlier loads, read again from the archive."""
    tables: list[SourceTable] = []
    lineage: dict[str, str] = {}
    for f in files:
        path = settings.archive_dir / f.lineage
        d = Detected(path, f.format, f.kind, f.collection_year or None)  # type: ignore[arg-type]
        tables += _read(d).tables
        lineage[str(path)] = f.lineage
    return map_tables(tables, lineage).records
