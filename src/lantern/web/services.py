"""What the pages and the API show, gathered from the core layers and cut to the viewer.

Thin by rule: figures come from `assurance.monthly.assure_month` (and, for breakdowns
it does not hold, `measures.engine.compute`), a service's or team's standing from
`assurance.monthly.breakdown_month`; the children behind a figure from `measures.drill`;
child-level records from `casework`; work lists from `alerts`; the load history from
`ingest.history`; which rows the aggregate-only roles may not see from
`security.disclosure`. This module caches, filters to the viewer's scope and applies
small-number suppression.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
from fastapi import HTTPException

from lantern import casework
from lantern.alerts import AlertItem, run_alerts
from lantern.alerts.recipients import Directory, recipient_keys
from lantern.alerts.recipients import directory as alert_directory
from lantern.assurance.exceptions import ExceptionItem, group_by_service
from lantern.assurance.inputs import (
    MONTHS_OFFERED,
    MonthRefused,
    check_month,
    latest_complete_month,
    months_offered,
)
from lantern.assurance.monthly import MonthlyAssurance, breakdown_month
from lantern.assurance.store import CHARACTERISTICS, Basis, month_assurance, stored_rows
from lantern.assurance.store import holds as stored_holds
from lantern.assurance.targets import Target, load_targets
from lantern.casework.labels import names as casework_names
from lantern.config import Settings
from lantern.ingest import history
from lantern.measures.benchmarks import benchmark
from lantern.measures.catalogue import SCORECARD, get
from lantern.measures.drill import children as drill_children
from lantern.measures.engine import KpiRow, compute
from lantern.measures.subjects import RECORD_BREAKDOWNS
from lantern.months import Month
from lantern.reports.build import HEADLINES, all_sections, scorecard_row, section_of
from lantern.reports.model import ChartPoint, ScorecardRow
from lantern.security.alert_inbox import ItemState, key_of, states
from lantern.security.disclosure import (
    TOTAL,
    Key,
    SeriesCells,
    board_exception,
    cells,
    protect_series,
    protect_window,
    withheld_rows,
    withhold,
)
from lantern.security.policy import (
    SUPPRESSED,
    Principal,
    can_see_named_workers,
    child_in_scope,
    suppress_kpi_row,
)
from lantern.warehouse.meta import Authority, with_population
from lantern.web.cache import ASSURANCE, RESULTS
from lantern.web.snapshot import SNAPSHOTS, Stamp

SECTION_TITLES = dict(all_sections())
BREAKDOWN_LABELS = {"authority": "Whole authority", "service": "Service", "team": "Team",
                    "worker": "Worker", "age_band": "Age band", "sex": "Sex",
                    "ethnicity": "Ethnicity", "disability": "Disability",
                    **{b.id: b.label for b in RECORD_BREAKDOWNS.values()}}


class NoWarehouse(RuntimeError):
    """No warehouse has been loaded yet."""


@dataclass
class Wh:
    """One request's read-only view of the warehouse: a cursor on the process's
    in-memory copy (`web.snapshot`)."""

    con: duckdb.DuckDBPyConnection
    path: Path
    stamp: Stamp
    authority: Authority
    as_of: date
    targets_path: str | None
    app_db_url: str | None = None  # the case audits' (quality-assurance indicators)

    def key(self, *parts: Any) -> tuple[Any, ...]:
        return (str(self.path), self.stamp, self.targets_path, *parts)

    def close(self) -> None:
        self.con.close()


_CONFIGURED = object()


def open_warehouse(settings: Settings, today: date | None = None,
                   targets_path: str | object | None = _CONFIGURED) -> Wh:
    """The warehouse, read-only. ``targets_path``: the targets file the figures use
    (default: the configured one; the app passes `app_settings.targets_path`).
    Raises `NoWarehouse` when there is none, `WarehouseBusy` when a load is writing it
    and no earlier copy is held."""
    path = settings.warehouse_path
    snap = SNAPSHOTS.get(path)
    if snap is None:
        raise NoWarehouse(str(path))
    authority = with_population(snap.authority, settings.population)
    con = snap.cursor()
    try:
        as_of = RESULTS.get((str(path), snap.stamp, "as_of", today),
                            lambda: casework.data_date(con, today))
    except Exception:
        con.close()
        raise
    if targets_path is _CONFIGURED:
        targets_path = str(settings.targets) if settings.targets else None
    return Wh(con, path, snap.stamp, authority, as_of,
              targets_path if isinstance(targets_path, str) else None,
              settings.app_database_url)


# --------------------------------------------------------------------------- months


def latest_month(wh: Wh) -> str:
    """The latest complete month of data."""
    return latest_complete_month(wh.as_of)


def warm_up(wh: Wh) -> None:
    """Compute and cache the latest month's figures, the work lists and every child's
    record (the first request for each otherwise waits for it)."""
    latest = latest_month(wh)
    authority_rows(wh, latest)  # and the benchmark data the rows compare with
    alerts_by_child(wh)
    child_record(wh, "")
    # What the board is denied (within each month's tables and across months), for the
    # authority and every service and team: the slowest part of a board member's first
    # view of the latest month.
    board = Principal(0, "", "", "board_member", "authority")
    for b in ("authority", "service", "team"):
        for v in breakdown_values(wh, b) if b != "authority" else [None]:
            scorecard(wh, latest, board, b, v)
    # Every earlier month the load stored: each is read back in a fraction of a second,
    # so nobody's first view of an earlier month waits for it (never computed here).
    basis = Basis.of(wh.authority, wh.targets_path)
    for month in months(wh)[1:]:
        if stored_holds(wh.con, month, basis):
            authority_rows(wh, month)


def months(wh: Wh, n: int = MONTHS_OFFERED) -> list[str]:
    return months_offered(wh.as_of, n)


def valid_month(wh: Wh, month: str | None) -> str:
    """The month asked for (default: the latest); a malformed month, or one without
    complete data, is refused (422) with a message naming the months there are."""
    if month is None or month == "":
        return latest_month(wh)
    try:
        return check_month(month, wh.as_of)
    except MonthRefused as exc:
        raise HTTPException(422, str(exc)) from None


def month_label(month: str) -> str:
    y, m = (int(p) for p in month.split("-"))
    return date(y, m, 1).strftime("%B %Y")


# --------------------------------------------------------------------------- cached core


def team_services(wh: Wh) -> dict[str, str]:
    return RESULTS.get(wh.key("team_services"),
                       lambda: casework.team_services(wh.con))


def assurance(wh: Wh, month: str) -> MonthlyAssurance:
    """The month's assurance: stored at load time (`assurance.store`), else computed."""
    from lantern.quality.kpis import local_figures

    # The audits' figures: stored with the load's assurance; read from the app database
    # for a month outside the store, and for the children behind an audit deep dive
    # when other targets rebuild the exceptions.
    local = local_figures(wh.app_db_url, wh.authority.la_code) if wh.app_db_url else None
    return ASSURANCE.get(wh.key("assure", month), lambda: month_assurance(
        wh.con, month, Basis.of(wh.authority, wh.targets_path),
        team_service=team_services(wh), local=local))


