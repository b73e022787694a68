"""Casework queries: chronology, child record, caseloads, changes of worker, scope."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import duckdb
import pytest

from lantern import casework
from lantern.model import tables


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    c = duckdb.connect()
    for t in tables().values():
        c.execute(t.ddl())

    def ins(table: str, **values: object) -> None:
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        c.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(values.values()))

    ins("ssd_person", pers_person_id="C1", pers_forename="Ada", pers_surname="Lovelace",
        pers_dob=date(2015, 1, 1), pers_sex="F")
    ins("ssd_person", pers_person_id="C2", pers_forename="Bo", pers_surname="Peep",
        pers_dob=date(2016, 1, 1), pers_sex="F")
    ins("ssd_department", dept_team_id="T1", dept_team_name="Team one",
        dept_team_parent_id="safeguarding", dept_team_parent_name="safeguarding")
    ins("ssd_department", dept_team_id="T2", dept_team_name="Team two",
        dept_team_parent_id="cared_for", dept_team_parent_name="cared_for")
    for w, team in (("W1", "T1"), ("W2", "T1"), ("W3", "T2")):
        ins("ssd_professionals", prof_professional_id=w, prof_professional_name=f"Worker {w}",
            prof_professional_job_title="Social Worker", prof_professional_department=team)
    # C1: W1 (2023-01-01..2023-06-30), then W2 (2023-07-01..), then W2 again (no change)
    ins("ssd_involvements", invo_involvements_id="I1", invo_person_id="C1",
        invo_professional_id="W1", invo_professional_role_id="SW", invo_professional_team="T1",
        invo_involvement_start_date=date(2023, 1, 1), invo_involvement_end_date=date(2023, 6, 30))
    ins("ssd_involvements", invo_involvements_id="I2", invo_person_id="C1",
        invo_professional_id="W2", invo_professional_role_id="SW", invo_professional_team="T1",
        invo_involvement_start_date=date(2023, 7, 1), invo_involvement_end_date=date(2023, 9, 1))
    ins("ssd_involvements", invo_involvements_id="I3", invo_person_id="C1",
        invo_professional_id="W2", invo_professional_role_id="SW", invo_professional_team="T1",
        invo_involvement_start_date=date(2023, 9, 2))
    ins("ssd_involvements", invo_involvements_id="I4", invo_person_id="C2",
        invo_professional_id="W3", invo_professional_role_id="SW", invo_professional_team="T2",
        invo_involvement_start_date=date(2023, 2, 1))
    ins("ssd_cin_episodes", cine_referral_id="R1", cine_person_id="C1",
        cine_referral_date=date(2022, 12, 30), cine_referral_nfa="N")
    ins("ssd_cp_plans", cppl_cp_plan_id="P1", cppl_person_id="C1",
        cppl_cp_plan_start_date=date(2023, 3, 1))
    ins("ssd_cp_visits", cppv_cp_visit_id="V1", cppv_person_id="C1", cppv_cp_plan_id="P1",
        cppv_cp_visit_date=date(2023, 3, 10), cppv_cp_visit_seen="Y")
    ins("ssd_contacts", cont_contact_id="K1", cont_person_id="C1",
        cont_contact_date=date(2023, 12, 31))
    yield c
    c.close()


def test_chronology_is_every_event_in_date_order(con: duckdb.DuckDBPyConnection) -> None:
    events = casework.chronology(con, "C1")
    assert [e.date for e in events] == sorted(e.date for e in events)
    titles = [e.title for e in events]
    assert titles[0] == "Referral"  # 30 Dec 2022, before the first allocation
    assert "Child protection plan started" in titles and "Child protection visit" in titles
    assert titles.count("Social worker allocated") == 3
    assert "Allocation ended" in titles
    assert {e.category for e in events} <= set(casework.CATEGORIES)
    only = casework.chronology(con, "C1", categories={"visit"})
    assert [e.title for e in only] == ["Child protection visit"]
    assert only[0].detail == "Child seen."
    assert casework.chronology(con, "C1", until=date(2022, 12, 31))[-1].title == "Referral"
    assert casework.chronology(con, "nobody") == []


def test_child_record(con: duckdb.DuckDBPyConnection) -> None:
    rec = casework.child_record(con, "C1", date(2024, 1, 15))
    assert rec is not None
    assert rec.name == "Ada Lovelace"
    assert rec.statuses == ["Child in need", "Child protection plan"]
    assert rec.team_id == "T1" and rec.service_id == "safeguarding"
    assert [a.worker_id for a in rec.allocations] == ["W1", "W2", "W2"]
    assert rec.current_worker is not None and rec.current_worker.worker_id == "W2"
    # W1 -> W2 on 1 Jul 2023 is a change; W2 -> W2 on 2 Sep is not.
    assert rec.worker_changes_12m == 1
    assert casework.child_record(con, "nobody", date(2024, 1, 1)) is None


def test_changes_of_worker_window(con: duckdb.DuckDBPyConnection) -> None:
    assert casework.worker_changes(con, date(2024, 6, 30)) == {"C1": 1}
    assert casework.worker_changes(con, date(2024, 7, 1)) == {}  # 1 Jul 2023 is 12 months back
    assert casework.worker_changes(con, date(2023, 6, 30)) == {}


def test_caseloads_and_children(con: duckdb.DuckDBPyConnection) -> None:
    on = date(2024, 1, 15)
    loads = {w.worker_id: w.caseload for w in casework.workers(con, on)}
    assert loads == {"W1": 0, "W2": 1, "W3": 1}
    assert [c.child_id for c in casework.children_of(con, on, team_id="T1")] == ["C1"]
    assert [c.child_id for c in casework.children_of(con, on, service_id="cared_for")] == ["C2"]
    assert [c.child_id for c in casework.children_of(con, date(2023, 5, 1), worker_id="W1")
            ] == ["C1"]
    assert [t.team_id for t in casework.teams(con)] == ["T1", "T2"]


def test_scope_is_the_latest_allocation(con: duckdb.DuckDBPyConnection) -> None:
    scopes = casework.scope_map(con, date(2024, 1, 15))
    assert scopes["C1"] == casework.ChildScope("C1", "T1", "safeguarding", "W2")
    assert scopes["C2"].service == "cared_for"
    assert casework.child_scope(con, "C2", date(2022, 1, 1)) == casework.ChildScope(
        "C2", None, None)  # not yet allocated: only authority-wide roles see them


def test_data_date(con: duckdb.DuckDBPyConnection) -> None:
    assert casework.data_date(con, today=date(2030, 1, 1)) == date(2023, 12, 31)
    assert casework.data_date(con, today=date(2023, 8, 1)) == date(2023, 7, 1)


def test_chronology_reads_as_sentences(con: duckdb.DuckDBPyConnection) -> None:
    """Codes, JSON and ids became words: once `{"outcome": "Information and advice"}`,
    `{"icpc": true}`, `RC7`, `source 2A; need N1` and a worker's id were shown."""
    con.execute("""INSERT INTO ssd_cin_episodes (cine_referral_id, cine_person_id,
                   cine_referral_date, cine_referral_source_code, cine_cin_primary_need_code,
                   cine_close_date, cine_referral_closure_reason_code)
                   VALUES ('R9', 'C2', DATE '2023-03-01', '2A', 'N1', DATE '2023-05-01', 'RC7')""")
    con.execute("""INSERT INTO ssd_contacts (cont_contact_id, cont_person_id, cont_contact_date,
                   cont_contact_outcome_json)
                   VALUES ('K9', 'C2', DATE '2023-02-01',
                           '{"outcome": "Information and advice"}')""")
    con.execute("""INSERT INTO ssd_s47_enquiry (s47e_s47_enquiry_id, s47e_person_id,
                   s47e_s47_end_date, s47e_s47_outcome_json)
                   VALUES ('S9', 'C2', DATE '2023-03-20', '{"icpc": true}')""")
    details = {e.title: e.detail for e in casework.chronology(con, "C2")}
    assert details["Contact received"] == "Outcome: Information and advice."
    assert details["Referral"] == "Referred by Schools. Main need: Abuse or neglect."
    assert details["Children in need episode closed"] == (
        "Reason: Services ceased for any other reason.")
    assert details["Section 47 enquiry completed"] == (
        "An initial child protection conference is needed.")
    assert details["Social worker allocated"] == "Worker: Worker W3. Team: Team two."


