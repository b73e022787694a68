"""Hand-worked cases for each derived fact (`lantern.facts`): ties, same-day changes,
an involvement ending on the date, school age either side of 31 August, leap years."""

from __future__ import annotations

from datetime import date
from typing import Any

import ibis
import pyarrow as pa
import pytest

from lantern import facts
from tests.measures_fixtures import Data, dates, warehouse

ON = date(2024, 3, 31)


def src(data: Data) -> facts.Warehouse:
    return facts.Warehouse(warehouse({t: [dates(r) for r in rs] for t, rs in data.items()}))


def got(w: facts.Warehouse, expr: Any, *cols: str) -> list[tuple[Any, ...]]:
    return sorted(tuple(r[c] for c in cols) for r in w.rows(expr))


def inv(iid: str, child: str, worker: str, start: str, end: str | None = None,
        role: str = "SW", team: str = "T1") -> dict[str, Any]:
    return {"invo_involvements_id": iid, "invo_person_id": child,
            "invo_professional_id": worker, "invo_professional_team": team,
            "invo_professional_role_id": role, "invo_involvement_start_date": start,
            "invo_involvement_end_date": end}


DEPT = [{"dept_team_id": "T1", "dept_team_parent_id": "S1"},
        {"dept_team_id": "T2", "dept_team_parent_id": "S2"}]


def test_allocation_tie_breaks_and_handover() -> None:
    w = src({"ssd_department": DEPT, "ssd_involvements": [
        # C1: handed over on the date: W1 ends on it (still open), W2 starts on it ->
        # the latest start wins
        inv("I1", "C1", "W1", "2023-01-01", "2024-03-31"),
        inv("I2", "C1", "W2", "2024-03-31", team="T2"),
        # C2: two open the same day from the same start -> the higher id wins
        inv("I3", "C2", "W1", "2024-01-01"), inv("I4", "C2", "W3", "2024-01-01"),
        # C3: ended the day before -> nobody allocated
        inv("I5", "C3", "W1", "2023-01-01", "2024-03-30"),
        # C4: a personal adviser is not an allocation; a lower-case sw is
        inv("I6", "C4", "P1", "2024-01-01", role="PA"), inv("I7", "C4", "W4", "2024-02-01",
                                                           role="sw"),
    ]})
    a = facts.allocations(w, ON)
    assert got(w, a, "child_id", "worker_id", "team_id", "service_id") == [
        ("C1", "W2", "T2", "S2"), ("C2", "W3", "T1", "S1"), ("C4", "W4", "T1", "S1")]
    # the day before the handover W1 holds C1
    before = facts.allocations(w, date(2024, 3, 30))
    assert ("C1", "W1") in got(w, before, "child_id", "worker_id")


def test_allocation_at_each_rows_date() -> None:
    w = src({"ssd_department": DEPT, "ssd_involvements": [
        inv("I1", "C1", "W1", "2023-01-01", "2024-03-31"), inv("I2", "C1", "W2", "2024-03-31")]})
    rows = ibis.memtable(pa.table({
        "k": [1, 2, 3], "c": ["C1", "C1", "C1"],
        "d": pa.array([date(2024, 3, 30), date(2024, 3, 31), date(2022, 1, 1)], pa.date32())}))
    t = facts.allocation_at(w, rows, key="k", child="c", when="d", prefix="a_")
    assert got(w, t, "k", "a_worker_id", "a_service_id") == [
        (1, "W1", "S1"), (2, "W2", "S1"), (3, None, None)]


def test_last_allocation_falls_back_to_the_latest_ended() -> None:
    w = src({"ssd_department": DEPT, "ssd_involvements": [
        inv("I1", "C1", "W1", "2022-01-01", "2023-01-01", team="T2"),
        inv("I2", "C1", "W2", "2023-06-01", "2023-12-31"),
        inv("I3", "C2", "W1", "2025-01-01"),  # not begun yet: no team
    ]})
    t = facts.last_allocations(w, ON)
    assert got(w, t, "child_id", "worker_id", "team_id") == [("C1", "W2", "T1")]


