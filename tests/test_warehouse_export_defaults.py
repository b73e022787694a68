"""`lantern export`'s defaults, at their boundaries: the latest complete collection year
and Annex A's year to a date (month ends, a leap day)."""

from __future__ import annotations

from datetime import date

import pytest

from lantern.warehouse.export import annex_a_window, latest_collection_year


@pytest.mark.parametrize(("on", "year"), [
    (date(2024, 3, 30), 2023),  # the 2023-24 collection is not complete until 31 March
    (date(2024, 3, 31), 2024),
    (date(2024, 4, 1), 2024),
    (date(2024, 12, 31), 2024),
    (date(2025, 1, 1), 2024),
])
def test_latest_collection_year(on: date, year: int) -> None:
    assert latest_collection_year(on) == year


@pytest.mark.parametrize(("end", "start"), [
    (date(2024, 3, 31), date(2023, 4, 1)),
    (date(2024, 2, 29), date(2023, 3, 1)),  # a leap day: a year back is 28 Feb, +1 day
    (date(2025, 2, 28), date(2024, 2, 29)),  # the year to it includes the leap day
    (date(2024, 12, 31), date(2024, 1, 1)),
])
def test_annex_a_is_the_year_to_its_last_day(end: date, start: date) -> None:
    assert annex_a_window(end) == (start, end)


def test_annex_a_window_given_and_refused() -> None:
    assert annex_a_window(date(2024, 3, 31), date(2024, 3, 31)) == (
        date(2024, 3, 31), date(2024, 3, 31))
    with pytest.raises(ValueError, match="--annex-a-from 2024-04-01 is after --annex-a-to "
                                         "2024-03-31"):
        annex_a_window(date(2024, 3, 31), date(2024, 4, 1))
