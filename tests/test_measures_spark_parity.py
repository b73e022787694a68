"""One KPI definition, two engines: the full catalogue for six month ends of a small demo
authority, every breakdown, gives identical rows on DuckDB and on PySpark local mode;
so do the day's alert items (every rule, addressed) for the last day.

Needs a Java runtime (CI installs one through scripts/system-deps.sh); skipped only
when `java` is absent. One Spark session (local[2]) serves the whole module.
"""

from __future__ import annotations

import math
import shutil
from datetime import date, datetime
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from lantern.alerts import RULES, AlertItem, available, run_alerts
from lantern.measures.catalogue import INDICATORS, get
from lantern.measures.core import BREAKDOWNS
from lantern.measures.drill import children_by_month
from lantern.measures.engine import KpiRow, compute, month_range
from lantern.measures.subjects import RECORD_BREAKDOWNS
from lantern.synth import load_scenario, simulate
from lantern.warehouse.store import insert_dataset

if shutil.which("java") is None:
    pytest.skip("no Java runtime on PATH: PySpark local mode needs `java` "
                "(scripts/system-deps.sh installs default-jre-headless)",
                allow_module_level=True)
pytest.importorskip("pyspark", reason="PySpark is the 'spark' extra")

CHILDREN = 6000
MONTHS = month_range("2023-06", "2023-11")  # six month ends: snapshots and every window
LAST_THREE = ["2023-09", "2023-10", "2023-11"]
ALERTS_ON = date(2023, 11, 30)


@pytest.fixture(scope="module")
def data() -> dict[str, pa.Table]:
    return simulate(load_scenario("torbay").scaled(children=CHILDREN), seed=5,
                    start=date(2021, 12, 1), end=date(2023, 11, 30))


