"""Children in need (KPIS.md section "Children in need")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from lantern.facts import cin_open
from lantern.measures.core import (
    MONTH_END,
    Ctx,
    Indicator,
    at_month_ends,
    shared,
    snapshot_rows,
    text,
    wd_between,
)

AREA = "Children in need"


@shared
def open_cin(ctx: Ctx) -> ir.Table:
    """Children in need at each month end (`lantern.facts.cin_open`)."""
    return cin_open(ctx, ctx.months, as_of=MONTH_END)


def cin_open_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    o = open_cin(ctx)
    return snapshot_rows(
        o, child_id="child", event_id="ref_id", in_numerator=True,
        reason=text("CIN episode open since referral ", o.start),
        date_1="start", date_1_label="referral date", date_2="end", date_2_label="closed",
    )


CIN_OPEN = Indicator(
    id="cin_open", title="Children in need (open CIN episodes)",
    definition="snapshot: children with an open CIN episode (referral not NFA, not closed)",
    kind="snapshot", polarity="neutral", unit="count", tables=("ssd_cin_episodes",),
    rows=cin_open_rows, area=AREA)


CIN_RATE_PER_10K = Indicator(
    id="cin_rate_per_10k", title="Children in need per 10,000 children",
    definition="`cin_open` ÷ population × 10,000",
    kind="snapshot", polarity="neutral", unit="rate", lait="CIN",
    tables=("ssd_cin_episodes",), rows=cin_open_rows, area=AREA,
    breakdowns=("authority",))


@shared
def open_plans(ctx: Ctx) -> ir.Table:
    c = ctx.t("ssd_cin_plans")
    c = c.filter(c.cinp_cin_plan_start_date.notnull()).select(
        plan_id="cinp_cin_plan_id", child="cinp_person_id", start="cinp_cin_plan_start_date",
        end="cinp_cin_plan_end_date")
    return at_month_ends(ctx, c, "start", "end")


def plans_12m_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    o = open_plans(ctx)
    o = o.filter(o.start < o.me_m12)
    return snapshot_rows(
        o, child_id="child", event_id="plan_id", in_numerator=True,
        reason=text("CIN plan open since ", o.start, " (before ", o.me_m12, ")"),
        date_1="start", date_1_label="plan start",
    )


CIN_PLANS_OVER_12M = Indicator(
    id="cin_plans_over_12m", title="CIN plans open more than 12 months",
    definition="snapshot: open CIN plans whose start is before (month end − 12 months)",
    kind="snapshot", polarity="low", unit="count", tables=("ssd_cin_plans",),
    rows=plans_12m_rows, area=AREA)


def visits_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    limit = p["limit_wd"]
    o = open_plans(ctx)
    o = wd_between(ctx, o, "start", "month_end", "age_wd")
    o = o.filter(o.age_wd > limit)
    v = ctx.t("ssd_cin_visits")
    v = v.filter(v.cinv_cin_visit_date.notnull()).select(
        _vchild="cinv_person_id", _vdate="cinv_cin_visit_date")
    j = o.left_join(v, (o.child == v._vchild) & (v._vdate <= o.month_end))
    g = j.group_by(["child", "plan_id", "month_end", "start"]).aggregate(last=j._vdate.max())
    g = wd_between(ctx, g, "last", "month_end", "since")
    hit = g.last.notnull() & (g.since <= limit)
    reason = ibis.ifelse(
        g.last.isnull(), ibis.literal("no visit recorded"),
        text("last visit ", g.since, f" working days before month end (limit {limit})"))
    return snapshot_rows(
        g, child_id="child", event_id="plan_id", in_numerator=hit, reason=reason,
        date_1="start", date_1_label="plan start", date_2="last", date_2_label="last visit",
    )


CIN_VISITS_ON_TIME_PCT = Indicator(
    id="cin_visits_on_time_pct", title="CIN plans with a visit in the last 20 working days",
    definition="*local (20)*: snapshot over open CIN plans older than 20 wd: latest visit "
    "within 20 wd before month end ÷ those plans",
    kind="snapshot", polarity="high", unit="pct",
    tables=("ssd_cin_plans", "ssd_cin_visits"), rows=visits_rows,
    params={"limit_wd": 20}, area=AREA, local=True,
    note="Visits are matched to the plan by child; any visit counts (seen or not).")


INDICATORS = [
    CIN_OPEN,
    CIN_RATE_PER_10K,
    CIN_PLANS_OVER_12M,
    CIN_VISITS_ON_TIME_PCT,
]
