"""A short picture of what was loaded: the counts a director would check first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb


@dataclass(frozen=True)
class YearEnd:
    date: date
    cp_plans: int
    looked_after: int


def march_ends(
    con: duckdb.DuckDBPyConnection, first: date | None = None, last: date | None = None
) -> list[YearEnd]:
    """Children on a CP plan and looked after (not V3/V4) at each 31 March from first to
    last (default: the span of referral dates in the data).

    "Open on a date": started on or before it and not ended before it (KPIS.md).
    """
    if first is None or last is None:
        bounds = con.execute(
            "SELECT min(cine_referral_date), max(cine_referral_date) FROM ssd_cin_episodes"
        ).fetchone()
        if not bounds or bounds[0] is None:
            return []
        first, last = first or bounds[0], last or bounds[1]
    assert first is not None and last is not None
    out = []
    for year in range(first.year, last.year + 1):
        day = date(year, 3, 31)
        if not first <= day <= last:
            continue
        cp = con.execute(
            """SELECT count(DISTINCT cppl_person_id) FROM ssd_cp_plans
               WHERE cppl_cp_plan_start_date <= ?
                 AND (cppl_cp_plan_end_date IS NULL OR cppl_cp_plan_end_date >= ?)""",
            [day, day],
        ).fetchone()
        cla = con.execute(
            """SELECT count(DISTINCT clae_person_id) FROM ssd_cla_episodes
               WHERE clae_cla_episode_start_date <= ?
                 AND (clae_cla_episode_ceased_date IS NULL OR clae_cla_episode_ceased_date >= ?)
                 AND coalesce(clae_legal_status, '') NOT IN ('V3', 'V4')""",
            [day, day],
        ).fetchone()
        out.append(YearEnd(day, int(cp[0]) if cp else 0, int(cla[0]) if cla else 0))
    return out
