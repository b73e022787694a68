"""The demo authority tells the seeds' story, and the exception report sees it."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from lantern.assurance.monthly import assure_month
from lantern.cli import app
from lantern.warehouse.meta import read_authority

pytestmark = pytest.mark.slow


def test_late_2023_decline_triggers_a_child_protection_deep_dive(
    demo_con: duckdb.DuckDBPyConnection,
) -> None:
    authority = read_authority(demo_con)
    result = assure_month(demo_con, "2023-10", la_code=authority.la_code,
                          population=authority.population, history=14)
    deep_dives = {(e.kpi_id, e.breakdown) for e in result.exceptions if e.kind == "deep_dive"}
    assert {("icpc_15wd_pct", "authority"), ("cp_visits_10wd_pct", "authority")} & deep_dives
    icpc = result.indicators["icpc_15wd_pct"]
    assert icpc.headline is not None and icpc.previous is not None
    assert icpc.headline.value is not None and icpc.previous.value is not None
    assert icpc.headline.value < icpc.previous.value  # worse than September


def test_exceptions_command_json_contract(demo_home: Path) -> None:
    result = CliRunner().invoke(
        app, ["exceptions", "--month", "2023-10", "--format", "json"],
        env={"LANTERN_HOME": str(demo_home)},
    )
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    assert any(i["kind"] == "deep_dive" and i["kpi_id"] in ("icpc_15wd_pct", "cp_visits_10wd_pct")
               for i in items)
    assert {"kind", "severity", "service", "kpi_id", "breakdown", "message"} <= set(items[0])


def test_kpis_command_json_contract(demo_home: Path) -> None:
    result = CliRunner().invoke(
        app, ["kpis", "--month", "2024-03", "--format", "json"],
        env={"LANTERN_HOME": str(demo_home)},
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    keys = ["kpi_id", "month", "period", "breakdown", "breakdown_value", "numerator",
            "denominator", "value", "status"]
    assert all(list(r) == keys for r in rows)  # exactly these, in this order
    # Asked for: beside a figure DfE publishes in its own unit, England and the
    # statistical neighbours (#18: the workforce figures carry them), nothing else.
    result = CliRunner().invoke(
        app, ["kpis", "--month", "2024-03", "--format", "json", "--benchmarks"],
        env={"LANTERN_HOME": str(demo_home)},
    )
    assert result.exit_code == 0, result.output
    compared = json.loads(result.stdout)
    assert [{k: r[k] for k in keys} for r in compared] == rows
    extra = {tuple(list(r)[9:]) for r in compared}
    assert extra == {(), ("england", "statistical_neighbours", "benchmark_year_ending")}
    agency = next(r for r in compared if r["kpi_id"] == "sw_agency_pct")
    assert agency["england"] > 0 and agency["statistical_neighbours"] > 0
    assert agency["benchmark_year_ending"].endswith("-09-30")  # the workforce census
    assert "england" not in next(r for r in compared if r["kpi_id"] == "cp_plans_open")
    cp = next(r for r in rows if r["kpi_id"] == "cp_plans_open")
    assert cp["breakdown_value"] == "880" and cp["period"] == "snapshot"
    assert 200 < cp["value"] < 260  # the surge: well above 200 in early 2024
    rate = next(r for r in rows if r["kpi_id"] == "cp_rate_per_10k")
    assert rate["value"] == pytest.approx(cp["value"] / 25400 * 10000)


def test_children_command_matches_the_figure(demo_home: Path) -> None:
    env = {"LANTERN_HOME": str(demo_home)}
    figure = json.loads(CliRunner().invoke(
        app, ["kpis", "--month", "2023-10", "--format", "json"], env=env).stdout)
    icpc = next(r for r in figure if r["kpi_id"] == "icpc_15wd_pct"
                and r["period"] == "rolling_12m")
    result = CliRunner().invoke(
        app, ["children", "icpc_15wd_pct", "--month", "2023-10", "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == icpc["denominator"]
    assert sum(1 for r in rows if r["in_numerator"]) == icpc["numerator"]
    late = next(r for r in rows if not r["in_numerator"])
    assert "working days" in late["reason"]
