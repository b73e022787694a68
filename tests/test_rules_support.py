"""Shared helpers for the validation rule tests: build tables, run one rule."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lantern.formats.ssda903 import SSDA903_COLUMNS
from lantern.ingest.rules import RULES
from lantern.ingest.rules.cin.tables import CIN_TABLES
from lantern.ingest.rules.engine import run
from lantern.ingest.source import Format, Problem, SourceTable

Rows = dict[str, list[dict[str, Any]]]


@dataclass
class Case:
    rule_id: str
    why: str
    bad: Rows
    good: Rows
    year: int = 2025
    extra: dict[str, Any] = field(default_factory=dict)


def tables_of(fmt: Format, rows: Rows, year: int,
              drop_columns: dict[str, list[str]] | None = None) -> list[SourceTable]:
    out = []
    for name, rs in rows.items():
        base, last = (name[:-5], True) if name.endswith("_last") else (name, False)
        if fmt == "ssda903":
            cols = list(SSDA903_COLUMNS.get(base, []))
        else:
            lay = CIN_TABLES[base]
            cols = [*lay.fields, *lay.keys]
        for r in rs:
            cols += [k for k in r if k not in cols]
        cols = [c for c in cols if c not in (drop_columns or {}).get(name, [])]
        clean = [{c: (None if r.get(c) is None else str(r.get(c))) for c in cols} for r in rs]
        out.append(SourceTable(fmt, base, Path(f"{base.lower()}.csv"), cols, clean,
                               [f"row {i + 2}" for i in range(len(rs))],
                               year - 1 if last else year))
    return out


def problems(fmt: Format, rule_id: str, rows: Rows, year: int,
             drop_columns: dict[str, list[str]] | None = None) -> list[Problem]:
    tables = tables_of(fmt, rows, year, drop_columns)
    return [p for p in run(tables, [RULES[rule_id]]) if p.rule_id == rule_id]


def check_case(fmt: Format, case: Case) -> None:
    bad = problems(fmt, case.rule_id, case.bad, case.year, case.extra.get("drop_columns"))
    assert bad, f"{case.rule_id} should fail: {case.why}"
    for p in bad:
        assert p.severity == RULES[case.rule_id].severity
        assert "could not be checked" not in p.message, p.message
    good = problems(fmt, case.rule_id, case.good, case.year)
    assert not good, f"{case.rule_id} should pass: {[g.one_line() for g in good]}"
