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
from typing import Any

import ibis
import ibis.expr.types as ir

from lantern import facts
from lantern.facts._base import is_open

from .model import Role
from .rules._common import fetch


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


def _one_per(src: facts.Source, t: ir.Table, key: str, value: str) -> dict[str, str]:
    return {str(k): v for k, v in fetch(src, t, key, value) if k is not None}


def directory(con: Any, on: date) -> Directory:
    """Who is allocated and who manages whom on ``on``. ``con``: a DuckDB connection, an
    Ibis backend (DuckDB or Spark) or a `lantern.facts.Source`."""
    w = facts.source(con)
    alloc = facts.allocations(w, on)
    allocated = {str(c): (wk, t) for c, wk, t in fetch(w, alloc, "child_id", "worker_id",
                                                       "team_id") if wk is not None}
    last = facts.last_allocations(w, on)
    last_team = _one_per(w, last.filter(last.team_id.notnull()), "child_id", "team_id")
    d = w.t("ssd_department")
    service_of = _one_per(w, d.filter(d.dept_team_parent_id.notnull()), "dept_team_id",
                          "dept_team_parent_id")
    p = w.t("ssd_professionals")
    p = p.filter(is_open(p.prof_start_date.fill_null(ibis.date(1900, 1, 1)), p.prof_end_date,
                         ibis.literal(on, "date")))
    title = p.prof_professional_job_title.lower()
    tm = p.filter(title == "team manager")
    tm = tm.group_by(team="prof_professional_department").aggregate(
        holder=tm.prof_professional_id.min())
    hos = p.filter(title == "head of service")
    dept = d.select(_tid="dept_team_id", _parent="dept_team_parent_id")
    hos = hos.left_join(dept, dept._tid == hos.prof_professional_department)
    hos = hos.group_by(service=hos._parent.fill_null(hos.prof_professional_department)
                       ).aggregate(holder=hos.prof_professional_id.min())
    dd = p.filter(title == "divisional director")
    director = fetch(w, dd.aggregate(holder=dd.prof_professional_id.min()), "holder")
    return Directory(allocated, last_team, service_of, _one_per(w, tm, "team", "holder"),
                     _one_per(w, hos, "service", "holder"),
                     director[0][0] if director else None)


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
