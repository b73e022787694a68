"""The two-month decline rule: ties, missing months, minimum denominators."""

from __future__ import annotations

from lantern.assurance.decline import (
    check_decline,
    decline_checks,
    find_deep_dives,
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
    "assessment_45wd_pct": {"polarity": "high", "headline_period": "rolling_12m"},
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
