"""DuckDB warehouse: the canonical tables and the load history.

Loads themselves (validate, archive, one transaction, idempotent by SHA-256) are
`lantern.ingest.pipeline.ingest_paths`, written through `warehouse/statutory.py`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import duckdb
import pyarrow as pa

from lantern.model import tables

META_DDL = [
    """CREATE TABLE IF NOT EXISTS _loads (
        load_id BIGINT PRIMARY KEY, loaded_at TIMESTAMP, kind VARCHAR, la_code VARCHAR,
        fingerprint VARCHAR, row_counts VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS _load_files (
        load_id BIGINT, sha256 VARCHAR, original VARCHAR, archived VARCHAR, table_name VARCHAR,
        rows BIGINT)""",
    # Every accepted input file of a statutory or extract load: what it is and where its
    # rows say they came from (`lineage` = the `_source_file` of its warehouse rows).
    """CREATE TABLE IF NOT EXISTS _source_files (
        load_id BIGINT, sha256 VARCHAR, format VARCHAR, kind VARCHAR, collection_year BIGINT,
        original VARCHAR, archived VARCHAR, lineage VARCHAR)""",
]


@dataclass
class LoadResult:
    load_id: int
    changed: bool
    row_counts: dict[str, int] = field(default_factory=dict)


class Warehouse:
    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        self.path = Path(path)
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(str(self.path), read_only=read_only)
        if not read_only:
            self.create_schema()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    def create_schema(self) -> None:
        for table in tables().values():
            self.con.execute(table.ddl())
        for ddl in META_DDL:
            self.con.execute(ddl)

    # --- queries -------------------------------------------------------------------------

    def row_counts(self) -> dict[str, int]:
        out = {}
        for name in tables():
            row = self.con.execute(f"SELECT count(*) FROM {name}").fetchone()
            out[name] = int(row[0]) if row else 0
        return out

    def loads(self) -> list[dict[str, object]]:
        return load_rows(self.con)

    def _next_load_id(self) -> int:
        row = self.con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM _loads").fetchone()
        return int(row[0]) if row else 1


def load_rows(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    """The load history, oldest first: load id, when (UTC, naive), kind, authority code
    and rows written per table. Empty for a warehouse built without loads."""
    try:
        rows = con.execute("SELECT load_id, loaded_at, kind, la_code, row_counts FROM _loads "
                           "ORDER BY load_id").fetchall()
    except duckdb.CatalogException:
        return []
    return [{"load_id": r[0], "loaded_at": r[1], "kind": r[2], "la_code": r[3],
             "row_counts": json.loads(r[4]) if isinstance(r[4], str) else (r[4] or {})}
            for r in rows]


def insert_dataset(con: duckdb.DuckDBPyConnection, data: dict[str, pa.Table]) -> None:
    """Create every canonical table on `con` and insert a Dataset's rows as they are.

    For simulations and benchmarks that skip the file formats: rows carry no lineage
    (`_source_file`, `_source_row` are NULL). Loads of real files go through
    `lantern.ingest.pipeline.ingest_paths`.
    """
    for name, table in tables().items():
        con.execute(table.ddl())
        if name in data:
            con.register("_dataset_in", data[name])
            con.execute(f"INSERT INTO {name} SELECT *, NULL, NULL FROM _dataset_in")
            con.unregister("_dataset_in")
