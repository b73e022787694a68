"""The access log: an entry per view of a child, a hash chain that verifies, triggers that
refuse UPDATE and DELETE, and tampering (by someone who gets round the triggers) that
`verify` and `lantern audit verify` detect — on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import itertools
import sqlite3
import threading
from datetime import UTC, datetime, timedelta

import pytest
from rich.console import Console
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from lantern.commands import admin
from lantern.commands.admin import audit_app
from lantern.security import Principal
from lantern.security.access_log import GENESIS, AccessLog, entry_hash
from tests.appdb_fixtures import app_engine, app_url

__all__ = ["app_engine", "app_url"]

WORKER = Principal(7, "jo.bloggs", "Jo Bloggs", "social_worker", "team", "T1", "P1")
MANAGER = Principal(8, "tm.one", "Team Manager", "team_manager", "team", "T1")


def fill(log: AccessLog, n: int = 6) -> None:
    t = datetime(2024, 3, 4, 9, 30, 0, 123456, tzinfo=UTC)
    for i in range(n):
        who = WORKER if i % 2 == 0 else MANAGER
        log.record(who, "view_child", child_id=f"C{i % 3}", path=f"/children/C{i % 3}",
                   detail="", now=t + timedelta(minutes=i))


def tamper(engine: Engine, app_url: str, sql: str) -> None:
    """What an attacker with direct database access could do: get round the triggers."""
    if engine.dialect.name == "sqlite":
        engine.dispose()
        con = sqlite3.connect(app_url.removeprefix("sqlite:///"))
        con.executescript("DROP TRIGGER access_log_no_update; DROP TRIGGER access_log_no_delete;"
                          + sql)
        con.close()
    else:
        with engine.begin() as con:
            con.execute(text("ALTER TABLE access_log DISABLE TRIGGER USER"))
            con.execute(text(sql))
            con.execute(text("ALTER TABLE access_log ENABLE TRIGGER USER"))


def test_an_entry_per_child_view(app_engine: Engine) -> None:
    log = AccessLog(app_engine)
    assert log.verify().ok and log.verify().entries == 0
    fill(log)
    assert log.count() == 6
    mine = log.entries(child_id="C1")
    assert [e.id for e in mine] == [5, 2]  # newest first
    assert {(e.username, e.action, e.path) for e in mine} == {
        ("tm.one", "view_child", "/children/C1"), ("jo.bloggs", "view_child", "/children/C1")}
    assert mine[0].at == datetime(2024, 3, 4, 9, 34, 0, 123456, tzinfo=UTC)
    # An export naming three children: one entry each, in one transaction.
    n = log.record_many(WORKER, "export_children", ["C0", "C1", "C2"],
                        path="/children.csv", detail="caseload export")
    assert n == 3 and log.count() == 9
    assert [e.action for e in log.entries(child_id="C2", limit=1)] == ["export_children"]
    assert len(log.entries(username="tm.one")) == 3
    with pytest.raises(ValueError, match="lower_snake_case"):
        log.record(WORKER, "View Child!", child_id="C1")


def test_one_entry_per_list_view_that_still_finds_each_child(app_engine: Engine) -> None:
    """A page naming many children writes ONE entry (a /work view once wrote ~500), and
    each child's history still shows it; ids that merely contain another's do not match."""
    log = AccessLog(app_engine)
    n = log.record_view(MANAGER, "view_work_list", ["C1", "C10", "C1", "C_2"],
                        path="/work", detail="page 1")
    assert n == 1 and log.count() == 1
    (entry,) = log.entries()
    assert entry.child_id is None and entry.detail == "page 1; 3 children: C1 C10 C_2"
    assert [e.id for e in log.entries(child_id="C10")] == [1]
    assert [e.id for e in log.entries(child_id="C1")] == [1]
    assert log.entries(child_id="C0") == [] and log.entries(child_id="C%") == []
    assert log.entries(child_id="CX2") == []  # "_" is not a wildcard
    assert log.record_view(WORKER, "view_child", ["C7"], path="/children/C7") == 1
    assert log.entries(child_id="C7")[0].child_id == "C7"
    assert log.record_view(WORKER, "view_work_list", []) == 0
    assert log.verify().ok


def test_chain_verifies(app_engine: Engine) -> None:
    log = AccessLog(app_engine)
    fill(log)
    result = log.verify()
    assert result.ok and result.entries == 6 and result.first_bad_id is None
    entries = sorted(log.entries(limit=100), key=lambda e: e.id)
    assert [e.id for e in entries] == [1, 2, 3, 4, 5, 6]
    assert entries[0].prev_hash == GENESIS
    for a, b in itertools.pairwise(entries):
        assert b.prev_hash == a.hash
    e = entries[2]
    assert e.hash == entry_hash(vars(e), e.prev_hash)
    assert result.last_hash == entries[-1].hash


def test_triggers_refuse_update_and_delete(app_engine: Engine) -> None:
    log = AccessLog(app_engine)
    fill(log, 3)
    for sql in ("UPDATE access_log SET detail = 'nothing to see' WHERE id = 2",
                "DELETE FROM access_log WHERE id = 2",
                "DELETE FROM access_log"):
        with pytest.raises(DBAPIError, match="append-only"), app_engine.begin() as con:
            con.execute(text(sql))
    if app_engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"), app_engine.begin() as con:
            con.execute(text("TRUNCATE access_log"))
    assert log.count() == 3 and log.verify().ok


@pytest.mark.parametrize(
    ("sql", "bad", "why"),
    [
        ("UPDATE access_log SET child_id = 'C9' WHERE id = 3", 3, "do not match its hash"),
        ("UPDATE access_log SET at = '2020-01-01 00:00:00' WHERE id = 4", 4, "hash"),
        ("DELETE FROM access_log WHERE id = 2", 3, "expected id 2"),
        ("UPDATE access_log SET username = 'someone', hash = "
         "'0000000000000000000000000000000000000000000000000000000000000000' WHERE id = 2",
         2, "do not match its hash"),
    ],
)
def test_tampering_is_detected(app_engine: Engine, app_url: str, sql: str, bad: int,
                               why: str) -> None:
    log = AccessLog(app_engine)
    fill(log)
    assert log.verify().ok
    tamper(app_engine, app_url, sql)
    result = AccessLog(app_engine).verify()
    assert not result.ok
    assert result.first_bad_id == bad and why in result.reason
    assert result.entries == (1 if "DELETE" in sql else bad - 1)  # the good ones before


def test_rewriting_a_hash_breaks_the_next_link(app_engine: Engine, app_url: str) -> None:
    """An attacker who edits an entry and recomputes its hash still breaks the chain."""
    log = AccessLog(app_engine)
    fill(log)
    e = next(x for x in log.entries() if x.id == 3)
    forged = {**vars(e), "child_id": "C9"}
    new_hash = entry_hash(forged, e.prev_hash)
    tamper(app_engine, app_url,
           f"UPDATE access_log SET child_id = 'C9', hash = '{new_hash}' WHERE id = 3;")
    result = AccessLog(app_engine).verify()
    assert not result.ok and result.first_bad_id == 4 and "prev_hash" in result.reason


def test_concurrent_writers_do_not_fork_the_chain(app_engine: Engine) -> None:
    log = AccessLog(app_engine)
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for i in range(15):
                log.record(WORKER, "view_child", child_id=f"C{k}-{i}")
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    result = log.verify()
    assert result.ok and result.entries == 60


def test_audit_verify_cli(app_engine: Engine, app_url: str,
                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANTERN_DATABASE_URL", app_url)
    monkeypatch.setattr(admin, "console", Console(width=200))  # Rich tables unwrapped
    runner = CliRunner()
    fill(AccessLog(app_engine))
    r = runner.invoke(audit_app, ["verify"])
    assert r.exit_code == 0, r.output
    assert "intact: 6 entries" in r.output
    r = runner.invoke(audit_app, ["log", "--child", "C1"])
    assert r.exit_code == 0 and "jo.bloggs" in r.output and "tm.one" in r.output
    tamper(app_engine, app_url, "UPDATE access_log SET path = '/elsewhere' WHERE id = 5;")
    r = runner.invoke(audit_app, ["verify"])
    assert r.exit_code == 1
    assert "tampered" in r.output and "entry 5" in r.output
