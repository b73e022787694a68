"""The demo's commentary and themes are written from the figures, hand-checked here."""

from __future__ import annotations

import pytest

from lantern.reports.demo_chain import commentary, movement, on_working_day, previous, themes


def test_movement_in_the_direction_that_is_better() -> None:
    text, better = movement("icpc_15wd_pct", [71.3, 57, 80, "ok"], [78.0, 60, 77, "ok"])
    assert text == ("Initial conferences within 15 working days of s47 start: 71.3% "
                    "(57 of 80), down from 78.0% last month.")
    assert better == pytest.approx(-6.7)
    # Low is good for the mean days to assessment: a fall is an improvement.
    assert movement("assessment_mean_wd", [30.0, None, None, "ok"],
                    [32.5, None, None, "ok"])[1] == pytest.approx(2.5)
    assert movement("cp_plans_open", [161.0, 161, None, "ok"],
                    [170.0, 170, None, "ok"])[1] == 0  # neutral: neither way is better
    assert movement("cp_plans_open", [None, None, None, "not_available"],
                    [170.0, 170, None, "ok"]) == (
        "Children subject to a CP plan: not available this month.", None)


def test_commentary_names_the_action_when_a_figure_slips() -> None:
    slipped = commentary("cp_visits_10wd_pct", [80.0, 80, 100, "ok"], [90.0, 90, 100, "ok"])
    assert "down from 90.0%" in slipped and "supervision" in slipped
    better = commentary("cp_visits_10wd_pct", [95.0, 95, 100, "ok"], [90.0, 90, 100, "ok"])
    assert "dip sample" in better


def test_themes_pick_the_biggest_movers() -> None:
    now = {k: [80.0, 80, 100, "ok"] for k in (
        "assessment_45wd_pct", "icpc_15wd_pct", "cp_visits_10wd_pct", "cla_reviews_on_time_pct",
        "care_leavers_suitable_accom_pct")}
    now["cp_plans_open"] = [150.0, 150, None, "ok"]
    before = {k: list(v) for k, v in now.items()}
    before["icpc_15wd_pct"] = [70.0, 70, 100, "ok"]  # +10: the most improved
    before["cp_visits_10wd_pct"] = [95.0, 95, 100, "ok"]  # -15: the biggest fall
    lines = themes("2024-10", now, before).splitlines()
    assert lines[0].startswith("Improving: Initial conferences")
    assert lines[1].startswith("Concern: ") and "visits" in lines[1].lower()
    assert lines[2] == "Demand: Children subject to a CP plan: 150, the same as last month."


def test_dates() -> None:
    assert previous("2024-01") == "2023-12" and previous("2024-11") == "2024-10"
    # The 10th working day after 1 Nov 2024 (a Friday) is Friday 15 November.
    assert on_working_day("2024-10", 10).isoformat() == "2024-11-15T10:00:00+00:00"
