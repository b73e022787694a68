"""Shared fixtures: the demo authority (synthetic Torbay, seed 42, 10 years) as a warehouse."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from lantern.synth.scenario import Scenario
from lantern.warehouse.store import insert_dataset
from tests.built import RUN_VARIABLE, built_once, private_copy, run_dir


def pytest_configure(config: pytest.Config) -> None:
    """The controlling process names the run's shared directory (`tests.built`) before
    the workers start; they inherit the name."""
    if not hasattr(config, "workerinput"):
        os.environ[RUN_VARIABLE] = uuid.uuid4().hex


def pytest_unconfigure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):
        shutil.rmtree(run_dir(), ignore_errors=True)


def load_simulated(path: Path, scenario: Scenario, *, seed: int, start: date,
                   end: date) -> None:
    """The simulated authority loaded into a new warehouse at ``path``, with its
    authority's settings, as a load of its files leaves the tables."""
    from lantern.synth import simulate
    from lantern.warehouse.meta import write_authority

    data = simulate(scenario, seed=seed, start=start, end=end)
    con = duckdb.connect(str(path))
    try:
        insert_dataset(con, data)
        write_authority(con, **scenario.authority())
    finally:
        con.close()


def build_demo_warehouse(home: Path) -> dict[str, str]:
    """The demo authority (synthetic Torbay, seed 42, December 2014 to November 2024) as
    `lantern demo` loads it, in ``home``."""
    from lantern.synth import load_scenario

    load_simulated(home / "warehouse.duckdb", load_scenario("torbay"), seed=42,
                   start=date(2014, 12, 1), end=date(2024, 11, 30))
    return {}


@pytest.fixture(scope="session")
def demo_home() -> Path:
    """A LANTERN_HOME whose warehouse holds the demo authority, as `lantern demo` makes it
    (built once per run, a copy per process)."""
    built, _ = built_once("demo-home", build_demo_warehouse)
    return private_copy(built, "demo-home")


@pytest.fixture
def demo_con(demo_home: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(demo_home / "warehouse.duckdb"), read_only=True)
    yield con
    con.close()


# --- A throwaway PostgreSQL server for the app-database tests --------------------------


def _pg_bindir() -> Path | None:
    import glob
    import shutil

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def pg_server() -> Iterator[tuple[str, int]]:
    """A PostgreSQL cluster in a temporary folder, listening on 127.0.0.1 only (and a
    Unix socket in that folder), trust authentication, stopped and deleted afterwards.
    Yields (host, port); superuser `postgres`. Runs the server as the `postgres` OS user
    when the tests run as root (initdb refuses root)."""
    import os
    import shutil
    import subprocess
    import tempfile

    bindir = _pg_bindir()
    if bindir is None:
        pytest.fail("PostgreSQL server binaries not found (initdb, postgres): run "
                    "`make system-deps` (or `bash scripts/system-deps.sh` as root)",
                    pytrace=False)
    root = os.geteuid() == 0
    prefix: list[str] = []
    tmp = Path(tempfile.mkdtemp(prefix="lantern-pg-"))
    if root:
        import pwd

        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            pytest.fail("running as root but there is no `postgres` OS user to run the "
                        "server: run `make system-deps`", pytrace=False)
        os.chown(tmp, pw.pw_uid, pw.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data = tmp / "data"

    def run(*cmd: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*prefix, *cmd], check=True, capture_output=True, text=True)

    run(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
        "-E", "UTF8", "--no-sync", "--locale=C")
    port = 0
    for _attempt in range(5):
        port = _free_port()
        opts = (f"-c listen_addresses=127.0.0.1 -c port={port} "
                f"-c unix_socket_directories={tmp} -c fsync=off -c synchronous_commit=off "
                "-c full_page_writes=off -c max_connections=50")
        try:
            run(str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l",
                str(tmp / "server.log"), "-w", "-t", "60", "start")
            break
        except subprocess.CalledProcessError:
            continue
    else:
        log = (tmp / "server.log").read_text(errors="replace")[-2000:]
        shutil.rmtree(tmp, ignore_errors=True)
        pytest.fail(f"PostgreSQL did not start:\n{log}", pytrace=False)
    try:
        yield ("127.0.0.1", port)
    finally:
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                        "-w", "stop"], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: tuple[str, int]) -> Iterator[str]:
    """A new, empty database on the throwaway server for each test, dropped after:
    ``postgresql+psycopg://postgres@127.0.0.1:PORT/lantern_test_N``."""
    import itertools

    import psycopg

    host, port = pg_server
    counter = _pg_counter.setdefault(port, itertools.count(1))
    name = f"lantern_test_{next(counter)}"
    admin = f"host={host} port={port} user=postgres dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://postgres@{host}:{port}/{name}"
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_pg_counter: dict[int, Iterator[int]] = {}
