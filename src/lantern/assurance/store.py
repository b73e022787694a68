"""Every month's assurance, computed once per load and kept in the warehouse.

Working out a month from scratch takes seconds to tens of seconds (24 months of every
indicator by authority, service and team; the children behind each deep dive). Done
once after each load for every month a person can open (the latest complete month and
the 23 before it), and stored, every page, command and report for any of those months
reads it back in well under a second.

What is stored (tables keyed by the load they were computed from):

- ``_assurance_store`` — one row: the load, the months covered, the settings the
  figures used (``fingerprint``) and how long the computation took;
- ``_assurance_rows`` — the indicator engine's rows: every indicator, period and month
  of the charts' history by authority, service and team, and each stored month by the
  characteristics (worker, age band, sex, ethnicity, disability) and by the attributes
  of a subject's own record (household type, employer sector, referring agency);
- ``_assurance_exceptions`` — each month's exception report in order, with the
  children behind each deep dive (the drill-down counts).

SPC, status words and the change since last month are worked out again from the
stored rows when read (pure functions over 24 points; milliseconds), so they always
follow the code and the targets in force.

The store is written in one transaction after the load has committed (all or nothing:
a failed write leaves the previous store, which names an older load and so is not
used). A reader uses it only when it was computed from the warehouse's latest load
with the same population and authority; when the targets, materiality or process
changes differ, the exceptions are rebuilt from the stored rows; otherwise (or for a
month outside the store) the month is computed as before.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from lantern.assurance.decline import WINDOW_MONTHS, Materiality, load_materiality
from lantern.assurance.exceptions import ExceptionItem, build_exceptions
from lantern.assurance.inputs import (
    MONTHS_OFFERED,
    IndicatorRow,
    add_months,
    latest_complete_month,
)
from lantern.assurance.monthly import (
    BREAKDOWNS,
    HISTORY_MONTHS,
    LocalFigures,
    MonthlyAssurance,
    assemble,
    assure_month,
    drill_lookup,
    history_months,
    metas,
)
from lantern.assurance.targets import Target, load_targets
from lantern.casework import data_date, team_services
from lantern.measures.catalogue import from_app_db
from lantern.measures.engine import KpiRow, compute
from lantern.measures.subjects import RECORD_BREAKDOWNS
from lantern.months import Month
from lantern.months import months as month_run

STORE_MONTHS = MONTHS_OFFERED
"""Months stored: as many as a person can choose."""
CHARACTERISTICS = ("worker", "age_band", "sex", "ethnicity", "disability",
                   *RECORD_BREAKDOWNS)
"""The breakdowns stored for the months shown only: a child's characteristics and the
attributes of a subject's own record (a household's type, a LADO referral's employer
sector, a MARAC referral's referring agency: `measures.subjects.RecordBreakdown`)."""
VERSION = 3  # bump when what is stored changes shape or meaning

DDL = (
    """CREATE TABLE IF NOT EXISTS _assurance_store (
        load_id BIGINT, first_month VARCHAR, last_month VARCHAR, rows_key VARCHAR,
        fingerprint VARCHAR, computed_at TIMESTAMP, seconds DOUBLE)""",
    """CREATE TABLE IF NOT EXISTS _assurance_rows (
        load_id BIGINT, kpi_id VARCHAR, month VARCHAR, period VARCHAR, breakdown VARCHAR,
        breakdown_value VARCHAR, numerator DOUBLE, denominator DOUBLE, value DOUBLE,
        status VARCHAR, reason VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS _assurance_exceptions (
        load_id BIGINT, month VARCHAR, position INTEGER, kind VARCHAR, severity VARCHAR,
        service VARCHAR, kpi_id VARCHAR, breakdown VARCHAR, breakdown_value VARCHAR,
        message VARCHAR, rule VARCHAR, month_values VARCHAR, children VARCHAR)""",
)
ROW_SCHEMA = pa.schema([
    ("kpi_id", pa.string()), ("month", pa.string()), ("period", pa.string()),
    ("breakdown", pa.string()), ("breakdown_value", pa.string()),
    ("numerator", pa.float64()), ("denominator", pa.float64()), ("value", pa.float64()),
    ("status", pa.string()), ("reason", pa.string()),
])
"""The engine's rows (`KpiRow`) as the store keeps them."""
_ROW_COLUMNS = tuple(ROW_SCHEMA.names)