def breakdown_rows(wh: Wh, month: str, kpi_id: str, breakdown: str) -> list[KpiRow]:
    """One indicator's rows for one month by a breakdown the assurance does not hold:
    stored at load time for the months the app offers; else every indicator by every such
    breakdown is computed at once, the first time any is asked for (about 9 s on a
    4,000-child authority, against 1-2.5 s for each indicator and breakdown alone: a
    board's walk through the indicators, or the disclosure test, asks for all of them)."""
    a = wh.authority
    got = RESULTS.get(wh.key("stored", month, kpi_id, breakdown), lambda: stored_rows(
        wh.con, [month], (breakdown,), Basis.of(a, wh.targets_path), kpi_id=kpi_id))
    if got is not None:
        return got

    def every() -> dict[tuple[str, str], list[KpiRow]]:
        out: dict[tuple[str, str], list[KpiRow]] = {}
        for r in compute(wh.con, [month], breakdowns=CHARACTERISTICS,
                         population=a.population, la_code=a.la_code):
            out.setdefault((r.kpi_id, r.breakdown), []).append(r)
        return out

    return RESULTS.get(wh.key("compute", month), every).get((kpi_id, breakdown), [])


def drill(wh: Wh, kpi_id: str, month: str, period: str | None) -> list[dict[str, Any]]:
    return RESULTS.get(wh.key("drill", kpi_id, month, period),
                       lambda: drill_children(wh.con, kpi_id, month, period=period))


def alerts(wh: Wh) -> list[AlertItem]:
    return RESULTS.get(wh.key("alerts", wh.as_of), lambda: run_alerts(wh.con, wh.as_of))


def alerts_by_child(wh: Wh) -> dict[str, list[tuple[int, AlertItem]]]:
    """Each child's alert items with their places in `alerts`."""
    def index() -> dict[str, list[tuple[int, AlertItem]]]:
        out: dict[str, list[tuple[int, AlertItem]]] = {}
        for n, item in enumerate(alerts(wh)):
            if item.child_id is not None:
                out.setdefault(item.child_id, []).append((n, item))
        return out

    return RESULTS.get(wh.key("alerts_by_child", wh.as_of), index)


