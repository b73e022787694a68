"""The indicator engine: run every declaration over a range of months at once.

``compute`` builds each available indicator's denominator rows (one Ibis query per
indicator, unioned), materialises them once, attaches the breakdown attributes
(allocated worker, team, service, age band, sex, ethnicity group, disability, and a
household's or referral's own attributes: `subjects.RecordBreakdown`) and
aggregates every breakdown and window in a handful of set-based queries: flows are
counted per event month and summed over each window; snapshot and per-window rows
are counted directly. Nothing loops over months or children in Python.

The same code runs on DuckDB and on Ibis's PySpark backend
(`lantern.warehouse.spark.spark_backend`); the results are identical
(tests/test_measures_spark_parity.py). On Spark, which inlines common table expressions
and has no temporary tables, shared building blocks and each indicator's rows are
materialised as locally checkpointed temporary views instead of one large query.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from lantern.facts import allocation_at
from lantern.facts._base import backend as as_backend
from lantern.measures.catalogue import INDICATORS, get
from lantern.measures.core import (
    BREAKDOWNS,
    Ctx,
    Indicator,
    age_years,
    first_per,
    window_start,
)
from lantern.measures.subjects import (
    RECORD_BREAKDOWNS,
    SUBJECTS,
    RecordBreakdown,
    attribution,
    own_teams,
)
from lantern.months import Month, index_of
from lantern.months import months as all_months

UNALLOCATED = "unallocated"
"""The group of rows with no allocated worker (KPIS.md Breakdowns: "no allocated worker").
It is the same children at the worker, team and service breakdowns."""

STATUSES = ("ok", "no_denominator", "not_available")
# Spark: how many scratch tables are materialised at once (driver-side planning of one
# overlaps the execution of another).
SPARK_WORKERS = 4
# Spark: store each shared building block once (see `core.shared`).
SPARK_STORE_SHARED = True


@dataclass(frozen=True, slots=True)
class KpiRow:
    kpi_id: str
    month: str
    period: str
    breakdown: str
    breakdown_value: str
    numerator: float | None
    denominator: float | None
    value: float | None
    status: str
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# --------------------------------------------------------------------------- inputs


def month_ends(months: Iterable[date | str] | MonthRange) -> list[date]:
    """Month ends from a list of dates / 'YYYY-MM' (any day of the month), or every
    month of a ``month_range(first, last)``."""
    if isinstance(months, MonthRange):
        return [m.last for m in all_months(Month.parse(months.first), Month.parse(months.last))]
    return sorted({Month.parse(m).last for m in months})


@dataclass(frozen=True)
class MonthRange:
    first: date | str
    last: date | str


def month_range(first: date | str, last: date | str) -> MonthRange:
    """Every month from ``first`` to ``last`` inclusive (dates or 'YYYY-MM')."""
    return MonthRange(first, last)


def table_counts(backend: Any, names: Iterable[str]) -> dict[str, int]:
    """Rows per table (one query for all); a table that does not exist counts 0."""
    out: dict[str, int] = {}
    found: list[ir.Table] = []
    for n in sorted(set(names)):
        try:
            t = backend.table(n)
        except Exception:  # ibis raises TableNotFound (or a backend error)
            out[n] = 0
            continue
        found.append(t.aggregate(_n=t.count()).mutate(_name=ibis.literal(n)))
    if found:
        q = found[0] if len(found) == 1 else ibis.union(*found, distinct=False)
        for r in backend.to_pyarrow(q).to_pylist():
            out[r["_name"]] = int(r["_n"])
    return out


def is_spark(backend: Any) -> bool:
    return getattr(backend, "name", "") == "pyspark"


def create_temp(backend: Any, name: str, expr: ir.Table) -> ir.Table:
    """Materialise ``expr`` once as a scratch table ``name`` and return it.

    DuckDB: a temporary table. Spark (Ibis's PySpark backend has no temporary tables):
    a temporary view over the query, checkpointed locally so it is computed once and
    later queries read the stored rows instead of recomputing the plan."""
    return create_temps(backend, [(name, expr)])[0]


def create_temps(
    backend: Any, items: Sequence[tuple[str, ir.Table]], workers: int = SPARK_WORKERS
) -> list[ir.Table]:
    """`create_temp` for several tables; on Spark up to ``workers`` run at once."""
    if not is_spark(backend):
        return [backend.create_table(name, expr, temp=True) for name, expr in items]
    for name, expr in items:  # compiles and registers in-memory tables: one thread
        backend.create_view(name, expr, overwrite=True)
    session = backend._session

    def run(name: str) -> Any:
        return session.table(name).localCheckpoint(eager=True)

    if len(items) == 1 or workers <= 1:
        dfs = [run(name) for name, _ in items]
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            dfs = list(pool.map(run, [name for name, _ in items]))
    for (name, _), df in zip(items, dfs, strict=True):
        df.createOrReplaceTempView(name)
    return [backend.table(name) for name, _ in items]


def drop_temp(backend: Any, name: str) -> None:
    """Drop a scratch table. Ibis 12's ``drop_table`` renders an empty DROP with the
    installed sqlglot 30, so DuckDB connections are cleaned up through their own API
    and Spark views through the session catalog."""
    if is_spark(backend):
        backend._session.catalog.dropTempView(name)
        return
    raw = getattr(backend, "con", None)
    if raw is not None and hasattr(raw, "execute"):
        raw.execute(f'DROP TABLE IF EXISTS "{name}"')
    else:  # pragma: no cover - other backends
        backend.drop_table(name, force=True)


def availability(
    ind: Indicator, counts: Mapping[str, int], population: int | None
) -> str | None:
    """None when the indicator can be computed, else the reason it cannot."""
    empty = [t for t in ind.tables if counts.get(t, 0) == 0]
    if empty:
        said = [ind.missing[t] for t in empty if t in ind.missing]
        rest = [t for t in empty if t not in ind.missing]
        return "; ".join([*said, *(["no rows loaded in " + ", ".join(rest)] if rest else [])])
    if ind.needs_population and not population:
        return "no 0-17 population configured"
    return None


def merged_params(ind: Indicator, overrides: Mapping[str, Mapping[str, Any]] | None) -> dict:
    p = dict(ind.params)
    if overrides and ind.id in overrides:
        p.update(overrides[ind.id])
    return p


# --------------------------------------------------------------------------- breakdowns


def enrich(ctx: Ctx, rows: ir.Table, breakdowns: Sequence[str] = BREAKDOWNS) -> ir.Table:
    """Attach breakdown attributes at each row's event date. ``rows`` needs ``_rk``
    (unique row key), ``child_id``, ``subject``, ``subject_id`` and ``event_date``.
    A row whose subject is attributed to a worker (`Subject.attributed_to`) belongs to
    that worker and their own team; any other row to the child's allocated worker.
    A record's own attributes (`RECORD_BREAKDOWNS`: a join on its local table each) are
    attached only when ``breakdowns`` asks for them: the monthly history, by authority,
    service and team, needs none."""
    person = ctx.t("ssd_person").select(
        _pid="pers_person_id", _dob="pers_dob", _sex="pers_sex", _eth="pers_ethnicity")
    person = first_per(person, ["_pid"], ["_dob"])
    d = ctx.t("ssd_disability")
    dis = d.filter(d.disa_disability_code.notnull()
                   & (d.disa_disability_code.upper() != "NONE")).select(
        _did="disa_person_id").distinct()
    j = allocation_at(ctx, rows, key="_rk", child="child_id", when="event_date", prefix="_a_")
    wanted = [b for b in RECORD_BREAKDOWNS.values() if b.id in breakdowns]
    j = _record_attributes(ctx, _own_team(ctx, j), wanted)
    j = j.left_join(person, j.child_id == person._pid)
    j = j.left_join(dis, j.child_id == dis._did)
    age = age_years(j._dob, j.event_date)
    band = ibis.cases(
        (age.isnull(), "unknown"), (age < 5, "0-4"), (age < 10, "5-9"), (age < 16, "10-15"),
        (age < 18, "16-17"), else_="18+")
    first = j._eth.upper().substr(0, 1)
    eth = ibis.cases(
        (first == "W", "White"), (first == "M", "Mixed"), (first == "A", "Asian"),
        (first == "B", "Black"), (first.isin(["O", "C"]), "Other"), else_="Not known")
    keep = [c for c in rows.columns]
    return j.select(
        *keep,
        *(b.id for b in wanted),
        worker=j._a_worker_id.cast("string").fill_null(UNALLOCATED),
        team=j._a_team_id.cast("string").fill_null(UNALLOCATED),
        service=ibis.ifelse(j._a_team_id.isnull(), UNALLOCATED,
                            j._a_service_id.cast("string").fill_null("unknown")),
        age_band=band,
        sex=j._sex.cast("string").fill_null("U"),
        ethnicity=eth,
        disability=ibis.ifelse(j._did.notnull(), "Y", "N"),
    )


def _record_attributes(ctx: Ctx, j: ir.Table, wanted: Sequence[RecordBreakdown]
                       ) -> ir.Table:
    """A column per `RecordBreakdown`: for a row of a subject that has it, the
    attribute of the row's record (joined on ``subject_id``; "unknown" when the record
    or its value is missing); null for every other row, which is not broken down by it
    (`_group` leaves those rows out rather than give them a bogus "unknown" group)."""
    for b in wanted:
        rec = _record_values(ctx, b)
        j = j.left_join(rec, (j.subject.isin(_owners(b))) & (j.subject_id == rec._rb_key))
        j = j.mutate(**{b.id: ibis.ifelse(j.subject.isin(_owners(b)),
                                          j._rb_value.fill_null("unknown"),
                                          ibis.null("string"))}).drop("_rb_key", "_rb_value")
    return j


def _record_values(ctx: Ctx, b: RecordBreakdown) -> ir.Table:
    """(``_rb_key``, ``_rb_value``): each record's attribute, one row per record."""
    t = ctx.t(b.table)
    rec = t.select(_rb_key=t[b.key].cast("string"), _rb_value=t[b.column].cast("string"))
    return rec.group_by("_rb_key").aggregate(_rb_value=rec._rb_value.max())