def test_personal_advisers_caseloads_are_counted_and_labelled(
        con: duckdb.DuckDBPyConnection) -> None:
    """Issue #13: a care-experienced team showed 0 children while its personal advisers
    held open PA involvements; caseloads counted only SW involvements."""
    con.execute("""INSERT INTO ssd_department (dept_team_id, dept_team_name, dept_team_parent_id)
                   VALUES ('T9', 'Care experienced', 'cared_for')""")
    con.execute("""INSERT INTO ssd_professionals (prof_professional_id, prof_professional_name,
                       prof_professional_job_title, prof_professional_department)
                   VALUES ('PA1', 'Adviser', 'Personal Adviser', 'T9')""")
    con.execute("""INSERT INTO ssd_person (pers_person_id, pers_forename, pers_surname)
                   VALUES ('C3', 'Cy', 'Leaver')""")
    con.execute("""INSERT INTO ssd_involvements (invo_involvements_id, invo_person_id,
                       invo_professional_id, invo_professional_role_id,
                       invo_professional_team, invo_involvement_start_date)
                   VALUES ('I9', 'C3', 'PA1', 'PA', 'T9', DATE '2023-06-01')""")
    on = date(2024, 1, 15)
    pa = casework.workers(con, on, team_id="T9")
    assert [(w.worker_id, w.caseload, w.caseload_of) for w in pa] == [
        ("PA1", 1, "personal adviser")]
    assert {w.worker_id: w.caseload_of for w in casework.workers(con, on, team_id="T1")} == {
        "W1": "", "W2": "social worker"}
    held = casework.children_of(con, on, team_id="T9")
    assert [(c.child_id, c.worker_id, c.held_as) for c in held] == [
        ("C3", "PA1", "personal adviser")]
    # the care leaver's record belongs to the adviser's team
    assert casework.child_scope(con, "C3", on) == casework.ChildScope("C3", "T9", "cared_for",
                                                                      "PA1")


