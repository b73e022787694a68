"""Targets, status words at their exact boundaries, and since-last-period words."""

from __future__ import annotations

from pathlib import Path

import pytest

from lantern.assurance.targets import (
    benchmark_comparison,
    default_targets,
    load_targets,
    since_last_period,
    status_bands,
    status_for,
)

# High is good, target 80, tolerance 5:
#   > 85 better; 80..85 on; 75..<80 worse within tolerance; < 75 worse.
HIGH_CASES = [
    (85.1, "better", "Above Target"),
    (85.0, "on", "On Target"),  # better by exactly the tolerance
    (80.0, "on", "On Target"),  # exactly on target
    (79.9, "worse", "Below Target"),
    (75.0, "worse", "Below Target"),  # worse by exactly the tolerance
    (74.9, "well_worse", "Well Below Target"),
    (57.7, "well_worse", "Well Below Target"),  # the 2011 scorecard's initial assessments
]


def _band(value: float | None, target: float | None, polarity: str,
          tolerance: float) -> str | None:
    got = status_for(value, target, polarity, tolerance=tolerance)
    return None if got is None else got.band


@pytest.mark.parametrize(("value", "band", "word_2011"), HIGH_CASES)
def test_status_high(value: float, band: str, word_2011: str) -> None:
    assert _band(value, 80, "high", 5) == band
    got = status_for(value, 80, "high", tolerance=5, wording="2011")
    assert got is not None and got.text == word_2011


# Low is good, target 426 days, tolerance 30: < 396 better; 396..426 on; 426..456 worse
# within tolerance; > 456 worse.
LOW_CASES = [
    (395.0, "better"),
    (396.0, "on"),
    (426.0, "on"),
    (427.0, "worse"),
    (456.0, "worse"),
    (457.0, "well_worse"),
]


@pytest.mark.parametrize(("value", "band"), LOW_CASES)
def test_status_low(value: float, band: str) -> None:
    assert _band(value, 426, "low", 30) == band


def test_status_zero_tolerance() -> None:
    assert _band(80.0, 80, "high", 0) == "on"
    assert _band(80.1, 80, "high", 0) == "better"
    assert _band(79.9, 80, "high", 0) == "well_worse"


def test_status_float_noise_does_not_cross_a_boundary() -> None:
    # 0.1 + 0.2 = 0.30000000000000004; 80.3 - 80 = 0.29999999999999716
    assert _band(80 + 0.1 + 0.2, 80, "high", 0.3) == "on"
    assert _band(80.3, 80, "high", 0.3) == "on"
    assert _band(79.7, 80, "high", 0.3) == "worse"


def test_status_none_cases() -> None:
    assert status_for(None, 80, "high", tolerance=5) is None
    assert status_for(70, None, "high", tolerance=5) is None
    assert status_for(70, 80, "neutral", tolerance=5) is None
    with pytest.raises(ValueError):
        status_for(70, 80, "high", tolerance=-1)


# Issue #13, seen on the demo authority (2024-11): the words described the number, not
# the performance. With the configured targets and tolerances:
def test_re_referrals_above_a_lower_is_better_target_read_worse() -> None:
    t = default_targets()["rereferral_12m_pct"]  # target 20, lower is better
    got = status_for(22.4, t.target, "low", tolerance=t.tolerance)
    assert got is not None
    assert got.text == "Worse than target (lower is better)"  # was "Well Below Target"
    assert got.failing and got.severe


def test_repeat_cp_plans_below_a_lower_is_better_target_read_better() -> None:
    t = default_targets()["cp_repeat_within_2y_pct"]  # target 10, lower is better
    got = status_for(5.0, t.target, "low", tolerance=t.tolerance)
    assert got is not None
    assert got.text == "Better than target (lower is better)"  # was "Above Target"
    assert not got.failing


def test_the_plain_words_never_say_above_or_below() -> None:
    plain = [t for t in status_bands() if "Target" not in t]
    assert len(plain) == 8  # four bands, two directions
    assert not [t for t in plain if "above" in t.lower() or "below" in t.lower()]
    for t in plain:
        assert t.endswith(("(higher is better)", "(lower is better)"))


