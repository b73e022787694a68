"""Rows loaded already that a local table's rules look ids up in.

A MARAC referral names children, a private fostering visit its arrangement: the ids must
exist, in the same ingest or in the warehouse. The rules stay pure (they see only
`SourceTable`s): this reads the warehouse's referred columns, as text, into tables named
`warehouse:<table>` for the tables the ingest does not itself bring.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from lantern.ingest.rules.local.tables import REFERENCE, referenced
from lantern.ingest.source import SourceTable


def warehouse_references(tables: list[SourceTable], warehouse: Path) -> list[SourceTable]:
    """The referred tables' rows loaded already (none when there is no warehouse)."""
    present = {t.name for t in tables if t.format == "ssd"}
    wanted = {name: cols for name, cols in referenced(present).items() if name not in present}
    if not wanted or not warehouse.exists():
        return []
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return [_read(con, name, sorted(cols), warehouse) for name, cols in wanted.items()]
    finally:
        con.close()


def _read(con: duckdb.DuckDBPyConnection, name: str, cols: list[str],
          warehouse: Path) -> SourceTable:
    select = ", ".join(f"CAST({c} AS VARCHAR)" for c in cols)
    try:
        rows = con.execute(f"SELECT {select} FROM {name}").fetchall()
    except duckdb.CatalogException:
        rows = []  # a warehouse from before the table existed: nothing loaded
    table = SourceTable("ssd", REFERENCE + name, warehouse, cols)
    table.rows = [dict(zip(cols, r, strict=True)) for r in rows]
    return table
