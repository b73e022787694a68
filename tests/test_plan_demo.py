"""The demo authority's improvement plan: `lantern plan status --month 2024-11 --format
json` returns every action with a RAG and a reason, and the story is there — the
child-protection actions added after the March 2024 deep dive, sign-offs on measured
impact, actions awaiting impact, overdue actions, two inspections with repeats."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from lantern.actions.models import Action, ActionHistory, ActionImpact
from lantern.appdb import make_engine, migrate
from lantern.assurance.targets import load_targets
from lantern.cli import app
from lantern.plan import demo
from lantern.plan.service import compare, inspections


@pytest.fixture(scope="module")
def demo_plan(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('plan') / 'app.sqlite'}"
    migrate(url)
    con = duckdb.connect(str(demo_home / "warehouse.duckdb"), read_only=True)
    try:
        built = demo.build(make_engine(url), con, la_code="880", population=25400,
                           targets=load_targets(None), home=demo_home)
        again = demo.build(make_engine(url), con, la_code="880", population=25400,
                           targets=load_targets(None), home=demo_home)
    finally:
        con.close()
    assert (built, again) == (True, False)  # a second demo keeps the plan it finds
    return url


def test_status_json_on_the_demo_authority(demo_home: Path, demo_plan: str) -> None:
    r = CliRunner().invoke(app, ["plan", "status", "--month", "2024-11", "--format", "json"],
                           env={"LANTERN_HOME": str(demo_home),
                                "LANTERN_DATABASE_URL": demo_plan})
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert len(rows) == 28 and len({r["theme"] for r in rows}) == 5
    assert all(r["rag"] in ("red", "amber", "green", "blue", "grey") and r["rag_reason"]
               for r in rows)
    by_ref = {r["ref"]: r for r in rows}
    assert by_ref["2.1.2"]["rag"] == "red" and "Overdue" in by_ref["2.1.2"]["rag_reason"]
    assert by_ref["2.1.1"]["rag"] == "amber"
    assert "awaiting impact since 20 Aug 2024" in by_ref["2.1.1"]["rag_reason"]
    assert {by_ref[ref]["rag"] for ref in ("2.2.1", "2.3.1", "3.3.1")} == {"blue"}
    assert sum(r["rag"] == "red" for r in rows) >= 3


def test_the_story(demo_plan: str) -> None:
    engine = make_engine(demo_plan)
    with Session(engine) as s:
        actions = {a.ref: a for a in s.scalars(select(Action))}
        measured = {actions_id for actions_id in s.scalars(
            select(ActionImpact.action_id).where(ActionImpact.kind == "measured"))}
        created = {h.action_id: h.at for h in s.scalars(
            select(ActionHistory).where(ActionHistory.field == "created"))}
        found = {insp.name: recs for insp, recs in inspections(s)}
        diff = compare(s, 3, 4)
    assert {actions[r].id for r in ("2.2.1", "2.3.1")} <= measured
    cp = [a for ref, a in actions.items() if ref.startswith("2.")]
    assert cp and all(f"{created[a.id]:%Y-%m-%d}" >= "2024-04-01" for a in cp)
    assert sorted(a["ref"] for a in diff.added) == sorted(a.ref for a in cp)
    assert set(found) == {"Ofsted 2022", "Ofsted 2024"}
    repeats = [r for r in found["Ofsted 2024"] if r.repeated_from]
    assert [r.repeated_from for r in repeats] == ["OF-2022-03", "OF-2022-05"]
