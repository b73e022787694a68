"""Lantern's own statutory files pass Lantern's own validation.

A small synthetic authority is simulated, its CIN census, SSDA903 and Annex A files
written, and the lot validated as an LA's return would be: no error-severity problem
may remain (warnings and queries are observations about the data, not faults).
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from lantern.formats.cin_census import validate_cin_xml
from lantern.formats.ssda903 import FILE_NAMES, SSDA903_COLUMNS
from lantern.ingest.pipeline import validate_paths
from lantern.synth import load_scenario, simulate
from lantern.synth.files import write_all

START, END = date(2021, 4, 1), date(2024, 3, 31)

# Errors that come from implausible synthetic data the writers cannot legitimately
# repair (they would have to invent a fact), pending the generator fixes listed here.
# Remove an entry as soon as the generator no longer produces it.
PENDING_SYNTH: dict[str, str] = {
}


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out: Path = tmp_path_factory.mktemp("authority")
    scenario = load_scenario("torbay").scaled(children=4000)
    data = simulate(scenario, seed=3, start=START, end=END)
    write_all(data, out, la_code=scenario.la_code, start=START, end=END)
    return out


@pytest.fixture(scope="module")
def outcome(written: Path):  # type: ignore[no-untyped-def]
    return validate_paths([written / "cin_census", written / "ssda903", written / "annex_a"],
                          write=False)


def test_generated_cin_census_validates_against_the_xsd(written: Path) -> None:
    files = sorted((written / "cin_census").glob("CIN_Census_*.xml"))
    assert [f.name for f in files] == ["CIN_Census_2022.xml", "CIN_Census_2023.xml",
                                       "CIN_Census_2024.xml"]
    for path in files:
        year = int(path.stem.rsplit("_", 1)[1])
        assert validate_cin_xml(path, year) == [], path.name


def test_generated_ssda903_has_the_statutory_columns(written: Path) -> None:
    for year in (2022, 2023, 2024):
        folder = written / "ssda903" / str(year)
        for table, columns in SSDA903_COLUMNS.items():
            path = folder / FILE_NAMES[table]
            with path.open(newline="", encoding="utf-8") as fh:
                assert next(csv.reader(fh)) == columns, path


def test_generated_annex_a_has_eleven_lists(written: Path) -> None:
    from openpyxl import load_workbook

    book = load_workbook(next((written / "annex_a").glob("*.xlsx")), read_only=True)
    assert len(book.sheetnames) == 11


def _errors_by_rule(outcome) -> Counter[str]:  # type: ignore[no-untyped-def]
    return Counter(p.rule_id for p in outcome.problems if p.severity == "error")


def test_generated_files_have_no_errors(outcome) -> None:  # type: ignore[no-untyped-def]
    assert outcome.files, "nothing was written or read"
    errors = _errors_by_rule(outcome)
    unexpected = {r: n for r, n in errors.items() if r not in PENDING_SYNTH}
    first = [p.one_line() for p in outcome.problems
             if p.severity == "error" and p.rule_id in unexpected][:5]
    assert not unexpected, (f"errors by rule: {dict(errors.most_common())}; "
                            f"all problems by rule: {outcome.counts_by_rule()}; first: {first}")


def test_every_format_was_validated(outcome) -> None:  # type: ignore[no-untyped-def]
    assert {f.format for f in outcome.files} >= {"cin", "ssda903", "annex_a"}


def test_generated_local_tables_pass_their_own_rules(written: Path, tmp_path: Path) -> None:
    """Every local table is written under a person's file name, recognised by its
    header, and passes the local rules against the extract's people and teams."""
    from lantern.config import Settings
    from lantern.formats.local_csv import local_tables

    got = validate_paths([written / "ssd", written / "local"],
                         settings=Settings(home=tmp_path), write=False)
    assert [p.one_line() for p in got.problems if p.severity == "error"] == []
    local = {f.kind: f.rows for f in got.files if f.path.parent.name == "local"}
    assert sorted(local) == sorted(local_tables())
    assert all(n > 0 for n in local.values()), local
