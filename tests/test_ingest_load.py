"""Loads of statutory returns: all or nothing, idempotent, any order, later year wins."""

from __future__ import annotations

import itertools
import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from lantern.ingest.pipeline import ingest_paths, validate_paths
from lantern.warehouse import Warehouse, statutory
from lantern.warehouse.export import export_returns
from tests.ingest_fixtures import GENERATED, YEARS, no_rules, settings, snapshot, write_returns


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[int, list[Path]]]:
    out = tmp_path_factory.mktemp("returns")
    return out, write_returns(out)


def _ingest(home: Path, *paths: Path) -> object:
    outcome = ingest_paths(list(paths), settings=settings(home), la="880", check=no_rules)
    assert outcome.loaded, outcome.validation.first_problems()
    return outcome


def test_load_records_lineage_history_and_archive(tmp_path: Path, returns: tuple) -> None:
    root, _ = returns
    home = tmp_path / "home"
    outcome = _ingest(home, root)
    assert outcome.changed and outcome.load_id == 1
    assert outcome.row_counts["ssd_cin_episodes"] > 0
    with Warehouse(home / "warehouse.duckdb") as wh:
        lineage = wh.con.execute(
            "SELECT DISTINCT _source_file FROM ssd_cla_episodes WHERE _source_row IS NULL "
            "OR _source_file IS NULL").fetchall()
        assert lineage == []
        f, row = wh.con.execute(
            "SELECT _source_file, _source_row FROM ssd_cin_episodes LIMIT 1").fetchone()
        assert (home / "archive" / f).is_file() and row > 1  # an XML line number
        assert [load["load_id"] for load in wh.loads()] == [1]
        files = {r[0] for r in wh.con.execute("SELECT original FROM _source_files").fetchall()}
    assert len(files) == 3 * 12
    manifest = (home / "archive" / "manifest.jsonl").read_text().splitlines()
    assert len(manifest) == 36 and all("sha256" in json.loads(m) for m in manifest)


def test_loading_again_changes_nothing(tmp_path: Path, returns: tuple) -> None:
    root, _ = returns
    home = tmp_path / "home"
    _ingest(home, root)
    before = snapshot(home)
    again = _ingest(home, root)
    assert not again.changed and again.load_id == 1
    assert snapshot(home) == before
    with Warehouse(home / "warehouse.duckdb") as wh:
        assert len(wh.loads()) == 1


def test_any_order_and_any_grouping_give_the_same_warehouse(tmp_path: Path, returns: tuple) -> None:
    _, files = returns
    results = []
    for n, order in enumerate([*itertools.permutations(YEARS[:2]), YEARS[:2]]):
        home = tmp_path / f"h{n}"
        if isinstance(order, tuple) and len(order) == 2 and n < 2:
            for y in order:
                _ingest(home, *files[y])
        else:
            _ingest(home, *files[2023], *files[2024])
        results.append(snapshot(home))
    assert results[0] == results[1] == results[2]


def test_later_collection_wins_and_absent_modules_survive(tmp_path: Path, returns: tuple) -> None:
    _, files = returns
    home = tmp_path / "home"
    _ingest(home, *files[2024], *files[2023])
    with Warehouse(home / "warehouse.duckdb") as wh:
        # R2 closed in Feb 2023: only in the 2023 census, so it survives the 2024 merge.
        closed = wh.con.execute(
            "SELECT cine_close_date FROM ssd_cin_episodes WHERE cine_referral_id = 'C2/2022-05-01'"
        ).fetchone()
        assert closed == (date(2023, 2, 1),)
        # L1's first episode ended 1 June 2023: open (DEC blank) in 2023, ended in 2024.
        ended = wh.con.execute(
            "SELECT clae_cla_episode_ceased_date, clae_cla_episode_ceased_reason "
            "FROM ssd_cla_episodes WHERE clae_cla_episode_id = 'L1/E/2022-01-10'").fetchone()
        assert ended == (date(2023, 6, 1), "X1")
        sources = {r[0] for r in wh.con.execute(
            "SELECT _source_file FROM ssd_cla_episodes").fetchall()}
        assert all("episodes.csv" in s for s in sources)


