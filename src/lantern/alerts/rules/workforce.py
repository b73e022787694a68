"""Workforce: supervision overdue per worker (local interval, default 6 weeks).

One item per worker employed on the date (not managers), due the interval after their
latest supervision (or their start date). The team manager must act; the worker is told.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb

from ..model import AlertRule, DueRow, Params, Step
from ._common import day, rows

MANAGER_TITLES = ("team manager", "head of service", "divisional director")


def supervision_due(con: duckdb.DuckDBPyConnection, on: date, p: Params) -> list[DueRow]:
    weeks = int(p["interval_weeks"])
    sql = """
        SELECT w.prof_professional_id, w.prof_professional_department, w.prof_start_date,
               max(s.supv_supervision_date)
        FROM ssd_professionals w
        LEFT JOIN lantern_supervisions s
          ON s.supv_professional_id = w.prof_professional_id AND s.supv_supervision_date <= $on
        WHERE (w.prof_start_date IS NULL OR w.prof_start_date <= $on)
          AND (w.prof_end_date IS NULL OR w.prof_end_date >= $on)
          AND lower(coalesce(w.prof_professional_job_title, '')) NOT IN (SELECT unnest($titles))
        GROUP BY ALL
    """
    out = []
    for wid, team, start, last in rows(con, sql, on, titles=list(MANAGER_TITLES)):
        base, what = (last, "last supervision") if last else (start, "started (no supervision)")
        if base is None:
            continue
        out.append(DueRow(None, wid, base + timedelta(weeks=weeks),
                          f"{what} {day(base)} + {weeks} weeks", worker=wid, team=team))
    return out


SUPERVISION = AlertRule(
    id="supervision",
    family="workforce",
    title="Supervision",
    population="workers employed on the date (excluding team managers and above)",
    due="latest supervision (or start date) + 6 weeks (local)",
    due_items=supervision_due,
    requires=("ssd_professionals", "lantern_supervisions"),
    params={"interval_weeks": 6},
    leads=(Step(5, ("team_manager", "worker")),),
    actor="team_manager",
)

RULES = (SUPERVISION,)
