"""The indicator figures deep dives read from the warehouse, through the indicator engine
and the decline rule — the same definitions as the scorecard and the exception report.

``month_triggers`` finds the deep dives the two-month decline rule calls for in each of
several months, computing the indicators once for the whole window (``lantern demo``
stores a year's triggers in one pass); ``scope_series`` gives one indicator's monthly
series at one scope for the recovery check and the movement since a trigger.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from lantern.assurance.decline import DeclineTrigger, decline_checks
from lantern.assurance.inputs import IndicatorMeta, SeriesPoint, add_months
from lantern.assurance.monthly import metas as indicator_metas
from lantern.assurance.spc import classify, rebase_indices
from lantern.measures.drill import children_by_month
from lantern.measures.engine import compute
from lantern.months import Month, months

SCOPES = ("authority", "service", "team")
SPC_MONTHS = 24


@dataclass(frozen=True)
class Warehouse:
    """What the figures need: a connection and the authority's code and population."""

    con: Any
    la_code: str
    population: int | None = None


def engine_rows(wh: Warehouse, months: Sequence[str], breakdowns: Sequence[str],
                kpis: Sequence[str] | None = None) -> list[Any]:
    """The indicator engine's rows for these months, breakdowns and indicators."""
    return compute(wh.con, list(months), breakdowns=breakdowns, population=wh.population,
                   la_code=wh.la_code, kpis=list(kpis) if kpis is not None else None)


def month_range(first: str, last: str) -> list[str]:
    """'YYYY-MM' from ``first`` to ``last`` inclusive (`months.months`)."""
    return [str(m) for m in months(Month.parse(first), Month.parse(last))]


def month_triggers(wh: Warehouse, months: Sequence[str]) -> dict[str, list[DeclineTrigger]]:
    """Every deep dive the decline rule calls for in each of ``months`` (authority,
    service and team; material declines only), with the children behind each value."""
    if not months:
        return {}
    window = month_range(add_months(min(months), -2), max(months))
    rows = engine_rows(wh, window, SCOPES)
    metas = indicator_metas()
    fired = {month: [c.trigger for _, c in decline_checks(rows, metas, month)
                     if c.fired and c.trigger is not None]
             for month in sorted(set(months))}
    needed: dict[str, set[str]] = {}
    for ts in fired.values():
        for t in ts:
            needed.setdefault(t.kpi_id, set()).update(t.months)
    # One drill-down per indicator for every month any of its firings looks at.
    drilled: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for kpi_id, wanted in needed.items():
        found = children_by_month(wh.con, kpi_id, sorted(wanted))
        for m, rows_ in zip(sorted(wanted), found.values(), strict=True):
            drilled[kpi_id, m] = rows_
    return {month: [_with_children(t, drilled) for t in ts] for month, ts in fired.items()}


def _with_children(t: DeclineTrigger,
                   drilled: dict[tuple[str, str], list[dict[str, Any]]]) -> DeclineTrigger:
    kids, counted = [], []
    for m in t.months:
        rows = drilled[t.kpi_id, m]
        if t.breakdown != "authority":
            rows = [r for r in rows if str(r.get(t.breakdown)) == t.breakdown_value]
        tally: dict[str, list[int]] = {}
        for r in rows:
            if r.get("child_id") is None:  # a worker's, team's, household's or referral's row
                continue
            mine = tally.setdefault(str(r["child_id"]), [0, 0])
            mine[0] += bool(r.get("in_numerator"))
            mine[1] += 1
        kids.append(tuple(sorted(tally)))
        counted.append(tuple((c, k, n) for c, (k, n) in sorted(tally.items())))
    return replace(t, children=tuple(kids), counted=tuple(counted))


def meta(kpi_id: str) -> IndicatorMeta:
    return indicator_metas()[kpi_id]


def scope_series(wh: Warehouse, kpi_id: str, breakdown: str, value: str,
                 months: Sequence[str]) -> dict[str, SeriesPoint]:
    """The indicator's headline-period value at one scope for each month."""
    m = meta(kpi_id)
    rows = engine_rows(wh, months, (breakdown,), [kpi_id])
    out: dict[str, SeriesPoint] = {}
    for r in rows:
        if r.period != m.headline_period or (breakdown != "authority"
                                             and str(r.breakdown_value) != value):
            continue
        v = r.value if r.status == "ok" else None
        out[r.month] = SeriesPoint(r.month, v, r.numerator, r.denominator)
    return out


def latest_point_type(series: dict[str, SeriesPoint], polarity: str,
                      change_months: Sequence[str] = ()) -> str | None:
    """The SPC point type of the latest month (limits rebased at each change)."""
    months = sorted(series)
    if not months:
        return None
    values = [series[m].value for m in months]
    if all(v is None for v in values):
        return None
    result = classify(values, polarity, rebase_at=rebase_indices(months, list(change_months)))
    latest = result.latest
    return latest.point_type if latest is not None and latest.index == len(months) - 1 \
        else None


class ScopeFigures:
    """Headline values by (indicator, scope, month), computed once for all that are asked
    for together (``prefetch``), so a tracker of many deep dives costs one engine run."""

    def __init__(self, wh: Warehouse, latest_month: str) -> None:
        self.wh = wh
        self.latest_month = latest_month
        self._values: dict[tuple[str, str, str, str], float | None] = {}
        self._fetched: set[tuple[str, str]] = set()

    def prefetch(self, kpis: Sequence[str], months: Sequence[str]) -> None:
        """Compute what is asked for and not already held (one engine run)."""
        wanted = set(months) | {self.latest_month}
        missing = {(k, m) for k in set(kpis) for m in wanted} - self._fetched
        if not missing:
            return
        kpi_ids = sorted({k for k, _ in missing})
        month_list = sorted({m for _, m in missing})
        metas = indicator_metas()
        for r in engine_rows(self.wh, month_list, SCOPES, kpi_ids):
            if r.period == metas[r.kpi_id].headline_period:
                key = (r.kpi_id, r.breakdown,
                       "" if r.breakdown == "authority" else str(r.breakdown_value), r.month)
                self._values[key] = r.value if r.status == "ok" else None
        self._fetched |= {(k, m) for k in kpi_ids for m in month_list}

    def value(self, kpi_id: str, breakdown: str, value: str, month: str) -> float | None:
        return self._values.get((kpi_id, breakdown, "" if breakdown == "authority" else value,
                                 month))
