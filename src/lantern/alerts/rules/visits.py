"""Statutory visits: CP every 10 working days, CIN every 20, looked after every 6 weeks.

Local parameters as in KPIS.md (``cp_visits_10wd_pct``, ``cin_visits_on_time_pct``,
``cla_visits_on_time_pct``); the next visit is due the interval after the latest visit
(the latest *seen* visit for CP, as the indicator), or after the start when there is none.
"""

from __future__ import annotations

from datetime import date, timedelta

from lantern import facts
from lantern.calendar import add_working_days

from ..model import AlertRule, DueRow, Params
from ._common import Source, day, fetch, latest_of, on_date, open_between, open_cla


def cp_visit_due(src: Source, on: date, p: Params) -> list[DueRow]:
    n = int(p["interval_wd"])
    pl = facts.cp_plans_open(src, on, per_child=False)
    v = src.t("ssd_cp_visits")
    v = v.filter(v.cppv_cp_visit_seen == "Y")
    j = pl.left_join(v, (v.cppv_cp_plan_id == pl.plan_id)
                     & v.cppv_cp_visit_date.between(pl.start, on_date(on)))
    g = latest_of(j, ["child", "plan_id", "start", "end"], j.cppv_cp_visit_date)
    out = []
    for child, plan, start, ends, last in fetch(src, g, "child", "plan_id", "start", "end",
                                                "last"):
        base, what = (last, "last seen visit") if last else (start, "plan start (no seen visit)")
        out.append(DueRow(child, plan, add_working_days(base, n),
                          f"{what} {day(base)} + {n} working days", ends=ends))
    return out


def cin_visit_due(src: Source, on: date, p: Params) -> list[DueRow]:
    n = int(p["interval_wd"])
    pl = src.t("ssd_cin_plans")
    pl = pl.filter(open_between(pl.cinp_cin_plan_start_date, pl.cinp_cin_plan_end_date, on))
    v = src.t("ssd_cin_visits")
    j = pl.left_join(v, (v.cinv_person_id == pl.cinp_person_id)
                     & v.cinv_cin_visit_date.between(pl.cinp_cin_plan_start_date, on_date(on)))
    keys = ["cinp_person_id", "cinp_cin_plan_id", "cinp_cin_plan_start_date",
            "cinp_cin_plan_end_date", "cinp_cin_plan_team"]
    g = latest_of(j, keys, j.cinv_cin_visit_date)
    out = []
    for child, plan, start, ends, team, last in fetch(src, g, *keys, "last"):
        base, what = (last, "last visit") if last else (start, "plan start (no visit)")
        out.append(DueRow(child, plan, add_working_days(base, n),
                          f"{what} {day(base)} + {n} working days", ends=ends, team=team))
    return out


def cla_visit_due(src: Source, on: date, p: Params) -> list[DueRow]:
    weeks = int(p["interval_weeks"])
    c = open_cla(src, on)
    v = src.t("ssd_cla_visits")
    j = c.left_join(v, (v.clav_cla_id == c.cla_id)
                    & v.clav_cla_visit_date.between(c.start, on_date(on)))
    keys = ["child_id", "cla_id", "start", "ends"]
    g = latest_of(j, keys, j.clav_cla_visit_date)
    out = []
    for child, cla_id, start, ends, last in fetch(src, g, *keys, "last"):
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
