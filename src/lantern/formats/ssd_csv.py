"""The SSD-style extract: one CSV per canonical table, headers = the SSD column names.

Dates are ISO (YYYY-MM-DD); empty cells are NULL. This is the format the synthetic
generator writes and the format an authority running the Standard Safeguarding
Dataset can export directly.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from lantern.model import Table, tables

Dataset = dict[str, pa.Table]


def file_name(table: Table) -> str:
    return f"{table.name}.csv"


def write_extract(data: Dataset, out_dir: Path, *, local: bool | None = None,
                  names: dict[str, str] | None = None) -> list[Path]:
    """Write every canonical table (empty ones as a header row) to out_dir; with `local`
    False only the SSD's own tables, True only the local ones. `names`: table -> file
    name, for files recognised by their header (local tables), not their name."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for table in tables().values():
        if local is not None and table.local != local:
            continue
        path = out_dir / (names or {}).get(table.name, file_name(table))
        arrow = data.get(table.name)
        if arrow is None or arrow.num_rows == 0:
            with path.open("w", newline="", encoding="utf-8") as fh:
                csv.writer(fh).writerow(table.column_names)
        else:
            arrow = arrow.select(table.column_names).cast(table.arrow_schema())
            pacsv.write_csv(
                arrow, path, pacsv.WriteOptions(include_header=True, quoting_style="needed")
            )
        written.append(path)
    return written


def table_for_file(path: Path) -> Table | None:
    """The canonical table an extract file holds, by its name (ssd_person.csv → ssd_person)."""
    return tables().get(path.stem.lower())
