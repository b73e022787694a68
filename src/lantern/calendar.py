"""Working days for England and Wales, exactly as `KPIS.md` defines them.

A working day is Monday to Friday and not a bank holiday in England and Wales
(the `holidays` package's GB/ENG calendar, which carries one-off days such as the
State Funeral on 2022-09-19 and the Coronation on 2023-05-08).

``wd(a, b)`` counts working days ``d`` with ``a < d <= b``: the start day is day 0.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta
from functools import cache

import holidays
from dateutil.relativedelta import relativedelta

FIRST_YEAR = 1990
LAST_YEAR = 2040


@cache
def bank_holidays() -> frozenset[date]:
    """Bank holidays in England and Wales from FIRST_YEAR to LAST_YEAR."""
    cal = holidays.country_holidays("GB", subdiv="ENG", years=range(FIRST_YEAR, LAST_YEAR + 1))
    return frozenset(cal.keys())


def is_working_day(d: date) -> bool:
    return d.weekday() < 5 and d not in bank_holidays()


def working_day_on_or_before(d: date) -> date:
    """``d`` if it is a working day, else the last working day before it."""
    while not is_working_day(d):
        d -= timedelta(days=1)
    return d


@cache
def _working_day_index() -> tuple[date, ...]:
    """Every working day in the supported range, sorted (for O(log n) counting)."""
    d, end, out = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31), []
    while d <= end:
        if is_working_day(d):
            out.append(d)
        d += timedelta(days=1)
    return tuple(out)


def _check_range(d: date) -> None:
    if not date(FIRST_YEAR, 1, 1) <= d <= date(LAST_YEAR, 12, 31):
        raise ValueError(f"date {d} outside the working-day calendar {FIRST_YEAR}-{LAST_YEAR}")


def wd(a: date, b: date) -> int:
    """Working days d with a < d <= b; negative when b is before a (KPIS.md)."""
    _check_range(a)
    _check_range(b)
    idx = _working_day_index()
    if b >= a:
        return bisect_right(idx, b) - bisect_right(idx, a)
    return -(bisect_right(idx, a) - bisect_right(idx, b))


def add_working_days(a: date, n: int) -> date:
    """The first date d with wd(a, d) == n (n >= 1); for n == 0, a itself."""
    if n < 0:
        raise ValueError("n must be zero or positive")
    if n == 0:
        return a
    _check_range(a)
    idx = _working_day_index()
    pos = bisect_right(idx, a) + n - 1
    if pos >= len(idx):
        raise ValueError(f"{a} + {n} working days is past {LAST_YEAR}")
    return idx[pos]


def subtract_working_days(b: date, n: int) -> date:
    """The latest working day d with wd(d, b) == n (used for reminder lead times)."""
    if n < 0:
        raise ValueError("n must be zero or positive")
    _check_range(b)
    idx = _working_day_index()
    # Working days <= b: the n-th from the end must be excluded, so d is the (n+1)-th.
    pos = bisect_right(idx, b) - n - 1
    if pos < 0:
        raise ValueError(f"{b} - {n} working days is before {FIRST_YEAR}")
    return idx[pos]


def add_months(d: date, months: int) -> date:
    """Calendar months with the day clamped to the month's length (relativedelta)."""
    return d + relativedelta(months=months)


def month_end(year: int, month: int) -> date:
    return date(year, month, 1) + relativedelta(months=1, days=-1)


def calendar_rows(start: date, end: date) -> list[tuple[date, bool, int]]:
    """Rows (day, is_working_day, working_day_number) for a SQL calendar table.

    working_day_number is the count of working days from FIRST_YEAR-01-01 up to and
    including the day, so wd(a, b) == number(b) - number(a) in a join.
    """
    idx = _working_day_index()
    out = []
    d = start
    while d <= end:
        out.append((d, is_working_day(d), bisect_right(idx, d)))
        d += timedelta(days=1)
    return out
