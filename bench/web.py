"""Benchmark: the web app under 50 concurrent users (locust, headless, on loopback).

Builds the demo authority (as `tests.conftest.demo_home` and `lantern demo` do: synthetic
Torbay, seed 42, ten years), creates the demo accounts, starts `lantern.web.serve.run`
in a subprocess on 127.0.0.1 and warms it (the first request computes the month's
indicators). Then locust, in this process, runs USERS simulated people signed in as the
demo performance analyst (authority-wide) for SECONDS: each repeatedly opens the
scorecard, an indicator page or a child's page (weights 1:2:3; a pause of 0.5-1.5 s
between pages, as a person reading). Figures are counted from when every user has
signed in (sign-in itself, a deliberately slow argon2 check, is not measured). Prints the
median, p95 and p99 for each page and the error counts, and exits non-zero unless the
p95 of every page is under 300 ms with no errors.

The server runs WORKERS uvicorn processes (default 2, one per vCPU of the machine the
results were recorded on; `lantern serve --workers`); each warms its own copy.

Before the load, every month a person can choose (the latest and the 23 before it) is
opened once on a fresh server, one page at a time — its scorecard, exceptions and an
indicator page (cold: the server's first request for that month) — then again (warm).
Each month's assurance is stored at load time (`assurance.store`), as `lantern ingest`
and `lantern demo` do; the p95 of each of those pages, cold and warm, must be under 1 s.
`--no-store` serves the warehouse without the store (every month computed on request,
as before).

Run: .venv/bin/python bench/web.py [--users 50] [--seconds 60] [--workers 2] [--home DIR] [--small]
  --home DIR  use an existing LANTERN_HOME (e.g. .lantern from `lantern demo`): a copy
              of its warehouse is served, the folder is not changed;
  --small     the 4,000-child test authority instead (quick check of the script);
  --months-only  only the every-month check, no load test.
"""

from __future__ import annotations

# locust monkey-patches the standard library with gevent: import it first.
from locust import FastHttpUser, between, events, task  # isort: skip
from locust.env import Environment  # isort: skip

import argparse
import platform
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import ClassVar

import gevent

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.browser_support import (
    Account,
    LiveServer,
    build_warehouse,
    make_accounts,
    sign_in_client,
)

PAGES = ("scorecard", "indicator", "child")
LIMIT_MS = 300.0
MONTH_PAGES = ("scorecard", "exceptions", "indicator")
MONTH_LIMIT_MS = 1000.0
SETTLE_SECONDS = 30.0
ROLE = "performance_analyst"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Pages:
    """What the simulated users open (filled in before the run)."""

    account: ClassVar[Account]
    month: ClassVar[str] = ""
    indicators: ClassVar[list[str]] = []
    children: ClassVar[list[str]] = []
    signed_in: ClassVar[int] = 0  # users whose sign-in has finished


