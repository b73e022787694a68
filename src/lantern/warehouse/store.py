"""DuckDB warehouse: canonical tables, load history and all-or-nothing loads.

A load of an SSD-style extract is a full snapshot of the case system: inside one
transaction every table the extract holds is replaced, a row is added to `_loads`,
and the archived files are recorded in `_load_files`. Loading the same files again
changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

import duckdb

from lantern.formats import ssd_csv
from lantern.model import Table, tables
from lantern.warehouse.archive import archive_file, sha256_of

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


class LoadError(Exception):
    """A load was refused; nothing was written. The message names file, row and field."""


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
        rows = self.con.execute(
            "SELECT load_id, loaded_at, kind, la_code, row_counts FROM _loads ORDER BY load_id"
        ).fetchall()
        return [
            {
                "load_id": r[0],
                "loaded_at": r[1],
                "kind": r[2],
                "la_code": r[3],
                "row_counts": json.loads(r[4]),
            }
            for r in rows
        ]

    def latest_fingerprint(self) -> str | None:
        row = self.con.execute(
            "SELECT fingerprint FROM _loads ORDER BY load_id DESC LIMIT 1"
        ).fetchone()
        return str(row[0]) if row else None

    # --- loads ---------------------------------------------------------------------------

    def load_extract(
        self, extract_dir: Path, *, archive_dir: Path, la_code: str = ""
    ) -> LoadResult:
        """Load an SSD-style extract (one CSV per table) as one all-or-nothing snapshot."""
        files = _extract_files(extract_dir)
        digests = {table.name: sha256_of(path) for table, path in files}
        fingerprint = json.dumps(sorted(digests.items()))
        if fingerprint == self.latest_fingerprint():
            last = self.loads()[-1]
            previous = last["row_counts"]
            return LoadResult(int(str(last["load_id"])), False,
                              dict(previous) if isinstance(previous, dict) else {})
        archived = {table.name: archive_file(path, archive_dir) for table, path in files}
        counts: dict[str, int] = {}
        self.con.execute("BEGIN TRANSACTION")
        try:
            load_id = self._next_load_id()
            for table, path in files:
                counts[table.name] = self._replace_table(table, path)
            self.con.execute(
                "INSERT INTO _loads VALUES (?, ?, 'ssd_extract', ?, ?, ?)",
                [
                    load_id,
                    datetime.now(UTC).replace(tzinfo=None),
                    la_code,
                    fingerprint,
                    json.dumps(counts),
                ],
            )
            for table, path in files:
                entry = archived[table.name]
                self.con.execute(
                    "INSERT INTO _load_files VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        load_id,
                        entry.sha256,
                        str(path),
                        entry.archived,
                        table.name,
                        counts[table.name],
                    ],
                )
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        return LoadResult(load_id, True, counts)

    def _next_load_id(self) -> int:
        row = self.con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM _loads").fetchone()
        return int(row[0]) if row else 1

    def _replace_table(self, table: Table, path: Path) -> int:
        columns = ", ".join(f"'{c.name}': '{c.sql_type}'" for c in table.columns)
        self.con.execute(f"DELETE FROM {table.name}")
        try:
            self.con.execute(
                f"""INSERT INTO {table.name}
                SELECT *, ? AS _source_file, row_number() OVER () AS _source_row
                FROM read_csv(?, header = true, auto_detect = false, columns = {{{columns}}},
                              dateformat = '%Y-%m-%d', quote = '"', escape = '"',
                              nullstr = '', strict_mode = true)""",
                [path.name, str(path)],
            )
        except duckdb.Error as exc:
            first_line = str(exc).strip().splitlines()[0]
            raise LoadError(f"{path}: {first_line}") from None
        row = self.con.execute(f"SELECT count(*) FROM {table.name}").fetchone()
        return int(row[0]) if row else 0


def _extract_files(extract_dir: Path) -> list[tuple[Table, Path]]:
    """The extract's files in model order, each with its header checked."""
    if not extract_dir.is_dir():
        raise LoadError(f"{extract_dir}: not a folder (expected one CSV per SSD table)")
    found: list[tuple[Table, Path]] = []
    for path in sorted(extract_dir.glob("*.csv")):
        table = ssd_csv.table_for_file(path)
        if table is None:
            raise LoadError(
                f"{path}: file name is not an SSD table (expected one of "
                f"{', '.join(sorted(t + '.csv' for t in tables()))[:200]}...)"
            )
        header = ssd_csv.read_header(path)
        if header != table.column_names:
            missing = [c for c in table.column_names if c not in header]
            extra = [c for c in header if c not in table.column_names]
            raise LoadError(
                f"{path}: row 1 (header) does not match {table.name}: "
                f"missing {missing or 'none'}, unexpected {extra or 'none'}"
            )
        found.append((table, path))
    if not found:
        raise LoadError(f"{extract_dir}: no SSD extract files (*.csv) found")
    order = list(tables())
    return sorted(found, key=lambda tp: order.index(tp[0].name))
