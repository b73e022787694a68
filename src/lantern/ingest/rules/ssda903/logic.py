"""Lantern's own cross-field checks on the SSDA903 return (plausibility: warnings)."""

from __future__ import annotations

from collections.abc import Iterable

from lantern.ingest.rules.engine import Context, Finding, rule
from lantern.ingest.rules.ssda903._base import F, episodes_in_order


@rule(id="lantern:sw-episode-end-before-start", format=F, severity="warning", family="logic",
      message="The social worker episode ends before it starts.",
      fields=["SW_DECOM", "SW_DEC"], tables=["SWEpisodes"],
      expected="SW_DEC on or after SW_DECOM")
def sw_ends_early(ctx: Context) -> Iterable[Finding]:
    s_, e_ = ctx.dates("SWEpisodes", "SW_DECOM"), ctx.dates("SWEpisodes", "SW_DEC")
    for i in range(len(s_)):
        s, e = s_[i], e_[i]
        if s is not None and e is not None and e < s:
            yield Finding("SWEpisodes", i, "SW_DEC", ctx.value("SWEpisodes", i, "SW_DEC"))


@rule(id="lantern:placed-adoption-after-ceased-care", format=F, severity="warning",
      family="logic",
      message="The decision to place for adoption is dated after the child's last care episode "
              "ended.", fields=["DATE_PLACED", "DEC"], tables=["PlacedAdoption", "Episodes"],
      expected="DATE_PLACED on or before the DEC of the child's last episode")
def placed_after_care(ctx: Context) -> Iterable[Finding]:
    dec = ctx.dates("Episodes", "DEC")
    last = {child: rows[-1] for child, rows in episodes_in_order(ctx).items()}
    placed = ctx.dates("PlacedAdoption", "DATE_PLACED")
    for i, when in enumerate(placed):
        j = last.get(ctx.value("PlacedAdoption", i, "CHILD") or "")
        ended = dec[j] if j is not None else None
        if when is not None and ended is not None and when > ended:
            yield Finding("PlacedAdoption", i, "DATE_PLACED",
                          ctx.value("PlacedAdoption", i, "DATE_PLACED"))
