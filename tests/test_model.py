"""The canonical model is declared once and consistent with itself and the SSD."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import duckdb
import pytest
import yaml

from lantern.model import code_sets, table, tables

REPO = Path(__file__).resolve().parents[1]
SSD = REPO.parent / "shared" / "reference" / "ssd"


def test_every_table_has_a_primary_key() -> None:
    for t in tables().values():
        assert t.primary_key, t.name


def test_code_set_references_exist() -> None:
    sets = code_sets()
    for t in tables().values():
        for c in t.columns:
            if c.codes:
                assert c.codes in sets, f"{t.name}.{c.name} -> {c.codes}"


def test_foreign_keys_resolve() -> None:
    for t in tables().values():
        for c in t.columns:
            if c.foreign_key and c.foreign_key.split(".")[0] in tables():
                target_table, target_col = c.foreign_key.split(".")
                assert target_col in table(target_table).column_names, c.foreign_key


def test_issue_tables_present() -> None:
    required = [
        "person", "contacts", "early_help_episodes", "cin_episodes", "cin_assessments",
        "assessment_factors", "cin_plans", "cin_visits", "s47_enquiry",
        "initial_cp_conference", "cp_plans", "cp_reviews", "cp_visits", "cla_episodes",
        "cla_placement", "legal_status", "cla_reviews", "cla_visits", "cla_health", "missing",
        "care_leavers", "permanence", "involvements", "professionals", "department",
    ]
    for name in required:
        assert f"ssd_{name}" in tables()


def test_local_extensions_are_marked() -> None:
    assert table("ssd_missing").column("miss_rhi_completed_date").local
    assert not table("ssd_missing").column("miss_missing_episode_start_date").local
    assert table("lantern_pep_reviews").local
    assert not table("ssd_cp_plans").local


def test_ddl_runs_on_duckdb() -> None:
    con = duckdb.connect()
    for t in tables().values():
        con.execute(t.ddl())
        cols = [r[0] for r in con.execute(f"DESCRIBE {t.name}").fetchall()]
        assert cols == [*t.column_names, "_source_file", "_source_row"]


def test_arrow_schema_matches_columns() -> None:
    t = table("ssd_cp_plans")
    schema = t.arrow_schema()
    assert schema.names == t.column_names
    assert str(schema.field("cppl_cp_plan_start_date").type) == "date32[day]"


@pytest.mark.skipif(not SSD.exists(), reason="shared/reference/ssd not beside the repo")
def test_model_is_derived_from_the_ssd() -> None:
    """tables.yml is exactly what scripts/derive_model.py makes from the SSD objects."""
    spec = importlib.util.spec_from_file_location("derive", REPO / "scripts/derive_model.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    derived = module.derive(SSD)
    committed = yaml.safe_load((REPO / "src/lantern/model/tables.yml").read_text())
    assert derived == committed


def test_data_dictionary_page_is_generated_from_the_model() -> None:
    from lantern.model.docs import render_data_dictionary

    page = (REPO / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert page == render_data_dictionary()
    assert "| `miss_rhi_completed_date` | date |" in page and "**local**" in page