def scopes(wh: Wh) -> dict[str, casework.ChildScope]:
    return RESULTS.get(wh.key("scopes", wh.as_of), lambda: casework.scope_map(wh.con, wh.as_of))


def team_names(wh: Wh) -> dict[str, str]:
    return RESULTS.get(wh.key("team_names"),
                       lambda: {t.team_id: t.name for t in casework.teams(wh.con)})


def child_record(wh: Wh, child_id: str) -> casework.ChildRecord | None:
    """One child's record on the data date, from the records of the whole authority
    (read once per copy of the warehouse)."""
    return RESULTS.get(wh.key("child_records", wh.as_of),
                       lambda: casework.child_records(wh.con, wh.as_of)).get(child_id)


def chronology(wh: Wh, child_id: str, categories: set[str] | None = None
               ) -> list[casework.Event]:
    """One child's events to the data date, from the copy's prepared chronology."""
    return casework.chronology(wh.con, child_id, until=wh.as_of, categories=categories,
                               prepared=True)


def targets(wh: Wh) -> dict[str, Target]:
    """The targets the figures use (read once per version of the file; do not change
    the dictionary returned)."""
    path = wh.targets_path
    try:
        version = Path(path).stat().st_mtime_ns if path else None
    except OSError:
        version = None
    return RESULTS.get(("targets", path, version), lambda: load_targets(path))


def assurance_rows(wh: Wh, month: str, kpi_id: str, breakdown: str) -> list[KpiRow]:
    """The month's assured rows of one indicator and breakdown (every month of the
    chart), grouped once per month."""
    def group() -> dict[tuple[str, str], list[KpiRow]]:
        out: dict[tuple[str, str], list[KpiRow]] = {}
        for r in assurance(wh, month).rows:
            out.setdefault((r.kpi_id, r.breakdown), []).append(r)
        return out

    return RESULTS.get(wh.key("assurance_rows", month), group).get((kpi_id, breakdown), [])


# --------------------------------------------------------------------------- scope


def child_visible(wh: Wh, p: Principal, child_id: str | None) -> bool:
    if child_id is None:
        return False
    s = scopes(wh).get(child_id)
    return child_in_scope(p, s.team if s else None, s.service if s else None,
                          s.worker if s else None)


def team_visible(wh: Wh, p: Principal, team_id: str | None) -> bool:
    """May ``p`` see the children of ``team_id`` (by the same rule as one child)?"""
    if team_id is None:
        return False
    return child_in_scope(p, team_id, team_services(wh).get(team_id))


def visible_teams(wh: Wh, p: Principal) -> list[casework.Team]:
    return [t for t in casework.teams(wh.con) if team_visible(wh, p, t.team_id)]


def default_breakdown(p: Principal) -> tuple[str, str | None]:
    if p.scope_type in ("team", "service") and p.scope_value:
        return p.scope_type, p.scope_value
    return "authority", None


# --------------------------------------------------------------------------- scorecard


def _suppress_point(pt: ChartPoint, p: Principal) -> ChartPoint:
    if not p.aggregate_only:
        return pt
    got = suppress_kpi_row({"numerator": pt.numerator, "denominator": pt.denominator,
                            "value": pt.value}, p)
    if got.get("suppressed"):
        return replace(pt, value=None, numerator=None, denominator=None)
    return pt


def _families(kpi_id: str, breakdown: str) -> tuple[str, ...]:
    """The breakdowns protected together with ``breakdown`` (see `security.disclosure`)."""
    if breakdown in ("authority", "service", "team"):
        return tuple(b for b in ("service", "team") if b in get(kpi_id).all_breakdowns)
    return (breakdown,)


def withheld(wh: Wh, month: str, kpi_id: str, m: str, period: str,
             family: tuple[str, ...]) -> frozenset[Key]:
    """The rows of ``kpi_id`` for month ``m`` and ``period`` (from the assurance of
    ``month``) that aggregate-only roles may not see: small-number suppression,
    primary and secondary, over the authority and the breakdowns of ``family``."""
    def build() -> dict[str, frozenset[Key]]:
        # Every month of the chart at once: one cache entry per indicator and period,
        # not per month (24 months of 60 indicators overflowed the cache).
        by_month: dict[str, list[KpiRow]] = {}
        for b in ("authority", *family):
            if b in ("authority", "service", "team"):
                for r in assurance_rows(wh, month, kpi_id, b):
                    if r.period == period:
                        by_month.setdefault(r.month, []).append(r)
        by_month.setdefault(month, []).extend(
            r for b in family if b not in ("service", "team")
            for r in breakdown_rows(wh, month, kpi_id, b) if r.period == period)
        unit, ts = get(kpi_id).unit, team_services(wh)
        return {k: withheld_rows(unit, rows, ts, family) for k, rows in by_month.items()}

    got = RESULTS.get(wh.key("withheld", month, kpi_id, period, family), build)
    return got.get(m, frozenset())


