"""Downloads of what a page shows, as CSV or Excel (cells safe to open: `lantern.tabular`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import HTTPException
from starlette.responses import Response

from lantern.tabular import Row, csv_text, xlsx_bytes

FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise HTTPException(404, f"No {fmt!r} download: choose CSV (.csv) or Excel (.xlsx).")
    return fmt


def table_response(fmt: str, name: str, columns: Sequence[str], rows: Iterable[Row],
                   headers: Sequence[str] | None = None, title: str = "") -> Response:
    """``rows`` as a download named ``name.csv`` or ``name.xlsx``."""
    check_format(fmt)
    disposition = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    if fmt == "csv":
        return Response(csv_text(columns, rows, headers),
                        media_type="text/csv; charset=utf-8", headers=disposition)
    return Response(xlsx_bytes(title or name, columns, rows, headers), media_type=XLSX,
                    headers=disposition)


def scorecard_table(sections: list[dict[str, Any]]) -> tuple[list[str], list[str],
                                                             list[dict[str, Any]]]:
    """Scorecard sections as one table: columns, headers, rows (suppressed figures
    are already blank in the rows the viewer was given)."""
    columns = ["section", "title", "kpi_id", "period", "value", "unit", "numerator",
               "denominator", "target", "status", "change", "england",
               "statistical_neighbours"]
    headers = ["Section", "Indicator", "Indicator id", "Period", "Value", "Unit",
               "Numerator", "Denominator", "Target", "Against target", "Since last period",
               "England", "Statistical neighbours"]
    rows = [{"section": s["title"], **r, "status": r.get("status_word") or "",
             "change": r.get("since_last") or "",
             "statistical_neighbours": r.get("stat_neighbours")}
            for s in sections for r in s["rows"]]
    return columns, headers, rows
