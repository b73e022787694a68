"""Statutory visits: CP every 10 working days, CIN every 20, looked after every 6 weeks.

Local parameters as in KPIS.md (``cp_visits_10wd_pct``, ``cin_visits_on_time_pct``,
``cla_visits_on_time_pct``); the next visit is due the interval after the latest visit
(the latest *seen* visit for CP, as the indicator), or after the start when there is none.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb

from lantern.calendar import add_working_days

from ..model import AlertRule, DueRow, Params
from ._common import day, rows


def cp_visit_due(con: duckdb.DuckDBPyConnection, on: date, p: Params) -> list[DueRow]:
    n = int(p["interval_wd"])
    sql = """
        SELECT pl.cppl_person_id, pl.cppl_cp_plan_id, pl.cppl_cp_plan_start_date,
               pl.cppl_cp_plan_end_date, max(v.cppv_cp_visit_date)
        FROM ssd_cp_plans pl
        LEFT JOIN ssd_cp_visits v
          ON v.cppv_cp_plan_id = pl.cppl_cp_plan_id AND v.cppv_cp_visit_seen = 'Y'
         AND v.cppv_cp_visit_date BETWEEN pl.cppl_cp_plan_start_date AND $on
        WHERE pl.cppl_cp_plan_start_date <= $on
          AND (pl.cppl_cp_plan_end_date IS NULL OR pl.cppl_cp_plan_end_date >= $on)
        GROUP BY ALL
    """
    out = []
    for child, plan, start, ends, last in rows(con, sql, on):
        base, what = (last, "last seen visit") if last else (start, "plan start (no seen visit)")
        out.append(DueRow(child, plan, add_working_days(base, n),
                          f"{what} {day(base)} + {n} working days", ends=ends))
    return out


def cin_visit_due(con: duckdb.DuckDBPyConnection, on: date, p: Params) -> list[DueRow]:
    n = int(p["interval_wd"])
    sql = """
        SELECT pl.cinp_person_id, pl.cinp_cin_plan_id, pl.cinp_cin_plan_start_date,
               pl.cinp_cin_plan_end_date, max(v.cinv_cin_visit_date), pl.cinp_cin_plan_team
        FROM ssd_cin_plans pl
        LEFT JOIN ssd_cin_visits v
          ON v.cinv_person_id = pl.cinp_person_id
         AND v.cinv_cin_visit_date BETWEEN pl.cinp_cin_plan_start_date AND $on
        WHERE pl.cinp_cin_plan_start_date <= $on
          AND (pl.cinp_cin_plan_end_date IS NULL OR pl.cinp_cin_plan_end_date >= $on)
        GROUP BY ALL
    """
    out = []
    for child, plan, start, ends, last, team in rows(con, sql, on):
        base, what = (last, "last visit") if last else (start, "plan start (no visit)")
        out.append(DueRow(child, plan, add_working_days(base, n),
                          f"{what} {day(base)} + {n} working days", ends=ends, team=team))
    return out


def cla_visit_due(con: duckdb.DuckDBPyConnection, on: date, p: Params) -> list[DueRow]:
    weeks = int(p["interval_weeks"])
    sql = """
        SELECT c.child_id, c.cla_id, c.start, c.ends, max(v.clav_cla_visit_date)
        FROM open_cla c
        LEFT JOIN ssd_cla_visits v
          ON v.clav_cla_id = c.cla_id AND v.clav_cla_visit_date BETWEEN c.start AND $on
        GROUP BY ALL
    """
    out = []
    for child, cla_id, start, ends, last in rows(con, sql, on):
        base, what = (last, "last visit") if last else (start, "entered care (no visit)")
        out.append(DueRow(child, cla_id, base + timedelta(weeks=weeks),
                          f"{what} {day(base)} + {weeks} weeks", ends=ends))
    return out


CP_VISIT = AlertRule(
    id="cp_visit",
    family="visits",
    title="Child protection visit",
    population="children on a child protection plan open on the date",
    due="latest visit where the child was seen (or the plan start) + 10 working days (local)",
    due_items=cp_visit_due,
    requires=("ssd_cp_plans",),
    params={"interval_wd": 10},
    default_service="safeguarding",
)

CIN_VISIT = AlertRule(
    id="cin_visit",
    family="visits",
    title="Child in need visit",
    population="children on a child in need plan open on the date",
    due="latest visit (or the plan start) + 20 working days (local)",
    due_items=cin_visit_due,
    requires=("ssd_cin_plans",),
    params={"interval_wd": 20},
    default_service="safeguarding",
)

CLA_VISIT = AlertRule(
    id="cla_visit",
    family="visits",
    title="Looked-after child visit",
    population="children looked after on the date (periods of care, V3/V4 short breaks excluded)",
    due="latest visit in the period of care (or its start) + 6 weeks (local)",
    due_items=cla_visit_due,
    requires=("ssd_cla_episodes",),
    params={"interval_weeks": 6},
    default_service="cared_for",
)

RULES = (CP_VISIT, CIN_VISIT, CLA_VISIT)
