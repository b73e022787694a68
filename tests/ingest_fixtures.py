"""Shared helpers for the ingest tests: statutory files written from the hand dataset."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from lantern.config import Settings
from lantern.formats.cin_census import write_cin_census
from lantern.formats.ssda903 import write_ssda903
from lantern.ingest.source import Problem, SourceTable
from lantern.model import tables
from tests.formats_fixtures import dataset

YEARS = (2023, 2024, 2025)
GENERATED = datetime(2025, 6, 1, 9, 0)


def no_rules(tables: list[SourceTable], part: str = "all",
             tallies: dict[str, Any] | None = None) -> list[Problem]:
    """Only the readers' own structural checks (the rule catalogue is tested elsewhere)."""
    return []


def write_returns(out: Path, years: tuple[int, ...] = YEARS) -> dict[int, list[Path]]:
    """CIN census XML and SSDA903 CSVs per year: {year: [files]}."""
    data = dataset()
    files: dict[int, list[Path]] = {}
    for y in years:
        cin = write_cin_census(data, out / "cin" / f"CIN_Census_{y}.xml", collection_year=y,
                               la_code="880", generated=GENERATED)
        files[y] = [cin, *write_ssda903(data, out / "ssda903" / str(y), collection_year=y)]
    return files


def settings(home: Path) -> Settings:
    return Settings(home=home)


def snapshot(home: Path, *, lineage: bool = True) -> dict[str, list[tuple[object, ...]]]:
    """Every canonical table's rows, sorted (lineage columns optional)."""
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        out = {}
        for name, t in tables().items():
            cols = t.column_names + (["_source_file", "_source_row"] if lineage else [])
            rows = con.execute(f"SELECT {', '.join(cols)} FROM {name}").fetchall()
            out[name] = sorted(rows, key=repr)
        return out
    finally:
        con.close()
