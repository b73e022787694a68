"""The quality-assurance indicators as indicator rows (in month, rolling 12 months,
financial year to date; authority, service, team), hand-worked at the window edges for
November 2024: the rolling year is 1 Dec 2023 - 30 Nov 2024, the financial year starts
1 April 2024. No audits recorded: `not_available` with the reason, never 0. `lantern
kpis --format json` carries them in the same row shape (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from lantern.actions.tracker import change_status
from lantern.cli import app
from lantern.quality import audits as qa
from lantern.quality.kpis import kpi_rows, rows_from_app_db
from lantern.quality.sampling import Draw
from lantern.quality.tools import load_tools
from lantern.security.accounts import UserStore
from tests.actions_fixtures import add_people
from tests.appdb_fixtures import app_engine, app_url, fast_hasher

__all__ = ["app_engine", "app_url"]
CP = load_tools()["child_protection"]
# (team, submitted on, overall grade, family feedback?)
AUDITS = [("T1", date(2023, 11, 30), "good", True),           # a1: the day before the year
          ("T1", date(2023, 12, 1), "inadequate", True),      # a2: the year's first day
          ("T2", date(2024, 3, 31), "good", True),            # a3: the day before the FY
          ("T2", date(2024, 4, 1), "requires_improvement", False),  # a4: the FY's first day
          ("T1", date(2024, 11, 30), "outstanding", True),    # a5: the month's last day
          ("T2", date(2024, 12, 1), "good", True)]            # a6: the day after


def record(engine: Engine) -> None:
    """The six audits above; a4 moderated on 30 Nov to good (a change: the moderator's
    grade stands), a6 moderated on 1 Dec (agreed); actions: a5's due 30 Nov done that
    day (on time), a2's due 15 Nov done 16 Nov (late), a3's due 1 Dec (not in November)."""
    people = add_people(engine)
    auditor = UserStore(engine, hasher=fast_hasher()).add(
        "auditor", None, display_name="Auditor", role="auditor", scope_type="authority")
    draws = [Draw(f"C{n}", team, "S1", "on a plan", "auditor")
             for n, (team, *_) in enumerate(AUDITS, 1)]
    with Session(engine) as s, s.begin():
        refs = [a.ref for a in qa.allocate(s, CP, "2023-11", draws)]
        for ref, (_, on, grade, feedback) in zip(refs, AUDITS, strict=True):
            sub = qa.Submission(grades={d.id: grade for d in CP.domains}, overall=grade,
                                family_contacted=feedback, family_rating=4 if feedback
                                else None)
            assert qa.save(s, auditor, ref, CP, sub, submit=True, on=on) == {}
        qa.moderate(s, people["lead"], refs[3], CP, grade="good", reason="Impact shown",
                    on=date(2024, 11, 30))
        qa.moderate(s, people["lead"], refs[5], CP, grade="good", reason="",
                    on=date(2024, 12, 1))
        for ref, due, done in ((refs[4], date(2024, 11, 30), datetime(2024, 11, 30, 16)),
                               (refs[1], date(2024, 11, 15), datetime(2024, 11, 16, 9)),
                               (refs[2], date(2024, 12, 1), None)):
            action = qa.add_action(s, auditor, ref, title="Plan", lead="lead", due=due)
            if done:
                change_status(s, people["lead"], action, "done_awaiting_impact",
                              at=done.replace(tzinfo=UTC))


def _by(rows: list[dict[str, Any]]) -> dict[tuple[str, str, str], tuple[Any, ...]]:
    return {(r["kpi_id"], r["period"], r["breakdown_value"]):
            (r["numerator"], r["denominator"], r["status"]) for r in rows}


def test_windows_hand_worked_at_their_edges(app_engine: Engine) -> None:
    record(app_engine)
    with Session(app_engine) as s:
        got = _by(kpi_rows(s, ["2024-11"], la_code="880"))
    assert got[("audits_completed", "in_month", "880")] == (1, None, "ok")      # a5
    assert got[("audits_completed", "rolling_12m", "880")] == (4, None, "ok")   # a2-a5
    assert got[("audits_completed", "fytd", "880")] == (2, None, "ok")          # a4, a5
    # good or better: a3, a4 (moderated to good), a5 of a2-a5; a4, a5 in the FY
    assert got[("audits_good_or_better_pct", "rolling_12m", "880")] == (3, 4, "ok")
    assert got[("audits_good_or_better_pct", "fytd", "880")] == (2, 2, "ok")
    assert got[("audits_inadequate_pct", "rolling_12m", "880")] == (1, 4, "ok")  # a2
    assert got[("family_feedback_pct", "fytd", "880")] == (1, 2, "ok")           # not a4
    assert got[("audit_moderation_agreement_pct", "in_month", "880")] == (0, 1, "ok")
    assert got[("audit_actions_on_time_pct", "in_month", "880")] == (1, 2, "ok")
    with Session(app_engine) as s:
        rows = kpi_rows(s, ["2024-11"], la_code="880")
    pct = next(r for r in rows if r["kpi_id"] == "audits_good_or_better_pct"
               and r["period"] == "rolling_12m")
    assert pct["value"] == 75.0
    completed = next(r for r in rows if r["kpi_id"] == "audits_completed")
    assert completed["value"] == 1.0 and completed["numerator"] == 1


def test_breakdowns_by_team_and_service(app_engine: Engine) -> None:
    record(app_engine)
    with Session(app_engine) as s:
        teams = _by(kpi_rows(s, ["2024-11"], breakdown="team"))
        services = _by(kpi_rows(s, ["2024-11"], breakdown="service"))
        assert kpi_rows(s, ["2024-11"], breakdown="age_band") == []
    assert teams[("audits_good_or_better_pct", "rolling_12m", "T1")] == (1, 2, "ok")  # a2, a5
    assert teams[("audits_good_or_better_pct", "rolling_12m", "T2")] == (2, 2, "ok")  # a3, a4
    assert ("audits_completed", "in_month", "T2") not in teams  # none in November
    assert teams[("audit_actions_on_time_pct", "in_month", "T1")] == (1, 2, "ok")
    assert services[("audits_completed", "rolling_12m", "S1")] == (4, None, "ok")


def test_no_audits_recorded_is_not_available_never_zero(app_engine: Engine,
                                                       tmp_path: Path) -> None:
    with Session(app_engine) as s:
        rows = kpi_rows(s, ["2024-11"], la_code="880")
        assert kpi_rows(s, ["2024-11"], breakdown="team") == []
    assert len(rows) == 18 and {r["status"] for r in rows} == {"not_available"}
    assert {r["value"] for r in rows} == {None}
    assert rows[0]["reason"] == "no case audits are recorded in the app database"
    missing = rows_from_app_db(f"sqlite:///{tmp_path / 'none.sqlite'}", ["2024-11"],
                               breakdowns=("authority",), la_code="880")
    assert missing[0]["reason"].endswith("(there is no app database yet)")
    assert not (tmp_path / "none.sqlite").exists()  # reading the figures creates nothing


def test_an_empty_month_has_no_denominator_and_zero_audits(app_engine: Engine) -> None:
    record(app_engine)
    with Session(app_engine) as s:
        got = _by(kpi_rows(s, ["2024-10"], la_code="880"))
    assert got[("audits_completed", "in_month", "880")] == (0, None, "ok")
    assert got[("audits_good_or_better_pct", "in_month", "880")] == (0, 0, "no_denominator")


def test_lantern_kpis_json_carries_them_in_the_same_shape(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    from lantern.appdb import make_engine, migrate
    from tests.web_support import web_home

    shutil.copyfile(web_home().home / "warehouse.duckdb", tmp_path / "warehouse.duckdb")
    engine = make_engine(f"sqlite:///{tmp_path / 'app.sqlite'}")
    migrate(engine)
    record(engine)
    engine.dispose()
    monkeypatch.setenv("LANTERN_HOME", str(tmp_path))
    monkeypatch.delenv("LANTERN_DATABASE_URL", raising=False)
    # the small authority's data end in March 2024: its year (April 2023 - March 2024)
    # holds a1 (good), a2 (inadequate) and a3 (good)
    result = CliRunner().invoke(app, ["kpis", "--month", "2024-03", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    keys = ["kpi_id", "month", "period", "breakdown", "breakdown_value", "numerator",
            "denominator", "value", "status"]
    assert all(list(r) == keys for r in rows)  # exactly these (the CLI contract)
    qa_rows = [r for r in rows if r["kpi_id"] == "audits_good_or_better_pct"]
    assert {r["period"] for r in qa_rows} == {"in_month", "rolling_12m", "fytd"}
    year = next(r for r in qa_rows if r["period"] == "rolling_12m")
    assert (year["numerator"], year["denominator"]) == (2, 3)