def test_a_killed_load_leaves_the_warehouse_unchanged(tmp_path: Path, returns: tuple,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _, files = returns
    home = tmp_path / "home"
    _ingest(home, *files[2023])
    before = snapshot(home)
    real = statutory.insert_rows
    calls = {"n": 0}

    def dying(wh: Warehouse, name: str, arrow: object) -> None:
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("killed mid-load")
        real(wh, name, arrow)  # type: ignore[arg-type]

    monkeypatch.setattr(statutory, "insert_rows", dying)
    with pytest.raises(RuntimeError, match="killed"):
        ingest_paths(list(files[2024]), settings=settings(home), check=no_rules)
    assert calls["n"] == 4
    assert snapshot(home) == before
    with Warehouse(home / "warehouse.duckdb") as wh:
        assert len(wh.loads()) == 1
        assert wh.con.execute("SELECT count(*) FROM _source_files").fetchone() == (12,)


def test_round_trip_ingest_export_ingest_is_identical(tmp_path: Path, returns: tuple) -> None:
    root, _ = returns
    first = tmp_path / "first"
    _ingest(first, root)
    with Warehouse(first / "warehouse.duckdb") as wh:
        exported = export_returns(wh, tmp_path / "export", la_code="880", generated=GENERATED)
    assert len(exported.cin_census) == 3 and len(exported.ssda903) == 33
    second = tmp_path / "second"
    _ingest(second, tmp_path / "export")
    assert snapshot(first, lineage=False) == snapshot(second, lineage=False)


def test_validate_only_loads_nothing(tmp_path: Path, returns: tuple) -> None:
    root, _ = returns
    outcome = validate_paths([root], settings=settings(tmp_path), check=no_rules)
    assert outcome.ok and outcome.rows_read() > 0 and len(outcome.files) == 36
    assert not (tmp_path / "warehouse.duckdb").exists()


def test_resubmission_of_a_year_replaces_it(tmp_path: Path, returns: tuple) -> None:
    _, files = returns
    home = tmp_path / "home"
    _ingest(home, *files[2023])
    changed = tmp_path / "2023"
    changed.mkdir()
    for f in files[2023]:
        shutil.copy(f, changed / f.name)
    episodes = changed / "episodes.csv"
    episodes.write_text(episodes.read_text().replace(",C2,", ",C1,"))
    outcome = _ingest(home, changed)
    assert outcome.changed
    with Warehouse(home / "warehouse.duckdb") as wh:
        statuses = {r[0] for r in wh.con.execute(
            "SELECT clae_legal_status FROM ssd_cla_episodes").fetchall()}
    assert "C2" not in statuses


def test_annex_a_workbook_with_renamed_headers_loads(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from lantern.formats.annex_a import write_annex_a
    from tests.formats_fixtures import dataset

    path = write_annex_a(dataset(), tmp_path / "in" / "Annex_A_2024.xlsx",
                         start=date(2023, 4, 1), end=date(2024, 3, 31), sex_header=True)
    wb = load_workbook(path)
    ws = wb["List 1"]
    ws.title = "list1 - contacts"
    ws["A1"] = "  CHILD unique id "
    ws.cell(row=2, column=6).value = "01/11/2023"  # a text date instead of an Excel date
    wb.save(path)
    home = tmp_path / "home"
    outcome = _ingest(home, path)
    assert outcome.row_counts["ssd_contacts"] == 2
    with Warehouse(home / "warehouse.duckdb") as wh:
        contacts = wh.con.execute(
            "SELECT cont_contact_date, _source_file FROM ssd_contacts ORDER BY 1").fetchall()
        sexes = dict(wh.con.execute("SELECT pers_person_id, pers_sex FROM ssd_person").fetchall())
    assert contacts[1][0] == date(2023, 11, 1) and contacts[1][1].endswith("#List 1")
    assert sexes["C1"] == "F"
