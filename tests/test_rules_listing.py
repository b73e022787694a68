"""`lantern rules`: every DfE code of the published lists, for its years, and honest status.

The reference lists in tests/assets/dfe_rule_codes/ are DfE's rule codes per collection
year (2022-23 to 2025-26, and SSDA903 2026-27), one code a line, as transcribed from the
DfE validation specifications by Data to Insight's validators (MIT).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lantern.cli import app
from lantern.ingest.rules import RULES
from tests import test_rules_cin, test_rules_ssda903, test_rules_ssda903_more

LISTS = Path(__file__).parent / "assets" / "dfe_rule_codes"
runner = CliRunner()
CASES = ({c.rule_id for c in test_rules_ssda903.CASES}
         | {c.rule_id for c in test_rules_ssda903_more.CASES}
         | {c.rule_id for c in test_rules_cin.CASES})


def _reference() -> dict[tuple[str, int], set[str]]:
    out = {}
    for path in sorted(LISTS.glob("*.txt")):
        collection, first, _ = path.stem.split("_")
        codes = {line.strip() for line in path.read_text().splitlines() if line.strip()}
        out[(collection, int(first) + 1)] = codes
    return out


REFERENCE = _reference()


def _rules_json(*args: str) -> list[dict[str, object]]:
    result = runner.invoke(app, ["rules", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return list(json.loads(result.stdout))


def test_the_reference_lists_cover_2022_23_to_2025_26() -> None:
    for collection in ("cin", "ssda903"):
        for year in (2023, 2024, 2025, 2026):
            assert len(REFERENCE[(collection, year)]) > 100, (collection, year)


@pytest.mark.parametrize(("collection", "year"), sorted(REFERENCE))
def test_every_published_code_is_listed_for_its_year(collection: str, year: int) -> None:
    listed = _rules_json("--year", str(year), "--collection", collection)
    codes = {str(e["dfe_code"]) for e in listed if e["dfe_code"]}
    assert codes == REFERENCE[(collection, year)]
    for e in listed:
        assert set(e) == {"id", "dfe_code", "collection", "severity", "years", "message",
                          "status"}
        assert e["collection"] == collection and year in e["years"]  # type: ignore[operator]
        assert e["status"] in ("implemented", "not implemented")


def test_implemented_only_with_a_failing_and_a_passing_case() -> None:
    listed = _rules_json()
    implemented = {str(e["id"]) for e in listed if e["status"] == "implemented"}
    assert implemented == {i for i, r in RULES.items() if r.format in ("cin", "ssda903")}
    assert implemented <= CASES
    not_done = [e for e in listed if e["status"] == "not implemented"]
    assert not_done and all(e["id"] not in RULES for e in not_done)


def test_severity_follows_the_published_code() -> None:
    for e in _rules_json():
        if e["dfe_code"]:
            want = "query" if str(e["dfe_code"]).endswith("Q") else "error"
            if str(e["message"]).upper().startswith("WARNING"):
                want = "warning"  # DfE words SSDA903 EPI as a warning
            assert e["severity"] == want, e["id"]


def test_deleted_rule_stops_at_its_last_year() -> None:
    # DfE deleted 445 (freeing orders) from 2024-25
    [rule] = [e for e in _rules_json("--collection", "ssda903") if e["dfe_code"] == "445"]
    assert rule["years"] == [2023, 2024] and rule["status"] == "implemented"


def test_table_and_markdown_name_the_status() -> None:
    table = runner.invoke(app, ["rules", "--year", "2025", "--collection", "cin"],
                          env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "DfE rules implemented" in table.stdout
    listed = json.loads(runner.invoke(app, ["rules", "--year", "2025", "--collection", "cin",
                                            "--format", "json"]).stdout)
    assert {r["status"] for r in listed} == {"implemented"}  # every CIN code (issue #19)
    every = json.loads(runner.invoke(app, ["rules", "--format", "json"]).stdout)
    assert {r["status"] for r in every} <= {"implemented", "not implemented"}
    md = runner.invoke(app, ["rules", "--format", "md", "--collection", "cin"])
    assert md.stdout.startswith("| id | DfE code | collection | severity | years |")
    assert "| `cin:8750` | 8750 | cin | error | 2022-23 to 2025-26 |" in md.stdout


@pytest.mark.parametrize("args", [["--format", "xml"], ["--collection", "annex_a"],
                                  ["--year", "2019"], ["--collection", "cin", "--year", "2027"]])
def test_bad_options_exit_2_with_one_line(args: list[str]) -> None:
    result = runner.invoke(app, ["rules", *args])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
