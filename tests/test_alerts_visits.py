"""Visit alerts: CP every 10 working days, CIN every 20, looked after every 6 weeks.

Expected due dates are counted by hand on the calendar in each comment (England and Wales
bank holidays: 25-26 Dec 2023, 1 Jan 2024, Easter 29 Mar and 1 Apr 2024).
"""

from __future__ import annotations

from datetime import date

from lantern.alerts import run_alerts
from lantern.alerts.rules import rule
from tests.alerts_fixtures import Warehouse


def items(w: Warehouse, on: date, rule_id: str) -> list:
    return [i for i in run_alerts(w.con, on, rules=[rule(rule_id)])]


def cp_case(last_seen: date | None, start: date = date(2023, 6, 1),
            end: date | None = None) -> Warehouse:
    w = Warehouse().staffed().child("C1").allocate("C1")
    w.cp_plan("P1", "C1", start, end)
    if last_seen:
        w.cp_visit("P1", "C1", last_seen)
    return w


def test_cp_visit_over_christmas() -> None:
    # Seen Mon 18 Dec 2023; +10 wd: 19-22 Dec (4), 25-26 Dec bank holidays, 27-29 Dec (7),
    # 1 Jan bank holiday, 2-4 Jan (10) -> due Thu 4 Jan 2024.
    w = cp_case(date(2023, 12, 18))
    [soon] = items(w, date(2024, 1, 2), "cp_visit")
    assert (soon.due_date, soon.status, soon.days_overdue) == (date(2024, 1, 4), "due_soon", -2)
    assert soon.notify == ("W1",) and soon.act == "W1"
    assert soon.basis == "last seen visit 18 Dec 2023 + 10 working days"
    [today] = items(w, date(2024, 1, 4), "cp_visit")
    assert (today.status, today.days_overdue) == ("due_today", 0)
    # Fri 5 Jan is 1 working day late: the team manager is added (escalated).
    [late] = items(w, date(2024, 1, 5), "cp_visit")
    assert (late.status, late.days_overdue, late.notify) == ("escalated", 1, ("W1", "TM1"))
    # Sat 6 Jan: still 1 working day late (the weekend adds none).
    [sat] = items(w, date(2024, 1, 6), "cp_visit")
    assert sat.days_overdue == 1


def test_cp_visit_over_easter() -> None:
    # Seen Thu 21 Mar 2024; +10 wd: 22 Mar (1), 25-28 Mar (5), Good Friday 29 Mar and
    # Easter Monday 1 Apr skipped, 2-5 Apr (9), 8 Apr (10) -> due Mon 8 Apr.
    w = cp_case(date(2024, 3, 21))
    [i] = items(w, date(2024, 3, 28), "cp_visit")
    # From Thu 28 Mar: 2, 3, 4, 5, 8 Apr = 5 working days to go.
    assert (i.due_date, i.days_overdue) == (date(2024, 4, 8), -5)


def test_cp_visit_ignores_visits_where_child_not_seen() -> None:
    # Seen Mon 12 Feb 2024 (the 26 Feb visit did not see the child); +10 wd: 13-16 Feb (4),
    # 19-23 Feb (9), 26 Feb (10) -> due Mon 26 Feb; on Fri 1 Mar: 27, 28, 29 Feb, 1 Mar = 4 late.
    w = cp_case(date(2024, 2, 12))
    w.cp_visit("P1", "C1", date(2024, 2, 26), seen="N")
    [i] = items(w, date(2024, 3, 1), "cp_visit")
    assert (i.due_date, i.status, i.days_overdue) == (date(2024, 2, 26), "escalated", 4)
    assert i.notify == ("W1", "TM1")  # head of service only from 5 working days


def test_cp_visit_no_visit_counts_from_plan_start_over_month_end() -> None:
    # Plan from Mon 19 Feb 2024, no visit; +10 wd: 20-23 Feb (4), 26-29 Feb (8), 1 Mar (9),
    # 4 Mar (10) -> due Mon 4 Mar; on Fri 1 Mar one working day to go.
    w = cp_case(None, start=date(2024, 2, 19))
    [i] = items(w, date(2024, 3, 1), "cp_visit")
    assert (i.due_date, i.days_overdue, i.status) == (date(2024, 3, 4), -1, "due_soon")
    assert i.basis.startswith("plan start (no seen visit) 19 Feb 2024")


def test_cp_visit_plan_ending_before_due_date_gives_no_alert() -> None:
    # Seen Thu 22 Feb 2024 -> due Thu 7 Mar (23 Feb, 26-29 Feb, 1 Mar, 4-7 Mar = 10 wd).
    # The plan's recorded end (Tue 5 Mar) is before it: the visit never falls due.
    assert items(cp_case(date(2024, 2, 22), end=date(2024, 3, 5)), date(2024, 3, 1),
                 "cp_visit") == []
    # A plan that ended on 28 Feb is not open on 1 Mar.
    assert items(cp_case(date(2024, 2, 12), end=date(2024, 2, 28)), date(2024, 3, 1),
                 "cp_visit") == []
    # Control: with no end the same visit is due soon.
    [i] = items(cp_case(date(2024, 2, 22)), date(2024, 3, 1), "cp_visit")
    assert i.due_date == date(2024, 3, 7)