def test_the_2011_words_are_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANTERN_STATUS_WORDS", "2011")
    got = status_for(22.4, 20, "low", tolerance=2)
    assert got is not None and got.text == "Well Below Target"
    monkeypatch.setenv("LANTERN_STATUS_WORDS", "2010")
    with pytest.raises(ValueError, match="LANTERN_STATUS_WORDS='2010': expected one of"):
        status_for(22.4, 20, "low", tolerance=2)


@pytest.mark.parametrize(
    ("current", "previous", "polarity", "word"),
    [
        (66.5, 57.7, "high", "Improved"),
        (57.7, 66.5, "high", "Declined"),
        (6.0, 5.0, "low", "Declined"),
        (5.0, 6.0, "low", "Improved"),
        (5.0, 5.0, "low", "No change"),
        (0.1 + 0.2, 0.3, "high", "No change"),
        (10, 8, "neutral", "Up"),
        (8, 10, "neutral", "Down"),
        (8, 8, "neutral", "No change"),
        (None, 8, "high", None),
        (8, None, "high", None),
    ],
)
def test_since_last_period(
    current: float | None, previous: float | None, polarity: str, word: str | None
) -> None:
    assert since_last_period(current, previous, polarity) == word


def test_benchmark_comparison() -> None:
    # 2011: 57.7% against England 79.6% (high is good)
    assert benchmark_comparison(57.7, 79.6, "high") == "Worse"
    assert benchmark_comparison(2.6, 10.9, "low") == "Better"
    assert benchmark_comparison(10, 10, "low") == "Same"
    assert benchmark_comparison(96, 59, "neutral") == "Higher"
    assert benchmark_comparison(None, 59, "neutral") is None


def test_default_targets() -> None:
    t = default_targets()
    assert (t["assessment_45wd_pct"].target, t["assessment_45wd_pct"].tolerance) == (80.0, 5.0)
    assert t["icpc_15wd_pct"].target == 85.0
    assert t["adoption_a1_days"].target == 426.0
    assert t["adoption_a2_days"].target == 121.0
    assert "DfE" in t["adoption_a1_days"].source
    for neutral in ("referrals", "cla_open", "cp_rate_per_10k", "referral_nfa_pct"):
        assert neutral not in t
    assert "assessments_open_over_45wd" not in t  # declared with target null
    # the local tables' timeliness and currency measures start from Lantern defaults
    assert (t["foster_review_current_pct"].target, t["lado_resolved_1m_pct"].target) == (
        95.0, 80.0)
    for neutral in ("marac_referrals", "marac_repeat_pct", "lado_referrals"):
        assert neutral not in t


def test_user_file_overrides(tmp_path: Path) -> None:
    f = tmp_path / "targets.yml"
    f.write_text(
        "targets:\n"
        "  assessment_45wd_pct: {target: 90}\n"  # tolerance omitted -> 0
        "  icpc_15wd_pct: {target: null}\n"  # removes the default
        "  assessments_open_over_45wd: {target: 5, tolerance: 2, source: board 2024}\n"
    )
    t = load_targets(f)
    assert (t["assessment_45wd_pct"].target, t["assessment_45wd_pct"].tolerance) == (90.0, 0.0)
    assert "icpc_15wd_pct" not in t
    assert t["assessments_open_over_45wd"].source == "board 2024"
    assert t["adoption_a1_days"].target == 426.0  # untouched default


@pytest.mark.parametrize(
    "text",
    [
        "targets:\n  x: {target: 1, tolerence: 2}\n",  # misspelt key
        "targets:\n  x: {target: high}\n",
        "targets:\n  x: {target: 1, tolerance: -1}\n",
        "- just a list\n",
    ],
)
def test_user_file_errors(tmp_path: Path, text: str) -> None:
    f = tmp_path / "bad.yml"
    f.write_text(text)
    with pytest.raises(ValueError):
        load_targets(f)
