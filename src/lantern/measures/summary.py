"""Year-end counts for the demo summary, from the indicator definitions themselves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from lantern.measures.engine import compute


@dataclass(frozen=True)
class YearEnd:
    date: date
    cp_plans: int
    looked_after: int


def year_ends(con: Any, first: date, last: date, *, la_code: str = "") -> list[YearEnd]:
    """`cp_plans_open` and `cla_open` at each 31 March from first to last."""
    marches = [date(y, 3, 31) for y in range(first.year, last.year + 1)
               if first <= date(y, 3, 31) <= last]
    if not marches:
        return []
    rows = compute(con, marches, kpis=["cp_plans_open", "cla_open"], la_code=la_code)
    value = {(r.kpi_id, r.month): int(r.value or 0) for r in rows
             if r.breakdown == "authority" and r.status == "ok"}
    return [YearEnd(m, value.get(("cp_plans_open", f"{m:%Y-%m}"), 0),
                    value.get(("cla_open", f"{m:%Y-%m}"), 0)) for m in marches]