def compute_arrow(con: Any, months: Sequence[str], **kw: Any) -> pa.Table:
    """`measures.engine.compute`'s rows as an Arrow table (`ROW_SCHEMA`)."""
    rows = compute(con, months, **kw)
    return pa.Table.from_pylist([r.as_dict() for r in rows], schema=ROW_SCHEMA)


@dataclass(frozen=True)
class Basis:
    """What the figures depend on besides the warehouse's rows: the authority, its
    population, the recorded process changes and the targets file."""

    la_code: str
    population: int | None
    process_changes: tuple[tuple[str, str], ...] = ()
    targets_path: str | None = None

    @classmethod
    def of(cls, authority: Any, targets_path: str | None) -> Basis:
        """From a `warehouse.meta.Authority` (la_code, population, process_changes)."""
        return cls(authority.la_code, authority.population,
                   tuple((str(m), str(label)) for m, label in authority.process_changes),
                   targets_path)

    def rows_key(self) -> str:
        """The engine's rows depend only on the authority and its population."""
        return _digest({"v": VERSION, "la": self.la_code, "population": self.population})

    def fingerprint(self) -> str:
        """Everything the exceptions depend on: rows, targets, materiality, changes."""
        targets, materiality = _configured(self.targets_path)
        return _digest({"rows": self.rows_key(),
                        "targets": {k: [t.target, t.tolerance] for k, t in targets.items()},
                        "materiality": asdict(materiality),
                        "changes": [list(c) for c in self.process_changes],
                        "history": HISTORY_MONTHS})


@dataclass(frozen=True)
class StoreSummary:
    load_id: int
    first_month: str
    last_month: str
    rows: int
    exceptions: int
    seconds: float


def _digest(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()[:32]


def latest_load_id(con: duckdb.DuckDBPyConnection) -> int:
    """The warehouse's latest load (0 for a warehouse filled without `lantern ingest`)."""
    try:
        row = con.execute("SELECT coalesce(max(load_id), 0) FROM _loads").fetchone()
    except duckdb.CatalogException:
        return 0
    return int(row[0]) if row else 0


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    for ddl in DDL:
        con.execute(ddl)


# --------------------------------------------------------------------------- writing


def store_assurance(con: duckdb.DuckDBPyConnection, basis: Basis, *,
                    last_month: str | None = None, months: int = STORE_MONTHS,
                    local: LocalFigures | None = None) -> StoreSummary:
    """Compute every stored month's assurance from the warehouse on ``con`` (and the
    quality-assurance indicators' rows from ``local``) and replace the store with it in
    one transaction. ``last_month``: default, the latest complete month of data (as the
    web app's)."""
    started = time.perf_counter()
    last = last_month or latest_complete_month(data_date(con))
    shown = history_months(last, months)
    every = history_months(last, months + HISTORY_MONTHS - 1)
    kw: dict[str, Any] = {"population": basis.population, "la_code": basis.la_code}
    rows = compute_arrow(con, every, breakdowns=BREAKDOWNS, **kw)
    if local is not None:
        rows = pa.concat_tables([rows, pa.Table.from_pylist(
            local.rows(every, BREAKDOWNS), schema=ROW_SCHEMA)])
    by_characteristic = _only(compute_arrow(con, shown, breakdowns=CHARACTERISTICS, **kw),
                              CHARACTERISTICS)
    exceptions = _every_months_exceptions(con, basis, rows.to_pylist(), shown, local)
    load_id = latest_load_id(con)
    seconds = time.perf_counter() - started
    create_tables(con)
    con.execute("BEGIN TRANSACTION")
    try:
        for table in ("_assurance_store", "_assurance_rows", "_assurance_exceptions"):
            con.execute(f"DELETE FROM {table}")
        cols = ", ".join(_ROW_COLUMNS)
        for arrow in (rows, by_characteristic):
            con.register("_assured_in", arrow)
            # In month order: a month's window is then a few row groups, not a scan.
            con.execute(f"INSERT INTO _assurance_rows SELECT {load_id}, {cols} "
                        "FROM _assured_in ORDER BY month, kpi_id")
            con.unregister("_assured_in")
        _insert_exceptions(con, load_id, exceptions)
        con.execute("INSERT INTO _assurance_store VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [load_id, shown[0], last, basis.rows_key(), basis.fingerprint(),
                     datetime.now(UTC).replace(tzinfo=None), seconds])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return StoreSummary(load_id, shown[0], last, rows.num_rows + by_characteristic.num_rows,
                        sum(len(v) for v in exceptions.values()), seconds)


