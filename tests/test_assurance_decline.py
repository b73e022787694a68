"""The two-month decline rule: ties, missing months, minimum denominators."""

from __future__ import annotations

import pytest

from lantern.assurance.decline import (
    DEFAULT_MATERIALITY,
    Materiality,
    check_decline,
    decline_checks,
    find_deep_dives,
    load_materiality,
    two_month_decline,
)
from lantern.assurance.inputs import SeriesPoint


def pts(*values: float | None, start: int = 1, den: int | None = 20) -> list[SeriesPoint]:
    """Points for 2024-(start), 2024-(start+1), ... with a fixed denominator."""
    return [SeriesPoint(f"2024-{start + i:02d}", v, None, den) for i, v in enumerate(values)]


def test_fires_high_polarity() -> None:
    t = two_month_decline(pts(70, 65, 60), "high", month="2024-03", kpi_id="k")
    assert t is not None
    assert t.months == ("2024-01", "2024-02", "2024-03")
    assert t.values == (70.0, 65.0, 60.0)
    assert t.denominators == (20, 20, 20)
    assert t.kpi_id == "k" and t.rule == "two_month_decline"
    assert "deep dive" in t.message


def test_fires_low_polarity() -> None:
    assert two_month_decline(pts(10, 12, 15), "low", month="2024-03") is not None
    assert two_month_decline(pts(15, 12, 10), "low", month="2024-03") is None
    assert two_month_decline(pts(60, 65, 70), "high", month="2024-03") is None


def test_ties_do_not_fire() -> None:
    assert check_decline(pts(70, 70, 60), "high", month="2024-03").reason == "not_declining"
    assert check_decline(pts(70, 65, 65), "high", month="2024-03").reason == "not_declining"
    # 0.1 + 0.2 vs 0.3: a tie after rounding, not a decline
    assert two_month_decline(pts(0.5, 0.1 + 0.2, 0.2), "high", month="2024-03") is not None
    assert two_month_decline(pts(0.5, 0.3, 0.1 + 0.2), "high", month="2024-03") is None


def test_one_decline_is_not_enough() -> None:
    # worse then better; better then worse
    assert two_month_decline(pts(70, 65, 68), "high", month="2024-03") is None
    assert two_month_decline(pts(60, 65, 62), "high", month="2024-03") is None


def test_uses_only_the_three_months_before_and_at_m() -> None:
    # months 01..05: 80, 70, 60, 65, 66 -> for 2024-03 it fires; for 2024-05 it does not
    series = pts(80, 70, 60, 65, 66)
    assert two_month_decline(series, "high", month="2024-03") is not None
    assert two_month_decline(series, "high", month="2024-05") is None
    assert two_month_decline(list(reversed(series)), "high", month="2024-03") is not None


def test_missing_month() -> None:
    series = [SeriesPoint("2024-01", 70, None, 20), SeriesPoint("2024-03", 60, None, 20)]
    check = check_decline(series, "high", month="2024-03")
    assert (check.fired, check.reason) == (False, "missing_month")
    assert "2024-02" in check.detail


def test_months_cross_a_year() -> None:
    series = [
        SeriesPoint("2023-11", 70, None, 20),
        SeriesPoint("2023-12", 65, None, 20),
        SeriesPoint("2024-01", 60, None, 20),
    ]
    t = two_month_decline(series, "high", month="2024-01")
    assert t is not None and t.months == ("2023-11", "2023-12", "2024-01")


def test_value_missing() -> None:
    assert check_decline(pts(70, None, 60), "high", month="2024-03").reason == "no_value"


def test_minimum_denominator() -> None:
    series = [
        SeriesPoint("2024-01", 100.0, 3, 3),
        SeriesPoint("2024-02", 66.7, 2, 3),
        SeriesPoint("2024-03", 33.3, 1, 3),
    ]
    check = check_decline(series, "high", month="2024-03")
    assert check.reason == "small_denominator"
    assert two_month_decline(series, "high", month="2024-03", min_denominator=3) is not None
    # the boundary: 10 qualifies, 9 does not
    assert two_month_decline(pts(70, 65, 60, den=10), "high", month="2024-03") is not None
    assert two_month_decline(pts(70, 65, 60, den=9), "high", month="2024-03") is None


def test_counts_without_denominator_are_checked_on_value() -> None:
    assert two_month_decline(pts(3, 5, 8, den=None), "low", month="2024-03") is not None


def test_neutral_never_fires() -> None:
    assert check_decline(pts(70, 65, 60), "neutral", month="2024-03").reason == "neutral_polarity"


def _row(kpi: str, month: str, bd: str, bv: str, value: float | None, den: int = 20,
         period: str = "rolling_12m", status: str = "ok") -> dict[str, object]:  # fmt: skip
    return {
        "kpi_id": kpi, "month": month, "period": period, "breakdown": bd,
        "breakdown_value": bv, "numerator": None, "denominator": den, "value": value,
        "status": status,
    }  # fmt: skip


META = {
    "assessment_45wd_pct": {"polarity": "high", "headline_period": "rolling_12m", "unit": "pct"},
    "referrals": {"polarity": "neutral", "headline_period": "rolling_12m"},
}


