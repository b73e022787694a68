"""Workforce: supervision every 6 weeks (local), per worker, when supervision data is loaded."""

from __future__ import annotations

from datetime import date

from lantern.alerts import available, run_alerts
from lantern.alerts.rules import RULES, rule
from tests.alerts_fixtures import Warehouse


def supervised(last: date) -> Warehouse:
    w = Warehouse().staffed()
    w.professional("W2", "Social Worker", "T1", start=date(2020, 1, 1), end=date(2024, 2, 1))
    for wid in ("W1", "W2", "TM1"):
        w.add("lantern_supervisions", supv_supervision_id=f"S{wid}", supv_professional_id=wid,
              supv_supervision_date=last)
    return w


def test_supervision_overdue_addresses_the_team_manager() -> None:
    # Last supervised Thu 18 Jan 2024 + 6 weeks = Thu 29 Feb; on Fri 1 Mar 1 working day late.
    # W2 left on 1 Feb; team managers (TM1) and above are not in the population.
    w = supervised(date(2024, 1, 18))
    [i] = run_alerts(w.con, date(2024, 3, 1), rules=[rule("supervision")])
    assert (i.child_id, i.subject_id, i.due_date, i.days_overdue) == (None, "W1",
                                                                       date(2024, 2, 29), 1)
    assert i.act == "TM1" and i.notify == ("W1", "TM1") and i.status == "escalated"
    # Thu 22 Feb: 5 working days to go (23, 26-29 Feb): team manager and worker reminded.
    [soon] = run_alerts(w.con, date(2024, 2, 22), rules=[rule("supervision")])
    assert (soon.status, soon.notify) == ("due_soon", ("W1", "TM1"))


def test_supervision_needs_supervision_data() -> None:
    w = Warehouse().staffed()  # professionals, but no supervision rows loaded
    assert available(w.con, RULES)["supervision"] == "no rows in lantern_supervisions"
    assert run_alerts(w.con, date(2024, 3, 1)) == []