def store_local(con: duckdb.DuckDBPyConnection, basis: Basis, local: LocalFigures
                ) -> int:
    """Replace the stored quality-assurance rows with ``local``'s (audits recorded since
    the load: the demo's year of audits, a paper import) and rebuild every stored
    month's exceptions from the stored rows, in one transaction; the warehouse's own
    rows are kept. Returns the rows stored (0 when there is no store for the latest
    load: the next load stores them)."""
    head = stored(con)
    if head is None:
        return 0
    shown = [str(m) for m in month_run(Month.parse(head.first_month),
                                        Month.parse(head.last_month))]
    every = history_months(head.last_month, len(shown) + HISTORY_MONTHS - 1)
    qa = pa.Table.from_pylist(local.rows(every, BREAKDOWNS), schema=ROW_SCHEMA)
    qa_ids = sorted(set(qa.column("kpi_id").to_pylist()))
    kept = [r.as_dict() for r in stored_rows(con, every, BREAKDOWNS, basis) or []
            if not from_app_db(r.kpi_id)]
    exceptions = _every_months_exceptions(con, basis, kept + qa.to_pylist(), shown, local,
                                          known=_drilled(con, head.load_id))
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM _assurance_rows WHERE load_id = ? "
                    "AND list_contains(?, kpi_id)", [head.load_id, qa_ids])
        con.register("_assured_in", qa)
        con.execute(f"INSERT INTO _assurance_rows SELECT {head.load_id}, "
                    f"{', '.join(_ROW_COLUMNS)} FROM _assured_in ORDER BY month, kpi_id")
        con.unregister("_assured_in")
        con.execute("DELETE FROM _assurance_exceptions")
        _insert_exceptions(con, head.load_id, exceptions)
        con.execute("UPDATE _assurance_store SET fingerprint = ?", [basis.fingerprint()])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return qa.num_rows


def _drilled(con: duckdb.DuckDBPyConnection, load_id: int
             ) -> dict[tuple[str, str, str, str], Sequence[str]]:
    """The children behind each warehouse deep dive already stored (drilling them again
    is most of a store's time), by (indicator, month, breakdown, value)."""
    out: dict[tuple[str, str, str, str], Sequence[str]] = {}
    for e in (e for month in _stored_months(con, load_id)
              for e in _stored_exceptions(con, load_id, month)):
        if e.children and not from_app_db(e.kpi_id):
            for m, kids in zip(sorted(e.values), e.children, strict=False):
                out[e.kpi_id, m, e.breakdown, e.breakdown_value] = kids
    return out


def _stored_months(con: duckdb.DuckDBPyConnection, load_id: int) -> list[str]:
    return [r[0] for r in con.execute("SELECT DISTINCT month FROM _assurance_exceptions "
                                      "WHERE load_id = ? ORDER BY month", [load_id]).fetchall()]


def _only(rows: pa.Table, breakdowns: Sequence[str]) -> pa.Table:
    """The rows of ``breakdowns``. The engine also gives an indicator the data cannot
    give as one authority row saying why, whatever breakdowns are asked for; the
    authority's rows are stored once, from the authority-service-team run."""
    return rows.filter(pc.is_in(rows["breakdown"], value_set=pa.array(list(breakdowns))))


