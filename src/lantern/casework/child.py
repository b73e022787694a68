"""One child's record as at a date: identity, current status, allocation history."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb

from lantern.casework._sql import rows, table_names
from lantern.casework.caseload import worker_changes
from lantern.casework.scope import ChildScope, child_scope, scope_map

# Status on a date: (label, table, person column, start column, end column, extra filter).
_STATUSES: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("Child in need", "ssd_cin_episodes", "cine_person_id", "cine_referral_date",
     "cine_close_date", "AND coalesce(cine_referral_nfa, 'N') <> 'Y'"),
    ("Child protection plan", "ssd_cp_plans", "cppl_person_id", "cppl_cp_plan_start_date",
     "cppl_cp_plan_end_date", ""),
    ("Looked after", "ssd_cla_episodes", "clae_person_id", "clae_cla_episode_start_date",
     "clae_cla_episode_ceased_date", ""),
)


@dataclass(frozen=True)
class Allocation:
    role: str
    worker_id: str | None
    worker_name: str | None
    team_id: str | None
    start: date | None
    end: date | None
    change_reason: str | None

    def as_dict(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, date) else v)
                for k, v in self.__dict__.items()}


@dataclass
class ChildRecord:
    child_id: str
    forename: str | None
    surname: str | None
    dob: date | None
    sex: str | None
    ethnicity: str | None
    upn: str | None
    death_date: date | None
    team_id: str | None
    service_id: str | None
    statuses: list[str] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)
    worker_changes_12m: int = 0

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.forename, self.surname) if p) or self.child_id

    @property
    def current_worker(self) -> Allocation | None:
        return next((a for a in reversed(self.allocations)
                     if a.role == "SW" and a.end is None), None)

    def identity(self) -> dict[str, Any]:
        return {"child_id": self.child_id, "forename": self.forename, "surname": self.surname,
                "dob": self.dob.isoformat() if self.dob else None, "sex": self.sex,
                "ethnicity": self.ethnicity, "upn": self.upn,
                "death_date": self.death_date.isoformat() if self.death_date else None}

    def as_dict(self) -> dict[str, Any]:
        return {**self.identity(), "team_id": self.team_id, "service_id": self.service_id,
                "statuses": self.statuses, "worker_changes_12m": self.worker_changes_12m,
                "allocations": [a.as_dict() for a in self.allocations]}


def _status_checks(present: set[str]) -> list[tuple[str, str, str, str]]:
    """(label, table, person column, condition on the date ``$on``) of each status
    whose table is loaded, in the order a record lists them."""
    out = [(label, table, person_col,
            f"{start} <= $on AND ({end} IS NULL OR {end} > $on) {extra}")
           for label, table, person_col, start, end, extra in _STATUSES if table in present]
    if "ssd_care_leavers" in present:
        out.append(("Care leaver", "ssd_care_leavers", "clea_person_id",
                    "(clea_oc3_birthday IS NULL OR clea_oc3_birthday <= $on)"))
    return out


def _statuses(found: set[str]) -> list[str]:
    labels = [label for label, *_ in _STATUSES if label in found]
    if "Care leaver" in found and "Looked after" not in found:
        labels.append("Care leaver")  # looked after now: not a care leaver
    return labels


def statuses_on(con: duckdb.DuckDBPyConnection, on: date) -> dict[str, list[str]]:
    """Every child's statuses on ``on`` (children with none are left out), as
    `child_record` lists them: one query for the whole authority."""
    checks = _status_checks(table_names(con))
    if not checks:
        return {}
    sql = " UNION ".join(f"SELECT DISTINCT '{label}' AS label, {person} AS child_id "
                         f"FROM {table} WHERE {cond}" for label, table, person, cond in checks)
    found: dict[str, set[str]] = {}
    for label, child in con.execute(sql, {"on": on}).fetchall():
        if child is not None:
            found.setdefault(str(child), set()).add(str(label))
    return {child: _statuses(labels) for child, labels in found.items()}


_PERSON_SQL = """
    SELECT CAST(pers_person_id AS VARCHAR) AS child_id, pers_forename, pers_surname,
           pers_dob, pers_sex, pers_ethnicity, pers_upn, pers_death_date
    FROM ssd_person WHERE pers_person_id IS NOT NULL {child_filter}"""

_ALLOCATION_SQL = """
    SELECT CAST(i.invo_person_id AS VARCHAR) AS child_id,
           i.invo_professional_role_id AS role, i.invo_professional_id AS worker,
           w.prof_professional_name AS name, i.invo_professional_team AS team,
           i.invo_involvement_start_date AS s, i.invo_involvement_end_date AS e,
           i.invo_worker_change_reason AS reason
    FROM ssd_involvements i
    LEFT JOIN (SELECT DISTINCT ON (prof_professional_id) * FROM ssd_professionals) w
      ON w.prof_professional_id = i.invo_professional_id
    WHERE i.invo_involvement_start_date <= $on AND i.invo_person_id IS NOT NULL
      {child_filter}
    ORDER BY child_id, i.invo_involvement_start_date, i.invo_involvements_id"""


def _allocation(r: Mapping[str, Any], on: date) -> Allocation:
    # An allocation ending after ``on`` was still open on that date.
    return Allocation(str(r["role"] or ""), r["worker"], r["name"], r["team"], r["s"],
                      r["e"] if r["e"] is None or r["e"] < on else None, r["reason"])


def _record(p: Mapping[str, Any], scope: ChildScope | None) -> ChildRecord:
    return ChildRecord(p["child_id"], p["pers_forename"], p["pers_surname"], p["pers_dob"],
                       p["pers_sex"], p["pers_ethnicity"], p["pers_upn"],
                       p["pers_death_date"], scope.team if scope else None,
                       scope.service if scope else None)


def child_record(con: duckdb.DuckDBPyConnection, child_id: str,
                 on: date) -> ChildRecord | None:
    """The child as at ``on``, or None when no such child is recorded."""
    person = rows(con, _PERSON_SQL.format(child_filter="AND pers_person_id = $c LIMIT 1"),
                  {"c": child_id})
    if not person:
        return None
    rec = _record(person[0], child_scope(con, child_id, on))
    checks = _status_checks(table_names(con))
    if checks:
        # One query: for each status, whether it is open on the date.
        flags = ", ".join(f"EXISTS (SELECT 1 FROM {table} WHERE {col} = $c "
                          f"AND {cond}) AS _s{n}"
                          for n, (_, table, col, cond) in enumerate(checks))
        got = con.execute(f"SELECT {flags}", {"c": child_id, "on": on}).fetchone()
        rec.statuses = _statuses({check[0] for check, hit
                                  in zip(checks, got or (), strict=False) if hit})
    rec.allocations = [_allocation(r, on) for r in rows(
        con, _ALLOCATION_SQL.format(child_filter="AND i.invo_person_id = $c"),
        {"c": child_id, "on": on})]
    rec.worker_changes_12m = worker_changes(con, on, child_id=child_id).get(child_id, 0)
    return rec


def child_records(con: duckdb.DuckDBPyConnection, on: date) -> dict[str, ChildRecord]:
    """Every recorded child as at ``on``, as `child_record` gives each: a few queries
    over the whole authority (for a reader that opens many children, like the web app;
    treat the records as read-only)."""
    scopes = scope_map(con, on)
    statuses = statuses_on(con, on)
    changes = worker_changes(con, on)
    allocations: dict[str, list[Allocation]] = {}
    for r in rows(con, _ALLOCATION_SQL.format(child_filter=""), {"on": on}):
        allocations.setdefault(r["child_id"], []).append(_allocation(r, on))
    out: dict[str, ChildRecord] = {}
    for p in rows(con, _PERSON_SQL.format(child_filter="")):
        child_id = p["child_id"]
        if child_id in out:
            continue  # one record per child, as `child_record` reads one row
        rec = out[child_id] = _record(p, scopes.get(child_id))
        rec.statuses = list(statuses.get(child_id, ()))
        rec.allocations = allocations.get(child_id, [])
        rec.worker_changes_12m = changes.get(child_id, 0)
    return out