PROF = [
    {"prof_professional_id": "W1", "prof_professional_department": "T1",
     "prof_professional_job_title": "Social Worker", "prof_full_time_equivalency": 0.5},
    {"prof_professional_id": "P1", "prof_professional_department": "T2",
     "prof_professional_job_title": "Personal Adviser"},
    # left the day before: holds cases on paper but is not a case holder
    {"prof_professional_id": "W9", "prof_professional_department": "T1",
     "prof_professional_job_title": "Social Worker", "prof_end_date": "2024-03-30"},
]


def test_caseloads_count_social_workers_and_personal_advisers() -> None:
    w = src({"ssd_department": DEPT, "ssd_professionals": PROF, "ssd_involvements": [
        # a handover on the date counts for both workers (KPIS.md: no tie-break)
        inv("I1", "C1", "W1", "2023-01-01", "2024-03-31"), inv("I2", "C1", "W9", "2024-03-31"),
        inv("I3", "C2", "W1", "2024-01-01"),
        inv("I4", "C2", "W1", "2024-02-01"),  # the same child twice counts once
        inv("I5", "C3", "P1", "2024-01-01", role="PA", team="T2"),
        inv("I6", "C4", "P1", "2023-01-01", "2024-01-01", role="PA", team="T2"),  # ended
    ]})
    loads = facts.caseloads(w, ON)
    assert got(w, loads, "worker_id", "role_label", "caseload") == [
        ("P1", "personal adviser", 1), ("W1", "social worker", 2), ("W9", "social worker", 1)]
    holders = facts.case_holders(w, ON)
    assert got(w, holders, "worker_id", "role", "caseload", "fte", "service_id") == [
        ("P1", "PA", 1, 1.0, "S2"), ("W1", "SW", 2, 0.5, "S1")]


def ep(eid: str, start: str, end: str | None = None, rec: str | None = None,
       period: str = "P1", child: str = "C1", ls: str = "C2") -> dict[str, Any]:
    return {"clae_cla_episode_id": eid, "clae_person_id": child, "clae_cla_id": period,
            "clae_cla_episode_start_date": start, "clae_cla_episode_ceased_date": end,
            "clae_cla_episode_ceased_reason": rec, "clae_legal_status": ls}


def test_periods_of_care_and_looked_after() -> None:
    w = src({"ssd_cla_episodes": [
        # P1: a change of placement (X1) then ended E4A on 31 March (still looked after)
        ep("E1", "2023-02-28", "2023-09-01", "X1"), ep("E2", "2023-09-01", "2024-03-31", "E4A"),
        # P2: open; P3: a short break only (V3) is no period of care
        ep("E3", "2024-02-29", period="P2", child="C2"),
        ep("E4", "2024-01-01", period="P3", child="C3", ls="V3"),
        # P4: the last episode ended X1 with nothing after: still open
        ep("E5", "2022-01-01", "2023-01-01", "X1", period="P4", child="C4"),
    ]})
    p = facts.periods_of_care(w)
    assert got(w, p, "period_id", "p_start", "p_end") == [
        ("P1", date(2023, 2, 28), date(2024, 3, 31)), ("P2", date(2024, 2, 29), None),
        ("P4", date(2022, 1, 1), None)]
    la = facts.looked_after(w, ON)
    assert got(w, la, "child", "ep_id", "p_start") == [
        ("C1", "E2", date(2023, 2, 28)), ("C2", "E3", date(2024, 2, 29))]
    assert got(w, facts.looked_after(w, date(2024, 4, 1)), "child") == [("C2",)]


