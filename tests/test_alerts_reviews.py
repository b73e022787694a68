"""Review alerts: CP review conferences and looked-after reviews, with the seeds' rule.

The seeds (2023 improvement plan): "social workers receive a prompt at the 10-day stage that
a report is due for a Cared For review. At the five-day point, the Heads of Services ... are
included in the alerts". Due dates and working-day counts are worked by hand below.
"""

from __future__ import annotations

from datetime import date

from lantern.alerts import run_alerts
from lantern.alerts.rules import rule
from tests.alerts_fixtures import Warehouse


def items(w: Warehouse, on: date, rule_id: str) -> list:
    return run_alerts(w.con, on, rules=[rule(rule_id)])


def looked_after(reviews: list[date], start: date = date(2022, 9, 5),
                 end: date | None = None) -> Warehouse:
    w = Warehouse().staffed().child("C1").allocate("C1")
    w.cla_episode("L1", "C1", start, end, rec="E13" if end else None)
    for r in reviews:
        w.cla_review("L1", "C1", r)
    return w


def test_seeds_rule_worked_case() -> None:
    # Reviews held 30 Sep 2022, 30 Dec 2022, 15 Sep 2023: the next is due 6 months after the
    # last, Fri 15 Mar 2024. Ten working days before it is Fri 1 Mar (4-8 Mar, 11-15 Mar);
    # five working days before it is Fri 8 Mar (11-15 Mar).
    w = looked_after([date(2022, 9, 30), date(2022, 12, 30), date(2023, 9, 15)])
    assert items(w, date(2024, 2, 29), "cla_review") == []  # 11 working days to go: no prompt
    [first] = items(w, date(2024, 3, 1), "cla_review")
    assert (first.due_date, first.status, first.days_overdue) == (date(2024, 3, 15), "due_soon",
                                                                   -10)
    assert first.act == "W1" and first.notify == ("W1",)
    assert first.basis == "last review 15 Sep 2023 + 6 months"
    # Thu 7 Mar: 6 working days to go (8, 11-15 Mar) - still the worker alone.
    [thu] = items(w, date(2024, 3, 7), "cla_review")
    assert thu.notify == ("W1",)
    # Fri 8 Mar: 5 working days to go - the Head of Service is included.
    [fri] = items(w, date(2024, 3, 8), "cla_review")
    assert (fri.days_overdue, fri.notify) == (-5, ("W1", "HOS1"))
    [due] = items(w, date(2024, 3, 15), "cla_review")
    assert (due.status, due.notify) == ("due_today", ("W1", "HOS1"))
    # Mon 18 Mar, 1 working day late: the team manager joins; the HoS stays informed.
    [late] = items(w, date(2024, 3, 18), "cla_review")
    assert (late.status, late.days_overdue, late.notify) == ("escalated", 1,
                                                             ("W1", "TM1", "HOS1"))


def test_first_cla_review_20_working_days_over_easter() -> None:
    # Entered care Mon 4 Mar 2024: +20 wd: 5-8 Mar (4), 11-15 (9), 18-22 (14), 25-28 (18),
    # Good Friday 29 Mar and Easter Monday 1 Apr skipped, 2 Apr (19), 3 Apr (20) -> Wed 3 Apr.
    w = looked_after([], start=date(2024, 3, 4))
    # Ten working days before Wed 3 Apr: 3, 2 Apr, 28, 27, 26, 25, 22, 21, 20, 19 Mar -> Mon 18 Mar.
    assert items(w, date(2024, 3, 15), "cla_review") == []
    [a] = items(w, date(2024, 3, 18), "cla_review")
    assert (a.due_date, a.days_overdue, a.notify) == (date(2024, 4, 3), -10, ("W1",))
    # Five before: 3, 2 Apr, 28, 27, 26 Mar -> from Mon 25 Mar the HoS is included.
    [b] = items(w, date(2024, 3, 22), "cla_review")
    assert b.notify == ("W1",)
    [c] = items(w, date(2024, 3, 25), "cla_review")
    assert (c.days_overdue, c.notify) == (-5, ("W1", "HOS1"))


def test_second_cla_review_three_months_and_cancelled_review_ignored() -> None:
    # One review held 10 Jan 2024 (the cancelled one on 20 Feb does not count): second due
    # 3 months later, Wed 10 Apr 2024 - too far ahead for a prompt on 1 Mar.
    w = looked_after([date(2024, 1, 10)], start=date(2023, 12, 11))
    w.cla_review("L1", "C1", date(2024, 2, 20), cancelled="Y")
    assert items(w, date(2024, 3, 1), "cla_review") == []
    # Thu 28 Mar: 2, 3, 4, 5, 8, 9, 10 Apr = 7 working days to go (Easter skipped).
    [i] = items(w, date(2024, 3, 28), "cla_review")
    assert (i.due_date, i.days_overdue) == (date(2024, 4, 10), -7)
    assert i.basis == "first review 10 Jan 2024 + 3 months"


def test_cla_review_period_ending_before_due_date() -> None:
    # Due Fri 15 Mar 2024 as in the worked case, but the child leaves care on 12 Mar.
    w = looked_after([date(2022, 9, 30), date(2022, 12, 30), date(2023, 9, 15)],
                     end=date(2024, 3, 12))
    assert items(w, date(2024, 3, 8), "cla_review") == []


def cp_case(start: date, reviews: list[date], end: date | None = None) -> Warehouse:
    w = Warehouse().staffed().child("C1").allocate("C1").cp_plan("P1", "C1", start, end)
    for r in reviews:
        w.cp_review("P1", "C1", r)
    return w


def test_cp_first_review_three_months_clamped_to_month_end() -> None:
    # Plan from 30 Nov 2023: + 3 months = 30 Feb, clamped to Thu 29 Feb 2024 (leap year).
    w = cp_case(date(2023, 11, 30), [])
    # Thu 22 Feb: 23, 26, 27, 28, 29 Feb = 5 working days to go: worker and team manager.
    [soon] = items(w, date(2024, 2, 22), "cp_review")
    assert (soon.due_date, soon.days_overdue, soon.notify) == (date(2024, 2, 29), -5,
                                                                ("W1", "TM1"))
    [late] = items(w, date(2024, 3, 1), "cp_review")
    assert (late.status, late.days_overdue) == ("escalated", 1)
    # A review held on 28 Feb moves the next to 28 Aug 2024: nothing on 1 Mar.
    assert items(cp_case(date(2023, 11, 30), [date(2024, 2, 28)]), date(2024, 3, 1),
                 "cp_review") == []


def test_cp_review_six_monthly_from_31_august() -> None:
    # Reviews 31 Aug 2023 (the first, plan from 1 Jun 2023): next = 31 Feb -> Thu 29 Feb 2024.
    w = cp_case(date(2023, 6, 1), [date(2023, 8, 31)])
    [i] = items(w, date(2024, 3, 1), "cp_review")
    assert (i.due_date, i.basis) == (date(2024, 2, 29), "last review 31 Aug 2023 + 6 months")


def test_cp_review_plan_ending_before_due() -> None:
    # Due 29 Feb 2024 but the plan ends 26 Feb.
    assert items(cp_case(date(2023, 11, 30), [], end=date(2024, 2, 26)), date(2024, 2, 22),
                 "cp_review") == []
