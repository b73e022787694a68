"""The quality-assurance indicators as first-class indicators (#15): the audits behind a
figure (hand-worked on `test_quality_kpis`'s six audits), their rows stored with each
month's assurance, on the scorecard with a status word and SPC, and in the exceptions."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from lantern.appdb import make_engine, migrate
from lantern.assurance import store
from lantern.assurance.exceptions import build_exceptions
from lantern.assurance.monthly import metas
from lantern.assurance.store import Basis, month_assurance, store_assurance, store_local
from lantern.assurance.targets import load_targets
from lantern.cli import app
from lantern.measures.engine import compute
from lantern.quality.kpis import audits_behind, children_lookup, local_figures
from lantern.warehouse.meta import read_authority
from tests.appdb_fixtures import app_engine, app_url
from tests.test_quality_kpis import record
from tests.web_support import web_home

__all__ = ["app_engine", "app_url"]


def test_the_audits_behind_a_figure(app_engine: Engine) -> None:
    record(app_engine)
    with Session(app_engine) as s:
        rows = audits_behind(s, "audits_good_or_better_pct", "2024-11")  # a2-a5
        t1 = audits_behind(s, "audits_good_or_better_pct", "2024-11", breakdown="team",
                           value="T1")
        month = audits_behind(s, "audit_actions_on_time_pct", "2024-11", period="in_month")
        behind = children_lookup(s)("audits_good_or_better_pct", "2024-11", "team", "T2")
        with pytest.raises(ValueError, match="not a quality-assurance indicator"):
            audits_behind(s, "cp_plans_open", "2024-11")
    assert [r["child_id"] for r in rows] == ["C2", "C3", "C4", "C5"]
    assert [r["in_numerator"] for r in rows] == [False, True, True, True]
    a4 = rows[2]  # moderated from requires improvement to good: the moderator's stands
    assert (a4["grade"], a4["moderated_grade"], a4["moderated_on"], a4["auditor"]) == (
        "requires_improvement", "good", "2024-11-30", "Auditor")
    assert a4["submitted_on"] == "2024-04-01" and a4["audit"].startswith("AUD")
    assert [r["child_id"] for r in t1] == ["C2", "C5"]
    # a5's action done on its due day (on time), a2's a day late
    assert sorted((r["child_id"], r["in_numerator"]) for r in month) == [
        ("C2", False), ("C5", True)]
    assert behind == ["C3", "C4"]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """The small web authority (data to March 2024) with the six audits recorded."""
    shutil.copy2(web_home().home / "warehouse.duckdb", tmp_path / "warehouse.duckdb")
    engine = make_engine(f"sqlite:///{tmp_path / 'app.sqlite'}")
    migrate(engine)
    record(engine)
    engine.dispose()
    return tmp_path


def test_stored_with_the_months_assurance_scorecard_and_exceptions(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the warehouse's indicators: one, so the store is quick; the real engine
    monkeypatch.setattr(store, "compute", functools.partial(compute, kpis=["referrals"]))
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    try:
        a = read_authority(con)
        basis = Basis.of(a, None)
        local = local_figures(f"sqlite:///{home / 'app.sqlite'}", a.la_code)
        store_assurance(con, basis, months=1, local=local)
        assured = month_assurance(con, "2024-03", basis)  # from the store
        qa_rows = "SELECT count(*) FROM _assurance_rows WHERE kpi_id LIKE 'audit%'"
        before = con.execute(qa_rows).fetchone()
        assert store_local(con, basis, local) > 0  # replaced, not added to
        assert con.execute(qa_rows).fetchone() == before
        again = month_assurance(con, "2024-03", basis)
    finally:
        con.close()
    good = assured.indicators["audits_good_or_better_pct"]
    # the year April 2023 - March 2024: a1 (good), a2 (inadequate), a3 (good)
    assert good.headline is not None
    assert (good.headline.numerator, good.headline.denominator) == (2, 3)
    assert good.status_word is not None and good.status_word.startswith("Worse than target")
    assert [p.month for p in good.headline_series][-1] == "2024-03"
    # 3 audits: too few for a target failure (the rule's minimum of 10) ...
    assert not [e for e in assured.exceptions if e.kpi_id.startswith("audit")]
    # ... with a minimum of 1, 2 of 3 against a target of 75 is one
    low = build_exceptions(assured.rows, metas(), "2024-03", load_targets(None),
                           min_denominator=1)
    assert ("target_failure", "authority", "Audits graded good or better") in [
        (e.kind, e.breakdown, e.message[:28]) for e in low
        if e.kpi_id == "audits_good_or_better_pct"]
    assert again.indicators["audits_good_or_better_pct"].headline == good.headline


def test_lantern_children_lists_the_audits_and_logs_each_child(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json
    import sqlite3

    monkeypatch.delenv("LANTERN_DATABASE_URL", raising=False)
    env = {"LANTERN_HOME": str(home)}
    got = CliRunner().invoke(app, ["children", "audits_good_or_better_pct", "--month",
                                   "2024-03", "--format", "json"], env=env)
    assert got.exit_code == 0, got.output
    rows = json.loads(got.stdout)
    assert [(r["child_id"], r["grade"], r["in_numerator"]) for r in rows] == [
        ("C1", "good", True), ("C2", "inadequate", False), ("C3", "good", True)]
    con = sqlite3.connect(home / "app.sqlite")
    try:
        logged = sorted(r[0] for r in con.execute(
            "SELECT child_id FROM access_log WHERE action = 'view_children_list'"))
    finally:
        con.close()
    assert logged == ["C1", "C2", "C3"]
    wrong = CliRunner().invoke(app, ["children", "audits_completed", "--month", "2024-03",
                                     "--by", "worker", "--value", "W1"], env=env)
    assert wrong.exit_code == 2 and "audits are counted by" in wrong.output


def test_a_quality_decline_names_the_audited_children(app_engine: Engine) -> None:
    """A deep dive on an audit indicator is frozen with the children audited in each of
    its three months' windows at its scope (here team T2's rolling years)."""
    from lantern.assurance.decline import DeclineTrigger
    from lantern.governance.figures import _with_children

    record(app_engine)
    t = DeclineTrigger("audits_good_or_better_pct", "team", "T2", "rolling_12m", "high",
                       ("2024-02", "2024-03", "2024-04"), (100.0, 100.0, 50.0),
                       (1, 1, 1), (1, 1, 2))
    with Session(app_engine) as s:
        got = _with_children(t, {}, children_lookup(s))
    # a3 (C3, 31 March 2024) in March's and April's years; a4 (C4, 1 April) in April's
    assert got.children == ((), ("C3",), ("C3", "C4"))
    assert _with_children(t, {}).children == ((), (), ())  # no app database: none known
