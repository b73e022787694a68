"""The OpenAPI schema describes what the API really returns: every endpoint's response
(for a role that sees children and for a board member, whose counts are suppressed)
has exactly the keys its declared shape names, with values of the declared types."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.web_support import TEAM, WebHome, client_for, make_app, web_home

TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool,
         "array": list, "object": dict, "null": type(None)}


@pytest.fixture(scope="module")
def wh() -> WebHome:
    return web_home()


@pytest.fixture(scope="module")
def app(wh: WebHome) -> FastAPI:
    return make_app(wh)


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def conform(value: Any, schema: dict[str, Any], spec: dict[str, Any], where: str
            ) -> list[str]:
    """Where ``value`` departs from ``schema``: undeclared or missing keys, wrong types."""
    schema = _resolve(schema, spec)
    if "anyOf" in schema:
        tries = [conform(value, s, spec, where) for s in schema["anyOf"]]
        return [] if any(not t for t in tries) else min(tries, key=len)
    kind = schema.get("type")
    if kind is None:
        return []
    if not isinstance(value, TYPES[kind]) or (kind in ("integer", "number")
                                              and isinstance(value, bool)):
        return [f"{where}: {type(value).__name__} is not {kind}"]
    problems: list[str] = []
    if kind == "array":
        for n, item in enumerate(value[:20]):
            problems += conform(item, schema.get("items", {}), spec, f"{where}[{n}]")
    elif kind == "object" and "properties" in schema:
        declared = schema["properties"]
        problems += [f"{where}.{k}: not declared" for k in value if k not in declared]
        problems += [f"{where}.{k}: missing" for k in schema.get("required", ())
                     if k not in value]
        for k, v in value.items():
            if k in declared:
                problems += conform(v, declared[k], spec, f"{where}.{k}")
    elif kind == "object":
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            for k, v in value.items():
                problems += conform(v, extra, spec, f"{where}.{k}")
    return problems


def _paths(wh: WebHome, client: TestClient) -> list[str]:
    kpi = "icpc_15wd_pct"
    return ["/api/me", "/api/indicators", "/api/scorecard",
            f"/api/scorecard?breakdown=team&value={TEAM}", f"/api/indicators/{kpi}",
            f"/api/indicators/{kpi}/children", f"/api/children/{wh.child_in}",
            f"/api/children/{wh.child_in}/chronology", "/api/teams", f"/api/teams/{TEAM}",
            f"/api/workers/{wh.worker}", "/api/my-work", "/api/exceptions", "/api/loads",
            "/api/inbox", "/api/work"]


@pytest.mark.parametrize("role", ["performance_analyst", "board_member"])
def test_every_response_has_its_declared_shape(app: FastAPI, wh: WebHome, role: str) -> None:
    client = client_for(app, role)
    spec = client.get("/api/openapi.json").json()
    problems, checked = [], 0
    for url in _paths(wh, client):
        r = client.get(url)
        if r.status_code == 403:  # not this role's route (web.access)
            continue
        assert r.status_code == 200, (url, r.status_code, r.text[:300])
        path = url.split("?")[0]
        template = next(p for p in spec["paths"] if _matches(p, path))
        schema = spec["paths"][template]["get"]["responses"]["200"]["content"][
            "application/json"]["schema"]
        assert schema, f"{template}: no response schema"
        problems += conform(r.json(), schema, spec, url)
        checked += 1
    assert checked >= (16 if role == "performance_analyst" else 5)
    assert problems == []


def _matches(template: str, path: str) -> bool:
    a, b = template.strip("/").split("/"), path.strip("/").split("/")
    return len(a) == len(b) and all(x == y or x.startswith("{") for x, y in zip(a, b,
                                                                                 strict=True))


def test_the_api_page_says_what_each_endpoint_returns(app: FastAPI) -> None:
    page = client_for(app, "performance_analyst").get("/api/docs").text
    assert "Returns a list of TeamOut (team_id, name, service_id, workers" in page
    assert "Returns Scorecard (month, breakdown, value, sections)" in page