def test_cp_plans_and_cin_open() -> None:
    w = src({
        "ssd_cp_plans": [
            {"cppl_cp_plan_id": "A", "cppl_person_id": "C1", "cppl_cp_plan_start_date":
             "2023-01-01", "cppl_cp_plan_end_date": "2024-03-31"},
            {"cppl_cp_plan_id": "B", "cppl_person_id": "C1", "cppl_cp_plan_start_date":
             "2024-03-31"},  # a new plan the day the old one ends: one child
            {"cppl_cp_plan_id": "C", "cppl_person_id": "C2", "cppl_cp_plan_start_date":
             "2024-04-01"},  # starts tomorrow
        ],
        "ssd_cin_episodes": [
            {"cine_referral_id": "R1", "cine_person_id": "C1", "cine_referral_date":
             "2024-03-31"},
            {"cine_referral_id": "R2", "cine_person_id": "C2", "cine_referral_date":
             "2024-03-01", "cine_referral_nfa": "Y"},  # NFA: not in need
            {"cine_referral_id": "R3", "cine_person_id": "C3", "cine_referral_date":
             "2024-01-01", "cine_close_date": "2024-03-30"},
        ]})
    assert got(w, facts.cp_plans_open(w, ON), "child", "plan_id") == [("C1", "B")]
    assert len(w.rows(facts.cp_plans_open(w, ON, per_child=False))) == 2
    assert got(w, facts.cin_open(w, ON), "child", "ref_id") == [("C1", "R1")]


@pytest.mark.parametrize(("dob", "on", "expected"), [
    ("2019-08-31", "2024-08-31", False),  # 5 today, but 4 on the 31 August before
    ("2019-08-31", "2024-09-01", True),  # 5 on 31 August 2024: this school year
    ("2019-09-01", "2024-09-01", False),  # 5 today: 4 on 31 August, next school year
    ("2019-09-01", "2025-09-01", True),
    ("2008-08-31", "2024-08-31", True),  # 15 on 31 August 2023: the last school year
    ("2008-08-31", "2024-09-01", False),  # 16 on 31 August 2024
    ("2020-02-29", "2025-09-01", True),  # leap-day birth: 5 on 28 Feb 2025
])
def test_compulsory_school_age(dob: str, on: str, expected: bool) -> None:
    w = src({"ssd_person": [{"pers_person_id": "C1", "pers_dob": dob}]})
    t = facts.compulsory_school_age(w, date.fromisoformat(on))
    assert (len(w.rows(t)) == 1) is expected


@pytest.mark.parametrize(("dob", "starts"), [
    ("2019-08-31", date(2024, 9, 1)), ("2019-09-01", date(2025, 9, 1)),
    ("2020-02-29", date(2025, 9, 1))])
def test_school_age_from_agrees_with_the_rule(dob: str, starts: date) -> None:
    w = src({"ssd_person": [{"pers_person_id": "C1", "pers_dob": dob}]})
    p = w.t("ssd_person")
    assert w.rows(p.select(s=facts.school_age_from(p.pers_dob)))[0]["s"] == starts
    for day, inside in ((starts, True), (date(starts.year, 8, 31), False)):
        t = facts.compulsory_school_age(w, day)
        assert (len(w.rows(t)) == 1) is inside


def test_facts_on_a_table_of_dates() -> None:
    """The engine's shape: one query over several month ends, date in ``as_of``."""
    w = src({"ssd_department": DEPT, "ssd_involvements": [
        inv("I1", "C1", "W1", "2024-01-15", "2024-02-29")]})
    months = ibis.memtable(pa.table({"me": pa.array(
        [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)], pa.date32())}))
    t = facts.allocations(w, months, as_of="me")
    assert got(w, t, "me", "worker_id") == [(date(2024, 1, 31), "W1"), (date(2024, 2, 29), "W1")]


def test_a_result_left_unread_on_the_connection_does_not_block_a_fact() -> None:
    """Other code shares the DuckDB connection and may leave a result unread
    (``execute(...).fetchone()``); Ibis would refuse the next query."""
    con = warehouse({"ssd_person": [{"pers_person_id": "C1"}, {"pers_person_id": "C2"}]})
    w = facts.source(con)
    con.execute("SELECT * FROM ssd_person").fetchone()
    assert facts.source(con) is w  # one Warehouse per connection
    assert len(facts.records(w, w.t("ssd_person"))) == 2
