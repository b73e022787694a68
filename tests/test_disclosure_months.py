"""Differencing across months (issue #13, the board's view), worked by hand: this
month's 12-month figure less last month's is this month's in-month count less that of a
year ago, so with one of them shown the other follows.
`security.disclosure.protect_series` decides each figure's windows and months month by
month so that no such difference gives a small count back. The attack on the board's
pages for two consecutive months is in tests/test_disclosure_attack.py."""

from __future__ import annotations

from lantern.months import Month
from lantern.security.disclosure import SeriesCells, protect_series


def _window(m: str) -> list[str]:
    end = Month.parse(m)
    return [str(end - k) for k in range(12)]


def _months(first: str, n: int) -> list[str]:
    return [str(Month.parse(first) + k) for k in range(n)]


def _cells(counts_by_month: dict[str, int], order: list[str],
           withheld_months: frozenset[str] = frozenset()) -> SeriesCells:
    windows = {m: (sum(counts_by_month.get(k, 0) for k in _window(m)),) for m in order}
    return SeriesCells(12, windows, {m: (n,) for m, n in counts_by_month.items()},
                       frozenset(), withheld_months)


def test_a_small_month_a_year_on_is_protected_by_withholding_the_later_month() -> None:
    # Ten referrals a month, but 3 in February 2024 (withheld in its own table). The
    # pages show January 2024 on. December 2024's window holds February and eleven
    # months shown: less those, it gives back 3 — so December's in-month count goes
    # too, and February 2025's (whose window holds both) as well.
    counts_by_month = {m: 10 for m in _months("2023-01", 26)}
    counts_by_month["2024-02"] = 3
    order = _months("2024-01", 14)
    windows, months = protect_series(_cells(counts_by_month, order, frozenset({"2024-02"})),
                                     order)
    assert windows == frozenset()
    assert months == {"2024-02", "2024-12", "2025-02"}


def test_a_window_that_gives_back_a_small_month_is_withheld() -> None:
    # The charts show February 2023 on, so February 2024's window holds eleven months
    # shown and February 2024 (2, withheld in its own table): less the eleven, it gives
    # back 2. Withholding February's in-month count again does nothing, so its window
    # goes. (Its difference from January's, I(Feb 2024) − I(Feb 2023), gives the same.)
    counts_by_month = {m: 8 for m in _months("2023-01", 14)}
    counts_by_month["2024-02"] = 2
    order = _months("2023-02", 13)  # charts from February 2023: February 2023 is shown
    windows, months = protect_series(_cells(counts_by_month, order, frozenset({"2024-02"})),
                                     order)
    assert "2024-02" in months
    assert "2024-02" in windows, "February's window less the months shown gives back 2"


def test_decisions_for_a_month_do_not_depend_on_later_months() -> None:
    # Consistency across pages: November's page and December's withhold the same for
    # every month both show.
    counts_by_month = {m: (7 if m.endswith("-03") else 2 if m == "2024-05" else 9)
                       for m in _months("2023-01", 30)}
    order = _months("2024-01", 11)
    small = frozenset({"2024-05"})
    to_nov = protect_series(_cells(counts_by_month, order, small), order)
    to_dec = protect_series(_cells(counts_by_month, [*order, "2024-12"], small),
                            [*order, "2024-12"])
    assert {m for m in to_dec[1] if m in order} == set(to_nov[1])
    assert {m for m in to_dec[0] if m in order} == set(to_nov[0])
