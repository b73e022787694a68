"""What the rule modules share: the run date as an Ibis literal, the children looked
after on it, and small formatting helpers.

Every rule is an Ibis expression over a `lantern.facts.Source` (so it runs on DuckDB
and on Spark) and follows KPIS.md: "open on a date" = started on or before it and not
ended before it. Due dates and the one-line basis are then worked out in Python from
the rows the expression returns, identically on either engine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import ibis
import ibis.expr.types as ir

from lantern import facts
from lantern.calendar import add_months
from lantern.facts._base import is_open, people

Source = facts.Source


def on_date(on: date) -> ir.DateScalar:
    """The run date as a literal for comparisons."""
    return ibis.literal(on, "date")


@dataclass
class RunSource:
    """One alert run's view of a `Source`: the same tables, with a memo of its own, so
    what several rules share (the children looked after on the run date) is worked out
    once per run and never outlives it."""

    base: Source
    memo: dict[Any, ir.Table] = field(default_factory=dict)
    materialise: Callable[[ir.Table], ir.Table] | None = None
    con: Any = field(init=False)

    def __post_init__(self) -> None:
        self.con = self.base.con

    def t(self, name: str) -> ir.Table:
        return self.base.t(name)


def open_cla(src: Source, on: date) -> ir.Table:
    """The children looked after on ``on`` (`lantern.facts.looked_after`, one row per
    child): cla_id (period of care), child_id, start (period start), ends (period end,
    null while open), placement_id (the current episode's), dob, school_age (of
    compulsory school age on ``on``) and school_from (the day they became so), both
    from `lantern.facts.school`. Within one `RunSource` on DuckDB it is computed once
    and read back by every rule that needs it."""
    key = ("alerts.open_cla", on)
    if key in src.memo:
        return src.memo[key]
    la = facts.looked_after(src, on)
    per = people(src).select(_pid="person_id", dob="dob")
    la = la.left_join(per, la.child == per._pid)
    expr = la.select(
        cla_id="period_id", child_id="child", start="p_start", ends="p_end",
        placement_id="placement_id", dob="dob",
        school_age=facts.of_compulsory_school_age(la.dob, la[facts.ON]).fill_null(False),
        school_from=facts.school_age_from(la.dob))
    if isinstance(src, RunSource) and getattr(src.con, "name", "") == "duckdb":
        expr = ibis.memtable(src.con.to_pyarrow(expr))
    src.memo[key] = expr
    return expr


def open_between(start: ir.DateValue, end: ir.DateValue, on: date) -> ir.BooleanValue:
    """Open on ``on`` (started on or before it, not ended before it)."""
    return is_open(start, end, on_date(on))


def fetch(src: Source, expr: ir.Table, *cols: str) -> list[tuple[Any, ...]]:
    """The rows of ``expr`` as tuples of ``cols``, on whichever engine ``src`` runs
    (Spark hands dates back as timestamps at midnight: they come back as dates)."""
    got = facts.records(src, expr.select(*cols))
    return [tuple(_day(r[c]) for c in cols) for r in got]


def _day(v: Any) -> Any:
    return v.date() if isinstance(v, datetime) else v


def latest_of(t: ir.Table, keys: Sequence[str], col: ir.Value, name: str = "last"
              ) -> ir.Table:
    """``t`` grouped by ``keys`` with the maximum of ``col`` as ``name``."""
    return t.group_by(list(keys)).aggregate(**{name: col.max()})


def day(d: date) -> str:
    """'12 Feb 2024' (for the one-line basis)."""
    return f"{d.day} {d:%b %Y}"


def birthday(dob: date, years: int, months: int = 0) -> date:
    """The date a child reaches an age (29 Feb birthdays fall on 28 Feb, as relativedelta)."""
    return add_months(dob, 12 * years + months)
