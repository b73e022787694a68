"""SPC rules (NHS Making Data Count, anchors.md §7.1) on hand-made series.

Expected values are worked out by hand in each test, never by calling the code
under test.
"""

from __future__ import annotations

import pytest

from lantern.assurance import spc
from lantern.assurance.spc import Limits

# A hand-made set of limits: mean 0, process limits ±3, near limits ±2.
L = Limits(mean=0.0, mean_moving_range=3 / 2.66, upper=3.0, lower=-3.0,
           upper_near=2.0, lower_near=-2.0, n_points=0)  # fmt: skip


# --- limits ------------------------------------------------------------------


def test_xmr_limits_by_hand() -> None:
    # mean = 15/5 = 3; moving ranges 2,1,2,1 -> mR̄ = 1.5
    # upper = 3 + 2.66*1.5 = 6.99; near = 3 + (2/3)*2.66*1.5 = 3 + 2.66 = 5.66
    lim = spc.xmr_limits([1, 3, 2, 4, 5])
    assert lim.mean == pytest.approx(3.0)
    assert lim.mean_moving_range == pytest.approx(1.5)
    assert lim.upper == pytest.approx(6.99)
    assert lim.lower == pytest.approx(-0.99)
    assert lim.upper_near == pytest.approx(5.66)
    assert lim.lower_near == pytest.approx(0.34)


def test_xmr_limits_skip_gaps() -> None:
    # present values 1, 3, 7, 9 -> mean 5; moving ranges only 3-1=2 and 9-7=2 -> mR̄ 2
    lim = spc.xmr_limits([1, 3, None, 7, 9])
    assert lim.mean == pytest.approx(5.0)
    assert lim.mean_moving_range == pytest.approx(2.0)
    assert lim.n_points == 4


def test_xmr_limits_need_a_moving_range() -> None:
    with pytest.raises(ValueError):
        spc.xmr_limits([1, None, 2])


def test_no_outlier_screening_matches_excel() -> None:
    # moving ranges 1,1,1,1,20,20 -> mR̄ = 44/6; NPD's default screening would drop the 20s
    lim = spc.xmr_limits([0, 1, 0, 1, 0, 20, 0])
    assert lim.mean_moving_range == pytest.approx(44 / 6)


# --- rule 1: outside limits ------------------------------------------------------


def test_outside_limits_point_on_limit_is_not_outside() -> None:
    assert spc.outside_limits([3.0, 3.01, -3.0, -3.01, 0.0, None], L) == [0, 1, 0, -1, 0, 0]


def test_near_limits_outer_third() -> None:
    # on the near limit: not near; on the process limit: near; beyond: outside, not near
    assert spc.near_limits([2.0, 2.5, 3.0, 3.5, -2.0, -2.5, -3.0], L) == [0, 1, 1, 0, 0, -1, -1]


# --- rule 2: trend ---------------------------------------------------------------


def test_trend_seven_rising_fires_six_does_not() -> None:
    assert spc.trend([1, 2, 3, 4, 5, 6, 7]) == [1] * 7
    assert spc.trend([1, 2, 3, 4, 5, 6]) == [0] * 6
    assert spc.trend([5, 1, 2, 3, 4, 5, 6]) == [0] * 7  # 6 rising after a fall


def test_trend_falling_and_not_part_of_run() -> None:
    assert spc.trend([0, 7, 6, 5, 4, 3, 2, 1, 5]) == [0, -1, -1, -1, -1, -1, -1, -1, 0]


def test_trend_tie_breaks_run() -> None:
    # 1,2,3,3,4,5,6,7: the tie leaves runs of 3 and 5 points
    assert spc.trend([1, 2, 3, 3, 4, 5, 6, 7]) == [0] * 8


def test_trend_gap_breaks_run() -> None:
    assert spc.trend([1, 2, 3, None, 4, 5, 6, 7]) == [0] * 8


def test_trend_peak_takes_later_direction() -> None:
    # rising 1..7 (indices 0-6) then falling 7..1 (indices 6-12): the peak is falling
    assert spc.trend([1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]) == [1] * 6 + [-1] * 7


def test_trend_length_configurable() -> None:
    assert spc.trend([1, 2, 3, 4, 5], length=5) == [1] * 5
    assert spc.trend([1, 2, 3, 4, 5], length=6) == [0] * 5


# --- rule 3: two in three ----------------------------------------------------------


