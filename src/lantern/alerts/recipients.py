"""Who must act and who is informed: the child's allocated worker and the managers above.

- worker: the child's allocated social worker on the date (`lantern.facts.allocations`);
- team: that allocation's team (or the rule's fallback team, or the team of the child's
  latest allocation before the date, `lantern.facts.last_allocations`, when nobody is
  allocated);
- service: ``ssd_department.dept_team_parent_id`` of the team;
- team manager / head of service / divisional director: a professional employed on the date
  whose job title is 'Team Manager' (department = the team), 'Head of Service'
  (department = the service, or a team in it) or 'Divisional Director'. When none is
  recorded the role is addressed generically: ``team_manager:<team>``,
  ``head_of_service:<service>``, ``divisional_director``.

A child with no allocated worker is addressed to the team manager (who must allocate), or
the head of service of the rule's default service when no team is known.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from lantern import facts

from .model import Role


@dataclass(frozen=True)
class Directory:
    """Everything needed to address one day's items, read once per run."""

    allocated: dict[str, tuple[str, str | None]]  # child -> (worker, team)
    last_team: dict[str, str]  # child -> team of the latest SW allocation (any date)
    service_of: dict[str, str]  # team -> service
    team_manager: dict[str, str]  # team -> professional
    head_of_service: dict[str, str]  # service -> professional
    divisional_director: str | None

    def team_manager_key(self, team: str | None) -> str:
        if team is None:
            return "team_manager:unknown"
        return self.team_manager.get(team, f"team_manager:{team}")

    def head_of_service_key(self, service: str | None) -> str:
        if service is None:
            return "head_of_service:unknown"
        return self.head_of_service.get(service, f"head_of_service:{service}")

    def director_key(self) -> str:
        return self.divisional_director or "divisional_director"

    def resolve(self, child: str | None, worker: str | None, team: str | None,
                default_service: str | None) -> dict[Role, str]:
        """Recipient key for each role, for one item."""
        if worker is None and child is not None and child in self.allocated:
            worker, team = self.allocated[child][0], self.allocated[child][1] or team
        if team is None and child is not None:
            team = self.last_team.get(child)
        service = self.service_of.get(team, default_service) if team else default_service
        tm = self.team_manager_key(team) if team else None
        hos = self.head_of_service_key(service) if service else None
        director = self.director_key()
        return {
            "worker": worker or tm or hos or director,
            "team_manager": tm or hos or director,
            "head_of_service": hos or director,
            "divisional_director": director,
        }


def _one_per(con: duckdb.DuckDBPyConnection, sql: str, on: date) -> dict[str, str]:
    params = {"on": on} if "$on" in sql else None
    return {k: v for k, v in con.execute(sql, params).fetchall() if k is not None}


def directory(con: duckdb.DuckDBPyConnection, on: date) -> Directory:
    w = facts.Warehouse(con)
    alloc = facts.allocations(w, on).select("child_id", "worker_id", "team_id")
    allocated = {str(r["child_id"]): (r["worker_id"], r["team_id"]) for r in w.rows(alloc)
                 if r["worker_id"] is not None}
    last = facts.last_allocations(w, on).select("child_id", "team_id")
    last_team = {str(r["child_id"]): r["team_id"] for r in w.rows(last)
                 if r["team_id"] is not None}
    service_of = _one_per(con, """
        SELECT dept_team_id, dept_team_parent_id FROM ssd_department
        WHERE dept_team_parent_id IS NOT NULL
    """, on)
    active = """
        (prof_start_date IS NULL OR prof_start_date <= $on)
        AND (prof_end_date IS NULL OR prof_end_date >= $on)
    """
    team_manager = _one_per(con, f"""
        SELECT prof_professional_department, min(prof_professional_id) FROM ssd_professionals
        WHERE lower(prof_professional_job_title) = 'team manager' AND {active}
        GROUP BY 1
    """, on)
    head_of_service = _one_per(con, f"""
        SELECT coalesce(d.dept_team_parent_id, p.prof_professional_department),
               min(p.prof_professional_id)
        FROM ssd_professionals p
        LEFT JOIN ssd_department d ON d.dept_team_id = p.prof_professional_department
        WHERE lower(p.prof_professional_job_title) = 'head of service' AND {active}
        GROUP BY 1
    """, on)
    director = con.execute(f"""
        SELECT min(prof_professional_id) FROM ssd_professionals
        WHERE lower(prof_professional_job_title) = 'divisional director' AND {active}
    """, {"on": on}).fetchone()
    return Directory(allocated, last_team, service_of, team_manager, head_of_service,
                     director[0] if director else None)


def recipient_keys(d: Directory, *, role: str, scope_type: str, scope_value: str | None,
                   professional_id: str | None) -> frozenset[str]:
    """The recipient keys one signed-in person answers to: their own professional id,
    and for a manager the key their role and scope is addressed by (the recorded
    holder's id, or the generic ``team_manager:<team>``, ``head_of_service:<service>``,
    ``divisional_director``). An item is in their inbox when its ``notify`` holds one."""
    keys: set[str] = {professional_id} if professional_id else set()
    if role == "team_manager" and scope_type == "team" and scope_value:
        keys |= {f"team_manager:{scope_value}", d.team_manager_key(scope_value)}
    elif role == "head_of_service" and scope_type == "service" and scope_value:
        keys |= {f"head_of_service:{scope_value}", d.head_of_service_key(scope_value)}
    elif role == "divisional_director" and scope_type == "authority":
        keys |= {"divisional_director", d.director_key()}
    return frozenset(keys)
