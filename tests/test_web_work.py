"""The alert inbox (acknowledge, snooze with a reason) and the managers' work lists: each
person sees their own items, actions need CSRF and a reason, and managers see them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.web_support import TEAM, WebHome, client_for, copy_app_db, csrf, make_app, web_home


@pytest.fixture(scope="module")
def wh() -> WebHome:
    return web_home()


@pytest.fixture(scope="module")
def app(wh: WebHome) -> FastAPI:
    return make_app(wh, copy_app_db(wh))  # inbox actions stay in this module


@pytest.fixture(scope="module")
def sw(app: FastAPI) -> TestClient:
    return client_for(app, "social_worker")


@pytest.fixture(scope="module")
def tm(app: FastAPI) -> TestClient:
    return client_for(app, "team_manager")


def _key(item: dict[str, Any]) -> dict[str, str]:
    return {"rule_id": item["rule_id"], "child_id": item["child_id"] or "",
            "subject_id": item["subject_id"], "due_date": item["due_date"]}


def _child_items(client: TestClient) -> list[dict[str, Any]]:
    items = client.get("/api/inbox").json()["items"]
    return [i for i in items if i["child_id"]]


def _in_scope(wh: WebHome) -> dict[str, tuple[str | None, str | None]]:
    from lantern.casework import scope_map
    from lantern.config import Settings
    from lantern.web.services import open_warehouse

    w = open_warehouse(Settings(home=wh.home))
    try:
        return {k: (v.team, v.service) for k, v in scope_map(w.con, w.as_of).items()}
    finally:
        w.close()


def test_inbox_holds_the_workers_own_items(sw: TestClient, wh: WebHome) -> None:
    got = sw.get("/api/inbox").json()
    assert got["items"], "the test worker has alerts"
    assert all(wh.worker in i["notify"] for i in got["items"])
    assert {i["state"] for i in got["items"]} <= {"open", "acknowledged", "snoozed"}
    page = sw.get("/inbox").text
    assert page.count("<h1") == 1 and "Inbox" in page
    assert "Due soon (" in page  # grouped by status
    child = next(i["child_id"] for i in got["items"] if i["child_id"])
    assert f'href="/children/{child}"' in page  # in scope: linked


def test_manager_inbox_is_addressed_by_role_and_scope(tm: TestClient, wh: WebHome) -> None:
    from lantern.alerts.recipients import directory
    from lantern.config import Settings
    from lantern.web.services import open_warehouse

    w = open_warehouse(Settings(home=wh.home))
    try:
        key = directory(w.con, w.as_of).team_manager_key(TEAM)
    finally:
        w.close()
    items = tm.get("/api/inbox").json()["items"]
    assert items and all(key in i["notify"] or f"team_manager:{TEAM}" in i["notify"]
                         for i in items)


def test_actions_need_the_csrf_token(sw: TestClient) -> None:
    item = _child_items(sw)[0]
    r = sw.post("/inbox/acknowledge", data={**_key(item), "note": ""})
    assert r.status_code == 403
    r = sw.post("/inbox/snooze", data={**_key(item), "reason": "x", "until-day": "1",
                                      "until-month": "1", "until-year": "2099"})
    assert r.status_code == 403
    after = next(i for i in sw.get("/api/inbox").json()["items"] if _key(i) == _key(item))
    assert after["state"] == item["state"]


def test_snooze_needs_a_reason_and_a_later_date(sw: TestClient) -> None:
    item = _child_items(sw)[0]
    token = csrf(sw, "/inbox")
    base = {**_key(item), "csrf_token": token}
    r = sw.post("/inbox/snooze", data={**base, "reason": "  ", "until-day": "1",
                                      "until-month": "1", "until-year": "2099"})
    assert r.status_code == 422 and "Enter why you are snoozing this item" in r.text
    assert 'href="#reason"' in r.text and r.text.count("<h1") == 1
    r = sw.post("/inbox/snooze", data={**base, "reason": "Booked", "until-day": "",
                                      "until-month": "", "until-year": ""})
    assert r.status_code == 422 and "Enter the date to snooze until" in r.text
    r = sw.post("/inbox/snooze", data={**base, "reason": "Booked", "until-day": "31",
                                      "until-month": "2", "until-year": "2099"})
    assert r.status_code == 422 and "must be a real date" in r.text
    r = sw.post("/inbox/snooze", data={**base, "reason": "Booked", "until-day": "1",
                                      "until-month": "1", "until-year": "2020"})
    assert r.status_code == 422 and "after the date the work list is at" in r.text
    after = next(i for i in sw.get("/api/inbox").json()["items"] if _key(i) == _key(item))
    assert after["state"] == "open"


def test_an_item_not_in_the_inbox_cannot_be_acted_on(sw: TestClient, wh: WebHome) -> None:
    token = csrf(sw, "/inbox")
    r = sw.post("/inbox/acknowledge", data={
        "csrf_token": token, "rule_id": "cp_visit", "child_id": wh.child_out,
        "subject_id": "anything", "due_date": "2024-01-01"})
    assert r.status_code == 404


def test_snooze_and_acknowledge_are_shown_and_visible_to_the_manager(
        sw: TestClient, tm: TestClient, wh: WebHome) -> None:
    scopes = _in_scope(wh)
    mine = [i for i in _child_items(sw) if scopes.get(i["child_id"], (None,))[0] == TEAM]
    assert len(mine) >= 2
    snoozed, acked = mine[0], mine[1]
    until = date.today() + timedelta(days=14)
    token = csrf(sw, "/inbox")
    r = sw.post("/inbox/snooze", data={
        **_key(snoozed), "csrf_token": token, "reason": "Visit booked with the family",
        "until-day": str(until.day), "until-month": str(until.month),
        "until-year": str(until.year), "back": "inbox"})
    assert r.status_code == 303 and r.headers["location"] == "/inbox?done=snoozed"
    r = sw.post("/inbox/acknowledge", data={**_key(acked), "csrf_token": token,
                                            "note": "On it"})
    assert r.status_code == 303

    states = {tuple(_key(i).values()): i for i in sw.get("/api/inbox").json()["items"]}
    s = states[tuple(_key(snoozed).values())]
    assert s["state"] == "snoozed"
    assert s["last_action"]["reason"] == "Visit booked with the family"
    assert s["last_action"]["snooze_until"] == until.isoformat()
    assert states[tuple(_key(acked).values())]["state"] == "acknowledged"
    page = sw.get("/inbox?done=snoozed").text
    assert "Item snoozed." in page and "1 snoozed, hidden until their snooze ends" in page
    assert "Visit booked with the family" not in page
    assert "Acknowledged by Test social worker" in page

    # The team manager sees both on the work list, with who did what and why.
    # Snoozed items leave the lists (inbox and work list) until they return.
    work = tm.get("/api/work").json()["items"]
    by_key = {tuple(_key(i).values()): i for i in work}
    assert tuple(_key(snoozed).values()) not in by_key
    assert by_key[tuple(_key(acked).values())]["state"] == "acknowledged"
    seen = next(i for i in tm.get("/api/work?state=snoozed").json()["items"]
                if _key(i) == _key(snoozed))
    assert seen["state"] == "snoozed" and seen["last_action"]["by"] == "social_worker"
    html = tm.get("/work?state=snoozed").text
    assert "Visit booked with the family" in html and "Snoozed by Test social worker" in html
    assert "On it" not in html  # filtered to snoozed items
    assert "On it" in tm.get("/work?state=acknowledged").text

    # The item page shows the history.
    href = "/inbox/item?" + "&".join(f"{k}={v}" for k, v in _key(snoozed).items())
    item_page = sw.get(href).text
    assert "History" in item_page and "Visit booked with the family" in item_page


def test_work_list_filters(tm: TestClient, wh: WebHome) -> None:
    everything = tm.get("/api/work").json()
    items = everything["items"]
    assert items and everything["total"] == len(items)
    scopes = _in_scope(wh)
    assert all(scopes.get(i["child_id"], (None,))[0] == TEAM for i in items if i["child_id"])
    rule = items[0]["rule_id"]
    by_rule = tm.get(f"/api/work?rule={rule}").json()["items"]
    assert by_rule and all(i["rule_id"] == rule for i in by_rule)
    assert len(by_rule) <= len(items)
    by_worker = tm.get(f"/api/work?worker={wh.worker}").json()["items"]
    assert by_worker and all(i["act"] == wh.worker for i in by_worker)
    assert tm.get("/api/work?worker=nobody").json()["items"] == []

    page = tm.get(f"/work?rule={rule}").text
    assert page.count("<h1") == 1
    assert f'<option value="{rule}" selected>' in page
    part = tm.get(f"/work?worker={wh.worker}", headers={"HX-Request": "true"})
    assert part.status_code == 200
    assert "<html" not in part.text and "<table" in part.text and "<h1" not in part.text
    current = [i for i in by_worker if not i["data_to_check"]]
    assert f"of {len(current)}</caption>" in part.text


def test_head_of_service_sees_the_service(app: FastAPI, wh: WebHome, tm: TestClient) -> None:
    hos = client_for(app, "head_of_service")
    items = hos.get("/api/work").json()["items"]
    scopes = _in_scope(wh)
    assert all(scopes.get(i["child_id"], (None, None))[1] == "safeguarding"
               for i in items if i["child_id"])
    team = {tuple(_key(i).values()) for i in tm.get("/api/work").json()["items"]}
    assert team <= {tuple(_key(i).values()) for i in items}
    assert wh.child_out not in hos.get("/work").text
