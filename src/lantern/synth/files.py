"""Write a simulated authority in every format Lantern reads: the same truth, four shapes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa

from lantern.calendar import add_months
from lantern.formats import ssd_csv
from lantern.formats._common import shared_rows

Dataset = dict[str, pa.Table]


@dataclass
class WrittenFiles:
    root: Path
    ssd_extract: Path
    local: Path | None = None  # the local tables' CSV files (`lantern template`)
    cin_census: list[Path] = field(default_factory=list)
    ssda903: list[Path] = field(default_factory=list)
    annex_a: Path | None = None

    def latest_returns(self, years: int = 2) -> list[Path]:
        """The statutory returns of the latest ``years`` collection years (a return and
        the year before it, by default): their CIN census files and SSDA903 folders,
        and the Annex A workbook."""
        folders = sorted({p.parent for p in self.ssda903})[-years:]
        return [*sorted([*self.cin_census[-years:], *folders]),
                *([self.annex_a] if self.annex_a else [])]


def write_local(data: Dataset, out_dir: Path) -> list[Path]:
    """The local tables as a council keeps them: one CSV each, named as people would
    (`marac_referrals.csv`), the header as `lantern template` prints it."""
    from lantern.formats.local_csv import local_tables

    names = {name: f"{name.removeprefix('lantern_')}.csv" for name in local_tables()}
    return ssd_csv.write_extract(data, out_dir, local=True, names=names)


def collection_years(start: date, end: date) -> list[int]:
    """Collection years (the year of the 31 March) whose 1 April–31 March overlaps the data."""
    first = start.year + 1 if start.month >= 4 else start.year
    last = end.year + 1 if end.month >= 4 else end.year
    return list(range(first, last + 1))


def write_all(
    data: Dataset,
    out_dir: Path,
    *,
    la_code: str,
    start: date,
    end: date,
    step: Callable[[str], None] = lambda _: None,
) -> WrittenFiles:
    """SSD extract, a CIN census XML and SSDA903 CSVs per collection year, Annex A."""
    from lantern.formats.annex_a import write_annex_a
    from lantern.formats.cin_census import write_cin_census
    from lantern.formats.ssda903 import write_ssda903

    out_dir.mkdir(parents=True, exist_ok=True)
    written = WrittenFiles(root=out_dir, ssd_extract=out_dir / "ssd")
    step("SSD extract")
    ssd_csv.write_extract(data, written.ssd_extract, local=False)
    written.local = out_dir / "local"
    write_local(data, written.local)
    with shared_rows():  # each table converted once for every year's files
        for year in collection_years(start, end):
            step(f"CIN census {year - 1}-{str(year)[2:]}")
            path = out_dir / "cin_census" / f"CIN_Census_{year}.xml"
            path.parent.mkdir(parents=True, exist_ok=True)
            written.cin_census.append(
                write_cin_census(data, path, collection_year=year, la_code=la_code)
            )
            step(f"SSDA903 {year - 1}-{str(year)[2:]}")
            written.ssda903 += write_ssda903(
                data, out_dir / "ssda903" / str(year), collection_year=year, as_at=end
            )
        step("Annex A")
        annex_start = add_months(end, -12) + timedelta(days=1)
        path = out_dir / "annex_a" / f"Annex_A_{end:%Y-%m}.xlsx"
        path.parent.mkdir(parents=True, exist_ok=True)
        written.annex_a = write_annex_a(data, path, start=annex_start, end=end)
    return written
