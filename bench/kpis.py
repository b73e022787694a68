"""Benchmark: the full indicator catalogue for 36 months x every breakdown, on DuckDB
and on Spark local mode, for the default authority and one ten times its size; and a
naive pandas row-by-row baseline for three indicators on the same data and months.

Run: .venv/bin/python bench/kpis.py [--quick] [--no-spark]
  --quick     the default authority only (the 10x simulation alone takes minutes)
  --no-spark  DuckDB and the baseline only (no Java needed)

Prints setup times (simulate, load), the engine times (first run and again), whether
Spark's rows equal DuckDB's, and for the three baseline indicators: the baseline time,
the engine time for the same three indicators (authority, every period) and the ratio
baseline / engine, with agreement of every figure. Figures for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from lantern.calendar import add_months, wd
from lantern.measures.core import BREAKDOWNS, window_start
from lantern.measures.engine import KpiRow, compute, month_ends, month_range
from lantern.model import tables
from lantern.synth import load_scenario, simulate

START, END = date(2014, 12, 1), date(2024, 11, 30)  # ten years of data
MONTHS = month_range("2021-12", "2024-11")  # the last 36 months
BASELINE_KPIS = ("assessment_45wd_pct", "cp_plans_open", "rereferral_12m_pct")
FLOW_PERIODS = ("in_month", "rolling_12m", "fytd")

Figures = dict[tuple[str, str, str], tuple[Any, Any]]  # (kpi, month, period) -> (num, den)


def warehouse(data: dict[str, pa.Table]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    for name, t in tables().items():
        con.execute(t.ddl())
        if name in data:
            cols = ", ".join(data[name].column_names)
            con.register("_incoming", data[name])
            con.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM _incoming")
            con.unregister("_incoming")
    return con


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


# --------------------------------------------------------------------------- baseline
# Written plainly, as an analyst would: pandas DataFrames, iterrows, Python loops,
# the working-day function from lantern.calendar. No vectorisation, no SQL.


def _windows() -> list[tuple[str, str, date, date]]:
    out = []
    for me in month_ends(MONTHS):
        for p in FLOW_PERIODS:
            out.append((me.strftime("%Y-%m"), p, window_start(me, p), me))
    return out


def _d(v: Any) -> date | None:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    return v  # type: ignore[no-any-return]


def baseline_assessment_45wd(episodes: pd.DataFrame, assessments: pd.DataFrame) -> Figures:
    referral_dates = {}
    for _, r in episodes.iterrows():
        if _d(r["cine_referral_date"]) is not None:
            referral_dates[r["cine_referral_id"]] = _d(r["cine_referral_date"])
    done = []  # (authorised date, within 45 wd)
    for _, a in assessments.iterrows():
        auth = _d(a["cina_assessment_auth_date"])
        ref = referral_dates.get(a["cina_referral_id"])
        if auth is None or ref is None:
            continue
        done.append((auth, wd(ref, auth) <= 45))
    out: Figures = {}
    for month, period, lo, hi in _windows():
        n = k = 0
        for auth, ok in done:
            if lo <= auth <= hi:
                n += 1
                k += ok
        out[("assessment_45wd_pct", month, period)] = (k, n)
    return out


def baseline_cp_plans_open(plans: pd.DataFrame) -> Figures:
    out: Figures = {}
    for me in month_ends(MONTHS):
        children = set()
        for _, p in plans.iterrows():
            start, end = _d(p["cppl_cp_plan_start_date"]), _d(p["cppl_cp_plan_end_date"])
            if start is not None and start <= me and (end is None or end >= me):
                children.add(p["cppl_person_id"])
        out[("cp_plans_open", me.strftime("%Y-%m"), "snapshot")] = (len(children), None)
    return out


def baseline_rereferral(episodes: pd.DataFrame) -> Figures:
    by_child: dict[Any, list[date]] = {}
    referrals = []
    for _, r in episodes.iterrows():
        d = _d(r["cine_referral_date"])
        if d is None:
            continue
        referrals.append((r["cine_person_id"], d))
        by_child.setdefault(r["cine_person_id"], []).append(d)
    flagged = []  # (referral date, re-referral)
    for child, d in referrals:
        earlier = [e for e in by_child[child] if e < d]
        flagged.append((d, bool(earlier) and max(earlier) >= add_months(d, -12)))
    out: Figures = {}
    for month, period, lo, hi in _windows():
        n = k = 0
        for d, re in flagged:
            if lo <= d <= hi:
                n += 1
                k += re
        out[("rereferral_12m_pct", month, period)] = (k, n)
    return out


def run_baseline(data: dict[str, pa.Table]) -> dict[str, tuple[Figures, float]]:
    frames = {n: data[n].to_pandas() for n in
              ("ssd_cin_episodes", "ssd_cin_assessments", "ssd_cp_plans")}
    ep, asm, cp = (frames["ssd_cin_episodes"], frames["ssd_cin_assessments"],
                   frames["ssd_cp_plans"])
    out = {}
    out["assessment_45wd_pct"] = timed(lambda: baseline_assessment_45wd(ep, asm))
    out["cp_plans_open"] = timed(lambda: baseline_cp_plans_open(cp))
    out["rereferral_12m_pct"] = timed(lambda: baseline_rereferral(ep))
    return out


def engine_figures(rows: list[KpiRow]) -> Figures:
    out: Figures = {}
    for r in rows:
        if r.breakdown != "authority":
            continue
        if r.kpi_id == "cp_plans_open":
            out[(r.kpi_id, r.month, r.period)] = (r.numerator, None)
        else:
            out[(r.kpi_id, r.month, r.period)] = (r.numerator, r.denominator)
    return out


# --------------------------------------------------------------------------- bench


def same_rows(a: list[KpiRow], b: list[KpiRow]) -> str:
    if len(a) != len(b):
        return f"DIFFER ({len(a):,} vs {len(b):,} rows)"
    bad = 0
    for x, y in zip(a, b, strict=True):
        same = (x.kpi_id, x.month, x.period, x.breakdown, x.breakdown_value, x.numerator,
                x.denominator, x.status) == (y.kpi_id, y.month, y.period, y.breakdown,
                                             y.breakdown_value, y.numerator, y.denominator,
                                             y.status)
        if same and x.value is not None and y.value is not None:
            same = abs(x.value - y.value) <= 1e-9
        elif same:
            same = x.value is None and y.value is None
        bad += not same
    return "identical" if bad == 0 else f"DIFFER in {bad:,} rows"


def bench(label: str, children: int | None, spark: bool, session: Any) -> None:
    scenario = load_scenario("torbay")
    if children is not None:
        scenario = scenario.scaled(children=children)
    data, t_sim = timed(lambda: simulate(scenario, seed=42, start=START, end=END))
    con, t_load = timed(lambda: warehouse(data))
    n_rows = sum(t.num_rows for t in data.values())
    print(f"\n{label}: {scenario.population_0_17:,} children aged 0-17, {n_rows:,} rows; "
          f"simulate {t_sim:.1f} s, DuckDB load {t_load:.1f} s")
    kw: dict[str, Any] = dict(breakdowns=BREAKDOWNS, population=scenario.population_0_17,
                              la_code=scenario.la_code)
    rows, t1 = timed(lambda: compute(con, MONTHS, **kw))
    _, t2 = timed(lambda: compute(con, MONTHS, **kw))
    n_ok = sum(r.status == "ok" for r in rows)
    print(f"  DuckDB  full catalogue, 36 months x {len(BREAKDOWNS)} breakdowns: "
          f"{t1:.2f} s (again {t2:.2f} s); {len(rows):,} rows ({n_ok:,} ok)")
    if spark:
        from lantern.warehouse.spark import spark_backend

        session.catalog.clearCache()
        backend, t_sl = timed(lambda: spark_backend(data, session=session))
        srows, s1 = timed(lambda: compute(backend, MONTHS, **kw))
        _, s2 = timed(lambda: compute(backend, MONTHS, **kw))
        print(f"  Spark   full catalogue (local[2]): {s1:.1f} s (again {s2:.1f} s); "
              f"load into Spark {t_sl:.1f} s; rows vs DuckDB: {same_rows(rows, srows)}")

    base = run_baseline(data)
    eng = {}
    for k in BASELINE_KPIS:
        kr, t_e = timed(lambda k=k: compute(con, MONTHS, kpis=[k],  # type: ignore[misc]
                                            population=scenario.population_0_17))
        eng[k] = (engine_figures(kr), t_e)
    print("  Baseline (pandas iterrows) vs engine (DuckDB), authority, every period, "
          "36 months:")
    for k in BASELINE_KPIS:
        bf, tb = base[k]
        ef, te = eng[k]
        agree = sum(bf.get(key) == v for key, v in ef.items())
        ok = "agree" if bf == ef else f"DISAGREE ({agree}/{len(ef)} figures agree)"
        print(f"    {k:<22} baseline {tb:8.2f} s  engine {te:6.2f} s  "
              f"ratio {tb / te:7.1f}x  figures: {len(ef)} {ok}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="default authority only")
    ap.add_argument("--no-spark", action="store_true", help="skip Spark")
    args = ap.parse_args()
    spark = not args.no_spark and shutil.which("java") is not None
    if not args.no_spark and not spark:
        print("no `java` on PATH: Spark skipped")
    print(f"machine: {os.cpu_count()} CPUs; months {MONTHS.first} to {MONTHS.last}")
    session = None
    if spark:
        from lantern.warehouse.spark import spark_session

        session, t = timed(lambda: spark_session(
            app_name="lantern-bench", conf={"spark.driver.memory": "8g"}))
        print(f"Spark session start: {t:.1f} s")
    try:
        bench("default authority (torbay)", None, spark, session)
        if not args.quick:
            bench("ten times the default", 254000, spark, session)
    finally:
        if session is not None:
            session.stop()


if __name__ == "__main__":
    main()
