"""The date the warehouse's data runs to: "today" for work lists over a loaded extract."""

from __future__ import annotations

from datetime import date

import duckdb

from lantern.casework._sql import table_names

# Columns that move every day in a live extract.
_PROBES = (
    ("ssd_contacts", "cont_contact_date"),
    ("ssd_cin_episodes", "cine_referral_date"),
    ("ssd_involvements", "invo_involvement_start_date"),
)


def data_date(con: duckdb.DuckDBPyConnection, today: date | None = None) -> date:
    """The latest recorded contact, referral or allocation date, but not after today.

    Work lists (due, overdue) are computed as at this date, so an extract loaded last
    week, or the synthetic demo authority, shows what was due when it was taken.
    """
    today = today or date.today()
    present = table_names(con)
    parts = [f"SELECT max({col}) AS d FROM {t} WHERE {col} <= $today"
             for t, col in _PROBES if t in present]
    if not parts:
        return today
    found = con.execute(f"SELECT max(d) FROM ({' UNION ALL '.join(parts)})",
                        {"today": today}).fetchone()
    return found[0] if found and found[0] is not None else today


def first_data_month(con: duckdb.DuckDBPyConnection) -> str | None:
    """The earliest month with a recorded contact, referral or allocation ('YYYY-MM'),
    or None when nothing is loaded."""
    present = table_names(con)
    parts = [f"SELECT min({col}) AS d FROM {t}" for t, col in _PROBES if t in present]
    if not parts:
        return None
    found = con.execute(f"SELECT min(d) FROM ({' UNION ALL '.join(parts)})").fetchone()
    return None if not found or found[0] is None else f"{found[0]:%Y-%m}"
