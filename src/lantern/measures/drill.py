"""Drill-down: the children and events behind one figure, and why each counts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import ibis
import pyarrow as pa

from lantern.measures.catalogue import get
from lantern.measures.core import BREAKDOWNS, Ctx, window_start
from lantern.measures.engine import (
    _to_month_end,
    as_backend,
    availability,
    enrich,
    merged_params,
    table_counts,
)

COLUMNS = ("child_id", "event_id", "event_date", "in_numerator", "measure", "reason",
           "date_1_label", "date_1", "date_2_label", "date_2", "service", "team", "worker",
           "age_band", "sex", "ethnicity", "disability")


def children(
    con: Any,
    kpi_id: str,
    month: date | str,
    *,
    period: str | None = None,
    breakdown: str = "authority",
    breakdown_value: str | None = None,
    params: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """The denominator rows of ``kpi_id`` for ``month`` (headline period by default),
    optionally for one breakdown value. Its length is the denominator of a percentage
    or mean, and the figure of a count (for a rate, the count before scaling).
    An indicator that is not available gives an empty list."""
    ind = get(kpi_id)
    period = period or ind.headline_period
    if period not in ind.all_periods:
        raise ValueError(f"{kpi_id} has periods {ind.all_periods}, not {period!r}")
    if breakdown not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {breakdown!r}")
    backend = as_backend(con)
    if availability(ind, table_counts(backend, ind.tables), 1) is not None:
        return []
    me = _to_month_end(month)
    ctx = Ctx.create(backend, [me])
    rows = ind.rows(ctx, merged_params(ind, params))
    if ind.kind in ("flow", "rolling_36m"):
        rows = rows.filter((rows.event_date >= window_start(me, period))
                           & (rows.event_date <= me))
    else:
        rows = rows.filter((rows.window_end == me) & (rows.period == period))
    arrow = backend.to_pyarrow(rows)
    arrow = arrow.append_column("_rk", pa.array(range(arrow.num_rows), pa.int64()))
    enriched = enrich(ctx, ibis.memtable(arrow))
    if breakdown != "authority":
        if breakdown_value is None:
            raise ValueError("breakdown_value is required for a breakdown other than authority")
        enriched = enriched.filter(enriched[breakdown] == breakdown_value)
    out = backend.to_pyarrow(enriched.select(*COLUMNS)).to_pylist()
    out.sort(key=lambda r: (not r["in_numerator"], str(r["child_id"]), str(r["event_id"]),
                            r["event_date"] or date.min))
    return out
