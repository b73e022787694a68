"""The command line: the README's commands work end to end and fail with one clear line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from lantern.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "authority"
    result = runner.invoke(
        app,
        ["generate", "--out", str(out), "--children", "3000", "--start", "2022-04",
         "--end", "2024-03", "--seed", "7"],
    )
    assert result.exit_code == 0, result.output
    return out


def test_generate_writes_every_format(generated: Path) -> None:
    assert (generated / "ssd" / "ssd_person.csv").exists()
    assert sorted(p.name for p in (generated / "cin_census").glob("*.xml")) == [
        "CIN_Census_2023.xml", "CIN_Census_2024.xml"]
    assert (generated / "ssda903" / "2024" / "episodes.csv").exists()
    assert list((generated / "annex_a").glob("*.xlsx"))


def test_ingest_then_reingest_is_idempotent(loaded: Loaded, tmp_path: Path,
                                            generated: Path) -> None:
    first = loaded.first_ingest
    assert first.exit_code == 0, first.output
    assert "Loaded" in first.output
    assert "Assurance stored for" in first.output  # every month, once, after the load
    assert "Deep dives for 2024-0" in first.output  # a load stores its triggers
    # Re-ingest into a copy of the loaded home, so the other tests' home stays as the
    # first ingest left it.
    home = tmp_path / "home"
    shutil.copytree(loaded.home, home)
    env = {"LANTERN_HOME": str(home)}
    second = runner.invoke(app, ["ingest", str(generated / "ssd")], env=env)
    assert second.exit_code == 0
    assert "Already loaded (no change)" in second.output
    assert "Assurance stored" not in second.output  # nothing changed: nothing recomputed
    history = runner.invoke(app, ["loads"], env=env)
    assert history.exit_code == 0 and "ssd" in history.output and "880" in history.output


def test_ingest_error_is_one_line_and_loads_nothing(tmp_path: Path) -> None:
    env = {"LANTERN_HOME": str(tmp_path / "home")}
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "ssd_person.csv").write_text("pers_person_id,oops\nC1,x\n")
    result = runner.invoke(app, ["ingest", str(bad)], env=env)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "ssd_person.csv" in result.output and "nothing was loaded" in result.output


def test_bad_month_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["generate", "--out", str(tmp_path), "--start", "March"])
    assert result.exit_code == 2
    assert "YYYY-MM" in result.output


def test_installed_entry_point_runs() -> None:
    exe = Path(sys.executable).parent / "lantern"
    result = subprocess.run([str(exe), "--help"], capture_output=True, text=True,
                            env={**os.environ, "COLUMNS": "120"}, check=False)
    assert result.returncode == 0
    assert "demo" in result.stdout and "generate" in result.stdout


@dataclass(frozen=True)
class Loaded:
    """A home with the generated SSD extract loaded, and what that ingest printed."""

    home: Path
    first_ingest: Result

    @property
    def env(self) -> dict[str, str]:
        return {"LANTERN_HOME": str(self.home)}


@pytest.fixture(scope="module")
def loaded_home(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    """One full ingest (load, assurance store, deep-dive sync) serves the module: the
    idempotency test checks its output, the others read the home it made."""
    home = tmp_path_factory.mktemp("loaded") / "home"
    first = runner.invoke(app, ["ingest", str(generated / "ssd"), "--la", "880"],
                          env={"LANTERN_HOME": str(home)})
    return Loaded(home, first)


@pytest.fixture
def loaded(loaded_home: Loaded) -> Loaded:
    assert loaded_home.first_ingest.exit_code == 0, loaded_home.first_ingest.output
    return loaded_home


def test_population_setting_overrides_the_recorded_one(loaded: Loaded) -> None:
    """LANTERN_POPULATION gives the rates per 10,000 their denominator: halving it
    doubles each rate over the same children."""
    import json

    env = loaded.env

    def rate(population: int) -> dict[str, object]:
        got = runner.invoke(app, ["kpis", "--month", "2024-01", "--format", "json"],
                            env={**env, "LANTERN_POPULATION": str(population)})
        assert got.exit_code == 0, got.output
        return next(r for r in json.loads(got.output)
                    if r["kpi_id"] == "cp_rate_per_10k" and r["breakdown"] == "authority")

    wide, narrow = rate(40_000), rate(20_000)
    assert wide["numerator"] == narrow["numerator"] and int(str(wide["numerator"])) > 0
    assert (wide["denominator"], narrow["denominator"]) == (40_000, 20_000)
    assert narrow["value"] == pytest.approx(2 * float(str(wide["value"])))


def test_children_logs_each_child_it_prints(loaded: Loaded) -> None:
    """`lantern children` shows children's identities: one access-log entry per child
    printed, under the operator's login, as `export` and the web app write."""
    import json
    import sqlite3

    args = ["children", "icpc_15wd_pct", "--month", "2024-01", "--period", "rolling_12m"]
    got = runner.invoke(app, [*args, "--format", "json"], env=loaded.env)
    assert got.exit_code == 0, got.output
    printed = {str(r["child_id"]) for r in json.loads(got.output)}
    assert printed
    con = sqlite3.connect(loaded.home / "app.sqlite")
    try:
        rows = con.execute("SELECT child_id, action, username, role, detail FROM access_log "
                           "ORDER BY id").fetchall()
    finally:
        con.close()
    assert {r[0] for r in rows} == printed and len(rows) == len(printed)
    assert {(r[1], r[2].startswith("cli:"), r[3]) for r in rows} == {
        ("view_children_list", True, "command_line")}
    assert rows[0][4] == "icpc_15wd_pct 2024-01 rolling_12m authority=all"
    assert runner.invoke(app, ["audit", "verify"], env=loaded.env).exit_code == 0


