"""Benchmark: the monthly performance report for the default authority, HTML and PDF.

Builds the demo authority (simulate + load into DuckDB), then times each stage for the
latest month: the month's assurance (24 months of indicators by authority, service and
team, SPC, exceptions with the children behind each deep dive), HTML rendering, PDF.

Run: .venv/bin/python bench/report.py
"""

from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

from lantern.assurance.monthly import assure_month
from lantern.reports.build import report_from
from lantern.reports.render import render_html, write_report
from lantern.synth import load_scenario, simulate
from lantern.warehouse.store import insert_dataset


def main() -> None:
    scenario = load_scenario("torbay")
    data = simulate(scenario, seed=42, start=date(2014, 12, 1), end=date(2024, 11, 30))
    con = duckdb.connect()
    insert_dataset(con, data)
    month = "2024-11"
    changes = [(f"{c.date:%Y-%m}", c.label) for c in scenario.process_changes]

    t0 = time.perf_counter()
    assurance = assure_month(con, month, la_code=scenario.la_code,
                             population=scenario.population_0_17, process_changes=changes)
    t1 = time.perf_counter()
    report = report_from(assurance, la_code=scenario.la_code, la_name=scenario.la_name,
                         process_changes=changes)
    html = render_html(report)
    t2 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        pdf = write_report(report, Path(tmp) / "report.pdf")
        t3 = time.perf_counter()
        size = pdf.stat().st_size
    print(f"month {month}: {len(assurance.rows):,} indicator rows, "
          f"{len(assurance.exceptions)} exceptions")
    print(f"assurance (indicators, SPC, exceptions)  {t1 - t0:6.1f} s")
    print(f"HTML (build + render, {len(html) / 1e6:.1f} MB)       {t2 - t1:6.1f} s")
    print(f"PDF (WeasyPrint, {size / 1e6:.1f} MB)              {t3 - t2:6.1f} s")
    print(f"total HTML report                         {t2 - t0:6.1f} s")
    print(f"total PDF report                          {t3 - t2 + t1 - t0:6.1f} s")


if __name__ == "__main__":
    main()
