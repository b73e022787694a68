"""Front door and assessment (KPIS.md section "Front door and assessment")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from lantern.measures.core import (
    Ctx,
    Indicator,
    add_months,
    at_month_ends,
    shared,
    snapshot_rows,
    standard,
    text,
    wd_between,
    yes,
)

AREA = "Front door and assessment"
REF = ("ssd_cin_episodes",)
ASM = ("ssd_cin_assessments", "ssd_cin_episodes")


@shared
def referrals_base(ctx: Ctx) -> ir.Table:
    r = ctx.t("ssd_cin_episodes")
    return r.filter(r.cine_referral_date.notnull())


def referral_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    r = referrals_base(ctx)
    return standard(
        r, child_id="cine_person_id", event_id="cine_referral_id",
        event_date="cine_referral_date", in_numerator=True,
        reason=text("referral on ", r.cine_referral_date),
        date_1="cine_referral_date", date_1_label="referral date",
    )


REFERRALS = Indicator(
    id="referrals", title="Referrals",
    definition="flow: count of referrals (CIN `CINreferralDate`)",
    kind="flow", polarity="neutral", unit="count", lait="CPP_Total_NumRef",
    tables=REF, rows=referral_rows, area=AREA)


REFERRAL_RATE_PER_10K = Indicator(
    id="referral_rate_per_10k", title="Referrals per 10,000 children",
    definition="`referrals.rolling_12m` ÷ population × 10,000",
    kind="flow", polarity="neutral", unit="rate", lait="CPP_Total_Rateper10,000",
    tables=REF, rows=referral_rows, area=AREA, periods=("rolling_12m",),
    breakdowns=("authority",))


def rereferral_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    r = referrals_base(ctx)
    o = r.select(_o_pid="cine_person_id", _o_date="cine_referral_date")
    j = r.left_join(o, (r.cine_person_id == o._o_pid) & (o._o_date < r.cine_referral_date))
    g = j.group_by(["cine_referral_id", "cine_person_id", "cine_referral_date"]).aggregate(
        prev=j._o_date.max())
    g = g.mutate(since=add_months(g.cine_referral_date, -p["months"]))
    hit = g.prev.notnull() & (g.prev >= g.since)
    reason = ibis.ifelse(
        hit, text("earlier referral on ", g.prev, " (on or after ", g.since, ")"),
        ibis.ifelse(g.prev.notnull(),
                    text("latest earlier referral ", g.prev, " is before ", g.since),
                    ibis.literal("no earlier referral")))
    return standard(
        g, child_id="cine_person_id", event_id="cine_referral_id",
        event_date="cine_referral_date", in_numerator=hit, reason=reason,
        date_1="cine_referral_date", date_1_label="referral date",
        date_2="prev", date_2_label="latest earlier referral",
    )


REREFERRAL_12M_PCT = Indicator(
    id="rereferral_12m_pct", title="Re-referrals within 12 months",
    definition="flow: referrals where the same child had an earlier referral (any "
    "outcome) dated on or after (this referral date − 12 months) and before this "
    "referral date ÷ referrals",
    kind="flow", polarity="low", unit="pct", lait="ReReferral", tables=REF,
    rows=rereferral_rows, params={"months": 12}, area=AREA)


def nfa_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    r = referrals_base(ctx)
    hit = yes(r.cine_referral_nfa)
    return standard(
        r, child_id="cine_person_id", event_id="cine_referral_id",
        event_date="cine_referral_date", in_numerator=hit,
        reason=ibis.ifelse(hit, "referral NFA", text("referral NFA flag ", r.cine_referral_nfa)),
        date_1="cine_referral_date", date_1_label="referral date",
    )


REFERRAL_NFA_PCT = Indicator(
    id="referral_nfa_pct", title="Referrals with no further action",
    definition="flow: referrals with `ReferralNFA` true ÷ referrals",
    kind="flow", polarity="neutral", unit="pct", lait="CIN_Refferals_NFA", tables=REF,
    rows=nfa_rows, area=AREA)


@shared
def _assessments_with_referral(ctx: Ctx) -> ir.Table:
    a = ctx.t("ssd_cin_assessments")
    r = referrals_base(ctx).select(_rid="cine_referral_id", ref_date="cine_referral_date")
    return a.join(r, a.cina_referral_id == r._rid).drop("_rid")


@shared
def _authorised(ctx: Ctx) -> ir.Table:
    a = _assessments_with_referral(ctx)
    a = a.filter(a.cina_assessment_auth_date.notnull())
    return wd_between(ctx, a, "ref_date", "cina_assessment_auth_date", "wd")


def assessment_45_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    a = _authorised(ctx)
    limit = p["limit_wd"]
    return standard(
        a, child_id="cina_person_id", event_id="cina_assessment_id",
        event_date="cina_assessment_auth_date", in_numerator=a.wd <= limit,
        measure=a.wd,
        reason=text("authorised ", a.wd, f" working days after referral (limit {limit})"),
        date_1="ref_date", date_1_label="referral date",
        date_2="cina_assessment_auth_date", date_2_label="authorised",
    )


ASSESSMENT_45WD_PCT = Indicator(
    id="assessment_45wd_pct", title="Assessments authorised within 45 working days",
    definition="flow over assessments authorised in the window: `wd(referral date, "
    "AssessmentAuthorisationDate) ≤ 45` ÷ assessments authorised",
    kind="flow", polarity="high", unit="pct", lait="Continue_Assess_Comp", tables=ASM,
    rows=assessment_45_rows, params={"limit_wd": 45}, area=AREA)


def assessment_mean_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    a = _authorised(ctx)
    return standard(
        a, child_id="cina_person_id", event_id="cina_assessment_id",
        event_date="cina_assessment_auth_date", in_numerator=True, measure=a.wd,
        reason=text("authorised ", a.wd, " working days after referral"),
        date_1="ref_date", date_1_label="referral date",
        date_2="cina_assessment_auth_date", date_2_label="authorised",
    )


ASSESSMENT_MEAN_WD = Indicator(
    id="assessment_mean_wd", title="Mean working days from referral to authorisation",
    definition="flow: mean `wd(referral date, authorisation date)` of assessments "
    "authorised",
    kind="flow", polarity="low", unit="mean", tables=ASM, rows=assessment_mean_rows,
    area=AREA)


def open_over_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    a = _assessments_with_referral(ctx)
    a = a.filter(a.cina_assessment_start_date.notnull())
    m = at_month_ends(ctx, a, "cina_assessment_start_date", None)
    m = m.filter(m.cina_assessment_auth_date.isnull()
                 | (m.cina_assessment_auth_date > m.month_end))
    m = wd_between(ctx, m, "ref_date", "month_end", "wd")
    limit = p["limit_wd"]
    m = m.filter(m.wd > limit)
    return snapshot_rows(
        m, child_id="cina_person_id", event_id="cina_assessment_id", in_numerator=True,
        measure=m.wd,
        reason=text("not authorised at month end, ", m.wd,
                    f" working days after referral (limit {limit})"),
        date_1="ref_date", date_1_label="referral date",
        date_2="cina_assessment_start_date", date_2_label="assessment start",
    )


ASSESSMENTS_OPEN_OVER_45WD = Indicator(
    id="assessments_open_over_45wd",
    title="Assessments open more than 45 working days after referral",
    definition="snapshot: assessments started, not authorised by month end, with "
    "`wd(referral date, month end) > 45`",
    kind="snapshot", polarity="low", unit="count", tables=ASM, rows=open_over_rows,
    params={"limit_wd": 45}, area=AREA)


INDICATORS = [
    REFERRALS,
    REFERRAL_RATE_PER_10K,
    REREFERRAL_12M_PCT,
    REFERRAL_NFA_PCT,
    ASSESSMENT_45WD_PCT,
    ASSESSMENT_MEAN_WD,
    ASSESSMENTS_OPEN_OVER_45WD,
]
