"""The role matrix: every route × every role is allowed, forbidden or suppressed exactly as
declared in `lantern.web.access.MATRIX` (the table the app itself authorises with), and
nobody reaches a child outside their scope through pages, the API or exports."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from lantern.security.policy import ROLES
from lantern.web.access import MATRIX, PUBLIC
from lantern.web.app import iter_routes
from tests.web_role_samples import NOT_FOUND_WHEN_ALLOWED, SAMPLES
from tests.web_support import (
    REPORT,
    TEAM,
    WebHome,
    client_for,
    csrf,
    make_app,
    web_home,
)


@pytest.fixture(scope="module")
def wh() -> WebHome:
    return web_home()


@pytest.fixture(scope="module")
def app(wh: WebHome) -> FastAPI:
    return make_app(wh)


@pytest.fixture(scope="module")
def clients(app: FastAPI) -> dict[str, TestClient]:
    return {role: client_for(app, role) for role in ROLES}


def test_every_route_is_declared_and_sampled(app: FastAPI) -> None:
    names = {name for name, _, _ in iter_routes(app)}
    assert names - PUBLIC == set(MATRIX), "the access table and the routes differ"
    assert set(SAMPLES) == set(MATRIX), "every declared route needs a sample request"
    for row in MATRIX.values():
        assert set(row) == set(ROLES)


def _request(client: TestClient, wh: WebHome, role: str, route: str):  # type: ignore[no-untyped-def]
    method, path, form = SAMPLES[route]
    path = path.format(child=wh.child_in, worker=wh.worker, team=TEAM, role=role,
                       report=REPORT)
    if method == "GET":
        return client.get(path)
    data = {k: v.format(role=role, child=wh.child_in) for k, v in (form or {}).items()}
    data["csrf_token"] = csrf(client, "/api/docs")
    return client.post(path, data=data)


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(role: str, wh: WebHome, app: FastAPI,
                     clients: dict[str, TestClient]) -> None:
    failures = []
    for route in MATRIX:
        if route == "sign_out":
            continue  # checked last: it ends the session
        expected = MATRIX[route][role]
        r = _request(clients[role], wh, role, route)
        if expected == "forbidden":
            ok = r.status_code == 403
        else:
            ok = r.status_code in (200, 303) or (
                route.startswith("admin_user_") and r.status_code == 422) or (
                route in NOT_FOUND_WHEN_ALLOWED and r.status_code == 404)
            if expected == "suppressed":
                # aggregates only: no child's identifier anywhere in the response, and
                # no worker's (no per-worker figures)
                ok = ok and wh.child_in not in r.text and wh.child_out not in r.text
                ok = ok and wh.worker not in r.text
        if not ok:
            failures.append(f"{route}: expected {expected}, got {r.status_code}")
    signed_out = _request(client_for(app, role), wh, role, "sign_out")
    if signed_out.status_code != 303:
        failures.append(f"sign_out: got {signed_out.status_code}")
    assert not failures, f"{role}: " + "; ".join(failures)


def test_signed_out_requests_are_refused(app: FastAPI, wh: WebHome) -> None:
    anon = client_for(app)
    for route, (method, path, _) in SAMPLES.items():
        if method != "GET":
            continue
        r = anon.get(path.format(child=wh.child_in, worker=wh.worker, team=TEAM, role="x",
                                 report=REPORT))
        expected = 401 if path.startswith("/api/") and route != "api_docs" else 303
        assert r.status_code == expected, route
        if expected == 303:
            assert r.headers["location"].startswith("/sign-in")


CHILD_ROUTES = ("/children/{c}", "/children/{c}/chronology.csv", "/api/children/{c}",
                "/api/children/{c}/chronology")


@pytest.mark.parametrize(("role", "out_of_scope"), [
    ("social_worker", "child_out"), ("social_worker", "child_in_service"),
    ("team_manager", "child_out"), ("team_manager", "child_in_service"),
    ("head_of_service", "child_out"),
])
def test_out_of_scope_child_is_unreachable(role: str, out_of_scope: str, wh: WebHome,
                                           clients: dict[str, TestClient]) -> None:
    child = getattr(wh, out_of_scope)
    for path in CHILD_ROUTES:
        r = clients[role].get(path.format(c=child))
        assert r.status_code == 404, (path, r.status_code)
        assert "chronology" not in r.text.lower() or r.status_code == 404


@pytest.mark.parametrize("role", ["social_worker", "team_manager", "head_of_service"])
def test_lists_and_exports_hold_only_children_in_scope(role: str, wh: WebHome,
                                                       clients: dict[str, TestClient]) -> None:
    from lantern.casework import scope_map
    from lantern.config import Settings
    from lantern.web.services import open_warehouse

    w = open_warehouse(Settings(home=wh.home))
    try:
        scopes = scope_map(w.con, w.as_of)
    finally:
        w.close()
    c = clients[role]

    def allowed(child: str) -> bool:
        s = scopes.get(child)
        if s is None:
            return False
        return s.service == "safeguarding" if role == "head_of_service" else s.team == TEAM

    for kpi in ("cp_plans_open", "cla_open", "referrals", "cin_open"):
        got = c.get(f"/indicators/{kpi}/children.csv")
        assert got.status_code == 200
        ids = [row["child_id"] for row in csv.DictReader(io.StringIO(got.text))]
        assert all(allowed(i) for i in ids), kpi
        api = c.get(f"/api/indicators/{kpi}/children").json()["children"]
        assert all(allowed(r["child_id"]) for r in api), kpi
        page = c.get(f"/indicators/{kpi}/children").text
        assert wh.child_out not in page
    for team in c.get("/api/teams").json():
        assert team["team_id"] == TEAM or role == "head_of_service"
    assert c.get("/teams/T008").status_code == 404  # a cared-for team
    assert c.get("/api/teams/T008").status_code == 404
    work = c.get("/api/my-work").json()["items"]
    assert all(allowed(i["child_id"]) for i in work if i["child_id"])
