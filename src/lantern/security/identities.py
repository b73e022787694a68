"""Adults' identities in local records (MARAC victims, LADO subjects, private foster
carers): visible only to the roles configured to see them, every view logged.

The columns are those marked `identity: true` in the model; who sees each is
configuration (`identities.yml`, or your copy in `LANTERN_IDENTITY_ROLES`). Anyone else
sees "withheld", as for a suppressed figure. Every view that shows one writes ONE
access-log entry (`view_adult_identity`) naming the column and the records, as a view of
children's identities does. A list of records (a drill-down) goes through `guard_rows`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from lantern.model import tables
from lantern.security.access_log import AccessLog
from lantern.security.operator import OPERATOR_ROLE
from lantern.security.policy import ROLES, SUPPRESSED, Principal

ACTION = "view_adult_identity"
RECORDS_MARK = "records:"  # in `detail`, before the ids of the records shown


def identity_columns() -> dict[str, str]:
    """Identity column -> its table, for every column marked `identity: true`."""
    return {c.name: t.name for t in tables().values() for c in t.columns if c.identity}


@cache
def _load(path: str | None) -> dict[str, frozenset[str]]:
    if path is None:
        text = resources.files(__package__).joinpath("identities.yml").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"identity roles {path}: not YAML ({exc})") from None
    if not isinstance(raw, dict):
        raise ValueError(f"identity roles {path or 'identities.yml'}: expected a mapping "
                         f"of table.column to roles")
    known = {f"{t}.{c}" for c, t in identity_columns().items()}
    out: dict[str, frozenset[str]] = {}
    for key, roles in raw.items():
        if key not in known:
            raise ValueError(f"identity roles: {key!r} is not an identity column; they are "
                             f"{', '.join(sorted(known))}")
        bad = [r for r in roles or [] if r not in (*ROLES, OPERATOR_ROLE)]
        if bad:
            raise ValueError(f"identity roles: {key}: unknown role(s) {', '.join(bad)}")
        out[key] = frozenset(roles or [])
    return out


def identity_roles() -> dict[str, frozenset[str]]:
    """`table.column` -> roles that see it (a column not configured: no one)."""
    from lantern.config import get_settings

    path = get_settings().identity_roles
    return _load(str(path) if path else None)


def visible_identity(viewer: Principal, table: str, column: str) -> bool:
    """May `viewer` see this adult identity column of a local table?"""
    if viewer.aggregate_only:
        return False
    return viewer.role in identity_roles().get(f"{table}.{column}", frozenset())


def log_identity_view(log: AccessLog, viewer: Principal, table: str, column: str,
                      record_ids: Iterable[str], *, path: str = "", detail: str = "") -> int:
    """ONE access-log entry for one view showing `column` of these records (0 if none)."""
    ids = sorted({str(r) for r in record_ids})
    if not ids:
        return 0
    named = f"{table}.{column}; {RECORDS_MARK} {' '.join(ids)}"
    return log.record_many(viewer, ACTION, [None], path=path,
                           detail=f"{detail}; {named}" if detail else named)


def guard_rows(viewer: Principal, rows: list[dict[str, Any]], *, key: str = "event_id"
               ) -> tuple[list[dict[str, Any]], dict[tuple[str, str], list[str]]]:
    """Rows with every identity column the viewer may not see withheld, and what was
    shown: (table, column) -> the `key` of each row showing it, for `log_identity_view`
    (log them before the rows are shown)."""
    columns = identity_columns()
    shown: dict[tuple[str, str], list[str]] = {}
    out = []
    for row in rows:
        row = dict(row)
        for col in row.keys() & columns.keys():
            if row[col] in (None, ""):
                continue
            if visible_identity(viewer, columns[col], col):
                shown.setdefault((columns[col], col), []).append(str(row.get(key, "")))
            else:
                row[col] = SUPPRESSED
        out.append(row)
    return out, shown
