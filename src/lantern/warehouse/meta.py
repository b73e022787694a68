"""Facts about the authority the warehouse holds: code, name, population, process changes.

Kept in the warehouse (table `_authority`) so every command reads the same values;
`lantern demo` writes them from the scenario, `lantern ingest --la` sets the code,
and `LANTERN_POPULATION` or `lantern authority` can override the population.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb

DDL = "CREATE TABLE IF NOT EXISTS _authority (key VARCHAR PRIMARY KEY, value VARCHAR)"


@dataclass
class Authority:
    la_code: str = ""
    la_name: str = "Local authority"
    population: int | None = None
    # (YYYY-MM, label): recorded process changes, e.g. the March 2024 deep dive; SPC
    # limits are recalculated from each.
    process_changes: list[tuple[str, str]] = field(default_factory=list)


def read_authority(con: duckdb.DuckDBPyConnection) -> Authority:
    tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
    if "_authority" not in tables:
        return Authority()
    values = dict(con.execute("SELECT key, value FROM _authority").fetchall())
    population = values.get("population")
    changes = json.loads(values.get("process_changes") or "[]")
    return Authority(
        la_code=values.get("la_code") or "",
        la_name=values.get("la_name") or "Local authority",
        population=int(population) if population else None,
        process_changes=[(str(m), str(label)) for m, label in changes],
    )


def with_population(authority: Authority, population: int | None) -> Authority:
    """The authority with a configured population (``LANTERN_POPULATION``) in place of
    the recorded one, when one is configured."""
    return authority if population is None else replace(authority, population=population)


def write_authority(con: duckdb.DuckDBPyConnection, **values: Any) -> None:
    """Set some of la_code, la_name, population, process_changes."""
    con.execute(DDL)
    for key, value in values.items():
        if key not in ("la_code", "la_name", "population", "process_changes"):
            raise KeyError(f"unknown authority setting {key!r}")
        text = json.dumps(value) if key == "process_changes" else str(value)
        con.execute(
            "INSERT INTO _authority VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = ?",
            [key, text, text],
        )
