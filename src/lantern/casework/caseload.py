"""Teams, workers and caseloads on a date; changes of social worker.

Who holds a child's case and a worker's caseload are derived facts
(`lantern.facts.allocation`): a child's social worker is their ``SW`` allocation on the
date (one tie-break), a care leaver's personal adviser their ``PA`` allocation; a
worker's caseload is the distinct children whose involvement of the role they hold is
open on the date, labelled "social worker" or "personal adviser".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import ibis
from dateutil.relativedelta import relativedelta

from lantern import facts
from lantern.casework._sql import rows


@dataclass(frozen=True)
class Team:
    team_id: str
    name: str
    service_id: str | None
    service_name: str | None


@dataclass(frozen=True)
class Worker:
    worker_id: str
    name: str
    job_title: str
    team_id: str | None
    agency: bool
    fte: float | None
    caseload: int
    active: bool
    caseload_of: str = ""  # whose caseload: "social worker", "personal adviser" or both


@dataclass(frozen=True)
class CaseChild:
    child_id: str
    forename: str | None
    surname: str | None
    dob: date | None
    worker_id: str | None
    worker_name: str | None
    team_id: str | None
    allocated_since: date | None
    changes_12m: int
    held_as: str = "social worker"  # the role the case is held in (CASE_ROLES)

    def as_dict(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, date) else v)
                for k, v in self.__dict__.items()}


def teams(con: duckdb.DuckDBPyConnection) -> list[Team]:
    """Every team (a department with a parent service), by id."""
    return [Team(str(r["dept_team_id"]), str(r["dept_team_name"] or r["dept_team_id"]),
                 r["dept_team_parent_id"], r["dept_team_parent_name"])
            for r in rows(con, """
                SELECT DISTINCT dept_team_id, dept_team_name, dept_team_parent_id,
                       dept_team_parent_name
                FROM ssd_department WHERE dept_team_parent_id IS NOT NULL
                ORDER BY dept_team_id""")]


def team_services(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """team id -> service id: the team hierarchy every breakdown by service uses."""
    return {t.team_id: t.service_id or "" for t in teams(con)}


def team(con: duckdb.DuckDBPyConnection, team_id: str) -> Team | None:
    return next((t for t in teams(con) if t.team_id == team_id), None)


def workers(con: duckdb.DuckDBPyConnection, on: date, *, team_id: str | None = None,
            service_id: str | None = None, worker_id: str | None = None) -> list[Worker]:
    """Workers employed on ``on`` (or holding cases then), with their caseloads."""
    where, params = [], {"on": on}  # type: list[str], dict[str, Any]
    if team_id is not None:
        where.append("p.prof_professional_department = $team")
        params["team"] = team_id
    if service_id is not None:
        where.append("d.dept_team_parent_id = $service")
        params["service"] = service_id
    if worker_id is not None:
        where.append("p.prof_professional_id = $worker")
        params["worker"] = worker_id
    loads = caseloads_on(con, on)
    got = rows(con, f"""
        SELECT p.prof_professional_id AS id, p.prof_professional_name AS name,
               p.prof_professional_job_title AS title, p.prof_professional_department AS team,
               p.prof_agency_worker_flag AS agency, p.prof_full_time_equivalency AS fte,
               (p.prof_start_date IS NULL OR p.prof_start_date <= $on)
               AND (p.prof_end_date IS NULL OR p.prof_end_date >= $on) AS active
        FROM ssd_professionals p
        LEFT JOIN (SELECT DISTINCT dept_team_id, dept_team_parent_id FROM ssd_department) d
          ON d.dept_team_id = p.prof_professional_department
        {"WHERE " + " AND ".join(where) if where else ""}
        ORDER BY p.prof_professional_department, p.prof_professional_name,
                 p.prof_professional_id""", params)
    out = []
    for r in got:
        n, label = loads.get(str(r["id"]), (0, ""))
        if r["active"] or n > 0:
            out.append(Worker(str(r["id"]), str(r["name"] or r["id"]), str(r["title"] or ""),
                              r["team"], r["agency"] == "Y", r["fte"], n, bool(r["active"]),
                              label))
    return out


def caseloads_on(con: duckdb.DuckDBPyConnection, on: date) -> dict[str, tuple[int, str]]:
    """Worker -> (caseload, whose caseload) on ``on`` (`lantern.facts.caseloads`): social
    workers' and personal advisers' cases; a worker holding both kinds counts each child
    once per kind."""
    w = facts.source(con)
    out: dict[str, tuple[int, str]] = {}
    held = facts.records(w, facts.caseloads(w, on))
    for r in sorted(held, key=lambda r: r["role"], reverse=True):
        n, label = out.get(str(r["worker_id"]), (0, ""))
        out[str(r["worker_id"])] = (n + int(r["caseload"]),
                                    f"{label} and {r['role_label']}" if label else r["role_label"])
    return out


def worker(con: duckdb.DuckDBPyConnection, worker_id: str, on: date) -> Worker | None:
    found = workers(con, on, worker_id=worker_id)
    if found:
        return found[0]
    got = rows(con, "SELECT prof_professional_id AS id FROM ssd_professionals "
                    "WHERE prof_professional_id = $w", {"w": worker_id})
    if not got:
        return None
    # Not employed on the date and holding no cases: still show who they were.
    r = rows(con, """SELECT prof_professional_name AS name, prof_professional_job_title AS t,
                            prof_professional_department AS team, prof_agency_worker_flag AS a,
                            prof_full_time_equivalency AS fte
                     FROM ssd_professionals WHERE prof_professional_id = $w""",
             {"w": worker_id})[0]
    return Worker(worker_id, str(r["name"] or worker_id), str(r["t"] or ""), r["team"],
                  r["a"] == "Y", r["fte"], 0, False)


def worker_changes(con: duckdb.DuckDBPyConnection, on: date, *, months: int = 12,
                   child_id: str | None = None) -> dict[str, int]:
    """Changes of allocated social worker per child in the ``months`` to ``on``: each
    ``SW`` involvement starting in the window to a different worker than the child's
    previous ``SW`` involvement. A first allocation is not a change."""
    since = on - relativedelta(months=months)
    w = facts.source(con)
    i = facts.involvements(w)
    if child_id is not None:
        i = i.filter(i.child_id == child_id)
    i = i.mutate(prev=i.worker_id.lag().over(
        ibis.window(group_by="child_id", order_by=["start", "involvement_id"])))
    i = i.filter((i.start > since) & (i.start <= on) & i.prev.notnull()
                 & ~i.prev.identical_to(i.worker_id))
    g = i.group_by("child_id").aggregate(n=i.count())
    return {str(r["child_id"]): int(r["n"]) for r in facts.records(w, g)}


def children_of(con: duckdb.DuckDBPyConnection, on: date, *, worker_id: str | None = None,
                team_id: str | None = None, service_id: str | None = None) -> list[CaseChild]:
    """Children whose case is held on ``on`` (by a worker, a team, a service or anyone):
    each child's social worker (`lantern.facts.allocations`) and each care leaver's
    personal adviser; a child held in both roles is listed once, by their social
    worker."""
    w = facts.source(con)
    held = [facts.allocations(w, on, role=r).mutate(_role=ibis.literal(label))
            for r, label in facts.CASE_ROLES.items()]
    a = ibis.union(*held, distinct=False)
    if worker_id is not None:
        a = a.filter(a.worker_id == worker_id)
    if team_id is not None:
        a = a.filter(a.team_id == team_id)
    if service_id is not None:
        a = a.filter(a.service_id == service_id)
    got = rows(con, """
        SELECT a.child_id, p.pers_forename AS forename, p.pers_surname AS surname,
               p.pers_dob AS dob, a.worker_id, w.prof_professional_name AS worker_name,
               a.team_id, a.start AS allocated_since, a._role AS held_as
        FROM _held a
        LEFT JOIN (SELECT DISTINCT ON (pers_person_id) * FROM ssd_person) p
          ON p.pers_person_id = a.child_id
        LEFT JOIN (SELECT DISTINCT ON (prof_professional_id) * FROM ssd_professionals) w
          ON w.prof_professional_id = a.worker_id
        ORDER BY p.pers_surname, p.pers_forename, a.child_id, a._role DESC""",
               None, tables={"_held": w.con.to_pyarrow(a)})
    changes = worker_changes(con, on)
    out: dict[str, CaseChild] = {}
    for r in got:  # a child held by both a social worker and an adviser listed once: SW
        out.setdefault(str(r["child_id"]), CaseChild(
            str(r["child_id"]), r["forename"], r["surname"], r["dob"], r["worker_id"],
            r["worker_name"], r["team_id"], r["allocated_since"],
            changes.get(str(r["child_id"]), 0), r["held_as"]))
    return list(out.values())
