"""`lantern deep-dives ...` and `lantern meetings ...` end to end on the web-test
authority: a month's real decline triggers stored once however often it is synced, the
tracker as JSON with its contract keys, closure refused (one line, exit 1) and by
reason, meetings listed and shown."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from lantern.appdb import make_engine
from lantern.cli import app
from lantern.governance import meetings
from lantern.governance.models import DeepDive, DeepDiveTrigger
from tests.web_support import WebHome, copy_app_db, stored_web_home, web_home

runner = CliRunner()
MONTH = "2024-02"


@pytest.fixture(scope="module")
def env() -> dict[str, str]:
    """The web-test authority as loaded (its latest months' assurance stored, which the
    deep-dive commands read) and a private copy of its app database."""
    wh: WebHome = web_home()
    return {"LANTERN_HOME": str(stored_web_home()), "LANTERN_DATABASE_URL": copy_app_db(wh)}


def _run(env: dict[str, str], *args: str) -> tuple[int, str]:
    r = runner.invoke(app, list(args), env=env)
    return r.exit_code, r.output


def _counts(env: dict[str, str]) -> tuple[int, int]:
    """Deep dives opened by triggers, and triggers (the shared test app database may
    also hold commissioned ones from other tests)."""
    with Session(make_engine(env["LANTERN_DATABASE_URL"])) as s:
        return (s.scalar(select(func.count()).select_from(DeepDive)
                         .where(DeepDive.kind == "trigger")) or 0,
                s.scalar(select(func.count()).select_from(DeepDiveTrigger)) or 0)


def test_sync_three_times_stores_each_trigger_once(env: dict[str, str]) -> None:
    outs = [_run(env, "deep-dives", "sync", "--month", MONTH) for _ in range(3)]
    assert all(code == 0 for code, _ in outs), outs
    dives, triggers = _counts(env)
    assert dives == triggers > 0
    assert f"{triggers} already stored" in " ".join(outs[2][1].split())
    code, out = _run(env, "deep-dives", "--format", "json")
    assert code == 0, out
    rows = [r for r in json.loads(out) if r["kind"] == "trigger"]
    assert len(rows) == dives
    assert {"id", "kind", "indicator", "theme", "scope", "trigger_month", "status", "lead",
            "actions", "value_at_trigger", "value_latest"} <= set(rows[0])
    assert {r["trigger_month"] for r in rows} == {MONTH}
    assert all(r["value_at_trigger"] is not None for r in rows if r["kind"] == "trigger")


def test_close_refused_with_one_line_then_closed_by_reason(env: dict[str, str]) -> None:
    rows = json.loads(_run(env, "deep-dives", "--format", "json")[1])
    if not any(r["kind"] == "trigger" for r in rows):
        _run(env, "deep-dives", "sync", "--month", MONTH)
        rows = json.loads(_run(env, "deep-dives", "--format", "json")[1])
    ref = next(r["id"] for r in rows if r["status"] == "open" and r["kind"] == "trigger")
    code, out = _run(env, "deep-dives", "close", ref, "--as", "divisional_director")
    assert code == 1 and "not recovered" in out and "Traceback" not in out
    code, out = _run(env, "deep-dives", "close", ref, "--as", "performance_analyst",
                     "--reason", "Duplicate")
    assert code == 1 and "performance_analyst" in out
    code, out = _run(env, "deep-dives", "close", ref, "--as", "dcs", "--reason",
                     "Covered by the March deep dive")
    assert code == 0, out
    rows = json.loads(_run(env, "deep-dives", "--format", "json")[1])
    assert next(r for r in rows if r["id"] == ref)["status"] == "closed"
    assert _run(env, "deep-dives", "close", "NO-SUCH", "--as", "nobody")[0] == 2


def test_a_bad_month_is_a_command_line_error(env: dict[str, str]) -> None:
    code, out = _run(env, "deep-dives", "sync", "--month", "2024-13")
    assert code == 2 and "expected YYYY-MM" in out
    code, out = _run(env, "deep-dives", "sync", "--month", "2031-01")
    assert code == 2 and "the data run to" in out


def test_meetings_list_and_show(env: dict[str, str]) -> None:
    with Session(make_engine(env["LANTERN_DATABASE_URL"])) as s, s.begin():
        ref = meetings.create(s, kind="quartet", held_on=date(2024, 3, 5),
                              chair="DCS", attendees=["DCS", "Lead member"],
                              minutes="Reviewed the deep-dive tracker.").ref
    code, out = _run(env, "meetings", "list", "--format", "json")
    assert code == 0 and ref in [m["id"] for m in json.loads(out)]
    code, out = _run(env, "meetings", "show", ref, "--format", "json")
    shown = json.loads(out)
    assert shown["attendees"] == ["DCS", "Lead member"]
    assert shown["minutes"] == "Reviewed the deep-dive tracker."
    assert _run(env, "meetings", "show", "NO-SUCH")[0] == 1
