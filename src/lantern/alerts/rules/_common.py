"""SQL fragments and small helpers shared by the rule modules.

Every query takes the run date as the named parameter ``$on`` and follows KPIS.md:
"open on a date" = started on or before it and not ended before it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb

from lantern.calendar import add_months

#: Periods of care open on $on (not V3/V4 short breaks), with the episode open that day.
#: Columns: cla_id, child_id, start (period start), ends (recorded end, NULL if open),
#: placement_id, dob.
OPEN_CLA = """
ep AS (
    SELECT clae_person_id AS child_id,
           coalesce(clae_cla_id, clae_cla_episode_id) AS cla_id,
           clae_cla_episode_id AS episode_id,
           clae_cla_episode_start_date AS s, clae_cla_episode_ceased_date AS e,
           clae_entered_care_date AS entered, clae_legal_status AS ls,
           clae_cla_placement_id AS placement_id
    FROM ssd_cla_episodes
),
periods AS (
    SELECT cla_id, coalesce(min(entered), min(s)) AS start,
           CASE WHEN bool_or(e IS NULL) THEN NULL ELSE max(e) END AS ends
    FROM ep GROUP BY cla_id
),
cur AS (
    SELECT * FROM ep
    WHERE s <= $on AND (e IS NULL OR e >= $on)
    QUALIFY row_number() OVER (PARTITION BY cla_id ORDER BY s DESC, episode_id DESC) = 1
),
open_cla AS (
    SELECT cur.cla_id, cur.child_id, periods.start, periods.ends, cur.placement_id,
           pers.pers_dob AS dob
    FROM cur JOIN periods USING (cla_id)
    LEFT JOIN ssd_person pers ON pers.pers_person_id = cur.child_id
    WHERE coalesce(cur.ls, '') NOT IN ('V3', 'V4')
)
"""


def rows(con: duckdb.DuckDBPyConnection, sql: str, on: date,
         **params: Any) -> list[tuple[Any, ...]]:
    """Run ``sql`` with ``$on`` (and any other named parameters) bound."""
    return con.execute(sql, {"on": on, **params}).fetchall()


def day(d: date) -> str:
    """'12 Feb 2024' (for the one-line basis)."""
    return f"{d.day} {d:%b %Y}"


def birthday(dob: date, years: int, months: int = 0) -> date:
    """The date a child reaches an age (29 Feb birthdays fall on 28 Feb, as relativedelta)."""
    return add_months(dob, 12 * years + months)