def test_two_in_three_fires_and_flags_only_near_points() -> None:
    assert spc.two_in_three([2.5, 0.5, 2.5], L) == [1, 0, 1]
    assert spc.two_in_three([-2.5, -2.5, -0.5], L) == [-1, -1, 0]
    assert spc.two_in_three([2.5, 2.5, 2.5], L) == [1, 1, 1]


def test_two_in_three_needs_all_three_on_one_side() -> None:
    assert spc.two_in_three([2.5, -0.5, 2.5], L) == [0, 0, 0]
    assert spc.two_in_three([2.5, 0.0, 2.5], L) == [0, 0, 0]  # on the mean


def test_two_in_three_boundaries() -> None:
    assert spc.two_in_three([2.0, 2.5, 1.0], L) == [0, 0, 0]  # 2.0 is on the near limit
    assert spc.two_in_three([3.0, 2.5, 1.0], L) == [1, 1, 0]  # 3.0 is on the process limit
    assert spc.two_in_three([3.5, 2.5, 1.0], L) == [0, 0, 0]  # outside is not "near"


def test_two_in_three_sliding_window() -> None:
    assert spc.two_in_three([0.5, 2.5, 0.5, 2.5], L) == [0, 1, 0, 1]
    assert spc.two_in_three([2.5, 0.5, 0.5, 2.5], L) == [0, 0, 0, 0]


# --- rule 4: shift ------------------------------------------------------------------


def test_shift_seven_fires_six_does_not() -> None:
    assert spc.shift([1] * 7, 0.0) == [1] * 7
    assert spc.shift([1] * 6, 0.0) == [0] * 6
    assert spc.shift([-1] * 8 + [1], 0.0) == [-1] * 8 + [0]


def test_shift_point_on_mean_breaks_run() -> None:
    assert spc.shift([1, 1, 1, 0, 1, 1, 1, 1], 0.0) == [0] * 8
    assert spc.shift([1, 1, 1, 0] + [1] * 7, 0.0) == [0] * 4 + [1] * 7


def test_shift_gap_breaks_run() -> None:
    assert spc.shift([1, 1, 1, None, 1, 1, 1, 1], 0.0) == [0] * 8


def test_shift_length_configurable() -> None:
    assert spc.shift([1] * 6, 0.0, length=6) == [1] * 6


# --- precedence and labels -------------------------------------------------------------


def test_precedence_outside_trend_two_in_three_shift() -> None:
    decided = spc.by_precedence(
        outside=[1, 0, 0, 0, 0],
        trend_flags=[-1, -1, 0, 0, 0],
        two_in_three_flags=[0, 1, 1, 0, 0],
        shift_flags=[1, 1, 1, 1, 0],
    )
    assert decided == [
        ("outside_limits", 1),
        ("trend", -1),
        ("two_in_three", 1),
        ("shift", 1),
        (None, 0),
    ]


@pytest.mark.parametrize(
    ("direction", "polarity", "expected"),
    [
        (1, "high", "special_cause_improvement"),
        (-1, "high", "special_cause_concern"),
        (1, "low", "special_cause_concern"),
        (-1, "low", "special_cause_improvement"),
        (1, "neutral", "special_cause_neutral_high"),
        (-1, "neutral", "special_cause_neutral_low"),
        (0, "high", "common_cause"),
        (0, "neutral", "common_cause"),
    ],
)
def test_point_type(direction: int, polarity: str, expected: str) -> None:
    assert spc.point_type(direction, polarity) == expected


@pytest.mark.parametrize(
    ("ptype", "polarity", "icon"),
    [
        ("common_cause", "high", "common_cause"),
        ("special_cause_improvement", "high", "improvement_high"),
        ("special_cause_improvement", "low", "improvement_low"),
        ("special_cause_concern", "high", "concern_low"),
        ("special_cause_concern", "low", "concern_high"),
        ("special_cause_neutral_high", "neutral", "neutral_high"),
        ("special_cause_neutral_low", "neutral", "neutral_low"),
    ],
)
def test_variation_icon(ptype: str, polarity: str, icon: str) -> None:
    assert spc.variation_icon(ptype, polarity) == icon


@pytest.mark.parametrize(
    ("target", "polarity", "icon"),
    [
        (3.5, "high", "consistent_fail"),
        (3.5, "low", "consistent_pass"),
        (-3.5, "high", "consistent_pass"),
        (-3.5, "low", "consistent_fail"),
        (3.0, "high", "inconsistent"),  # exactly on the limit
        (-3.0, "low", "inconsistent"),
        (0.0, "high", "inconsistent"),
        (3.5, "neutral", None),
        (None, "high", None),
    ],
)
def test_assurance_icon(target: float | None, polarity: str, icon: str | None) -> None:
    assert spc.assurance_icon(target, L, polarity) == icon


