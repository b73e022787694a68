"""Fostering households, MARAC, private fostering, LADO and homeless 16/17-year-olds
(KPIS.md section "Thematic"): the indicators read from the local tables (`lantern_*`),
which the authority keeps outside the case-management system and loads from CSV.

Each indicator declares its subject (`lantern.measures.subjects`): fostering rows are
households and MARAC and LADO rows referrals — not children (``child_id`` empty,
``subject_id`` the record's id), so they have no child breakdowns but their own record's
(household type, referring agency, employer sector: `subjects.RecordBreakdown`); private
fostering rows are arrangements and homelessness rows presentations, each about a child
(``child_id``), broken down like children's records. Adults' names (MARAC victims, LADO
subjects, carers) are never put in the rows: the drill-down shows ids and the dates that
decided each row.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from lantern.facts._base import people
from lantern.measures.core import (
    Ctx,
    Indicator,
    RowsFn,
    add_months,
    age_years,
    at_month_ends,
    days_between,
    shared,
    snapshot_rows,
    standard,
    text,
    wd_between,
    yes,
)
from lantern.model import code_sets

FOSTERING = "Fostering households"
MARAC = "MARAC"
PRIVATE_FOSTERING = "Private fostering"
LADO = "LADO"
HOMELESS = "Homeless 16- and 17-year-olds"

HOUSEHOLDS = ("lantern_foster_households",)
CHECKS = ("lantern_foster_households", "lantern_foster_checks")
MARAC_T = ("lantern_marac_referrals",)
PF = ("lantern_private_fostering",)
PF_VISITS = ("lantern_private_fostering", "lantern_private_fostering_visits")
LADO_T = ("lantern_lado_referrals",)
HOMELESS_T = ("lantern_homeless_presentations",)
#: What a figure says when a local table is empty (`Indicator.missing`).
MISSING = {
    "lantern_foster_households": "no fostering households loaded",
    "lantern_foster_checks": "no fostering household checks loaded",
    "lantern_marac_referrals": "no MARAC referrals loaded",
    "lantern_private_fostering": "no private fostering arrangements loaded",
    "lantern_private_fostering_visits": "no private fostering visits loaded",
    "lantern_lado_referrals": "no LADO referrals loaded",
    "lantern_homeless_presentations": "no homeless 16/17 presentations loaded",
}


def working_days(n: ir.IntegerValue) -> ir.StringValue:
    """"1 working day", "3 working days"."""
    return text(n, ibis.ifelse(n == 1, " working day", " working days"))


def labelled(code: ir.StringValue, code_set: str) -> ir.StringValue:
    """A code as people read it (its label in the model's code set)."""
    return code.substitute(code_sets()[code_set], else_=code)


def record(column: str) -> dict[str, Any]:
    """A row about a household or referral, not a child: its id is the subject."""
    return {"child_id": None, "subject_id": column, "event_id": column}


# --------------------------------------------------------------------------- fostering


@shared
def approved_households(ctx: Ctx) -> ir.Table:
    """Households approved on or before each month end and not deregistered before it."""
    h = ctx.t("lantern_foster_households")
    h = h.filter(h.fhh_approval_date.notnull())
    return at_month_ends(ctx, h, "fhh_approval_date", "fhh_deregistration_date")


def households_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    h = approved_households(ctx)
    return snapshot_rows(
        h, **record("fhh_household_id"), in_numerator=True,
        reason=ibis.ifelse(
            h.fhh_deregistration_date.isnull(), text("approved ", h.fhh_approval_date),
            text("approved ", h.fhh_approval_date, ", deregistered ",
                 h.fhh_deregistration_date)),
        date_1="fhh_approval_date", date_1_label="approved",
        date_2="fhh_deregistration_date", date_2_label="deregistered",
    )


FOSTER_HOUSEHOLDS = Indicator(
    id="foster_households", title="Approved fostering households",
    definition="snapshot: approved fostering households (`lantern_foster_households`: "
    "approved on or before month end, not deregistered before it)",
    kind="snapshot", polarity="high", unit="count", tables=HOUSEHOLDS,
    rows=households_rows, area=FOSTERING, subject="household", missing=MISSING)


def approvals_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    h = ctx.t("lantern_foster_households")
    h = h.filter(h.fhh_approval_date.notnull())
    return standard(
        h, **record("fhh_household_id"), event_date="fhh_approval_date",
        in_numerator=True, reason=text("approved ", h.fhh_approval_date),
        date_1="fhh_approval_date", date_1_label="approved",
    )


FOSTER_APPROVALS = Indicator(
    id="foster_approvals", title="Fostering households approved",
    definition="flow: households approved",
    kind="flow", polarity="high", unit="count", tables=HOUSEHOLDS, rows=approvals_rows,
    area=FOSTERING, subject="household", missing=MISSING)


def with_latest_check(ctx: Ctx, h: ir.Table, check_type: str) -> ir.Table:
    """``h`` (households at month ends) with ``_last``: the household's latest check of
    ``check_type`` (`lantern_foster_checks`) on or before that month end, else null."""
    c = ctx.t("lantern_foster_checks")
    c = c.filter(c.fchk_check_type == check_type)
    keys = h.select(_hid=h.fhh_household_id, _me=h.month_end).distinct()
    latest = keys.join(c, (keys._hid == c.fchk_household_id)
                       & (c.fchk_check_date <= keys._me)) \
        .group_by(["_hid", "_me"]).aggregate(_last=ibis._.fchk_check_date.max())
    return h.left_join(latest, (h.fhh_household_id == latest._hid)
                       & (h.month_end == latest._me)).drop("_hid", "_me")


def currency_rows(check_type: str, what: str) -> RowsFn:
    """Rows of a "current" check on approved households: approved within the months
    to month end, or the latest ``what`` on or before month end dated within them."""

    def rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
        n = p["months"]
        h = with_latest_check(ctx, approved_households(ctx), check_type)
        h = h.mutate(_since=add_months(h.month_end, -n))
        new = h.fhh_approval_date >= h._since
        done = h._last.notnull() & (h._last >= h._since)
        reason = ibis.cases(
            (new, text("approved ", h.fhh_approval_date, f", within {n} months (on or "
                       "after ", h._since, ")")),
            (done, text(f"{what} ", h._last, " (on or after ", h._since, ")")),
            (h._last.isnull(), ibis.literal(f"no {what} recorded by month end")),
            else_=text(f"latest {what} ", h._last, " is before ", h._since))
        return snapshot_rows(
            h, **record("fhh_household_id"), in_numerator=new | done,
            reason=reason, date_1="fhh_approval_date", date_1_label="approved",
            date_2="_last", date_2_label=f"latest {what}",
        )

    return rows


HISTORY_NOTE = ("Each month reads the household's latest {what} on or before that month "
                "end from the dated history of checks (`lantern_foster_checks`); one dated "
                "after month end does not count for it.")

FOSTER_REVIEW_CURRENT_PCT = Indicator(
    id="foster_review_current_pct", title="Fostering households with a current annual review",
    definition="snapshot over approved households: approved within the 12 months to month "
    "end, or annual review dated within them ÷ households",
    kind="snapshot", polarity="high", unit="pct", tables=CHECKS,
    rows=currency_rows("REVIEW", "annual review"), params={"months": 12},
    area=FOSTERING, subject="household", missing=MISSING,
    note="Within the 12 months: on or after month end − 12 months (relativedelta). "
    + HISTORY_NOTE.format(what="annual review"))

FOSTER_DBS_CURRENT_PCT = Indicator(
    id="foster_dbs_current_pct", title="Fostering households with a current DBS check",
    definition="*local (36 months)*: as above with the latest DBS check",
    kind="snapshot", polarity="high", unit="pct", tables=CHECKS,
    rows=currency_rows("DBS", "DBS check"), params={"months": 36},
    area=FOSTERING, subject="household", missing=MISSING, local=True,
    note="Over approved households: approved, or DBS check dated, on or after month end "
    "− 36 months. " + HISTORY_NOTE.format(what="DBS check"))

FOSTER_MEDICAL_CURRENT_PCT = Indicator(
    id="foster_medical_current_pct", title="Fostering households with a current medical",
    definition="*local (36 months)*: as above with the latest medical",
    kind="snapshot", polarity="high", unit="pct", tables=CHECKS,
    rows=currency_rows("MEDICAL", "medical"), params={"months": 36},
    area=FOSTERING, subject="household", missing=MISSING, local=True,
    note="Over approved households: approved, or medical dated, on or after month end "
    "− 36 months. " + HISTORY_NOTE.format(what="medical"))


def tsd_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    h = approved_households(ctx)
    connected = h.fhh_household_type.fill_null("").lower() == "connected"
    months = ibis.ifelse(connected, p["connected_months"], p["months"])
    h = h.mutate(_months=months,
                 _by=ibis.ifelse(connected, add_months(h.month_end, -p["connected_months"]),
                                 add_months(h.month_end, -p["months"])))
    h = with_latest_check(ctx, h.filter(h.fhh_approval_date <= h._by), "TSD")
    done = h._last.notnull()
    return snapshot_rows(
        h, **record("fhh_household_id"), in_numerator=done,
        reason=ibis.ifelse(
            done, text("TSD standards completed ", h._last),
            text("TSD standards not completed by month end (",
                 labelled(h.fhh_household_type, "foster_household_type").lower(),
                 " household approved ", h._months, " months or more)")),
        date_1="fhh_approval_date", date_1_label="approved",
        date_2="_last",
        date_2_label="TSD standards completed",
    )


FOSTER_TSD_PCT = Indicator(
    id="foster_tsd_pct", title="Fostering households with TSD standards completed",
    definition="snapshot over households approved ≥ 12 months before month end (18 for "
    "connected carers): training, support and development standards completed ÷ those",
    kind="snapshot", polarity="high", unit="pct", tables=CHECKS, rows=tsd_rows,
    params={"months": 12, "connected_months": 18}, area=FOSTERING, subject="household",
    missing=MISSING,
    note="Approved ≥ 12 months before: approved on or before month end − 12 months "
    "(relativedelta; 18 for connected-person households); completed on or before month end.")


# --------------------------------------------------------------------------- MARAC


@shared
def marac_with_children(ctx: Ctx) -> ir.Table:
    m = ctx.t("lantern_marac_referrals")
    return m.filter(m.mara_referral_date.notnull() & (m.mara_children_count.fill_null(0) > 0))


def marac_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    m = marac_with_children(ctx)
    return standard(
        m, **record("mara_referral_id"), event_date="mara_referral_date",
        in_numerator=True,
        reason=text("referred ", m.mara_referral_date, " by ",
                    labelled(m.mara_referring_agency, "marac_agency"),
                    "; children in the household: ", m.mara_children_count),
        date_1="mara_referral_date", date_1_label="referred",
    )


MARAC_REFERRALS = Indicator(
    id="marac_referrals", title="MARAC referrals of households with children",
    definition="flow: MARAC referrals of households with children (`lantern_marac_referrals`)",
    kind="flow", polarity="neutral", unit="count", tables=MARAC_T, rows=marac_rows,
    area=MARAC, subject="marac_referral", missing=MISSING,
    note="A household with children: more than 0 children recorded on the referral.")


def marac_repeat_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    m = marac_with_children(ctx)
    a = ctx.t("lantern_marac_referrals")
    o = a.filter(a.mara_referral_date.notnull()).select(
        _o_victim="mara_victim_id", _o_date="mara_referral_date")
    j = m.left_join(o, (m.mara_victim_id == o._o_victim)
                    & (o._o_date < m.mara_referral_date))
    g = j.group_by(["mara_referral_id", "mara_referral_date"]).aggregate(prev=j._o_date.max())
    g = g.mutate(since=add_months(g.mara_referral_date, -p["months"]))
    hit = g.prev.notnull() & (g.prev >= g.since)
    reason = ibis.cases(
        (hit, text("victim's earlier referral ", g.prev, " (on or after ", g.since, ")")),
        (g.prev.notnull(), text("victim's latest earlier referral ", g.prev, " is before ",
                                g.since)),
        else_=ibis.literal("no earlier referral of the victim"))
    return standard(
        g, **record("mara_referral_id"), event_date="mara_referral_date",
        in_numerator=hit, reason=reason, date_1="mara_referral_date",
        date_1_label="referred", date_2="prev", date_2_label="victim's earlier referral",
    )


MARAC_REPEAT_PCT = Indicator(
    id="marac_repeat_pct", title="Repeat MARAC referrals within 12 months",
    definition="flow over referrals: the same victim had an earlier referral dated within "
    "the 12 months before ÷ referrals",
    kind="flow", polarity="neutral", unit="pct", tables=MARAC_T, rows=marac_repeat_rows,
    params={"months": 12}, area=MARAC, subject="marac_referral", missing=MISSING,
    note="Over the referrals `marac_referrals` counts (households with children); the "
    "earlier referral is any of the victim's, dated on or after (this referral date − 12 "
    "months, relativedelta) and before this referral date.")


# --------------------------------------------------------------------------- private fostering


def pf_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    a = ctx.t("lantern_private_fostering")
    a = a.filter(a.pfa_notification_date.notnull())
    return standard(
        a, child_id="pfa_person_id", subject_id="pfa_arrangement_id",
        event_id="pfa_arrangement_id",
        event_date="pfa_notification_date", in_numerator=True,
        reason=text("notified ", a.pfa_notification_date, "; arrangement from ",
                    a.pfa_start_date),
        date_1="pfa_notification_date", date_1_label="notified",
        date_2="pfa_start_date", date_2_label="arrangement start",
    )


PF_NOTIFICATIONS = Indicator(
    id="pf_notifications", title="Private fostering notifications",
    definition="flow: private fostering notifications (`lantern_private_fostering`)",
    kind="flow", polarity="high", unit="count", tables=PF, rows=pf_rows,
    area=PRIVATE_FOSTERING, subject="arrangement", missing=MISSING)


def pf_visits(ctx: Ctx) -> ir.Table:
    v = ctx.t("lantern_private_fostering_visits")
    return v.filter(v.pfv_visit_date.notnull()).select(
        _va="pfv_arrangement_id", _vd="pfv_visit_date")


def pf_initial_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    limit = p["limit_wd"]
    a = ctx.t("lantern_private_fostering")
    a = a.filter(a.pfa_notification_date.notnull())
    v = pf_visits(ctx)
    j = a.left_join(v, a.pfa_arrangement_id == v._va)
    g = j.group_by(["pfa_arrangement_id", "pfa_person_id", "pfa_notification_date"]).aggregate(
        first=j._vd.min())
    g = wd_between(ctx, g, "pfa_notification_date", "first", "wd")
    hit = g.first.notnull() & (g.wd <= limit)
    return standard(
        g, child_id="pfa_person_id", subject_id="pfa_arrangement_id",
        event_id="pfa_arrangement_id",
        event_date="pfa_notification_date", in_numerator=hit, measure=g.wd,
        reason=ibis.ifelse(g.first.isnull(), ibis.literal("no visit recorded"),
                           text("first visit ", working_days(g.wd),
                                f" after notification (limit {limit})")),
        date_1="pfa_notification_date", date_1_label="notified",
        date_2="first", date_2_label="first visit",
    )


PF_INITIAL_VISIT_7WD_PCT = Indicator(
    id="pf_initial_visit_7wd_pct",
    title="Privately fostered children visited within 7 working days of notification",
    definition="flow over notifications: first visit within 7 wd of notification ÷ "
    "notifications",
    kind="flow", polarity="high", unit="pct", tables=PF_VISITS, rows=pf_initial_rows,
    params={"limit_wd": 7}, area=PRIVATE_FOSTERING, subject="arrangement", missing=MISSING,
    note="The first visit is the arrangement's earliest recorded visit; within 7 wd: "
    "wd(notification, first visit) ≤ 7.")


def pf_visits_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    a = ctx.t("lantern_private_fostering")
    a = a.filter(a.pfa_start_date.notnull())
    o = at_month_ends(ctx, a, "pfa_start_date", "pfa_end_date")
    o = o.filter(days_between(o.pfa_start_date, o.month_end) >= p["first_year_days"])
    v = pf_visits(ctx)
    j = o.left_join(v, (o.pfa_arrangement_id == v._va) & (v._vd <= o.month_end))
    g = j.group_by(["pfa_arrangement_id", "pfa_person_id", "pfa_start_date",
                    "month_end"]).aggregate(last=j._vd.max())
    # Over a year old at month end: began before month end − 12 months.
    older = g.pfa_start_date < add_months(g.month_end, -p["year_months"])
    g = g.mutate(_limit=ibis.ifelse(older, p["later_days"], p["first_year_days"]),
                 _since=days_between(g.last, g.month_end))
    hit = g.last.notnull() & (g._since <= g._limit)
    return snapshot_rows(
        g, child_id="pfa_person_id", subject_id="pfa_arrangement_id",
        event_id="pfa_arrangement_id", in_numerator=hit,
        measure=g._since,
        reason=ibis.ifelse(g.last.isnull(), ibis.literal("no visit recorded"),
                           text("last visit ", g._since, " days before month end (limit ",
                                g._limit, ")")),
        date_1="pfa_start_date", date_1_label="arrangement start",
        date_2="last", date_2_label="last visit",
    )


PF_VISITS_ON_TIME_PCT = Indicator(
    id="pf_visits_on_time_pct", title="Privately fostered children visited on time",
    definition="*local (6 / 12 weeks)*: snapshot over arrangements open at month end that "
    "began ≥ 6 weeks before: latest visit within 42 days (84 days once the arrangement is "
    "over a year old) ÷ those",
    kind="snapshot", polarity="high", unit="pct", tables=PF_VISITS, rows=pf_visits_rows,
    params={"first_year_days": 42, "later_days": 84, "year_months": 12},
    area=PRIVATE_FOSTERING, subject="arrangement", missing=MISSING, local=True,
    note="Began ≥ 6 weeks before: month end − start ≥ 42 days; over a year old: started "
    "before month end − 12 months (relativedelta); the latest visit on or before month "
    "end, month end − visit ≤ the limit.")


# --------------------------------------------------------------------------- LADO


def lado_base(ctx: Ctx) -> ir.Table:
    r = ctx.t("lantern_lado_referrals")
    return r.filter(r.lado_received_date.notnull())


def lado_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    r = lado_base(ctx)
    return standard(
        r, **record("lado_referral_id"), event_date="lado_received_date",
        in_numerator=True,
        reason=text("received ", r.lado_received_date, " (",
                    labelled(r.lado_employer_sector, "lado_sector"), ")"),
        date_1="lado_received_date", date_1_label="received",
    )


LADO_REFERRALS = Indicator(
    id="lado_referrals", title="Allegations against people who work with children (LADO)",
    definition="flow: allegations against people who work with children "
    "(`lantern_lado_referrals`)",
    kind="flow", polarity="neutral", unit="count", tables=LADO_T, rows=lado_rows,
    area=LADO, subject="lado_referral", missing=MISSING)


def lado_decision_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    limit = p["limit_wd"]
    r = wd_between(ctx, lado_base(ctx), "lado_received_date", "lado_decision_date", "wd")
    hit = r.lado_decision_date.notnull() & (r.wd <= limit)
    return standard(
        r, **record("lado_referral_id"), event_date="lado_received_date",
        in_numerator=hit, measure=r.wd,
        reason=ibis.ifelse(r.lado_decision_date.isnull(), ibis.literal("no decision recorded"),
                           text("decision ", working_days(r.wd),
                                f" after receipt (limit {limit})")),
        date_1="lado_received_date", date_1_label="received",
        date_2="lado_decision_date", date_2_label="decision",
    )


LADO_DECISION_1WD_PCT = Indicator(
    id="lado_decision_1wd_pct", title="LADO decisions on next steps within 1 working day",
    definition="flow over referrals received: decision on next steps within 1 wd ÷ referrals",
    kind="flow", polarity="high", unit="pct", tables=LADO_T, rows=lado_decision_rows,
    params={"limit_wd": 1}, area=LADO, subject="lado_referral", missing=MISSING,
    note="Within 1 wd: wd(received, decision) ≤ 1 (a decision the same day is day 0).")


def lado_resolved_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    n = p["months"]
    span = f"{n} month" + ("s" if n != 1 else "")
    r = lado_base(ctx)
    r = r.filter(r.lado_closed_date.notnull())
    r = r.mutate(_by=add_months(r.lado_received_date, n))
    hit = r.lado_closed_date <= r._by
    return standard(
        r, **record("lado_referral_id"), event_date="lado_closed_date",
        in_numerator=hit, measure=days_between(r.lado_received_date, r.lado_closed_date),
        reason=ibis.ifelse(hit, text("closed ", r.lado_closed_date, f", within {span} of "
                                     "receipt (by ", r._by, ")"),
                           text("closed ", r.lado_closed_date, f", more than {span} after "
                                "receipt (due by ", r._by, ")")),
        date_1="lado_received_date", date_1_label="received",
        date_2="lado_closed_date", date_2_label="closed",
    )


LADO_RESOLVED_1M_PCT = Indicator(
    id="lado_resolved_1m_pct", title="LADO referrals resolved within 1 month",
    definition="flow over referrals closed in the window: closed within 1 month "
    "(relativedelta) of receipt ÷ referrals closed",
    kind="flow", polarity="high", unit="pct", tables=LADO_T, rows=lado_resolved_rows,
    params={"months": 1}, area=LADO, subject="lado_referral", missing=MISSING,
    note="Within 1 month: closed on or before received + 1 month (31 January + 1 month = "
    "28 or 29 February).")


# --------------------------------------------------------------------------- homelessness


def homeless_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    limit = p["limit_wd"]
    h = ctx.t("lantern_homeless_presentations")
    h = h.filter(h.hmls_presented_date.notnull())
    per = people(ctx).select(_pid="person_id", _dob="dob")
    h = h.left_join(per, h.hmls_person_id == per._pid)
    age = age_years(h._dob, h.hmls_presented_date)
    # 16/17-year-olds: a presentation whose child's date of birth is not held stays in.
    h = h.filter(age.isnull() | ((age >= p["min_age"]) & (age <= p["max_age"])))
    h = wd_between(ctx, h, "hmls_presented_date", "hmls_assessed_date", "wd")
    assessed = h.hmls_assessed_date.notnull() & (h.wd <= limit)
    told = yes(h.hmls_told_of_option)
    reason = ibis.cases(
        (h.hmls_assessed_date.isnull(), ibis.literal("not assessed")),
        (~assessed, text("assessed ", working_days(h.wd), f" after presenting (limit {limit})")),
        (~told, text("assessed ", working_days(h.wd), " after presenting; not recorded as "
                     "told of the option to be looked after")),
        else_=text("assessed ", working_days(h.wd), " after presenting and told of the "
                   "option to be looked after"))
    return standard(
        h, child_id="hmls_person_id", subject_id="hmls_presentation_id",
        event_id="hmls_presentation_id",
        event_date="hmls_presented_date", in_numerator=assessed & told, measure=h.wd,
        reason=reason, date_1="hmls_presented_date", date_1_label="presented",
        date_2="hmls_assessed_date", date_2_label="assessed",
    )


HOMELESS_1617_ASSESSED_PCT = Indicator(
    id="homeless_1617_assessed_pct",
    title="Homeless 16- and 17-year-olds assessed within 10 working days and told of the "
    "option to be looked after",
    definition="flow over presentations of homeless 16/17-year-olds "
    "(`lantern_homeless_presentations`): assessed within 10 wd and told of the option to "
    "be looked after ÷ presentations",
    kind="flow", polarity="high", unit="pct", tables=HOMELESS_T, rows=homeless_rows,
    params={"limit_wd": 10, "min_age": 16, "max_age": 17}, area=HOMELESS,
    subject="presentation", missing=MISSING,
    note="Aged 16 or 17 on the day of presenting (a presentation whose child's date of "
    "birth is not held is counted); assessed: wd(presented, assessed) ≤ 10; told: "
    "`hmls_told_of_option = Y`.")


INDICATORS = [
    FOSTER_HOUSEHOLDS,
    FOSTER_APPROVALS,
    FOSTER_REVIEW_CURRENT_PCT,
    FOSTER_DBS_CURRENT_PCT,
    FOSTER_MEDICAL_CURRENT_PCT,
    FOSTER_TSD_PCT,
    MARAC_REFERRALS,
    MARAC_REPEAT_PCT,
    PF_NOTIFICATIONS,
    PF_INITIAL_VISIT_7WD_PCT,
    PF_VISITS_ON_TIME_PCT,
    LADO_REFERRALS,
    LADO_DECISION_1WD_PCT,
    LADO_RESOLVED_1M_PCT,
    HOMELESS_1617_ASSESSED_PCT,
]
