"""The web app reads an in-memory copy of the warehouse (`lantern.web.snapshot`): a load
by another process works while the app is serving, the request after it sees the new
data, a load in progress does not break pages, and the copy's prepared chronology and
precomputed maps give exactly what the plain queries give."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import duckdb
import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from lantern import casework
from lantern.web.cache import ASSURANCE, RESULTS
from lantern.web.snapshot import SNAPSHOTS, take
from tests.built import run_dir
from tests.web_support import (
    WebHome,
    client_for,
    copy_app_db,
    make_app,
    web_home,
)

NEW_CHILD = "PERF-NEW-1"

WRITER = textwrap.dedent("""
    import sys, duckdb
    con = duckdb.connect(sys.argv[1])  # read-write: takes the file's exclusive lock
    con.execute("INSERT INTO ssd_person (pers_person_id, pers_forename, pers_surname) "
                "VALUES (?, 'Newly', 'Loaded')", [sys.argv[2]])
    if len(sys.argv) > 3:  # hold the lock until told to finish
        print("holding", flush=True)
        sys.stdin.readline()
    con.close()
    print("written", flush=True)
""")


def private_home() -> WebHome:
    """A copy of the test authority that these tests may write to."""
    wh = web_home()
    home = Path(tempfile.mkdtemp(prefix="lantern-web-perf-", dir=run_dir()))
    shutil.copy2(wh.home / "warehouse.duckdb", home / "warehouse.duckdb")
    return replace(wh, home=home)


@contextmanager
def serving(*, cleared: bool = False) -> Iterator[tuple[WebHome, FastAPI, TestClient]]:
    """An app over a private copy of the test authority, with a signed-in analyst;
    ``cleared``: no copy of any warehouse held yet."""
    home = private_home()
    if cleared:
        SNAPSHOTS.clear()
    app = make_app(home, copy_app_db(web_home()))
    client = client_for(app, "performance_analyst")
    try:
        yield home, app, client
    finally:
        client.close()
        SNAPSHOTS.clear()
        shutil.rmtree(home.home, ignore_errors=True)


def stamps_cached(home: WebHome) -> set[object]:
    """The warehouse stamps of the results cached for ``home``."""
    path = str(home.home / "warehouse.duckdb")
    return {k[1] for cache in (ASSURANCE, RESULTS) for k in cache.held()
            if isinstance(k, tuple) and k[0] == path}


def writer(home: Path, *, hold: bool = False) -> subprocess.Popen[str]:
    args = [sys.executable, "-c", WRITER, str(home / "warehouse.duckdb"), NEW_CHILD]
    return subprocess.Popen(args + (["hold"] if hold else []), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@contextmanager
def holding_writer(home: Path) -> Iterator[Callable[[], None]]:
    """Another process holding the warehouse's write lock (it has written a new child);
    call the function given to let it commit and wait for it to finish."""
    load = writer(home, hold=True)
    assert load.stdout is not None and load.stdin is not None
    try:
        assert load.stdout.readline().strip() == "holding"

        def finish() -> None:
            assert load.stdin is not None
            load.stdin.write("go\n")
            load.stdin.flush()
            assert load.wait(timeout=60) == 0

        yield finish
    finally:
        if load.poll() is None:
            load.kill()


def test_a_load_while_serving_is_seen_at_the_next_request() -> None:
    with serving() as (home, _app, client):
        assert client.get(f"/children/{home.child_in}").status_code == 200
        assert client.get(f"/children/{NEW_CHILD}").status_code == 404
        old_stamps = stamps_cached(home)
        # Another process writes the warehouse while the app holds its copy: the app
        # holds no lock on the file, so the write succeeds.
        done = writer(home.home)
        _out, err = done.communicate(timeout=60)
        assert done.returncode == 0, err
        page = client.get(f"/children/{NEW_CHILD}")
        assert page.status_code == 200
        assert "Newly Loaded" in page.text
        # What was computed from the replaced copy is dropped with it.
        assert old_stamps and not old_stamps & stamps_cached(home)


def test_pages_keep_working_while_a_load_holds_the_file() -> None:
    with serving() as (home, _app, client):
        assert client.get(f"/children/{home.child_in}").status_code == 200  # copy taken
        with holding_writer(home.home) as finish:
            # The file is locked and changed: the app keeps serving the copy it has.
            assert client.get(f"/children/{home.child_in}").status_code == 200
            assert client.get(f"/children/{NEW_CHILD}").status_code == 404
            finish()
        assert client.get(f"/children/{NEW_CHILD}").status_code == 200


def test_no_copy_yet_and_the_file_locked_is_503() -> None:
    with serving(cleared=True) as (home, _app, client):
        with holding_writer(home.home) as finish:
            got = client.get(f"/children/{home.child_in}")
            assert got.status_code == 503
            assert "being loaded" in got.text
            finish()
        assert client.get(f"/children/{home.child_in}").status_code == 200


@pytest.fixture(scope="module")
def copy_and_file() -> Iterator[tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection]]:
    path = web_home().home / "warehouse.duckdb"
    snap = take(path)
    file = duckdb.connect(str(path), read_only=True)
    yield snap.cursor(), file
    file.close()


def test_prepared_chronology_is_the_chronology(
        copy_and_file: tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection]) -> None:
    copy, file = copy_and_file
    on = casework.data_date(file)
    children = [str(r[0]) for r in file.execute(
        "SELECT DISTINCT invo_person_id FROM ssd_involvements ORDER BY 1 LIMIT 40").fetchall()]
    children += ["nobody"]
    for child in children:
        for until in (None, on):
            for cats in (None, {"visit", "allocation"}, set()):
                assert casework.chronology(copy, child, until=until, categories=cats,
                                           prepared=True) == casework.chronology(
                    file, child, until=until, categories=cats), (child, until, cats)


def test_child_records_are_the_child_record(
        copy_and_file: tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection]) -> None:
    copy, file = copy_and_file
    on = casework.data_date(file)
    records = casework.child_records(copy, on)
    assert len(records) == file.execute(
        "SELECT count(DISTINCT pers_person_id) FROM ssd_person").fetchone()[0]
    children = [str(r[0]) for r in file.execute(
        "SELECT DISTINCT invo_person_id FROM ssd_involvements ORDER BY 1 LIMIT 60").fetchall()]
    children += [str(r[0]) for r in file.execute(  # care leavers, some looked after
        "SELECT DISTINCT clea_person_id FROM ssd_care_leavers ORDER BY 1 LIMIT 30").fetchall()]
    children += [str(r[0]) for r in file.execute(  # on a child protection plan
        "SELECT DISTINCT cppl_person_id FROM ssd_cp_plans WHERE cppl_cp_plan_end_date IS NULL "
        "ORDER BY 1 LIMIT 10").fetchall()]
    children += [str(r[0]) for r in file.execute(  # never allocated
        "SELECT pers_person_id FROM ssd_person WHERE pers_person_id NOT IN "
        "(SELECT invo_person_id FROM ssd_involvements WHERE invo_person_id IS NOT NULL) "
        "ORDER BY 1 LIMIT 5").fetchall()]
    checked = {"Child in need": 0, "Child protection plan": 0, "Looked after": 0,
               "Care leaver": 0, "allocated": 0, "changed worker": 0}
    for child in children:
        rec = casework.child_record(file, child, on)
        assert records[child] == rec, child
        assert rec is not None
        for status in rec.statuses:
            checked[status] += 1
        checked["allocated"] += bool(rec.allocations)
        checked["changed worker"] += rec.worker_changes_12m > 0
    assert "nobody" not in records and casework.child_record(file, "nobody", on) is None
    # The comparison covered every status and some history, not only empty records.
    assert all(checked.values()), checked


def test_several_worker_processes_share_sessions() -> None:
    """`serve.run` with two uvicorn workers: a session signed in at one is valid at the
    other (one session key, created in LANTERN_HOME before the workers start)."""
    from tests.browser_support import LiveServer, demo_site, sign_in_client

    site = demo_site()
    home = Path(tempfile.mkdtemp(prefix="lantern-web-workers-", dir=run_dir()))
    shutil.copy2(site.home / "warehouse.duckdb", home / "warehouse.duckdb")
    src, dst = sqlite3.connect(site.home / "app.sqlite"), sqlite3.connect(home / "app.sqlite")
    try:
        src.backup(dst)  # the accounts, including what is still in the write-ahead log
    finally:
        src.close()
        dst.close()
    account = site.accounts["performance_analyst"]
    try:
        with LiveServer(home, workers=2, secret_key=None, startup_seconds=120) as server:
            client = sign_in_client(server.url, account)
            cookies = dict(client.cookies)
            client.close()
            assert (home / "secret_key").exists()
            for _ in range(12):  # new connections: each reaches whichever worker accepts
                with httpx.Client(base_url=server.url, cookies=cookies, timeout=120) as c:
                    got = c.get("/api/scorecard")
                    assert got.status_code == 200, got.text[:300]
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_warm_computes_the_first_pages_before_anyone_asks() -> None:
    """`deps.warm` (run by `serve` as a server process starts): afterwards the latest
    month's scorecard and a child's page compute nothing new."""
    from lantern.web.deps import warm

    with serving() as (home, app, client):  # a new file: nothing cached for it yet
        path = str(home.home / "warehouse.duckdb")

        def cached(name: str) -> bool:
            return any(k[0] == path and name in k for k in RESULTS.held())

        assert not cached("child_records")
        warm(app)
        assert cached("child_records") and cached("alerts_by_child")
        computed = ASSURANCE.misses
        assert client.get("/scorecard").status_code == 200
        assert client.get(f"/children/{home.child_in}").status_code == 200
        assert ASSURANCE.misses == computed  # the month's figures were ready


def test_keep_warm_warms_again_after_a_load() -> None:
    """`deps.keep_warm` (the background thread of each server process): after another
    process loads, the new copy's child records are computed before anyone asks."""
    from lantern.web.deps import keep_warm

    def warmed_stamps(home: WebHome) -> set[object]:
        path = str(home.home / "warehouse.duckdb")
        return {k[1] for k in RESULTS.held()
                if isinstance(k, tuple) and k[0] == path and "child_records" in k}

    def wait_for(check: Callable[[], bool]) -> bool:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if check():
                return True
            time.sleep(0.1)
        return False

    with serving() as (home, app, client):
        stop = threading.Event()
        thread = threading.Thread(target=keep_warm, args=(app, stop, 0.2), daemon=True)
        thread.start()
        try:
            assert wait_for(lambda: bool(warmed_stamps(home)))
            before = warmed_stamps(home)
            done = writer(home.home)
            _out, err = done.communicate(timeout=60)
            assert done.returncode == 0, err
            assert wait_for(lambda: bool(warmed_stamps(home) - before))
        finally:
            stop.set()
            thread.join(timeout=30)
        assert not thread.is_alive()  # stops when told
        assert client.get(f"/children/{NEW_CHILD}").status_code == 200
