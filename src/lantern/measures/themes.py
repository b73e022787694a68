"""Exploitation, missing, placements at distance and early help (KPIS.md section
"Thematic").

Children's rows, broken down as usual. Who is looked after is `lantern.facts` (via
`cared_for.cla_open`), referrals are `front_door.referrals_base` and CIN episodes
`lantern.facts.plans.cin_episodes`; none is re-derived here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from lantern.facts.plans import cin_episodes
from lantern.measures.cared_for import cla_open
from lantern.measures.core import (
    MONTH_END,
    Ctx,
    Indicator,
    add_months,
    at_month_ends,
    days_between,
    first_per,
    shared,
    snapshot_rows,
    standard,
    text,
    window_rows,
)
from lantern.measures.front_door import referrals_base

AREA = "Exploitation, missing, placements and early help"
EXPLOITATION = ("lantern_exploitation_assessments",)
NO_EXPLOITATION = {"lantern_exploitation_assessments":
                   "no exploitation risk assessments loaded"}
RED = "RED"


def exploitation_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    a = ctx.t("lantern_exploitation_assessments")
    a = a.filter(a.expl_assessment_date.notnull())
    return standard(
        a, child_id="expl_person_id", event_id="expl_assessment_id",
        event_date="expl_assessment_date", in_numerator=True,
        reason=text("assessed on ", a.expl_assessment_date, ", graded ", a.expl_rag),
        date_1="expl_assessment_date", date_1_label="assessed")


EXPLOITATION_ASSESSMENTS = Indicator(
    id="exploitation_assessments", title="Exploitation risk assessments",
    definition="flow: exploitation risk assessments dated in the window",
    kind="flow", polarity="neutral", unit="count", tables=EXPLOITATION,
    rows=exploitation_rows, area=AREA, missing=NO_EXPLOITATION)


def exploitation_red_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    a = ctx.t("lantern_exploitation_assessments")
    a = a.filter(a.expl_assessment_date.notnull())
    m = at_month_ends(ctx, a, "expl_assessment_date", None)
    latest = first_per(m, ["expl_person_id", MONTH_END],
                       [ibis.desc("expl_assessment_date"), ibis.desc("expl_assessment_id")])
    latest = latest.mutate(since=add_months(latest[MONTH_END], -p["months"]))
    red = latest.filter((latest.expl_rag.fill_null("").upper() == RED)
                        & (latest.expl_assessment_date >= latest.since))
    return snapshot_rows(
        red, child_id="expl_person_id", event_id="expl_assessment_id", in_numerator=True,
        reason=text("latest assessment ", red.expl_assessment_date, " graded red (on or "
                    "after ", red.since, ")"),
        date_1="expl_assessment_date", date_1_label="latest assessment")


EXPLOITATION_RED = Indicator(
    id="exploitation_red", title="Children assessed at red risk of exploitation",
    definition="snapshot: children whose latest assessment on or before month end is "
    "graded RED and is dated within the 6 months to month end",
    kind="snapshot", polarity="neutral", unit="count", tables=EXPLOITATION,
    rows=exploitation_red_rows, params={"months": 6}, area=AREA, missing=NO_EXPLOITATION,
    note="Within the 6 months: dated on or after month end − 6 months (31 March − 6 "
    "months = 30 September, clamped).")


@shared
def missing_by_window(ctx: Ctx) -> ir.Table:
    """Per window: each child with a ``MISSING = M`` episode starting in it, their
    number of such episodes and the first."""
    m = ctx.t("ssd_missing")
    m = m.filter(m.miss_missing_episode_start_date.notnull() & m.miss_person_id.notnull()
                 & (m.miss_missing_episode_type.fill_null("").upper() == "M"))
    w = m.cross_join(ctx.windows)
    w = w.filter((w.miss_missing_episode_start_date >= w.w_start)
                 & (w.miss_missing_episode_start_date <= w.w_end))
    return w.group_by(["miss_person_id", "w_end", "w_period", "w_start"]).aggregate(
        episodes=w.miss_table_id.count(), first=w.miss_missing_episode_start_date.min(),
        last=w.miss_missing_episode_start_date.max())


def missing_children_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    g = missing_by_window(ctx)
    return window_rows(
        g, child_id="miss_person_id", event_id="miss_person_id", event_date="first",
        in_numerator=True, measure="episodes",
        reason=text(g.episodes, " missing episode(s) starting in the window"),
        date_1="first", date_1_label="first missing", date_2="last",
        date_2_label="last missing")


MISSING_CHILDREN = Indicator(
    id="missing_children", title="Children who went missing",
    definition="flow: distinct children with a `MISSING = M` episode starting in the window",
    kind="window", polarity="neutral", unit="count", tables=("ssd_missing",),
    rows=missing_children_rows, area=AREA)


def missing_repeat_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    g = missing_by_window(ctx)
    n = p["episodes"]
    return window_rows(
        g, child_id="miss_person_id", event_id="miss_person_id", event_date="first",
        in_numerator=g.episodes >= n, measure="episodes",
        reason=text(g.episodes, f" missing episode(s) starting in the window ({n} or more "
                    "is repeat)"),
        date_1="first", date_1_label="first missing", date_2="last",
        date_2_label="last missing")


MISSING_REPEAT_PCT = Indicator(
    id="missing_repeat_pct", title="Children missing 3 or more times",
    definition="flow over children with a `M` episode starting in the window: 3 or more "
    "`M` episodes starting in the window ÷ those children",
    kind="window", polarity="low", unit="pct", tables=("ssd_missing",),
    rows=missing_repeat_rows, params={"episodes": 3}, area=AREA)


def distance_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    o = cla_open(ctx)
    pl = ctx.t("ssd_cla_placement").select(
        _plid="clap_cla_placement_id", distance="clap_cla_placement_distance")
    pl = pl.filter(pl.distance.notnull())
    pl = first_per(pl, ["_plid"], ["distance"])
    j = o.join(pl, o.placement_id == pl._plid)
    miles = p["miles"]
    return snapshot_rows(
        j, child_id="child", event_id="placement_id", in_numerator=j.distance > miles,
        measure="distance",
        reason=text("placed ", j.distance, f" miles from home (limit {miles})"),
        date_1="p_start", date_1_label="period start", date_2="start",
        date_2_label="episode start")


CLA_PLACED_20MILES_PCT = Indicator(
    id="cla_placed_20miles_pct", title="Children looked after placed more than 20 miles "
    "from home",
    definition="snapshot over `cla_open` whose current placement has a distance recorded: "
    "distance > 20 miles ÷ those children (DfE's `LACDistance` also requires placement "
    "outside the authority: comparable, not identical)",
    kind="snapshot", polarity="low", unit="pct", lait="LACDistance",
    tables=("ssd_cla_episodes", "ssd_cla_placement"), rows=distance_rows,
    params={"miles": 20}, area=AREA)


EARLY_HELP = ("ssd_early_help_episodes",)
NO_EARLY_HELP = {"ssd_early_help_episodes": "no early-help episodes loaded"}


@shared
def early_help(ctx: Ctx) -> ir.Table:
    """Early-help episodes with a start: ``eh_id``, ``child``, ``eh_start``, ``eh_end``."""
    e = ctx.t("ssd_early_help_episodes")
    e = e.filter(e.earl_episode_start_date.notnull() & e.earl_person_id.notnull())
    return e.select(eh_id="earl_episode_id", child="earl_person_id",
                    eh_start="earl_episode_start_date", eh_end="earl_episode_end_date")


def early_help_open_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    o = at_month_ends(ctx, early_help(ctx), "eh_start", "eh_end")
    return snapshot_rows(
        o, child_id="child", event_id="eh_id", in_numerator=True,
        reason=text("early help from ", o.eh_start),
        date_1="eh_start", date_1_label="early help start", date_2="eh_end",
        date_2_label="early help end")


EARLY_HELP_OPEN = Indicator(
    id="early_help_open", title="Open early-help episodes",
    definition="snapshot: open early-help episodes",
    kind="snapshot", polarity="neutral", unit="count", tables=EARLY_HELP,
    rows=early_help_open_rows, area=AREA, missing=NO_EARLY_HELP)


def step_up_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    days = p["days"]
    r = referrals_base(ctx).select("cine_referral_id", "cine_person_id", "cine_referral_date")
    eh = early_help(ctx)
    j = r.left_join(eh, (r.cine_person_id == eh.child) & (eh.eh_start <= r.cine_referral_date)
                    & (eh.eh_end.isnull()
                       | (days_between(eh.eh_end, r.cine_referral_date) <= days)))
    g = j.group_by(["cine_referral_id", "cine_person_id", "cine_referral_date"]).aggregate(
        eh_start=j.eh_start.max(), eh_end=j.eh_end.max(), n=j.eh_id.count(),
        still_open=(j.eh_id.notnull() & j.eh_end.isnull()).cast("int64").sum())
    hit = g.n > 0
    ended = ibis.ifelse(g.still_open > 0, ibis.null().cast("date"), g.eh_end)
    reason = ibis.ifelse(
        ~hit, ibis.literal(f"no early help open or ended in the {days} days before"),
        ibis.ifelse(ended.isnull() | (ended >= g.cine_referral_date),
                    text("early help open on the referral date (from ", g.eh_start, ")"),
                    text("early help ended ", days_between(ended, g.cine_referral_date),
                         f" days before the referral (limit {days})")))
    return standard(
        g, child_id="cine_person_id", event_id="cine_referral_id",
        event_date="cine_referral_date", in_numerator=hit, reason=reason,
        date_1="cine_referral_date", date_1_label="referral date",
        date_2=ended, date_2_label="early help ended")


EARLY_HELP_STEP_UP_PCT = Indicator(
    id="early_help_step_up_pct", title="Referrals stepped up from early help",
    definition="flow over referrals: the child had an early-help episode open on the "
    "referral date, or ended in the 30 days before it ÷ referrals",
    kind="flow", polarity="neutral", unit="pct",
    tables=("ssd_cin_episodes", "ssd_early_help_episodes"), rows=step_up_rows,
    params={"days": 30}, area=AREA, missing=NO_EARLY_HELP,
    note="Ended in the 30 days before: referral date − end date ≤ 30 days.")


def step_down_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    days = p["days"]
    eh = early_help(ctx)
    c = cin_episodes(ctx)
    c = c.filter(c.end.notnull()).select(_cc="child", closed="end")
    gap = days_between(c.closed, eh.eh_start)
    j = eh.left_join(c, (eh.child == c._cc) & (c.closed <= eh.eh_start) & (gap <= days))
    g = j.group_by(["eh_id", "child", "eh_start"]).aggregate(closed=j.closed.max())
    hit = g.closed.notnull()
    return standard(
        g, child_id="child", event_id="eh_id", event_date="eh_start", in_numerator=hit,
        reason=ibis.ifelse(hit, text("CIN episode closed ", days_between(g.closed, g.eh_start),
                                     f" days before early help began (limit {days})"),
                           ibis.literal(f"no CIN episode closed in the {days} days before")),
        date_1="eh_start", date_1_label="early help start",
        date_2="closed", date_2_label="CIN episode closed")


EARLY_HELP_STEP_DOWN_PCT = Indicator(
    id="early_help_step_down_pct", title="Early help stepped down from children's social care",
    definition="flow over early-help episodes starting: the child's CIN episode closed on a "
    "date in the 30 days up to and including the early-help start ÷ early-help starts",
    kind="flow", polarity="neutral", unit="pct",
    tables=("ssd_early_help_episodes", "ssd_cin_episodes"), rows=step_down_rows,
    params={"days": 30}, area=AREA, missing=NO_EARLY_HELP,
    note="CIN episodes are those that were not referrals closed with no further action "
    "(`lantern.facts.plans`); closed 0 to 30 days before the early-help start.")


INDICATORS = [
    EXPLOITATION_ASSESSMENTS,
    EXPLOITATION_RED,
    MISSING_CHILDREN,
    MISSING_REPEAT_PCT,
    CLA_PLACED_20MILES_PCT,
    EARLY_HELP_OPEN,
    EARLY_HELP_STEP_UP_PCT,
    EARLY_HELP_STEP_DOWN_PCT,
]
