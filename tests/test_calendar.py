"""Working days as KPIS.md defines them: wd(a, b) counts d with a < d <= b."""

from __future__ import annotations

from datetime import date

import pytest

from lantern.calendar import (
    add_months,
    add_working_days,
    bank_holidays,
    calendar_rows,
    is_working_day,
    month_end,
    subtract_working_days,
    wd,
    working_day_on_or_before,
)

D = date


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2022, 9, 19), True),  # State Funeral of Queen Elizabeth II (one-off)
        (D(2023, 5, 8), True),  # Coronation of King Charles III (one-off)
        (D(2020, 5, 8), True),  # VE Day 75: early May bank holiday moved to a Friday
        (D(2020, 5, 4), False),  # ...so the usual first Monday was a working day
        (D(2022, 6, 3), True),  # Platinum Jubilee
        (D(2022, 5, 30), False),  # spring bank holiday moved to 2 June in 2022
        (D(2024, 3, 29), True),  # Good Friday 2024
        (D(2024, 4, 1), True),  # Easter Monday 2024
        (D(2021, 12, 27), True),  # Christmas Day on a Saturday: substitute Monday
        (D(2021, 12, 28), True),  # Boxing Day on a Sunday: substitute Tuesday
        (D(2024, 8, 26), True),  # summer bank holiday (England, not Scotland's 5 Aug)
        (D(2024, 8, 5), False),
        (D(2024, 3, 17), False),  # St Patrick's Day is not a holiday in England
    ],
)
def test_bank_holidays_england_and_wales(day: date, expected: bool) -> None:
    assert (day in bank_holidays()) is expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (D(2024, 1, 8), D(2024, 1, 8), 0),  # the start day is day 0
        (D(2024, 1, 8), D(2024, 1, 9), 1),  # Mon -> Tue
        (D(2024, 1, 12), D(2024, 1, 15), 1),  # Fri -> Mon: the weekend does not count
        (D(2024, 1, 13), D(2024, 1, 14), 0),  # Sat -> Sun
        (D(2024, 1, 13), D(2024, 1, 15), 1),  # Sat -> Mon
        (D(2024, 3, 28), D(2024, 4, 2), 1),  # Thu before Easter -> Tue after: Fri+Mon holidays
        (D(2023, 12, 22), D(2024, 1, 2), 4),  # Fri 22 Dec: 27, 28, 29 Dec and 2 Jan
        (D(2022, 9, 16), D(2022, 9, 20), 1),  # over the State Funeral Monday
        (D(2023, 5, 5), D(2023, 5, 9), 1),  # over the Coronation Monday
        (D(2024, 2, 28), D(2024, 3, 1), 2),  # leap year: 29 Feb 2024 is a Thursday
        (D(2023, 2, 28), D(2023, 3, 1), 1),  # no 29 Feb in 2023
        (D(2024, 1, 15), D(2024, 1, 8), -5),  # backwards is negative
    ],
)
def test_wd_hand_checked(a: date, b: date, expected: int) -> None:
    assert wd(a, b) == expected


def test_wd_a_whole_year() -> None:
    # 2024 has 262 weekdays and 8 England & Wales bank holidays, all on weekdays.
    assert wd(D(2023, 12, 31), D(2024, 12, 31)) == 254


@pytest.mark.parametrize(
    ("a", "n", "expected"),
    [
        (D(2024, 2, 29), 45, D(2024, 5, 7)),  # 45 wd after leap day, over Easter and May Day
        (D(2024, 3, 1), 15, D(2024, 3, 22)),  # ICPC limit: s47 on Fri 1 Mar 2024, 3 weeks
        (D(2024, 3, 15), 15, D(2024, 4, 9)),  # ICPC limit spanning Easter 2024
        (D(2023, 12, 11), 15, D(2024, 1, 4)),  # spanning Christmas and New Year
        (D(2024, 1, 13), 1, D(2024, 1, 15)),  # from a Saturday
        (D(2024, 1, 8), 0, D(2024, 1, 8)),
    ],
)
def test_add_working_days(a: date, n: int, expected: date) -> None:
    assert add_working_days(a, n) == expected
    if n:
        assert wd(a, expected) == n


def test_add_working_days_is_first_date_reaching_n() -> None:
    # From Thursday 28 March 2024, 1 wd is Tuesday 2 April, not Saturday/Sunday/Monday.
    due = add_working_days(D(2024, 3, 28), 1)
    assert due == D(2024, 4, 2)
    for day in (D(2024, 3, 29), D(2024, 3, 30), D(2024, 3, 31), D(2024, 4, 1)):
        assert wd(D(2024, 3, 28), day) == 0


@pytest.mark.parametrize(
    ("b", "n", "expected"),
    [
        (D(2024, 4, 2), 1, D(2024, 3, 28)),  # 1 wd before the Tuesday after Easter
        (D(2024, 1, 15), 5, D(2024, 1, 8)),
        (D(2024, 1, 15), 10, D(2023, 12, 29)),  # 2-15 Jan is 9 wd (1 Jan holiday): Fri 29 Dec
    ],
)
def test_subtract_working_days(b: date, n: int, expected: date) -> None:
    assert subtract_working_days(b, n) == expected
    assert wd(expected, b) == n


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (D(2024, 6, 19), D(2024, 6, 19)),  # a Wednesday is itself
        (D(2024, 6, 22), D(2024, 6, 21)),  # Saturday: the Friday before
        (D(2024, 6, 23), D(2024, 6, 21)),  # Sunday
        (D(2024, 4, 1), D(2024, 3, 28)),  # Easter Monday, then Good Friday: Thursday
        (D(2023, 12, 26), D(2023, 12, 22)),  # Boxing Day, Christmas, a weekend: Friday 22nd
    ],
)
def test_working_day_on_or_before(d: date, expected: date) -> None:
    assert working_day_on_or_before(d) == expected


@pytest.mark.parametrize(
    ("d", "months", "expected"),
    [
        (D(2024, 5, 15), -12, D(2023, 5, 15)),  # KPIS.md example
        (D(2025, 3, 31), -30, D(2022, 9, 30)),  # KPIS.md example: clamped to 30 Sep
        (D(2024, 2, 29), 12, D(2025, 2, 28)),  # leap day plus a year
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 11, 30), 3, D(2024, 2, 29)),  # CP review due 3 months after start
    ],
)
def test_add_months_clamps(d: date, months: int, expected: date) -> None:
    assert add_months(d, months) == expected


def test_month_end() -> None:
    assert month_end(2024, 2) == D(2024, 2, 29)
    assert month_end(2023, 2) == D(2023, 2, 28)
    assert month_end(2024, 12) == D(2024, 12, 31)


def test_calendar_rows_support_wd_by_join() -> None:
    rows = {d: (w, n) for d, w, n in calendar_rows(D(2023, 12, 1), D(2024, 5, 31))}
    for a, b in [(D(2023, 12, 22), D(2024, 1, 2)), (D(2024, 2, 29), D(2024, 5, 7))]:
        assert rows[b][1] - rows[a][1] == wd(a, b)
    assert rows[D(2024, 3, 29)][0] is False
    assert is_working_day(D(2024, 4, 2))


def test_out_of_range_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="outside the working-day calendar"):
        wd(D(1980, 1, 1), D(2024, 1, 1))