def test_statuses_are_the_derived_facts(con: duckdb.DuckDBPyConnection) -> None:
    """A record's statuses read lantern.facts: a plan ending on the date is still open
    that day (it used to drop off), and a short break (V3) is not being looked after."""
    con.execute("UPDATE ssd_cp_plans SET cppl_cp_plan_end_date = DATE '2024-01-15'")
    con.execute("""INSERT INTO ssd_cla_episodes (clae_cla_episode_id, clae_person_id, clae_cla_id,
                       clae_cla_episode_start_date, clae_legal_status)
                   VALUES ('E1', 'C2', 'P9', DATE '2024-01-01', 'V3')""")
    on = date(2024, 1, 15)
    assert casework.statuses_on(con, on) == {"C1": ["Child in need", "Child protection plan"]}
    rec = casework.child_record(con, "C1", on)
    assert rec is not None and rec.statuses == ["Child in need", "Child protection plan"]
    assert casework.statuses_on(con, date(2024, 1, 16)) == {"C1": ["Child in need"]}


def test_children_of_on_an_attached_copy(con: duckdb.DuckDBPyConnection) -> None:
    """The web app reads an attached in-memory copy (``USE lantern_copy``): a cursor the
    caseload query opens must read that database, not the connection's default."""
    con.execute("ATTACH ':memory:' AS lantern_copy")
    con.execute("COPY FROM DATABASE memory TO lantern_copy")
    con.execute("USE lantern_copy")
    con.execute("DROP TABLE memory.main.ssd_person")
    assert [c.child_id for c in casework.children_of(con, date(2024, 1, 15), team_id="T1")
            ] == ["C1"]
