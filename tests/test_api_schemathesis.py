"""Schemathesis against the JSON API's OpenAPI schema: no request makes a server error.

The schema is loaded from the running app (/api/openapi.json, served by a live uvicorn
on 127.0.0.1, the same set-up as the browser tests). Every request carries the session
cookie of the demo performance analyst (authority-wide, may see children), so the
generated calls reach the handlers rather than stopping at "sign in required". Each
operation gets a small, derandomised (repeatable) set of generated cases; the only
check is `not_a_server_error`: 4xx answers to nonsense input are fine, 5xx are not.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from tests.browser_support import DemoSite, LiveServer, demo_site, sign_in_client

pytestmark = pytest.mark.slow
MAX_EXAMPLES = 20


@pytest.fixture(scope="module")
def site() -> DemoSite:
    return demo_site()


@pytest.fixture(scope="module")
def live(site: DemoSite) -> Iterator[tuple[LiveServer, dict[str, str]]]:
    """The running app and the analyst's session cookie (warmed up: the first request
    computes the month's indicators)."""
    with LiveServer(site.home) as srv:
        client = sign_in_client(srv.url, site.accounts["performance_analyst"], timeout=300)
        assert client.get("/api/scorecard").status_code == 200
        cookies = dict(client.cookies)
        client.close()
        yield srv, cookies


@pytest.fixture(scope="module")
def api_schema(live: tuple[LiveServer, dict[str, str]]) -> Any:
    srv, _ = live
    schema = schemathesis.openapi.from_url(f"{srv.url}/api/openapi.json")
    schema.config.generation.update(max_examples=MAX_EXAMPLES, deterministic=True)
    return schema


@pytest.fixture(scope="module")
def http(live: tuple[LiveServer, dict[str, str]]) -> Iterator[requests.Session]:
    _, cookies = live
    with requests.Session() as session:
        session.cookies.update(cookies)
        yield session


def test_schema_lists_the_api(api_schema: Any) -> None:
    paths = set(api_schema.raw_schema["paths"])
    assert {"/api/scorecard", "/api/indicators/{kpi_id}", "/api/children/{child_id}",
            "/api/children/{child_id}/chronology"} <= paths, sorted(paths)


def known_ids(site: DemoSite, http: requests.Session, base: str) -> dict[str, str]:
    """Real path parameters, so that generated query strings reach deep into handlers."""
    kids = http.get(f"{base}/api/indicators/referrals/children", timeout=120).json()
    return {"kpi_id": "referrals", "child_id": kids["children"][0]["child_id"],
            "team_id": sorted(site.teams)[0], "worker_id": site.worker or "W000001"}


def fuzz(label: str, strategy: Any, base_url: str, http: requests.Session,
         failures: list[str]) -> int:
    """Run one operation's generated cases; append each server error to ``failures``.
    Returns the number of requests made."""
    calls = 0

    @given(case=strategy)
    @settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        nonlocal calls
        calls += 1
        response = case.call(base_url=base_url, session=http, timeout=120)
        # Still signed in: a 401 would mean the calls never reached the handlers.
        assert response.status_code != 401, f"{label}: signed out"
        try:
            case.validate_response(response, checks=[not_a_server_error])
        except AssertionError as exc:  # schemathesis' FailureGroup is an AssertionError
            failures.append(f"{label}: HTTP {response.status_code}\n"
                            f"  {case.as_curl_command()}\n  {str(exc)[:500]}")

    # Nothing to break in an operation without parameters: it has no negative cases.
    with contextlib.suppress(Unsatisfiable):
        run()
    return calls


@pytest.mark.parametrize("variant", ["positive", "negative", "known-ids"])
def test_api_never_fails_with_a_server_error(variant: str, api_schema: Any, site: DemoSite,
                                             http: requests.Session,
                                             live: tuple[LiveServer, dict[str, str]]) -> None:
    """Every operation: ``MAX_EXAMPLES`` generated requests that match the schema
    (positive), that break it (negative), or that match it with real ids in the path
    (known-ids). Collects every 5xx across operations and reports them together, each
    with a curl command to reproduce it."""
    srv, _ = live
    ids = known_ids(site, http, srv.url)
    mode = GenerationMode.NEGATIVE if variant == "negative" else GenerationMode.POSITIVE
    failures: list[str] = []
    calls = 0
    operations = [r.ok() for r in api_schema.get_all_operations()]
    assert operations, "the schema has no operations"
    for op in operations:
        path_params = {k: v for k, v in ids.items() if "{" + k + "}" in op.path}
        if variant == "known-ids" and not path_params:
            continue
        strategy = op.as_strategy(generation_mode=mode, path_parameters=(
            path_params if variant == "known-ids" else None))

        calls += fuzz(op.label, strategy, srv.url, http, failures)
    assert calls > 0
    assert not failures, (f"{len(failures)} server errors ({variant}):\n"
                          + "\n".join(failures[:20]))
