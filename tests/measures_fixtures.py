"""Hand-made warehouses for the indicator tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import duckdb
import ibis
import pyarrow as pa

from lantern.model import tables

Data = Mapping[str, Sequence[Mapping[str, Any]]]


def warehouse(data: Data) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with every canonical table; rows from ``data``, other
    columns NULL. Unknown tables or columns raise (typos must not pass silently)."""
    con = duckdb.connect()
    model = tables()
    for name in data:
        if name not in model:
            raise KeyError(f"no table {name}")
    for name, t in model.items():
        con.execute(t.ddl())
        rows = data.get(name, ())
        if not rows:
            continue
        for r in rows:
            bad = set(r) - set(t.column_names)
            if bad:
                raise KeyError(f"{name} has no columns {sorted(bad)}")
        schema = t.arrow_schema()
        arrow = pa.table({c: pa.array([r.get(c) for r in rows], schema.field(c).type)
                          for c in t.column_names})
        con.register("_incoming", arrow)
        cols = ", ".join(t.column_names)
        con.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM _incoming")
        con.unregister("_incoming")
    return con


def backend(data: Data) -> Any:
    return ibis.duckdb.from_connection(warehouse(data))


def d(s: str) -> date:
    return date.fromisoformat(s)


def figure(
    data: Data,
    kpi: str,
    month: str,
    period: str | None = None,
    *,
    breakdown: str = "authority",
    value: str | None = None,
    population: int | None = 10000,
) -> tuple[Any, Any, Any, str]:
    """(numerator, denominator, value, status) of one figure; also checks that the
    drill-down lists exactly the rows the figure counts."""
    from lantern.measures.catalogue import get
    from lantern.measures.drill import children
    from lantern.measures.engine import compute

    ind = get(kpi)
    period = period or ind.headline_period
    con = warehouse(data)
    rows = compute(con, [month], kpis=[kpi], breakdowns=(breakdown,), population=population,
                   la_code="LA")
    hits = [r for r in rows if r.period == period and r.breakdown == breakdown
            and (value is None or r.breakdown_value == value)]
    if not hits:
        return (None, None, None, "absent")
    r = hits[0]
    if r.status != "not_available":
        kids = children(con, kpi, month, period=period, breakdown=breakdown,
                        breakdown_value=value)
        counted = r.numerator if ind.unit in ("count", "rate") else r.denominator
        if ind.weighted:  # the rows' weights (FTE) add up to the denominator
            assert round(sum(k["weight"] for k in kids), 6) == r.denominator, (kids, r)
        else:
            assert len(kids) == counted, (kids, r)
        if ind.unit == "pct" and not ind.weighted:
            assert sum(k["in_numerator"] for k in kids) == r.numerator
    return (r.numerator, r.denominator, r.value, r.status)


def person(pid: str, dob: str = "2014-06-01", sex: str = "F", eth: str = "WBRI") -> dict:
    return {"pers_person_id": pid, "pers_dob": d(dob), "pers_sex": sex, "pers_ethnicity": eth}


def dates(row: dict) -> dict:
    """Turn ISO strings in a row into dates (columns ending in _date / _due / _birthday)."""
    out = {}
    for k, v in row.items():
        if isinstance(v, str) and len(v) == 10 and v[4] == "-" and v[7] == "-":
            out[k] = d(v)
        else:
            out[k] = v
    return out


def rows(table: str, *items: dict) -> dict[str, list[dict]]:
    return {table: [dates(i) for i in items]}


def merge(*parts: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, list]:
    out: dict[str, list] = {}
    for p in parts:
        for k, v in p.items():
            out.setdefault(k, []).extend(v)
    return out
