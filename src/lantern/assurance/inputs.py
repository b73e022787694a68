"""Input shapes for `assurance/`: simple dataclasses over the indicator engine's rows.

`assurance/` never computes an indicator. It reads rows shaped like the engine's
output (``kpi_id, month, period, breakdown, breakdown_value, numerator,
denominator, value, status``) and indicator metadata (``polarity``, ``unit``,
headline period). Rows may be given as these dataclasses, as mappings with the
same keys, or as any object with those attributes, so this package does not
depend on how `measures/` is implemented.
"""

from __future__ import annotations

import calendar as _cal
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from lantern.months import Month

Polarity = Literal["high", "low", "neutral"]
POLARITIES: tuple[str, ...] = ("high", "low", "neutral")

AUTHORITY = "authority"


@dataclass(frozen=True)
class SeriesPoint:
    """One month of one indicator for one breakdown value."""

    month: str  # 'YYYY-MM'
    value: float | None
    numerator: float | None = None
    denominator: float | None = None


@dataclass(frozen=True)
class IndicatorRow:
    """One row of the indicator engine's output (the input contract)."""

    kpi_id: str
    month: str
    period: str
    breakdown: str
    breakdown_value: str
    numerator: float | None
    denominator: float | None
    value: float | None
    status: str = "ok"  # 'ok' | 'not_available' | 'no_denominator'
    service: str | None = None  # optional: the service a team row belongs to
    reason: str | None = None  # optional: why not_available


@dataclass(frozen=True)
class IndicatorMeta:
    """What assurance needs to know about an indicator."""

    kpi_id: str
    polarity: Polarity
    headline_period: str  # 'rolling_12m' | 'snapshot' | 'rolling_36m' | ...
    unit: str = ""
    title: str = ""


_ROW_FIELDS = (
    "kpi_id",
    "month",
    "period",
    "breakdown",
    "breakdown_value",
    "numerator",
    "denominator",
    "value",
)


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def as_row(obj: Any) -> IndicatorRow:
    """Normalise a mapping or attribute object into an `IndicatorRow`."""
    if isinstance(obj, IndicatorRow):
        return obj
    # Decided once per row (an ABC isinstance check per field made this the slowest
    # step of a month's exceptions).
    mapping = isinstance(obj, Mapping)

    def get(name: str, default: Any = None) -> Any:
        return obj.get(name, default) if mapping else getattr(obj, name, default)

    missing = [f for f in _ROW_FIELDS if get(f, KeyError) is KeyError]
    if missing:
        raise ValueError(f"indicator row lacks {', '.join(missing)}: {obj!r}")
    value = get("value")
    return IndicatorRow(
        kpi_id=str(get("kpi_id")),
        month=str(get("month")),
        period=str(get("period")),
        breakdown=str(get("breakdown")),
        breakdown_value=str(get("breakdown_value")),
        numerator=_opt_float(get("numerator")),
        denominator=_opt_float(get("denominator")),
        value=None if value is None else float(value),
        status=str(get("status", "ok") or "ok"),
        service=get("service"),
        reason=get("reason"),
    )


def _opt_float(x: Any) -> float | None:
    return None if x is None else float(x)


def as_rows(rows: Iterable[Any]) -> list[IndicatorRow]:
    return [as_row(r) for r in rows]


def as_meta(kpi_id: str, obj: Any) -> IndicatorMeta:
    """Normalise a mapping or attribute object into an `IndicatorMeta`."""
    if isinstance(obj, IndicatorMeta):
        return obj
    polarity = str(_get(obj, "polarity", "neutral"))
    if polarity not in POLARITIES:
        raise ValueError(f"{kpi_id}: polarity must be one of {POLARITIES}, not {polarity!r}")
    headline = _get(obj, "headline_period") or _get(obj, "headline")
    if not headline:
        raise ValueError(f"{kpi_id}: indicator metadata lacks headline_period")
    return IndicatorMeta(
        kpi_id=kpi_id,
        polarity=polarity,  # type: ignore[arg-type]
        headline_period=str(headline),
        unit=str(_get(obj, "unit", "") or ""),
        title=str(_get(obj, "title", "") or ""),
    )


def as_metas(metas: Mapping[str, Any]) -> dict[str, IndicatorMeta]:
    return {k: as_meta(k, v) for k, v in metas.items()}