def test_cin_visit_over_christmas_and_month_end() -> None:
    # Visited Fri 8 Dec 2023; +20 wd: 11-15 Dec (5), 18-22 Dec (10), 27-29 Dec (13),
    # 2-5 Jan (17), 8-10 Jan (20) -> due Wed 10 Jan 2024.
    w = Warehouse().staffed().child("C1").allocate("C1")
    w.cin_plan("CP1", "C1", date(2023, 9, 1)).cin_visit("C1", date(2023, 12, 8))
    [i] = items(w, date(2024, 1, 10), "cin_visit")
    assert (i.due_date, i.status) == (date(2024, 1, 10), "due_today")
    # Plan from Thu 1 Feb 2024; a visit on 31 Jan was before it and does not count.
    # +20 wd: 2 Feb (1), 5-9 (6), 12-16 (11), 19-23 (16), 26-29 Feb (20) -> due Thu 29 Feb.
    w2 = Warehouse().staffed().child("C2").allocate("C2")
    w2.cin_plan("CP2", "C2", date(2024, 2, 1)).cin_visit("C2", date(2024, 1, 31))
    [j] = items(w2, date(2024, 3, 1), "cin_visit")
    assert (j.due_date, j.days_overdue, j.status) == (date(2024, 2, 29), 1, "escalated")


def test_cin_visit_plan_ended_before_due() -> None:
    w = Warehouse().staffed().child("C1").allocate("C1")
    # Due Thu 29 Feb as above, but the plan ends Tue 27 Feb.
    w.cin_plan("CP1", "C1", date(2024, 2, 1), date(2024, 2, 27))
    assert items(w, date(2024, 2, 26), "cin_visit") == []


def test_cla_visit_six_weeks_leap_month_end_and_weekend() -> None:
    w = Warehouse().staffed().child("C1").allocate("C1").child("C2").allocate("C2")
    # Visited Thu 18 Jan 2024; + 42 days = Thu 29 Feb (13 days to 31 Jan, 29 in Feb).
    w.cla_episode("L1", "C1", date(2023, 5, 2)).cla_visit("L1", "C1", date(2024, 1, 18))
    # Visited Sat 20 Jan 2024; + 42 days = Sat 2 Mar (a weekend due date).
    w.cla_episode("L2", "C2", date(2023, 5, 2)).cla_visit("L2", "C2", date(2024, 1, 20))
    got = {i.child_id: i for i in items(w, date(2024, 3, 1), "cla_visit")}
    assert (got["C1"].due_date, got["C1"].days_overdue) == (date(2024, 2, 29), 1)
    # Fri 1 Mar to Sat 2 Mar holds no working day: due soon, 0 working days to go.
    assert (got["C2"].due_date, got["C2"].status, got["C2"].days_overdue) == (
        date(2024, 3, 2), "due_soon", 0)
    # Mon 4 Mar: one working day after Sat 2 Mar.
    [late] = [i for i in items(w, date(2024, 3, 4), "cla_visit") if i.child_id == "C2"]
    assert late.days_overdue == 1


def test_cla_visit_period_across_episodes_short_breaks_and_ending() -> None:
    w = Warehouse().staffed()
    for c in ("C1", "C2", "C3"):
        w.child(c).allocate(c)
    # C1: two episodes of one period (placement move 1 Feb); the visit on 25 Jan counts:
    # + 42 days = 7 Mar; on 1 Mar 4 working days to go (4, 5, 6, 7 Mar).
    w.cla_episode("L1", "C1", date(2023, 1, 9), date(2024, 2, 1), rec="X1")
    w.cla_episode("L1", "C1", date(2024, 2, 1), rne="P", entered=date(2023, 1, 9))
    w.cla_visit("L1", "C1", date(2024, 1, 25))
    # C2: short breaks (V3) are not looked-after episodes for visits.
    w.cla_episode("L2", "C2", date(2023, 1, 9), ls="V3")
    # C3: entered care 15 Jan 2024, no visit: due 26 Feb; but the episode ends 20 Feb.
    w.cla_episode("L3", "C3", date(2024, 1, 15), date(2024, 2, 20), rec="E13")
    got = items(w, date(2024, 2, 19), "cla_visit") + items(w, date(2024, 3, 1), "cla_visit")
    assert {(i.child_id, i.due_date) for i in got} == {("C1", date(2024, 3, 7))}
