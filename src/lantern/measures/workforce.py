"""Workforce (KPIS.md section "Thematic", workforce rows).

Rows are social workers (subject ``worker``), or teams for vacancies (subject
``team``), not children: they break down by service and team — the worker's own team
(`lantern.facts.professionals`) — and the drill-down lists the workers with their name,
team, caseload, FTE, agency flag and the dates that decided each row.

Terms (KPIS.md): a **social worker** has a job title among the authority's social-work
titles (configuration: ``LANTERN_SOCIAL_WORK_TITLES``, `lantern.config`); **in post on
a date** and **case holder** are `lantern.facts.workers_in_post` and
`lantern.facts.case_holders` (``SW`` caseloads only: a personal adviser's caseload is
not a social worker's); **FTE** is 1.0 when empty.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ibis
import ibis.expr.types as ir

from lantern import facts
from lantern.config import get_settings
from lantern.measures.core import (
    MONTH_END,
    Ctx,
    Indicator,
    days_between,
    first_per,
    snapshot_rows,
    text,
    window_rows,
)

AREA = "Workforce"
STAFF = ("ssd_professionals",)
HOLDERS = ("ssd_professionals", "ssd_involvements")
NO_STAFF = {"ssd_professionals": "no professionals loaded"}
TITLES_NOTE = ("Social workers: job titles in LANTERN_SOCIAL_WORK_TITLES (default Social "
               "Worker, Senior Social Worker, Advanced Practitioner, Team Manager).")


def social_work_titles(p: Mapping[str, Any]) -> Sequence[str]:
    """The titles from the indicator's parameters if given, else configuration."""
    return p.get("titles") or get_settings().social_work_titles


