"""Build small canonical datasets by hand for tests."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from lantern.model import tables


def make_dataset(rows: dict[str, list[dict[str, Any]]]) -> dict[str, pa.Table]:
    """Every canonical table, with the given rows (other columns NULL) or empty."""
    out = {}
    for name, t in tables().items():
        given = rows.get(name, [])
        unknown = {k for r in given for k in r} - set(t.column_names)
        if unknown:
            raise KeyError(f"{name} has no columns {sorted(unknown)}")
        columns = {c: [r.get(c) for r in given] for c in t.column_names}
        out[name] = pa.table(columns, schema=t.arrow_schema())
    return out
