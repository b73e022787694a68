"""An authority report is reused within a process only while the warehouse file is
unchanged: a load (a write) makes the next build compute afresh; an in-memory database
(the web's copy) is never cached."""

from __future__ import annotations

from pathlib import Path

import duckdb

from lantern.reports import editions
from lantern.warehouse.meta import Authority
from tests.test_report_render import sample_report


def test_reused_until_the_warehouse_changes(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t (x INTEGER)")
    con.close()
    built: list[str] = []

    def fake_build(con, month, **kw):  # type: ignore[no-untyped-def]
        built.append(month)
        return sample_report()

    monkeypatch.setattr(editions, "build_report", fake_build)
    monkeypatch.setattr(editions, "_BUILT", {})
    authority = Authority(la_code="880", la_name="Demo", process_changes=[("2024-03", "x")])
    ro = duckdb.connect(str(path), read_only=True)
    first = editions.build_edition(ro, "2023-10", authority)
    assert editions.build_edition(ro, "2023-10", authority) is first
    ro.close()
    assert built == ["2023-10"]
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO t VALUES (1)")
    con.close()
    ro = duckdb.connect(str(path), read_only=True)
    editions.build_edition(ro, "2023-10", authority)
    ro.close()
    assert built == ["2023-10", "2023-10"]
    memory = duckdb.connect(":memory:")
    editions.build_edition(memory, "2023-10", authority)
    editions.build_edition(memory, "2023-10", authority)
    assert len(built) == 4


def test_audit_figures_for_the_board_suppress_small_counts() -> None:
    from lantern.reports.board_sources import _audit_figure

    assert _audit_figure({"value": 60.0, "numerator": 6, "denominator": 10}) == (
        "60.0% (6 of 10)")
    assert _audit_figure({"value": 75.0, "numerator": 3, "denominator": 4}) == (
        "withheld of withheld")
    assert _audit_figure({"value": 25.0, "numerator": 3, "denominator": 12}) == (
        "withheld of 12")
    assert _audit_figure({"value": 0.0, "numerator": 0, "denominator": 12}) == "0.0% (0 of 12)"
    assert _audit_figure({"value": None, "numerator": 0, "denominator": 0}) == (
        "none this quarter")
