"""One month's assurance: the indicator series, SPC, targets and exceptions together.

This is the glue the exception report, the monthly report and (later) the web pages
share, so they all say the same thing about a month. It asks the indicator engine for
the figures; it computes none itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import duckdb

from lantern.assurance.decline import (
    DEFAULT_MATERIALITY,
    DEFAULT_MIN_DENOMINATOR,
    WINDOW_MONTHS,
    ChildrenLookup,
    Materiality,
    load_materiality,
)
from lantern.assurance.exceptions import ExceptionItem, build_exceptions, spc_period
from lantern.assurance.inputs import (
    IndicatorMeta,
    SeriesPoint,
    add_months,
    as_meta,
    meaningful_values,
)
from lantern.assurance.spc import SpcResult, classify, rebase_indices
from lantern.assurance.targets import Target, load_targets, since_last_period, status_text
from lantern.casework import team_services
from lantern.measures.catalogue import INDICATORS
from lantern.measures.drill import child_ids, children_by_month
from lantern.measures.engine import KpiRow, compute

HISTORY_MONTHS = 24
SPC_MIN_DENOMINATOR = DEFAULT_MIN_DENOMINATOR
"""A month whose denominator is smaller is a gap in the SPC chart, not a point (the
decline rule's minimum: as few children cannot call a deep dive, nor signal)."""
BREAKDOWNS = ("authority", "service", "team")


@dataclass
class IndicatorMonth:
    """What the scorecard says about one indicator for the authority this month."""

    kpi_id: str
    meta: IndicatorMeta
    headline: KpiRow | None
    previous: KpiRow | None
    target: Target | None
    status_word: str | None
    since_last: str | None
    spc_period: str | None
    series: list[SeriesPoint] = field(default_factory=list)  # the SPC period's months
    spc: SpcResult | None = None  # on ``series``, small-denominator months as gaps
    headline_series: list[SeriesPoint] = field(default_factory=list)  # headline period
    small_months: list[str] = field(default_factory=list)  # left out of SPC: too few


@dataclass
class MonthlyAssurance:
    month: str
    months: list[str]
    rows: list[KpiRow]
    indicators: dict[str, IndicatorMonth]
    exceptions: list[ExceptionItem]
    team_service: dict[str, str]


def metas() -> dict[str, IndicatorMeta]:
    return {i.id: as_meta(i.id, i) for i in INDICATORS}


def assure_month(
    con: Any,
    month: str,
    *,
    la_code: str,
    population: int | None,
    process_changes: list[tuple[str, str]] | None = None,
    targets_path: str | None = None,
    history: int = HISTORY_MONTHS,
    team_service: dict[str, str] | None = None,
) -> MonthlyAssurance:
    if team_service is None and isinstance(con, duckdb.DuckDBPyConnection):
        # Team rows of exceptions are grouped under their service from the warehouse's
        # own hierarchy, so no caller has to remember to pass it.
        team_service = team_services(con)
    months = history_months(month, history)
    rows = compute(con, months, breakdowns=BREAKDOWNS, population=population, la_code=la_code)
    return assemble(rows, month, months, load_targets(targets_path), process_changes,
                    team_service or {}, drill_lookup(con, months[-WINDOW_MONTHS:]),
                    materiality=load_materiality(targets_path))


def history_months(month: str, history: int = HISTORY_MONTHS) -> list[str]:
    """The ``history`` months ending with ``month``, oldest first (the chart's months)."""
    return [add_months(month, -k) for k in range(history - 1, -1, -1)]


def drill_lookup(con: Any, months: list[str]) -> ChildrenLookup:
    """The children behind a figure (its denominator rows), for deep dives. One
    drill-down per indicator serves every team and service and every month in
    ``months`` (a month outside them is drilled on its own)."""
    drilled: dict[tuple[str, str], list[dict[str, Any]]] = {}

    def children_behind(kpi_id: str, m: str, breakdown: str, value: str) -> list[str]:
        if (kpi_id, m) not in drilled:
            asked = months if m in months else [m]
            found = children_by_month(con, kpi_id, asked)
            for k, rows_ in zip(asked, found.values(), strict=True):  # both in month order
                drilled[kpi_id, k] = rows_
        rows_ = drilled[kpi_id, m]
        if breakdown != "authority":
            rows_ = [r for r in rows_ if str(r.get(breakdown)) == value]
        return child_ids(rows_)

    return children_behind


def assemble(
    rows: list[KpiRow],
    month: str,
    months: list[str],
    targets: dict[str, Target],
    process_changes: list[tuple[str, str]] | None,
    team_service: dict[str, str],
    children_lookup: ChildrenLookup | None,
    exceptions: list[ExceptionItem] | None = None,
    materiality: Materiality = DEFAULT_MATERIALITY,
) -> MonthlyAssurance:
    """The month's assurance from the engine's rows for ``months`` (authority, service
    and team). ``exceptions``: already built (stored at load time), else built here."""
    change_months = [m for m, _ in process_changes or []]
    all_metas = metas()
    if exceptions is None:
        exceptions = build_exceptions(
            rows, all_metas, month, targets,
            process_changes={"*": change_months} if change_months else None,
            team_service=team_service,
            children_lookup=children_lookup,
            materiality=materiality,
        )
    authority: dict[str, list[KpiRow]] = {}
    for r in rows:
        if r.breakdown == "authority":
            authority.setdefault(r.kpi_id, []).append(r)
    indicators = {
        kpi: _indicator_month(kpi, meta, authority.get(kpi, []), month, months, targets,
                              change_months)
        for kpi, meta in all_metas.items()
    }
    return MonthlyAssurance(month, months, rows, indicators, exceptions, team_service)


def _indicator_month(
    kpi: str,
    meta: IndicatorMeta,
    mine: list[KpiRow],
    month: str,
    months: list[str],
    targets: dict[str, Target],
    change_months: list[str],
) -> IndicatorMonth:
    by_key = {(r.period, r.month): r for r in mine}
    headline = by_key.get((meta.headline_period, month))
    previous = by_key.get((meta.headline_period, add_months(month, -1)))
    target = targets.get(kpi)
    value = headline.value if headline and headline.status == "ok" else None
    prev_value = previous.value if previous and previous.status == "ok" else None
    word = status_text(value, target, meta.polarity)
    period = spc_period(meta, {r.period for r in mine})
    series = _series(by_key, period, months) if period is not None else []
    values = meaningful_values(series, SPC_MIN_DENOMINATOR)
    small = [p.month for p, v in zip(series, values, strict=True)
             if v is None and p.value is not None]
    spc = None
    if any(v is not None for v in values):
        spc = classify(
            values, meta.polarity,
            rebase_at=rebase_indices(months, change_months) or None,
            target=target.target if target is not None else None,
        )
    return IndicatorMonth(
        kpi_id=kpi, meta=meta, headline=headline, previous=previous, target=target,
        status_word=word, since_last=since_last_period(value, prev_value, meta.polarity),
        spc_period=period, series=series, spc=spc,
        headline_series=_series(by_key, meta.headline_period, months), small_months=small,
    )


def _series(by_key: dict[tuple[str, str], KpiRow], period: str, months: list[str]
            ) -> list[SeriesPoint]:
    """One period's points for ``months`` (value None where not available)."""
    out = []
    for m in months:
        r = by_key.get((period, m))
        ok = r is not None and r.status == "ok"
        out.append(SeriesPoint(m, r.value if ok and r else None,
                               r.numerator if r else None, r.denominator if r else None))
    return out


@dataclass(frozen=True)
class BreakdownMonth:
    """What the scorecard says about one indicator for one service or team this month:
    its value, target status and change (SPC stays the authority's)."""

    value: float | None
    numerator: int | None
    denominator: int | None
    status_word: str | None
    since_last: str | None
    availability: str  # the row's status, or "no_denominator" when there is no row
    series: list[SeriesPoint]  # the chart's period, every month of the history


def breakdown_month(rows: Iterable[KpiRow], breakdown_value: str, *, month: str, period: str,
                    chart_period: str, months: list[str], target: Target | None,
                    polarity: str) -> BreakdownMonth:
    """``breakdown_value``'s standing from an indicator's assured rows of one breakdown
    (`MonthlyAssurance.rows`): the month's ``period`` figure against ``target`` and
    against the month before, and its ``chart_period`` series over ``months``."""
    mine = {(r.month, r.period): r for r in rows if r.breakdown_value == breakdown_value}
    cur = mine.get((month, period))
    prev = mine.get((add_months(month, -1), period))
    value = _ok_value(cur)
    series = [SeriesPoint(m, _ok_value(r), _whole(r.numerator if r else None),
                          _whole(r.denominator if r else None))
              for m in months for r in [mine.get((m, chart_period))]]
    return BreakdownMonth(
        value=value, numerator=_whole(cur.numerator if cur else None),
        denominator=_whole(cur.denominator if cur else None),
        status_word=status_text(value, target, polarity),
        since_last=since_last_period(value, _ok_value(prev), polarity),
        availability=cur.status if cur else "no_denominator", series=series)


def _ok_value(r: KpiRow | None) -> float | None:
    return r.value if r is not None and r.status == "ok" else None


def _whole(x: float | None) -> int | None:
    return None if x is None else round(x)
