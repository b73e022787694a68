"""Small helpers shared by the casework queries."""

from __future__ import annotations

from typing import Any

import duckdb


def table_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {str(r[0]) for r in con.execute("SHOW TABLES").fetchall()}


def rows(con: duckdb.DuckDBPyConnection, sql: str,
         params: dict[str, Any] | list[Any] | None = None) -> list[dict[str, Any]]:
    """Query results as dictionaries keyed by column name."""
    cur = con.execute(sql, params) if params is not None else con.execute(sql)
    names = [d[0] for d in cur.description or []]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
