"""Calendar months: one `Month` type for every layer (parse, add, label, window bounds).

A month is written ``YYYY-MM`` on command lines, in URLs, JSON and storage. Months are
ordered and subtract to a whole number of months, so windows and series never do
``year * 12 + month - 1`` by hand; `index_of` gives that number for a date column too
(Ibis), so a warehouse query groups by the same month numbers.
"""

from __future__ import annotations

import calendar as _cal
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, overload

_PATTERN = re.compile(r"(\d{4})-(\d{2})(?:-\d{2})?")

#: Periods a figure can be computed over, with how many months back each starts
#: (``fytd`` starts on the 1 April that begins the financial year).
WINDOW_MONTHS = {"in_month": 0, "snapshot": 0, "rolling_12m": 11, "rolling_36m": 35}


@dataclass(frozen=True, order=True, slots=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1 <= self.year <= 9999:
            raise ValueError(f"no month {self.year:04d}-{self.month:02d}")

    # --- making one
    @classmethod
    def parse(cls, text: str | date | Month) -> Month:
        """'2024-03' (or '2024-03-15', a date or a Month) -> Month; ValueError saying what
        was expected otherwise."""
        if isinstance(text, Month):
            return text
        if isinstance(text, date):
            return cls(text.year, text.month)
        m = _PATTERN.fullmatch(str(text).strip())
        if m is None or not 1 <= int(m.group(2)) <= 12:
            raise ValueError(f"month must be YYYY-MM (for example 2024-03), not {text!r}")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def from_index(cls, index: int) -> Month:
        return cls(index // 12, index % 12 + 1)

    # --- arithmetic
    @property
    def index(self) -> int:
        """Months since year 0: consecutive months differ by one."""
        return self.year * 12 + self.month - 1

    def __add__(self, n: int) -> Month:
        return Month.from_index(self.index + n)

    @overload
    def __sub__(self, other: int) -> Month: ...
    @overload
    def __sub__(self, other: Month) -> int: ...

    def __sub__(self, other: int | Month) -> Month | int:
        if isinstance(other, Month):
            return self.index - other.index
        return Month.from_index(self.index - other)

    # --- dates and words
    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return date(self.year, self.month, _cal.monthrange(self.year, self.month)[1])

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def label(self) -> str:
        """'November 2024'."""
        return f"{_cal.month_name[self.month]} {self.year}"

    def short_label(self) -> str:
        """'Nov 2024'."""
        return f"{_cal.month_abbr[self.month]} {self.year}"

    # --- windows
    def fy_start(self) -> date:
        """The 1 April that begins the financial year this month is in."""
        return date(self.year if self.month >= 4 else self.year - 1, 4, 1)

    def window_start(self, period: str) -> date:
        """First day of the window of ``period`` ending with this month."""
        if period == "fytd":
            return self.fy_start()
        if period not in WINDOW_MONTHS:
            raise ValueError(f"unknown period {period!r}")
        return (self - WINDOW_MONTHS[period]).first

    def window(self, period: str) -> tuple[date, date]:
        """(first day, last day) of the window of ``period`` ending with this month."""
        return self.window_start(period), self.last


def months(first: Month, last: Month) -> list[Month]:
    """Every month from ``first`` to ``last`` inclusive."""
    return [first + k for k in range(last - first + 1)]


def index_of(d: Any) -> Any:
    """`Month.index` of a date, or of an Ibis date column (year * 12 + month - 1)."""
    if isinstance(d, date):
        return Month.parse(d).index
    return d.year().cast("int64") * 12 + d.month() - 1
