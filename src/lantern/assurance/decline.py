"""The two-month decline rule: when to call an immediate deep dive.

BRIEF.md: "an immediate deep dive of any part of the service where data shows
a decline in performance over two consecutive monthly reporting cycles".
Lantern reads this as: for month M, on the indicator's headline period, the
value at M−1 is strictly worse than at M−2 and the value at M is strictly
worse than at M−1 (worse by polarity). Ties do not fire. All three months must
be present with a value, and — so that three children cannot trigger a deep
dive — each of the three denominators must be at least ``min_denominator``
(a point with no denominator, e.g. a count, is not checked).

A decline must also be material (``Materiality``): the change from M−2 to M must be
at least 1 percentage point for a percentage, or 5 % of the M−2 value for a count,
rate or mean. A smaller decline ("34.3, 34.4, 34.4") is a ``watch``: listed, but no
deep dive. Both minimums are configurable (the ``decline:`` section of the targets
file, ``LANTERN_TARGETS``). Neutral indicators never trigger either.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from lantern.assurance.inputs import (
    AUTHORITY,
    IndicatorMeta,
    SeriesPoint,
    add_months,
    as_metas,
    as_rows,
    better_sign,
    series_by_key,
)
from lantern.measures.engine import UNALLOCATED

DEFAULT_MIN_DENOMINATOR = 10
WINDOW_MONTHS = 3  # the month, and the two before it that it is compared with
DEFAULT_BREAKDOWNS: tuple[str, ...] = (AUTHORITY, "service", "team")

# Reasons a check did or did not fire.
DECLINED = "declined"
NEUTRAL = "neutral_polarity"
MISSING_MONTH = "missing_month"
NO_VALUE = "no_value"
SMALL_DENOMINATOR = "small_denominator"
NOT_DECLINING = "not_declining"
BELOW_MATERIALITY = "below_materiality"


@dataclass(frozen=True)
class Materiality:
    """How large a two-month decline must be to call a deep dive.

    The change is taken over the two months (M−2 to M). A percentage must move by
    at least ``min_points`` percentage points; any other unit (count, rate, mean) by
    at least ``min_share`` of its M−2 value. Smaller declines are watched.
    """

    min_points: float = 1.0
    min_share: float = 0.05

    def threshold(self, unit: str, start: float) -> float:
        """The smallest change that is material, in the indicator's own unit."""
        return self.min_points if unit == "pct" else self.min_share * abs(start)

    def material(self, unit: str, start: float, end: float) -> bool:
        """True when the change from ``start`` to ``end`` reaches the threshold
        (compared to 9 decimal places, so 1.0 points of float noise still counts)."""
        return round(abs(end - start), 9) >= round(self.threshold(unit, start), 9)

    def describe(self, unit: str) -> str:
        if unit == "pct":
            return f"{self.min_points:g} percentage point{'s' if self.min_points != 1 else ''}"
        return f"{self.min_share * 100:g}% of the value"


DEFAULT_MATERIALITY = Materiality()
NO_MATERIALITY = Materiality(min_points=0.0, min_share=0.0)


def load_materiality(path: str | Path | None = None) -> Materiality:
    """The ``decline:`` section (``min_points``, ``min_share``) of a targets file, over
    the defaults; the defaults when there is no file or no section."""
    if path is None:
        return DEFAULT_MATERIALITY
    doc = yaml.safe_load(Path(path).read_text("utf-8")) or {}
    section = doc.get("decline") if isinstance(doc, Mapping) else None
    if section is None:
        return DEFAULT_MATERIALITY
    if not isinstance(section, Mapping) or set(section) - {"min_points", "min_share"}:
        raise ValueError(f"{path}: decline: expected min_points and/or min_share")
    got: dict[str, float] = {}
    for key, value in section.items():
        if not isinstance(value, int | float) or value < 0 or math.isnan(value):
            raise ValueError(f"{path}: decline: {key} must be a number ≥ 0")
        got[str(key)] = float(value)
    return replace(DEFAULT_MATERIALITY, **got)

ChildrenLookup = Callable[[str, str, str, str], Sequence[str]]
"""(kpi_id, month, breakdown, breakdown_value) -> child ids behind that value."""


