"""Plans and episodes of need open on a date.

- A **child protection plan** is open on a date when it started on or before it and had
  not ended before it (``ssd_cp_plans``; plans without a start date are ignored). A child
  with more than one open plan counts once, by the latest-starting plan (then the
  highest plan id).
- A child is **in need** on a date when a CIN episode (``ssd_cin_episodes``: referral
  date to close date) that was not a referral closed with no further action is open on
  it; the latest referral (then the highest referral id) represents the child.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from lantern.facts._base import ON, On, Source, at_dates, first_per, shared


def yes(col: ir.StringValue) -> ir.BooleanValue:
    """A Y/N flag that is Y (any case)."""
    return col.fill_null("").upper() == "Y"


@shared
def cp_plans(src: Source) -> ir.Table:
    """Child protection plans with a start: ``plan_id``, ``child``, ``start``, ``end``,
    ``previous`` (recorded number of previous plans)."""
    c = src.t("ssd_cp_plans")
    return c.filter(c.cppl_cp_plan_start_date.notnull()).select(
        plan_id="cppl_cp_plan_id", child="cppl_person_id", start="cppl_cp_plan_start_date",
        end="cppl_cp_plan_end_date", previous="cppl_previous_cp_plans")


def cp_plans_open(src: Source, on: On, *, per_child: bool = True,
                  as_of: str = ON) -> ir.Table:
    """CP plans open on each date: one row per child (latest start, then highest plan
    id), or every open plan when ``per_child`` is False."""
    o = at_dates(cp_plans(src), "start", "end", on, as_of)
    if not per_child:
        return o
    return first_per(o, ["child", as_of], [ibis.desc("start"), ibis.desc("plan_id")])


@shared
def cin_episodes(src: Source) -> ir.Table:
    """CIN episodes that are not NFA referrals: ``child``, ``ref_id``, ``start``
    (referral date), ``end`` (close date)."""
    r = src.t("ssd_cin_episodes")
    r = r.filter(r.cine_referral_date.notnull() & ~yes(r.cine_referral_nfa))
    return r.select(child="cine_person_id", ref_id="cine_referral_id",
                    start="cine_referral_date", end="cine_close_date")


def cin_open(src: Source, on: On, as_of: str = ON) -> ir.Table:
    """Children in need on each date: one row per child, their latest open episode."""
    o = at_dates(cin_episodes(src), "start", "end", on, as_of)
    return first_per(o, ["child", as_of], [ibis.desc("start"), ibis.desc("ref_id")])