def test_export_writes_the_returns_and_logs_each_child(generated: Path, tmp_path: Path) -> None:
    import sqlite3
    import xml.etree.ElementTree as ET

    home = tmp_path / "home"
    env = {"LANTERN_HOME": str(home)}
    loaded = runner.invoke(app, ["ingest", str(generated / "cin_census"),
                                 str(generated / "ssda903")], env=env)
    assert loaded.exit_code == 0, loaded.output
    out = tmp_path / "export"
    got = runner.invoke(app, ["export", "--out", str(out), "--year", "2024",
                              "--annex-a-from", "2023-10-01", "--annex-a-to", "2024-03-31",
                              "--la", "880"], env=env)
    assert got.exit_code == 0, got.output
    census = out / "cin_census" / "CIN_Census_2024.xml"
    assert census.exists() and not (out / "cin_census" / "CIN_Census_2023.xml").exists()
    assert (out / "ssda903" / "2024" / "header.csv").exists()
    assert (out / "annex_a" / "Annex_A_2024-03.xlsx").exists()
    # One access-log entry per child named in the files: here, every child in the
    # census is one of them.
    in_census = {e.text for e in ET.parse(census).getroot().iter()
                 if e.tag.endswith("LAchildID")}
    con = sqlite3.connect(home / "app.sqlite")
    try:
        logged = {r[0] for r in con.execute(
            "SELECT child_id FROM access_log WHERE action = 'export_returns'")}
        count = con.execute("SELECT count(*) FROM access_log").fetchone()[0]
    finally:
        con.close()
    assert in_census and in_census <= logged and count == len(logged)
    assert runner.invoke(app, ["audit", "verify"], env=env).exit_code == 0
    bad = runner.invoke(app, ["export", "--out", str(out), "--annex-a-to", "31/03/2024"],
                        env=env)
    assert bad.exit_code == 2 and "Traceback" not in bad.output
    assert "--annex-a-to '31/03/2024': expected a date" in bad.output


def test_children_shows_nobody_when_the_access_log_cannot_be_written(
        loaded: Loaded, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")  # so no database can be made under it
    env = {**loaded.env, "LANTERN_DATABASE_URL": f"sqlite:///{tmp_path}/a-file/app.sqlite"}
    got = runner.invoke(app, ["children", "icpc_15wd_pct", "--month", "2024-01",
                              "--format", "json"], env=env)
    assert got.exit_code == 1 and "Traceback" not in got.output
    assert "could not write the access log" in got.output and "P0" not in got.output


def test_a_misspelt_status_wording_is_one_line(tmp_path: Path) -> None:
    got = runner.invoke(app, ["loads"], env={"LANTERN_HOME": str(tmp_path),
                                             "LANTERN_STATUS_WORDS": "2010"})
    assert got.exit_code == 2 and "Traceback" not in got.output
    assert "LANTERN_STATUS_WORDS='2010': expected one of plain, 2011" in got.output