def disclosed(wh: Wh, month: str, sr: ScorecardRow, p: Principal,
              key: Key = TOTAL) -> tuple[ScorecardRow, bool]:
    """A scorecard row (of the authority, or of ``key``'s service or team) as the
    viewer may see it: for aggregate-only roles, every chart point withheld where
    disclosure control withholds it, and whether the headline itself is withheld."""
    if not p.aggregate_only:
        return sr, False
    fam = _families(sr.kpi_id, key[0])
    chart = sr.chart_period or sr.period
    across = sr.period.startswith("rolling_") and chart == "in_month" and key[0] in (
        "authority", "service", "team")
    # A month's rows are the same in every month's assurance of one load: across months,
    # read them from the latest month's (warmed; what falls outside it is withheld).
    src = latest_month(wh) if across else month
    series = tuple(
        replace(pt, value=None, numerator=None, denominator=None)
        if key in withheld(wh, src, sr.kpi_id, pt.month, chart, fam) else pt
        for pt in sr.series)
    hidden = key in withheld(wh, month, sr.kpi_id, month, sr.period, fam)
    if sr.period.startswith("rolling_") and chart == "in_month":
        series, hidden = _window_disclosed(wh, month, sr, key, series, hidden)
    headline = series if chart == sr.period else tuple(
        replace(pt, value=None, numerator=None, denominator=None)
        if key in withheld(wh, src, sr.kpi_id, pt.month, sr.period, fam) else pt
        for pt in sr.headline_series)
    if across:
        order, windows, months = across_months(wh, sr.kpi_id, sr.period, key, fam)
        series = _without(series, lambda m: m in months or m not in order)
        headline = _without(headline, lambda m: m in windows or m not in order)
        hidden = hidden or month in windows or month not in order
        before = str(Month.parse(month) - 1)
        if before in windows or before not in order:  # "No change" would give it back
            sr = replace(sr, since_last="")
    return replace(sr, series=series, headline_series=headline), hidden


def figure_withheld(wh: Wh, kpi_id: str, key: Key, m: str) -> bool:
    """Whether aggregate-only roles are denied ``kpi_id``'s headline figure for ``key``
    in month ``m`` as the scorecard decides it (within the month's table and across
    months), so the pages that quote it elsewhere (deep dives, the plan) agree."""
    latest = latest_month(wh)
    sr = authority_rows(wh, latest).get(kpi_id)
    if sr is None:
        return True
    fam = _families(kpi_id, key[0])
    if key in withheld(wh, latest, kpi_id, m, sr.period, fam):
        return True
    if sr.period.startswith("rolling_") and (sr.chart_period or sr.period) == "in_month":
        order, windows, _ = across_months(wh, kpi_id, sr.period, key, fam)
        return m in windows or m not in order
    return False


def _without(points: tuple[ChartPoint, ...], out: Any) -> tuple[ChartPoint, ...]:
    return tuple(replace(pt, value=None, numerator=None, denominator=None)
                 if out(pt.month) else pt for pt in points)