def _every_months_exceptions(con: duckdb.DuckDBPyConnection, basis: Basis,
                             rows: list[dict[str, Any]], shown: list[str],
                             local: LocalFigures | None = None,
                             known: dict[tuple[str, str, str, str], Sequence[str]] | None
                             = None) -> dict[str, list[ExceptionItem]]:
    """Each shown month's exception report. One drill-down per indicator serves every
    month's deep dives (the months shown and the two before the first); ``known``:
    children already drilled, by (indicator, month, breakdown, value)."""
    targets, materiality = _configured(basis.targets_path)
    changes = [m for m, _ in basis.process_changes]
    ts = team_services(con)
    drill = drill_lookup(con, history_months(shown[-1], len(shown) + WINDOW_MONTHS - 1),
                         local)

    def lookup(kpi_id: str, m: str, breakdown: str, value: str) -> Sequence[str]:
        got = (known or {}).get((kpi_id, m, breakdown, value))
        return got if got is not None else drill(kpi_id, m, breakdown, value)
    by_month: dict[str, list[IndicatorRow]] = {}
    for r in rows:  # normalised once for every month that reads them
        by_month.setdefault(r["month"], []).append(IndicatorRow(**r))
    out: dict[str, list[ExceptionItem]] = {}
    for month in shown:
        mine = [r for m in history_months(month) for r in by_month.get(m, [])]
        out[month] = build_exceptions(
            mine, metas(), month, targets,
            process_changes={"*": changes} if changes else None,
            team_service=ts, children_lookup=lookup, materiality=materiality)
    return out


@lru_cache(maxsize=8)
def _configured_at(path: str | None, version: int | None
                   ) -> tuple[dict[str, Target], Materiality]:
    return load_targets(path), load_materiality(path)


def _configured(path: str | None) -> tuple[dict[str, Target], Materiality]:
    """The targets and materiality of a targets file (read once per version of it)."""
    try:
        version = Path(path).stat().st_mtime_ns if path else None
    except OSError:
        version = None
    return _configured_at(path, version)


