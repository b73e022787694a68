"""The monthly exception report: what needs a leader's attention this month.

Five kinds of item, from the engine's rows for one month:

- ``deep_dive`` — the two-month decline rule fired (``decline.py``);
- ``watch`` — a two-month decline below the rule's materiality threshold: listed,
  no deep dive;
- ``spc_concern`` — the month's point is special cause of concern (``spc.py``);
- ``target_failure`` — the headline value is worse than target
  (``targets.status_for``);
- ``data_quality`` — the indicator is not available, or its denominator fell
  by more than half since last month.

Severity (most serious first):

======== =====================================================================
high     a deep dive is required; worse than target by more than the tolerance;
         SPC concern from a point outside the process limits
medium   worse than target within the tolerance; SPC concern from a trend,
         two-in-three or shift; indicator not available
low      denominator fell by more than half since last month; a watch
======== =====================================================================

Items are grouped by service — "Whole authority" first, then services in order
of their most serious item, then by name — and within a group sorted by
severity, then kind (deep_dive, spc_concern, target_failure, data_quality),
then breakdown level (authority, service, team), breakdown value and kpi id.
A team row's service comes from the row's ``service`` field or ``team_service``.

SPC runs on monthly values that do not overlap: for flow indicators whose
headline is a rolling window it uses the ``in_month`` rows (overlapping rolling
windows are autocorrelated and would fire trend and shift rules spuriously);
if there are none it skips SPC for that indicator. Snapshots use the headline.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lantern.assurance import spc
from lantern.assurance.decline import (
    DEFAULT_BREAKDOWNS,
    DEFAULT_MATERIALITY,
    DEFAULT_MIN_DENOMINATOR,
    ChildrenLookup,
    Materiality,
    find_deep_dives,
    repeats_no_worker,
)
from lantern.assurance.inputs import (
    AUTHORITY,
    IndicatorMeta,
    IndicatorRow,
    add_months,
    as_metas,
    as_rows,
    format_value,
    meaningful_values,
    measure_range,
    series_by_key,
)
from lantern.assurance.targets import Target, status_for
from lantern.casework.labels import PERIOD_TEXT
from lantern.months import Month

DEEP_DIVE = "deep_dive"
SPC_CONCERN = "spc_concern"
TARGET_FAILURE = "target_failure"
DATA_QUALITY = "data_quality"
WATCH = "watch"
KINDS: tuple[str, ...] = (DEEP_DIVE, SPC_CONCERN, TARGET_FAILURE, DATA_QUALITY, WATCH)
KIND_TEXT: dict[str, str] = {
    DEEP_DIVE: "Deep dive: worse two months running",
    SPC_CONCERN: "Unusual change for the worse (SPC)",
    TARGET_FAILURE: "Worse than target",
    DATA_QUALITY: "Data to check",
    WATCH: "Watch: slightly worse two months running",
}
"""Each kind of exception as the screens, the report and the board pack name it."""

HIGH = "high"
MEDIUM = "medium"
LOW = "low"
SEVERITIES: tuple[str, ...] = (HIGH, MEDIUM, LOW)

WHOLE_AUTHORITY = "Whole authority"
SERVICE_NOT_RECORDED = "Service not recorded"

DEFAULT_SPC_MIN_POINTS = spc.SHORT_SERIES_POINTS


@dataclass(frozen=True)
class ExceptionItem:
    kind: str  # one of KINDS
    severity: str  # one of SEVERITIES
    service: str  # the group: WHOLE_AUTHORITY, a service, or SERVICE_NOT_RECORDED
    kpi_id: str
    breakdown: str
    breakdown_value: str
    message: str  # one plain-English sentence
    values: dict[str, float | None] = field(default_factory=dict)  # month -> value
    rule: str = ""  # what fired: two_month_decline, an SPC rule, a status word, ...
    children: tuple[tuple[str, ...], ...] = ()  # deep dives: children per month


# --- ordering ----------------------------------------------------------------

_LEVEL = {AUTHORITY: 0, "service": 1, "team": 2}


def item_order(item: ExceptionItem) -> tuple[int, int, int, str, str]:
    """Sort key within a service group: severity, kind, breakdown level, value, kpi."""
    return (
        SEVERITIES.index(item.severity),
        KINDS.index(item.kind),
        _LEVEL.get(item.breakdown, 3),
        item.breakdown_value,
        item.kpi_id,
    )


def order_exceptions(items: Iterable[ExceptionItem]) -> list[ExceptionItem]:
    """Group by service (Whole authority first, then by most serious item, then
    name) and sort each group most serious first."""
    groups: dict[str, list[ExceptionItem]] = {}
    for it in items:
        groups.setdefault(it.service, []).append(it)
    for g in groups.values():
        g.sort(key=item_order)

    def group_key(name: str) -> tuple[int, tuple[int, int, int, str, str], str]:
        return (0 if name == WHOLE_AUTHORITY else 1, item_order(groups[name][0]), name)

    return [it for name in sorted(groups, key=group_key) for it in groups[name]]


def group_by_service(items: Iterable[ExceptionItem]) -> dict[str, list[ExceptionItem]]:
    """Ordered ``{service: items}`` for rendering, in ``order_exceptions`` order."""
    out: dict[str, list[ExceptionItem]] = {}
    for it in order_exceptions(items):
        out.setdefault(it.service, []).append(it)
    return out


# --- helpers -----------------------------------------------------------------


def _service_of(
    breakdown: str, value: str, row_service: str | None, team_service: Mapping[str, str]
) -> str:
    if breakdown == AUTHORITY:
        return WHOLE_AUTHORITY
    if breakdown == "service":
        return value
    return row_service or team_service.get(value) or SERVICE_NOT_RECORDED


def _where(breakdown: str, value: str) -> str:
    return "the authority" if breakdown == AUTHORITY else f"{breakdown} {value}"


def _name(meta: IndicatorMeta) -> str:
    return meta.title or meta.kpi_id


def _fmt(x: float | None, unit: str) -> str:
    # As every screen prints a figure (71.3%, 1,226.0, 12); the exact values stay in
    # `values`.
    return "no value" if x is None else format_value(x, unit)


def _month(month: str) -> str:
    return Month.parse(month).label()


def spc_period(meta: IndicatorMeta, periods_present: set[str]) -> str | None:
    """The period SPC is run on: the headline unless it is a rolling window, then
    ``in_month`` if the engine supplies it, else None (no SPC)."""
    if not meta.headline_period.startswith("rolling_"):
        return meta.headline_period
    return "in_month" if "in_month" in periods_present else None


# --- the four kinds ------------------------------------------------------------


def _deep_dive_items(
    rows: list[IndicatorRow],
    metas: dict[str, IndicatorMeta],
    month: str,
    breakdowns: Sequence[str],
    min_denominator: int,
    services: dict[tuple[str, str, str], str | None],
    team_service: Mapping[str, str],
    children_lookup: ChildrenLookup | None,
    materiality: Materiality,
) -> list[ExceptionItem]:
    """Deep dives, and the declines too small for one (watches)."""
    out = []
    for t in find_deep_dives(
        rows,
        metas,
        month,
        min_denominator=min_denominator,
        breakdowns=breakdowns,
        children_lookup=children_lookup,
        materiality=materiality,
        watch=True,
    ):
        meta = metas[t.kpi_id]
        vals = ", ".join(f"{_fmt(v, meta.unit)} in {_month(m)}"
                         for m, v in zip(t.months, t.values, strict=True))
        where = f"{_name(meta)} for {_where(t.breakdown, t.breakdown_value)}"
        if t.material:
            message = (f"{where} worsened in each of the last two months ({vals}): "
                       "a deep dive is required.")
        else:
            message = (f"{where} worsened slightly in each of the last two months ({vals}), "
                       f"by less than {materiality.describe(meta.unit)} in all: watch, "
                       "no deep dive.")
        out.append(
            ExceptionItem(
                kind=DEEP_DIVE if t.material else WATCH,
                severity=HIGH if t.material else LOW,
                service=_service_of(
                    t.breakdown,
                    t.breakdown_value,
                    services.get((t.kpi_id, t.breakdown, t.breakdown_value)),
                    team_service,
                ),
                kpi_id=t.kpi_id,
                breakdown=t.breakdown,
                breakdown_value=t.breakdown_value,
                message=message,
                values=dict(zip(t.months, t.values, strict=True)),
                rule=t.rule,
                children=t.children,
            )
        )
    return out


def _spc_items(
    rows: list[IndicatorRow],
    metas: dict[str, IndicatorMeta],
    month: str,
    breakdowns: Sequence[str],
    min_denominator: int,
    min_points: int,
    process_changes: Mapping[str, Sequence[str]],
    targets: Mapping[str, Target],
    services: dict[tuple[str, str, str], str | None],
    team_service: Mapping[str, str],
) -> list[ExceptionItem]:
    periods: dict[str, set[str]] = {}
    for r in rows:
        periods.setdefault(r.kpi_id, set()).add(r.period)
    period_for = {}
    for k, meta in metas.items():
        p = spc_period(meta, periods.get(k, set()))
        if meta.polarity != "neutral" and p is not None:
            period_for[k] = p
    out = []
    for key, points in series_by_key(rows, period_for, breakdowns).items():
        kpi_id, breakdown, value = key
        if repeats_no_worker(breakdown, value, breakdowns):
            continue
        pts = [p for p in points if p.month <= month]
        if not pts or pts[-1].month != month or pts[-1].value is None:
            continue
        if pts[-1].denominator is not None and pts[-1].denominator < min_denominator:
            continue
        values = meaningful_values(pts, min_denominator)  # as the chart: small months gaps
        if sum(v is not None for v in values) < min_points:
            continue
        months = [p.month for p in pts]
        changes = [*process_changes.get("*", ()), *process_changes.get(kpi_id, ())]
        tgt = targets.get(kpi_id)
        result = spc.classify(
            values,
            metas[kpi_id].polarity,
            rebase_at=spc.rebase_indices(months, changes),
            target=tgt.target if tgt else None,
        )
        last = result.points[-1]
        if last.point_type != spc.CONCERN:
            continue
        computed = result.segments[-1].limits
        assert computed is not None  # a concern needs limits
        limits = spc.clamp_limits(computed, *measure_range(metas[kpi_id].unit))
        rule_text = {
            spc.OUTSIDE_LIMITS: "is outside the process limits",
            spc.TREND: f"continues a run of {spc.MDC_TREND_LENGTH} points moving the wrong way",
            spc.TWO_IN_THREE: "is the second of three points near the process limit",
            spc.SHIFT: f"is in a run of {spc.MDC_SHIFT_LENGTH} or more points on the wrong side "
                       "of the mean",
        }[last.rule or ""]
        meta = metas[kpi_id]
        out.append(
            ExceptionItem(
                kind=SPC_CONCERN,
                severity=HIGH if last.rule == spc.OUTSIDE_LIMITS else MEDIUM,
                service=_service_of(breakdown, value, services.get(key), team_service),
                kpi_id=kpi_id,
                breakdown=breakdown,
                breakdown_value=value,
                message=(
                    f"{_name(meta)} for {_where(breakdown, value)} in {_month(month)} "
                    f"({_fmt(last.value, meta.unit)}, "
                    f"{PERIOD_TEXT.get(period_for[kpi_id], period_for[kpi_id])}) {rule_text} "
                    f"(mean {_fmt(limits.mean, meta.unit)}, limits "
                    f"{_fmt(limits.lower, meta.unit)} to {_fmt(limits.upper, meta.unit)}): "
                    "special cause of concern."
                ),
                values={p.month: p.value for p in pts[-3:]},
                rule=last.rule or "",
            )
        )
    return out


def _target_items(
    rows: list[IndicatorRow],
    metas: dict[str, IndicatorMeta],
    month: str,
    breakdowns: Sequence[str],
    min_denominator: int,
    targets: Mapping[str, Target],
    team_service: Mapping[str, str],
) -> list[ExceptionItem]:
    out = []
    for r in rows:
        meta = metas.get(r.kpi_id)
        tgt = targets.get(r.kpi_id)
        if (
            meta is None
            or tgt is None
            or r.month != month
            or r.period != meta.headline_period
            or r.breakdown not in breakdowns
            or r.status != "ok"
            or (r.denominator is not None and r.denominator < min_denominator)
            or repeats_no_worker(r.breakdown, r.breakdown_value, breakdowns)
        ):
            continue
        status = status_for(r.value, tgt.target, meta.polarity, tolerance=tgt.tolerance)
        if status is None or not status.failing:
            continue
        out.append(
            ExceptionItem(
                kind=TARGET_FAILURE,
                severity=HIGH if status.severe else MEDIUM,
                service=_service_of(r.breakdown, r.breakdown_value, r.service, team_service),
                kpi_id=r.kpi_id,
                breakdown=r.breakdown,
                breakdown_value=r.breakdown_value,
                message=(
                    f"{_name(meta)} for {_where(r.breakdown, r.breakdown_value)} is "
                    f"{_fmt(r.value, meta.unit)} against a target of "
                    f"{_fmt(tgt.target, meta.unit)}: {status.text}."
                ),
                values={month: r.value},
                rule=status.text,
            )
        )
    return out


def _data_quality_items(
    rows: list[IndicatorRow],
    metas: dict[str, IndicatorMeta],
    month: str,
    breakdowns: Sequence[str],
    min_denominator: int,
    team_service: Mapping[str, str],
) -> list[ExceptionItem]:
    headline = [
        r
        for r in rows
        if r.kpi_id in metas
        and r.period == metas[r.kpi_id].headline_period
        and r.breakdown in breakdowns
    ]
    out = []
    # Not available: report each indicator once, at the highest level affected.
    unavailable = [r for r in headline if r.month == month and r.status == "not_available"]
    for kpi_id in sorted({r.kpi_id for r in unavailable}):
        mine = sorted(
            (r for r in unavailable if r.kpi_id == kpi_id),
            key=lambda r: (_LEVEL.get(r.breakdown, 3), r.breakdown_value),
        )
        top = _LEVEL.get(mine[0].breakdown, 3)
        for r in mine:
            if _LEVEL.get(r.breakdown, 3) != top:
                continue
            why = f" ({r.reason})" if r.reason else ""
            out.append(
                ExceptionItem(
                    kind=DATA_QUALITY,
                    severity=MEDIUM,
                    service=_service_of(r.breakdown, r.breakdown_value, r.service, team_service),
                    kpi_id=kpi_id,
                    breakdown=r.breakdown,
                    breakdown_value=r.breakdown_value,
                    message=(
                        f"{_name(metas[kpi_id])} could not be calculated for "
                        f"{_where(r.breakdown, r.breakdown_value)} in {_month(month)}{why}."
                    ),
                    values={month: None},
                    rule="not_available",
                )
            )
    # Denominator fell by more than half: current < previous / 2.
    prev_month = add_months(month, -1)
    prev = {
        (r.kpi_id, r.breakdown, r.breakdown_value): r
        for r in headline
        if r.month == prev_month and r.status == "ok"
    }
    for r in headline:
        if r.month != month or r.status == "not_available" or r.denominator is None:
            continue
        p = prev.get((r.kpi_id, r.breakdown, r.breakdown_value))
        if p is None or p.denominator is None or p.denominator < min_denominator:
            continue
        if r.denominator * 2 >= p.denominator:
            continue
        out.append(
            ExceptionItem(
                kind=DATA_QUALITY,
                severity=LOW,
                service=_service_of(r.breakdown, r.breakdown_value, r.service, team_service),
                kpi_id=r.kpi_id,
                breakdown=r.breakdown,
                breakdown_value=r.breakdown_value,
                message=(
                    f"The denominator of {_name(metas[r.kpi_id])} for "
                    f"{_where(r.breakdown, r.breakdown_value)} fell from {p.denominator:,g} in "
                    f"{_month(prev_month)} to {r.denominator:,g} in {_month(month)}, more than "
                    "half: check the data."
                ),
                values={prev_month: p.value, month: r.value},
                rule="denominator_drop",
            )
        )
    return out


def build_exceptions(
    rows: Iterable[Any],
    indicators_meta: Mapping[str, Any],
    month: str,
    targets: Mapping[str, Target],
    *,
    breakdowns: Sequence[str] = DEFAULT_BREAKDOWNS,
    min_denominator: int = DEFAULT_MIN_DENOMINATOR,
    spc_min_points: int = DEFAULT_SPC_MIN_POINTS,
    process_changes: Mapping[str, Sequence[str]] | None = None,
    team_service: Mapping[str, str] | None = None,
    children_lookup: ChildrenLookup | None = None,
    materiality: Materiality = DEFAULT_MATERIALITY,
) -> list[ExceptionItem]:
    """Every exception for ``month``, grouped by service, most serious first.

    ``rows`` are the engine's rows (all months needed: at least M−2..M, and the
    SPC history); ``targets`` as from ``targets.load_targets()``.
    ``min_denominator`` applies to the decline rule, to target failures and to
    SPC (on the month's point), and to the previous month in the
    denominator-drop check. ``spc_min_points``: series with fewer present
    points are not charted (default 12, MDC's short-series threshold).
    ``process_changes``: months from which to rebase SPC limits, per kpi id or
    under ``"*"`` for all (e.g. ``{"*": ["2024-03"]}`` after a deep dive).
    ``materiality``: how large a decline must be for a deep dive (smaller: a watch).
    """
    norm = as_rows(rows)
    metas = as_metas(indicators_meta)
    ts = team_service or {}
    services = {(r.kpi_id, r.breakdown, r.breakdown_value): r.service for r in norm}
    items = [
        *_deep_dive_items(
            norm, metas, month, breakdowns, min_denominator, services, ts, children_lookup,
            materiality,
        ),
        *_spc_items(
            norm,
            metas,
            month,
            breakdowns,
            min_denominator,
            spc_min_points,
            process_changes or {},
            targets,
            services,
            ts,
        ),
        *_target_items(norm, metas, month, breakdowns, min_denominator, targets, ts),
        *_data_quality_items(norm, metas, month, breakdowns, min_denominator, ts),
    ]
    return order_exceptions(items)


__all__ = [
    "DATA_QUALITY",
    "DEEP_DIVE",
    "KINDS",
    "SEVERITIES",
    "SPC_CONCERN",
    "TARGET_FAILURE",
    "WATCH",
    "ExceptionItem",
    "build_exceptions",
    "group_by_service",
    "order_exceptions",
    "spc_period",
]
