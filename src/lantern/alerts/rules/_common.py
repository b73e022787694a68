"""SQL fragments and small helpers shared by the rule modules.

Every query takes the run date as the named parameter ``$on`` and follows KPIS.md:
"open on a date" = started on or before it and not ended before it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

from lantern import facts
from lantern.calendar import add_months
from lantern.facts._base import people

#: The children looked after on $on, for a rule's SQL to read as ``open_cla``
#: (`lantern.facts.looked_after`, one row per child): cla_id (period of care), child_id,
#: start (period start), ends (period end, NULL while open), placement_id (the current
#: episode's), dob, school_age (of compulsory school age on $on) and school_from (the
#: day they became so), both from `lantern.facts.school`.
OPEN_CLA = "open_cla"


def open_cla(con: duckdb.DuckDBPyConnection, on: date) -> pa.Table:
    w = facts.Warehouse(con)
    la = facts.looked_after(w, on)
    per = people(w).select(_pid="person_id", dob="dob")
    la = la.left_join(per, la.child == per._pid)
    return w.con.to_pyarrow(la.select(
        cla_id="period_id", child_id="child", start="p_start", ends="p_end",
        placement_id="placement_id", dob="dob",
        school_age=facts.of_compulsory_school_age(la.dob, la[facts.ON]).fill_null(False),
        school_from=facts.school_age_from(la.dob)))


def rows(con: duckdb.DuckDBPyConnection, sql: str, on: date,
         **params: Any) -> list[tuple[Any, ...]]:
    """Run ``sql`` with ``$on`` (and any other named parameters) bound; a query that
    reads ``open_cla`` reads the children looked after on ``on``."""
    if OPEN_CLA not in sql:
        return con.execute(sql, {"on": on, **params}).fetchall()
    cur = con.cursor()  # its own registration: concurrent runs do not share it
    try:
        cur.register(OPEN_CLA, open_cla(con, on))
        return cur.execute(sql, {"on": on, **params}).fetchall()
    finally:
        cur.close()


def day(d: date) -> str:
    """'12 Feb 2024' (for the one-line basis)."""
    return f"{d.day} {d:%b %Y}"


def birthday(dob: date, years: int, months: int = 0) -> date:
    """The date a child reaches an age (29 Feb birthdays fall on 28 Feb, as relativedelta)."""
    return add_months(dob, 12 * years + months)