def _insert_exceptions(con: duckdb.DuckDBPyConnection, load_id: int,
                       exceptions: dict[str, list[ExceptionItem]]) -> None:
    records = [
        (load_id, month, n, e.kind, e.severity, e.service, e.kpi_id, e.breakdown,
         e.breakdown_value, e.message, e.rule, json.dumps(e.values),
         json.dumps([list(c) for c in e.children]))
        for month, items in exceptions.items() for n, e in enumerate(items)
    ]
    if records:
        con.executemany("INSERT INTO _assurance_exceptions VALUES "
                        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", records)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Stored:
    """The store's header, when it fits the warehouse's latest load."""

    load_id: int
    first_month: str
    last_month: str
    rows_key: str
    fingerprint: str

    def holds(self, month: str) -> bool:
        return self.first_month <= month <= self.last_month


def stored(con: duckdb.DuckDBPyConnection) -> Stored | None:
    """The store, if there is one computed from the warehouse's latest load."""
    try:
        row = con.execute("SELECT load_id, first_month, last_month, rows_key, fingerprint "
                          "FROM _assurance_store").fetchone()
    except duckdb.CatalogException:
        return None
    if row is None or int(row[0]) != latest_load_id(con):
        return None
    return Stored(int(row[0]), str(row[1]), str(row[2]), str(row[3]), str(row[4]))


def holds(con: duckdb.DuckDBPyConnection, month: str, basis: Basis) -> bool:
    """Does the store hold ``month``'s rows for ``basis`` (so reading it is cheap)?"""
    head = stored(con)
    return head is not None and head.holds(month) and head.rows_key == basis.rows_key()


def stored_rows(con: duckdb.DuckDBPyConnection, months: Sequence[str],
                breakdowns: Sequence[str], basis: Basis,
                kpi_id: str | None = None) -> list[KpiRow] | None:
    """The stored engine rows for ``months`` and ``breakdowns`` (one indicator's when
    ``kpi_id``), or None when the store does not hold them for these basis."""
    head = stored(con)
    if head is None or head.rows_key != basis.rows_key() or not months:
        return None
    characteristic = any(b in CHARACTERISTICS for b in breakdowns)
    first = head.first_month if characteristic else add_months(
        head.first_month, 1 - HISTORY_MONTHS)
    if not all(first <= m <= head.last_month for m in months):
        return None
    # As the engine gives them: an indicator the data cannot give is its authority row
    # saying why, given when the authority is asked for.
    sql = (f"SELECT {', '.join(_ROW_COLUMNS)} FROM _assurance_rows WHERE load_id = ? "
           "AND month BETWEEN ? AND ? AND list_contains(?, breakdown)")
    params: list[Any] = [head.load_id, min(months), max(months), list(breakdowns)]
    wanted = sorted(set(months))
    if wanted != history_months(wanted[-1], len(wanted)):  # not a run of months
        sql += " AND list_contains(?, month)"
        params.append(list(months))
    if kpi_id is not None:
        sql += " AND kpi_id = ?"
        params.append(kpi_id)
    got = con.execute(sql, params).fetchall()  # stored in month order
    return [KpiRow(*r) for r in got]


def stored_assurance(con: duckdb.DuckDBPyConnection, month: str, basis: Basis, *,
                     team_service: dict[str, str] | None = None,
                     local: LocalFigures | None = None) -> MonthlyAssurance | None:
    """The month's assurance from the store, or None when the store does not hold it
    (another load, population or authority, or a month outside it)."""
    head = stored(con)
    if head is None or not head.holds(month):
        return None
    window = history_months(month)
    rows = stored_rows(con, window, BREAKDOWNS, basis)
    if rows is None:
        return None
    ts = team_service if team_service is not None else team_services(con)
    same = head.fingerprint == basis.fingerprint()
    targets, materiality = _configured(basis.targets_path)
    return assemble(
        rows, month, window, targets, list(basis.process_changes), ts,
        drill_lookup(con, window[-WINDOW_MONTHS:], local),
        exceptions=_stored_exceptions(con, head.load_id, month) if same else None,
        materiality=materiality)


def _stored_exceptions(con: duckdb.DuckDBPyConnection, load_id: int, month: str
                       ) -> list[ExceptionItem]:
    got = con.execute(
        "SELECT kind, severity, service, kpi_id, breakdown, breakdown_value, message, rule, "
        "month_values, children FROM _assurance_exceptions WHERE load_id = ? AND month = ? "
        "ORDER BY position", [load_id, month]).fetchall()
    return [
        ExceptionItem(kind=k, severity=s, service=sv, kpi_id=kpi, breakdown=b,
                      breakdown_value=bv, message=msg, values=json.loads(vals),
                      rule=rule, children=tuple(tuple(c) for c in json.loads(kids)))
        for k, s, sv, kpi, b, bv, msg, rule, vals, kids in got
    ]


def as_of_months(as_of: date, months: int = STORE_MONTHS) -> list[str]:
    """The months stored for data up to ``as_of``, latest first (the web's month list)."""
    last = latest_complete_month(as_of)
    return [add_months(last, -k) for k in range(months)]


def month_assurance(con: duckdb.DuckDBPyConnection, month: str, basis: Basis, *,
                    team_service: dict[str, str] | None = None,
                    local: LocalFigures | None = None) -> MonthlyAssurance:
    """The month's assurance: from the store when it holds the month for these
    settings, else computed (`assure_month`, with ``local``'s quality-assurance rows).
    ``local`` also gives the children behind a quality-assurance deep dive when the
    exceptions are rebuilt from the stored rows."""
    got = stored_assurance(con, month, basis, team_service=team_service, local=local)
    if got is not None:
        return got
    return assure_month(con, month, la_code=basis.la_code, population=basis.population,
                        process_changes=list(basis.process_changes),
                        targets_path=basis.targets_path, team_service=team_service,
                        local=local)
