"""Children looked after (KPIS.md section "Children looked after (cared for)").

Episodes, periods of care, who is looked after on a date and whether a placement
begins are derived facts (`lantern.facts.care`: short breaks ignored, a period of care
from its ``RNE = S`` episode to its last ``REC``); compulsory school age is
`lantern.facts.school`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from lantern.facts import episodes, looked_after, of_compulsory_school_age, periods_of_care
from lantern.facts._base import people
from lantern.facts.allocation import involvements
from lantern.facts.plans import cin_episodes, cp_plans
from lantern.measures.core import (
    FAR_FUTURE,
    MONTH_END,
    Ctx,
    Indicator,
    add_months,
    add_wd,
    age_years,
    days_between,
    shared,
    snapshot_rows,
    standard,
    text,
    wd_between,
    window_rows,
    yes,
)

AREA = "Children looked after"
EPS = ("ssd_cla_episodes",)
EPS_PL = ("ssd_cla_episodes", "ssd_cla_placement")
ADOPTION_PLACEMENTS = ("A3", "A4", "A5", "A6")
FOSTER = ("U1", "U2", "U3", "U4", "U5", "U6")
LONG_TERM_FOSTER = ("U1", "U4")


@shared
def cla_open(ctx: Ctx, *, with_place: bool = False) -> ir.Table:
    """Children looked after at each month end (`lantern.facts.looked_after`)."""
    return looked_after(ctx, ctx.months, with_place=with_place, as_of=MONTH_END)


def with_dob(ctx: Ctx, t: ir.Table) -> ir.Table:
    per = people(ctx).select(_pid="person_id", dob="dob")
    return t.left_join(per, t.child == per._pid).drop("_pid")


def cla_open_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    o = cla_open(ctx)
    return snapshot_rows(
        o, child_id="child", event_id="ep_id", in_numerator=True,
        reason=text("looked after; episode from ", o.start, ", legal status ", o.ls),
        date_1="p_start", date_1_label="period start", date_2="start",
        date_2_label="episode start",
    )


CLA_OPEN = Indicator(
    id="cla_open", title="Children looked after",
    definition="snapshot: distinct children with an open 903 episode whose legal status "
    "is not V3/V4",
    kind="snapshot", polarity="neutral", unit="count", lait="LACnum", tables=EPS,
    rows=cla_open_rows, area=AREA)


CLA_RATE_PER_10K = Indicator(
    id="cla_rate_per_10k", title="Children looked after per 10,000 children",
    definition="`cla_open` ÷ population × 10,000",
    kind="snapshot", polarity="neutral", unit="rate", lait="LAC", tables=EPS,
    rows=cla_open_rows, area=AREA, breakdowns=("authority",))


def starts_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    e = episodes(ctx, with_place=False)
    e = e.filter(e.rne.fill_null("").upper() == "S")
    return standard(
        e, child_id="child", event_id=e.period_id.fill_null(e.ep_id), event_date="start",
        in_numerator=True, reason=text("period of care started ", e.start),
        date_1="start", date_1_label="period start",
    )


CLA_STARTS = Indicator(
    id="cla_starts", title="Periods of care starting",
    definition="flow: periods of care starting (`RNE = S`)",
    kind="flow", polarity="neutral", unit="count", lait="LACnum_Start", tables=EPS,
    rows=starts_rows, area=AREA, note="V3/V4 episodes are ignored.")


def ceased_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    e = episodes(ctx, with_place=False)
    e = e.filter(e.end.notnull() & e.rec.notnull() & (e.rec.upper() != "X1"))
    return standard(
        e, child_id="child", event_id=e.period_id.fill_null(e.ep_id), event_date="end",
        in_numerator=True, reason=text("period of care ended ", e.end, " (", e.rec, ")"),
        date_1="end", date_1_label="ceased",
    )


CLA_CEASED = Indicator(
    id="cla_ceased", title="Periods of care ending",
    definition="flow: periods of care ending (`REC ≠ X1`)",
    kind="flow", polarity="neutral", unit="count", lait="LACceased", tables=EPS,
    rows=ceased_rows, area=AREA, note="V3/V4 episodes are ignored.")


def three_plus_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    o = cla_open(ctx)
    e = episodes(ctx).select(_c="child", _s="start", _e="end", _b="begins")
    j = o.left_join(e, o.child == e._c)
    first_open = ((j._s <= j.r12_start) & (j._e.isnull() | (j._e >= j.r12_start))).fill_null(
        False)
    moved = ((j._s >= j.r12_start) & (j._s <= j.month_end) & j._b).fill_null(False)
    g = j.group_by(["child", "ep_id", "month_end", "r12_start"]).aggregate(
        open_first=first_open.cast("int64").sum(), moves=moved.cast("int64").sum())
    g = g.mutate(placements=ibis.ifelse(g.open_first > 0, 1, 0) + g.moves)
    return snapshot_rows(
        g, child_id="child", event_id="ep_id", in_numerator=g.placements >= p["min_placements"],
        measure=g.placements,
        reason=text(g.placements, " placements in the 12 months from ", g.r12_start, " (",
                    ibis.ifelse(g.open_first > 0, "1 open on the first day + ", ""),
                    g.moves, " begun in the window)"),
        date_1="r12_start", date_1_label="window start",
    )


CLA_3PLUS_PLACEMENTS_PCT = Indicator(
    id="cla_3plus_placements_pct", title="Children looked after with 3 or more placements",
    definition="snapshot over `cla_open`: 3 or more placements in the 12-month window to "
    "month end = (1 if an episode is open on the window's first day) + the episodes "
    "starting in the window that begin a new placement. An episode **begins a new "
    "placement** if `RNE` is S, P or B, or `RNE` is T or U unless `PLACE` is A3 or A5 "
    "(placed for adoption with the current foster carer is not a move); `RNE` L never "
    "does. V3/V4 episodes are ignored throughout",
    kind="snapshot", polarity="low", unit="pct", lait="LACStable_2016on", tables=EPS_PL,
    rows=three_plus_rows, params={"min_placements": 3}, area=AREA,
    note="The window's first day is the first of the month 11 months before; an episode "
    "starting on that day is both open on it and begun in the window (counted twice, "
    "as the definition reads).")


def stability_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    o = with_dob(ctx, cla_open(ctx))
    o = o.filter(o.dob.notnull() & o.p_start.notnull())
    o = o.filter((age_years(o.dob, o.month_end) < p["max_age"]) & (o.p_start <= o.me_m30))
    e = episodes(ctx).filter(lambda x: x.begins).select(
        _pid="period_id", _s="start", _id="ep_id", _place="place")
    j = o.left_join(e, (o.period_id == e._pid) & (e._s <= o.month_end))
    rk = ibis.row_number().over(ibis.window(group_by=["child", "month_end"],
                                            order_by=[ibis.desc("_s"), ibis.desc("_id")]))
    j = j.mutate(_rk=rk).filter(lambda x: x._rk < 2)
    nd = ibis.null().cast("date")
    g = j.group_by(["child", "ep_id", "month_end", "me_m24", "p_start"]).aggregate(
        s0=ibis.ifelse(j._rk == 0, j._s, nd).max(),
        p0=ibis.ifelse(j._rk == 0, j._place, ibis.null().cast("string")).max(),
        s1=ibis.ifelse(j._rk == 1, j._s, nd).max())
    adopt = g.p0.fill_null("").upper().isin(list(ADOPTION_PLACEMENTS)) & g.s1.notnull()
    g = g.mutate(placed=ibis.ifelse(adopt, g.s1, g.s0))
    hit = g.placed.notnull() & (g.placed <= g.me_m24)
    return snapshot_rows(
        g, child_id="child", event_id="ep_id", in_numerator=hit,
        reason=text("current placement from ", g.placed,
                    ibis.ifelse(adopt, " (placement before the adoption placement)", ""),
                    "; needs on or before ", g.me_m24),
        date_1="p_start", date_1_label="period start", date_2="placed",
        date_2_label="placement start",
    )


CLA_LONG_TERM_STABILITY_PCT = Indicator(
    id="cla_long_term_stability_pct", title="Long-term placement stability",
    definition="snapshot over `cla_open` aged under 16 at month end whose current period "
    "of care (from the `RNE = S` episode through episodes ended `X1`) started on or "
    "before (month end − 30 months): the current placement started on or before (month "
    "end − 2 years) ÷ those children. The current placement starts at the latest "
    "episode of the period that begins a new placement (rule above); if that placement "
    "is an adoption placement (A3–A6), use the start of the placement before it",
    kind="snapshot", polarity="high", unit="pct", lait="LAC_LongStable%",
    tables=(*EPS_PL, "ssd_person"), rows=stability_rows, params={"max_age": 16},
    area=AREA)


def reviews_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    """Review sequence per period of care (see the definition)."""
    pr = add_wd(ctx, periods_of_care(ctx), "p_start", p["first_wd"], "due1")
    r = ctx.t("ssd_cla_reviews")
    r = r.filter(r.clar_cla_review_date.notnull()
                 & ~yes(r.clar_cla_review_cancelled)).select(
        _rid="clar_cla_review_id", _rp="clar_cla_id", held="clar_cla_review_date")
    j = pr.join(r, pr.period_id == r._rp)
    j = j.filter(j.held > j.p_start)
    w = ibis.window(group_by="period_id", order_by=["held", "_rid"])
    j = j.mutate(k=ibis.row_number().over(w), prev=j.held.lag().over(w))
    due = ibis.cases(
        (j.k == 0, j.due1), (j.k == 1, add_months(j.prev, p["second_months"])),
        else_=add_months(j.prev, p["next_months"]))
    held_rows = j.select("period_id", "child", "p_start", "p_end", k=j.k + 1, due=due,
                         held="held")
    agg = j.group_by(_ap=j.period_id).aggregate(_n=j.k.count(), _last=j.held.max())
    t = pr.left_join(agg, pr.period_id == agg._ap).drop("_ap")
    n = t._n.fill_null(0)
    nxt = ibis.cases(
        (n == 0, t.due1), (n == 1, add_months(t._last, p["second_months"])),
        else_=add_months(t._last, p["next_months"]))
    next_rows = t.select("period_id", "child", "p_start", "p_end", k=n + 1, due=nxt,
                         held=ibis.null().cast("date"))
    u = ibis.union(held_rows, next_rows, distinct=False)
    u = u.filter(u.due.notnull() & (u.p_end.isnull() | (u.due <= u.p_end)))
    hit = u.held.notnull() & (u.held <= u.due)
    reason = ibis.ifelse(
        u.held.isnull(), text("review ", u.k, " due ", u.due, " not held"),
        text("review ", u.k, " due ", u.due, " held ", u.held,
             ibis.ifelse(hit, " (on time)", " (late)")))
    return standard(
        u, child_id="child", event_id=text(u.period_id, "#", u.k), event_date="due",
        in_numerator=hit, reason=reason, date_1="due", date_1_label="due",
        date_2="held", date_2_label="held",
    )


CLA_REVIEWS_ON_TIME_PCT = Indicator(
    id="cla_reviews_on_time_pct", title="Looked-after reviews held on time",
    definition="flow over reviews whose due date falls in the window: held on time ÷ "
    "reviews due. Per period of care: first review due at period start + 20 working "
    "days; second due at the first review's date + 3 months; each later one at the "
    "previous review's date + 6 months. The review answering a due date is the first "
    "review held after the previous one (after the period start for the first), even "
    "if late; on time if held on or before the due date. A due date after the period "
    "of care ended is not due; a due date with no review after it counts late and ends "
    "the sequence",
    kind="flow", polarity="high", unit="pct", tables=("ssd_cla_episodes", "ssd_cla_reviews"),
    rows=reviews_rows, params={"first_wd": 20, "second_months": 3, "next_months": 6},
    area=AREA, note="Cancelled reviews (`clar_cla_review_cancelled = Y`) are not reviews.")


def visits_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    days = p["days"]
    o = cla_open(ctx)
    o = o.filter(o.p_start.notnull() & (days_between(o.p_start, o.month_end) >= days))
    v = ctx.t("ssd_cla_visits")
    v = v.filter(v.clav_cla_visit_date.notnull()).select(
        _vc="clav_person_id", _vd="clav_cla_visit_date")
    j = o.left_join(v, (o.child == v._vc) & (v._vd <= o.month_end))
    g = j.group_by(["child", "ep_id", "month_end", "p_start"]).aggregate(last=j._vd.max())
    since = days_between(g.last, g.month_end)
    hit = g.last.notnull() & (since <= days)
    return snapshot_rows(
        g, child_id="child", event_id="ep_id", in_numerator=hit,
        reason=ibis.ifelse(g.last.isnull(), ibis.literal("no visit recorded"),
                           text("last visit ", since, f" days before month end (limit {days})")),
        date_1="p_start", date_1_label="period start", date_2="last", date_2_label="last visit",
    )


CLA_VISITS_ON_TIME_PCT = Indicator(
    id="cla_visits_on_time_pct", title="Children looked after visited in the last 6 weeks",
    definition="*local (6 weeks)*: snapshot over `cla_open` in care ≥ 6 weeks: a visit "
    "within the 42 days before month end ÷ those children",
    kind="snapshot", polarity="high", unit="pct",
    tables=("ssd_cla_episodes", "ssd_cla_visits"), rows=visits_rows, params={"days": 42},
    area=AREA, local=True,
    note="In care ≥ 6 weeks: month end − period start ≥ 42 days; the visit is on or "
    "before month end and month end − visit ≤ 42 days.")


def completed_checks(ctx: Ctx, types: list[str]) -> ir.Table:
    h = ctx.t("ssd_cla_health")
    st = h.clah_health_check_status.fill_null("Completed").lower()
    return h.filter(h.clah_health_check_date.notnull() & (st == "completed")
                    & h.clah_health_check_type.upper().isin(types)).select(
        _hc="clah_person_id", _hd="clah_health_check_date")


def iha_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    limit = p["limit_wd"]
    pr = periods_of_care(ctx)
    w = pr.cross_join(ctx.windows)
    w = w.filter((w.p_start >= w.w_start) & (w.p_start <= w.w_end))
    w = w.mutate(lasted_to=ibis.ifelse(w.p_end.notnull() & (w.p_end < w.w_end), w.p_end,
                                       w.w_end))
    w = wd_between(ctx, w, "p_start", "lasted_to", "lasted")
    w = w.filter(w.lasted >= limit)
    h = completed_checks(ctx, ["IHA"])
    first = pr.join(h, (pr.child == h._hc) & (h._hd >= pr.p_start)).group_by(
        "period_id").aggregate(iha=lambda x: x._hd.min())
    first = first.select(_ip="period_id", iha="iha")
    w = w.left_join(first, w.period_id == first._ip).drop("_ip")
    w = wd_between(ctx, w, "p_start", "iha", "iha_wd")
    hit = w.iha.notnull() & (w.iha_wd <= limit)
    return window_rows(
        w, child_id="child", event_id="period_id", event_date="p_start", in_numerator=hit,
        reason=ibis.ifelse(w.iha.isnull(), ibis.literal("no initial health assessment"),
                           text("IHA ", w.iha_wd, f" working days after start (limit {limit})")),
        date_1="p_start", date_1_label="period start", date_2="iha", date_2_label="IHA",
    )


IHA_20WD_PCT = Indicator(
    id="iha_20wd_pct", title="Initial health assessments within 20 working days",
    definition="flow over periods of care starting in the window that have lasted ≥ 20 "
    "wd: initial health assessment within 20 wd of the start ÷ those",
    kind="window", polarity="high", unit="pct",
    tables=("ssd_cla_episodes", "ssd_cla_health"), rows=iha_rows, params={"limit_wd": 20},
    area=AREA,
    note="'Lasted' is judged at the window's end (or the period's end if earlier); the "
    "IHA is the first completed IHA on or after the start.")


def _check_rows(ctx: Ctx, p: Mapping[str, Any], types: list[str]) -> ir.Table:
    """Children looked after continuously for 12 months whose latest completed check of
    ``types`` is within ``within_months`` of month end (``young_within_months`` for
    children under ``young_under_age``, when declared)."""
    o = with_dob(ctx, cla_open(ctx))
    o = o.filter(o.p_start.notnull() & (o.p_start <= o.me_m12))
    h = completed_checks(ctx, types)
    j = o.left_join(h, (o.child == h._hc) & (h._hd <= o.month_end))
    g = j.group_by(["child", "ep_id", "month_end", "p_start", "dob"]).aggregate(last=j._hd.max())
    since = add_months(g.month_end, -p["within_months"])
    if p.get("young_within_months"):
        young = g.dob.notnull() & (age_years(g.dob, g.month_end) < p["young_under_age"])
        since = ibis.ifelse(young, add_months(g.month_end, -p["young_within_months"]), since)
    hit = g.last.notnull() & (g.last > since)
    return snapshot_rows(
        g, child_id="child", event_id="ep_id", in_numerator=hit,
        reason=text("latest ", ibis.ifelse(g.last.isnull(), "check: none", "check "), g.last,
                    "; needs after ", since),
        date_1="p_start", date_1_label="period start", date_2="last", date_2_label="latest check",
    )


def health_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    return _check_rows(ctx, p, ["HEALTH_ASSESSMENT", "IHA"])


CLA_HEALTH_ASSESSMENT_PCT = Indicator(
    id="cla_health_assessment_pct", title="Health assessments up to date",
    definition="snapshot over children looked after continuously ≥ 12 months: a health "
    "assessment in the last 12 months (6 months if under 5) ÷ those",
    kind="snapshot", polarity="high", unit="pct", lait="LACHealth%",
    tables=("ssd_cla_episodes", "ssd_cla_health"), rows=health_rows, area=AREA,
    params={"within_months": 12, "young_within_months": 6, "young_under_age": 5},
    note="Continuously ≥ 12 months: current period started on or before month end − 12 "
    "months. 'In the last 12 months': after (month end − 12 months), on or before month "
    "end. IHA and review health assessments both count.")


def dental_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    return _check_rows(ctx, p, ["DENTAL"])


CLA_DENTAL_PCT = Indicator(
    id="cla_dental_pct", title="Dental checks up to date",
    definition="as above with a dental check in the last 12 months",
    kind="snapshot", polarity="high", unit="pct", lait="LACDental%",
    tables=("ssd_cla_episodes", "ssd_cla_health"), rows=dental_rows, area=AREA,
    params={"within_months": 12})


def pep_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    days = p["days"]
    o = with_dob(ctx, cla_open(ctx))
    o = o.filter(o.dob.notnull() & of_compulsory_school_age(o.dob, o.month_end))
    v = ctx.t("lantern_pep_reviews")
    v = v.filter(v.pepr_pep_review_date.notnull()).select(
        _vc="pepr_person_id", _vd="pepr_pep_review_date")
    j = o.left_join(v, (o.child == v._vc) & (v._vd <= o.month_end))
    g = j.group_by(["child", "ep_id", "month_end"]).aggregate(last=j._vd.max())
    since = days_between(g.last, g.month_end)
    hit = g.last.notnull() & (since <= days)
    return snapshot_rows(
        g, child_id="child", event_id="ep_id", in_numerator=hit,
        reason=ibis.ifelse(g.last.isnull(), ibis.literal("no PEP review"),
                           text("PEP review ", since, f" days before month end (limit {days})")),
        date_2="last", date_2_label="latest PEP review",
    )


PEP_CURRENT_PCT = Indicator(
    id="pep_current_pct", title="Personal education plans current",
    definition="*local (termly)*: snapshot over `cla_open` of compulsory school age: a PEP "
    "review within the 122 days before month end ÷ those",
    kind="snapshot", polarity="high", unit="pct",
    tables=("ssd_cla_episodes", "lantern_pep_reviews", "ssd_person"), rows=pep_rows,
    params={"days": 122}, area=AREA, local=True,
    note="Compulsory school age: aged 5 to 15 on the 31 August that starts the school "
    "year containing month end.")


def missing_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    e = episodes(ctx, with_place=False).select("child", "start", "end")
    w = e.cross_join(ctx.windows)
    w = w.filter((w.start <= w.w_end) & (w.end.isnull() | (w.end >= w.w_start)))
    kids = w.select("child", "w_end", "w_period", "w_start").distinct()
    m = ctx.t("ssd_missing")
    m = m.filter(m.miss_missing_episode_start_date.notnull()
                 & (m.miss_missing_episode_type.fill_null("").upper() == "M")).select(
        _mc="miss_person_id", _md="miss_missing_episode_start_date")
    j = kids.left_join(m, (kids.child == m._mc) & (m._md >= kids.w_start)
                       & (m._md <= kids.w_end))
    g = j.group_by(["child", "w_end", "w_period", "w_start"]).aggregate(
        first=j._md.min(), n=j._md.count())
    hit = g.first.notnull()
    return window_rows(
        g, child_id="child", event_id="child", event_date="w_end", in_numerator=hit,
        reason=ibis.ifelse(hit, text(g.n, " missing episode(s), first ", g.first),
                           ibis.literal("no missing episode in the window")),
        date_1="w_start", date_1_label="window start", date_2="first",
        date_2_label="first missing",
    )


CLA_MISSING_PCT = Indicator(
    id="cla_missing_pct", title="Children looked after who went missing",
    definition="flow over distinct children with a non-V3/V4 episode open on any day of "
    "the window: at least one `MISSING = M` episode starting in the window ÷ those "
    "children",
    kind="window", polarity="neutral", unit="pct", lait="Children_missing",
    tables=("ssd_cla_episodes", "ssd_missing"), rows=missing_rows, area=AREA)


def rhi_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    days = p["days"]
    m = ctx.t("ssd_missing")
    m = m.filter(m.miss_missing_episode_end_date.notnull())
    since = days_between(m.miss_missing_episode_end_date, m.miss_rhi_completed_date)
    hit = m.miss_rhi_completed_date.notnull() & (since >= 0) & (since <= days)
    return standard(
        m, child_id="miss_person_id", event_id="miss_table_id",
        event_date="miss_missing_episode_end_date", in_numerator=hit,
        reason=ibis.ifelse(m.miss_rhi_completed_date.isnull(),
                           ibis.literal("no return home interview completed"),
                           text("RHI ", since, f" days after return (limit {days})")),
        date_1="miss_missing_episode_end_date", date_1_label="returned",
        date_2="miss_rhi_completed_date", date_2_label="RHI completed",
    )


RHI_72H_PCT = Indicator(
    id="rhi_72h_pct", title="Return home interviews within 72 hours",
    definition="*local (72 h)*: flow over missing/away episodes ending in the window: "
    "return home interview completed within 72 hours (3 calendar days) of the return ÷ "
    "episodes ended",
    kind="flow", polarity="high", unit="pct", tables=("ssd_missing",), rows=rhi_rows,
    params={"days": 3}, area=AREA, local=True)


def reentry_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    s = episodes(ctx, with_place=False)
    s = s.filter(s.rne.fill_null("").upper() == "S").select(
        "child", "start", pid=s.period_id.fill_null(s.ep_id))
    s = s.mutate(since=add_months(s.start, -p["months"]))
    pr = periods_of_care(ctx)
    pr = pr.filter(pr.p_end.notnull()).select(_pc="child", _pe="p_end")
    j = s.left_join(pr, (s.child == pr._pc) & (pr._pe < s.start))
    g = j.group_by(["child", "start", "pid", "since"]).aggregate(prev_end=j._pe.max())
    hit = g.prev_end.notnull() & (g.prev_end >= g.since)
    return standard(
        g, child_id="child", event_id="pid", event_date="start", in_numerator=hit,
        reason=ibis.ifelse(
            g.prev_end.isnull(), ibis.literal("no earlier period of care"),
            text("previous period ended ", g.prev_end, ibis.ifelse(
                hit, " (within 12 months)", " (more than 12 months before)"))),
        date_1="start", date_1_label="period start", date_2="prev_end",
        date_2_label="previous period end",
    )


CLA_REENTRY_12M_PCT = Indicator(
    id="cla_reentry_12m_pct", title="Re-entries to care within 12 months",
    definition="flow over periods of care starting (`RNE = S`): the child's previous "
    "period of care ended (its last episode's `DEC`, `REC ≠ X1`) on or after (this start "
    "− 12 months) and before this start ÷ periods starting",
    kind="flow", polarity="low", unit="pct", tables=EPS, rows=reentry_rows,
    params={"months": 12}, area=AREA)


def matched_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    o = cla_open(ctx, with_place=True)
    place = o.place.fill_null("").upper()
    o = o.filter(place.isin(list(FOSTER)))
    hit = o.place.upper().isin(list(LONG_TERM_FOSTER))
    return snapshot_rows(
        o, child_id="child", event_id="ep_id", in_numerator=hit,
        reason=text("placement type ", o.place), date_1="start", date_1_label="episode start",
    )


LONG_TERM_MATCHED_PCT = Indicator(
    id="long_term_matched_pct", title="Foster placements that are long-term matched",
    definition="snapshot over `cla_open` whose current episode's `PLACE` is U1–U6 (foster "
    "care): `PLACE` U1 or U4 (long-term) ÷ those",
    kind="snapshot", polarity="high", unit="pct", tables=EPS_PL, rows=matched_rows,
    area=AREA)


def sw_changes_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    cin = cin_episodes(ctx).select("child", s="start", e="end")
    cp = cp_plans(ctx).select("child", s="start", e="end")
    cla = episodes(ctx, with_place=False).select("child", s="start", e="end")
    iv = ibis.union(cin, cp, cla, distinct=False)
    iv = iv.mutate(e=iv.e.fill_null(FAR_FUTURE))
    before = ibis.window(group_by="child", order_by=["s", "e"], rows=(None, -1))
    iv = iv.mutate(pm=iv.e.max().over(before))
    iv = iv.mutate(new=(iv.pm.isnull() | (iv.s > iv.pm + ibis.interval(days=1))).cast("int64"))
    upto = ibis.window(group_by="child", order_by=["s", "e"], rows=(None, 0))
    iv = iv.mutate(island=iv.new.sum().over(upto))
    isl = iv.group_by(["child", "island"]).aggregate(i_s=iv.s.min(), i_e=iv.e.max())
    m = isl.cross_join(ctx.months)
    m = m.filter((m.i_s <= m.r12_start) & (m.i_e >= m.month_end))
    inv = involvements(ctx)
    inv = inv.filter(inv.start.notnull()).select(
        _ic="child_id", _iw="worker_id", _is="start", _ie="end")
    j = m.left_join(inv, (m.child == inv._ic) & (inv._is <= m.month_end)
                    & (inv._ie.isnull() | (inv._ie >= m.r12_start)))
    g = j.group_by(["child", "month_end", "r12_start", "i_s"]).aggregate(
        workers=j._iw.nunique())
    return snapshot_rows(
        g, child_id="child", event_id="child", in_numerator=g.workers >= p["min_workers"],
        measure=g.workers,
        reason=text(g.workers, " allocated social workers from ", g.r12_start, " to month end"),
        date_1="i_s", date_1_label="open since", date_2="r12_start", date_2_label="window start",
    )


SW_CHANGES_3PLUS_PCT = Indicator(
    id="sw_changes_3plus_pct", title="Children with 3 or more social workers in 12 months",
    definition="snapshot over children open at month end (CIN, CP or CLA) for the whole "
    "12 months: 3 or more different allocated social workers during the 12 months ÷ "
    "those children",
    kind="snapshot", polarity="low", unit="pct", lait="Stability_SocialWorker",
    tables=("ssd_involvements",), rows=sw_changes_rows, params={"min_workers": 3},
    area=AREA,
    note="Open = non-NFA CIN episode, CP plan or non-V3/V4 episode; spells that touch or "
    "overlap (next starts no later than the day after) join. Workers counted are the "
    "distinct `SW` involvements overlapping the 12-month window.")


INDICATORS = [
    CLA_OPEN,
    CLA_RATE_PER_10K,
    CLA_STARTS,
    CLA_CEASED,
    CLA_3PLUS_PLACEMENTS_PCT,
    CLA_LONG_TERM_STABILITY_PCT,
    CLA_REVIEWS_ON_TIME_PCT,
    CLA_VISITS_ON_TIME_PCT,
    IHA_20WD_PCT,
    CLA_HEALTH_ASSESSMENT_PCT,
    CLA_DENTAL_PCT,
    PEP_CURRENT_PCT,
    CLA_MISSING_PCT,
    RHI_72H_PCT,
    CLA_REENTRY_12M_PCT,
    LONG_TERM_MATCHED_PCT,
    SW_CHANGES_3PLUS_PCT,
]
