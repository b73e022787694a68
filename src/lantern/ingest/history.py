"""The load history as people read it: each load of the warehouse with the validation
report written for it, and the validation reports (`ingest.report.write_report` writes
one under ``reports/validation/<run>/`` whenever a validation finds problems)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from lantern.warehouse.store import load_rows

REPORT_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,80}$")
REPORTS_LISTED = 100  # newest first
REPORT_WINDOW_MINUTES = 30  # a report belongs to a load if written this long before it


def loads(con: Any) -> list[dict[str, Any]]:
    """Loads, newest first: id, when (text and as UTC ``loaded_at_dt``), kind,
    authority, total rows, and ``report`` (None until `link_reports`)."""
    out = []
    for r in reversed(load_rows(con)):
        at = r["loaded_at"]
        when = at.replace(tzinfo=UTC) if isinstance(at, datetime) and at.tzinfo is None else at
        counts = r["row_counts"]
        out.append({"load_id": r["load_id"], "loaded_at": str(at), "kind": r["kind"],
                    "la_code": r["la_code"],
                    "rows": sum(counts.values()) if isinstance(counts, dict) else 0,
                    "loaded_at_dt": when if isinstance(when, datetime) else None,
                    "report": None})
    return out


def validation_reports(reports_dir: Path) -> list[dict[str, Any]]:
    """Validation reports under ``reports_dir/validation/<run>/problems.html``, newest
    first (the latest `REPORTS_LISTED`)."""
    folder = reports_dir / "validation"
    if not folder.exists():
        return []
    found = [f for f in folder.glob("*/problems.html") if REPORT_NAME.match(f.parent.name)]
    found.sort(key=lambda f: f.stat().st_mtime, reverse=True)
    out = []
    for f in found[:REPORTS_LISTED]:
        at = datetime.fromtimestamp(f.stat().st_mtime, UTC)
        out.append({"name": f.parent.name, "at": at, "written": f"{at:%Y-%m-%d %H:%M}",
                    "csv": (f.parent / "problems.csv").exists(), "load_id": None})
    return out


def validation_report_file(reports_dir: Path, name: str, kind: str) -> Path | None:
    """The file of one validation report (``html`` or ``csv``), if it exists."""
    if not REPORT_NAME.match(name) or name.startswith(".") or kind not in ("html", "csv"):
        return None
    path = reports_dir / "validation" / name / f"problems.{kind}"
    return path if path.is_file() else None


def link_reports(load_rows_: list[dict[str, Any]], reports: list[dict[str, Any]],
                 window_minutes: int = REPORT_WINDOW_MINUTES) -> None:
    """Give each load the validation report written for it: the latest report written
    in the ``window_minutes`` before it was loaded (and after the previous load). The
    ingest writes a report only when there are problems, so most loads have none."""
    times = sorted(((r["loaded_at_dt"], r) for r in load_rows_ if r.get("loaded_at_dt")),
                   key=lambda x: x[0])
    previous: datetime | None = None
    for at, row in times:
        start = at - timedelta(minutes=window_minutes)
        if previous is not None and previous > start:
            start = previous
        fits = [rep for rep in reports if start <= rep["at"] <= at + timedelta(minutes=1)]
        if fits:
            best = max(fits, key=lambda rep: rep["at"])
            row["report"] = best["name"]
            best["load_id"] = row["load_id"]
        previous = at


def history(con: Any, reports_dir: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(loads, validation reports), each load linked to its report."""
    rows, reports = loads(con), validation_reports(reports_dir)
    link_reports(rows, reports)
    return rows, reports