def _owners(b: RecordBreakdown) -> list[str]:
    """The subjects whose rows are broken down by ``b``."""
    return [s.id for s in SUBJECTS.values() if b in s.own]


def _own_team(ctx: Ctx, j: ir.Table) -> ir.Table:
    """Rows attributed to a worker take that worker and their own team in place of the
    allocation columns, rows attributed to a team that team (`Subject.attributed_to`;
    a worker without a team is in team "unknown")."""
    j = j.mutate(_attr=attribution(j.subject))
    w = own_teams(ctx)
    j = j.left_join(w, (j._attr == w._ot_kind) & (j.subject_id == w._ot_id))
    own = j._attr != "child"
    return j.mutate(
        _a_worker_id=ibis.ifelse(j._attr == "worker", j.subject_id,
                                 j._a_worker_id.cast("string")),
        _a_team_id=ibis.cases(
            (j._attr == "team", j.subject_id),
            (j._attr == "worker", j._ot_team.fill_null("unknown")),
            else_=j._a_team_id.cast("string")),
        _a_service_id=ibis.ifelse(own, j._ot_service, j._a_service_id.cast("string")),
    ).drop("_attr", "_ot_kind", "_ot_id", "_ot_team", "_ot_service")


# --------------------------------------------------------------------------- compute