def across_months(wh: Wh, kpi_id: str, period: str, key: Key, fam: tuple[str, ...]
                  ) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The months of the latest month's charts (oldest first) and, of them, the
    rolling windows and in-month figures of ``key`` withheld so that no difference
    between months gives back a small count (`security.disclosure.protect_series`).
    Decided once per load over the latest month's 24 months, so every month's page
    withholds the same figures; a page for an earlier month shows nothing before them."""
    def build() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        latest = latest_month(wh)
        unit = get(kpi_id).unit
        rows = [r for r in assurance_rows(wh, latest, kpi_id, key[0])
                if key == TOTAL or r.breakdown_value == key[1]]
        got: dict[str, dict[str, tuple[int, ...]]] = {period: {}, "in_month": {}}
        for r in rows:
            if r.period in got:
                got[r.period][r.month] = cells(unit, r.numerator, r.denominator, r.value)
        order = sorted(got[period])
        cell = SeriesCells(
            {"rolling_12m": 12, "rolling_36m": 36}.get(period, 12), got[period],
            got["in_month"],
            frozenset(m for m in order if key in withheld(wh, latest, kpi_id, m, period, fam)),
            frozenset(m for m in order
                      if key in withheld(wh, latest, kpi_id, m, "in_month", fam)))
        windows, months = protect_series(cell, order)
        return frozenset(order), windows, months

    # One cache entry per indicator and period, filled scope by scope.
    mine: dict[Key, tuple[frozenset[str], frozenset[str], frozenset[str]]] = RESULTS.get(
        wh.key("across_months", kpi_id, period, fam), dict)
    if key not in mine:
        mine[key] = build()
    return mine[key]


def _window_disclosed(wh: Wh, month: str, sr: ScorecardRow, key: Key,
                      series: tuple[ChartPoint, ...], hidden: bool
                      ) -> tuple[tuple[ChartPoint, ...], bool]:
    """The headline's rolling window less its published months must not be 1-4
    (`security.disclosure.protect_window`)."""
    span = {"rolling_12m": 12, "rolling_36m": 36}.get(sr.period, 12)
    inside = [str(Month.parse(month) - k) for k in range(span)]
    b = key[0]
    mine = {(r.month, r.period): r for r in assurance_rows(wh, month, sr.kpi_id, b)
            if b == "authority" or r.breakdown_value == key[1]}
    window = None if hidden else mine.get((month, sr.period))
    shown = {pt.month for pt in series if pt.value is not None or pt.numerator is not None}
    extra, drop = protect_window(get(sr.kpi_id).unit, window,
                                 {m: mine.get((m, "in_month")) for m in inside}, shown)
    series = tuple(replace(pt, value=None, numerator=None, denominator=None)
                   if pt.month in extra else pt for pt in series)
    return series, hidden or drop


def row_dict(sr: ScorecardRow, p: Principal, hidden: bool = False) -> dict[str, Any]:
    """A scorecard row as the viewer may see it (suppressed for aggregate-only roles;
    ``hidden``: disclosure control withholds it, see `disclosed`)."""
    d: dict[str, Any] = {
        "kpi_id": sr.kpi_id, "title": sr.title, "unit": sr.unit, "polarity": sr.polarity,
        "period": sr.period, "value": sr.value, "numerator": sr.numerator,
        "denominator": sr.denominator, "target": sr.target,
        "status_word": sr.status_word, "since_last": sr.since_last, "england": sr.england,
        "stat_neighbours": sr.stat_neighbours, "variation_icon": sr.variation_icon,
        "assurance_icon": sr.assurance_icon, "availability": sr.availability,
        "chart_period": sr.chart_period, "benchmark_unit": sr.benchmark_unit,
        "compared": sr.compared, "benchmark_year": sr.benchmark_year, "region": sr.region,
        "region_value": sr.region_value,
        "series": [{"month": pt.month, "value": pt.value, "numerator": pt.numerator,
                    "denominator": pt.denominator, "point_type": pt.point_type}
                   for pt in (_suppress_point(x, p) for x in sr.series)],
        # The headline's own period month by month (rolling 12 months for a flow): what
        # the sparkline draws, over the same months as the indicator's chart.
        "trend": [{"month": pt.month, "value": pt.value}
                  for pt in (_suppress_point(x, p) for x in sr.headline_series or sr.series)],
    }
    d = withhold(d, SUPPRESSED) if hidden else suppress_kpi_row(d, p)
    d.setdefault("suppressed", False)
    if d["suppressed"]:
        d["status_word"] = ""
        d["since_last"] = ""
        d["compared"] = None  # a count's rate per 10,000 gives the count back
    return d


def authority_rows(wh: Wh, month: str) -> dict[str, ScorecardRow]:
    a = assurance(wh, month)
    rows = RESULTS.get(wh.key("scorecard_rows", month), lambda: {
        i.id: scorecard_row(a.indicators[i.id], wh.authority.la_code, wh.authority.population)
        for i in SCORECARD})
    return rows


def _breakdown_row(wh: Wh, a: MonthlyAssurance, sr: ScorecardRow, breakdown: str,
                   value: str, month: str) -> ScorecardRow:
    """The authority's scorecard row restated for one service or team."""
    got = breakdown_month(
        assurance_rows(wh, month, sr.kpi_id, breakdown), value, month=month,
        period=sr.period, chart_period=sr.chart_period or sr.period, months=a.months,
        target=targets(wh).get(sr.kpi_id), polarity=sr.polarity)
    headline = breakdown_month(  # the headline's period too, for the chart that plots it
        assurance_rows(wh, month, sr.kpi_id, breakdown), value, month=month,
        period=sr.period, chart_period=sr.period, months=a.months, target=None,
        polarity=sr.polarity)
    return replace(
        sr, value=got.value, numerator=got.numerator, denominator=got.denominator,
        status_word=got.status_word or "", since_last=got.since_last or "",
        variation_icon=None, assurance_icon=None, centre=None, upper=None, lower=None,
        series=tuple(ChartPoint(p.month, p.value, _int(p.numerator), _int(p.denominator))
                     for p in got.series),
        headline_series=tuple(ChartPoint(p.month, p.value, _int(p.numerator),
                                         _int(p.denominator), "") for p in headline.series),
        small_months=(), limits_from=None, availability=got.availability,
        # DfE publishes authorities, not teams: a team is not compared with England,
        # and the authority's rate per 10,000 is not the team's.
        england=None, stat_neighbours=None, compared=None, region_value=None)


