"""Which team and service a child belongs to, for access checks.

A child belongs to the team of whoever holds their case on the date — their allocated
social worker, else (a care leaver) their personal adviser — or, when nobody does, of
the latest such involvement before it (`lantern.facts.last_allocations`); the service
is that team's parent in ``ssd_department``. A child never allocated belongs to no
team: only authority-wide roles see them (`lantern.security.policy.child_in_scope`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from lantern import facts


@dataclass(frozen=True)
class ChildScope:
    child_id: str
    team: str | None
    service: str | None
    worker: str | None = None  # the allocated worker (for caseload-only scope)


def _scopes(con: duckdb.DuckDBPyConnection, on: date,
            child_id: str | None = None) -> dict[str, ChildScope]:
    w = facts.source(con)
    t = facts.last_allocations(w, on, roles=tuple(facts.CASE_ROLES))
    if child_id is not None:
        t = t.filter(t.child_id == child_id)
    return {str(r["child_id"]): ChildScope(str(r["child_id"]), r["team_id"], r["service_id"],
                                           r["worker_id"])
            for r in facts.records(w, t.select("child_id", "team_id", "service_id",
                                               "worker_id"))}


def scope_map(con: duckdb.DuckDBPyConnection, on: date) -> dict[str, ChildScope]:
    """Every allocated child's team and service on ``on``."""
    return _scopes(con, on)


def child_scope(con: duckdb.DuckDBPyConnection, child_id: str, on: date) -> ChildScope:
    """One child's team and service on ``on`` (both None when never allocated)."""
    return _scopes(con, on, child_id).get(child_id, ChildScope(child_id, None, None))
