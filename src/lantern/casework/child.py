"""One child's record as at a date: identity, current status, allocation history."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir
from ibis import _

from lantern import facts
from lantern.casework._sql import rows, table_names
from lantern.casework.caseload import worker_changes
from lantern.casework.scope import ChildScope, child_scope, scope_map

# Status on a date: (label, table, person column, start column, end column, extra filter).
#: A child's statuses on a date, in the order a record lists them; each is a derived
#: fact (`lantern.facts`) read for the tables that are loaded.
_STATUSES: tuple[tuple[str, str], ...] = (
    ("Child in need", "ssd_cin_episodes"),
    ("Child protection plan", "ssd_cp_plans"),
    ("Looked after", "ssd_cla_episodes"),
)
CARE_LEAVER = "Care leaver"


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


def _status_rows(con: duckdb.DuckDBPyConnection, on: date,
                 child_id: str | None) -> ir.Table | None:
    """(label, child_id) for every status open on ``on`` whose table is loaded: in need
    (`facts.cin_open`), on a plan (`facts.cp_plans_open`), looked after
    (`facts.looked_after`), and a care leaver once their first OC3 birthday has come."""
    present = table_names(con)
    w = facts.source(con)
    made = {"Child in need": lambda: facts.cin_open(w, on),
            "Child protection plan": lambda: facts.cp_plans_open(w, on),
            "Looked after": lambda: facts.looked_after(w, on)}
    parts = [made[label]().select(label=ibis.literal(label), child_id=_.child.cast("string"))
             for label, table in _STATUSES if table in present]
    if "ssd_care_leavers" in present:
        c = w.t("ssd_care_leavers")
        c = c.filter(c.clea_oc3_birthday.isnull()
                     | (c.clea_oc3_birthday <= ibis.literal(on, "date")))
        parts.append(c.select(label=ibis.literal(CARE_LEAVER),
                              child_id=c.clea_person_id.cast("string")))
    if not parts:
        return None
    u = ibis.union(*parts, distinct=True)
    return u.filter(u.child_id == child_id) if child_id is not None else u


def _statuses(found: set[str]) -> list[str]:
    labels = [label for label, _ in _STATUSES if label in found]
    if CARE_LEAVER in found and "Looked after" not in found:
        labels.append(CARE_LEAVER)  # looked after now: not a care leaver
    return labels


def statuses_on(con: duckdb.DuckDBPyConnection, on: date,
                child_id: str | None = None) -> dict[str, list[str]]:
    """Every child's statuses on ``on`` (children with none are left out), as
    `child_record` lists them: one query for the whole authority (or one child)."""
    t = _status_rows(con, on, child_id)
    if t is None:
        return {}
    found: dict[str, set[str]] = {}
    for r in facts.records(facts.source(con), t):
        if r["child_id"] is not None:
            found.setdefault(str(r["child_id"]), set()).add(str(r["label"]))
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
    rec.statuses = statuses_on(con, on, child_id).get(child_id, [])
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