@dataclass(frozen=True)
class DeclineTrigger:
    """A deep dive required: what fired, the three values and the children behind them."""

    kpi_id: str
    breakdown: str
    breakdown_value: str
    period: str
    polarity: str
    months: tuple[str, str, str]  # (M−2, M−1, M)
    values: tuple[float, float, float]
    numerators: tuple[float | None, float | None, float | None]
    denominators: tuple[float | None, float | None, float | None]
    children: tuple[tuple[str, ...], ...] = ()  # per month, aligned with ``months``
    # Per month, aligned with ``months``: each child's (id, records in the numerator,
    # records), so a frozen trigger can say which children were late, not only who counted.
    counted: tuple[tuple[tuple[str, int, int], ...], ...] = ()
    rule: str = "two_month_decline"
    material: bool = True  # False: below the materiality threshold, a watch

    @property
    def message(self) -> str:
        where = (
            "the authority"
            if self.breakdown == AUTHORITY
            else (f"{self.breakdown} {self.breakdown_value}")
        )
        v = ", ".join(f"{m}: {x:g}" for m, x in zip(self.months, self.values, strict=True))
        then = "a deep dive is required." if self.material else "below the materiality " \
            "threshold: watch."
        return f"{self.kpi_id} for {where} has worsened in two consecutive months ({v}); {then}"


@dataclass(frozen=True)
class DeclineCheck:
    """The outcome of the rule for one series, whether or not it fired."""

    fired: bool
    reason: str
    detail: str
    trigger: DeclineTrigger | None = None


def worsened(current: float, previous: float, polarity: str) -> bool:
    """True when ``current`` is strictly worse than ``previous`` by polarity
    (rounded to 9 decimal places, so equal values are a tie, never a decline)."""
    diff = round(current - previous, 9)
    return diff * better_sign(polarity) < 0


def _three_months(points: Sequence[SeriesPoint], months: tuple[str, str, str],
                  min_denominator: int) -> list[SeriesPoint] | DeclineCheck:
    """The three months' points, or why the rule cannot be applied to them."""
    by_month: dict[str, SeriesPoint] = {}
    for p in points:
        if p.month in by_month:
            raise ValueError(f"duplicate point for {p.month}")
        by_month[p.month] = p
    absent = [m for m in months if m not in by_month]
    if absent:
        return DeclineCheck(False, MISSING_MONTH, f"no data for {', '.join(absent)}")
    trio = [by_month[m] for m in months]
    no_value = [p.month for p in trio if p.value is None]
    if no_value:
        return DeclineCheck(False, NO_VALUE, f"no value for {', '.join(no_value)}")
    small = [
        f"{p.month} ({p.denominator:g})"
        for p in trio
        if p.denominator is not None and p.denominator < min_denominator
    ]
    if small:
        return DeclineCheck(
            False, SMALL_DENOMINATOR, f"denominator below {min_denominator} in {', '.join(small)}"
        )
    return trio


def check_decline(
    points: Sequence[SeriesPoint],
    polarity: str,
    *,
    month: str,
    min_denominator: int = DEFAULT_MIN_DENOMINATOR,
    kpi_id: str = "",
    breakdown: str = AUTHORITY,
    breakdown_value: str = "",
    period: str = "",
    unit: str = "",
    materiality: Materiality = DEFAULT_MATERIALITY,
) -> DeclineCheck:
    """Apply the two-month decline rule for ``month`` and say why it did or did not fire.

    A decline below ``materiality`` does not fire: its reason is ``below_materiality``
    and it carries the trigger (``material=False``) for the watch list."""
    if better_sign(polarity) == 0:
        return DeclineCheck(False, NEUTRAL, "neutral indicators have no direction of decline")
    months = (add_months(month, -2), add_months(month, -1), month)  # WINDOW_MONTHS
    trio = _three_months(points, months, min_denominator)
    if isinstance(trio, DeclineCheck):
        return trio
    v0, v1, v2 = (float(p.value) for p in trio)  # type: ignore[arg-type]
    if not (worsened(v1, v0, polarity) and worsened(v2, v1, polarity)):
        return DeclineCheck(False, NOT_DECLINING, f"values {v0:g}, {v1:g}, {v2:g}")
    trigger = DeclineTrigger(
        kpi_id=kpi_id,
        breakdown=breakdown,
        breakdown_value=breakdown_value,
        period=period,
        polarity=polarity,
        months=months,
        values=(v0, v1, v2),
        numerators=(trio[0].numerator, trio[1].numerator, trio[2].numerator),
        denominators=(trio[0].denominator, trio[1].denominator, trio[2].denominator),
    )
    if not materiality.material(unit, v0, v2):
        return DeclineCheck(
            False, BELOW_MATERIALITY,
            f"values {v0:g}, {v1:g}, {v2:g}: a change of {abs(v2 - v0):g}, less than "
            f"{materiality.describe(unit)}", replace(trigger, material=False))
    return DeclineCheck(True, DECLINED, f"values {v0:g}, {v1:g}, {v2:g}", trigger)


