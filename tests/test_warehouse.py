"""Loads of an SSD extract are all-or-nothing, idempotent and archived with SHA-256.

The extract goes through the same path as any council's files: `ingest_paths`
(read, validate, archive, one transaction).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import duckdb

from lantern.config import Settings
from lantern.formats.ssd_csv import write_extract
from lantern.ingest.pipeline import IngestOutcome, ingest_paths
from lantern.measures.summary import year_ends
from lantern.warehouse import Warehouse
from tests.datasets import make_dataset


def small_extract(tmp_path: Path) -> Path:
    data = make_dataset(
        {
            "ssd_person": [
                {"pers_person_id": "C1", "pers_sex": "F", "pers_dob": date(2015, 2, 28)},
                {"pers_person_id": "C2", "pers_sex": "M", "pers_dob": date(2012, 6, 1),
                 "pers_forename": "O'Neil, Jr"},
            ],
            "ssd_cin_episodes": [
                {"cine_referral_id": "R1", "cine_person_id": "C1",
                 "cine_referral_date": date(2023, 1, 10), "cine_referral_nfa": "N"},
                {"cine_referral_id": "R2", "cine_person_id": "C2",
                 "cine_referral_date": date(2024, 4, 2), "cine_referral_nfa": "N"},
            ],
            "ssd_cp_plans": [
                # open on 31 March 2023 and 2024; an end on the date is still open that day
                {"cppl_cp_plan_id": "P1", "cppl_person_id": "C1",
                 "cppl_cp_plan_start_date": date(2023, 2, 1),
                 "cppl_cp_plan_end_date": date(2024, 3, 31)},
            ],
            "ssd_cla_episodes": [
                {"clae_cla_episode_id": "E1", "clae_person_id": "C2",
                 "clae_cla_episode_start_date": date(2023, 3, 31), "clae_legal_status": "C2"},
                # short breaks (V3) are not looked after for the count
                {"clae_cla_episode_id": "E2", "clae_person_id": "C1",
                 "clae_cla_episode_start_date": date(2023, 3, 1), "clae_legal_status": "V3"},
            ],
        }
    )
    out = tmp_path / "extract"
    write_extract(data, out)
    return out


def load(extract: Path, home: Path) -> IngestOutcome:
    return ingest_paths([extract], settings=Settings(home=home), la="880")


def counts(home: Path) -> dict[str, int]:
    with Warehouse(home / "warehouse.duckdb", read_only=True) as wh:
        return wh.row_counts()


def test_load_counts_lineage_and_summary(tmp_path: Path) -> None:
    home = tmp_path / "home"
    outcome = load(small_extract(tmp_path), home)
    assert outcome.loaded and outcome.changed
    assert outcome.row_counts["ssd_person"] == 2
    assert outcome.row_counts["ssd_cp_plans"] == 1
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    name, source, row = con.execute(
        "SELECT pers_forename, _source_file, _source_row FROM ssd_person "
        "WHERE pers_person_id = 'C2'"
    ).fetchone()  # type: ignore[misc]
    assert name == "O'Neil, Jr"  # a quoted comma and an apostrophe survive
    assert source.endswith("ssd_person.csv") and row == 3  # header is row 1
    ends = {y.date: (y.cp_plans, y.looked_after)
            for y in year_ends(con, date(2023, 1, 1), date(2024, 12, 31), la_code="880")}
    assert ends == {date(2023, 3, 31): (1, 1), date(2024, 3, 31): (1, 1)}
    con.close()


def test_reload_is_idempotent(tmp_path: Path) -> None:
    extract, home = small_extract(tmp_path), tmp_path / "home"
    first = load(extract, home)
    second = load(extract, home)
    assert not second.changed
    assert second.load_id == first.load_id
    with Warehouse(home / "warehouse.duckdb", read_only=True) as wh:
        assert len(wh.loads()) == 1
    assert counts(home)["ssd_person"] == 2


def test_archive_keeps_every_file_with_its_sha256(tmp_path: Path) -> None:
    extract, home = small_extract(tmp_path), tmp_path / "home"
    load(extract, home)
    manifest = [
        json.loads(line)
        for line in (home / "archive" / "manifest.jsonl").read_text().splitlines()
    ]
    assert len(manifest) == len(list(extract.glob("*.csv")))
    for entry in manifest:
        archived = Path(entry["archived"])
        assert hashlib.sha256(archived.read_bytes()).hexdigest() == entry["sha256"]


def test_bad_value_refuses_the_whole_load(tmp_path: Path) -> None:
    extract, home = small_extract(tmp_path), tmp_path / "home"
    load(extract, home)
    plans = extract / "ssd_cp_plans.csv"
    plans.write_text(plans.read_text().replace("2023-02-01", "31/02/2024"))
    people = extract / "ssd_person.csv"
    people.write_text(people.read_text() + "C3" + "," * 15 + "\n")
    outcome = load(extract, home)
    assert not outcome.loaded
    assert any("ssd_cp_plans.csv" in p.file and p.value == "31/02/2024"
               for p in outcome.validation.problems)
    # nothing changed: the person added in the same load is not there either
    assert counts(home)["ssd_person"] == 2
    with Warehouse(home / "warehouse.duckdb", read_only=True) as wh:
        assert len(wh.loads()) == 1


def test_wrong_header_names_file_and_columns(tmp_path: Path) -> None:
    extract = small_extract(tmp_path)
    path = extract / "ssd_cp_plans.csv"
    path.write_text(path.read_text().replace("cppl_cp_plan_start_date", "start"))
    outcome = load(extract, tmp_path / "home")
    assert not outcome.loaded
    message = " ".join(p.one_line() for p in outcome.validation.problems)
    assert "ssd_cp_plans.csv" in message
    assert "cppl_cp_plan_start_date" in message


def test_unknown_file_named_directly_is_refused(tmp_path: Path) -> None:
    notes = tmp_path / "notes.csv"
    notes.write_text("a,b\n1,2\n")
    outcome = load(notes, tmp_path / "home")
    assert not outcome.loaded
    assert any("notes.csv" in p.file for p in outcome.validation.problems)
