"""Plan import and export: YAML and Excel round trips, refusals that name every problem and
write nothing, versions and their comparison, recommendations with repeats."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from lantern.actions import tracker
from lantern.actions.models import Action, ActionHistory, Recommendation
from lantern.appdb import Base, make_engine, migrate
from lantern.plan.excel import read_workbook, write_workbook
from lantern.plan.service import compare, inspections, publish, version_document, versions
from lantern.plan.transfer import ImportRefused, document, import_file, to_yaml
from tests.actions_fixtures import add_people
from tests.appdb_fixtures import app_engine, app_url

__all__ = ["app_engine", "app_url"]
ACTOR = tracker.system_actor("test")

PLAN = """\
plan: {title: "Continuous Improvement Plan", version: 4}
recommendations:
  - {ref: OF-2016-07, inspection: "Ofsted 2016", text: "Hold conferences on time."}
  - {ref: OF-2018-03, inspection: "Ofsted 2018", text: "Conferences are still late.",
     repeated_from: OF-2016-07}
themes:
  - ref: "1"
    title: "Child protection"
    objectives:
      - ref: "1.1"
        title: "Timely conferences"
        actions:
          - {ref: "1.1.1", title: "Daily slots", outcome: "Conferences sooner", lead: lead,
             due: 2024-03-31, status: in_progress,
             kpis: [icpc_15wd_pct, {id: cp_visits_10wd_pct, target: 85}],
             recommendations: [OF-2018-03]}
          - {ref: "1.1.2", title: "Tracker", outcome: "", lead: analyst, due: 2024-06-30,
             status: cancelled, cancel_reason: "Merged into 1.1.1", kpis: [], recommendations: []}
      - ref: "1.2"
        title: "An objective with no actions yet"
        actions: []
  - ref: "2"
    title: "Workforce"
    objectives:
      - ref: "2.1"
        title: "Stable teams"
        actions:
          - {ref: "2.1.1", title: "Academy", outcome: "Fewer changes of worker", lead: lead,
             due: 2025-01-15, status: not_started, kpis: [{id: sw_changes_3plus_pct, target: 12.5}],
             recommendations: [OF-2016-07], quarterly_outcome: "Q3: 12 recruits"}