def _int(x: float | None) -> int | None:
    return None if x is None else int(x)


def scorecard(wh: Wh, month: str, p: Principal, breakdown: str = "authority",
              value: str | None = None, kpis: tuple[str, ...] | None = None
              ) -> list[dict[str, Any]]:
    """Sections of rows: every indicator (or ``kpis``) for the authority, or for one
    service or team (its value, target status and change; SPC is the authority's)."""
    a = assurance(wh, month)
    rows = authority_rows(wh, month)
    out: dict[str, dict[str, Any]] = {k: {"key": k, "title": t, "rows": []}
                                      for k, t in all_sections()}
    for ind in SCORECARD:
        if kpis is not None and ind.id not in kpis:
            continue
        sr = rows[ind.id]
        key = TOTAL
        if breakdown != "authority" and value:
            if breakdown not in ind.all_breakdowns:
                continue
            sr = _breakdown_row(wh, a, sr, breakdown, value, month)
            key = (breakdown, value)
        sr, hidden = disclosed(wh, month, sr, p, key)
        out[section_of(ind.id, ind.area)]["rows"].append(row_dict(sr, p, hidden))
    return [s for s in out.values() if s["rows"]]


def headlines(wh: Wh, month: str, p: Principal, breakdown: str = "authority",
              value: str | None = None) -> list[dict[str, Any]]:
    sections = scorecard(wh, month, p, breakdown, value, kpis=HEADLINES)
    by_id = {r["kpi_id"]: r for s in sections for r in s["rows"]}
    return [by_id[k] for k in HEADLINES if k in by_id]


def breakdown_values(wh: Wh, breakdown: str) -> list[str]:
    if breakdown == "service":
        return sorted({s for s in team_services(wh).values() if s})
    if breakdown == "team":
        return sorted(team_services(wh))
    return []


def indicator(wh: Wh, kpi_id: str, month: str, p: Principal) -> dict[str, Any]:
    """The indicator page: definition, the authority row (with its chart series) and
    breakdowns by service, team and characteristics for the month."""
    ind = get(kpi_id)
    sr, hidden = chart_row(wh, month, authority_rows(wh, month)[kpi_id], p)
    breakdowns: dict[str, list[dict[str, Any]]] = {}
    for b in ("service", "team", *CHARACTERISTICS):
        # No per-worker figures for the board: a worker's results are performance
        # management, and their small caseloads would be withheld anyway.
        if b not in ind.all_breakdowns or (b == "worker" and p.aggregate_only):
            continue
        if b in ("service", "team"):
            got = [r for r in assurance_rows(wh, month, kpi_id, b)
                   if r.month == month and r.period == sr.period]
        else:
            got = [r for r in breakdown_rows(wh, month, kpi_id, b) if r.period == sr.period]
        breakdowns[b] = [_breakdown_dict(wh, month, r, p)
                         for r in sorted(got, key=lambda r: r.breakdown_value)]
    return {"indicator": ind, "row": row_dict(sr, p, hidden), "scorecard_row": sr,
            "breakdowns": breakdowns, "target": targets(wh).get(kpi_id),
            "benchmark": benchmark_of(wh, kpi_id)}


def chart_row(wh: Wh, month: str, sr: ScorecardRow, p: Principal
              ) -> tuple[ScorecardRow, bool]:
    """The authority's row with its charts' points as ``p`` may see them (`disclosed`,
    then the 1-4 rule on each point), and whether its headline is withheld."""
    sr, hidden = disclosed(wh, month, sr, p)
    if p.aggregate_only:
        sr = replace(sr, series=tuple(_suppress_point(x, p) for x in sr.series),
                     headline_series=tuple(_suppress_point(x, p) for x in sr.headline_series))
    return sr, hidden


