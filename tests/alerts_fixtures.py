"""Hand-built in-memory warehouses for the alert tests.

`Warehouse` creates every canonical table in an in-memory DuckDB and inserts rows given
as keyword arguments (other columns NULL). `staffed()` adds a small authority: one team
T1 in the `safeguarding` service with social worker W1, team manager TM1, head of service
HOS1 and divisional director DD1; `allocate()` gives a child a worker.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb

from lantern.model import tables


class Warehouse:
    def __init__(self) -> None:
        self.con = duckdb.connect(":memory:")
        for t in tables().values():
            self.con.execute(t.ddl())
        self._n = 0

    def add(self, table: str, **cols: Any) -> Warehouse:
        known = set(tables()[table].column_names)
        unknown = set(cols) - known
        if unknown:
            raise KeyError(f"{table} has no columns {sorted(unknown)}")
        names = ", ".join(cols)
        marks = ", ".join("?" for _ in cols)
        self.con.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(cols.values()))
        return self

    def next_id(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}{self._n}"

    # --- people and staff ------------------------------------------------------------
    def child(self, pid: str, dob: date = date(2015, 6, 1), **cols: Any) -> Warehouse:
        return self.add("ssd_person", pers_person_id=pid, pers_dob=dob, **cols)

    def professional(self, pid: str, title: str, department: str,
                     start: date | None = date(2020, 1, 1), end: date | None = None
                     ) -> Warehouse:
        return self.add("ssd_professionals", prof_professional_id=pid,
                        prof_professional_job_title=title, prof_professional_department=department,
                        prof_start_date=start, prof_end_date=end)

    def staffed(self) -> Warehouse:
        self.add("ssd_department", dept_team_id="safeguarding", dept_team_name="safeguarding")
        self.add("ssd_department", dept_team_id="T1", dept_team_name="Safeguarding Team 1",
                 dept_team_parent_id="safeguarding", dept_team_parent_name="safeguarding")
        self.professional("W1", "Social Worker", "T1")
        self.professional("TM1", "Team Manager", "T1")
        self.professional("HOS1", "Head of Service", "safeguarding")
        self.professional("DD1", "Divisional Director", "directorate")
        return self

    def allocate(self, child: str, worker: str = "W1", team: str = "T1",
                 start: date = date(2020, 1, 1), end: date | None = None,
                 role: str = "SW") -> Warehouse:
        return self.add("ssd_involvements", invo_involvements_id=self.next_id("INV"),
                        invo_person_id=child, invo_professional_id=worker,
                        invo_professional_role_id=role, invo_professional_team=team,
                        invo_involvement_start_date=start, invo_involvement_end_date=end)

    # --- plans and episodes ------------------------------------------------------------
    def cp_plan(self, plan: str, child: str, start: date, end: date | None = None) -> Warehouse:
        return self.add("ssd_cp_plans", cppl_cp_plan_id=plan, cppl_person_id=child,
                        cppl_cp_plan_start_date=start, cppl_cp_plan_end_date=end)

    def cp_visit(self, plan: str, child: str, on: date, seen: str = "Y") -> Warehouse:
        return self.add("ssd_cp_visits", cppv_cp_visit_id=self.next_id("CPV"),
                        cppv_cp_plan_id=plan, cppv_person_id=child, cppv_cp_visit_date=on,
                        cppv_cp_visit_seen=seen)

    def cp_review(self, plan: str, child: str, on: date) -> Warehouse:
        return self.add("ssd_cp_reviews", cppr_cp_review_id=self.next_id("CPR"),
                        cppr_cp_plan_id=plan, cppr_person_id=child, cppr_cp_review_date=on)

    def cin_plan(self, plan: str, child: str, start: date, end: date | None = None
                 ) -> Warehouse:
        return self.add("ssd_cin_plans", cinp_cin_plan_id=plan, cinp_person_id=child,
                        cinp_cin_plan_start_date=start, cinp_cin_plan_end_date=end)

    def cin_visit(self, child: str, on: date) -> Warehouse:
        return self.add("ssd_cin_visits", cinv_cin_visit_id=self.next_id("CINV"),
                        cinv_person_id=child, cinv_cin_visit_date=on, cinv_cin_visit_seen="Y")

    def cla_episode(self, cla_id: str, child: str, start: date, end: date | None = None,
                    *, entered: date | None = None, ls: str = "C2", rne: str = "S",
                    rec: str | None = None, placement: str | None = None) -> Warehouse:
        return self.add("ssd_cla_episodes", clae_cla_episode_id=self.next_id("EP"),
                        clae_person_id=child, clae_cla_id=cla_id,
                        clae_cla_episode_start_date=start, clae_cla_episode_ceased_date=end,
                        clae_cla_episode_start_reason=rne, clae_cla_episode_ceased_reason=rec,
                        clae_entered_care_date=entered or start, clae_legal_status=ls,
                        clae_cla_placement_id=placement)

    def placement(self, pid: str, cla_id: str, child: str, start: date, place: str,
                  end: date | None = None) -> Warehouse:
        return self.add("ssd_cla_placement", clap_cla_placement_id=pid, clap_cla_id=cla_id,
                        clap_person_id=child, clap_cla_placement_start_date=start,
                        clap_cla_placement_type=place, clap_cla_placement_end_date=end)

    def cla_visit(self, cla_id: str, child: str, on: date) -> Warehouse:
        return self.add("ssd_cla_visits", clav_cla_visit_id=self.next_id("CLAV"),
                        clav_cla_id=cla_id, clav_person_id=child, clav_cla_visit_date=on)

    def cla_review(self, cla_id: str, child: str, on: date, cancelled: str = "N") -> Warehouse:
        return self.add("ssd_cla_reviews", clar_cla_review_id=self.next_id("CLAR"),
                        clar_cla_id=cla_id, clar_person_id=child, clar_cla_review_date=on,
                        clar_cla_review_cancelled=cancelled)
