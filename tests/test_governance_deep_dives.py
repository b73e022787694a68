"""Deep dives on SQLite and PostgreSQL: firings stored once however often a month is
synced, a repeat firing attaching to the open deep dive, closure on recovery (refused at
2 months, accepted at 3, on hand series) or by a named senior person with a reason,
reopening, the append-only event history, the tracker; meetings carrying open actions
forward."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from lantern.actions.tracker import ActionDraft, change_status, create
from lantern.assurance.decline import DeclineTrigger
from lantern.governance import deep_dives, meetings
from lantern.governance.models import DeepDive, DeepDiveEvent, DeepDiveTrigger
from lantern.governance.recovery import recovery_check
from lantern.governance.service import transaction
from lantern.governance.tracker import tracker_rows
from tests.actions_fixtures import add_people
from tests.appdb_fixtures import app_engine, app_url

__all__ = ["app_engine", "app_url"]

ICPC = "icpc_15wd_pct"  # higher is better


def trigger(month: str, values: tuple[float, float, float] = (80.0, 75.0, 70.0),
            breakdown: str = "authority", value: str = "") -> DeclineTrigger:
    y, m = int(month[:4]), int(month[5:])
    months = tuple(f"{(y * 12 + m - 1 - k) // 12:04d}-{(y * 12 + m - 1 - k) % 12 + 1:02d}"
                   for k in (2, 1, 0))
    return DeclineTrigger(
        kpi_id=ICPC, breakdown=breakdown, breakdown_value=value, period="rolling_12m",
        polarity="high", months=months, values=values,  # type: ignore[arg-type]
        numerators=(40, 30, 28), denominators=(50, 40, 40),
        children=(("C1", "C2"), ("C2",), ("C3", "C4")))


def store(engine: Engine, month: str, *ts: DeclineTrigger) -> deep_dives.SyncResult:
    with transaction(engine) as s:
        return deep_dives.store_triggers(s, month, ts, on=date(2023, 12, 1))


def test_a_month_synced_three_times_stores_one_record_each(app_engine: Engine) -> None:
    results = [store(app_engine, "2023-11", trigger("2023-11"),
                     trigger("2023-11", breakdown="team", value="T1")) for _ in range(3)]
    assert [len(r.opened) for r in results] == [2, 0, 0]
    assert [r.already for r in results] == [0, 2, 2]
    with Session(app_engine) as s:
        assert s.scalar(select(func.count()).select_from(DeepDive)) == 2
        assert s.scalar(select(func.count()).select_from(DeepDiveTrigger)) == 2
        row = s.scalar(select(DeepDiveTrigger).where(DeepDiveTrigger.breakdown == "authority"))
        assert row is not None
        assert json.loads(row.figures)["values"] == [80.0, 75.0, 70.0]
        assert json.loads(row.children) == {"2023-09": ["C1", "C2"], "2023-10": ["C2"],
                                            "2023-11": ["C3", "C4"]}


def test_a_repeat_firing_attaches_to_the_open_deep_dive(app_engine: Engine) -> None:
    first = store(app_engine, "2023-11", trigger("2023-11"))
    again = store(app_engine, "2023-12", trigger("2023-12", (75.0, 70.0, 65.0)))
    assert again.opened == () and again.attached == first.opened
    with Session(app_engine) as s:
        dd = deep_dives.get(s, first.opened[0])
        assert [t.month for t in deep_dives.triggers(s, dd)] == ["2023-11", "2023-12"]
        assert [e.kind for e in deep_dives.events(s, dd)] == ["opened", "trigger_attached"]


def test_a_firing_after_closure_opens_a_new_deep_dive(app_engine: Engine) -> None:
    people = add_people(app_engine)
    first = store(app_engine, "2023-11", trigger("2023-11"))
    with transaction(app_engine) as s:
        deep_dives.close(s, people["director"], first.opened[0], date(2024, 1, 5),
                         reason="Covered by the March audit")
    later = store(app_engine, "2024-06", trigger("2024-06"))
    assert later.opened and later.opened != first.opened


# --- recovery: hand series (higher is better; the trigger was in 2024-03) -----------

RECOVERING = {"2024-03": 60.0, "2024-04": 64.0, "2024-05": 64.0, "2024-06": 70.0}


def test_recovery_refused_with_only_two_months_since_the_trigger() -> None:
    check = recovery_check({"2024-02": 58.0, **RECOVERING}, "high", trigger_month="2024-04",
                           latest_month="2024-06", latest_point_type="common_cause")
    assert not check.passed
    assert check.reasons == ("only 2 months of figures since the trigger in 2024-04: 3 are "
                             "needed",)


def test_recovery_accepted_at_three_months_not_declining_ties_allowed() -> None:
    check = recovery_check(RECOVERING, "high", trigger_month="2024-03",
                           latest_month="2024-06", latest_point_type="common_cause")
    assert check.passed, check.reasons
    assert check.months == ("2024-03", "2024-04", "2024-05", "2024-06")


def test_recovery_refused_after_a_decline_in_the_window() -> None:
    series = {**RECOVERING, "2024-05": 66.0}  # 64 -> 66 -> 70 fine; make 05 -> 06 worse:
    series["2024-06"] = 65.5
    check = recovery_check(series, "high", trigger_month="2024-03", latest_month="2024-06",
                           latest_point_type="common_cause")
    assert check.reasons == ("it declined in 2024-06 (66 to 65.5)",)


def test_recovery_for_lower_is_better_and_a_special_cause_of_concern() -> None:
    falling = {"2024-03": 30.0, "2024-04": 28.0, "2024-05": 25.0, "2024-06": 25.0}
    ok = recovery_check(falling, "low", trigger_month="2024-03", latest_month="2024-06",
                        latest_point_type="special_cause_improvement")
    assert ok.passed
    concern = recovery_check(falling, "low", trigger_month="2024-03", latest_month="2024-06",
                             latest_point_type="special_cause_concern")
    assert concern.reasons == ("2024-06 is a special cause of concern on the SPC chart",)


def test_recovery_needs_every_value() -> None:
    gap = {**RECOVERING, "2024-05": None}
    check = recovery_check(gap, "high", trigger_month="2024-03", latest_month="2024-06",
                           latest_point_type="common_cause")
    assert not check.passed and "no figure for 2024-05" in check.reasons


def test_close_on_recovery_stores_the_figures_and_refuses_otherwise(
        app_engine: Engine) -> None:
    people = add_people(app_engine)
    ref = store(app_engine, "2024-03", trigger("2024-03")).opened[0]

    def check_at(latest: str):  # type: ignore[no-untyped-def]
        return lambda dd: recovery_check(RECOVERING | {"2024-02": 58.0}, "high",
                                         trigger_month="2024-04", latest_month=latest,
                                         latest_point_type="common_cause")

    with pytest.raises(deep_dives.DeepDiveError, match="only 2 months"), \
            transaction(app_engine) as s:
        deep_dives.close(s, people["lead"], ref, date(2024, 7, 1), check=check_at("2024-06"))
    with transaction(app_engine) as s:
        ok = lambda dd: recovery_check(RECOVERING, "high", trigger_month="2024-03",  # noqa: E731
                                       latest_month="2024-06",
                                       latest_point_type="common_cause")
        deep_dives.close(s, people["lead"], ref, date(2024, 7, 2), check=ok)
    with Session(app_engine) as s:
        dd = deep_dives.get(s, ref)
        assert dd.status == "closed" and dd.closed_on == date(2024, 7, 2)
        last = deep_dives.events(s, dd)[-1]
        assert last.kind == "closed_on_recovery" and last.username == "lead"
        assert json.loads(last.figures)["values"] == [60.0, 64.0, 64.0, 70.0]


def test_close_by_reason_needs_a_senior_role_and_is_recorded_with_the_user(
        app_engine: Engine) -> None:
    people = add_people(app_engine)
    ref = store(app_engine, "2023-11", trigger("2023-11")).opened[0]
    with pytest.raises(deep_dives.DeepDiveError, match="analyst is performance_analyst"), \
            transaction(app_engine) as s:
        deep_dives.close(s, people["analyst"], ref, date(2024, 1, 5), reason="Not needed")
    with transaction(app_engine) as s:
        deep_dives.close(s, people["dcs"], ref, date(2024, 1, 5), reason="Merged into DD-2")
        deep_dives.reopen(s, people["director"], ref, date(2024, 2, 1), "Declined again")
    with Session(app_engine) as s:
        evs = deep_dives.events(s, deep_dives.get(s, ref))
        assert [(e.kind, e.username, e.reason) for e in evs[1:]] == [
            ("closed_by_reason", "dcs", "Merged into DD-2"),
            ("reopened", "director", "Declined again")]


def test_events_are_append_only_in_the_database(app_engine: Engine) -> None:
    store(app_engine, "2023-11", trigger("2023-11"))
    for stmt in (update(DeepDiveEvent).values(reason="changed"), delete(DeepDiveEvent)):
        with pytest.raises(DBAPIError, match="append-only"), transaction(app_engine) as s:
            s.execute(stmt)


def test_tracker_counts_actions_and_flags_three_months_without_an_update(
        app_engine: Engine) -> None:
    people = add_people(app_engine)
    ref = store(app_engine, "2023-11", trigger("2023-11")).opened[0]
    with transaction(app_engine) as s:
        dd = deep_dives.get(s, ref)
        deep_dives.edit(s, ref, lead="lead", findings="Conferences booked late.")
        for n, due in ((1, date(2024, 1, 31)), (2, date(2024, 6, 30))):
            create(s, people["lead"], ActionDraft(
                ref=f"{ref}-{n}", title=f"Action {n}", lead="lead", due=due,
                source_kind="deep_dive", source_id=str(dd.id), status="in_progress"))
        change_status(s, people["lead"], f"{ref}-2", "done_awaiting_impact")
    with Session(app_engine) as s:
        row, = tracker_rows(s, as_of=date(2024, 3, 1), figures=None, team_service={})
        assert (row.actions_total, row.actions_done, row.actions_overdue) == (2, 1, 1)
        assert row.stale and row.lead == "Lead" and row.age_days == 91
    with transaction(app_engine) as s:
        deep_dives.add_update(s, people["lead"], ref, "Audit booked", date(2024, 2, 1))
    with Session(app_engine) as s:
        row, = tracker_rows(s, as_of=date(2024, 3, 1), figures=None, team_service={})
        assert not row.stale and row.last_update == date(2024, 2, 1)


def test_a_commissioned_deep_dive_has_a_theme_and_a_known_kind(app_engine: Engine) -> None:
    people = add_people(app_engine)
    with transaction(app_engine) as s:
        dd = deep_dives.commission(s, people["dcs"], kind="chief_executive",
                                   theme="Children placed at a distance", on=date(2024, 2, 1))
        assert dd.kpi_id is None and dd.status == "open"
    with pytest.raises(deep_dives.DeepDiveError, match="expected one of"), \
            transaction(app_engine) as s:
        deep_dives.commission(s, people["dcs"], kind="trigger", theme="x", on=date(2024, 2, 1))


def test_the_next_meeting_opens_with_the_previous_meetings_open_actions(
        app_engine: Engine, tmp_path: Path) -> None:
    people = add_people(app_engine)
    with transaction(app_engine) as s:
        first = meetings.create(s, kind="performance_surgery", held_on=date(2024, 5, 14),
                                service="safeguarding", minutes="Reviewed ICPC timeliness")
        for n, status in ((1, "in_progress"), (2, "done_awaiting_impact")):
            create(s, people["lead"], ActionDraft(
                ref=f"PS-{n}", title=f"Surgery action {n}", lead="lead",
                due=date(2024, 6, 1), source_kind="meeting", source_id=str(first.id),
                status=status))
        other = meetings.create(s, kind="performance_surgery", held_on=date(2024, 6, 11),
                                service="cared_for")
        second = meetings.create(s, kind="performance_surgery", held_on=date(2024, 6, 11),
                                 service="safeguarding")
        assert [a.ref for a in meetings.carried_forward(s, second)] == ["PS-1"]
        assert meetings.carried_forward(s, other) == []
        assert meetings.carried_forward(s, first) == []


def test_the_exception_report_finds_each_triggers_deep_dive(app_engine: Engine) -> None:
    first = store(app_engine, "2023-11", trigger("2023-11")).opened[0]
    store(app_engine, "2023-12", trigger("2023-12"))  # attached to the same deep dive
    with Session(app_engine) as s:
        assert deep_dives.refs_by_subject(s, "2023-12") == {(ICPC, "authority", ""): first}
        assert deep_dives.refs_by_subject(s, "2022-01") == {(ICPC, "authority", ""): first}
