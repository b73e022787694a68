"""The demo authority's deep dives and meetings, as `lantern demo` makes them: the
late-2023 child-protection decline stored as deep dives; the initial-conference one worked
in March 2024 (findings, actions some done, the process change) and closed on recovery
later in 2024, checked by Lantern; the Chief Executive's every six weeks; a mock
inspection; a year of performance surgeries carrying their open actions forward."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from lantern.appdb import make_engine, migrate
from lantern.cli import app
from lantern.governance import demo, meetings
from lantern.governance.figures import Warehouse


@pytest.fixture(scope="module")
def demo_env(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('governance') / 'app.sqlite'}"
    migrate(url)
    con = duckdb.connect(str(demo_home / "warehouse.duckdb"), read_only=True)
    try:
        said = demo.build(make_engine(url), Warehouse(con, "880", 25400), "2024-11",
                          ("2024-03",))
        again = demo.build(make_engine(url), Warehouse(con, "880", 25400), "2024-11",
                           ("2024-03",))
    finally:
        con.close()
    assert "closed on recovery at 2024" in said
    assert again == "kept the deep dives already in the app database"
    return {"LANTERN_HOME": str(demo_home), "LANTERN_DATABASE_URL": url}


def test_the_child_protection_deep_dive_story(demo_env: dict[str, str]) -> None:
    r = CliRunner().invoke(app, ["deep-dives", "--format", "json"], env=demo_env)
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    cp = [d for d in rows if d["kind"] == "trigger" and d["scope"]["breakdown"] == "authority"
          and d["indicator"] in ("icpc_15wd_pct", "cp_visits_10wd_pct")]
    assert cp and all("2023-10" <= d["trigger_month"] <= "2023-12" for d in cp)
    icpc = next(d for d in cp if d["indicator"] == "icpc_15wd_pct")
    assert icpc["status"] == "closed" and icpc["process_change_month"] == "2024-03"
    assert icpc["actions"]["total"] == 3 and icpc["actions"]["done"] == 2
    assert "2024-03" in icpc["trigger_months"]  # the decline went on into March
    kinds = [d["kind"] for d in rows]
    assert kinds.count("chief_executive") >= 6 and kinds.count("mock_inspection") == 1


def test_a_year_of_performance_surgeries(demo_env: dict[str, str]) -> None:
    with Session(make_engine(demo_env["LANTERN_DATABASE_URL"])) as s:
        held = meetings.listing(s, "performance_surgery")
        assert len(held) == 12 and all(m.minutes for m in held)
        latest = held[0]
        assert meetings.carried_forward(s, latest)  # open actions brought forward