# --- classify: whole series --------------------------------------------------------------

# Baseline alternating ±3, then a falling run 6,5,4,3,2,1,0.5.
# mean = 21.5/13 = 1.654; moving ranges 6×5, 9, 1×5, 0.5 -> 44.5/12 = 3.708
# upper = 1.654 + 2.66*3.708 = 11.52, near upper = 8.23, near lower = -4.92:
# nothing outside or near; 6,5,4,3,2 are above the mean (5 points: no shift);
# indices 6-12 are a falling trend of 7.
FALLING = [3, -3, 3, -3, 3, -3, 6, 5, 4, 3, 2, 1, 0.5]


def test_classify_trend_labelled_by_direction_not_side_of_mean() -> None:
    r = spc.classify(FALLING, "high")
    assert r.point_types == ["common_cause"] * 6 + ["special_cause_concern"] * 7
    assert [p.rule for p in r.points] == [None] * 6 + ["trend"] * 7
    assert r.variation_icon == "concern_low"
    assert r.limits is not None
    assert r.limits.mean == pytest.approx(21.5 / 13)
    assert r.limits.mean_moving_range == pytest.approx(44.5 / 12)


def test_classify_polarity_low_and_neutral() -> None:
    low = spc.classify(FALLING, "low")
    assert low.point_types[6:] == ["special_cause_improvement"] * 7
    assert low.variation_icon == "improvement_low"
    neutral = spc.classify(FALLING, "neutral")
    assert neutral.point_types[6:] == ["special_cause_neutral_low"] * 7
    assert neutral.variation_icon == "neutral_low"
    assert neutral.assurance_icon is None


def test_classify_precedence_trend_over_shift() -> None:
    # 7 rising points all above the mean of a ±3 baseline: both trend (+) and shift (+) fire.
    # mean = (0 + 4+5+6+7+8+9+10)/13 ... baseline [3,-3]*3 sums to 0 -> mean = 49/13 = 3.77;
    # moving ranges 6×5, 7, 1×6 -> 43/12 = 3.583; upper = 3.77 + 9.53 = 13.30 (nothing outside);
    # near upper = 3.77 + 6.35 = 10.12 (10 is not near). 4..10 are above the mean: shift of 7.
    values = [3, -3, 3, -3, 3, -3, 4, 5, 6, 7, 8, 9, 10]
    r = spc.classify(values, "low")
    assert [p.rule for p in r.points[6:]] == ["trend"] * 7
    assert [p.rules for p in r.points[6:]] == [("trend", "shift")] * 7
    assert r.point_types[6:] == ["special_cause_concern"] * 7


def test_classify_precedence_outside_over_trend() -> None:
    # baseline [1,-1]*6 (mean 0 on its own), then 0.5,1,1.5,2,2.5,3,30: a rising trend whose
    # last point is far outside. n=19, mean = 40.5/19 = 2.13; MRs 2×11, 1.5, 0.5×5, 27 -> 53/18
    # upper = 2.13 + 2.66*2.944 = 9.96 -> 30 is outside; its rule is outside_limits.
    values = [1, -1] * 6 + [0.5, 1, 1.5, 2, 2.5, 3, 30]
    r = spc.classify(values, "high")
    assert r.points[-1].rule == "outside_limits"
    assert r.points[-1].rules[:2] == ("outside_limits", "trend")
    assert [p.rule for p in r.points[12:18]] == ["trend"] * 6
    assert r.variation_icon == "improvement_high"


