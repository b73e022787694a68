"""Benchmark: simulate the default authority and one ten times its size.

Run: .venv/bin/python bench/synth.py
"""

from __future__ import annotations

import time

from lantern.synth import load_scenario, simulate


def bench(label: str, children: int | None = None) -> None:
    scenario = load_scenario("torbay")
    if children is not None:
        scenario = scenario.scaled(children=children)
    t0 = time.perf_counter()
    data = simulate(scenario, seed=42)
    seconds = time.perf_counter() - t0
    rows = sum(t.num_rows for t in data.values())
    print(f"{label:<28} {seconds:7.1f} s  {rows:>10,} rows  {rows / seconds:>10,.0f} rows/s")


if __name__ == "__main__":
    bench("default (25,400 children)")
    bench("10x (254,000 children)", children=254_000)
