"""Workforce: supervision overdue per worker (local interval, default 6 weeks).

One item per worker employed on the date (not managers), due the interval after their
latest supervision (or their start date). The team manager must act; the worker is told.
"""

from __future__ import annotations

from datetime import date, timedelta

import ibis

from ..model import AlertRule, DueRow, Params, Step
from ._common import Source, day, fetch, latest_of, on_date, open_between

MANAGER_TITLES = ["team manager", "head of service", "divisional director"]


def supervision_due(src: Source, on: date, p: Params) -> list[DueRow]:
    weeks = int(p["interval_weeks"])
    w = src.t("ssd_professionals")
    w = w.filter(open_between(w.prof_start_date.fill_null(ibis.date(1900, 1, 1)),
                              w.prof_end_date, on)
                 & ~w.prof_professional_job_title.fill_null("").lower().isin(MANAGER_TITLES))
    s = src.t("lantern_supervisions")
    s = s.filter(s.supv_supervision_date <= on_date(on))
    j = w.left_join(s, s.supv_professional_id == w.prof_professional_id)
    keys = ["prof_professional_id", "prof_professional_department", "prof_start_date"]
    out = []
    for wid, team, start, last in fetch(src, latest_of(j, keys, j.supv_supervision_date),
                                        *keys, "last"):
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
