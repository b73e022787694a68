"""Building blocks shared by every indicator declaration.

An indicator is a small declared object (`Indicator`) whose ``rows(ctx, params)``
returns an Ibis table of **denominator rows** in the standard shape produced by
`standard()`. The engine windows, breaks down and aggregates those rows; the
drill-down lists them. Definitions are Ibis expressions only (no SQL strings), so
the same declaration runs on DuckDB and on PySpark.

Working days are counted with a calendar table joined in (`wd_number`): each day
carries ``n`` = working days from 1990-01-01 to the day inclusive, so
``wd(a, b) = n(b) - n(a)`` exactly as `lantern.calendar.wd`. Month arithmetic on a
column uses interval addition, which clamps the day to the month's length like
``relativedelta`` (tested against python-dateutil in the test suite); month-end
boundaries (month end − 3 months, − 12 months, …) are precomputed in Python with
``relativedelta`` in the ``months`` table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from dateutil.relativedelta import relativedelta

from lantern.calendar import FIRST_YEAR, LAST_YEAR, calendar_rows
from lantern.facts._base import FAR_FUTURE as FAR_FUTURE
from lantern.facts._base import age_years as age_years
from lantern.facts._base import at_dates
from lantern.facts._base import first_per as first_per
from lantern.facts._base import is_open as is_open
from lantern.facts._base import shared as shared
from lantern.measures.subjects import BREAKDOWNS as BREAKDOWNS
from lantern.measures.subjects import SUBJECTS, Subject, subject_of
from lantern.months import Month

#: The column of ``ctx.months`` a snapshot is taken on; facts are evaluated on it.
MONTH_END = "month_end"

Kind = Literal["flow", "snapshot", "window", "rolling_36m"]
Unit = Literal["pct", "count", "mean", "rate"]
Polarity = Literal["high", "low", "neutral"]

FLOW_PERIODS = ("in_month", "rolling_12m", "fytd")

RowsFn = Callable[["Ctx", Mapping[str, Any]], ir.Table]


@dataclass(frozen=True)
class Indicator:
    """One indicator of `KPIS.md`, declared once.

    kind: ``flow`` rows carry an event date and are windowed by the engine
    (in_month, rolling_12m, fytd); ``snapshot`` rows are evaluated at each month end
    (``event_date`` = month end); ``window`` rows are evaluated per window because the
    count is over distinct children or depends on the window end (rows carry
    ``window_end`` and ``period``); ``rolling_36m`` rows are events windowed over the
    36 months to month end.

    subject: what a row is (`lantern.measures.subjects`): ``child`` (the default),
    ``worker``, ``household``, ``referral``, ``arrangement``, ``presentation``; it sets
    the default breakdowns and what the drill-down lists.

    weighted: the rows carry ``weight`` (e.g. a worker's FTE): the denominator is the
    sum of the rows' weights and the numerator the sum of the numerator rows'
    ``numerator_weight`` (their weight unless given: a leaver counted in a turnover
    numerator who is not in the denominator has weight 0). A mean is then Σ measure ÷
    Σ weight.
    """

    id: str
    title: str
    definition: str
    kind: Kind
    polarity: Polarity
    unit: Unit
    tables: tuple[str, ...]
    rows: RowsFn
    lait: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    area: str = ""
    local: bool = False
    periods: tuple[str, ...] | None = None
    breakdowns: tuple[str, ...] | None = None
    note: str = ""
    subject: str = "child"
    weighted: bool = False
    #: What to say when a table has no rows (e.g. lantern_establishment: "no
    #: establishment loaded"); otherwise "no rows loaded in TABLE".
    missing: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        subject_of(self.subject)  # an unknown subject fails at import, not at run time

    @property
    def subject_info(self) -> Subject:
        return SUBJECTS[self.subject]

    @property
    def all_periods(self) -> tuple[str, ...]:
        if self.periods is not None:
            return self.periods
        if self.kind in ("flow", "window"):
            return FLOW_PERIODS
        if self.kind == "rolling_36m":
            return ("rolling_36m",)
        return ("snapshot",)

    @property
    def headline_period(self) -> str:
        p = self.all_periods
        return "rolling_12m" if "rolling_12m" in p else p[0]

    @property
    def all_breakdowns(self) -> tuple[str, ...]:
        if self.breakdowns is not None:
            return self.breakdowns
        return self.subject_info.breakdowns

    @property
    def needs_population(self) -> bool:
        return self.unit == "rate"


# --------------------------------------------------------------------------- calendar


@cache
def calendar_arrow() -> pa.Table:
    rows = calendar_rows(date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31))
    return pa.table({
        "day": pa.array([r[0] for r in rows], pa.date32()),
        "is_wd": pa.array([r[1] for r in rows], pa.bool_()),
        "n": pa.array([r[2] for r in rows], pa.int64()),
    })


def month_end_of(d: date) -> date:
    return Month.parse(d).last


def fy_start(me: date) -> date:
    return Month.parse(me).fy_start()


def window_start(me: date, period: str) -> date:
    """First day of the window of ``period`` ending at month end ``me``."""
    return Month.parse(me).window_start(period)


def months_arrow(month_ends: Sequence[date]) -> pa.Table:
    """One row per month end with precomputed (relativedelta) boundary dates."""
    cols: dict[str, list[Any]] = {k: [] for k in (
        "month_end", "month_start", "ym", "fy_start", "r12_start", "r36_start",
        "me_m3", "me_m6", "me_m12", "me_m24", "me_m30")}
    for me in month_ends:
        cols["month_end"].append(me)
        cols["month_start"].append(date(me.year, me.month, 1))
        cols["ym"].append(Month.parse(me).index)
        cols["fy_start"].append(fy_start(me))
        cols["r12_start"].append(window_start(me, "rolling_12m"))
        cols["r36_start"].append(window_start(me, "rolling_36m"))
        for n in (3, 6, 12, 24, 30):
            cols[f"me_m{n}"].append(me - relativedelta(months=n))
    types = {k: pa.date32() for k in cols}
    types["ym"] = pa.int64()
    return pa.table({k: pa.array(v, types[k]) for k, v in cols.items()})


def windows_arrow(month_ends: Sequence[date], periods: Sequence[str] = FLOW_PERIODS) -> pa.Table:
    me_col, p_col, s_col = [], [], []
    for me in month_ends:
        for p in periods:
            me_col.append(me)
            p_col.append(p)
            s_col.append(window_start(me, p))
    return pa.table({
        "w_end": pa.array(me_col, pa.date32()),
        "w_period": pa.array(p_col, pa.string()),
        "w_start": pa.array(s_col, pa.date32()),
    })


# --------------------------------------------------------------------------- context


@dataclass
class Ctx:
    """What an indicator's ``rows`` function may use: the warehouse tables, the month
    ends being computed (``months``), the flow windows (``windows``) and the calendar."""

    con: Any
    month_ends: tuple[date, ...]
    months: ir.Table
    windows: ir.Table
    calendar: ir.Table
    memo: dict[Any, ir.Table] = field(default_factory=dict)
    # Set by the engine on backends that do not share a repeated subquery (Spark
    # inlines common table expressions): stores a `shared` building block once and
    # returns the stored table.
    materialise: Callable[[ir.Table], ir.Table] | None = None

    @classmethod
    def create(cls, con: Any, month_ends: Sequence[date]) -> Ctx:
        mes = tuple(sorted(set(month_ends)))
        return cls(
            con=con,
            month_ends=mes,
            months=ibis.memtable(months_arrow(mes)),
            windows=ibis.memtable(windows_arrow(mes)),
            calendar=ibis.memtable(calendar_arrow()),
        )

    def t(self, name: str) -> ir.Table:
        key = ("table", name)
        if key not in self.memo:
            self.memo[key] = self.con.table(name)
        return self.memo[key]


# --------------------------------------------------------------------------- helpers


def wd_number(ctx: Ctx, t: ir.Table, col: str, out: str) -> ir.Table:
    """Add column ``out`` = working-day number of date column ``col`` (null if null)."""
    cal = ctx.calendar.select(**{f"_cd_{out}": "day", out: "n"})
    return t.left_join(cal, t[col] == cal[f"_cd_{out}"]).drop(f"_cd_{out}")


def wd_between(ctx: Ctx, t: ir.Table, a: str, b: str, out: str) -> ir.Table:
    """Add column ``out`` = wd(a, b): working days d with a < d <= b."""
    t = wd_number(ctx, t, a, f"_n_{out}_a")
    t = wd_number(ctx, t, b, f"_n_{out}_b")
    t = t.mutate(**{out: t[f"_n_{out}_b"] - t[f"_n_{out}_a"]})
    return t.drop(f"_n_{out}_a", f"_n_{out}_b")


def add_wd(ctx: Ctx, t: ir.Table, col: str, n: int, out: str) -> ir.Table:
    """Add column ``out`` = the first date d with wd(col, d) == n (n >= 1)."""
    t = wd_number(ctx, t, col, f"_n_{out}")
    t = t.mutate(**{f"_tn_{out}": t[f"_n_{out}"] + n})
    cal = ctx.calendar.filter(ctx.calendar.is_wd).select(**{f"_ct_{out}": "n", out: "day"})
    t = t.left_join(cal, t[f"_tn_{out}"] == cal[f"_ct_{out}"])
    return t.drop(f"_n_{out}", f"_tn_{out}", f"_ct_{out}")


def add_months(d: ir.DateValue, n: int) -> ir.DateValue:
    """Calendar months, day clamped to the month's length (relativedelta)."""
    # Through a timestamp so the cast back to DATE is not elided (DuckDB's
    # DATE + INTERVAL is a TIMESTAMP).
    ts = d.cast("timestamp")
    out = ts + ibis.interval(months=n) if n >= 0 else ts - ibis.interval(months=-n)
    return out.cast("date")


def days_between(a: ir.DateValue, b: ir.DateValue) -> ir.IntegerValue:
    """b − a in days."""
    return b.delta(a, unit="day")


def at_month_ends(ctx: Ctx, t: ir.Table, start: str, end: str | None) -> ir.Table:
    """Cross join with the months being computed, keeping rows open at month end."""
    return at_dates(t, start, end, ctx.months, MONTH_END)


def text(*parts: Any) -> ir.StringValue:
    """Concatenate literals and expressions; nulls print as '—', dates as ISO."""
    out: ir.StringValue | None = None
    for p in parts:
        if isinstance(p, str):
            piece: ir.StringValue = ibis.literal(p)
        else:
            piece = p.cast("string").fill_null("—")
        out = piece if out is None else out + piece
    assert out is not None
    return out


def yes(col: ir.StringValue) -> ir.BooleanValue:
    return col.fill_null("").upper() == "Y"


NULL_DATE = ibis.null().cast("date")

STANDARD_SCHEMA = {
    "child_id": "string",
    "subject_id": "string",
    "event_id": "string",
    "event_date": "date",
    "window_end": "date",
    "period": "string",
    "in_numerator": "boolean",
    "measure": "float64",
    "reason": "string",
    "date_1": "date",
    "date_1_label": "string",
    "date_2": "date",
    "date_2_label": "string",
    "weight": "float64",
    "numerator_weight": "float64",
}


def standard(
    t: ir.Table,
    *,
    child_id: Any,
    event_id: Any,
    event_date: Any,
    in_numerator: Any,
    reason: Any,
    date_1: Any = None,
    date_1_label: str = "",
    date_2: Any = None,
    date_2_label: str = "",
    measure: Any = None,
    window_end: Any = None,
    period: Any = None,
    subject_id: Any = None,
    weight: Any = None,
    numerator_weight: Any = None,
) -> ir.Table:
    """Project ``t`` onto the standard denominator-row columns. ``subject_id`` is the
    row's subject (a worker, household, ...; the child when omitted); ``child_id`` is
    null for rows that are not about a child. ``weight`` / ``numerator_weight`` only
    for weighted indicators (`Indicator.weighted`)."""

    def col(v: Any, typ: str) -> ir.Value:
        if v is None:
            return ibis.null().cast(typ)
        if isinstance(v, str):
            return t[v].cast(typ)
        if isinstance(v, (bool, int, float)):
            return ibis.literal(v).cast(typ)
        return v.cast(typ)

    return t.select(
        child_id=col(child_id, "string"),
        subject_id=col(child_id if subject_id is None else subject_id, "string"),
        event_id=col(event_id, "string"),
        event_date=col(event_date, "date"),
        window_end=col(window_end, "date"),
        period=col(period, "string") if period is None or not isinstance(period, str)
        or period in t.columns else ibis.literal(period),
        in_numerator=col(in_numerator, "boolean").fill_null(False),
        measure=col(measure, "float64"),
        reason=col(reason, "string"),
        date_1=col(date_1, "date"),
        date_1_label=ibis.literal(date_1_label),
        date_2=col(date_2, "date"),
        date_2_label=ibis.literal(date_2_label),
        weight=col(weight, "float64"),
        numerator_weight=col(numerator_weight, "float64"),
    )


def snapshot_rows(t: ir.Table, **kw: Any) -> ir.Table:
    """`standard` for snapshot rows: event date and window end are the month end."""
    return standard(t, event_date="month_end", window_end="month_end", period="snapshot", **kw)


def window_rows(t: ir.Table, **kw: Any) -> ir.Table:
    """`standard` for per-window rows (t carries w_end, w_period from ctx.windows)."""
    return standard(t, window_end="w_end", period="w_period", **kw)