def sw_case_holders(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    """Social workers holding at least one ``SW`` case at each month end."""
    h = facts.case_holders(ctx, ctx.months, roles=(facts.SOCIAL_WORKER,), as_of=MONTH_END)
    return h.filter(facts.is_social_worker(h.job_title, social_work_titles(p)))


def sw_in_post(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    """Social workers in post at each month end."""
    w = facts.workers_in_post(ctx, ctx.months, as_of=MONTH_END)
    return w.filter(facts.is_social_worker(w.job_title, social_work_titles(p)))


def worker_rows(t: ir.Table, **kw: Any) -> ir.Table:
    """`snapshot_rows` of one worker a row, dated by their time in post."""
    return snapshot_rows(t, child_id=None, subject_id="worker_id", event_id="worker_id",
                         date_1="start_date", date_1_label="in post from",
                         date_2="end_date", date_2_label="left", **kw)


def caseload_avg_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    h = sw_case_holders(ctx, p)
    return worker_rows(
        h, in_numerator=True, measure="caseload", weight="fte",
        reason=text(h.caseload, " children on ", h.fte, " FTE"))


SW_CASELOAD_AVG = Indicator(
    id="sw_caseload_avg", title="Average caseload of social workers (per FTE)",
    definition="snapshot: Σ caseloads of case holders ÷ Σ FTE of case holders (value to "
    "1 dp; numerator = Σ caseloads, denominator = Σ FTE)",
    kind="snapshot", polarity="low", unit="mean", lait="Work_Force_AvgNumCase_SW",
    tables=HOLDERS, rows=caseload_avg_rows, area=AREA, subject="worker", weighted=True,
    missing=NO_STAFF, note=TITLES_NOTE)


def over_limit_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    h = sw_case_holders(ctx, p)
    limit = p["limit"]
    return worker_rows(
        h, in_numerator=h.caseload > limit, measure="caseload",
        reason=text(h.caseload, f" children (limit {limit})"))


SW_CASELOAD_OVER_LIMIT_PCT = Indicator(
    id="sw_caseload_over_limit_pct", title="Social workers with more than 20 children",
    definition="*local (20)*: snapshot over case holders: caseload > 20 ÷ case holders",
    kind="snapshot", polarity="low", unit="pct", tables=HOLDERS, rows=over_limit_rows,
    params={"limit": 20}, area=AREA, local=True, subject="worker", missing=NO_STAFF,
    note=TITLES_NOTE)


def agency_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    w = sw_in_post(ctx, p)
    return worker_rows(
        w, in_numerator=w.agency, weight="fte",
        reason=text(ibis.ifelse(w.agency, "agency", "employed"), ", ", w.fte, " FTE"))


SW_AGENCY_PCT = Indicator(
    id="sw_agency_pct", title="Agency social workers (FTE)",
    definition="snapshot over social workers in post: FTE with `prof_agency_worker_flag = "
    "Y` ÷ FTE",
    kind="snapshot", polarity="low", unit="pct", lait="Work_Force_Agecy_Rate",
    tables=STAFF, rows=agency_rows, area=AREA, subject="worker", weighted=True,
    missing=NO_STAFF, note=TITLES_NOTE)


def turnover_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    """Per window: employed (non-agency) social workers in post at its end (weight FTE)
    and those who left in it (numerator FTE; weight 0 unless still in post at its end,
    i.e. leaving on the window's last day)."""
    pro = facts.professionals(ctx)
    pro = pro.filter(facts.is_social_worker(pro.job_title, social_work_titles(p)) & ~pro.agency)
    w = pro.cross_join(ctx.windows)
    started = w.start_date.isnull() | (w.start_date <= w.w_end)
    at_end = started & (w.end_date.isnull() | (w.end_date >= w.w_end))
    left = (w.end_date >= w.w_start) & (w.end_date <= w.w_end)
    w = w.filter(at_end | left).mutate(_at_end=at_end, _left=left.fill_null(False))
    return window_rows(
        w, child_id=None, subject_id="worker_id", event_id="worker_id",
        event_date=ibis.ifelse(w._left, w.end_date, w.w_end),
        in_numerator=w._left, weight=ibis.ifelse(w._at_end, w.fte, 0.0),
        numerator_weight="fte",
        reason=ibis.ifelse(w._left, text("left on ", w.end_date, ", ", w.fte, " FTE"),
                           text("in post at ", w.w_end, ", ", w.fte, " FTE")),
        date_1="start_date", date_1_label="in post from", date_2="end_date",
        date_2_label="left")


SW_TURNOVER_PCT = Indicator(
    id="sw_turnover_pct", title="Social worker turnover (FTE)",
    definition="flow: FTE of social workers whose `prof_end_date` falls in the window and "
    "who were not agency workers ÷ FTE of non-agency social workers in post at the "
    "window's end",
    kind="window", polarity="low", unit="pct", lait="Work_Force_TO_Rate", tables=STAFF,
    rows=turnover_rows, area=AREA, subject="worker", weighted=True, missing=NO_STAFF,
    note=TITLES_NOTE + " A leaver counted in the numerator is in the denominator only if "
    "in post at the window's end (leaving on its last day).")


def establishment_at(ctx: Ctx) -> ir.Table:
    """Each team's funded FTE at each month end: its latest row effective on or before
    it (then the highest id)."""
    e = ctx.t("lantern_establishment")
    e = e.select(team_id="estb_team_id", estb_fte="estb_fte", effective="estb_effective_from",
                 estb_id="estb_establishment_id")
    m = e.cross_join(ctx.months.select(MONTH_END))
    m = m.filter(m.effective <= m[MONTH_END])
    return first_per(m, ["team_id", MONTH_END], [ibis.desc("effective"), ibis.desc("estb_id")])


def vacancy_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    est = establishment_at(ctx)
    w = sw_in_post(ctx, p)
    w = w.filter(~w.agency)
    filled = w.group_by([w.team_id.name("_ft"), w[MONTH_END].name("_fm")]).aggregate(
        filled=w.fte.sum().round(6))  # the same on every engine, whatever order it adds in
    j = est.left_join(filled, (est.team_id == filled._ft) & (est[MONTH_END] == filled._fm))
    j = j.mutate(filled=j.filled.fill_null(0.0))
    vacant = ibis.greatest(j.estb_fte - j.filled, 0.0)
    j = j.mutate(vacant=vacant)
    return snapshot_rows(
        j, child_id=None, subject_id="team_id", event_id="estb_id",
        in_numerator=j.vacant > 0, measure="filled", weight="estb_fte",
        numerator_weight="vacant",
        reason=text("establishment ", j.estb_fte.round(1), " FTE, ", j.filled.round(1),
                    " FTE employed social workers in post: ", j.vacant.round(1),
                    " FTE vacant"),
        date_1="effective", date_1_label="establishment from")


SW_VACANCY_PCT = Indicator(
    id="sw_vacancy_pct", title="Social worker vacancies (FTE)",
    definition="snapshot: vacancies = max(0, establishment FTE − FTE of non-agency social "
    "workers in post), summed per team; ÷ establishment FTE. Establishment from local "
    "table `lantern_establishment` (team, FTE, effective from); `not_available` without it",
    kind="snapshot", polarity="low", unit="pct", lait="Work_Force_Vac_Rate",
    tables=("lantern_establishment", "ssd_professionals"), rows=vacancy_rows, area=AREA,
    subject="team", weighted=True,
    missing={"lantern_establishment": "no establishment loaded", **NO_STAFF},
    note=TITLES_NOTE + " A team's establishment row applies from its date until the "
    "team's next row.")


def supervision_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    days = p["days"]
    h = sw_case_holders(ctx, p)
    s = ctx.t("lantern_supervisions").select(
        _sw="supv_professional_id", _sd="supv_supervision_date")
    j = h.left_join(s, (h.worker_id == s._sw) & (s._sd <= h[MONTH_END]))
    keys = [c for c in h.columns]
    g = j.group_by(keys).aggregate(last=j._sd.max())
    since_sup = days_between(g.last, g[MONTH_END])
    since_start = days_between(g.start_date, g[MONTH_END])
    supervised = g.last.notnull() & (since_sup <= days)
    new = g.start_date.notnull() & (since_start <= days)
    reason = ibis.ifelse(
        supervised, text("supervised ", since_sup, f" days before month end (limit {days})"),
        ibis.ifelse(new, text("started ", since_start, f" days before month end (limit {days})"),
                    ibis.ifelse(g.last.isnull(), ibis.literal("no supervision recorded"),
                                text("last supervised ", since_sup,
                                     f" days before month end (limit {days})"))))
    return snapshot_rows(
        g, child_id=None, subject_id="worker_id", event_id="worker_id",
        in_numerator=supervised | new, measure=since_sup, reason=reason,
        date_1="start_date", date_1_label="in post from",
        date_2="last", date_2_label="latest supervision")


SUPERVISION_ON_TIME_PCT = Indicator(
    id="supervision_on_time_pct", title="Social workers supervised in the last 42 days",
    definition="*local (42 days)*: snapshot over case holders: latest supervision "
    "(`lantern_supervisions`) dated within the 42 days up to month end, or "
    "`prof_start_date` within those 42 days ÷ case holders",
    kind="snapshot", polarity="high", unit="pct",
    tables=("ssd_professionals", "ssd_involvements", "lantern_supervisions"),
    rows=supervision_rows, params={"days": 42}, area=AREA, local=True, subject="worker",
    missing={"lantern_supervisions": "no supervisions loaded", **NO_STAFF},
    note=TITLES_NOTE + " Within 42 days: month end − date ≤ 42 (a supervision exactly 42 "
    "days before month end is due that day, not late — as the supervision alert).")


INDICATORS = [
    SW_CASELOAD_AVG,
    SW_CASELOAD_OVER_LIMIT_PCT,
    SW_AGENCY_PCT,
    SW_TURNOVER_PCT,
    SW_VACANCY_PCT,
    SUPERVISION_ON_TIME_PCT,
]
