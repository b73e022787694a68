"""The quality-assurance indicators as indicator rows, the shape `lantern kpis` prints for
every other indicator (kpi_id, month, period, breakdown, breakdown_value, numerator,
denominator, value, status): one month's in-month, rolling 12-month and financial
year-to-date windows, for the authority, each service and each team. Counted by
``quality.summary.tally`` (one definition); read from the app database, not the
warehouse. With no audits recorded at all the rows say ``not_available`` and why — never
a 0 that reads as "no audits were good"."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from lantern.months import Month
from lantern.quality.models import Audit
from lantern.quality.summary import TITLES, Window, tally
from lantern.quality.tools import Tool, load_tools

PERIODS = ("in_month", "rolling_12m", "fytd")
BREAKDOWNS = ("authority", "service", "team")
NO_AUDITS = "no case audits are recorded in the app database"


def _row(kpi: str, month: str, period: str, breakdown: str, value_of: str,
         n: int | None, d: int | None, status: str, reason: str | None = None
         ) -> dict[str, Any]:
    value: float | None = None
    if status == "ok" and kpi == "audits_completed":
        value, d = float(n or 0), None
    elif status == "ok":
        value = 100.0 * (n or 0) / d if d else None
    return {"kpi_id": kpi, "month": month, "period": period, "breakdown": breakdown,
            "breakdown_value": value_of, "numerator": n, "denominator": d,
            "value": value, "status": status, "reason": reason}


def not_available(months: Iterable[str], la_code: str, reason: str
                  ) -> list[dict[str, Any]]:
    """The authority rows when the audits cannot be counted, each with the reason."""
    return [_row(k, m, p, "authority", la_code, None, None, "not_available", reason)
            for k in TITLES for m in months for p in PERIODS]


def kpi_rows(s: Session, months: Iterable[str], *, breakdown: str = "authority",
             la_code: str = "", tools: dict[str, Tool] | None = None
             ) -> list[dict[str, Any]]:
    """Every quality-assurance indicator for each month and period, by ``breakdown``
    (authority, service or team; other breakdowns have no QA rows)."""
    months = list(months)
    if breakdown not in BREAKDOWNS:
        return []
    if not s.scalar(select(func.count()).select_from(Audit)
                    .where(Audit.status == "submitted")):
        return not_available(months, la_code, NO_AUDITS) if breakdown == "authority" \
            else []
    tools = tools or load_tools()
    out = []
    for kpi in TITLES:
        for month in months:
            m = Month.parse(month)
            for period in PERIODS:
                first, last = m.window(period)
                cells = tally(s, Window(first, last, f"{month} {period}"), tools)[kpi]
                out += _cells(kpi, month, period, breakdown, la_code, cells)
    return out


def _cells(kpi: str, month: str, period: str, breakdown: str, la_code: str,
           cells: dict[tuple[str, str], list[int]]) -> list[dict[str, Any]]:
    if breakdown == "authority":  # always a row: 0 audits, or no denominator
        n, d = cells.get(("authority", ""), [0, 0])
        status = "ok" if d or kpi == "audits_completed" else "no_denominator"
        return [_row(kpi, month, period, "authority", la_code, n, d, status,
                     None if status == "ok" else "nothing in the window to count")]
    return [_row(kpi, month, period, b, v, n, d, "ok")
            for (b, v), (n, d) in sorted(cells.items()) if b == breakdown]


def rows_from_app_db(url: str, months: Iterable[str], *, breakdown: str,
                     la_code: str) -> list[dict[str, Any]]:
    """`kpi_rows` from the app database at ``url``, read only: with no app database, or
    one without case audits, or one that cannot be read, the rows say so and why."""
    from lantern.appdb import make_engine

    months = list(months)

    def missing(reason: str) -> list[dict[str, Any]]:
        return not_available(months, la_code, reason) if breakdown == "authority" else []

    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return missing(f"{NO_AUDITS} (there is no app database yet)")
    try:
        engine = make_engine(url)
        try:
            if "audits" not in inspect(engine).get_table_names():
                return missing(f"{NO_AUDITS} (its case-audit tables are not created yet)")
            with Session(engine) as s:
                return kpi_rows(s, months, breakdown=breakdown, la_code=la_code)
        finally:
            engine.dispose()
    except SQLAlchemyError as e:
        return missing(f"the app database could not be read ({type(e).__name__})")
