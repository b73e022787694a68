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


def test_a_service_row_is_the_service_figure_against_the_target() -> None:
    """A service edition's row: the service's own value, its status against the target
    (high is good, target 80, tolerance 5: 76 of 100 is worse than target, within
    tolerance) and its change
    since last month (78% -> 76%: Declined); the authority's SPC icons are dropped."""
    from dataclasses import replace

    from lantern.assurance.targets import Target
    from lantern.measures.engine import KpiRow
    from lantern.reports.editions import _service_row
    from tests.test_report_render import sample_report

    row = replace(sample_report().sections[0].rows[0], period="rolling_12m",
                  chart_period="rolling_12m")  # icpc_15wd_pct, authority 71.3%
    mine = [KpiRow("icpc_15wd_pct", "2023-10", "rolling_12m", "service", "safeguarding",
                   76, 100, 76.0, "ok"),
            KpiRow("icpc_15wd_pct", "2023-09", "rolling_12m", "service", "safeguarding",
                   78, 100, 78.0, "ok")]
    got = _service_row(row, mine, "2023-10", Target("icpc_15wd_pct", 80.0, 5.0))
    assert (got.value, got.numerator, got.denominator) == (76.0, 76, 100)
    assert (got.status_word, got.since_last) == (
        "Worse than target, within tolerance (higher is better)", "Declined")
    assert got.variation_icon is None and got.centre is None
    missing = _service_row(row, [], "2023-10", None)
    assert (missing.value, missing.availability, missing.status_word) == (
        None, "not_available", "")


def test_the_published_history_is_the_year_before_the_latest_month() -> None:
    from lantern.reports.demo_chain import published_months

    got = published_months("2024-11")
    assert got[0] == "2024-01" and got[-1] == "2024-10" and len(got) == 10
    assert published_months("2024-02", 3) == ["2023-11", "2023-12", "2024-01"]  # a year end