def two_month_decline(
    points: Sequence[SeriesPoint],
    polarity: str,
    *,
    month: str,
    min_denominator: int = DEFAULT_MIN_DENOMINATOR,
    kpi_id: str = "",
    breakdown: str = AUTHORITY,
    breakdown_value: str = "",
    period: str = "",
    unit: str = "",
    materiality: Materiality = DEFAULT_MATERIALITY,
) -> DeclineTrigger | None:
    """The trigger if the rule fires for ``month``, else None (``check_decline`` says why)."""
    check = check_decline(
        points,
        polarity,
        month=month,
        min_denominator=min_denominator,
        kpi_id=kpi_id,
        breakdown=breakdown,
        breakdown_value=breakdown_value,
        period=period,
        unit=unit,
        materiality=materiality,
    )
    return check.trigger if check.fired else None


def decline_checks(
    rows: Iterable[Any],
    indicators_meta: Mapping[str, Any],
    month: str,
    *,
    min_denominator: int = DEFAULT_MIN_DENOMINATOR,
    min_denominators: Mapping[str, int] | None = None,
    breakdowns: Sequence[str] = DEFAULT_BREAKDOWNS,
    materiality: Materiality = DEFAULT_MATERIALITY,
) -> list[tuple[tuple[str, str, str], DeclineCheck]]:
    """Run the rule over every polar indicator × breakdown value in the engine rows, on
    each indicator's headline period. ``min_denominators`` overrides the minimum per kpi."""
    metas: dict[str, IndicatorMeta] = as_metas(indicators_meta)
    period_for = {k: m.headline_period for k, m in metas.items() if m.polarity != "neutral"}
    series = series_by_key(as_rows(rows), period_for, breakdowns)
    out = []
    for key in sorted(series, key=_key_order):
        if repeats_no_worker(key[1], key[2], breakdowns):
            continue
        kpi_id, breakdown, value = key
        check = check_decline(
            series[key],
            metas[kpi_id].polarity,
            month=month,
            min_denominator=(min_denominators or {}).get(kpi_id, min_denominator),
            kpi_id=kpi_id,
            breakdown=breakdown,
            breakdown_value=value,
            period=period_for[kpi_id],
            unit=metas[kpi_id].unit,
            materiality=materiality,
        )
        out.append((key, check))
    return out


def repeats_no_worker(breakdown: str, value: str, breakdowns: Sequence[str]) -> bool:
    """True for the children with no allocated worker at any level but the first that
    holds them: they form the same group at the service, team and worker breakdowns,
    so one decline among them is one deep dive, not one per level."""
    if value != UNALLOCATED:
        return False
    levels = [b for b in ("service", "team", "worker") if b in breakdowns]
    return breakdown in levels[1:]


def find_deep_dives(
    rows: Iterable[Any],
    indicators_meta: Mapping[str, Any],
    month: str,
    *,
    min_denominator: int = DEFAULT_MIN_DENOMINATOR,
    min_denominators: Mapping[str, int] | None = None,
    breakdowns: Sequence[str] = DEFAULT_BREAKDOWNS,
    children_lookup: ChildrenLookup | None = None,
    materiality: Materiality = DEFAULT_MATERIALITY,
    watch: bool = False,
) -> list[DeclineTrigger]:
    """Every deep dive the rule calls for in ``month``: authority, service and team
    breakdowns, headline period. ``children_lookup`` (from the indicator
    engine's drill-down) fills in the children behind each of the three values.
    With ``watch``, the declines below the materiality threshold too
    (``material=False``; no children are looked up for them)."""
    triggers = []
    for _key, check in decline_checks(
        rows,
        indicators_meta,
        month,
        min_denominator=min_denominator,
        min_denominators=min_denominators,
        breakdowns=breakdowns,
        materiality=materiality,
    ):
        t = check.trigger
        if t is None or not (check.fired or watch):
            continue
        if children_lookup is not None and t.material:
            kids = tuple(
                tuple(children_lookup(t.kpi_id, m, t.breakdown, t.breakdown_value))
                for m in t.months
            )
            t = replace(t, children=kids)
        triggers.append(t)
    return triggers


_LEVEL = {AUTHORITY: 0, "service": 1, "team": 2}


def _key_order(key: tuple[str, str, str]) -> tuple[int, str, str, str]:
    return (_LEVEL.get(key[1], 3), key[1], key[2], key[0])
