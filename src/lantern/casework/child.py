"""One child's record as at a date: identity, current status, allocation history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb

from lantern.casework._sql import rows, table_names
from lantern.casework.caseload import worker_changes
from lantern.casework.scope import child_scope

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


def child_record(con: duckdb.DuckDBPyConnection, child_id: str, on: date) -> ChildRecord | None:
    """The child as at ``on``, or None when no such child is recorded."""
    person = rows(con, """
        SELECT pers_forename, pers_surname, pers_dob, pers_sex, pers_ethnicity, pers_upn,
               pers_death_date
        FROM ssd_person WHERE pers_person_id = $c LIMIT 1""", {"c": child_id})
    if not person:
        return None
    p = person[0]
    scope = child_scope(con, child_id, on)
    rec = ChildRecord(child_id, p["pers_forename"], p["pers_surname"], p["pers_dob"],
                      p["pers_sex"], p["pers_ethnicity"], p["pers_upn"], p["pers_death_date"],
                      scope.team, scope.service)
    present = table_names(con)
    for label, table, person_col, start, end, extra in _STATUSES:
        if table not in present:
            continue
        found = con.execute(
            f"SELECT 1 FROM {table} WHERE {person_col} = $c AND {start} <= $on "
            f"AND ({end} IS NULL OR {end} > $on) {extra} LIMIT 1",
            {"c": child_id, "on": on}).fetchone()
        if found:
            rec.statuses.append(label)
    if ("ssd_care_leavers" in present and "Looked after" not in rec.statuses
            and con.execute("SELECT 1 FROM ssd_care_leavers WHERE clea_person_id = $c "
                            "AND (clea_oc3_birthday IS NULL OR clea_oc3_birthday <= $on) LIMIT 1",
                            {"c": child_id, "on": on}).fetchone()):
        rec.statuses.append("Care leaver")
    rec.allocations = [
        Allocation(str(r["role"] or ""), r["worker"], r["name"], r["team"], r["s"],
                   r["e"] if r["e"] is None or r["e"] < on else None, r["reason"])
        for r in rows(con, """
            SELECT i.invo_professional_role_id AS role, i.invo_professional_id AS worker,
                   w.prof_professional_name AS name, i.invo_professional_team AS team,
                   i.invo_involvement_start_date AS s, i.invo_involvement_end_date AS e,
                   i.invo_worker_change_reason AS reason
            FROM ssd_involvements i
            LEFT JOIN (SELECT DISTINCT ON (prof_professional_id) * FROM ssd_professionals) w
              ON w.prof_professional_id = i.invo_professional_id
            WHERE i.invo_person_id = $c AND i.invo_involvement_start_date <= $on
            ORDER BY i.invo_involvement_start_date, i.invo_involvements_id""",
            {"c": child_id, "on": on})
    ]
    rec.worker_changes_12m = worker_changes(con, on, child_id=child_id).get(child_id, 0)
    return rec