def indicator_rows(ctx: Ctx, ind: Indicator, params: Mapping[str, Any]) -> ir.Table:
    return ind.rows(ctx, params).mutate(kpi_id=ibis.literal(ind.id),
                                        subject=ibis.literal(ind.subject))


def _finish(
    ind: Indicator, n: float, k: float, s: float | None, population: int | None
) -> tuple[float | None, float | None, float | None, str, str | None]:
    """numerator, denominator, value, status, reason from the row counts (for a
    weighted indicator, the sums of the weights)."""
    if ind.unit == "count":
        return k, None, float(k), "ok", None
    if ind.unit == "rate":
        assert population
        return n, float(population), n * 10000.0 / population, "ok", None
    if n == 0:
        return 0, 0, None, "no_denominator", "no rows in the denominator"
    if ind.unit == "mean":
        return s, n, (s or 0.0) / n, "ok", None
    return k, n, 100.0 * k / n, "ok", None


def compute(
    con: Any,
    months: Iterable[date | str] | MonthRange,
    *,
    breakdowns: Sequence[str] = ("authority",),
    population: int | None = None,
    la_code: str = "",
    kpis: Sequence[str] | None = None,
    params: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[KpiRow]:
    """Every indicator (or those in ``kpis``) for every month, period and breakdown."""
    return [KpiRow(**r) for r in _compute(con, months, breakdowns=breakdowns,
                                          population=population, la_code=la_code,
                                          kpis=kpis, params=params)]


def _compute(
    con: Any,
    months: Iterable[date | str] | MonthRange,
    *,
    breakdowns: Sequence[str],
    population: int | None,
    la_code: str,
    kpis: Sequence[str] | None,
    params: Mapping[str, Mapping[str, Any]] | None,
) -> list[dict[str, Any]]:
    backend = as_backend(con)
    mes = month_ends(months)
    if not mes:
        return []
    unknown = [b for b in breakdowns if b not in BREAKDOWNS]
    if unknown:
        raise ValueError(f"unknown breakdowns {unknown}; choose from {BREAKDOWNS}")
    # The app database's indicators (case audits) are counted there, never here.
    inds = [i for i in (get(k) for k in kpis) if i.source == "warehouse"] \
        if kpis is not None else list(INDICATORS)
    ctx = Ctx.create(backend, mes)
    counts = table_counts(backend, [t for i in inds for t in i.tables])
    month_strs = [m.strftime("%Y-%m") for m in mes]

    out: list[dict[str, Any]] = []
    avail: list[Indicator] = []
    for ind in inds:
        why = availability(ind, counts, population)
        if why is None:
            avail.append(ind)
            continue
        if "authority" not in breakdowns:  # asked only for breakdowns: none to give
            continue
        for m in month_strs:
            for p in ind.all_periods:
                out.append(dict(kpi_id=ind.id, month=m, period=p, breakdown="authority",
                                breakdown_value=la_code, numerator=None, denominator=None,
                                value=None, status="not_available", reason=why))

    agg: dict[tuple[str, str, str, str, str], tuple[float, float, float | None]] = {}
    if avail:
        agg = _aggregate(ctx, avail, params, breakdowns, la_code)

    by_id = {i.id: i for i in avail}
    seen: set[tuple[str, str, str, str, str]] = set()
    for key, (n, k, s) in agg.items():
        kpi, m, p, b, bv = key
        ind = by_id[kpi]
        if b not in ind.all_breakdowns or p not in ind.all_periods:
            continue
        num, den, val, status, reason = _finish(ind, n, k, s, population)
        out.append(dict(kpi_id=kpi, month=m, period=p, breakdown=b, breakdown_value=bv,
                        numerator=num, denominator=den, value=val, status=status,
                        reason=reason))
        seen.add(key)
    if "authority" in breakdowns:
        for ind in avail:
            for m in month_strs:
                for p in ind.all_periods:
                    key = (ind.id, m, p, "authority", la_code)
                    if key not in seen:
                        num, den, val, status, reason = _finish(ind, 0, 0, None, population)
                        out.append(dict(kpi_id=ind.id, month=m, period=p,
                                        breakdown="authority", breakdown_value=la_code,
                                        numerator=num, denominator=den, value=val,
                                        status=status, reason=reason))
    order = {i.id: n for n, i in enumerate(INDICATORS)}
    bord = {b: n for n, b in enumerate(BREAKDOWNS)}
    out.sort(key=lambda r: (order[r["kpi_id"]], r["month"], r["period"],
                            bord[r["breakdown"]], r["breakdown_value"]))
    return out


def _aggregate(
    ctx: Ctx,
    inds: Sequence[Indicator],
    params: Mapping[str, Mapping[str, Any]] | None,
    breakdowns: Sequence[str],
    la_code: str,
) -> dict[tuple[str, str, str, str, str], tuple[float, float, float | None]]:
    backend = ctx.con
    tag = uuid.uuid4().hex[:8]
    shared_names: list[str] = []
    if is_spark(backend) and SPARK_STORE_SHARED:
        def materialise(expr: ir.Table) -> ir.Table:
            shared_names.append(f"_lantern_shared_{tag}_{len(shared_names)}")
            return create_temp(backend, shared_names[-1], expr)

        ctx.materialise = materialise
    try:
        return _aggregate_rows(ctx, inds, params, breakdowns, la_code, tag)
    finally:
        ctx.materialise = None
        for n in shared_names:
            drop_temp(backend, n)


def _aggregate_rows(
    ctx: Ctx,
    inds: Sequence[Indicator],
    params: Mapping[str, Mapping[str, Any]] | None,
    breakdowns: Sequence[str],
    la_code: str,
    tag: str,
) -> dict[tuple[str, str, str, str, str], tuple[float, float, float | None]]:
    backend = ctx.con
    lo = min(window_start(m, "rolling_36m") for m in ctx.month_ends)
    hi = max(ctx.month_ends)
    parts = []
    for ind in inds:
        r = indicator_rows(ctx, ind, merged_params(ind, params))
        r = r.select("kpi_id", "subject", "child_id", "subject_id", "event_id",
                     "event_date", "window_end", "period", "in_numerator", "measure",
                     "weight", "numerator_weight")
        if ind.kind in ("flow", "rolling_36m"):
            r = r.filter((r.event_date >= lo) & (r.event_date <= hi))
        parts.append(r)
    rows_name, enr_name = f"_lantern_rows_{tag}", f"_lantern_enriched_{tag}"
    part_names: list[str] = []
    if is_spark(backend) and len(parts) > 1:
        # Spark inlines common table expressions and its optimiser slows down sharply
        # on one very large plan: materialise each indicator's rows on its own
        # (concurrently, so planning on the driver overlaps execution), then union
        # the stored parts.
        part_names = [f"_lantern_part_{tag}_{n}" for n in range(len(parts))]
        parts = create_temps(backend, list(zip(part_names, parts, strict=True)))
    try:
        union = parts[0] if len(parts) == 1 else ibis.union(*parts, distinct=False)
        union = union.mutate(_rk=ibis.row_number())
        rows_t = create_temp(backend, rows_name, union)
    finally:
        for n in part_names:
            drop_temp(backend, n)
    try:
        need_enrich = any(b != "authority" for b in breakdowns)
        enr_t = create_temp(backend, enr_name, enrich(ctx, rows_t, breakdowns)) if need_enrich \
            else rows_t
        try:
            return _group(ctx, enr_t, inds, breakdowns, la_code)
        finally:
            if need_enrich:
                drop_temp(backend, enr_name)
    finally:
        drop_temp(backend, rows_name)


def _flow_periods(inds: Sequence[Indicator]) -> dict[str, list[str]]:
    """(indicator, period) pairs of the flow indicators: the windows each is counted in."""
    kp: dict[str, list[str]] = {"kp_kpi": [], "kp_period": []}
    for i in inds:
        if i.kind in ("flow", "rolling_36m"):
            for p in i.all_periods:
                kp["kp_kpi"].append(i.id)
                kp["kp_period"].append(p)
    return kp


def _windows(ctx: Ctx) -> pa.Table:
    """Each month end's windows as month indices [w_lo, w_hi], one row per period."""
    wins: dict[str, list[Any]] = {"w_month": [], "w_period": [], "w_lo": [], "w_hi": []}
    for me in ctx.month_ends:
        for p in ("in_month", "rolling_12m", "fytd", "rolling_36m"):
            wins["w_month"].append(me.strftime("%Y-%m"))
            wins["w_period"].append(p)
            wins["w_lo"].append(index_of(window_start(me, p)))
            wins["w_hi"].append(index_of(me))
    return pa.table({
        "w_month": pa.array(wins["w_month"], pa.string()),
        "w_period": pa.array(wins["w_period"], pa.string()),
        "w_lo": pa.array(wins["w_lo"], pa.int64()),
        "w_hi": pa.array(wins["w_hi"], pa.int64())})


def _group(
    ctx: Ctx,
    t: ir.Table,
    inds: Sequence[Indicator],
    breakdowns: Sequence[str],
    la_code: str,
) -> dict[tuple[str, str, str, str, str], tuple[float, float, float | None]]:
    flows = [i.id for i in inds if i.kind in ("flow", "rolling_36m")]
    weighted = {i.id for i in inds if i.weighted}
    t = t.mutate(_wn=t.weight.fill_null(1.0),
                 _wk=ibis.ifelse(t.in_numerator,
                                 t.numerator_weight.fill_null(t.weight.fill_null(1.0)), 0.0))
    per_month, per_window = [], []
    for b in breakdowns:
        bv = ibis.literal(la_code) if b == "authority" else t[b].cast("string")
        base = t.mutate(_b=ibis.literal(b), _bv=bv)
        if b in RECORD_BREAKDOWNS:  # only the rows of the subjects that have it
            base = base.filter(base._bv.notnull())
        f = base.filter(base.kpi_id.isin(flows) if flows else ibis.literal(False))
        f = f.mutate(ym=index_of(f.event_date))
        per_month.append(f.group_by(["kpi_id", "_b", "_bv", "ym"]).aggregate(
            n=f.count(), k=f.in_numerator.cast("int64").sum(), s=f.measure.sum(),
            wn=f._wn.sum(), wk=f._wk.sum()))
        w = base.filter(base.window_end.notnull())
        per_window.append(w.group_by(["kpi_id", "_b", "_bv", "window_end", "period"]).aggregate(
            n=w.count(), k=w.in_numerator.cast("int64").sum(), s=w.measure.sum(),
            wn=w._wn.sum(), wk=w._wk.sum()))
    pm = ibis.union(*per_month, distinct=False) if len(per_month) > 1 else per_month[0]
    pw = ibis.union(*per_window, distinct=False) if len(per_window) > 1 else per_window[0]

    kp, wins = _flow_periods(inds), _windows(ctx)
    out: dict[tuple[str, str, str, str, str], tuple[float, float, float | None]] = {}
    if kp["kp_kpi"]:
        kpt = ibis.memtable(pa.table({k: pa.array(v, pa.string()) for k, v in kp.items()}))
        wt = ibis.memtable(wins)
        j = pm.join(kpt, pm.kpi_id == kpt.kp_kpi)
        j = j.join(wt, (j.kp_period == wt.w_period) & (j.ym >= wt.w_lo) & (j.ym <= wt.w_hi))
        g = j.group_by(["kpi_id", "w_month", "w_period", "_b", "_bv"]).aggregate(
            n=j.n.sum(), k=j.k.sum(), s=j.s.sum(), wn=j.wn.sum(), wk=j.wk.sum())
        for r in ctx.con.to_pyarrow(g).to_pylist():
            out[(r["kpi_id"], r["w_month"], r["w_period"], r["_b"], r["_bv"])] = (
                _counts(r, r["kpi_id"] in weighted))
    pw = pw.mutate(w_month=pw.window_end.strftime("%Y-%m"))
    for r in ctx.con.to_pyarrow(pw).to_pylist():
        out[(r["kpi_id"], r["w_month"], r["period"], r["_b"], r["_bv"])] = (
            _counts(r, r["kpi_id"] in weighted))
    return out


#: Sums of weights (FTE) are rounded so that engines adding in different orders agree.
WEIGHT_DIGITS = 6


def _counts(r: Mapping[str, Any], weighted: bool) -> tuple[float, float, float | None]:
    """(denominator rows, numerator rows, Σ measure) of one aggregate row: counts, or
    for a weighted indicator the sums of the weights."""
    s = r["s"]
    if not weighted:
        return r["n"], r["k"], s
    return (round(r["wn"], WEIGHT_DIGITS), round(r["wk"], WEIGHT_DIGITS),
            None if s is None else round(s, WEIGHT_DIGITS))
