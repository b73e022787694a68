"""Teams, workers and caseloads on a date; changes of social worker.

Allocation is the ``SW`` involvement open on the date (``ssd_involvements``): started on
or before it and not ended before it. A worker's caseload is the number of distinct
children allocated to them on the date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
from dateutil.relativedelta import relativedelta

from lantern.casework._sql import rows

OPEN_SW = """
    invo_professional_role_id = 'SW' AND invo_involvement_start_date <= $on
    AND (invo_involvement_end_date IS NULL OR invo_involvement_end_date >= $on)
    AND invo_person_id IS NOT NULL
"""


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
    got = rows(con, f"""
        WITH load AS (
            SELECT invo_professional_id AS w, count(DISTINCT invo_person_id) AS n
            FROM ssd_involvements WHERE {OPEN_SW} GROUP BY 1
        )
        SELECT p.prof_professional_id AS id, p.prof_professional_name AS name,
               p.prof_professional_job_title AS title, p.prof_professional_department AS team,
               p.prof_agency_worker_flag AS agency, p.prof_full_time_equivalency AS fte,
               coalesce(load.n, 0) AS caseload,
               (p.prof_start_date IS NULL OR p.prof_start_date <= $on)
               AND (p.prof_end_date IS NULL OR p.prof_end_date >= $on) AS active
        FROM ssd_professionals p
        LEFT JOIN load ON load.w = p.prof_professional_id
        LEFT JOIN (SELECT DISTINCT dept_team_id, dept_team_parent_id FROM ssd_department) d
          ON d.dept_team_id = p.prof_professional_department
        WHERE ((p.prof_start_date IS NULL OR p.prof_start_date <= $on)
               AND (p.prof_end_date IS NULL OR p.prof_end_date >= $on) OR load.n > 0)
        {"AND " + " AND ".join(where) if where else ""}
        ORDER BY p.prof_professional_department, p.prof_professional_name,
                 p.prof_professional_id""", params)
    return [Worker(str(r["id"]), str(r["name"] or r["id"]), str(r["title"] or ""), r["team"],
                   r["agency"] == "Y", r["fte"], int(r["caseload"]), bool(r["active"]))
            for r in got]


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
    ``SW`` allocation starting in the window to a different worker than the child's
    previous ``SW`` allocation. A first allocation is not a change."""
    since = on - relativedelta(months=months)
    got = con.execute(f"""
        WITH a AS (
            SELECT invo_person_id AS c, invo_professional_id AS w,
                   invo_involvement_start_date AS s,
                   lag(invo_professional_id) OVER (PARTITION BY invo_person_id
                       ORDER BY invo_involvement_start_date, invo_involvements_id) AS prev
            FROM ssd_involvements
            WHERE invo_professional_role_id = 'SW' AND invo_person_id IS NOT NULL
              {"AND invo_person_id = $child" if child_id is not None else ""}
        )
        SELECT c, count(*) FROM a
        WHERE s > $since AND s <= $on AND prev IS NOT NULL AND prev IS DISTINCT FROM w
        GROUP BY c""",
        {"on": on, "since": since, **({"child": child_id} if child_id is not None else {})},
    ).fetchall()
    return {str(c): int(n) for c, n in got}


def children_of(con: duckdb.DuckDBPyConnection, on: date, *, worker_id: str | None = None,
                team_id: str | None = None, service_id: str | None = None) -> list[CaseChild]:
    """Children allocated on ``on`` (to a worker, a team, a service or anyone)."""
    where, params = [], {"on": on}  # type: list[str], dict[str, Any]
    if worker_id is not None:
        where.append("a.invo_professional_id = $worker")
        params["worker"] = worker_id
    if team_id is not None:
        where.append("a.invo_professional_team = $team")
        params["team"] = team_id
    if service_id is not None:
        where.append("d.dept_team_parent_id = $service")
        params["service"] = service_id
    got = rows(con, f"""
        WITH a AS (
            SELECT * FROM ssd_involvements WHERE {OPEN_SW}
            QUALIFY row_number() OVER (PARTITION BY invo_person_id
                ORDER BY invo_involvement_start_date DESC, invo_involvements_id DESC) = 1
        )
        SELECT a.invo_person_id AS child_id, p.pers_forename AS forename,
               p.pers_surname AS surname, p.pers_dob AS dob,
               a.invo_professional_id AS worker_id, w.prof_professional_name AS worker_name,
               a.invo_professional_team AS team_id,
               a.invo_involvement_start_date AS allocated_since
        FROM a
        LEFT JOIN (SELECT DISTINCT ON (pers_person_id) * FROM ssd_person) p
          ON p.pers_person_id = a.invo_person_id
        LEFT JOIN (SELECT DISTINCT ON (prof_professional_id) * FROM ssd_professionals) w
          ON w.prof_professional_id = a.invo_professional_id
        LEFT JOIN (SELECT DISTINCT dept_team_id, dept_team_parent_id FROM ssd_department) d
          ON d.dept_team_id = a.invo_professional_team
        {"WHERE " + " AND ".join(where) if where else ""}
        ORDER BY p.pers_surname, p.pers_forename, a.invo_person_id""", params)
    changes = worker_changes(con, on)
    return [CaseChild(str(r["child_id"]), r["forename"], r["surname"], r["dob"],
                      r["worker_id"], r["worker_name"], r["team_id"], r["allocated_since"],
                      changes.get(str(r["child_id"]), 0)) for r in got]
