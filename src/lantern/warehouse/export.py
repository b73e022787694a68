"""Export the warehouse as statutory files, through the formats/ writers.

CIN census XML and SSDA903 CSVs for each collection year (by default the years whose
files were loaded, else every year the data spans) and one Annex A workbook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta

from lantern.formats.annex_a import write_annex_a
from lantern.formats.cin_census import write_cin_census
from lantern.formats.ssda903 import write_ssda903
from lantern.warehouse.statutory import read_dataset
from lantern.warehouse.store import Warehouse


@dataclass
class Exported:
    cin_census: list[Path] = field(default_factory=list)
    ssda903: list[Path] = field(default_factory=list)
    annex_a: Path | None = None

    @property
    def files(self) -> list[Path]:
        return [*self.cin_census, *self.ssda903, *([self.annex_a] if self.annex_a else [])]


def loaded_years(wh: Warehouse, fmt: str) -> list[int]:
    rows = wh.con.execute(
        "SELECT DISTINCT collection_year FROM _source_files WHERE format = ? "
        "AND collection_year > 0 ORDER BY 1", [fmt]).fetchall()
    return [int(r[0]) for r in rows]


def latest_collection_year(on: date) -> int:
    """The collection year (the year of its 31 March) of the latest complete collection
    on ``on``: the last 31 March on or before it."""
    return on.year if on >= date(on.year, 3, 31) else on.year - 1


def default_years(wh: Warehouse, fmt: str, on: date) -> list[int]:
    """The years to export by default: those loaded from returns of this format, else
    the latest complete collection year on ``on`` (the data date)."""
    return loaded_years(wh, fmt) or [latest_collection_year(on)]


def annex_a_window(end: date, start: date | None = None) -> tuple[date, date]:
    """Annex A's period: to ``end`` from ``start``, by default the year to ``end``
    (1 April 2023 to 31 March 2024). Raises ValueError when start is after end."""
    first = start or end - relativedelta(years=1) + timedelta(days=1)
    if first > end:
        raise ValueError(f"--annex-a-from {first} is after --annex-a-to {end}")
    return first, end


def export_returns(
    wh: Warehouse,
    out_dir: Path,
    *,
    la_code: str,
    cin_years: list[int] | None = None,
    ssda903_years: list[int] | None = None,
    annex_a_window: tuple[date, date] | None = None,
    generated: datetime | None = None,
) -> Exported:
    """Write the returns under out_dir: cin_census/, ssda903/<year>/, annex_a/."""
    data = read_dataset(wh)
    out = Exported()
    for year in cin_years if cin_years is not None else loaded_years(wh, "cin"):
        path = out_dir / "cin_census" / f"CIN_Census_{year}.xml"
        out.cin_census.append(write_cin_census(data, path, collection_year=year,
                                               la_code=la_code, generated=generated))
    for year in ssda903_years if ssda903_years is not None else loaded_years(wh, "ssda903"):
        out.ssda903 += write_ssda903(data, out_dir / "ssda903" / str(year), collection_year=year)
    if annex_a_window is not None:
        start, end = annex_a_window
        out.annex_a = write_annex_a(data, out_dir / "annex_a" / f"Annex_A_{end:%Y-%m}.xlsx",
                                    start=start, end=end)
    return out
