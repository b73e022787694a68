"""Loads of statutory returns and extracts: merged, lineage-stamped, one transaction.

Rows that came from statutory returns (CIN census, SSDA903, Annex A) are rebuilt from
every accepted return file at each load (the merge is a function of the set of files,
so the order of loads never matters); rows of an SSD extract are a snapshot replaced
per table. A row's `_source_file` is its file's path in the archive
(`ab/abcd…/episodes.csv`, `…/annex.xlsx#List 3`), `_source_row` its row or XML line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from lantern.model import tables
from lantern.warehouse.archive import archive_file
from lantern.warehouse.store import LoadResult, Warehouse

STATUTORY = ("cin", "ssda903", "annex_a")
STAGE_ROWS = 50_000  # rows gathered per table before each append to the staging file
STAGE_MEMORY = "128MB"


@dataclass(frozen=True)
class SourceFile:
    """One input file as the warehouse records it."""

    sha256: str
    format: str
    kind: str  # SSDA903 / SSD table, 'census' (CIN) or 'workbook' (Annex A)
    collection_year: int
    original: str
    lineage: str  # archive-relative path; the `_source_file` of its rows
    archived: str = ""

    @property
    def slot(self) -> tuple[str, str, int]:
        """Files filling the same slot supersede each other (a resubmission)."""
        return (self.format, self.kind, self.collection_year)


@dataclass(frozen=True)
class StagedRows:
    """Canonical rows rebuilt from every accepted return, waiting in a scratch DuckDB file
    (one table per canonical table) to be copied into the warehouse."""

    path: Path
    counts: dict[str, int]


@dataclass
class LoadPlan:
    files: list[SourceFile]
    statutory: StagedRows | None = None  # None: no statutory file in this load
    ssd: dict[str, pa.Table] = field(default_factory=dict)
    la_code: str = ""


def active_files(wh: Warehouse) -> list[SourceFile]:
    """The latest accepted file of each slot."""
    rows = wh.con.execute(
        """SELECT sha256, format, kind, collection_year, original, lineage, archived
           FROM _source_files
           QUALIFY row_number() OVER (PARTITION BY format, kind, collection_year
                                      ORDER BY load_id DESC) = 1
           ORDER BY format, kind, collection_year"""
    ).fetchall()
    return [SourceFile(r[0], r[1], r[2], int(r[3]), r[4], r[5], r[6]) for r in rows]


def unchanged(wh: Warehouse, files: list[SourceFile]) -> bool:
    """Every file is already the accepted file of its slot: loading changes nothing."""
    active = {f.slot: f.sha256 for f in active_files(wh)}
    return bool(files) and all(active.get(f.slot) == f.sha256 for f in files)


def last_load(wh: Warehouse) -> LoadResult | None:
    loads = wh.loads()
    if not loads:
        return None
    last = loads[-1]
    counts = last["row_counts"]
    return LoadResult(int(str(last["load_id"])), False,
                      dict(counts) if isinstance(counts, dict) else {})


def archive_all(files: list[SourceFile], paths: dict[str, Path], archive_dir: Path) -> None:
    for f in files:
        archive_file(paths[f.sha256], archive_dir, f.sha256)


def stage(batches: Iterable[dict[str, pa.Table]], path: Path) -> StagedRows:
    """Write batches of canonical rows to a new scratch DuckDB file at `path`.

    Why a file and not straight into the load's transaction: DuckDB keeps a transaction's
    many small appends in memory until it commits (about 150 bytes a row, so gigabytes for
    a national census), whereas one `INSERT … SELECT` from an attached file is written out
    as it goes. Staged, the load's memory no longer grows with the number of rows.
    """
    con = duckdb.connect(str(path))
    counts: dict[str, int] = {}
    try:
        con.execute(f"SET memory_limit = '{STAGE_MEMORY}'")
        for name, arrow in _gathered(batches):
            con.register("_batch", arrow)
            if name in counts:
                con.execute(f"INSERT INTO {name} SELECT * FROM _batch")
            else:
                con.execute(f"CREATE TABLE {name} AS SELECT * FROM _batch")
            con.unregister("_batch")
            counts[name] = counts.get(name, 0) + arrow.num_rows
    finally:
        con.close()
    return StagedRows(path, counts)


def _gathered(batches: Iterable[dict[str, pa.Table]], rows: int = STAGE_ROWS
              ) -> Iterator[tuple[str, pa.Table]]:
    """Small per-batch tables gathered into appends of about `rows` rows each."""
    waiting: dict[str, list[pa.Table]] = {}
    for batch in batches:
        for name, arrow in batch.items():
            if arrow.num_rows == 0:
                continue
            parts = waiting.setdefault(name, [])
            parts.append(arrow)
            if sum(p.num_rows for p in parts) >= rows:
                yield name, pa.concat_tables(waiting.pop(name))
    for name, parts in waiting.items():
        yield name, pa.concat_tables(parts)


def apply(wh: Warehouse, plan: LoadPlan) -> LoadResult:
    """Write the plan in one transaction: all of it, or (on any error) none of it."""
    staged = plan.statutory
    if staged is not None:
        wh.con.execute("ATTACH ? AS _staged (READ_ONLY)", [str(staged.path)])
    try:
        return _apply(wh, plan)
    finally:
        if staged is not None:
            wh.con.execute("DETACH _staged")


def _apply(wh: Warehouse, plan: LoadPlan) -> LoadResult:
    wh.con.execute("BEGIN TRANSACTION")
    try:
        load_id = wh._next_load_id()
        _record_files(wh, load_id, plan.files)
        statutory = _statutory_lineage(wh)
        counts: dict[str, int] = {}
        if plan.statutory is not None:
            for name in tables():
                counts[name] = _replace(wh, name, None, statutory, True)
                if name in plan.statutory.counts:
                    insert_rows(wh, name, f"_staged.{name}")
                    counts[name] = plan.statutory.counts[name]
        for name, arrow in plan.ssd.items():
            counts[name] = _replace(wh, name, arrow, statutory, False)
        kind = "+".join(sorted({f.format for f in plan.files}))
        wh.con.execute(
            "INSERT INTO _loads VALUES (?, ?, ?, ?, ?, ?)",
            [load_id, datetime.now(UTC).replace(tzinfo=None), kind, plan.la_code,
             json.dumps(sorted(f.sha256 for f in plan.files)), json.dumps(counts)])
        wh.con.execute("COMMIT")
    except BaseException:
        wh.con.execute("ROLLBACK")
        raise
    return LoadResult(load_id, True, counts)


def _record_files(wh: Warehouse, load_id: int, files: list[SourceFile]) -> None:
    for f in files:
        wh.con.execute("INSERT INTO _source_files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       [load_id, f.sha256, f.format, f.kind, f.collection_year, f.original,
                        f.archived, f.lineage])
        wh.con.execute("INSERT INTO _load_files VALUES (?, ?, ?, ?, ?, ?)",
                       [load_id, f.sha256, f.original, f.archived, f.kind, None])


def _statutory_lineage(wh: Warehouse) -> pa.Table:
    rows = wh.con.execute(
        f"SELECT DISTINCT lineage FROM _source_files WHERE format IN {STATUTORY}").fetchall()
    return pa.table({"lineage": [r[0] for r in rows]}, schema=pa.schema([("lineage", pa.string())]))


def _replace(wh: Warehouse, name: str, arrow: pa.Table | None, statutory: pa.Table,
             from_returns: bool) -> int:
    """Delete the table's rows of one kind (statutory or extract) and insert the new ones."""
    wh.con.register("_statutory_lineage", statutory)
    member = "IN" if from_returns else "NOT IN"
    wh.con.execute(
        f"""DELETE FROM {name} WHERE coalesce(split_part(_source_file, '#', 1), '') {member}
            (SELECT lineage FROM _statutory_lineage)""")
    wh.con.unregister("_statutory_lineage")
    if arrow is None or arrow.num_rows == 0:
        return 0
    insert_rows(wh, name, arrow)
    return int(arrow.num_rows)


def insert_rows(wh: Warehouse, name: str, rows: pa.Table | str) -> None:
    """Append `rows` (Arrow, or the name of a table with the same columns) to `name`."""
    if isinstance(rows, str):
        cols = ", ".join(c for c, *_ in wh.con.execute(f"DESCRIBE {rows}").fetchall())
        wh.con.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM {rows}")
        return
    wh.con.register("_incoming", rows)
    try:
        cols = ", ".join(rows.column_names)
        wh.con.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM _incoming")
    finally:
        wh.con.unregister("_incoming")


def read_dataset(wh: Warehouse) -> dict[str, pa.Table]:
    """Every canonical table as Arrow, model columns only (no lineage)."""
    out = {}
    for name, spec in tables().items():
        cols = ", ".join(spec.column_names)
        arrow: pa.Table = wh.con.sql(f"SELECT {cols} FROM {name}").to_arrow_table()
        out[name] = arrow.cast(spec.arrow_schema())
    return out
