"""Deep dives and meetings in the browser (TestClient): a head of service works a
triggered deep dive in their service (findings, an action in the shared tracker, an
update) and closes it with a reason; recovery refused with its reason; a board member sees
the tracker and the figures but no child; the children behind a trigger are shown only in
scope and each is access-logged; the exception report links a trigger to its deep dive;
meetings carry open actions forward."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lantern.appdb import AccessLogEntry, make_engine
from lantern.assurance.decline import DeclineTrigger
from lantern.governance import deep_dives
from lantern.governance.models import DeepDive
from tests.web_support import SERVICE, client_for, copy_app_db, csrf, make_app, web_home

KPI = "icpc_15wd_pct"


@pytest.fixture(scope="module")
def setup() -> tuple:
    wh = web_home()
    url = copy_app_db(wh)
    trigger = DeclineTrigger(
        kpi_id=KPI, breakdown="service", breakdown_value=SERVICE, period="rolling_12m",
        polarity="high", months=("2023-11", "2023-12", "2024-01"), values=(80.0, 75.0, 70.0),
        numerators=(40, 30, 3), denominators=(50, 40, 4),
        children=((), (), (wh.child_in, wh.child_out)))
    with Session(make_engine(url)) as s, s.begin():
        ref = deep_dives.store_triggers(s, "2024-01", [trigger], on=date(2024, 2, 1)).opened[0]
    return make_app(wh, url), url, wh, ref


def _post(c: TestClient, path: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    return c.post(path, data={**data, "csrf_token": csrf(c, "/deep-dives")},
                  follow_redirects=False)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_head_of_service_works_and_closes_a_deep_dive(setup: tuple) -> None:
    app, url, _, ref = setup
    hos = client_for(app, "head_of_service")
    assert ref in hos.get("/deep-dives").text
    r = _post(hos, f"/deep-dives/{ref}/edit", {"lead": "head_of_service",
                                                "findings": "Conferences booked late."})
    assert r.status_code == 303
    r = _post(hos, f"/deep-dives/{ref}/actions", {"title": "Book at the strategy meeting",
                                                   "lead": "team_manager",
                                                   "due": "2024-04-30"})
    assert r.status_code == 303 and "error" not in r.headers["location"]
    _post(hos, f"/deep-dives/{ref}/updates", {"text": "Audit of 20 conferences booked"})
    page = _text(hos.get(f"/deep-dives/{ref}").text)
    assert "Conferences booked late." in page and f"{ref}-1 Book at the strategy meeting" \
        in page and "Audit of 20 conferences booked" in page
    assert f"{ref}-1" in client_for(app, "team_manager").get("/actions/mine").text
    # Recovery cannot be shown from the role-matrix authority's few months after it.
    r = _post(hos, f"/deep-dives/{ref}/close", {})
    assert "Not closed: not recovered" in _text(hos.get(r.headers["location"]).text)
    r = _post(hos, f"/deep-dives/{ref}/close", {"reason": "Taken into the CP plan actions"})
    assert r.status_code == 303
    page = _text(hos.get(f"/deep-dives/{ref}").text)
    assert "closed by head_of_service: Taken into the CP plan actions" in page
    with Session(make_engine(url)) as s:
        assert s.scalar(select(DeepDive.status).where(DeepDive.ref == ref)) == "closed"
    r = _post(hos, f"/deep-dives/{ref}/reopen", {"reason": "Declined again"})
    assert r.status_code == 303


def test_board_members_see_the_tracker_and_figures_but_no_child(setup: tuple) -> None:
    app, _, wh, ref = setup
    board = client_for(app, "board_member")
    assert ref in board.get("/deep-dives").text
    page = board.get(f"/deep-dives/{ref}").text
    assert wh.child_in not in page and wh.child_out not in page
    assert "not shown to your role" in page
    text = _text(page)
    assert "January 2024 withheld withheld withheld" in text  # 3 of 4: suppressed
    assert "December 2023 75.0% 30 40" in text
    assert _post(board, f"/deep-dives/{ref}/edit", {"findings": "x"}).status_code == 403


def test_children_at_the_trigger_only_in_scope_and_each_logged(setup: tuple) -> None:
    app, url, wh, ref = setup
    tm = client_for(app, "team_manager")
    page = tm.get(f"/deep-dives/{ref}").text
    assert f"/children/{wh.child_in}" in page and f"/children/{wh.child_out}" not in page
    with Session(make_engine(url)) as s:
        logged = s.scalars(select(AccessLogEntry.child_id).where(
            AccessLogEntry.action == "view_deep_dive_children")).all()
    assert wh.child_in in logged and wh.child_out not in logged


def test_a_service_head_cannot_manage_another_services_deep_dive(setup: tuple) -> None:
    app, url, _, _ = setup
    with Session(make_engine(url)) as s, s.begin():
        other = DeepDive(ref="DD-OTHER", kind="trigger", kpi_id=KPI, breakdown="service",
                         breakdown_value="cared_for", trigger_month="2024-01", status="open",
                         opened_on=date(2024, 2, 1), theme="", terms_of_reference="",
                         method="", audit_sample="", findings="", recommendations="")
        s.add(other)
    hos = client_for(app, "head_of_service")
    assert _post(hos, "/deep-dives/DD-OTHER/edit", {"findings": "x"}).status_code == 403
    director = client_for(app, "divisional_director")
    assert _post(director, "/deep-dives/DD-OTHER/edit", {"findings": "x"}).status_code == 303


def test_meetings_carry_open_actions_forward(setup: tuple) -> None:
    app, _, _, _ = setup
    pa = client_for(app, "performance_analyst")
    first = _post(pa, "/meetings", {"kind": "iro_performance", "held_on": "2024-01-10",
                                    "chair": "IRO manager"}).headers["location"]
    ref = first.split("/meetings/")[1].split("?")[0]
    _post(pa, f"/meetings/{ref}/minutes", {"minutes": "Reviews on time: 92%",
                                            "attendees": "IRO manager\nIRO 1"})
    _post(pa, f"/meetings/{ref}/actions", {"title": "Chase late review minutes",
                                            "lead": "team_manager", "due": "2024-02-01"})
    second = _post(pa, "/meetings", {"kind": "iro_performance", "held_on": "2024-02-10"})
    page = _text(pa.get(second.headers["location"]).text)
    assert f"{ref}-1 Chase late review minutes" in page.split("Minutes")[0]
