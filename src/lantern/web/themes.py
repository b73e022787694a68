"""What the theme pages show (`assurance.themes`), gathered and cut to the viewer.

Each indicator of a theme is shown as its indicator page shows it (`services.indicator`:
the authority's figure with disclosure control, its chart, DfE's benchmarks and its
breakdowns); the workforce theme adds the caseload distribution per team and the social
workers over the limit (`casework.caseload_bands`). Nothing here computes a figure.
"""

from __future__ import annotations

from typing import Any

from lantern.assurance.themes import (
    NOT_COMPUTED,
    NOT_STORED,
    Theme,
    distinct_reasons,
    themes,
)
from lantern.casework.caseload_bands import CASELOAD_LIMIT, CaseloadBands, caseload_bands
from lantern.measures.catalogue import get
from lantern.measures.plain import plain
from lantern.measures.subjects import RECORD_BREAKDOWNS
from lantern.months import Month
from lantern.security.disclosure import AUTHORITY, withheld_cells
from lantern.security.policy import Principal, can_see_named_workers
from lantern.web import charts, labels
from lantern.web import services as sv
from lantern.web.cache import RESULTS

WORKFORCE = "workforce"
#: The breakdowns a theme page shows under each figure: service and team, and the
#: attributes of a household's or referral's own record (household type, employer
#: sector, referring agency); the rest are on the indicator's page.
THEME_BREAKDOWNS = ("service", "team", *RECORD_BREAKDOWNS)
OVER_LIMIT_KPI = "sw_caseload_over_limit_pct"


def _reason(wh: sv.Wh, month: str, theme: Theme, kpi_id: str) -> str | None:
    """Why an indicator has no figure this month, in the theme's words (None: it has)."""
    im = sv.assurance(wh, month).indicators.get(kpi_id)
    if im is None:
        return NOT_COMPUTED
    if im.headline is None:
        return NOT_STORED
    if im.headline.status == "not_available":
        return theme.reason_text(im.headline.reason)
    return None


def summary(wh: sv.Wh, month: str, p: Principal) -> list[dict[str, Any]]:
    """Every theme with its indicators' headline figures (as the scorecard shows them)
    and how many have data this month."""
    rows = {r["kpi_id"]: r for s in sv.scorecard(wh, month, p) for r in s["rows"]}
    out = []
    for t in themes():
        items = []
        for kpi in t.kpis:
            reason = _reason(wh, month, t, kpi)
            items.append({"kpi_id": kpi, "row": rows.get(kpi), "reason": reason,
                          "title": get(kpi).title if kpi in t.computed else kpi})
        out.append({"theme": t, "items": items,
                    "with_data": sum(1 for i in items if i["reason"] is None),
                    "reasons": distinct_reasons(i["reason"] for i in items)})
    return out


def indicators(wh: sv.Wh, theme: Theme, month: str, p: Principal) -> list[dict[str, Any]]:
    """The theme's indicators as the page shows each: figure, chart, benchmarks and
    breakdowns, or the reason it has no figure."""
    out: list[dict[str, Any]] = []
    for kpi in theme.kpis:
        reason = _reason(wh, month, theme, kpi)
        if kpi not in theme.computed:
            out.append({"kpi_id": kpi, "title": kpi, "reason": reason})
            continue
        got = sv.indicator(wh, kpi, month, p)
        out.append({
            "kpi_id": kpi, "title": got["indicator"].title, "ind": got["indicator"],
            "plain": plain(kpi), "reason": reason, "row": got["row"],
            "chart_row": got["scorecard_row"],
            "bench": got["benchmark"],
            "breakdowns": {b: labels.labelled(wh, b, rows)
                           for b, rows in got["breakdowns"].items()
                           if b in THEME_BREAKDOWNS}})
    return out


def _bands(wh: sv.Wh, theme: Theme, month: str) -> CaseloadBands:
    on = Month.parse(month).last
    # the limit of `sw_caseload_over_limit_pct`: the list and the figure agree
    limit = int(get(OVER_LIMIT_KPI).params["limit"]) if OVER_LIMIT_KPI in theme.computed \
        else CASELOAD_LIMIT
    return RESULTS.get(wh.key("caseload_bands", on, theme.caseload_bands, limit),
                       lambda: caseload_bands(wh.con, on, theme.caseload_bands, limit=limit))


def workforce(wh: sv.Wh, theme: Theme, month: str, p: Principal) -> dict[str, Any]:
    """The caseload distribution per team (teams in the viewer's scope; every team with
    small numbers withheld for aggregate-only roles) and, for the roles that may see
    them, the social workers over the limit in the viewer's scope."""
    got = _bands(wh, theme, month)
    over_from = next((n for n, label in enumerate(got.labels)
                      if int(label.split()[0]) > got.limit), None)
    teams = [t for t in got.teams if p.aggregate_only or sv.team_visible(wh, p, t.team_id)]
    hidden: frozenset[tuple[str, str]] = frozenset()
    if p.aggregate_only:
        hidden = withheld_cells({(t.team_id, label): n for t in teams
                                 for label, n in zip(got.labels, t.counts, strict=True)})
    top = max((n for t in teams for n in t.counts), default=0)
    rows = []
    for t in teams:
        counts = [None if (t.team_id, label) in hidden else n
                  for label, n in zip(got.labels, t.counts, strict=True)]
        rows.append({"team": t, "counts": counts,
                     "chart": charts.bars(got.labels, counts, over_from=over_from,
                                          scale_max=top,
                                          title=f"Social workers by caseload, {t.team_name}"),
                     "withheld": sum(c is None for c in counts)})
    totals = [None if (AUTHORITY, label) in hidden else n
              for label, n in zip(got.labels, got.totals, strict=True)]
    whole = p.aggregate_only or p.scope_type == "authority"  # the rows are every team
    named = can_see_named_workers(p) and not p.aggregate_only
    return {"on": got.on, "limit": got.limit, "labels": got.labels, "rows": rows,
            "totals": totals if whole else None,
            "all_chart": charts.bars(got.labels, totals, over_from=over_from,
                                     scale_max=max((n or 0 for n in totals), default=0),
                                     title="Social workers by caseload, all teams")
            if whole and rows else None,
            "all_workers": sum(got.totals),
            "over_from": over_from, "named": named,
            "over_limit": [o for o in got.over_limit if sv.team_visible(wh, p, o.team_id)]
            if named else []}
