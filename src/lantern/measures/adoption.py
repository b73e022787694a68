"""Adoption (KPIS.md section "Care leavers and adoption", second part)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from lantern.facts import episodes
from lantern.measures.cared_for import ADOPTION_PLACEMENTS
from lantern.measures.core import Ctx, Indicator, days_between, shared, standard, text

AREA = "Care leavers and adoption"
ADOPTED = ("E11", "E12")


@shared
def adopted_periods(ctx: Ctx, *, with_place: bool) -> ir.Table:
    """Periods of care ending in adoption: period id, child, DEC, period start."""
    e = episodes(ctx, with_place=with_place)
    ad = e.filter(e.end.notnull() & e.rec.fill_null("").upper().isin(list(ADOPTED))).select(
        "child", dec="end", rec="rec", pid=e.period_id.fill_null(e.ep_id))
    st = e.group_by(_sp=e.period_id).aggregate(p_start=e.start.min())
    return ad.left_join(st, ad.pid == st._sp).drop("_sp")


def adoptions_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    a = adopted_periods(ctx, with_place=False)
    return standard(
        a, child_id="child", event_id="pid", event_date="dec", in_numerator=True,
        reason=text("adopted ", a.dec, " (", a.rec, ")"), date_1="p_start",
        date_1_label="period start", date_2="dec", date_2_label="adopted",
    )


ADOPTIONS = Indicator(
    id="adoptions", title="Children adopted",
    definition="flow: periods of care ending in adoption (E11, E12)",
    kind="flow", polarity="neutral", unit="count", lait="No_of LAC Adopted",
    tables=("ssd_cla_episodes",), rows=adoptions_rows, area=AREA)


def a1_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    a = adopted_periods(ctx, with_place=True)
    e = episodes(ctx)
    e = e.filter(e.place.fill_null("").upper().isin(list(ADOPTION_PLACEMENTS)))
    first = e.group_by(_fp=e.period_id).aggregate(placed=e.start.min())
    j = a.join(first, a.pid == first._fp)
    j = j.filter(j.p_start.notnull())
    days = days_between(j.p_start, j.placed)
    return standard(
        j, child_id="child", event_id="pid", event_date="dec", in_numerator=True,
        measure=days,
        reason=text(days, f" days from entering care to placed for adoption "
                    f"(threshold {p['threshold_days']})"),
        date_1="p_start", date_1_label="period start", date_2="placed",
        date_2_label="placed for adoption",
    )


ADOPTION_A1_DAYS = Indicator(
    id="adoption_a1_days", title="A1: days from entering care to placed for adoption",
    definition="over periods of care ending in adoption (`REC` E11/E12) with `DEC` in the "
    "36 months to month end: mean days from the period's start to the `DECOM` of its "
    "first A3–A6 episode",
    kind="rolling_36m", polarity="low", unit="mean",
    tables=("ssd_cla_episodes", "ssd_cla_placement"), rows=a1_rows,
    params={"threshold_days": 426}, area=AREA,
    note="Periods with no A3–A6 episode are left out.")


def a2_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    a = adopted_periods(ctx, with_place=False)
    e = episodes(ctx, with_place=False)
    e = e.filter(e.ls.fill_null("").upper() == "E1")
    first = e.group_by(_fp=e.period_id).aggregate(e1=e.start.min())
    j = a.join(first, a.pid == first._fp)
    pm = ctx.t("ssd_permanence")
    pm = pm.filter(pm.perm_matched_date.notnull()).group_by(_mp=pm.perm_cla_id).aggregate(
        matched=pm.perm_matched_date.min())
    j = j.join(pm, j.pid == pm._mp)
    raw = days_between(j.e1, j.matched)
    days = ibis.greatest(raw, 0)
    return standard(
        j, child_id="child", event_id="pid", event_date="dec", in_numerator=True,
        measure=days,
        reason=text(days, " days from placement order to match (threshold ",
                    str(p["threshold_days"]), ")"),
        date_1="e1", date_1_label="placement order (E1)", date_2="matched",
        date_2_label="matched",
    )


ADOPTION_A2_DAYS = Indicator(
    id="adoption_a2_days", title="A2: days from placement order to match",
    definition="same periods that include an `LS = E1` episode: mean of max(0, AD1 "
    "`DATE_MATCH` − `DECOM` of the period's first E1 episode) in days",
    kind="rolling_36m", polarity="low", unit="mean",
    tables=("ssd_cla_episodes", "ssd_permanence"), rows=a2_rows,
    params={"threshold_days": 121}, area=AREA,
    note="`DATE_MATCH` is `perm_matched_date` of the period (`perm_cla_id`); periods "
    "with no match date are left out.")


INDICATORS = [
    ADOPTIONS,
    ADOPTION_A1_DAYS,
    ADOPTION_A2_DAYS,
]
