"""The demo authority (synthetic Torbay): one day's run has items for every rule family
with data, each carrying rule_id, child_id, due_date, status and notify."""

from __future__ import annotations

import json
from datetime import date

import duckdb
import pytest

from lantern.alerts import RULES, available, run_alerts, to_json

pytestmark = pytest.mark.slow


@pytest.fixture
def demo(demo_con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    return demo_con


def test_every_family_with_data_has_items(demo: duckdb.DuckDBPyConnection) -> None:
    items = json.loads(to_json(run_alerts(demo, date(2024, 3, 1))))
    ready = {rid for rid, reason in available(demo).items() if reason is None}
    family = {r.id: r.family for r in RULES}
    assert {family[i["rule_id"]] for i in items} == {family[r] for r in ready}
    for i in items:
        assert {"rule_id", "child_id", "due_date", "status", "notify"} <= set(i)
        assert i["status"] in {"due_soon", "due_today", "overdue", "escalated"}
        assert i["notify"] and i["act"] in i["notify"]
    # Statutory visits and reviews run on every open plan: those rules all fire.
    fired = {i["rule_id"] for i in items}
    assert {"cp_visit", "cin_visit", "cla_visit", "cp_review", "cla_review"} <= fired