def test_find_deep_dives_over_engine_rows() -> None:
    months = ["2024-01", "2024-02", "2024-03"]
    rows = []
    for m, a, s1, t1, t2, ref in zip(
        months, [80, 79, 78], [70, 65, 60], [60, 50, 40], [60, 50, 40], [100, 90, 80],
        strict=True,
    ):  # fmt: skip
        rows += [
            _row("assessment_45wd_pct", m, "authority", "LA", a),
            _row("assessment_45wd_pct", m, "service", "Safeguarding", s1),
            _row("assessment_45wd_pct", m, "team", "T1", t1),
            _row("assessment_45wd_pct", m, "team", "T2", t2, den=4),  # too small
            _row("assessment_45wd_pct", m, "service", "Safeguarding", 10, period="in_month"),
            _row("referrals", m, "authority", "LA", ref),  # neutral: never
        ]
    seen: list[tuple[str, str, str, str]] = []

    def children(kpi: str, month: str, bd: str, bv: str) -> list[str]:
        seen.append((kpi, month, bd, bv))
        return [f"{bv}-{month}-child"]

    triggers = find_deep_dives(rows, META, "2024-03", children_lookup=children)
    assert [(t.breakdown, t.breakdown_value) for t in triggers] == [
        ("authority", "LA"),
        ("service", "Safeguarding"),
        ("team", "T1"),
    ]
    assert triggers[1].values == (70.0, 65.0, 60.0)
    assert triggers[1].period == "rolling_12m"
    assert triggers[2].children == (
        ("T1-2024-01-child",),
        ("T1-2024-02-child",),
        ("T1-2024-03-child",),
    )
    reasons = {k[2]: c.reason for k, c in decline_checks(rows, META, "2024-03")}
    assert reasons["T2"] == "small_denominator"
    # only service and authority when asked
    assert len(find_deep_dives(rows, META, "2024-03", breakdowns=("service",))) == 1
    # per-kpi minimum
    assert not find_deep_dives(rows, META, "2024-03", min_denominators={"assessment_45wd_pct": 50})


def test_not_available_rows_do_not_fire() -> None:
    rows = [
        _row("assessment_45wd_pct", "2024-01", "authority", "LA", 80),
        _row("assessment_45wd_pct", "2024-02", "authority", "LA", 70),
        _row("assessment_45wd_pct", "2024-03", "authority", "LA", 60, status="not_available"),
    ]
    assert find_deep_dives(rows, META, "2024-03") == []


# --- materiality (#13.9: a deep dive fired on "34.3, 34.4, 34.4") ---------------------


def test_small_decline_is_a_watch_not_a_deep_dive() -> None:
    # Lower is better: 34.31 -> 34.38 -> 34.42 worsens twice, by 0.11 points in all.
    check = check_decline(pts(34.31, 34.38, 34.42), "low", month="2024-03", unit="pct")
    assert (check.fired, check.reason) == (False, "below_materiality")
    assert check.trigger is not None and check.trigger.material is False
    assert "watch" in check.trigger.message
    assert two_month_decline(pts(34.31, 34.38, 34.42), "low", month="2024-03",
                             unit="pct") is None


def test_percentage_threshold_is_one_point_over_the_two_months() -> None:
    # 1.0 point in all (0.5 + 0.5) reaches the threshold; 0.9 does not.
    assert check_decline(pts(80, 79.5, 79.0), "high", month="2024-03", unit="pct").fired
    assert not check_decline(pts(80, 79.5, 79.1), "high", month="2024-03", unit="pct").fired
    # float noise at the boundary: 70.3 - 0.3 - 1.0
    assert check_decline(pts(70.3, 70.0, 70.3 - 1.3), "high", month="2024-03", unit="pct").fired


def test_other_units_use_a_share_of_the_value() -> None:
    # counts, lower is better: 200 -> 205 -> 210 is 5 % of 200 (fires); 209 is 4.5 %.
    assert check_decline(pts(200, 205, 210), "low", month="2024-03", unit="count").fired
    check = check_decline(pts(200, 205, 209), "low", month="2024-03", unit="count")
    assert check.reason == "below_materiality"
    assert DEFAULT_MATERIALITY.threshold("rate", 40.0) == pytest.approx(2.0)


def test_materiality_is_configurable(tmp_path) -> None:  # type: ignore[no-untyped-def]
    strict = Materiality(min_points=3.0)
    assert not check_decline(pts(80, 79, 78), "high", month="2024-03", unit="pct",
                             materiality=strict).fired
    f = tmp_path / "targets.yml"
    f.write_text("targets: {}\ndecline:\n  min_points: 2.5\n", "utf-8")
    assert load_materiality(f) == Materiality(min_points=2.5, min_share=0.05)
    assert load_materiality(None) == DEFAULT_MATERIALITY
    f.write_text("decline:\n  min_points: -1\n", "utf-8")
    with pytest.raises(ValueError, match="min_points"):
        load_materiality(f)


def test_watch_listed_only_on_request_and_never_for_neutral() -> None:
    rows = []
    for m, a, ref in zip(["2024-01", "2024-02", "2024-03"], [80, 79.8, 79.7], [100, 90, 80],
                         strict=True):
        rows += [_row("assessment_45wd_pct", m, "authority", "LA", a),
                 _row("referrals", m, "authority", "LA", ref)]
    assert find_deep_dives(rows, META, "2024-03") == []
    watched = find_deep_dives(rows, META, "2024-03", watch=True)
    assert [(t.kpi_id, t.material) for t in watched] == [("assessment_45wd_pct", False)]
