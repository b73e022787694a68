"""Local tables (`lantern_*`, `source: local` in the model): one CSV template each.

Councils keep fostering households, MARAC and LADO referrals, private fostering and
homeless 16/17 presentations in spreadsheets no statutory return carries. Each local
table has a fixed header (its model columns, in model order): `lantern template TABLE`
prints it, and `lantern ingest` recognises a file by that header whatever the file is
called. Values are as in the SSD extract: dates ISO (YYYY-MM-DD), codes from
`codes.yml`, empty cells blank.
"""

from __future__ import annotations

import csv
import io

from lantern.model import Table, tables


def local_tables() -> dict[str, Table]:
    """Every local table by name, in model order."""
    return {name: t for name, t in tables().items() if t.local}


def template(name: str) -> str:
    """The template of local table `name`: its header line, nothing else (loadable as is)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(local_tables()[name].column_names)
    return out.getvalue()


def table_for_header(header: list[str] | None) -> Table | None:
    """The local table whose every column the header names (case and order aside).

    A file may carry extra columns (they are ignored, with a note); where two tables fit,
    the one with more columns wins (its header says more), a tie recognises nothing."""
    if not header:
        return None
    cols = {h.strip().lower() for h in header if h.strip()}
    fits = sorted(((len(t.columns), t.name) for t in local_tables().values()
                   if set(t.column_names) <= cols), reverse=True)
    if not fits or (len(fits) > 1 and fits[0][0] == fits[1][0]):
        return None
    return local_tables()[fits[0][1]]


def nearest_table(header: list[str] | None) -> str | None:
    """Why a CSV nearly is a local table: which, and the columns missing or extra."""
    if not header:
        return None
    cols = {h.strip().lower() for h in header if h.strip()}
    best = max(local_tables().values(), key=lambda t: len(set(t.column_names) & cols))
    expected = set(best.column_names)
    if len(expected & cols) < max(2, len(expected) // 2):
        return None
    missing = [c for c in best.column_names if c not in cols]
    return (f"columns nearly match the local table {best.name} (`lantern template "
            f"{best.name}`): missing {', '.join(missing)}")
