"""`lantern export`: the warehouse as statutory files, with what such an export owes.

The files name children, so every child in them gets an access-log entry (read back
from the written files as a load would read them: `pipeline.children_named`), as an
export from the web app does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from lantern.config import Settings
from lantern.ingest.pipeline import children_named
from lantern.security.operator import record_operator_access
from lantern.warehouse.export import Exported, annex_a_window, default_years, export_returns
from lantern.warehouse.meta import read_authority
from lantern.warehouse.store import Warehouse


class ExportRefused(ValueError):
    """The export cannot be made as asked (a sentence for the person)."""


@dataclass(frozen=True)
class ExportRun:
    written: Exported
    annex_a: tuple[date, date]  # Annex A's first and last day
    children_named: int  # each has an access-log entry


def export_and_record(settings: Settings, out: Path, *, years: list[int] | None = None,
                      annex_a_from: date | None = None, annex_a_to: date | None = None,
                      la_code: str | None = None) -> ExportRun:
    """Write CIN census XML and SSDA903 CSVs for ``years`` (default: the years loaded,
    else the latest complete collection year) and Annex A from ``annex_a_from`` to
    ``annex_a_to`` (default: the year to the data date), then log every child named.
    Raises `ExportRefused` when the request cannot be met."""
    from lantern.casework import data_date

    with Warehouse(settings.warehouse_path, read_only=True) as wh:
        try:
            window = annex_a_window(annex_a_to or data_date(wh.con), annex_a_from)
        except ValueError as e:
            raise ExportRefused(str(e)) from None
        la = la_code or read_authority(wh.con).la_code
        if not la:
            raise ExportRefused("the warehouse records no local authority code: give one "
                             "with --la")
        written = export_returns(
            wh, out, la_code=la, annex_a_window=window,
            cin_years=years or default_years(wh, "cin", window[1]),
            ssda903_years=years or default_years(wh, "ssda903", window[1]))
    files = written.files
    named = record_operator_access(
        settings, "export_returns", children_named(files), path=str(out.resolve()),
        detail=f"{len(files)} files; Annex A {window[0]} to {window[1]}")
    return ExportRun(written, window, named)
