"""Loads of statutory returns and extracts: merged, lineage-stamped, one transaction.

Rows that came from statutory returns (CIN census, SSDA903, Annex A) are rebuilt from
every accepted return file at each load (the merge is a function of the set of files,
so the order of loads never matters); rows of an SSD extract are a snapshot replaced
per table. A row's `_source_file` is its file's path in the archive
(`ab/abcd…/episodes.csv`, `…/annex.xlsx#List 3`), `_source_row` its row or XML line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from lantern.model import tables
from lantern.warehouse.archive import archive_file
from lantern.warehouse.store import LoadResult, Warehouse

STATUTORY = ("cin", "ssda903", "annex_a")


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


@dataclass
class LoadPlan:
    files: list[SourceFile]
    # Canonical rows rebuilt from every accepted return, in batches (of whole children);
    # None: no statutory file in this load.
    statutory: Iterable[dict[str, pa.Table]] | None = None
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


def apply(wh: Warehouse, plan: LoadPlan) -> LoadResult:
    """Write the plan in one transaction: all of it, or (on any error) none of it."""
    wh.con.execute("BEGIN TRANSACTION")
    try:
        load_id = wh._next_load_id()
        _record_files(wh, load_id, plan.files)
        statutory = _statutory_lineage(wh)
        counts: dict[str, int] = {}
        if plan.statutory is not None:
            for name in tables():
                counts[name] = _replace(wh, name, None, statutory, True)
            for batch in plan.statutory:
                for name, arrow in batch.items():
                    if arrow.num_rows:
                        insert_rows(wh, name, arrow)
                        counts[name] += arrow.num_rows
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


def insert_rows(wh: Warehouse, name: str, arrow: pa.Table) -> None:
    wh.con.register("_incoming", arrow)
    try:
        cols = ", ".join(arrow.column_names)
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
