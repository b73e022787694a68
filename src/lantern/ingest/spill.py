"""Module records parked on disk between reading and loading, handed back child by child.

A national CIN census maps to millions of module records; holding them (and the merge
and canonical rows built from them) in memory made a load's peak grow with the file
(8 GB for 650,000 referrals). Instead each chunk of records goes into a scratch DuckDB
file with a small memory limit, and the load reads them back ordered by child, a batch
of whole children at a time: every step after reading (merge, canonical build, insert)
is per child, so the batches are independent and memory stays flat.

The scratch folder sits under LANTERN_HOME (child data never goes to a shared /tmp),
is private to the user and is deleted when the spill is closed.
"""

from __future__ import annotations

import pickle
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType

import duckdb
import pyarrow as pa

from lantern.ingest.mapping import Record
from lantern.ingest.source import SourceTable

MEMORY_LIMIT = "128MB"
BATCH_CHILDREN = 2_000
_SCHEMA = pa.schema([
    ("child", pa.string()), ("module", pa.string()), ("key", pa.list_(pa.string())),
    ("year", pa.int32()), ("rank", pa.int8()), ("source_file", pa.string()),
    ("source_row", pa.int64()), ("values", pa.binary()),
])


class RecordSpill:
    """Append records in batches; read them back grouped by child (`by_child`)."""

    def __init__(self, home: Path) -> None:
        home.mkdir(parents=True, exist_ok=True)
        self.dir = Path(tempfile.mkdtemp(prefix="spill-", dir=home))  # mode 0700
        self.con = duckdb.connect(str(self.dir / "records.duckdb"))
        for setting in (f"memory_limit = '{MEMORY_LIMIT}'", "threads = 1",
                        "preserve_insertion_order = false",
                        f"temp_directory = '{self.dir / 'sort'}'"):
            self.con.execute(f"SET {setting}")
        self.con.execute(
            "CREATE TABLE records (child VARCHAR, module VARCHAR, key VARCHAR[], year INTEGER, "
            "rank TINYINT, source_file VARCHAR, source_row BIGINT, values BLOB)")
        # Rows of tables that a rule compares across the whole file (`Rule.across`).
        self.con.execute("CREATE TABLE keyed (seq BIGINT, file VARCHAR, tbl VARCHAR, "
                         "field VARCHAR, value VARCHAR, row BLOB, locator VARCHAR)")
        self.count = 0
        self.keyed_count = 0

    def __enter__(self) -> RecordSpill:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __len__(self) -> int:
        return self.count

    def add(self, records: Iterable[Record]) -> None:
        rows = list(records)
        if not rows:
            return
        # The values hold dates, numbers and text; pickle keeps their types exactly. It is
        # safe here: the only reader is this object, of a file it wrote in its own
        # private folder moments before.
        batch = pa.table({
            "child": [r.key[0] for r in rows], "module": [r.module for r in rows],
            "key": [list(r.key) for r in rows], "year": [r.year for r in rows],
            "rank": [r.rank for r in rows], "source_file": [r.source_file for r in rows],
            "source_row": [r.source_row for r in rows],
            "values": [pickle.dumps(r.values, protocol=pickle.HIGHEST_PROTOCOL) for r in rows],
        }, schema=_SCHEMA)
        self.con.register("_batch", batch)
        try:
            self.con.execute("INSERT INTO records SELECT * FROM _batch")
        finally:
            self.con.unregister("_batch")
        self.count += len(rows)

    def add_keyed(self, table: SourceTable, fields: Iterable[str]) -> None:
        """Park a chunk's rows of `table` under their values of `fields`."""
        n = len(table.rows)
        if n == 0:
            return
        rows = [pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL) for r in table.rows]
        for field in sorted(fields):
            batch = pa.table({
                "seq": range(self.keyed_count, self.keyed_count + n),
                "file": [str(table.file)] * n, "tbl": [table.name] * n, "field": [field] * n,
                "value": [(r.get(field) or "").strip() or None for r in table.rows],
                "row": rows, "locator": table.locators,
            })
            self.con.register("_batch", batch)
            try:
                self.con.execute("INSERT INTO keyed SELECT seq, file, tbl, field, value, row, "
                                 "locator FROM _batch")
            finally:
                self.con.unregister("_batch")
        self.keyed_count += n

    def repeated(self, file: str, table: SourceTable) -> SourceTable:
        """`table` (an empty copy of the file's table) filled with the parked rows whose
        value of any parked field repeats in the file: all a file-wide rule needs."""
        found = self.con.execute(
            """SELECT any_value(row), any_value(locator) FROM keyed
               WHERE file = $file AND tbl = $tbl AND (field, value) IN (
                   SELECT (field, value) FROM keyed WHERE file = $file AND tbl = $tbl
                   AND value IS NOT NULL GROUP BY field, value HAVING count(*) > 1)
               GROUP BY seq ORDER BY seq""", {"file": file, "tbl": table.name}).fetchall()
        table.rows = [pickle.loads(row) for row, _ in found]  # safe: see add()
        table.locators = [locator for _, locator in found]
        return table

    def by_child(self, batch_children: int | None = None) -> Iterator[list[Record]]:
        """Every record, in lists holding all the records of up to `batch_children`
        children each (a child's records never straddle two lists)."""
        batch_children = batch_children or BATCH_CHILDREN
        reader = self.con.sql("SELECT * FROM records ORDER BY child").to_arrow_reader(50_000)
        batch: list[Record] = []
        children = 0
        current: str | None = None
        for part in reader:
            for row in part.to_pylist():
                if row["child"] != current:
                    if children >= batch_children:
                        yield batch
                        batch, children = [], 0
                    current = row["child"]
                    children += 1
                batch.append(Record(row["module"], tuple(row["key"]),
                                    pickle.loads(row["values"]),  # safe: see add()
                                    row["year"], row["rank"], row["source_file"],
                                    row["source_row"]))
        if batch:
            yield batch