def test_classify_no_rebase_then_rebase() -> None:
    values = [1, -1] * 6 + [9, 11] * 6
    # Without rebasing: mean 5; MRs 2×11, 10, 2×11 -> 54/23 = 2.348;
    # limits 5 ± 6.245; near 5 ± 4.163 (0.837 and 9.163).
    # First half: all below 5 (shift); -1s are near the lower limit in 3-windows -> two_in_three.
    # Second half: all above 5 (shift); 11s near the upper limit -> two_in_three.
    r = spc.classify(values, "high")
    assert [p.rule for p in r.points[:12]] == ["shift", "two_in_three"] * 6
    assert [p.rule for p in r.points[12:]] == ["shift", "two_in_three"] * 6
    assert r.point_types == ["special_cause_concern"] * 12 + ["special_cause_improvement"] * 12
    assert len(r.segments) == 1
    # Rebased at the process change (index 12): each segment has its own limits.
    # Segment 1: mean 0, mR̄ 2 -> 0 ± 5.32; segment 2: mean 10, mR̄ 2 -> 10 ± 5.32.
    rb = spc.classify(values, "high", rebase_at=[12])
    assert rb.point_types == ["common_cause"] * 24
    assert [(s.start, s.stop) for s in rb.segments] == [(0, 12), (12, 24)]
    assert rb.segments[0].limits is not None and rb.segments[1].limits is not None
    assert rb.segments[0].limits.upper == pytest.approx(5.32)
    assert rb.segments[1].limits.mean == pytest.approx(10.0)
    assert rb.segments[1].limits.lower == pytest.approx(4.68)
    assert [p.segment for p in rb.points] == [0] * 12 + [1] * 12


def test_rules_do_not_cross_a_rebase() -> None:
    # -1 (index 7) then -0.9 .. 0.9 rising: a trend of 8 (indices 7-14) without a rebase.
    # mean = 0; MRs 2×7, 0.1, 0.3×6 -> 15.9/14 = 1.136; upper 3.02: nothing outside.
    values = [1, -1] * 4 + [-0.9, -0.6, -0.3, 0, 0.3, 0.6, 0.9]
    r = spc.classify(values, "high")
    assert [p.rule for p in r.points] == [None] * 7 + ["trend"] * 8
    # Rebased at index 11 the run is split into 4 + 4 points: no trend either side.
    rb = spc.classify(values, "high", rebase_at=[11])
    assert "trend" not in {r for p in rb.points for r in p.rules}


def test_rebase_indices_from_months() -> None:
    months = ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert spc.rebase_indices(months, ["2024-03"]) == [2]
    assert spc.rebase_indices(months, ["2023-06", "2025-01"]) == []


def test_fix_after_n_points() -> None:
    # limits from the first 12 points only: mean 0, mR̄ 2, upper 5.32; 5.4 is outside.
    values = [1, -1] * 6 + [5.4]
    r = spc.classify(values, "high", fix_after_n_points=12)
    assert r.limits is not None
    assert r.limits.mean == pytest.approx(0.0)
    assert r.limits.upper == pytest.approx(5.32)
    assert r.points[-1].rule == "outside_limits"
    # Without fixing, mean = 5.4/13 = 0.415, mR̄ = (22 + 4.4)/12 = 2.2 -> upper 6.27: not outside
    assert spc.classify(values, "high").points[-1].rule is None


def test_short_series_warning() -> None:
    assert spc.classify([1, -1] * 5 + [1], "high").short_series_warning is True  # 11
    assert spc.classify([1, -1] * 6, "high").short_series_warning is False  # 12
    r = spc.classify([1, -1] * 10, "high", rebase_at=[16])  # 16 + 4
    assert r.short_series_warning is True
    assert [s.short_series for s in r.segments] == [False, True]
    assert r.warnings


def test_missing_values_are_gaps() -> None:
    r = spc.classify([1, -1, None, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1], "high")
    assert r.points[2].point_type is None
    assert r.points[1].point_type == "common_cause"
    assert r.segments[0].n_points == 12


def test_assurance_from_classify() -> None:
    # [1,-1]*6: mean 0, mR̄ 2, limits ±5.32
    assert spc.classify([1, -1] * 6, "high", target=6).assurance_icon == "consistent_fail"
    assert spc.classify([1, -1] * 6, "high", target=-6).assurance_icon == "consistent_pass"
    assert spc.classify([1, -1] * 6, "low", target=6).assurance_icon == "consistent_pass"
    assert spc.classify([1, -1] * 6, "high", target=0).assurance_icon == "inconsistent"
    assert spc.classify([1, -1] * 6, "high").assurance_icon is None


def test_variation_icon_uses_most_recent_point() -> None:
    # the falling trend, then one common-cause point: icon is common cause
    r = spc.classify([*FALLING, 2], "high")
    assert r.points[-1].point_type == "common_cause"
    assert r.variation_icon == "common_cause"


def test_configurable_run_lengths() -> None:
    values = [3, -3, 3, -3, 3, -3, 6, 5, 4, 3, 2, 1]  # a falling run of 6
    assert "trend" not in {p.rule for p in spc.classify(values, "high").points}
    r = spc.classify(values, "high", trend_length=6)
    assert [p.rule for p in r.points[6:]] == ["trend"] * 6
