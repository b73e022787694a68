"""Section 47 and child protection (KPIS.md section "Section 47 and child protection")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from lantern.facts import cp_plans_open
from lantern.facts.plans import cp_plans
from lantern.measures.core import (
    MONTH_END,
    Ctx,
    Indicator,
    add_months,
    age_years,
    days_between,
    first_per,
    shared,
    snapshot_rows,
    standard,
    text,
    wd_between,
    yes,
)

AREA = "Section 47 and child protection"
PLANS = ("ssd_cp_plans",)


def s47_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    s = ctx.t("ssd_s47_enquiry")
    s = s.filter(s.s47e_s47_start_date.notnull())
    return standard(
        s, child_id="s47e_person_id", event_id="s47e_s47_enquiry_id",
        event_date="s47e_s47_start_date", in_numerator=True,
        reason=text("section 47 enquiry started ", s.s47e_s47_start_date),
        date_1="s47e_s47_start_date", date_1_label="s47 start",
    )


S47_RATE_PER_10K = Indicator(
    id="s47_rate_per_10k", title="Section 47 enquiries per 10,000 children",
    definition="flow: section 47 enquiries started (`S47ActualStartDate`), "
    "`rolling_12m` ÷ population × 10,000",
    kind="flow", polarity="neutral", unit="rate", lait="Section_47",
    tables=("ssd_s47_enquiry",), rows=s47_rows, area=AREA, periods=("rolling_12m",),
    breakdowns=("authority",))


def icpc_15_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    s = ctx.t("ssd_s47_enquiry")
    s = s.filter(s.s47e_s47_start_date.notnull())
    c = ctx.t("ssd_initial_cp_conference")
    c = c.filter(c.icpc_icpc_date.notnull() & c.icpc_s47_enquiry_id.notnull())
    first = c.group_by(_sid=c.icpc_s47_enquiry_id).aggregate(icpc_date=c.icpc_icpc_date.min())
    j = s.join(first, s.s47e_s47_enquiry_id == first._sid)
    j = wd_between(ctx, j, "s47e_s47_start_date", "icpc_date", "wd")
    limit = p["limit_wd"]
    return standard(
        j, child_id="s47e_person_id", event_id="s47e_s47_enquiry_id", event_date="icpc_date",
        in_numerator=j.wd <= limit, measure=j.wd,
        reason=text("ICPC ", j.wd, f" working days after s47 start (limit {limit})"),
        date_1="s47e_s47_start_date", date_1_label="s47 start",
        date_2="icpc_date", date_2_label="ICPC",
    )


ICPC_15WD_PCT = Indicator(
    id="icpc_15wd_pct", title="Initial conferences within 15 working days of s47 start",
    definition="flow over section 47 enquiries whose initial conference "
    "(`Section47/DateOfInitialCPC`) was held in the window: `wd(S47ActualStartDate, "
    "DateOfInitialCPC) ≤ 15` ÷ those",
    kind="flow", polarity="high", unit="pct", lait="CP_conf_15days",
    tables=("ssd_s47_enquiry", "ssd_initial_cp_conference"), rows=icpc_15_rows,
    params={"limit_wd": 15}, area=AREA)


def icpc_plan_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    c = ctx.t("ssd_initial_cp_conference")
    c = c.filter(c.icpc_icpc_date.notnull())
    hit = yes(c.icpc_icpc_outcome_cp_flag)
    return standard(
        c, child_id="icpc_person_id", event_id="icpc_icpc_id", event_date="icpc_icpc_date",
        in_numerator=hit,
        reason=ibis.ifelse(hit, "ICPC started a CP plan", "ICPC did not start a CP plan"),
        date_1="icpc_icpc_date", date_1_label="ICPC",
    )


ICPC_TO_PLAN_PCT = Indicator(
    id="icpc_to_plan_pct", title="Initial conferences that started a CP plan",
    definition="flow: ICPCs held that started a CP plan ÷ ICPCs held",
    kind="flow", polarity="neutral", unit="pct", tables=("ssd_initial_cp_conference",),
    rows=icpc_plan_rows, area=AREA)


@shared
def open_plans(ctx: Ctx) -> ir.Table:
    """CP plans open at each month end (`lantern.facts.cp_plans_open`, every plan)."""
    return cp_plans_open(ctx, ctx.months, per_child=False, as_of=MONTH_END)


@shared
def children_on_plan(ctx: Ctx) -> ir.Table:
    """One row per child per month end on a plan (`lantern.facts.cp_plans_open`)."""
    return cp_plans_open(ctx, ctx.months, as_of=MONTH_END)


def cp_open_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    o = children_on_plan(ctx)
    return snapshot_rows(
        o, child_id="child", event_id="plan_id", in_numerator=True,
        reason=text("on a CP plan since ", o.start),
        date_1="start", date_1_label="plan start", date_2="end", date_2_label="plan end",
    )


CP_PLANS_OPEN = Indicator(
    id="cp_plans_open", title="Children subject to a CP plan",
    definition="snapshot: distinct children subject to a CP plan",
    kind="snapshot", polarity="neutral", unit="count", lait="CPP_Num", tables=PLANS,
    rows=cp_open_rows, area=AREA)


CP_RATE_PER_10K = Indicator(
    id="cp_rate_per_10k", title="Children subject to a CP plan per 10,000",
    definition="`cp_plans_open` ÷ population × 10,000",
    kind="snapshot", polarity="neutral", unit="rate", lait="CPP_rate", tables=PLANS,
    rows=cp_open_rows, area=AREA, breakdowns=("authority",))


def cp_start_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    c = cp_plans(ctx)
    return standard(
        c, child_id="child", event_id="plan_id", event_date="start", in_numerator=True,
        reason=text("CP plan started ", c.start), date_1="start", date_1_label="plan start",
    )


CP_STARTS = Indicator(
    id="cp_starts", title="CP plans starting",
    definition="flow: CP plans starting",
    kind="flow", polarity="neutral", unit="count", lait="CPP_Abuse", tables=PLANS,
    rows=cp_start_rows, area=AREA)


def second_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    c = cp_plans(ctx)
    o = c.select(_oc="child", _os="start")
    j = c.left_join(o, (c.child == o._oc) & (o._os < c.start))
    g = j.group_by(["plan_id", "child", "start", "previous"]).aggregate(prev=j._os.max())
    prev_n = g.previous.fill_null(0)
    hit = g.prev.notnull() | (prev_n > 0)
    reason = ibis.ifelse(
        g.prev.notnull(), text("earlier CP plan started ", g.prev),
        ibis.ifelse(prev_n > 0, text("NumberOfPreviousCPP ", g.previous),
                    ibis.literal("no earlier CP plan")))
    return standard(
        g, child_id="child", event_id="plan_id", event_date="start", in_numerator=hit,
        reason=reason, date_1="start", date_1_label="plan start",
        date_2="prev", date_2_label="earlier plan start",
    )


CP_SECOND_SUBSEQUENT_PCT = Indicator(
    id="cp_second_subsequent_pct", title="CP plans that are a second or subsequent plan",
    definition="flow over plans starting: child had any earlier CP plan (loaded history "
    "or `NumberOfPreviousCPP > 0`) ÷ plans starting",
    kind="flow", polarity="low", unit="pct", lait="PrevRegCPR", tables=PLANS,
    rows=second_rows, area=AREA)


def repeat_2y_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    c = cp_plans(ctx)
    c = c.mutate(since=add_months(c.start, -12 * p["years"]))
    o = c.select(_oc="child", _os="start", _oe="end", _oid="plan_id")
    j = c.left_join(o, (c.child == o._oc) & (o._oid != c.plan_id) & (o._os < c.start)
                    & o._oe.notnull() & (o._oe <= c.start) & (o._oe >= c.since))
    g = j.group_by(["plan_id", "child", "start", "since"]).aggregate(prev_end=j._oe.max())
    hit = g.prev_end.notnull()
    return standard(
        g, child_id="child", event_id="plan_id", event_date="start", in_numerator=hit,
        reason=ibis.ifelse(hit, text("earlier plan ended ", g.prev_end, " (on or after ",
                                     g.since, ")"),
                           text("no earlier plan ended between ", g.since, " and ", g.start)),
        date_1="start", date_1_label="plan start",
        date_2="prev_end", date_2_label="earlier plan end",
    )


CP_REPEAT_WITHIN_2Y_PCT = Indicator(
    id="cp_repeat_within_2y_pct", title="CP plans starting within 2 years of a previous plan",
    definition="*local*: flow over plans starting: an earlier plan of the child ended "
    "within 2 years before this start ÷ plans starting",
    kind="flow", polarity="low", unit="pct", tables=PLANS, rows=repeat_2y_rows,
    params={"years": 2}, area=AREA, local=True,
    note="An earlier plan (started before this one) whose end is on or after "
    "(start − 2 years) and on or before this start.")


def ended_2y_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    c = cp_plans(ctx)
    c = c.filter(c.end.notnull())
    c = c.mutate(days=days_between(c.start, c.end))
    limit = p["min_days"]
    return standard(
        c, child_id="child", event_id="plan_id", event_date="end",
        in_numerator=c.days >= limit, measure=c.days,
        reason=text("plan lasted ", c.days, f" days (2 years = {limit})"),
        date_1="start", date_1_label="plan start", date_2="end", date_2_label="plan end",
    )


CP_ENDED_2Y_PLUS_PCT = Indicator(
    id="cp_ended_2y_plus_pct", title="CP plans ending that lasted 2 years or more",
    definition="flow over plans ended in the window: `end − start ≥ 729 days` (DfE: more "
    "than 729 days including the day of cessation) ÷ plans ended",
    kind="flow", polarity="low", unit="pct", lait="CPPlans2yrs", tables=PLANS,
    rows=ended_2y_rows, params={"min_days": 729}, area=AREA)


def open_2y_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    o = open_plans(ctx)
    o = o.mutate(days=days_between(o.start, o.month_end))
    limit = p["min_days"]
    return snapshot_rows(
        o, child_id="child", event_id="plan_id", in_numerator=o.days >= limit, measure=o.days,
        reason=text("open ", o.days, f" days at month end (2 years = {limit})"),
        date_1="start", date_1_label="plan start",
    )


CP_OPEN_2Y_PLUS_PCT = Indicator(
    id="cp_open_2y_plus_pct", title="Open CP plans lasting 2 years or more",
    definition="snapshot: open plans with `month end − start ≥ 729 days` ÷ open plans",
    kind="snapshot", polarity="low", unit="pct", lait="CPPlans2yrsActive", tables=PLANS,
    rows=open_2y_rows, params={"min_days": 729}, area=AREA)


def reviews_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    """Review sequence per plan: first due start + 3 months, then previous review + 6
    months; a late review or an overdue due date on or before month end fails."""
    first_m, next_m = p["first_months"], p["next_months"]
    kids = children_on_plan(ctx)
    kids = kids.filter(kids.start <= kids.me_m3)
    r = ctx.t("ssd_cp_reviews")
    r = r.filter(r.cppr_cp_review_date.notnull()).select(
        _rplan="cppr_cp_plan_id", _rdate="cppr_cp_review_date")
    pl = cp_plans(ctx).select(_pplan="plan_id", _pstart="start")
    r = r.join(pl, r._rplan == pl._pplan)
    r = r.filter(r._rdate >= r._pstart)
    w = ibis.window(group_by="_rplan", order_by="_rdate")
    r = r.mutate(_prev=r._rdate.lag().over(w))
    r = r.mutate(_due=ibis.ifelse(r._prev.isnull(), add_months(r._pstart, first_m),
                                  add_months(r._prev, next_m)))
    r = r.mutate(_late=(r._rdate > r._due).cast("int64"))
    j = kids.left_join(r, (kids.plan_id == r._rplan) & (r._rdate <= kids.month_end))
    g = j.group_by(["child", "plan_id", "month_end", "start"]).aggregate(
        late=j._late.sum().fill_null(0), last=j._rdate.max(), first_late=ibis.ifelse(
            j._late == 1, j._rdate, ibis.null().cast("date")).min())
    next_due = ibis.ifelse(g.last.isnull(), add_months(g.start, first_m),
                           add_months(g.last, next_m))
    g = g.mutate(next_due=next_due)
    overdue = g.next_due <= g.month_end
    ok = (g.late == 0) & ~overdue
    reason = ibis.ifelse(
        g.late > 0, text("review held late on ", g.first_late),
        ibis.ifelse(overdue, text("review due ", g.next_due, " not held by month end"),
                    text("all reviews on time; next due ", g.next_due)))
    return snapshot_rows(
        g, child_id="child", event_id="plan_id", in_numerator=ok, reason=reason,
        date_1="start", date_1_label="plan start", date_2="last", date_2_label="latest review",
    )


CP_REVIEWS_ON_TIME_PCT = Indicator(
    id="cp_reviews_on_time_pct", title="Children on a CP plan with reviews on time",
    definition="snapshot over children on a plan at month end whose plan started on or "
    "before (month end − 3 months): every review due so far was held on time — first "
    "due at start + 3 months, each next due at the previous review's date + 6 months; a "
    "review is on time if held on or before its due date; a due date on or before month "
    "end with no review by then is late (and ends the sequence) ÷ those children",
    kind="snapshot", polarity="high", unit="pct", lait="RevCP",
    tables=("ssd_cp_plans", "ssd_cp_reviews"), rows=reviews_rows,
    params={"first_months": 3, "next_months": 6}, area=AREA,
    note="A child with two open plans is judged on the plan with the latest start.")


def visits_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    limit = p["limit_wd"]
    o = open_plans(ctx)
    o = wd_between(ctx, o, "start", "month_end", "age_wd")
    o = o.filter(o.age_wd > limit)
    v = ctx.t("ssd_cp_visits")
    v = v.filter(yes(v.cppv_cp_visit_seen) & v.cppv_cp_visit_date.notnull()).select(
        _vplan="cppv_cp_plan_id", _vdate="cppv_cp_visit_date")
    j = o.left_join(v, (o.plan_id == v._vplan) & (v._vdate <= o.month_end))
    g = j.group_by(["child", "plan_id", "month_end", "start"]).aggregate(last=j._vdate.max())
    g = wd_between(ctx, g, "last", "month_end", "since")
    hit = g.last.notnull() & (g.since <= limit)
    reason = ibis.ifelse(
        g.last.isnull(), ibis.literal("no visit with the child seen"),
        text("child last seen ", g.since, f" working days before month end (limit {limit})"))
    return snapshot_rows(
        g, child_id="child", event_id="plan_id", in_numerator=hit, reason=reason,
        date_1="start", date_1_label="plan start", date_2="last", date_2_label="last seen",
    )


CP_VISITS_10WD_PCT = Indicator(
    id="cp_visits_10wd_pct", title="CP plans with the child seen in the last 10 working days",
    definition="*local (10)*: snapshot over plans open at month end that started more "
    "than 10 wd before it: the latest visit where the child was seen is within 10 wd "
    "before month end ÷ those plans",
    kind="snapshot", polarity="high", unit="pct",
    tables=("ssd_cp_plans", "ssd_cp_visits"), rows=visits_rows, params={"limit_wd": 10},
    area=AREA, local=True)


def seen_alone_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    v = ctx.t("ssd_cp_visits")
    v = v.filter(yes(v.cppv_cp_visit_seen) & v.cppv_cp_visit_date.notnull())
    per = ctx.t("ssd_person")
    per = first_per(per.select(_pid="pers_person_id", _dob="pers_dob"), ["_pid"], ["_dob"])
    j = v.join(per, v.cppv_person_id == per._pid)
    j = j.filter(j._dob.notnull())
    j = j.mutate(age=age_years(j._dob, j.cppv_cp_visit_date))
    j = j.filter(j.age >= p["min_age"])
    hit = yes(j.cppv_cp_visit_seen_alone)
    return standard(
        j, child_id="cppv_person_id", event_id="cppv_cp_visit_id",
        event_date="cppv_cp_visit_date", in_numerator=hit,
        reason=ibis.ifelse(hit, text("seen alone, aged ", j.age),
                           text("seen, not alone, aged ", j.age)),
        date_1="cppv_cp_visit_date", date_1_label="visit", date_2="_dob",
        date_2_label="date of birth",
    )


CP_SEEN_ALONE_PCT = Indicator(
    id="cp_seen_alone_pct", title="CP visits where the child was seen alone",
    definition="*local*: flow over CP visits where the child was seen: seen alone ÷ "
    "visits (children aged 4+ at the visit)",
    kind="flow", polarity="high", unit="pct", tables=("ssd_cp_visits", "ssd_person"),
    rows=seen_alone_rows, params={"min_age": 4}, area=AREA, local=True)


INDICATORS = [
    S47_RATE_PER_10K,
    ICPC_15WD_PCT,
    ICPC_TO_PLAN_PCT,
    CP_PLANS_OPEN,
    CP_RATE_PER_10K,
    CP_STARTS,
    CP_SECOND_SUBSEQUENT_PCT,
    CP_REPEAT_WITHIN_2Y_PCT,
    CP_ENDED_2Y_PLUS_PCT,
    CP_OPEN_2Y_PLUS_PCT,
    CP_REVIEWS_ON_TIME_PCT,
    CP_VISITS_10WD_PCT,
    CP_SEEN_ALONE_PCT,
]