def benchmark_of(wh: Wh, kpi_id: str) -> dict[str, Any] | None:
    """DfE's figures for the indicator (`measures.benchmarks`), or None when the
    authority is not a DfE authority or DfE publishes nothing comparable."""
    def find() -> dict[str, Any] | None:
        try:
            found = benchmark(kpi_id, wh.authority.la_code)
        except KeyError:
            return None
        return found if found.get("available") else None

    return RESULTS.get(("benchmark", kpi_id, wh.authority.la_code), find)


def _breakdown_dict(wh: Wh, month: str, r: KpiRow, p: Principal) -> dict[str, Any]:
    d = {**r.as_dict(), "suppressed": False}
    if p.aggregate_only and (r.breakdown, r.breakdown_value) in withheld(
            wh, month, r.kpi_id, r.month, r.period, _families(r.kpi_id, r.breakdown)):
        return withhold(d, SUPPRESSED)
    return suppress_kpi_row(d, p)


def indicator_children(wh: Wh, kpi_id: str, month: str, p: Principal, *,
                       breakdown: str = "authority", value: str | None = None
                       ) -> list[dict[str, Any]]:
    """The denominator rows of the figure that the viewer may see (`row_visible`)."""
    rows = drill(wh, kpi_id, month, None)
    if breakdown != "authority" and value is not None:
        rows = [r for r in rows if str(r.get(breakdown)) == value]
    attributed_to = get(kpi_id).subject_info.attributed_to
    return [r for r in rows if row_visible(wh, p, r, attributed_to)]


def row_visible(wh: Wh, p: Principal, row: dict[str, Any], attributed_to: str) -> bool:
    """May ``p`` see this drill-down row? A child's row (or one about a child: an
    arrangement, a presentation) by the child's scope; a worker's row only to those who
    may see workers by name (`can_see_named_workers`), within their team or service; a
    team's row (its vacancies) within scope; a household's or a referral's, which
    belongs to no team, to authority-wide roles."""
    if row.get("child_id") is not None:
        return child_visible(wh, p, str(row["child_id"]))
    if attributed_to == "worker":
        return can_see_named_workers(p) and team_visible(wh, p, row.get("team"))
    if attributed_to == "team":
        return team_visible(wh, p, row.get("team"))
    return child_in_scope(p, None, None)


def indicator_audits(wh: Wh, engine: Any, kpi_id: str, month: str, p: Principal, *,
                     breakdown: str = "authority", value: str | None = None
                     ) -> list[dict[str, Any]]:
    """The case audits behind a quality-assurance figure (`quality.kpis.audits_behind`),
    only those of children in the viewer's scope."""
    from sqlalchemy.orm import Session

    from lantern.quality.kpis import audits_behind

    with Session(engine) as s:
        try:
            rows = audits_behind(s, kpi_id, month, breakdown=breakdown, value=value)
        except ValueError as e:
            raise HTTPException(422, str(e)) from None
    return [r for r in rows if child_visible(wh, p, str(r["child_id"]))]


def exceptions(wh: Wh, month: str, p: Principal) -> dict[str, list[ExceptionItem]]:
    items = assurance(wh, month).exceptions
    if p.aggregate_only:  # the board's view: the authority and its services, no teams
        items = [e for e in items if e.breakdown in ("authority", "service")]
    if p.scope_type == "service" and p.scope_value:
        ts = team_services(wh)
        items = [e for e in items if e.breakdown == "authority"
                 or (e.breakdown == "service" and e.breakdown_value == p.scope_value)
                 or (e.breakdown == "team" and ts.get(e.breakdown_value) == p.scope_value)]
    elif p.scope_type == "team" and p.scope_value:
        items = [e for e in items if e.breakdown == "authority"
                 or (e.breakdown == "team" and e.breakdown_value == p.scope_value)]
    return group_by_service(items)


def _figures_published(wh: Wh, month: str, e: ExceptionItem, p: Principal) -> bool:
    """Are all the figures an exception quotes published to aggregate-only roles?"""
    key: Key = TOTAL if e.breakdown == "authority" else (e.breakdown, e.breakdown_value)
    fam = _families(e.kpi_id, e.breakdown)
    sr = authority_rows(wh, month)[e.kpi_id]
    # SPC runs on the chart's period; the other kinds quote the headline period.
    period = (sr.chart_period or sr.period) if e.kind == "spc_concern" else sr.period
    return not any(key in withheld(wh, month, e.kpi_id, m, period, fam) for m in e.values)


