"""Targets, status words at their exact boundaries, and since-last-period words."""

from __future__ import annotations

from pathlib import Path

import pytest

from lantern.assurance.targets import (
    benchmark_comparison,
    default_targets,
    load_targets,
    since_last_period,
    status_word,
)

# High is good, target 80, tolerance 5:
#   > 85 Above; 80..85 On; 75..<80 Below; < 75 Well Below.
HIGH_CASES = [
    (85.1, "Above Target"),
    (85.0, "On Target"),  # better by exactly the tolerance
    (80.0, "On Target"),  # exactly on target
    (79.9, "Below Target"),
    (75.0, "Below Target"),  # worse by exactly the tolerance
    (74.9, "Well Below Target"),
    (57.7, "Well Below Target"),  # the 2011 scorecard's initial assessments
]


@pytest.mark.parametrize(("value", "word"), HIGH_CASES)
def test_status_word_high(value: float, word: str) -> None:
    assert status_word(value, 80, 5, "high") == word


# Low is good, target 426 days, tolerance 30: < 396 Above; 396..426 On; 426..456 Below; > 456
LOW_CASES = [
    (395.0, "Above Target"),
    (396.0, "On Target"),
    (426.0, "On Target"),
    (427.0, "Below Target"),
    (456.0, "Below Target"),
    (457.0, "Well Below Target"),
]


@pytest.mark.parametrize(("value", "word"), LOW_CASES)
def test_status_word_low(value: float, word: str) -> None:
    assert status_word(value, 426, 30, "low") == word


def test_status_word_zero_tolerance() -> None:
    assert status_word(80.0, 80, 0, "high") == "On Target"
    assert status_word(80.1, 80, 0, "high") == "Above Target"
    assert status_word(79.9, 80, 0, "high") == "Well Below Target"


def test_status_word_float_noise_does_not_cross_a_boundary() -> None:
    # 0.1 + 0.2 = 0.30000000000000004; 80.3 - 80 = 0.29999999999999716
    assert status_word(80 + 0.1 + 0.2, 80, 0.3, "high") == "On Target"
    assert status_word(80.3, 80, 0.3, "high") == "On Target"
    assert status_word(79.7, 80, 0.3, "high") == "Below Target"


def test_status_word_none_cases() -> None:
    assert status_word(None, 80, 5, "high") is None
    assert status_word(70, None, 5, "high") is None
    assert status_word(70, 80, 5, "neutral") is None
    with pytest.raises(ValueError):
        status_word(70, 80, -1, "high")


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
