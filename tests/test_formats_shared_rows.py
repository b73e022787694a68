"""`formats._common.shared_rows`: converting each table once for every year's files
(as `synth.files.write_all` does) writes exactly the files converting it per writer did."""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from lantern.synth import files, load_scenario, simulate

START, END = date(2021, 4, 1), date(2024, 3, 31)


def _contents(root: Path) -> dict[str, object]:
    """Every file's content: text (the CIN header's generation time left out) or, for a
    workbook, its cell values sheet by sheet."""
    out: dict[str, object] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        key = str(path.relative_to(root))
        if path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path, read_only=True)
            out[key] = {s: list(book[s].iter_rows(values_only=True)) for s in book.sheetnames}
            book.close()
        else:
            out[key] = [line for line in path.read_text().splitlines()
                        if "<DateTime>" not in line]
    return out


def test_shared_rows_write_the_same_files(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = load_scenario("torbay").scaled(children=1500)
    data = simulate(scenario, seed=5, start=START, end=END)
    files.write_all(data, tmp_path / "shared", la_code=scenario.la_code, start=START, end=END)
    monkeypatch.setattr(files, "shared_rows", contextlib.nullcontext)
    files.write_all(data, tmp_path / "apart", la_code=scenario.la_code, start=START, end=END)
    shared, apart = _contents(tmp_path / "shared"), _contents(tmp_path / "apart")
    assert len(shared) > 30  # every format and year written
    assert any(k.startswith("cin_census/") for k in shared)
    assert shared == apart