def exception_dict(e: ExceptionItem, p: Principal, wh: Wh | None = None,
                   month: str | None = None) -> dict[str, Any]:
    d = {"kind": e.kind, "severity": e.severity, "service": e.service, "kpi_id": e.kpi_id,
         "breakdown": e.breakdown, "breakdown_value": e.breakdown_value,
         "message": e.message, "rule": e.rule,
         "children": sum(len(c) for c in e.children)}
    if p.aggregate_only:
        shown = wh is not None and month is not None and _figures_published(wh, month, e, p)
        d["message"] = board_exception(e, get(e.kpi_id).title, figures=shown)
        d["children"] = None  # the children behind a trigger are not the board's
    return d


# --------------------------------------------------------------------------- work


def work_items(wh: Wh, p: Principal, *, child_ids: set[str] | None = None,
               worker_id: str | None = None) -> list[AlertItem]:
    """Due, overdue and escalated items for children in scope: those of ``child_ids``
    or ``worker_id`` (who must act) when given."""
    candidates = alerts(wh)
    if child_ids is not None and worker_id is None:  # only these children's items
        by_child = alerts_by_child(wh)
        found = [x for c in child_ids for x in by_child.get(c, ())]
        candidates = [item for _, item in sorted(found, key=lambda x: x[0])]
    out = []
    for item in candidates:
        if item.child_id is None:
            if worker_id is not None and item.act == worker_id:
                out.append(item)
            continue
        if not child_visible(wh, p, item.child_id):
            continue
        if child_ids is not None and item.child_id not in child_ids and (
                worker_id is None or item.act != worker_id):
            continue
        if child_ids is None and worker_id is not None and item.act != worker_id:
            continue
        out.append(item)
    return out


STATUS_ORDER: tuple[str, ...] = ("escalated", "overdue", "due_today", "due_soon")
STATUS_TITLES = {"escalated": "Escalated", "overdue": "Overdue", "due_today": "Due today",
                 "due_soon": "Due soon"}


def directory(wh: Wh) -> Directory:
    return RESULTS.get(wh.key("directory", wh.as_of),
                       lambda: alert_directory(wh.con, wh.as_of))


def workers_by_id(wh: Wh) -> dict[str, casework.Worker]:
    return RESULTS.get(wh.key("workers", wh.as_of), lambda: {
        w.worker_id: w for w in casework.workers(wh.con, wh.as_of)})


def inbox_items(wh: Wh, p: Principal) -> list[AlertItem]:
    """The person's alert items: those whose ``notify`` names them (by professional id,
    or the key their managerial role and scope is addressed by), most urgent first."""
    if p.aggregate_only:
        return []
    keys = recipient_keys(directory(wh), role=p.role, scope_type=p.scope_type,
                          scope_value=p.scope_value, professional_id=p.professional_id)
    got = [i for i in alerts(wh) if keys.intersection(i.notify)]
    return sorted(got, key=lambda i: (STATUS_ORDER.index(i.status), i.due_date, i.rule_id,
                                      i.child_id or "", i.subject_id))


def team_items(wh: Wh, p: Principal) -> list[AlertItem]:
    """A manager's work list: items for children in their scope, and workforce items
    (no child) about workers in teams in their scope."""
    ws = workers_by_id(wh)
    out = []
    for item in alerts(wh):
        if item.child_id is not None:
            if child_visible(wh, p, item.child_id):
                out.append(item)
            continue
        w = ws.get(item.subject_id) or ws.get(item.act)
        if w is not None and team_visible(wh, p, w.team_id):
            out.append(item)
    return sorted(out, key=lambda i: (STATUS_ORDER.index(i.status), i.due_date, i.rule_id,
                                      i.child_id or "", i.subject_id))


def recipient_name(wh: Wh, key: str) -> str:
    """A recipient key as a person reads it: the worker's name, or the role."""
    w = workers_by_id(wh).get(key)
    if w is not None:
        return w.name
    role, _, where = key.partition(":")
    label = role.replace("_", " ").capitalize()
    if not where:
        return label
    n = RESULTS.get(wh.key("names"), lambda: casework_names(wh.con))  # as web.labels
    return f"{label}, {n.teams.get(where) or n.service(where)}"


def item_states(engine: Any, items: list[AlertItem], on: date) -> dict[Any, ItemState]:
    """Acknowledged / snoozed / open for each item (nothing acted on without an app
    database)."""
    if engine is None:
        return {key_of(i): ItemState("open", None) for i in items}
    return states(engine, items, on)


def loads(wh: Wh) -> list[dict[str, Any]]:
    return history.loads(wh.con)
