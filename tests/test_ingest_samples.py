"""Every public sample file (each with deliberate errors) gives a clear report and loads nothing."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from lantern.ingest.pipeline import ingest_paths
from tests.ingest_fixtures import settings

SAMPLES = Path("/work/shared/reference/samples")
FILES = sorted(p for p in SAMPLES.rglob("*") if p.is_file()) if SAMPLES.exists() else []


@pytest.mark.skipif(not FILES, reason="public samples not available")
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_sample_file_is_refused_with_a_clear_report(tmp_path: Path, path: Path) -> None:
    outcome = ingest_paths([path], settings=settings(tmp_path), year=2025)
    v = outcome.validation
    assert not outcome.loaded and outcome.exit_code == 1
    assert v.errors > 0 and v.counts_by_rule()
    first = v.problems[0]
    assert first.file.endswith(path.name) and first.rule_id and first.message
    assert all(p.locator for p in v.problems)
    assert all(line.startswith(str(path)) for line in v.first_problems())
    assert v.report_csv is not None and v.report_html is not None
    with v.report_csv.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(v.problems)
    assert set(rows[0]) >= {"file", "locator", "field", "value", "rule_id", "message", "expected"}
    assert "<table>" in v.report_html.read_text(encoding="utf-8")
    assert not (tmp_path / "warehouse.duckdb").exists()


@pytest.mark.skipif(not FILES, reason="public samples not available")
def test_sample_folders_together_load_nothing(tmp_path: Path) -> None:
    outcome = ingest_paths([SAMPLES], settings=settings(tmp_path), year=2025)
    assert not outcome.loaded and outcome.validation.errors > 100
    assert any("rule_info" in s for s in outcome.validation.skipped)
