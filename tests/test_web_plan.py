"""The plan in the browser (TestClient): the tree with RAG and reasons, an action's
timeline, updates and evidence, the sign-off gate (each refusal explained; accepted on
3 months' measured impact and on an observed statement), recommendations, versions."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lantern.actions.models import ActionImpact
from lantern.appdb import make_engine
from tests.plan_fixtures import import_gate_plan
from tests.web_support import client_for, copy_app_db, csrf, make_app, web_home


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple:
    wh = web_home()
    url = copy_app_db(wh)
    g = import_gate_plan(wh, url, tmp_path_factory.mktemp("plan"))
    return make_app(wh, url), url, g


def _post(c: TestClient, path: str, data: dict[str, str], **kw: object):  # type: ignore[no-untyped-def]
    return c.post(path, data={**data, "csrf_token": csrf(c, "/plan")}, **kw)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_sign_off_gate_in_the_browser(setup: tuple) -> None:
    app, url, _ = setup
    director, dcs = client_for(app, "divisional_director"), client_for(app, "dcs")
    hos = client_for(app, "head_of_service")
    r = _post(director, "/actions/G1/sign-off", {})
    assert r.status_code == 422 and "no evidenced impact" in _text(r.text)
    r = _post(director, "/actions/G2/sign-off", {})
    assert r.status_code == 422 and "the action&#39;s lead cannot sign it off" in r.text
    r = _post(hos, "/actions/G4/sign-off", {})
    assert r.status_code == 422 and "only a divisional director or DCS" in r.text
    r = _post(director, "/actions/G3/sign-off", {})
    assert r.status_code == 422 and "in 2 of the last 3 months" in _text(r.text)
    r = _post(director, "/actions/G4/sign-off", {})
    assert r.status_code == 303, _text(r.text)[:400]
    page = _text(director.get("/actions/G4").text)
    assert "Signed off, by Test divisional director" in page
    assert "Measured impact" in page and "in 3 of the last 3 months" in page
    r = _post(dcs, "/actions/G1/sign-off", {"kind": "staff_feedback", "statement": "",
                                            "reference": "Survey"})
    assert r.status_code == 422 and "needs its kind, the statement and a reference" in r.text
    r = _post(dcs, "/actions/G1/sign-off", {
        "kind": "staff_feedback", "statement": "Staff said conferences now come sooner.",
        "reference": "Staff survey, March 2024"})
    assert r.status_code == 303
    with Session(make_engine(url)) as s:
        kinds = sorted(s.scalars(select(ActionImpact.kind)))
    assert kinds == ["measured", "staff_feedback"]


def test_plan_tree_filters_and_read_only_roles(setup: tuple) -> None:
    app, _, _ = setup
    analyst = client_for(app, "performance_analyst")
    page = _text(analyst.get("/plan").text)
    assert "1. Child protection" in page and "1.1 Timely conferences" in page
    assert "Action G3" in page and "Done, awaiting impact" in page
    only = _text(analyst.get("/plan?rag=blue").text)
    assert "Action G3" not in only
    board = client_for(app, "board_member")
    action = board.get("/actions/G3")
    assert action.status_code == 200 and "Add an update" not in action.text
    assert "Sign off</button>" not in action.text
    assert _post(board, "/actions/G3/updates", {"text": "x"}).status_code == 403
    recs = _text(analyst.get("/plan/recommendations").text)
    assert "Repeated This was a recommendation at Ofsted 2021 (OF-2021-01)" in recs


def test_update_edit_and_evidence(setup: tuple, tmp_path: Path) -> None:
    app, _, _ = setup
    hos = client_for(app, "head_of_service")
    assert _post(hos, "/actions/G3/updates", {"text": ""}).status_code == 422
    r = _post(hos, "/actions/G3/updates", {"text": "Slots now held daily."})
    assert r.status_code == 303
    r = _post(hos, "/actions/G3/edit", {
        "status": "cancelled", "cancel_reason": "", "title": "Action G3", "outcome": "Better",
        "lead": "head_of_service", "quarterly_outcome": "", "due-day": "31",
        "due-month": "1", "due-year": "2030"})
    assert r.status_code == 422 and "needs the reason it was cancelled" in r.text
    r = _post(hos, "/actions/G3/edit", {
        "status": "in_progress", "cancel_reason": "", "title": "Action G3", "outcome": "Better",
        "lead": "head_of_service", "quarterly_outcome": "Q4: 7 of 9 on time", "due-day": "30",
        "due-month": "2", "due-year": "2030"})
    assert r.status_code == 422 and "Enter a real due date" in r.text  # 30 February
    r = _post(hos, "/actions/G3/edit", {
        "status": "in_progress", "cancel_reason": "", "title": "Action G3", "outcome": "Better",
        "lead": "head_of_service", "quarterly_outcome": "Q4: 7 of 9 on time", "due-day": "28",
        "due-month": "2", "due-year": "2030"})
    assert r.status_code == 303
    content = b"minutes of the conference review"
    r = hos.post("/actions/G3/evidence", data={"kind": "file", "csrf_token": csrf(hos, "/plan")},
                 files={"file": ("review.txt", content, "text/plain")})
    assert r.status_code == 303
    page = hos.get("/actions/G3").text
    text = _text(page)
    for seen in ("Slots now held daily.", "Done, awaiting impact → In progress",
                 "2030-01-31 → 2030-02-28", "Q4: 7 of 9 on time", "review.txt"):
        assert seen in text, seen
    link = re.search(r'href="(/actions/G3/evidence/\d+)"', page)
    assert link is not None
    got = hos.get(link.group(1))
    assert got.status_code == 200 and got.content == content
    assert hashlib.sha256(content).hexdigest()[:12] in text
    board = client_for(app, "board_member")
    assert board.get(link.group(1)).status_code == 403  # files may name children


def test_link_and_unlink_indicators_and_recommendations(setup: tuple) -> None:
    app, _, _ = setup
    analyst = client_for(app, "performance_analyst")
    r = _post(analyst, "/actions/G1/links", {"op": "add_kpi", "kpi_id": "cp_visits_10wd_pct",
                                             "target": "ninety"})
    assert r.status_code == 422 and "must be a number" in r.text
    r = _post(analyst, "/actions/G1/links", {"op": "add_kpi", "kpi_id": "cp_visits_10wd_pct",
                                             "target": "90"})
    assert r.status_code == 303
    r = _post(analyst, "/actions/G1/links", {"op": "add_recommendation",
                                             "recommendation": "OF-2021-01"})
    assert r.status_code == 303
    page = _text(analyst.get("/actions/G1").text)
    assert "This action's success target: 90" in page
    assert "Indicators changed by Test performance analyst" in page
    assert "→ cp_visits_10wd_pct (target 90)" in page
    assert "OF-2024-02 → OF-2024-02, OF-2021-01" in page  # the history
    r = _post(analyst, "/actions/G1/links", {"op": "remove_kpi",
                                             "kpi_id": "cp_visits_10wd_pct"})
    assert r.status_code == 303
    assert "No indicator is linked" in _text(analyst.get("/actions/G1").text)


def test_versions_and_my_actions(setup: tuple) -> None:
    app, _, _ = setup
    analyst = client_for(app, "performance_analyst")
    for _ in range(2):
        assert _post(analyst, "/plan/publish", {}).status_code == 303
    page = _text(analyst.get("/plan/versions?v1=1&v2=2").text)
    assert "Version 1 compared with version 2" in page
    assert analyst.get("/plan/versions?v1=1&v2=9").status_code == 422
    mine = _text(client_for(app, "head_of_service").get("/actions/mine").text)
    assert "Action G3" in mine and "Improvement plan" in mine
    assert re.search(r'href="/plan#objective-\d+">Improvement plan</a>',
                     client_for(app, "head_of_service").get("/actions/mine").text)
