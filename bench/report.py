"""Benchmark: the monthly performance report for the default authority, HTML and PDF.

Builds the demo authority (simulate + load into DuckDB), or copies an existing
warehouse (--home), then times for the latest month:

- before: the month's assurance computed from scratch (24 months of indicators by
  authority, service and team, SPC, exceptions with the children behind each deep
  dive), as every report did before the assurance was stored;
- the added load time: every month's assurance computed once and stored
  (`assurance.store.store_assurance`, what `lantern ingest` and `lantern demo` now do);
- after: the report as `lantern report` writes it, in a fresh process (benchmark data
  and calendar read as a command would): the stored month read back, HTML, and PDF.

Run: .venv/bin/python bench/report.py [--home DIR]
"""

from __future__ import annotations

import argparse
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

from lantern.assurance.monthly import assure_month
from lantern.assurance.store import Basis, store_assurance
from lantern.warehouse.meta import read_authority

MONTH = "2024-11"
AFTER = """
import sys, time
from pathlib import Path
import duckdb
t0 = time.perf_counter()
from lantern.assurance.store import Basis, month_assurance
from lantern.reports.build import report_from
from lantern.reports.render import render_html, write_report
from lantern.warehouse.meta import read_authority
con = duckdb.connect(sys.argv[1], read_only=True)
a = read_authority(con)
got = month_assurance(con, sys.argv[2], Basis.of(a, None))
t1 = time.perf_counter()
report = report_from(got, la_code=a.la_code, la_name=a.la_name,
                     process_changes=a.process_changes)
page = render_html(report)
Path(sys.argv[3], "report.html").write_text(page, encoding="utf-8")
t2 = time.perf_counter()
write_report(report, Path(sys.argv[3], "report.pdf"))
t3 = time.perf_counter()
c = time.process_time()  # CPU seconds: what a quiet machine would take, about
print(f"{t1 - t0:.2f} {t2 - t0:.2f} {t3 - t2 + t1 - t0:.2f} {len(page)} {c:.2f}")
"""


def build(home: Path, source: Path | None) -> Path:
    path = home / "warehouse.duckdb"
    if source is not None:
        shutil.copy2(source / "warehouse.duckdb", path)
        return path
    from lantern.synth import load_scenario, simulate
    from lantern.warehouse.meta import write_authority
    from lantern.warehouse.store import insert_dataset

    scenario = load_scenario("torbay")
    data = simulate(scenario, seed=42, start=date(2014, 12, 1), end=date(2024, 11, 30))
    con = duckdb.connect(str(path))
    insert_dataset(con, data)
    write_authority(con, **scenario.authority())
    con.close()
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--home", type=Path, help="an existing LANTERN_HOME to copy")
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {platform.platform()}, "
          f"Python {platform.python_version()}; load average {_load()}")
    with tempfile.TemporaryDirectory(prefix="lantern-bench-report-") as tmp:
        path = build(Path(tmp), args.home)
        con = duckdb.connect(str(path))
        a = read_authority(con)
        t0, c0 = time.perf_counter(), time.process_time()
        before = assure_month(con, MONTH, la_code=a.la_code, population=a.population,
                              process_changes=a.process_changes)
        t1, c1 = time.perf_counter(), time.process_time()
        stored = store_assurance(con, Basis.of(a, None))
        t2, c2 = time.perf_counter(), time.process_time()
        con.close()
        out = subprocess.run([sys.executable, "-c", AFTER, str(path), MONTH, tmp],
                             capture_output=True, text=True, check=True).stdout.split()
        read, html, pdf, size, cpu = (float(x) for x in out)
    print(f"month {MONTH}: {len(before.rows):,} indicator rows, "
          f"{len(before.exceptions)} exceptions")
    print("wall-clock seconds (CPU seconds of this process in brackets)")
    print(f"before: the month's assurance computed        {t1 - t0:6.1f} s ({c1 - c0:.1f})")
    print(f"load: every month stored ({stored.first_month} to {stored.last_month}, "
          f"{stored.rows:,} rows, {stored.exceptions:,} exceptions)  {t2 - t1:6.1f} s "
          f"({c2 - c1:.1f})")
    print(f"after: stored month read (fresh process)     {read:6.1f} s")
    print(f"after: whole HTML report ({size / 1e6:.1f} MB)          {html:6.1f} s")
    print(f"after: whole PDF report                      {pdf:6.1f} s")
    print(f"after: HTML and PDF in one process, CPU       {cpu:6.1f} s")
    print(f"load average now {_load()}")


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


if __name__ == "__main__":
    main()