def measure_range(unit: str) -> tuple[float, float | None]:
    """The values a measure can take: 0–100 for a percentage, 0 upwards otherwise
    (counts, rates per 10,000, mean days)."""
    return (0.0, 100.0) if unit == "pct" else (0.0, None)


def format_value(value: float | None, unit: str) -> str:
    """A figure as people read it: 71.3%, 1,234, 12.5."""
    if value is None:
        return "–"
    if unit == "pct":
        return f"{value:.1f}%"
    if unit in ("mean", "rate"):
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def meaningful_values(points: Iterable[SeriesPoint], min_denominator: float
                      ) -> list[float | None]:
    """The values SPC is run on: a month whose denominator is below ``min_denominator``
    is a gap (None), not a point — 2 of 2 children is not 100 % of a process. A point
    with no denominator (a count) is kept."""
    return [p.value if p.denominator is None or p.denominator >= min_denominator else None
            for p in points]


def add_months(month: str, n: int) -> str:
    """'YYYY-MM' ``n`` months on (`lantern.months.Month`): add_months('2024-01', -2) ==
    '2023-11'; a malformed month raises ValueError."""
    return str(Month.parse(month) + n)


MONTHS_OFFERED = 24  # the months a person may choose: the latest complete month and before


class MonthRefused(ValueError):
    """A month that is not a real month, or has no complete data loaded: the message
    says which months may be chosen."""


def latest_complete_month(as_of: date) -> str:
    """The latest calendar month the data covers completely, as of the data date."""
    if as_of.day == _cal.monthrange(as_of.year, as_of.month)[1]:
        return f"{as_of:%Y-%m}"
    return add_months(f"{as_of:%Y-%m}", -1)


def months_offered(as_of: date, n: int = MONTHS_OFFERED) -> list[str]:
    """The months that may be chosen, newest first."""
    last = latest_complete_month(as_of)
    return [add_months(last, -k) for k in range(n)]


def _month_name(month: str) -> str:
    return Month.parse(month).label()


def check_month(month: str, as_of: date, n: int = MONTHS_OFFERED) -> str:
    """``month`` if it is a real 'YYYY-MM' month with complete data to ``as_of``;
    otherwise `MonthRefused` saying what was wrong and which months there are."""
    offered = months_offered(as_of, n)
    span = f"{_month_name(offered[-1])} to {_month_name(offered[0])}"
    try:
        if str(Month.parse(month)) != month:  # '2024-3' is not how a month is written
            raise ValueError(month)
    except ValueError:
        raise MonthRefused(f"{month!r} is not a month: enter a month as YYYY-MM, from "
                           f"{offered[-1]} to {offered[0]}") from None
    if month not in offered:
        raise MonthRefused(f"There are no complete figures for {_month_name(month)}: "
                           f"choose a month from {span}")
    return month


def better_sign(polarity: str) -> int:
    """+1 if higher is better, -1 if lower is better, 0 for neutral."""
    if polarity == "high":
        return 1
    if polarity == "low":
        return -1
    if polarity == "neutral":
        return 0
    raise ValueError(f"polarity must be one of {POLARITIES}, not {polarity!r}")


SeriesKey = tuple[str, str, str]  # (kpi_id, breakdown, breakdown_value)


def series_by_key(
    rows: Iterable[IndicatorRow],
    period_for: Mapping[str, str],
    breakdowns: Iterable[str],
) -> dict[SeriesKey, list[SeriesPoint]]:
    """Group engine rows into monthly series, one per (kpi, breakdown, value), on the
    period given per kpi by ``period_for`` (rows of other periods, kpis or
    breakdowns are ignored). Points are sorted by month; a duplicate month is an error.
    """
    wanted = set(breakdowns)
    out: dict[SeriesKey, dict[str, SeriesPoint]] = {}
    for r in rows:
        if r.breakdown not in wanted or period_for.get(r.kpi_id) != r.period:
            continue
        key = (r.kpi_id, r.breakdown, r.breakdown_value)
        by_month = out.setdefault(key, {})
        if r.month in by_month:
            raise ValueError(f"duplicate row for {key} {r.period} {r.month}")
        value = r.value if r.status == "ok" else None
        by_month[r.month] = SeriesPoint(r.month, value, r.numerator, r.denominator)
    return {k: [v[m] for m in sorted(v)] for k, v in out.items()}
