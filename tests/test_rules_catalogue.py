"""The validation rule catalogue as a whole: coverage of cases, docs, the public samples."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from lantern.formats.ssda903 import FILE_NAMES
from lantern.ingest.rules import RULES, render_rules_markdown, validate
from lantern.ingest.source import SourceTable
from tests import test_local_tables, test_rules_cin, test_rules_ssda903, test_rules_ssda903_more

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
SAMPLES = SHARED / "reference" / "samples" / "ssda903"
CASES = ({c.rule_id for c in test_rules_ssda903.CASES}
         | {c.rule_id for c in test_rules_ssda903_more.CASES}
         | {c.rule_id for c in test_rules_cin.CASES}
         | test_local_tables.CASES)


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_every_rule_has_a_hand_case(rule_id: str) -> None:
    assert rule_id in CASES, f"add a failing and a passing case for {rule_id}"


def test_rule_declarations_are_complete() -> None:
    for r in RULES.values():
        assert r.message and r.expected and r.fields and r.tables, r.id
        assert r.severity in ("error", "query", "warning")
        if r.id.startswith("lantern:"):
            assert r.severity == "warning" and r.dfe_code is None, r.id
        if r.dfe_code:
            assert r.id.endswith(r.dfe_code)
            want = "query" if r.dfe_code.upper().endswith("Q") else "error"
            assert r.severity == ("warning" if r.message.startswith("WARNING") else want)


def test_catalogue_size() -> None:
    dfe_903 = [r for r in RULES.values() if r.format == "ssda903" and r.dfe_code]
    dfe_cin = [r for r in RULES.values() if r.format == "cin" and r.dfe_code]
    assert len(dfe_903) >= 40 and len(dfe_cin) >= 20


def test_docs_are_generated_from_the_registry() -> None:
    committed = (REPO / "docs" / "validation-rules.md").read_text(encoding="utf-8")
    assert committed == render_rules_markdown(), "regenerate with: make docs"


def test_a_real_date_is_required_and_the_problem_says_so() -> None:
    header = SourceTable("ssda903", "Header", Path("header.csv"),
                         ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
                         [{"CHILD": "1", "SEX": "M", "DOB": "31/02/2024", "ETHNIC": "WBRI",
                           "UPN": "UN1", "MOTHER": None, "MC_DOB": None}], ["row 2"], 2025)
    [p] = [p for p in validate([header]) if p.field == "DOB"]
    assert (p.file, p.locator, p.value, p.rule_id) == ("header.csv", "row 2", "31/02/2024",
                                                       "903:102")
    assert p.expected == "a real date as dd/mm/yyyy, or blank"
    assert "31/02/2024" in p.one_line()


def _load_903(year: int) -> list[SourceTable]:
    tables = []
    for name, file_name in FILE_NAMES.items():
        path = SAMPLES / file_name
        if not path.exists():
            continue
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            rows = [{k: (v if v != "" else None) for k, v in row.items()} for row in reader]
            tables.append(SourceTable("ssda903", name, path, list(reader.fieldnames or []), rows,
                                      [f"row {i + 2}" for i in range(len(rows))], year))
    return tables


@pytest.mark.skipif(not SAMPLES.exists(), reason="shared/reference samples not beside the repo")
def test_public_903_samples_are_checked_without_crashing() -> None:
    problems = validate(_load_903(2024))
    assert problems
    crashed = [p for p in problems if "could not be checked" in p.message]
    assert not crashed, crashed[:3]
    for p in problems:
        assert p.file.endswith(".csv") and p.locator and p.field and p.rule_id in RULES
    by_rule = Counter(p.rule_id for p in problems)
    # the public fake data has known faults: an invalid SW_REASON and XXX reasons
    assert by_rule["903:SW13STG1"] >= 1 and by_rule["903:120"] >= 1
    bad = next(p for p in problems if p.rule_id == "903:120")
    assert bad.value == "XXX" and bad.locator.startswith("row ")


def test_cin_layout_is_the_one_the_reader_writes() -> None:
    from lantern.formats.cin_census import READ_TABLES
    from lantern.ingest.rules.cin.tables import CIN_TABLES

    assert set(READ_TABLES) == set(CIN_TABLES)
    for name, layout in CIN_TABLES.items():
        assert set(READ_TABLES[name][1]) == {*layout.fields, *layout.keys}, name


@pytest.mark.skipif(not (SHARED / "reference" / "samples" / "cin_census").exists(),
                    reason="shared/reference samples not beside the repo")
def test_public_cin_sample_is_checked_without_crashing() -> None:
    readers = pytest.importorskip("lantern.ingest.readers.cin")
    path = SHARED / "reference" / "samples" / "cin_census" / "CIN_Census_2024.xml"
    tables = list(readers.read_cin(path).tables)
    for t in tables:
        t.collection_year = t.collection_year or 2024
    problems = validate(tables)
    assert problems and not [p for p in problems if "could not be checked" in p.message]
    # the sample's assessment is authorised (2020) before it starts (2028)
    assert any(p.rule_id == "cin:8608" and p.locator.startswith(
        "/Message/Children/Child[") for p in problems)
