"""Benchmark: one day's alert run (2024-03-01) on a generated warehouse, for the default
authority and one ten times its size.

Run: .venv/bin/python bench/alerts.py [--only-default] [--json]
Prints the simulate and load times (setup) and the alert run time, with item counts per
rule family; --json also prints the default authority's items as `lantern alerts` would.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from datetime import date

import duckdb
import pyarrow as pa

from lantern.alerts import RULES, available, run_alerts, to_json
from lantern.synth import load_scenario, simulate
from lantern.warehouse.store import insert_dataset

ON = date(2024, 3, 1)


def warehouse(data: dict[str, pa.Table]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    insert_dataset(con, data)
    return con


def bench(label: str, children: int | None = None, show_json: bool = False) -> None:
    scenario = load_scenario("torbay")
    if children is not None:
        scenario = scenario.scaled(children=children)
    t0 = time.perf_counter()
    data = simulate(scenario, seed=42, start=date(2014, 12, 1), end=date(2024, 11, 30))
    t1 = time.perf_counter()
    con = warehouse(data)
    t2 = time.perf_counter()
    items = run_alerts(con, ON)
    t3 = time.perf_counter()
    items2 = run_alerts(con, ON)
    t4 = time.perf_counter()
    assert items == items2, "alert runs must be deterministic"
    print(f"{label}: simulate {t1 - t0:.1f} s, load {t2 - t1:.1f} s, "
          f"alerts {t3 - t2:.2f} s (again {t4 - t3:.2f} s), {len(items):,} items")
    family = {r.id: r.family for r in RULES}
    counts = Counter((family[i.rule_id], i.rule_id, i.status) for i in items)
    for (fam, rid, status), n in sorted(counts.items()):
        print(f"    {fam:<11} {rid:<24} {status:<10} {n:>6,}")
    for rid, reason in available(con).items():
        if reason:
            print(f"    not available: {rid} ({reason})")
    if show_json:
        print(to_json(items))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--only-default", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    bench("default (25,400 children)", show_json=args.json)
    if not args.only_default:
        bench("10x (254,000 children)", children=254_000)