def duckdb_warehouse(data: dict[str, pa.Table]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    insert_dataset(con, data)
    return con


def drilled_kinds() -> list[str]:
    """The first indicator of each kind (flow, snapshot, window, rolling 36 months), of
    each subject (children, workers, teams, households, referrals, ...) and its first
    percentage and of each kind among the weighted ones
    (FTE: a snapshot and the per-window turnover)."""
    first: dict[tuple[str, ...], str] = {}
    for ind in INDICATORS:
        first.setdefault(("kind", ind.kind), ind.id)
        first.setdefault(("subject", ind.subject), ind.id)
        if ind.unit == "pct":
            first.setdefault(("pct", ind.subject), ind.id)
        if ind.weighted:
            first.setdefault(("weighted", ind.kind), ind.id)
    return list(dict.fromkeys(first.values()))


Drills = dict[str, dict[date, list[dict[str, Any]]]]


@pytest.fixture(scope="module")
def results(data: dict[str, pa.Table]
            ) -> tuple[list[KpiRow], list[KpiRow], Drills, Drills, list[AlertItem],
                       list[AlertItem]]:
    from lantern.warehouse.spark import spark_backend

    duck = duckdb_warehouse(data)
    on_duckdb = every_breakdown(duck)
    drills_duckdb = {k: children_by_month(duck, k, LAST_THREE) for k in drilled_kinds()}
    alerts_duckdb = run_alerts(duck, ALERTS_ON)
    backend = spark_backend(data, app_name="lantern-parity")
    try:
        on_spark = every_breakdown(backend)
        drills_spark = {k: children_by_month(backend, k, LAST_THREE) for k in drilled_kinds()}
        alerts_spark = run_alerts(backend, ALERTS_ON)
    finally:
        backend._session.stop()
    return on_duckdb, on_spark, drills_duckdb, drills_spark, alerts_duckdb, alerts_spark


def every_breakdown(backend: Any) -> list[KpiRow]:
    """Every indicator by every breakdown: the shared ones over the six month ends, a
    household's or referral's own (one join on its local table each) over the last —
    they are attributes of the record, the same at every date."""
    kw: dict[str, Any] = dict(population=CHILDREN, la_code="LA")
    own = [b for b in BREAKDOWNS if b in RECORD_BREAKDOWNS]
    shared = [b for b in BREAKDOWNS if b not in RECORD_BREAKDOWNS]
    theirs = [i.id for i in INDICATORS if set(i.all_breakdowns) & set(own)]
    return [*compute(backend, MONTHS, breakdowns=shared, **kw),
            *compute(backend, [LAST_THREE[-1]], breakdowns=own, kpis=theirs, **kw)]


def key(r: KpiRow) -> tuple[str, str, str, str, str]:
    return (r.kpi_id, r.month, r.period, r.breakdown, r.breakdown_value)


def test_every_indicator_is_computed(results: tuple) -> None:
    on_duckdb = results[0]
    assert {r.kpi_id for r in on_duckdb} == {i.id for i in INDICATORS}
    ok = {r.kpi_id for r in on_duckdb if r.status == "ok"}
    # the demo authority has data for (almost) everything: parity is not vacuous
    assert len(ok) >= len(INDICATORS) - 2, sorted({i.id for i in INDICATORS} - ok)
    assert {r.breakdown for r in on_duckdb} == set(BREAKDOWNS)


def test_record_breakdowns_split_only_their_subjects(results: tuple) -> None:
    """Every breakdown by a household's or referral's own record (household type,
    employer sector, referring agency) has rows, on both engines (compared below), and
    only for the indicators whose subject has it."""
    from lantern.measures.subjects import RECORD_BREAKDOWNS

    for b in RECORD_BREAKDOWNS:
        got = [r for r in results[0] if r.breakdown == b]
        assert any(r.status == "ok" for r in got), b
        assert {r.kpi_id for r in got} == {
            i.id for i in INDICATORS if b in i.all_breakdowns}, b


def test_local_tables_are_computed(results: tuple) -> None:
    """The indicators on the local tables (fostering, MARAC, private fostering, LADO,
    homelessness) have figures in the simulated data: their parity is not vacuous."""
    from lantern.measures.local_services import INDICATORS as LOCAL

    headline = {(r.kpi_id, r.period): r for r in results[0]
                if r.month == LAST_THREE[-1] and r.breakdown == "authority"}
    for ind in LOCAL:
        r = headline[(ind.id, ind.headline_period)]
        assert r.status == "ok" and r.value is not None, r


def test_duckdb_and_spark_agree(results: tuple) -> None:
    on_duckdb, on_spark = results[:2]
    a = {key(r): r for r in on_duckdb}
    b = {key(r): r for r in on_spark}
    assert len(a) == len(on_duckdb) and len(b) == len(on_spark), "duplicate keys"
    only_duckdb = sorted(set(a) - set(b))[:10]
    only_spark = sorted(set(b) - set(a))[:10]
    assert not only_duckdb and not only_spark, (only_duckdb, only_spark)
    diffs = []
    for k, x in a.items():
        y = b[k]
        same = (x.numerator == y.numerator and x.denominator == y.denominator
                and x.status == y.status and x.reason == y.reason
                and ((x.value is None and y.value is None)
                     or (x.value is not None and y.value is not None
                         and math.isclose(x.value, y.value, rel_tol=0, abs_tol=1e-9))))
        if not same:
            diffs.append((x, y))
    assert not diffs, f"{len(diffs)} rows differ, e.g. {diffs[:3]}"
    # the same order too (the engine sorts its output)
    assert [key(r) for r in on_duckdb] == [key(r) for r in on_spark]


def _plain(value: Any) -> Any:
    """Spark hands dates back as timestamps: compare the day."""
    return value.date() if isinstance(value, datetime) else value


def test_drill_down_agrees_on_spark(results: tuple) -> None:
    """The children behind a figure, on both engines, for one indicator of each kind."""
    on_duckdb, drills_duckdb, drills_spark = results[0], results[2], results[3]
    figures = {key(r): r for r in on_duckdb}
    for kpi_id, by_month in drills_duckdb.items():
        assert any(by_month.values()), kpi_id  # not vacuous
        for me, rows in by_month.items():
            theirs = [{k: _plain(v) for k, v in r.items()} for r in drills_spark[kpi_id][me]]
            assert theirs == rows, (kpi_id, me)
            ind = get(kpi_id)
            figure = figures[(kpi_id, f"{me:%Y-%m}", ind.headline_period, "authority", "LA")]
            if figure.status == "ok" and ind.unit == "pct" and not ind.weighted:
                assert figure.denominator == len(rows), (kpi_id, me)
            if figure.status == "ok" and ind.weighted:  # Σ FTE of the rows
                assert figure.denominator == round(sum(r["weight"] for r in rows), 6)


def test_alerts_agree_on_spark(results: tuple, data: dict[str, pa.Table]) -> None:
    """The day's alert items, every rule, identical on DuckDB and on Spark."""
    on_duckdb, on_spark = results[4], results[5]
    ran = {r for r, why in available(duckdb_warehouse(data)).items() if why is None}
    assert len(ran) >= len(RULES) - 2, sorted({r.id for r in RULES} - ran)  # not vacuous
    assert len({i.rule_id for i in on_duckdb}) >= 5  # items from most families
    assert [i.as_dict() for i in on_spark] == [i.as_dict() for i in on_duckdb]
