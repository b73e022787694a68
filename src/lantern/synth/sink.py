"""Collects rows per canonical table and builds Arrow tables with the exact schema."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import pyarrow as pa

from lantern.model import tables


class Ids:
    """Sequential string ids per prefix ("CP000123"): unique and stable for a seed."""

    def __init__(self) -> None:
        self.counters: dict[str, int] = defaultdict(int)

    def next(self, prefix: str) -> str:
        self.counters[prefix] += 1
        return f"{prefix}{self.counters[prefix]:06d}"


class Sink:
    """Row store: `add("ssd_cp_plans", cppl_cp_plan_id=..., ...)`; unknown columns fail."""

    def __init__(self, end: date) -> None:
        self.end = end
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in tables()}
        self.columns = {name: set(t.column_names) for name, t in tables().items()}

    def add(self, table: str, **values: Any) -> None:
        unknown = values.keys() - self.columns[table]
        if unknown:
            raise KeyError(f"{table} has no columns {sorted(unknown)}")
        self.rows[table].append(values)

    def clip(self, d: date | None) -> date | None:
        """Dates after the simulation end are not known yet: record them as missing."""
        return d if d is not None and d <= self.end else None

    def count(self) -> int:
        return sum(len(r) for r in self.rows.values())

    def tables(self) -> dict[str, pa.Table]:
        out: dict[str, pa.Table] = {}
        for name, spec in tables().items():
            rows = self.rows[name]
            data = {c: [r.get(c) for r in rows] for c in spec.column_names}
            out[name] = pa.Table.from_pydict(data, schema=spec.arrow_schema())
        return out
