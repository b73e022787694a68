"""SSD-style extract: one CSV per canonical table, headers as in the SSD objects."""

from __future__ import annotations

from pathlib import Path

from lantern.ingest.readers import ReadResult, csv_table, problem, read_csv
from lantern.model import table as model_table


def read_ssd(path: Path, table: str) -> ReadResult:
    """Read one extract file holding canonical table `table` (from its file name)."""
    header, records, problems = read_csv(path)
    out = ReadResult(problems=problems)
    if not header:
        return out
    spec = model_table(table)
    header = [h.lower() for h in header]
    missing = [c for c in spec.column_names if c not in header]
    extra = [c for c in header if c not in spec.column_names]
    if missing:
        out.problems.append(problem(
            path, "row 1", ", ".join(missing), None, "read-missing-column",
            f"the header lacks {len(missing)} column(s) of {table}",
            f"the columns {', '.join(spec.column_names)}"))
        return out
    if extra:
        out.notes.append(f"{path}: columns not in the model were ignored: {', '.join(extra)}")
    source, row_problems = csv_table(path, header, records, fmt="ssd", name=table, year=None)
    out.problems += row_problems
    for row in source.rows:
        for col in extra:
            row.pop(col, None)
    source.columns = [c for c in header if c not in extra]
    out.tables.append(source)
    return out
