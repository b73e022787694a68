"""The alert engine: escalation by working days overdue, configuration, addressing,
determinism and the JSON shape."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from lantern.alerts import (
    RULES,
    AlertConfig,
    Step,
    load_config,
    run_alerts,
    to_json,
    to_table,
)
from lantern.alerts.rules import rule
from tests.alerts_fixtures import Warehouse

CP = [rule("cp_visit")]


def cp_case() -> Warehouse:
    # Seen Mon 22 Jan 2024; +10 wd: 23-26 Jan (4), 29 Jan-2 Feb (9), 5 Feb (10) -> Mon 5 Feb.
    w = Warehouse().staffed().child("C1").allocate("C1")
    return w.cp_plan("P1", "C1", date(2023, 6, 1)).cp_visit("P1", "C1", date(2024, 1, 22))


@pytest.mark.parametrize(("on", "days", "status", "notify"), [
    (date(2024, 2, 5), 0, "due_today", ("W1",)),
    (date(2024, 2, 6), 1, "escalated", ("W1", "TM1")),  # 1 wd late: + team manager
    (date(2024, 2, 10), 4, "escalated", ("W1", "TM1")),  # Sat: 6-9 Feb = 4
    (date(2024, 2, 12), 5, "escalated", ("W1", "TM1", "HOS1")),  # 6-9, 12 Feb = 5
    (date(2024, 2, 16), 9, "escalated", ("W1", "TM1", "HOS1")),
    (date(2024, 2, 19), 10, "escalated", ("W1", "TM1", "HOS1", "DD1")),  # 6-9, 12-16, 19
])
def test_default_escalation_by_working_days_overdue(on: date, days: int, status: str,
                                                    notify: tuple[str, ...]) -> None:
    [i] = run_alerts(cp_case().con, on, rules=CP)
    assert (i.days_overdue, i.status, i.notify, i.act) == (days, status, notify, "W1")


def test_configured_escalation_and_parameters(tmp_path: Path) -> None:
    cfg = AlertConfig(escalation=(Step(0, ("worker",)), Step(3, ("team_manager",))))
    # Wed 7 Feb: 2 working days late; the team manager only joins from 3: overdue, not escalated.
    [i] = run_alerts(cp_case().con, date(2024, 2, 7), rules=CP, config=cfg)
    assert (i.status, i.notify) == ("overdue", ("W1",))
    # A 5-working-day interval: 22 Jan + 5 wd = Mon 29 Jan; on 7 Feb: 30 Jan-2 Feb, 5-7 Feb = 7.
    [j] = run_alerts(cp_case().con, date(2024, 2, 7), rules=CP,
                     config=AlertConfig().with_params("cp_visit", interval_wd=5))
    assert (j.due_date, j.days_overdue) == (date(2024, 1, 29), 7)
    with pytest.raises(ValueError, match="no parameters"):
        run_alerts(cp_case().con, date(2024, 2, 7), rules=CP,
                   config=AlertConfig().with_params("cp_visit", weeks=2))
    path = tmp_path / "alerts.yml"
    path.write_text("escalation: {0: [worker], 3: [team_manager]}\n"
                    "rules:\n  cp_visit:\n    params: {interval_wd: 5}\n"
                    "    leads: {2: [worker, team_manager]}\n"
                    "disabled: [cin_visit]\n")
    loaded = load_config(path)
    assert loaded.escalation == cfg.escalation
    assert loaded.params == {"cp_visit": {"interval_wd": 5}}
    assert loaded.leads["cp_visit"] == (Step(2, ("worker", "team_manager")),)
    assert loaded.disabled == frozenset({"cin_visit"})


def test_generic_roles_when_managers_not_recorded_and_unallocated_children() -> None:
    w = Warehouse()
    w.add("ssd_department", dept_team_id="T2", dept_team_parent_id="cared_for")
    w.professional("W9", "Social Worker", "T2")
    w.child("C1").allocate("C1", worker="W9", team="T2")
    w.child("C2")  # nobody allocated
    for c in ("C1", "C2"):
        w.cp_plan(f"P{c}", c, date(2023, 6, 1)).cp_visit(f"P{c}", c, date(2024, 1, 22))
    got = {i.child_id: i for i in run_alerts(w.con, date(2024, 2, 19), rules=CP)}
    assert got["C1"].notify == ("W9", "team_manager:T2", "head_of_service:cared_for",
                                "divisional_director")
    # Unallocated, no team known: the rule's service (safeguarding) head of service acts.
    assert got["C2"].act == "head_of_service:safeguarding"
    assert got["C2"].notify == ("head_of_service:safeguarding", "divisional_director")


def test_unallocated_child_goes_to_last_team_manager_and_dead_children_dropped() -> None:
    w = Warehouse().staffed().child("C1").child("C2", pers_death_date=date(2024, 2, 1))
    # C1's worker left the case on 31 Jan: the team manager must act (and allocate).
    w.allocate("C1", end=date(2024, 1, 31)).allocate("C2")
    for c in ("C1", "C2"):
        w.cp_plan(f"P{c}", c, date(2023, 6, 1)).cp_visit(f"P{c}", c, date(2024, 1, 22))
    [i] = run_alerts(w.con, date(2024, 2, 6), rules=CP)
    assert (i.child_id, i.act, i.notify) == ("C1", "TM1", ("TM1",))


def test_managers_must_be_in_post_on_the_date() -> None:
    w = cp_case()
    w.con.execute("UPDATE ssd_professionals SET prof_end_date = DATE '2024-01-31' "
                  "WHERE prof_professional_id = 'TM1'")
    [i] = run_alerts(w.con, date(2024, 2, 6), rules=CP)
    assert i.notify == ("W1", "team_manager:T1")


def test_due_soon_only_inside_lead_time() -> None:
    # 10 working days before Mon 5 Feb is Mon 22 Jan itself (23 Jan - 5 Feb = 10).
    w = cp_case()
    [i] = run_alerts(w.con, date(2024, 1, 22), rules=CP)
    assert (i.status, i.days_overdue) == ("due_soon", -10)
    cfg = replace(AlertConfig(), leads={"cp_visit": (Step(3, ("worker",)),)})
    assert run_alerts(w.con, date(2024, 1, 30), rules=CP, config=cfg) == []  # 4 to go
    assert len(run_alerts(w.con, date(2024, 1, 31), rules=CP, config=cfg)) == 1  # 3 to go


def test_deterministic_sorted_and_json_shape() -> None:
    w = cp_case().child("C3").allocate("C3").cin_plan("N1", "C3", date(2024, 1, 2))
    a = run_alerts(w.con, date(2024, 2, 12))
    b = run_alerts(w.con, date(2024, 2, 12))
    assert a == b and a
    data = json.loads(to_json(a))
    assert set(data[0]) >= {"rule_id", "child_id", "due_date", "status", "notify"}
    # Escalated first, most overdue first.
    assert [d["status"] for d in data] == sorted(
        (d["status"] for d in data), key=["escalated", "overdue", "due_today",
                                          "due_soon"].index)
    assert "cp_visit" in to_table(a)


def test_rules_are_declared_completely() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    families = {r.family for r in RULES}
    assert families == {"visits", "reviews", "timescales", "trackers", "workforce"}
    for r in RULES:
        assert r.title and r.population and r.due and r.requires and r.leads
        assert Path(f"tests/test_alerts_{r.family}.py").exists() or Path(
            __file__).with_name(f"test_alerts_{r.family}.py").exists()


def test_command_and_reference(tmp_path: Path) -> None:
    from lantern.alerts import alerts_command, load_addresses, reference_markdown

    text, sent = alerts_command(cp_case().con, date(2024, 2, 6), fmt="json")
    [visit] = [i for i in json.loads(text) if i["rule_id"] == "cp_visit"]
    assert sent is None and visit["notify"] == ["W1", "TM1"]
    table, _ = alerts_command(cp_case().con, date(2024, 2, 6))
    assert table.splitlines()[0].split()[:3] == ["status", "days", "rule"]
    with pytest.raises(ValueError, match="address book"):
        alerts_command(cp_case().con, date(2024, 2, 6), send=True)
    book = tmp_path / "addresses.yml"
    book.write_text("W1: w1@example.org\n'team_manager:T1': duty@example.org\n")
    assert load_addresses(book) == {"W1": "w1@example.org", "team_manager:T1": "duty@example.org"}
    page = reference_markdown()
    assert all(f"`{r.id}`" in page for r in RULES)


def test_docs_alerts_page_is_generated_from_the_declarations() -> None:
    from pathlib import Path

    from lantern.alerts.reference import reference_markdown

    page = Path(__file__).resolve().parents[1] / "docs" / "alerts.md"
    assert page.read_text(encoding="utf-8") == reference_markdown()
