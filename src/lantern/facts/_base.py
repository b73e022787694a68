"""What every fact is built from: a source of warehouse tables, dates to evaluate on,
memoised building blocks and a few column helpers.

A fact takes ``on``: one date, or an Ibis table of dates (the indicator engine passes its
table of month ends) with the date in column ``as_of``. Either way the result carries
that column, so one definition serves a daily alert run and 36 months of indicators.
"""

from __future__ import annotations

import inspect
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import wraps
from threading import Lock
from typing import Any, Protocol, TypeAlias, TypeVar, cast

import duckdb
import ibis
import ibis.expr.types as ir

#: The "still open" end date, where an open interval needs a comparable end.
FAR_FUTURE = date(2999, 12, 31)
#: The column a fact evaluated on a single date carries it in.
ON = "on_date"

On: TypeAlias = date | ir.Table


class Source(Protocol):
    """Anything that hands out warehouse tables by name (the indicator engine's
    context, or `Warehouse`) and memoises shared building blocks."""

    con: Any  # the Ibis backend
    memo: dict[Any, ir.Table]
    materialise: Callable[[ir.Table], ir.Table] | None

    def t(self, name: str) -> ir.Table: ...


@dataclass
class Warehouse:
    """A `Source` over an Ibis backend, a DuckDB connection or a database path."""

    con: Any
    memo: dict[Any, ir.Table] = field(default_factory=dict)
    materialise: Callable[[ir.Table], ir.Table] | None = None

    def __post_init__(self) -> None:
        self.con = backend(self.con)

    def t(self, name: str) -> ir.Table:
        key = ("table", name)
        if key not in self.memo:
            self.memo[key] = self.con.table(name)
        return self.memo[key]

    def rows(self, expr: ir.Table) -> list[dict[str, Any]]:
        """The rows of ``expr`` as dictionaries."""
        return records(self, expr)


def records(src: Source, expr: ir.Table) -> list[dict[str, Any]]:
    """The rows of ``expr`` as dictionaries, on whichever engine ``src`` runs."""
    return list(src.con.to_pyarrow(expr).to_pylist())


def backend(con: Any) -> Any:
    """An Ibis backend from an Ibis backend, a DuckDB connection or a database path."""
    if hasattr(con, "table") and hasattr(con, "list_tables"):
        return con
    if isinstance(con, str):
        return ibis.duckdb.connect(con)
    return ibis.duckdb.from_connection(con)


#: The `Warehouse` of each recently used connection: wrapping a connection reads the
#: schema of every table it touches, so a caller asking many small questions of one
#: connection (a web page) pays that once. Few connections are live at a time.
_RECENT: OrderedDict[int, tuple[Any, Warehouse]] = OrderedDict()
_RECENT_SIZE = 8
_RECENT_LOCK = Lock()


def source(con: Any) -> Source:
    """A `Source` for ``con``: itself when it is one, else the connection's `Warehouse`
    (made once per connection and reused)."""
    if hasattr(con, "t") and hasattr(con, "memo"):
        return cast(Source, con)
    if isinstance(con, duckdb.DuckDBPyConnection):
        # Other callers of the connection may have left a result unread (``execute(...)
        # .fetchone()``): plain ``execute`` discards it, but Ibis refuses to run until it
        # is finished.
        con.execute("SELECT 1").fetchall()
    with _RECENT_LOCK:
        hit = _RECENT.get(id(con))
        if hit is not None and hit[0] is con:
            _RECENT.move_to_end(id(con))
            return hit[1]
        w = Warehouse(con)
        _RECENT[id(con)] = (con, w)
        while len(_RECENT) > _RECENT_SIZE:
            _RECENT.popitem(last=False)
        return w


F = TypeVar("F", bound=Callable[..., ir.Table])


def shared(fn: F) -> F:
    """Memoise a building block per source, so the facts and indicators that share it
    share one expression node (built once, compiled once as a common table expression;
    on Spark, stored once through ``src.materialise``). Only keyword arguments that are
    hashable take part in the key; a fact on a table of dates is keyed by that table."""

    sig = inspect.signature(fn)
    first = next(iter(sig.parameters))

    @wraps(fn)
    def wrapper(src: Source, *args: Any, **kw: Any) -> ir.Table:
        bound = sig.bind(src, *args, **kw)
        bound.apply_defaults()
        key = (fn.__module__, fn.__qualname__,
               tuple(sorted((k, _key(v)) for k, v in bound.arguments.items()
                            if k != first)))
        if key not in src.memo:
            block = fn(src, *args, **kw)
            src.memo[key] = block if src.materialise is None else src.materialise(block)
        return src.memo[key]

    return wrapper  # type: ignore[return-value]


def _key(v: Any) -> Any:
    if isinstance(v, ir.Expr):
        return ("expr", id(v))
    if isinstance(v, list):
        return tuple(v)
    return v


def at_dates(t: ir.Table, start: str, end: str | None, on: On, as_of: str = ON) -> ir.Table:
    """The rows of ``t`` open on each date of ``on`` (KPIS.md: started on or before it
    and not ended before it), with the date in column ``as_of``."""
    if isinstance(on, ir.Table):
        j = t.cross_join(on)
    else:
        j = t.mutate(**{as_of: ibis.literal(on, "date")})
    if end is None:
        return j.filter(j[start] <= j[as_of])
    return j.filter(is_open(j[start], j[end], j[as_of]))


def is_open(start: ir.DateValue, end: ir.DateValue, on: ir.DateValue) -> ir.BooleanValue:
    """Open on a date: started on or before it and not ended before it."""
    return (start <= on) & (end.isnull() | (end >= on))


def first_per(t: ir.Table, by: Sequence[str], order: Sequence[Any]) -> ir.Table:
    """The first row per group ``by`` in ``order`` (deterministic tie-break required)."""
    rn = ibis.row_number().over(ibis.window(group_by=list(by), order_by=list(order)))
    return t.mutate(_rn=rn).filter(lambda x: x._rn == 0).drop("_rn")


def age_years(dob: ir.DateValue, at: ir.DateValue) -> ir.IntegerValue:
    """Whole years from dob to at, birthdays clamped like relativedelta (a 29 February
    birthday falls on 28 February in other years)."""
    a = at.year() - dob.year()
    birthday = dob + a.cast("int32").as_interval("Y")
    return (a - ibis.ifelse(birthday > at, 1, 0)).cast("int64")


def people(src: Source) -> ir.Table:
    """One row per person: ``person_id``, ``dob`` (the earliest recorded, if several)."""
    per = src.t("ssd_person").select(person_id="pers_person_id", dob="pers_dob")
    return first_per(per, ["person_id"], ["dob"])
