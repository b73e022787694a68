"""Drill-down: the children and events behind one figure, and why each counts.

Rows of indicators whose subject is not a child (`lantern.measures.subjects`) list
that subject instead: ``subject_id`` first, then the subject's detail columns (for a
worker: name, job title, caseload, FTE, agency, dates in post) and, last, the
attributes of its own record it is broken down by (a household's type); `columns` gives the
columns of an indicator's rows and `child_ids` the children among them (the ids to
access-log or to list as "the children behind" a figure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import ibis
import pyarrow as pa

from lantern.measures.catalogue import get
from lantern.measures.core import BREAKDOWNS, Ctx, Indicator, window_start
from lantern.measures.engine import (
    as_backend,
    availability,
    enrich,
    merged_params,
    table_counts,
)
from lantern.measures.subjects import RECORD_BREAKDOWNS, with_details
from lantern.months import Month

COLUMNS = ("child_id", "event_id", "event_date", "in_numerator", "measure", "reason",
           "date_1_label", "date_1", "date_2_label", "date_2", "service", "team", "worker",
           "age_band", "sex", "ethnicity", "disability")


def columns(kpi_id: str) -> tuple[str, ...]:
    """The columns of ``kpi_id``'s drill-down rows, in the order to show them."""
    return _columns(get(kpi_id))


def _columns(ind: Indicator) -> tuple[str, ...]:
    subject = ind.subject_info
    if subject.id == "child":
        return COLUMNS
    # A row shows the attributes its subject is broken down by and no others: a worker's
    # row has a team and service but no age or sex; a LADO referral has none of them
    # (not "unallocated", which reads as a child without a worker).
    # A household's or referral's own attributes (household type, employer sector, ...)
    # come last, as the breakdowns do.
    keep = [c for c in (*COLUMNS, *RECORD_BREAKDOWNS)
            if (c not in BREAKDOWNS or c in subject.breakdowns)
            and (c != "child_id" or subject.attributed_to == "child")]
    if ind.weighted:
        keep.insert(keep.index("measure") + 1, "weight")
    return ("subject_id", *subject.detail_columns, *keep)


def child_ids(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """The distinct children among drill-down rows (rows about workers, households or
    referrals without a child have none), sorted."""
    return sorted({str(r["child_id"]) for r in rows if r.get("child_id") is not None})


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
    or mean, and the figure of a count (for a rate, the count before scaling; for a
    weighted indicator the rows' weights sum to the denominator). An indicator that is
    not available gives an empty list."""
    if breakdown not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {breakdown!r}")
    if breakdown != "authority" and breakdown_value is None:
        raise ValueError("breakdown_value is required for a breakdown other than authority")
    if breakdown != "authority" and breakdown not in columns(kpi_id):
        raise ValueError(f"{kpi_id} is not broken down by {breakdown} (it is by "
                         f"{', '.join(get(kpi_id).all_breakdowns)})")
    me = Month.parse(month).last
    out = children_by_month(con, kpi_id, [me], period=period, params=params)[me]
    if breakdown != "authority":
        out = [r for r in out if r[breakdown] == breakdown_value]
    return out


def children_by_month(
    con: Any,
    kpi_id: str,
    months: Sequence[date | str],
    *,
    period: str | None = None,
    params: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[date, list[dict[str, Any]]]:
    """`children` for several months in one query: month end -> the month's rows (a
    report drills the last three months of every indicator that needs a deep dive)."""
    ind = get(kpi_id)
    period = period or ind.headline_period
    if period not in ind.all_periods:
        raise ValueError(f"{kpi_id} has periods {ind.all_periods}, not {period!r}")
    ends = sorted({Month.parse(m).last for m in months})
    out: dict[date, list[dict[str, Any]]] = {me: [] for me in ends}
    backend = as_backend(con)
    if availability(ind, table_counts(backend, ind.tables), 1) is not None:
        return out
    ctx = Ctx.create(backend, ends)
    rows = ind.rows(ctx, merged_params(ind, params)).mutate(
        subject=ibis.literal(ind.subject))
    flow = ind.kind in ("flow", "rolling_36m")
    if flow:  # events: a month's rows are those dated in its window
        rows = rows.filter((rows.event_date >= min(window_start(me, period) for me in ends))
                           & (rows.event_date <= ends[-1]))
    else:  # snapshots: a row per window end
        rows = rows.filter(rows.window_end.isin(ends) & (rows.period == period))
    arrow = backend.to_pyarrow(rows)
    arrow = arrow.append_column("_rk", pa.array(range(arrow.num_rows), pa.int64()))
    # Only the subject's own record breakdowns are joined (a child's rows need none).
    enriched = with_details(ctx, enrich(ctx, ibis.memtable(arrow), ind.subject_info.breakdowns),
                            ind.subject_info)
    extra = () if flow else ("window_end",)
    cols = _columns(ind)
    starts = [(window_start(me, period), me) for me in ends]  # once, not once per row
    for r in backend.to_pyarrow(enriched.select(*cols, *extra)).to_pylist():
        if flow:
            for start, me in starts:
                if start <= r["event_date"] <= me:
                    out[me].append(r)
        else:
            out[_as_date(r.pop("window_end"))].append(r)
    for rows_ in out.values():
        rows_.sort(key=lambda r: (not r["in_numerator"],
                                  str(r.get("subject_id", r.get("child_id"))),
                                  str(r["event_id"]), r["event_date"] or date.min))
    return out


def _as_date(value: Any) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value
