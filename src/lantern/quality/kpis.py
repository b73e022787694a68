"""The quality-assurance indicators as indicator rows, the shape `lantern kpis` prints for
every other indicator (kpi_id, month, period, breakdown, breakdown_value, numerator,
denominator, value, status): one month's in-month, rolling 12-month and financial
year-to-date windows, for the authority, each service and each team. Counted by
``quality.summary.tally`` (one definition); read from the app database, not the
warehouse. With no audits recorded at all the rows say ``not_available`` and why — never
a 0 that reads as "no audits were good"."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from lantern.appdb.models import User
from lantern.assurance.monthly import LocalFigures
from lantern.measures.quality import AUDITS_COMPLETED
from lantern.months import Month
from lantern.quality.audits import moderations
from lantern.quality.models import Audit
from lantern.quality.summary import TITLES, Members, Window, members, scope_keys, tally
from lantern.quality.tools import Tool, load_tools

PERIODS = ("in_month", "rolling_12m", "fytd")
BREAKDOWNS = ("authority", "service", "team")
HEADLINE_PERIOD = AUDITS_COMPLETED.headline_period  # the catalogue's (all six alike)
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
    if breakdown not in BREAKDOWNS:
        return []
    return rows_by(s, months, (breakdown,), la_code=la_code, tools=tools)


def rows_by(s: Session, months: Iterable[str], breakdowns: Sequence[str], *,
            la_code: str = "", tools: dict[str, Tool] | None = None
            ) -> list[dict[str, Any]]:
    """`kpi_rows` for several breakdowns at once (one count per month and period
    serves every indicator and breakdown), indicator by indicator."""
    months = list(months)
    wanted = [b for b in breakdowns if b in BREAKDOWNS]
    if not s.scalar(select(func.count()).select_from(Audit)
                    .where(Audit.status == "submitted")):
        return not_available(months, la_code, NO_AUDITS) if "authority" in wanted else []
    tools = tools or load_tools()
    counted = {(month, period): tally(s, window(month, period), tools)
               for month in months for period in PERIODS}
    return [row for kpi in TITLES for month in months for period in PERIODS
            for b in wanted
            for row in _cells(kpi, month, period, b, la_code, counted[month, period][kpi])]


def window(month: str, period: str) -> Window:
    """The audits' window of a month's period (`Month.window`)."""
    first, last = Month.parse(month).window(period)
    return Window(first, last, f"{month} {period}")


def children_lookup(s: Session, tools: dict[str, Tool] | None = None,
                    period: str = HEADLINE_PERIOD) -> Callable[[str, str, str, str],
                                                               list[str]]:
    """The children behind a quality-assurance figure — those of the audits counted in
    the month's ``period`` window at a scope — for deep dives (`assurance`'s
    ``ChildrenLookup`` shape: indicator, month, breakdown, value)."""
    tools = tools or load_tools()
    found: dict[str, Members] = {}

    def behind(kpi_id: str, month: str, breakdown: str, value: str) -> list[str]:
        if month not in found:
            found[month] = members(s, window(month, period), tools)
        return sorted({a.subject_id for a, _ in found[month].get(kpi_id, [])
                       if breakdown == "authority" or (breakdown, value) in scope_keys(a)})

    return behind


def _cells(kpi: str, month: str, period: str, breakdown: str, la_code: str,
           cells: dict[tuple[str, str], list[int]]) -> list[dict[str, Any]]:
    if breakdown == "authority":  # always a row: 0 audits, or no denominator
        n, d = cells.get(("authority", ""), [0, 0])
        status = "ok" if d or kpi == "audits_completed" else "no_denominator"
        return [_row(kpi, month, period, "authority", la_code, n, d, status,
                     None if status == "ok" else "nothing in the window to count")]
    return [_row(kpi, month, period, b, v, n, d, "ok")
            for (b, v), (n, d) in sorted(cells.items()) if b == breakdown]


def rows_from_app_db(url: str, months: Iterable[str], *, breakdowns: Sequence[str],
                     la_code: str) -> list[dict[str, Any]]:
    """`rows_by` from the app database at ``url``, read only: with no app database, or
    one without case audits, or one that cannot be read, the rows say so and why."""
    months = list(months)

    def missing(reason: str) -> list[dict[str, Any]]:
        return not_available(months, la_code, reason) if "authority" in breakdowns else []

    try:
        with _audits_session(url) as s:
            if isinstance(s, str):
                return missing(f"{NO_AUDITS} ({s})")
            return rows_by(s, months, breakdowns, la_code=la_code)
    except SQLAlchemyError as e:
        return missing(f"the app database could not be read ({type(e).__name__})")


@contextmanager
def _audits_session(url: str) -> Iterator[Session | str]:
    """A session on the app database at ``url``, or why it has no audits to read (no
    database yet, or not migrated); reading creates nothing."""
    from lantern.appdb import make_engine

    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        yield "there is no app database yet"
        return
    engine = make_engine(url)
    try:
        if "audits" not in inspect(engine).get_table_names():
            yield "its case-audit tables are not created yet"
            return
        with Session(engine) as s:
            yield s
    finally:
        engine.dispose()


def local_figures(url: str, la_code: str) -> LocalFigures:
    """The quality-assurance indicators for the month's assurance (`assurance.store`,
    `assurance.monthly`): their rows and the children behind each figure, read from
    the app database at ``url``."""
    drilled: dict[tuple[str, str, str, str], list[str]] = {}

    def children(kpi_id: str, month: str, breakdown: str, value: str) -> list[str]:
        key = (kpi_id, month, breakdown, value)
        if key not in drilled:
            try:
                with _audits_session(url) as s:
                    drilled[key] = [] if isinstance(s, str) else \
                        children_lookup(s)(kpi_id, month, breakdown, value)
            except SQLAlchemyError:
                drilled[key] = []
        return drilled[key]

    return LocalFigures(
        rows=lambda months, breakdowns: rows_from_app_db(
            url, months, breakdowns=breakdowns, la_code=la_code),
        children=children)


AUDIT_COLUMNS = ("audit", "child_id", "tool", "team", "service", "auditor", "grade",
                 "moderated_grade", "submitted_on", "moderated_on", "in_numerator")
"""The drill-down of a quality-assurance figure: one row per audit counted."""


def audits_behind(s: Session, kpi_id: str, month: str, *, period: str | None = None,
                  breakdown: str = "authority", value: str | None = None,
                  tools: dict[str, Tool] | None = None) -> list[dict[str, Any]]:
    """The audits behind a quality-assurance figure (the month's ``period``, default
    the headline, at a scope): reference, child, auditor, the auditor's grade, the
    moderated grade, the dates, and whether it is in the numerator. An action or a
    moderation is listed under its audit (an audit may appear once per action due)."""
    if kpi_id not in TITLES:
        raise ValueError(f"{kpi_id!r} is not a quality-assurance indicator")
    if period is not None and period not in PERIODS:
        raise ValueError(f"--period {period!r}: expected one of {', '.join(PERIODS)}")
    if breakdown not in BREAKDOWNS:
        raise ValueError(f"--by {breakdown!r}: audits are counted by "
                         f"{', '.join(BREAKDOWNS)}")
    tools = tools or load_tools()
    counted = members(s, window(month, period or HEADLINE_PERIOD), tools)[kpi_id]
    if breakdown != "authority":
        counted = [(a, hit) for a, hit in counted if (breakdown, value or "") in scope_keys(a)]
    mods = moderations(s, [a.id for a, _ in counted])
    auditors = {u.id: u.display_name for u in s.scalars(select(User).where(
        User.id.in_({a.auditor_id for a, _ in counted if a.auditor_id is not None})))}
    return [{"audit": a.ref, "child_id": a.subject_id, "tool": a.tool_id,
             "team": a.team_id, "service": a.service_id,
             "auditor": auditors.get(a.auditor_id or 0, ""),
             "grade": a.overall_grade,
             "moderated_grade": mods[a.id].grade if a.id in mods else "",
             "submitted_on": a.submitted_on.isoformat() if a.submitted_on else "",
             "moderated_on": mods[a.id].on.isoformat() if a.id in mods else "",
             "in_numerator": hit} for a, hit in counted]


def audits_from_app_db(url: str, kpi_id: str, month: str, **kw: Any
                       ) -> list[dict[str, Any]]:
    """`audits_behind` from the app database at ``url`` (none when it has no audits)."""
    with _audits_session(url) as s:
        return [] if isinstance(s, str) else audits_behind(s, kpi_id, month, **kw)
