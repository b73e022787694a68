"""Trackers from the seeds: long-term matching at 11 months, Transition Panel at 14, a
personal adviser by 15 years 9 months, homeless 16/17-year-olds assessed, Schedule 3."""

from __future__ import annotations

from datetime import date

from lantern.alerts import run_alerts
from lantern.alerts.rules import rule
from tests.alerts_fixtures import Warehouse


def items(w: Warehouse, on: date, rule_id: str) -> list:
    return run_alerts(w.con, on, rules=[rule(rule_id)])


def placed(w: Warehouse, child: str, start: date, place: str, end: date | None = None,
           dob: date = date(2015, 6, 1)) -> Warehouse:
    w.child(child, dob).allocate(child)
    w.cla_episode(f"L{child}", child, date(2022, 1, 10), placement=f"PL{child}")
    return w.placement(f"PL{child}", f"L{child}", child, start, place, end)


def test_long_term_match_at_11_months() -> None:
    w = Warehouse().staffed()
    # C1: short-term foster (U3) from 31 Mar 2023: + 11 months = 31 Feb -> Thu 29 Feb 2024.
    placed(w, "C1", date(2023, 3, 31), "U3")
    # C2: already long-term (U4): never alerted.
    placed(w, "C2", date(2023, 3, 31), "U4")
    # C3: U6 from 15 Apr 2023, due 15 Mar 2024, but the placement ends 10 Mar.
    placed(w, "C3", date(2023, 4, 15), "U6", end=date(2024, 3, 10))
    # C4: U6 from 15 Apr 2023, due Fri 15 Mar; on 1 Mar 10 working days to go (lead 20).
    placed(w, "C4", date(2023, 4, 15), "U6")
    got = {i.child_id: i for i in items(w, date(2024, 3, 1), "long_term_match_11m")}
    assert set(got) == {"C1", "C4"}
    assert (got["C1"].due_date, got["C1"].days_overdue) == (date(2024, 2, 29), 1)
    assert (got["C4"].due_date, got["C4"].days_overdue) == (date(2024, 3, 15), -10)
    assert got["C1"].subject_id == "PLC1"


def test_transition_panel_at_14() -> None:
    w = Warehouse().staffed()
    # C1 born 8 Mar 2010: 14 on Fri 8 Mar 2024; on 1 Mar 5 working days to go (4-8 Mar).
    placed(w, "C1", date(2023, 1, 9), "K2", dob=date(2010, 3, 8))
    # C2 was 14 on 1 Jan 2024: 60 days before 1 Mar, past the 28-day prompt.
    placed(w, "C2", date(2023, 1, 9), "K2", dob=date(2010, 1, 1))
    [i] = items(w, date(2024, 3, 1), "transition_panel_14")
    assert (i.child_id, i.due_date, i.days_overdue) == ("C1", date(2024, 3, 8), -5)


def test_personal_adviser_by_15_years_9_months() -> None:
    w = Warehouse().staffed()
    # C1 born 31 May 2008: 15 years 9 months = 31 Feb 2024 -> Thu 29 Feb (clamped).
    placed(w, "C1", date(2023, 1, 9), "K2", dob=date(2008, 5, 31))
    # C2 same age but a personal adviser is allocated.
    placed(w, "C2", date(2023, 1, 9), "K2", dob=date(2008, 5, 31))
    w.allocate("C2", worker="PA1", role="PA", start=date(2024, 2, 1))
    # C3 is 13: nothing.
    placed(w, "C3", date(2023, 1, 9), "K2", dob=date(2010, 9, 1))
    [i] = items(w, date(2024, 3, 1), "personal_adviser_15y9m")
    assert (i.child_id, i.due_date, i.status, i.days_overdue) == ("C1", date(2024, 2, 29),
                                                                   "escalated", 1)
    assert i.act == "W1"  # the allocated social worker must arrange it


def contact(w: Warehouse, cid: str, child: str, d: date, text: str) -> Warehouse:
    return w.add("ssd_contacts", cont_contact_id=cid, cont_person_id=child,
                 cont_contact_date=d, cont_contact_outcome_json=text)


def test_homeless_16_17_assessed() -> None:
    w = Warehouse().staffed()
    w.child("C1", date(2007, 6, 1)).allocate("C1")  # 16
    w.child("C2", date(2009, 6, 1)).allocate("C2")  # 14
    w.child("C3", date(2006, 4, 1)).allocate("C3")  # 18 on 1 Apr 2024
    for n, c in enumerate(("C1", "C2", "C3")):
        contact(w, f"K{n}", c, date(2024, 3, 22), "Young person presenting as Homeless")
    contact(w, "K9", "C1", date(2024, 3, 22), "Advice given")
    # Fri 22 Mar 2024 + 10 wd: 25-28 Mar (4), Easter skipped, 2-5 Apr (8), 8-9 Apr (10)
    # -> Tue 9 Apr. On 2 Apr: 3, 4, 5, 8, 9 Apr = 5 to go: worker and team manager.
    # C3 turns 18 on 1 Apr, before the due date: no alert; C2 is not 16 or 17.
    [i] = items(w, date(2024, 4, 2), "homeless_16_17")
    assert (i.child_id, i.subject_id, i.due_date, i.days_overdue, i.notify) == (
        "C1", "K0", date(2024, 4, 9), -5, ("W1", "TM1"))
    w.add("ssd_cin_assessments", cina_assessment_id="A1", cina_person_id="C1",
          cina_assessment_start_date=date(2024, 4, 3))
    assert items(w, date(2024, 4, 4), "homeless_16_17") == []


def test_schedule3_placed_with_parents() -> None:
    w = Warehouse().staffed()
    # P1 from Fri 22 Dec 2023: + 10 wd: 27-29 Dec (3), 1 Jan holiday, 2-5 Jan (7),
    # 8-10 Jan (10) -> Wed 10 Jan 2024; on Fri 12 Jan 2 working days late.
    placed(w, "C1", date(2023, 12, 22), "P1")
    # C2: assessment authorised 1 Nov 2023 is current until 1 May 2024: nothing due yet.
    placed(w, "C2", date(2023, 12, 22), "P1")
    w.add("ssd_cin_assessments", cina_assessment_id="A2", cina_person_id="C2",
          cina_assessment_auth_date=date(2023, 11, 1))
    # C3: assessment authorised 1 Jun 2023 expired 1 Dec 2023: due 10 Jan as C1.
    placed(w, "C3", date(2023, 12, 22), "P1")
    w.add("ssd_cin_assessments", cina_assessment_id="A3", cina_person_id="C3",
          cina_assessment_auth_date=date(2023, 6, 1))
    # C4: a foster placement is not Schedule 3.
    placed(w, "C4", date(2023, 12, 22), "U6")
    got = {i.child_id: i for i in items(w, date(2024, 1, 12), "schedule3_assessment")}
    assert set(got) == {"C1", "C3"}
    assert (got["C1"].due_date, got["C1"].days_overdue) == (date(2024, 1, 10), 2)
    # C2 on 19 Apr 2024: 1 May is 8 working days away (22-26, 29, 30 Apr, 1 May).
    [c2] = [i for i in items(w, date(2024, 4, 19), "schedule3_assessment")
            if i.child_id == "C2"]
    assert (c2.due_date, c2.days_overdue) == (date(2024, 5, 1), -8)
