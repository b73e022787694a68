"""Which team and service a child belongs to, for access checks.

A child belongs to the team of their allocated social worker (the ``SW`` involvement
open on the date; the latest start wins) or, when nobody is allocated on the date, of
the latest ``SW`` allocation before it; the service is that team's parent in
``ssd_department``. A child never allocated belongs to no team: only authority-wide
roles see them (`lantern.security.policy.child_in_scope`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

_SQL = """
WITH latest AS (
    SELECT invo_person_id AS child_id, invo_professional_team AS team,
           invo_professional_id AS worker
    FROM ssd_involvements
    WHERE invo_professional_role_id = 'SW' AND invo_involvement_start_date <= $on
      AND invo_person_id IS NOT NULL {child_filter}
    QUALIFY row_number() OVER (
        PARTITION BY invo_person_id
        ORDER BY (invo_involvement_end_date IS NULL OR invo_involvement_end_date >= $on) DESC,
                 invo_involvement_start_date DESC, invo_involvements_id DESC) = 1
)
SELECT l.child_id, l.team, d.dept_team_parent_id AS service, l.worker
FROM latest l
LEFT JOIN (SELECT DISTINCT dept_team_id, dept_team_parent_id FROM ssd_department) d
  ON d.dept_team_id = l.team
"""


@dataclass(frozen=True)
class ChildScope:
    child_id: str
    team: str | None
    service: str | None
    worker: str | None = None  # the allocated social worker (for caseload-only scope)


def scope_map(con: duckdb.DuckDBPyConnection, on: date) -> dict[str, ChildScope]:
    """Every allocated child's team and service on ``on``."""
    got = con.execute(_SQL.format(child_filter=""), {"on": on}).fetchall()
    return {str(c): ChildScope(str(c), t, s, w) for c, t, s, w in got}


def child_scope(con: duckdb.DuckDBPyConnection, child_id: str, on: date) -> ChildScope:
    """One child's team and service on ``on`` (both None when never allocated)."""
    got = con.execute(_SQL.format(child_filter="AND invo_person_id = $child"),
                      {"on": on, "child": child_id}).fetchone()
    if got is None:
        return ChildScope(child_id, None, None)
    return ChildScope(child_id, got[1], got[2], got[3])