class Reader(FastHttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        page = self.client.get("/sign-in", name="sign-in")
        found = CSRF.search(page.text or "")
        token = found.group(1) if found else ""
        with self.client.post("/sign-in", name="sign-in", allow_redirects=False,
                              catch_response=True, data={
                                  "username": Pages.account.username,
                                  "password": Pages.account.password,
                                  "csrf_token": token, "next": "/"}) as r:
            if r.status_code != 303:
                r.failure(f"sign-in answered {r.status_code}")
        Pages.signed_in += 1

    @task(1)
    def scorecard(self) -> None:
        self._get(f"/scorecard?month={Pages.month}", "scorecard")

    @task(2)
    def indicator(self) -> None:
        kpi = random.choice(Pages.indicators)
        self._get(f"/indicators/{kpi}?month={Pages.month}", "indicator")

    @task(3)
    def child(self) -> None:
        self._get(f"/children/{random.choice(Pages.children)}", "child")

    def _get(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, allow_redirects=False,
                             catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")
            elif "<h1" not in (r.text or ""):
                r.failure("not a page")


def prepare(base_url: str, account: Account) -> None:
    """Choose the pages (scorecard links, children behind them) and warm the server."""
    client = sign_in_client(base_url, account, timeout=900)
    try:
        t0 = time.perf_counter()
        card = client.get("/api/scorecard")
        card.raise_for_status()
        print(f"warm-up: scorecard computed in {time.perf_counter() - t0:.1f} s")
        Pages.month = card.json()["month"]
        kpis = [r["kpi_id"] for s in card.json()["sections"] for r in s["rows"]]
        Pages.indicators = kpis[:12]
        children: list[str] = []
        for kpi in Pages.indicators:
            client.get(f"/indicators/{kpi}", params={"month": Pages.month}).raise_for_status()
            got = client.get(f"/api/indicators/{kpi}/children",
                             params={"month": Pages.month})
            if got.status_code == 200:
                children += [str(c["child_id"]) for c in got.json()["children"][:40]]
        Pages.children = sorted(set(children))
        client.get(f"/scorecard?month={Pages.month}").raise_for_status()
        for child in Pages.children[:1]:  # the authority's records, alerts, chronology
            client.get(f"/children/{child}").raise_for_status()
        print(f"warm-up done in {time.perf_counter() - t0:.1f} s: "
              f"{len(Pages.indicators)} indicators, {len(Pages.children)} children")
        if not Pages.children:
            raise SystemExit("no children to open: is the warehouse empty?")
    finally:
        client.close()


def every_month(base_url: str, account: Account) -> bool:
    """Each month's scorecard, exceptions and an indicator page, cold then warm, one
    request at a time; prints p50, p95 and max per page and pass."""
    client = sign_in_client(base_url, account, timeout=900)
    try:
        card = client.get("/api/scorecard")
        card.raise_for_status()
        for _ in range(8):  # every worker past its start-up warm-up (latest month)
            fresh = sign_in_client(base_url, account, timeout=900)
            fresh.get("/scorecard").raise_for_status()
            fresh.close()
        # Each worker then reads the other stored months in the background (a fraction
        # of a second each): the first person to open one after that finds it ready.
        time.sleep(SETTLE_SECONDS)
        kpis = [r["kpi_id"] for s in card.json()["sections"] for r in s["rows"]]
        last = card.json()["month"]
        y, m = (int(p) for p in last.split("-"))
        months = [f"{(y * 12 + m - 1 - k) // 12:04d}-{(y * 12 + m - 1 - k) % 12 + 1:02d}"
                  for k in range(24)]
        times: dict[tuple[str, str], list[float]] = {}
        for run in ("cold", "warm"):
            for n, month in enumerate(months):
                for page, path in (("scorecard", "/scorecard"), ("exceptions", "/exceptions"),
                                   ("indicator", f"/indicators/{kpis[n % len(kpis)]}")):
                    t0 = time.perf_counter()
                    r = client.get(path, params={"month": month})
                    took = (time.perf_counter() - t0) * 1000
                    if r.status_code != 200 or "<h1" not in r.text:
                        raise SystemExit(f"{path}?month={month}: HTTP {r.status_code}")
                    times.setdefault((page, run), []).append(took)
    finally:
        client.close()
    print(f"\nevery month ({months[-1]} to {months[0]}), one request at a time; ms")
    print(f"{'page':<11} {'run':<5} {'n':>3} {'p50':>7} {'p95':>7} {'max':>7}")
    ok = True
    for page in MONTH_PAGES:
        for run in ("cold", "warm"):
            got = sorted(times[page, run])
            p50, p95 = got[len(got) // 2], got[min(len(got) - 1, int(0.95 * len(got)))]
            print(f"{page:<11} {run:<5} {len(got):>3} {p50:>7.0f} {p95:>7.0f} {got[-1]:>7.0f}")
            ok = ok and p95 < MONTH_LIMIT_MS
    print(f"every month's pages p95 under {MONTH_LIMIT_MS:.0f} ms, cold and warm: "
          f"{'PASS' if ok else 'FAIL'}")
    return ok


def store(home: Path) -> None:
    """Every month's assurance stored, as a load does (and its time)."""
    import duckdb

    from lantern.assurance.store import Basis, store_assurance, stored
    from lantern.warehouse.meta import read_authority

    con = duckdb.connect(str(home / "warehouse.duckdb"))
    try:
        basis = Basis.of(read_authority(con), None)
        head = stored(con)
        if head is not None and head.fingerprint == basis.fingerprint():
            print(f"assurance already stored for {head.first_month} to {head.last_month}")
            return
        done = store_assurance(con, basis)
    finally:
        con.close()
    print(f"assurance stored for {done.first_month} to {done.last_month} in "
          f"{done.seconds:.1f} s")


def run_load(base_url: str, users: int, seconds: float) -> Environment:
    Reader.host = base_url
    env = Environment(user_classes=[Reader], events=events, host=base_url,
                      stop_timeout=10)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=max(1, users // 5))
    t0 = time.perf_counter()
    while runner.user_count < users:  # ramp-up (at most a few seconds)
        gevent.sleep(0.5)
    # Every user's sign-in finished (each is a deliberately slow argon2 check, and they
    # queue at the server), then a second for the last of them to open a first page.
    while Pages.signed_in < users and time.perf_counter() - t0 < 300:
        gevent.sleep(0.2)
    gevent.sleep(1)
    print(f"{Pages.signed_in} users signed in after {time.perf_counter() - t0:.1f} s")
    # Count from here: sign-in (a deliberately slow argon2 check) is not a page measured.
    env.stats.reset_all()
    gevent.spawn_later(seconds, runner.quit)  # a bounded run
    runner.greenlet.join()
    return env


def report(env: Environment, users: int, seconds: float) -> bool:
    print(f"\n{users} users, {seconds:.0f} s, loopback; response times in ms")
    print(f"{'page':<10} {'requests':>9} {'errors':>7} {'p50':>7} {'p95':>7} {'p99':>7} "
          f"{'max':>7} {'req/s':>7}")
    ok = True
    for name in PAGES:
        s = env.stats.get(name, "GET")
        n = s.num_requests
        p50 = s.get_response_time_percentile(0.5) if n else 0
        p95 = s.get_response_time_percentile(0.95) if n else 0
        p99 = s.get_response_time_percentile(0.99) if n else 0
        print(f"{name:<10} {n:>9} {s.num_failures:>7} {p50:>7.0f} {p95:>7.0f} {p99:>7.0f} "
              f"{s.max_response_time or 0:>7.0f} {s.total_rps:>7.1f}")
        if name in PAGES and (n == 0 or p95 >= LIMIT_MS):
            ok = False
    total = env.stats.total
    errors = total.num_failures
    for err in env.stats.errors.values():
        print(f"error: {err.method} {err.name}: {err.error} x{err.occurrences}")
    print(f"all requests: {total.num_requests}, errors {errors}, "
          f"{total.total_rps:.1f} req/s")
    return ok and errors == 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--home", type=Path, help="an existing LANTERN_HOME to copy")
    ap.add_argument("--small", action="store_true", help="the 4,000-child authority")
    ap.add_argument("--workers", type=int, default=2,
                    help="uvicorn worker processes (LANTERN_WEB_WORKERS)")
    ap.add_argument("--no-store", action="store_true",
                    help="serve without the stored assurance (months computed on request)")
    ap.add_argument("--months-only", action="store_true",
                    help="only the every-month check (cold and warm), no load test")
    args = ap.parse_args()

    print(f"machine: {platform.machine()}, {platform.platform()}, "
          f"Python {platform.python_version()}")
    with tempfile.TemporaryDirectory(prefix="lantern-bench-web-") as tmp:
        home = Path(tmp)
        t0 = time.perf_counter()
        if args.home:
            shutil.copy2(args.home / "warehouse.duckdb", home / "warehouse.duckdb")
        else:
            build_warehouse(home, full=not args.small)
        if args.no_store:
            _drop_store(home)
        else:
            store(home)
        site = make_accounts(home)
        print(f"authority built in {time.perf_counter() - t0:.1f} s")
        with LiveServer(home, startup_seconds=120, workers=args.workers) as server:
            print(f"server: {server.url} (log {server.log_path}), {args.workers} worker(s)")
            months_ok = every_month(server.url, site.accounts[ROLE])
            if args.months_only:
                raise SystemExit(0 if months_ok else 1)
            # Each worker computes and caches the figures itself: warm them all (a new
            # connection reaches whichever worker accepts it first).
            for _ in range(1 if args.workers == 1 else 4 * args.workers):
                prepare(server.url, site.accounts[ROLE])
            Pages.account = site.accounts[ROLE]
            env = run_load(server.url, args.users, args.seconds)
            ok = report(env, args.users, args.seconds) and months_ok
    print(f"p95 under {LIMIT_MS:.0f} ms for scorecard, indicator and child pages, "
          f"no errors: {'PASS' if ok else 'FAIL'}")
    raise SystemExit(0 if ok else 1)


def _drop_store(home: Path) -> None:
    import duckdb

    con = duckdb.connect(str(home / "warehouse.duckdb"))
    try:
        con.execute("DROP TABLE IF EXISTS _assurance_store")
    finally:
        con.close()


if __name__ == "__main__":
    main()
