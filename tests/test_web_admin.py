"""Admin pages: targets set in the app change the scorecards; the access log page shows
the chain check (and a tampered chain failing); validation reports open only to those
who may see every child."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI

from tests.web_support import REPORT, WebHome, client_for, copy_app_db, csrf, make_app, web_home


@pytest.fixture(scope="module")
def wh() -> WebHome:
    return web_home()


@pytest.fixture(scope="module")
def app(wh: WebHome) -> FastAPI:
    return make_app(wh, copy_app_db(wh))  # targets and tampering stay in this module


def _rows(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["kpi_id"]: r for s in data["sections"] for r in s["rows"]}


def test_a_target_set_in_the_app_changes_the_scorecard(app: FastAPI) -> None:
    pa = client_for(app, "performance_analyst")
    hos = client_for(app, "head_of_service")
    before = _rows(hos.get("/api/scorecard").json())
    row = next(r for r in before.values() if r["status_word"] and r["value"] is not None
               and r["polarity"] in ("high", "low")
               and not r["status_word"].startswith("Better than target"))
    kpi, value = row["kpi_id"], float(row["value"])
    # A target the value beats by far: "Better than target" whatever the polarity.
    target = float(round(value - 10 if row["polarity"] == "high" else value + 10))
    page = pa.get(f"/admin/targets/{kpi}")
    assert page.status_code == 200 and page.text.count("<h1") == 1
    assert 'for="target"' in page.text and 'for="tolerance"' in page.text
    token = csrf(pa, f"/admin/targets/{kpi}")
    r = pa.post(f"/admin/targets/{kpi}", data={"csrf_token": token, "target": f"{target:g}",
                                               "tolerance": "0", "action": "save"})
    assert r.status_code == 303 and r.headers["location"] == f"/admin/targets?done={kpi}"
    after = _rows(hos.get("/api/scorecard").json())[kpi]
    assert after["status_word"] == (
        f"Better than target ({'higher' if row['polarity'] == 'high' else 'lower'} is better)")
    assert after["target"] == pytest.approx(target)
    listing = pa.get(f"/admin/targets?done={kpi}").text
    assert "set here" in listing and "set in Lantern by performance_analyst" in listing
    scorecard = hos.get("/scorecard?view=authority").text
    assert after["status_word"] in scorecard

    # Back to the configured target.
    r = pa.post(f"/admin/targets/{kpi}", data={"csrf_token": token, "action": "reset"})
    assert r.status_code == 303
    assert _rows(hos.get("/api/scorecard").json())[kpi]["status_word"] == row["status_word"]


def test_target_form_refuses_bad_numbers(app: FastAPI) -> None:
    admin = client_for(app, "admin")
    token = csrf(admin, "/admin/targets/cp_plans_open")
    r = admin.post("/admin/targets/cp_plans_open", data={
        "csrf_token": token, "target": "eighty", "tolerance": "0"})
    assert r.status_code == 422 and "must be a number" in r.text and 'href="#target"' in r.text
    r = admin.post("/admin/targets/cp_plans_open", data={
        "csrf_token": token, "target": "80", "tolerance": "-1"})
    assert r.status_code == 422 and "0 or more" in r.text
    r = admin.post("/admin/targets/cp_plans_open", data={"target": "80", "tolerance": "1"})
    assert r.status_code == 403  # no CSRF token
    assert admin.get("/admin/targets/no_such_kpi").status_code == 404


def test_access_log_page_verifies_the_chain(app: FastAPI, wh: WebHome) -> None:
    iro = client_for(app, "iro")
    assert iro.get(f"/children/{wh.child_in}").status_code == 200
    admin = client_for(app, "admin")
    page = admin.get("/admin/access-log")
    assert page.status_code == 200 and page.text.count("<h1") == 1
    assert "Chain intact" in page.text and "Chain check failed" not in page.text
    one = admin.get(f"/admin/access-log?child={wh.child_in}").text
    assert "view child" in one and f">{wh.child_in}</a>" in one
    assert wh.child_out not in one
    by_user = admin.get("/admin/access-log?user=iro").text
    assert ">iro</a>" in by_user and ">admin</a>" not in by_user

    # Someone with the database file gets round the triggers and edits an entry.
    url = app.state.settings.app_database_url
    path = url.removeprefix("sqlite:///")
    con = sqlite3.connect(path)
    try:
        con.executescript("DROP TRIGGER access_log_no_update; DROP TRIGGER access_log_no_delete;")
        con.execute("UPDATE access_log SET child_id = 'C_EDITED' WHERE id = 1")
        con.commit()
    finally:
        con.close()
    page = admin.get("/admin/access-log")
    assert page.status_code == 200
    assert "Chain check failed" in page.text and "entry 1" in page.text
    assert "Chain intact" not in page.text


def test_validation_reports_open_only_to_authority_wide_analysts(app: FastAPI) -> None:
    pa = client_for(app, "performance_analyst")
    loads = pa.get("/loads").text
    href = f"/loads/validation/{REPORT}/problems.html"
    assert href in loads and f"/loads/validation/{REPORT}/problems.csv" in loads
    r = pa.get(href)
    assert r.status_code == 200 and "Validation report" in r.text
    assert "script-src" not in r.headers["content-security-policy"]
    assert "sandbox" in r.headers["content-security-policy"]
    assert pa.get(f"/loads/validation/{REPORT}/problems.csv").status_code == 200
    assert pa.get("/loads/validation/..%2F..%2Fsecret_key/problems.html").status_code == 404
    assert pa.get(f"/loads/validation/{REPORT}/problems.txt").status_code == 404
    assert pa.get("/loads/validation/19990101T000000_0/problems.html").status_code == 404

    hos = client_for(app, "head_of_service")
    page = hos.get("/loads").text
    assert REPORT in page and href not in page  # listed, not linked
    assert hos.get(href).status_code == 403
    assert client_for(app, "admin").get(href).status_code == 403

    from lantern.appdb import make_engine
    from lantern.security.access_log import AccessLog

    log = AccessLog(make_engine(app.state.settings.app_database_url))
    opened = [e for e in log.entries(username="performance_analyst", limit=20)
              if e.action == "view_validation_report"]
    assert opened and opened[0].detail == REPORT


def test_loads_are_linked_to_the_report_written_just_before() -> None:
    from lantern.ingest.history import link_reports

    t0 = datetime(2024, 4, 1, 9, 0, tzinfo=UTC)
    loads = [{"load_id": 2, "loaded_at_dt": t0 + timedelta(days=1), "report": None},
             {"load_id": 1, "loaded_at_dt": t0, "report": None}]
    reports = [{"name": "late", "at": t0 + timedelta(days=1, minutes=-2), "load_id": None},
               {"name": "refused", "at": t0 + timedelta(hours=5), "load_id": None},
               {"name": "first", "at": t0 - timedelta(minutes=3), "load_id": None}]
    link_reports(loads, reports)
    assert [r["report"] for r in loads] == ["late", "first"]
    assert [r["load_id"] for r in reports] == [2, None, 1]
