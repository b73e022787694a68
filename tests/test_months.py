"""The one Month type: parse, add, label, window bounds (hand-worked cases)."""

from __future__ import annotations

from datetime import date

import pytest

from lantern.months import Month, index_of, months


def test_parse_and_write() -> None:
    assert Month.parse("2024-03") == Month(2024, 3)
    assert Month.parse("2024-03-31") == Month(2024, 3)  # a date string: its month
    assert Month.parse(date(2024, 2, 29)) == Month(2024, 2)
    assert str(Month(2024, 3)) == "2024-03"
    assert str(Month(987, 1)) == "0987-01"


@pytest.mark.parametrize("bad", ["2024-13", "2024-00", "2024-3", "24-03", "March", "", "2024/03"])
def test_parse_refuses_what_is_not_a_month(bad: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        Month.parse(bad)


def test_arithmetic_across_years() -> None:
    assert Month(2024, 1) - 2 == Month(2023, 11)
    assert Month(2023, 12) + 1 == Month(2024, 1)
    assert Month(2024, 11) - Month(2021, 12) == 35
    assert Month(2024, 1).index - Month(2023, 12).index == 1
    assert index_of(date(2024, 1, 31)) == Month(2024, 1).index
    assert months(Month(2023, 11), Month(2024, 2)) == [
        Month(2023, 11), Month(2023, 12), Month(2024, 1), Month(2024, 2)]
    assert Month(2024, 3) > Month(2023, 12)


def test_dates_and_labels() -> None:
    assert Month(2024, 2).last == date(2024, 2, 29)  # leap year
    assert Month(2023, 2).last == date(2023, 2, 28)
    assert Month(2024, 4).first == date(2024, 4, 1)
    assert Month(2024, 11).label() == "November 2024"
    assert Month(2024, 11).short_label() == "Nov 2024"


@pytest.mark.parametrize(("month", "period", "start"), [
    (Month(2024, 11), "in_month", date(2024, 11, 1)),
    (Month(2024, 11), "rolling_12m", date(2023, 12, 1)),
    (Month(2024, 11), "rolling_36m", date(2021, 12, 1)),
    (Month(2024, 3), "fytd", date(2023, 4, 1)),  # March closes the financial year
    (Month(2024, 4), "fytd", date(2024, 4, 1)),  # April opens the next
])
def test_window_bounds(month: Month, period: str, start: date) -> None:
    assert month.window(period) == (start, month.last)


def test_unknown_period() -> None:
    with pytest.raises(ValueError, match="unknown period"):
        Month(2024, 1).window_start("weekly")
