"""Every month's assurance stored once per load (#13.6): the same figures as computing
the month, used only for the load it was computed from, replaced whole by the next."""

from __future__ import annotations

import functools
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from lantern.assurance import store
from lantern.assurance.monthly import assure_month
from lantern.assurance.store import Basis, month_assurance, store_assurance, stored_rows
from lantern.measures.catalogue import get
from lantern.measures.engine import KpiRow, compute
from lantern.warehouse.meta import read_authority
from tests.web_support import stored_web_home, web_home


@pytest.fixture(scope="module")
def stored_home() -> Path:
    """A copy of the small web authority with its last three months stored."""
    return stored_web_home()


@pytest.fixture
def con(stored_home: Path, tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    path = tmp_path / "warehouse.duckdb"
    shutil.copy2(stored_home / "warehouse.duckdb", path)
    c = duckdb.connect(str(path))
    yield c
    c.close()


def _basis(con: duckdb.DuckDBPyConnection, targets: str | None = None) -> Basis:
    return Basis.of(read_authority(con), targets)


def _key(r: KpiRow) -> tuple[str, ...]:
    return (r.kpi_id, r.month, r.period, r.breakdown, r.breakdown_value)


def _nothing_to_compute(monkeypatch: pytest.MonkeyPatch) -> None:
    """Writing is what these tests are about: figures computed as empty, at once."""
    monkeypatch.setattr(store, "compute_arrow",
                        lambda *_a, **_k: store.ROW_SCHEMA.empty_table())
    monkeypatch.setattr(store, "_every_months_exceptions", lambda *_a: {})


def _no_compute(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("computed instead of read from the store")

    monkeypatch.setattr("lantern.assurance.monthly.compute", refuse)
    monkeypatch.setattr("lantern.assurance.monthly.children_by_month", refuse)


def test_stored_month_is_the_computed_month(con: duckdb.DuckDBPyConnection,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    head = store.stored(con)
    assert head is not None and head.load_id == 0
    a = read_authority(con)
    first = head.first_month
    live = assure_month(con, first, la_code=a.la_code, population=a.population,
                        process_changes=a.process_changes)
    _no_compute(monkeypatch)
    got = month_assurance(con, first, _basis(con))
    assert sorted(got.rows, key=_key) == sorted(live.rows, key=_key)
    assert got.indicators == live.indicators
    assert got.exceptions == live.exceptions
    assert any(e.children for e in got.exceptions if e.kind == "deep_dive")


def test_characteristic_rows_stored_for_each_month(con: duckdb.DuckDBPyConnection) -> None:
    head = store.stored(con)
    assert head is not None
    a = read_authority(con)
    want = [r for r in compute(con, [head.last_month], breakdowns=("worker",),
                               population=a.population, la_code=a.la_code,
                               kpis=["cp_visits_10wd_pct"]) if r.breakdown == "worker"]
    got = stored_rows(con, [head.last_month], ("worker",), _basis(con),
                      kpi_id="cp_visits_10wd_pct")
    assert got is not None and sorted(got, key=_key) == sorted(want, key=_key) and want
    # a month before the store holds characteristics: not stored
    assert stored_rows(con, [store.add_months(head.first_month, -1)], ("worker",),
                       _basis(con)) is None


@pytest.mark.parametrize(("breakdown", "kpi_id"), [
    ("household_type", "foster_households"), ("employer_sector", "lado_referrals"),
    ("referring_agency", "marac_referrals")])
def test_record_breakdowns_stored_for_each_month(con: duckdb.DuckDBPyConnection,
                                                 breakdown: str, kpi_id: str) -> None:
    """A household's type, a LADO referral's sector and a MARAC referral's agency are
    stored with the characteristics: the theme pages read them, never compute them."""
    head = store.stored(con)
    assert head is not None
    a = read_authority(con)
    want = [r for r in compute(con, [head.last_month], breakdowns=(breakdown,),
                               population=a.population, la_code=a.la_code,
                               kpis=[kpi_id]) if r.breakdown == breakdown]
    got = stored_rows(con, [head.last_month], (breakdown,), _basis(con), kpi_id=kpi_id)
    assert got is not None and want
    assert sorted(got, key=_key) == sorted(want, key=_key)
    # only the indicators of the subject whose record it is are split by it
    every = stored_rows(con, [head.last_month], (breakdown,), _basis(con)) or []
    subject = get(kpi_id).subject
    assert {get(r.kpi_id).subject for r in every} == {subject}
    assert stored_rows(con, [store.add_months(head.first_month, -1)], (breakdown,),
                       _basis(con)) is None


def test_a_new_load_makes_the_store_stale_until_replaced(
        con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch) -> None:
    con.execute("CREATE TABLE IF NOT EXISTS _loads (load_id BIGINT, loaded_at TIMESTAMP, "
                "kind VARCHAR, la_code VARCHAR, fingerprint VARCHAR, row_counts VARCHAR)")
    con.execute("INSERT INTO _loads VALUES (7, now(), 'ssd', '', '[]', '{}')")
    assert store.stored(con) is None  # computed from load 0: not used for load 7
    assert stored_rows(con, ["2024-01"], ("authority",), _basis(con)) is None
    _nothing_to_compute(monkeypatch)
    done = store_assurance(con, _basis(con), months=1)
    assert done.load_id == 7
    left = con.execute("SELECT count(*) FROM _assurance_rows WHERE load_id <> 7 UNION ALL "
                       "SELECT count(*) FROM _assurance_exceptions WHERE load_id <> 7"
                       ).fetchall()
    assert left == [(0,), (0,)]  # the old figures are gone, not kept beside the new
    assert store.stored(con) is not None


def test_a_failed_write_leaves_the_previous_store(con: duckdb.DuckDBPyConnection,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    before = con.execute("SELECT count(*) FROM _assurance_rows").fetchone()

    def broken(*_a: object) -> None:
        raise RuntimeError("disk full")

    _nothing_to_compute(monkeypatch)
    monkeypatch.setattr(store, "_insert_exceptions", broken)
    with pytest.raises(RuntimeError):
        store_assurance(con, _basis(con), months=1)
    assert con.execute("SELECT count(*) FROM _assurance_rows").fetchone() == before
    head = store.stored(con)
    assert head is not None and head.last_month > head.first_month  # still three months


def test_other_targets_rebuild_the_exceptions_from_stored_rows(
        con: duckdb.DuckDBPyConnection, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    head = store.stored(con)
    assert head is not None
    targets = tmp_path / "targets.yml"
    targets.write_text("targets: {}\ndecline:\n  min_points: 100\n  min_share: 100\n", "utf-8")
    default = month_assurance(con, head.last_month, _basis(con))
    monkeypatch.setattr("lantern.assurance.monthly.compute", None)  # rows must be stored
    strict = month_assurance(con, head.last_month, _basis(con, str(targets)))
    assert any(e.kind == "deep_dive" for e in default.exceptions)
    assert not any(e.kind == "deep_dive" for e in strict.exceptions)
    assert any(e.kind == "watch" for e in strict.exceptions)


def test_another_population_or_month_is_computed(con: duckdb.DuckDBPyConnection,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    head = store.stored(con)
    assert head is not None
    basis = _basis(con)
    other = Basis(basis.la_code, (basis.population or 0) + 1000, basis.process_changes)
    assert store.stored_assurance(con, head.last_month, other) is None
    earlier = store.add_months(head.first_month, -1)
    assert store.stored_assurance(con, earlier, basis) is None
    _no_compute(monkeypatch)
    with pytest.raises(AssertionError, match="computed instead"):
        month_assurance(con, earlier, basis)


def test_web_serves_every_stored_month_from_the_store(
        stored_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An earlier month's scorecard, exceptions and indicator page (its breakdowns by
    worker, age band, ...) without computing any indicator."""
    from dataclasses import replace

    from tests.web_support import client_for, copy_app_db, make_app

    site = web_home()
    url = copy_app_db(site)
    _no_compute(monkeypatch)
    monkeypatch.setattr("lantern.web.services.compute", None)  # breakdowns must be stored
    app = make_app(replace(site, home=stored_home), url)
    with client_for(app, "performance_analyst") as c:
        con = duckdb.connect(str(stored_home / "warehouse.duckdb"), read_only=True)
        head = store.stored(con)
        con.close()
        assert head is not None
        for path in ("/scorecard", "/exceptions", "/indicators/cp_visits_10wd_pct"):
            r = c.get(path, params={"month": head.first_month})
            assert r.status_code == 200, (path, r.text[:300])
        assert "By worker" in r.text



def test_each_row_is_stored_once(con: duckdb.DuckDBPyConnection,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """An indicator the data cannot give (here: a rate, with no population) is one
    authority row saying why, given when the authority is asked for — stored once, not
    again with the characteristics (#12: a duplicate authority row)."""
    kpis = ["referral_rate_per_10k", "referrals"]  # the real engine, two indicators
    monkeypatch.setattr(store, "compute", functools.partial(compute, kpis=kpis))
    a = read_authority(con)
    basis = Basis(a.la_code, None)
    store_assurance(con, basis, months=1)
    dupes = con.execute(
        "SELECT kpi_id, month, period, breakdown, breakdown_value, count(*) AS n "
        "FROM _assurance_rows GROUP BY ALL HAVING n > 1").fetchall()
    assert dupes == []
    head = store.stored(con)
    assert head is not None
    for breakdowns in (("worker",), ("authority", "team"), ("authority", "sex")):
        want = compute(con, [head.last_month], breakdowns=breakdowns, population=None,
                       la_code=a.la_code, kpis=kpis)
        got = stored_rows(con, [head.last_month], breakdowns, basis)
        assert got is not None and sorted(got, key=_key) == sorted(want, key=_key)
        assert any(r.status == "not_available" for r in got) == ("authority" in breakdowns)


def test_report_figures_read_from_the_store_are_the_engines(
        con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a report edition records of its figures (`reports.editions.month_figures`,
    which decides whether a new load moved a published report) reads the store: the
    same as computing them."""
    from lantern.reports import editions

    head = store.stored(con)
    assert head is not None
    a = read_authority(con)
    wanted = ["authority", "safeguarding"]
    _no_compute(monkeypatch)
    monkeypatch.setattr(editions, "compute", None)  # must be read from the store
    got = editions.month_figures(con, [head.last_month], a, wanted)
    monkeypatch.undo()
    monkeypatch.setattr(editions, "stored_rows", lambda *_a, **_k: None)
    want = editions.month_figures(con, [head.last_month], a, wanted)
    assert got == want and got[head.last_month, "authority"]["cp_plans_open"][0]


def test_storing_the_audits_keeps_the_warehouses_exceptions_without_drilling(
        con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch) -> None:
    """`store_local` replaces the quality-assurance rows and rebuilds the exceptions,
    reusing the children stored behind each warehouse deep dive (never drilled again)."""
    from lantern.assurance.monthly import LocalFigures

    order = "SELECT * EXCLUDE (load_id) FROM _assurance_exceptions ORDER BY month, position"
    before = con.execute(order).fetchall()
    _no_compute(monkeypatch)  # a drill-down would raise
    none = LocalFigures(rows=lambda _m, _b: [], children=lambda *_a: [])
    assert store.store_local(con, _basis(con), none) == 0
    assert con.execute(order).fetchall() == before
    assert any(r[-1] != "[]" for r in before)  # deep dives with their children