"""


@pytest.fixture
def engine(app_engine: Engine) -> Engine:
    """The app database on SQLite and on PostgreSQL, with a few people."""
    add_people(app_engine)
    return app_engine


def _import(engine: Engine, path: Path) -> int:
    with Session(engine) as s, s.begin():
        return import_file(s, ACTOR, path)


def _export(engine: Engine) -> dict:
    with Session(engine) as s:
        return document(s)


def test_yaml_round_trip_is_identical(engine: Engine, tmp_path: Path) -> None:
    source = tmp_path / "plan.yml"
    source.write_text(PLAN, "utf-8")
    assert _import(engine, source) == 3
    exported = to_yaml(_export(engine))
    assert yaml.safe_load(exported) == yaml.safe_load(PLAN)  # the same document
    again = tmp_path / "again.yml"
    again.write_text(exported, "utf-8")
    fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    migrate(fresh)
    add_people(fresh)
    _import(fresh, again)
    assert to_yaml(_export(fresh)) == exported  # and byte for byte from our own export
    _import(engine, again)  # importing the same plan again changes nothing
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(ActionHistory)) == 3


def test_excel_round_trip_is_identical(engine: Engine, tmp_path: Path) -> None:
    source = tmp_path / "plan.yml"
    source.write_text(PLAN, "utf-8")
    _import(engine, source)
    book = tmp_path / "plan.xlsx"
    write_workbook(_export(engine), book)
    assert read_workbook(book) == yaml.safe_load(PLAN)
    fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    migrate(fresh)
    add_people(fresh)
    _import(fresh, book)
    second = tmp_path / "second.xlsx"
    write_workbook(_export(fresh), second)
    cells = [[list(r) for r in ws.iter_rows(values_only=True)]
             for ws in load_workbook(book).worksheets]
    assert cells == [[list(r) for r in ws.iter_rows(values_only=True)]
                     for ws in load_workbook(second).worksheets]
    assert load_workbook(book)["Actions"]["I2"].value == (
        "icpc_15wd_pct; cp_visits_10wd_pct (target 85)")


BAD = PLAN.replace("lead: analyst", "lead: nobody").replace(
    "due: 2025-01-15", "due: 2025-02-30").replace(
    "status: not_started", "status: finished").replace(
    "{id: cp_visits_10wd_pct, target: 85}", "{id: cp_visits_pct, target: 85}").replace(
    "recommendations: [OF-2016-07], quarterly", "recommendations: [OF-1999-01], quarterly")


def _state(engine: Engine) -> list[tuple]:
    with engine.connect() as con:
        return [sorted(map(tuple, con.execute(select(t)).all()), key=repr)
                for t in Base.metadata.sorted_tables]


def test_a_bad_file_is_refused_whole_with_one_line_per_problem(engine: Engine,
                                                               tmp_path: Path) -> None:
    good = tmp_path / "good.yml"
    good.write_text(PLAN.replace('"1.1.1"', '"9.9.9"'), "utf-8")
    _import(engine, good)
    before = _state(engine)
    bad = tmp_path / "bad.yml"
    bad.write_text(BAD, "utf-8")
    with pytest.raises(ImportRefused) as e:
        _import(engine, bad)
    assert e.value.problems == [
        f"{bad}: themes[0].objectives[0].actions[0].kpis[1]: unknown indicator "
        "'cp_visits_pct': expected an id from docs/indicators.md",
        f"{bad}: themes[0].objectives[0].actions[1].lead: unknown lead 'nobody': expected "
        "the username of an account (lantern users list)",
        f"{bad}: themes[1].objectives[0].actions[0].due: '2025-02-30' is not a date: "
        "expected YYYY-MM-DD, e.g. 2024-03-31",
        f"{bad}: themes[1].objectives[0].actions[0].status: 'finished': expected one of "
        "not_started, in_progress, done_awaiting_impact, signed_off, cancelled",
        f"{bad}: themes[1].objectives[0].actions[0].recommendations[0]: unknown "
        "recommendation 'OF-1999-01': expected a ref listed under recommendations",
    ]
    assert _state(engine) == before  # nothing written


def test_repeated_references_are_refused(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "p.yml"
    path.write_text(PLAN.replace('ref: "2"', 'ref: "1"').replace('"1.2"', '"1.1"'), "utf-8")
    with pytest.raises(ImportRefused) as e:
        _import(engine, path)
    assert e.value.problems == [
        f"{path}: themes[0].objectives[1].ref: objective '1.1' appears twice in this theme: "
        "expected each once",
        f"{path}: themes[1].ref: theme '1' appears twice: expected each once"]


def test_a_file_cannot_sign_an_action_off(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "p.yml"
    path.write_text(PLAN.replace("status: in_progress", "status: signed_off"), "utf-8")
    with pytest.raises(ImportRefused) as e:
        _import(engine, path)
    assert "only through the sign-off gate" in e.value.problems[0]
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Action)) == 0


def test_versions_and_comparison(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "p.yml"
    path.write_text(PLAN, "utf-8")
    _import(engine, path)
    with Session(engine) as s, s.begin():
        v4 = publish(s, None).version
    path.write_text(PLAN.replace('"2.1.1"', '"2.1.2"'), "utf-8")
    _import(engine, path)  # adds 2.1.2 (2.1.1 stays: actions are never deleted)
    with Session(engine) as s, s.begin():
        tracker.change_status(s, ACTOR, "1.1.1", "done_awaiting_impact")
        tracker.update(s, ACTOR, "2.1.1", due=date(2025, 3, 31))
        v5 = publish(s, None).version
        assert (v4, v5) == (4, 5)
        assert [v.intact for v in versions(s)] == [True, True]
        diff = compare(s, 4, 5)
        assert version_document(s, 4)["plan"]["version"] == 4
    assert [a["ref"] for a in diff.added] == ["2.1.2"] and diff.removed == []
    assert diff.status_moves == [{
        "ref": "1.1.1", "title": "Daily slots", "before": "in_progress",
        "after": "done_awaiting_impact", "before_label": "In progress",
        "after_label": "Done, awaiting impact"}]
    assert diff.changed[0]["ref"] == "2.1.1"
    assert diff.changed[0]["changes"]["due"] == {"before": "2025-01-15", "after": "2025-03-31"}


def test_recommendations_with_repeats_and_status(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "p.yml"
    path.write_text(PLAN, "utf-8")
    _import(engine, path)
    with Session(engine) as s:
        found = {insp.name: recs for insp, recs in inspections(s)}
        assert s.scalar(select(func.count()).select_from(Recommendation)) == 2
    (old,), (new,) = found["Ofsted 2016"], found["Ofsted 2018"]
    assert (new.repeated_from, new.repeated_from_inspection) == ("OF-2016-07", "Ofsted 2016")
    assert new.status == "In progress" and old.status == "Not started"
