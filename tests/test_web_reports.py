"""The report pages through the app: the chain's rules hold on the web (wrong role
refused with the reason, send back needs one, the step recorded with who acted),
commentary written on the indicator page shows in its history, board members see only
published editions and never the files."""

from __future__ import annotations

from urllib.parse import unquote_plus

import duckdb
import pytest
from fastapi import FastAPI

from lantern.appdb import make_engine
from lantern.reports.book import ReportBook
from lantern.reports.chain import load_chain_config
from lantern.reports.workflow import record_editions
from lantern.warehouse.meta import read_authority
from tests.web_support import WebHome, client_for, copy_app_db, csrf, make_app, web_home

MONTH = "2024-03"


@pytest.fixture(scope="module")
def setup() -> tuple[WebHome, FastAPI, ReportBook]:
    wh = web_home()
    url = copy_app_db(wh)
    book = ReportBook(make_engine(url), load_chain_config())
    con = duckdb.connect(str(wh.home / "warehouse.duckdb"), read_only=True)
    record_editions(con, book, read_authority(con), [MONTH], ["authority"])
    con.close()
    return wh, make_app(wh, database_url=url), book


def post(app: FastAPI, role: str, path: str, data: dict[str, str]) -> str:
    client = client_for(app, role)
    r = client.post(path, data={**data, "csrf_token": csrf(client, "/api/docs")})
    assert r.status_code == 303, r.text[:300]
    return unquote_plus(r.headers["location"])


def test_the_chain_on_the_web(setup: tuple[WebHome, FastAPI, ReportBook]) -> None:
    _, app, book = setup
    run = book.current(MONTH)
    assert run is not None
    path = f"/reports/{MONTH}/advance"
    where = post(app, "dcs", path, {"run_id": str(run.id), "to": "quality_checked"})
    assert "refused=quality checked is a step for Head of Service, Business Intelligence" \
        in where
    page = client_for(app, "performance_analyst").get(f"/reports/{MONTH}").text
    assert "Confirm the quality check" in page and "Endorse the report" not in page
    where = post(app, "performance_analyst", path, {
        "run_id": str(run.id), "to": "quality_checked", "comment": "Reconciled."})
    assert "done=quality_checked" in where
    where = post(app, "divisional_director", path, {"run_id": str(run.id), "to": "draft"})
    assert "needs a reason" in where
    page = client_for(app, "divisional_director").get(f"/reports/{MONTH}").text
    assert "Reconciled." in page and "Test performance analyst" in page
    assert "Add the headline themes" in page and "Send back to draft" in page
    steps = book.steps(run.id)
    assert [(s.to_state, s.username) for s in steps] == [
        ("quality_checked", "performance_analyst")]


def test_commentary_on_the_indicator_page(setup: tuple[WebHome, FastAPI, ReportBook]) -> None:
    _, app, _ = setup
    path = "/indicators/cp_plans_open/commentary"
    auditor = client_for(app, "auditor")
    r = auditor.post(path, data={"month": MONTH, "text": "x",
                                 "csrf_token": csrf(auditor, "/api/docs")})
    assert r.status_code == 403
    where = post(app, "head_of_service", path, {"month": MONTH,
                                                "text": "Plans fell with step-downs."})
    assert "done=commentary" in where
    page = client_for(app, "dcs").get(f"/indicators/cp_plans_open?month={MONTH}").text
    assert "Plans fell with step-downs." in page and "Test head of service" in page
    assert "Responsible officer: Head of Service, Safeguarding" in page


def test_board_members_see_published_editions_only(
        setup: tuple[WebHome, FastAPI, ReportBook]) -> None:
    _, app, book = setup
    board = client_for(app, "board_member")
    assert "No reports yet" in board.get("/reports").text
    assert "Authority edition" not in board.get(f"/reports/{MONTH}").text
    run = book.current(MONTH)
    assert run is not None
    assert board.get(f"/reports/{MONTH}/{run.id}.html").status_code == 403


def test_commentary_in_the_chain(setup: tuple[WebHome, FastAPI, ReportBook]) -> None:
    _, app, book = setup
    where = post(app, "divisional_director", f"/reports/{MONTH}/commentary", {
        "kpi_id": "icpc_15wd_pct", "text": "Conferences slipped over Easter."})
    assert where.startswith(f"/reports/{MONTH}?done=commentary")
    assert "refused=the commentary is empty" in post(
        app, "divisional_director", f"/reports/{MONTH}/commentary",
        {"kpi_id": "icpc_15wd_pct", "text": " "})
    page = client_for(app, "dcs").get(f"/reports/{MONTH}").text
    assert "Conferences slipped over Easter." in page
    assert book.commentary(MONTH)["icpc_15wd_pct"].username == "divisional_director"
