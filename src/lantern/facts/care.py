"""Care: episodes, periods of care and who is looked after on a date.

Definitions (``shared/KPIS.md``, "Children looked after"): episodes with legal status
V3/V4 (short breaks) are ignored; a **period of care** is the episodes sharing
``clae_cla_id`` (from the ``RNE = S`` episode through the episode ended ``X1``); its
start is its earliest episode start and its end is the last episode's ``DEC`` when that
episode's ``REC`` is not X1 (null while open). A child is **looked after** on a date
when one of their episodes is open on it; their current episode is the latest-starting
open one (then the highest episode id). An episode **begins a new placement** if RNE is
S, P or B, or RNE is T or U unless PLACE is A3 or A5 (a move to adoption with the
current carer); RNE L never does.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from lantern.facts._base import FAR_FUTURE, ON, On, Source, at_dates, first_per, shared

SHORT_BREAKS = ("V3", "V4")


def begins_placement(rne: ir.StringValue, place: ir.StringValue) -> ir.BooleanValue:
    """The KPIS.md placement-begins rule (A3/A5 with the current carer is not a move)."""
    r = rne.fill_null("").upper()
    return r.isin(["S", "P", "B"]) | (
        r.isin(["T", "U"]) & ~place.fill_null("").upper().isin(["A3", "A5"]))


@shared
def episodes(src: Source, *, with_place: bool = True) -> ir.Table:
    """Episodes that are not short breaks: ``ep_id``, ``child``, ``start``, ``end``,
    ``rne``, ``rec``, ``period_id``, ``ls``, ``placement_id``, ``place`` (the placement
    type, when ``with_place``) and ``begins`` (begins a new placement)."""
    e = src.t("ssd_cla_episodes")
    e = e.filter(e.clae_cla_episode_start_date.notnull()
                 & ~e.clae_legal_status.fill_null("").upper().isin(list(SHORT_BREAKS)))
    e = e.select(
        ep_id="clae_cla_episode_id", child="clae_person_id",
        start="clae_cla_episode_start_date", end="clae_cla_episode_ceased_date",
        rne="clae_cla_episode_start_reason", rec="clae_cla_episode_ceased_reason",
        period_id="clae_cla_id", ls="clae_legal_status", placement_id="clae_cla_placement_id")
    if with_place:
        pl = src.t("ssd_cla_placement").select(
            _plid="clap_cla_placement_id", place="clap_cla_placement_type")
        pl = first_per(pl, ["_plid"], ["place"])
        e = e.left_join(pl, e.placement_id == pl._plid).drop("_plid")
    else:
        e = e.mutate(place=ibis.null().cast("string"))
    return e.mutate(begins=begins_placement(e.rne, e.place))


@shared
def periods_of_care(src: Source) -> ir.Table:
    """One row per period of care: ``period_id``, ``child``, ``p_start``, ``p_end`` (null
    while open)."""
    e = episodes(src, with_place=False)
    last = first_per(e, ["period_id"], [ibis.desc("start"), ibis.desc(e.end.fill_null(
        FAR_FUTURE)), ibis.desc("ep_id")])
    last = last.select(_lp="period_id", _lend="end", _lrec="rec")
    g = e.group_by(["period_id", "child"]).aggregate(p_start=e.start.min())
    g = g.join(last, g.period_id == last._lp)
    ended = g._lend.notnull() & (g._lrec.fill_null("").upper() != "X1")
    return g.select("period_id", "child", "p_start",
                    p_end=ibis.ifelse(ended, g._lend, ibis.null().cast("date")))


def looked_after(src: Source, on: On, *, with_place: bool = False,
                 as_of: str = ON) -> ir.Table:
    """Children looked after on each date of ``on``: one row per child and date, their
    current episode (`episodes` columns) with its period's ``p_start`` and ``p_end``."""
    o = at_dates(episodes(src, with_place=with_place), "start", "end", on, as_of)
    o = first_per(o, ["child", as_of], [ibis.desc("start"), ibis.desc("ep_id")])
    pr = periods_of_care(src).select(_pp="period_id", p_start="p_start", p_end="p_end")
    return o.left_join(pr, o.period_id == pr._pp).drop("_pp")
