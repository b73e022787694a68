"""Shared fixtures: the demo authority (synthetic Torbay, seed 42, 10 years) as a warehouse."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from lantern.model import tables


def load_arrow(con: duckdb.DuckDBPyConnection, data: dict) -> None:  # type: ignore[type-arg]
    """Create every canonical table and insert the simulated rows (no lineage)."""
    for name, t in tables().items():
        con.execute(t.ddl())
        if name in data:
            con.register("arrow_in", data[name])
            con.execute(f"INSERT INTO {name} SELECT *, NULL, NULL FROM arrow_in")
            con.unregister("arrow_in")


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A LANTERN_HOME whose warehouse holds the demo authority, as `lantern demo` makes it."""
    from lantern.synth import load_scenario, simulate
    from lantern.warehouse.meta import write_authority

    scenario = load_scenario("torbay")
    data = simulate(scenario, seed=42, start=date(2014, 12, 1), end=date(2024, 11, 30))
    home = tmp_path_factory.mktemp("demo_home")
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    load_arrow(con, data)
    write_authority(
        con, la_code=scenario.la_code, la_name=scenario.la_name,
        population=scenario.population_0_17,
        process_changes=[(f"{c.date:%Y-%m}", c.label) for c in scenario.process_changes],
    )
    con.close()
    return home


@pytest.fixture
def demo_con(demo_home: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(demo_home / "warehouse.duckdb"), read_only=True)
    yield con
    con.close()
