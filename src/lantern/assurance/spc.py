"""Statistical process control (XmR) following NHS England "Making Data Count".

Each rule is a small pure function over one series (one process segment), named
after the rule and its source, as NHSRplotthedots does. The specification is
`shared/reference/anchors.md` §7.1, which summarises NHSRplotthedots
(`R/ptd_spc_standard.R`, `R/ptd_calculate_point_type.R`,
`R/ptd_calculate_assurance_type.R`) and the MDC Excel tool.

Pipeline for one segment (``classify`` runs it per segment):

1. ``xmr_limits`` — mean, mean moving range, process limits (mean ± 2.66 mR̄)
   and near limits (mean ± ⅔·2.66 mR̄ ≈ 2σ).
2. The four rules, each returning a signed flag per point (+1 high / increasing,
   −1 low / decreasing, 0 not flagged): ``outside_limits``, ``trend``,
   ``two_in_three``, ``shift``.
3. ``by_precedence`` — outside limits > trend > two-in-three > shift.
4. ``point_type`` — common_cause / special_cause_improvement /
   special_cause_concern / special_cause_neutral_high / _low, by polarity.
5. ``variation_icon`` (from the most recent point) and ``assurance_icon``
   (target against the latest segment's limits).

Deviations from NHSRplotthedots (NPD), all deliberate:

- **No outlier screening.** NPD by default drops moving ranges above
  3.267 × mR̄ before recomputing mR̄ (``screen_outliers = TRUE``); the MDC
  Excel tool does not, and neither do we (equivalent to NPD with
  ``screen_outliers = FALSE``).
- **Run lengths are parameters** (``trend_length``, ``shift_length``); the
  defaults are MDC's 7 and 7, as NPD hard-codes.
- **Missing values** (``None``) are gaps: they are left out of the mean, a
  moving range needs two consecutive present values (as NPD's ``diff`` gives
  NA next to an NA), and a gap breaks a trend, a shift and any two-in-three
  window that contains it. NPD documents that series should have no gaps.
- **Trend direction** follows NPD since PR #180 (2023): trend points are
  labelled by the trend's direction, not by their side of the mean. A point
  shared by a rising and a falling trend (a peak or trough) takes the
  direction of the later trend, as NPD does ("use right side"); NPD labels the
  point "decreasing" when the next step is a tie, we keep the earlier trend's
  direction there.
- **fix_after_n_points** counts positions from the start of each segment
  (NPD's ``row_number()`` within a rebase group), so after a rebase the new
  limits come from the first n points after the change.
- **Short-series warning** counts present values per segment; NPD counts rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from lantern.assurance.inputs import better_sign

LIMIT_FACTOR = 2.66
"""Process limits: mean ± 2.66 × mean moving range (3 / d2 with d2 = 1.128, rounded as MDC does)."""
NEAR_LIMIT_FACTOR = 2 * LIMIT_FACTOR / 3
"""Near ('2σ') limits: mean ± (2/3)·2.66 × mean moving range, as NPD's ``limitclose``."""
MDC_TREND_LENGTH = 7
MDC_SHIFT_LENGTH = 7
SHORT_SERIES_POINTS = 12
"""Fewer points than this in a segment: limits are trial limits (NPD short-group warning)."""

OUTSIDE_LIMITS = "outside_limits"
TREND = "trend"
TWO_IN_THREE = "two_in_three"
SHIFT = "shift"
PRECEDENCE: tuple[str, ...] = (OUTSIDE_LIMITS, TREND, TWO_IN_THREE, SHIFT)

COMMON_CAUSE = "common_cause"
IMPROVEMENT = "special_cause_improvement"
CONCERN = "special_cause_concern"
NEUTRAL_HIGH = "special_cause_neutral_high"
NEUTRAL_LOW = "special_cause_neutral_low"

CONSISTENT_PASS = "consistent_pass"
CONSISTENT_FAIL = "consistent_fail"
INCONSISTENT = "inconsistent"

Values = Sequence[float | None]

ICON_TEXT: dict[str, str] = {
    "common_cause": "Common cause variation",
    "improvement_high": "Improvement: unusually high values",
    "improvement_low": "Improvement: unusually low values",
    "concern_high": "Concern: unusually high values",
    "concern_low": "Concern: unusually low values",
    "neutral_high": "Special cause: unusually high values",
    "neutral_low": "Special cause: unusually low values",
    CONSISTENT_PASS: "Consistently meets target",
    CONSISTENT_FAIL: "Consistently fails target",
    INCONSISTENT: "May or may not meet target",
}
"""The Making Data Count icons in words, as every screen and the report print them
("(low)" alone read as a small improvement: the words say the values are unusual)."""


def icon_words(variation: str | None, assurance: str | None) -> list[str]:
    """The variation and assurance icons as the sentences people read, leaving out
    whichever is absent (no target, too few points) rather than printing a gap."""
    return [ICON_TEXT.get(icon, icon.replace("_", " ")) for icon in (variation, assurance)
            if icon]



@dataclass(frozen=True)
class Limits:
    """XmR limits of one process segment."""

    mean: float
    mean_moving_range: float
    upper: float  # upper process limit, mean + 2.66 mR̄
    lower: float  # lower process limit, mean − 2.66 mR̄
    upper_near: float  # near ('2σ') limit, mean + (2/3)·2.66 mR̄
    lower_near: float
    n_points: int  # present values the limits were computed from


@dataclass(frozen=True)
class SpcPoint:
    index: int
    value: float | None
    segment: int
    point_type: str | None  # None when the value is missing
    rule: str | None  # the rule that decided the label (highest precedence), else None
    rules: tuple[str, ...]  # every rule that flagged the point, in precedence order
    direction: int  # +1 high/increasing, −1 low/decreasing, 0 common cause


@dataclass(frozen=True)
class SpcSegment:
    start: int  # first index (inclusive)
    stop: int  # last index + 1
    limits: Limits | None  # None when the segment has no moving range to compute from
    n_points: int  # present values in the segment
    short_series: bool


@dataclass(frozen=True)
class SpcResult:
    points: tuple[SpcPoint, ...]
    segments: tuple[SpcSegment, ...]
    variation_icon: str | None
    assurance_icon: str | None
    short_series_warning: bool
    warnings: tuple[str, ...] = field(default=())

    @property
    def point_types(self) -> list[str | None]:
        return [p.point_type for p in self.points]

    @property
    def latest(self) -> SpcPoint | None:
        """The most recent point with a value."""
        present = [p for p in self.points if p.value is not None]
        return present[-1] if present else None

    @property
    def limits(self) -> Limits | None:
        """The latest segment's limits."""
        return self.segments[-1].limits if self.segments else None


# --- 1. Limits -----------------------------------------------------------------


def moving_ranges(values: Values) -> list[float]:
    """|x_i − x_{i−1}| for each pair of consecutive present values (a gap gives none)."""
    out: list[float] = []
    for prev, cur in pairwise(values):
        if prev is not None and cur is not None:
            out.append(abs(cur - prev))
    return out


def xmr_limits(values: Values) -> Limits:
    """XmR limits (MDC; NPD ``ptd_spc_standard``): mean ± 2.66·mR̄ and mean ± (2/3)·2.66·mR̄.

    No screening of large moving ranges (MDC Excel behaviour). Raises
    ``ValueError`` when there is no pair of consecutive present values.
    """
    present = [v for v in values if v is not None]
    mrs = moving_ranges(values)
    if not present or not mrs:
        raise ValueError("XmR limits need at least two consecutive values")
    mean = sum(present) / len(present)
    amr = sum(mrs) / len(mrs)
    return Limits(
        mean=mean,
        mean_moving_range=amr,
        upper=mean + LIMIT_FACTOR * amr,
        lower=mean - LIMIT_FACTOR * amr,
        upper_near=mean + NEAR_LIMIT_FACTOR * amr,
        lower_near=mean - NEAR_LIMIT_FACTOR * amr,
        n_points=len(present),
    )


def clamp_limits(limits: Limits, lowest: float | None, highest: float | None) -> Limits:
    """The limits as drawn and quoted: cut to the range the measure can take (e.g.
    0–100 for a percentage), so no "-16.1 % to 66.3 %". The rules still use the
    computed limits; a value cannot fall outside the range anyway."""

    def cut(x: float) -> float:
        if lowest is not None and x < lowest:
            return lowest
        if highest is not None and x > highest:
            return highest
        return x

    return Limits(mean=limits.mean, mean_moving_range=limits.mean_moving_range,
                  upper=cut(limits.upper), lower=cut(limits.lower),
                  upper_near=cut(limits.upper_near), lower_near=cut(limits.lower_near),
                  n_points=limits.n_points)


# --- 2. The four rules ---------------------------------------------------------


def side_of_mean(values: Values, mean: float) -> list[int]:
    """+1 above the mean, −1 below, 0 exactly on it or missing (NPD ``relative_to_mean``)."""
    out: list[int] = []
    for v in values:
        if v is None or v == mean:
            out.append(0)
        else:
            out.append(1 if v > mean else -1)
    return out


def outside_limits(values: Values, limits: Limits) -> list[int]:
    """Rule 1, astronomical point (MDC; NPD ``outside_limits``).

    +1 for a point strictly above the upper process limit, −1 strictly below
    the lower one. A point exactly on a limit is not outside.
    """
    out: list[int] = []
    for v in values:
        if v is not None and v > limits.upper:
            out.append(1)
        elif v is not None and v < limits.lower:
            out.append(-1)
        else:
            out.append(0)
    return out


def near_limits(values: Values, limits: Limits) -> list[int]:
    """Points in the outer third (NPD ``close_to_limits``): beyond a near limit, not outside.

    +1 when upper_near < x ≤ upper, −1 when lower ≤ x < lower_near. A point
    exactly on a near limit is not in the outer third; one exactly on a process
    limit is.
    """
    out: list[int] = []
    for v in values:
        if v is not None and limits.upper_near < v <= limits.upper:
            out.append(1)
        elif v is not None and limits.lower <= v < limits.lower_near:
            out.append(-1)
        else:
            out.append(0)
    return out


def trend(values: Values, length: int = MDC_TREND_LENGTH) -> list[int]:
    """Rule 2, trend (MDC; NPD ``ptd_seven_point_trend``): ``length`` points each
    strictly higher (or each strictly lower) than the one before.

    Every point of such a run is flagged, +1 rising, −1 falling. A tie or a gap
    breaks the run. A point ending a rising run and starting a falling one takes
    the later run's direction.
    """
    if length < 2:
        raise ValueError("trend length must be at least 2")
    out = [0] * len(values)
    for start in range(len(values) - length + 1):
        window = values[start : start + length]
        present = [float(v) for v in window if v is not None]
        if len(present) < length:
            continue
        steps = [b - a for a, b in pairwise(present)]
        direction = 1 if all(s > 0 for s in steps) else -1 if all(s < 0 for s in steps) else 0
        if direction:
            for i in range(start, start + length):
                out[i] = direction
    return out


def two_in_three(values: Values, limits: Limits) -> list[int]:
    """Rule 3, two-in-three (MDC; NPD ``ptd_two_in_three``): in 3 consecutive points,
    at least 2 lie in the outer third (beyond the near limit, not outside the
    process limit), and all 3 are on the same side of the mean.

    Only the points in the outer third are flagged (+1 upper, −1 lower); the
    third point of the window is not. A point on the mean, or a gap, in the
    window stops it qualifying.
    """
    side = side_of_mean(values, limits.mean)
    near = near_limits(values, limits)
    out = [0] * len(values)
    for start in range(len(values) - 2):
        s = side[start : start + 3]
        if abs(sum(s)) != 3:
            continue
        hits = [i for i in range(start, start + 3) if near[i] == s[0]]
        if len(hits) >= 2:
            for i in hits:
                out[i] = s[0]
    return out


def shift(values: Values, mean: float, length: int = MDC_SHIFT_LENGTH) -> list[int]:
    """Rule 4, shift (MDC; NPD ``ptd_seven_point_one_side_mean``): ``length`` or more
    consecutive points on the same side of the mean.

    Every point of the run is flagged (+1 above, −1 below). A point exactly on
    the mean, or a gap, breaks the run.
    """
    if length < 1:
        raise ValueError("shift length must be at least 1")
    side = side_of_mean(values, mean)
    out = [0] * len(values)
    run_start = 0
    for i in range(len(side) + 1):
        if i == len(side) or side[i] == 0 or side[i] != side[run_start]:
            if i > run_start and side[run_start] != 0 and i - run_start >= length:
                for j in range(run_start, i):
                    out[j] = side[run_start]
            run_start = i
    return out


# --- 3. Precedence and labels --------------------------------------------------


def by_precedence(
    outside: Sequence[int],
    trend_flags: Sequence[int],
    two_in_three_flags: Sequence[int],
    shift_flags: Sequence[int],
) -> list[tuple[str | None, int]]:
    """Which rule decides each point (MDC; NPD ``ptd_special_cause_type``):
    outside limits > trend > two-in-three > shift. Returns (rule, direction),
    or (None, 0) for common cause."""
    out: list[tuple[str | None, int]] = []
    for flags in zip(outside, trend_flags, two_in_three_flags, shift_flags, strict=True):
        decided: tuple[str | None, int] = (None, 0)
        for rule, flag in zip(PRECEDENCE, flags, strict=True):
            if flag:
                decided = (rule, flag)
                break
        out.append(decided)
    return out


def point_type(direction: int, polarity: str) -> str:
    """Label a point (NPD ``ptd_point_type``): the signal's direction (+1 above or
    increasing, −1 below or decreasing) times the improvement direction;
    positive is improvement, negative concern; neutral polarity gives
    neutral_high / neutral_low; no signal is common cause."""
    if direction == 0:
        return COMMON_CAUSE
    sign = better_sign(polarity)
    if sign == 0:
        return NEUTRAL_HIGH if direction > 0 else NEUTRAL_LOW
    return IMPROVEMENT if direction * sign > 0 else CONCERN


def variation_icon(latest_point_type: str, polarity: str) -> str:
    """MDC variation icon from the most recent point's type (NPD ``geom_ptd_icon``):
    common_cause, improvement_high/low, concern_high/low, neutral_high/low."""
    if latest_point_type == COMMON_CAUSE:
        return "common_cause"
    if latest_point_type == NEUTRAL_HIGH:
        return "neutral_high"
    if latest_point_type == NEUTRAL_LOW:
        return "neutral_low"
    high_is_good = better_sign(polarity) > 0
    if latest_point_type == IMPROVEMENT:
        return "improvement_high" if high_is_good else "improvement_low"
    if latest_point_type == CONCERN:
        return "concern_low" if high_is_good else "concern_high"
    raise ValueError(f"unknown point type {latest_point_type!r}")


def assurance_icon(target: float | None, limits: Limits | None, polarity: str) -> str | None:
    """MDC assurance icon (NPD ``ptd_calculate_assurance_type``), from the latest limits.

    Higher is better: target above the upper limit → consistent_fail; below
    the lower limit → consistent_pass; otherwise (including exactly on a limit)
    inconsistent. Lower is better: the mirror image. None when there is no
    target, no limits or the polarity is neutral.
    """
    sign = better_sign(polarity)
    if target is None or limits is None or sign == 0:
        return None
    if target > limits.upper:
        return CONSISTENT_FAIL if sign > 0 else CONSISTENT_PASS
    if target < limits.lower:
        return CONSISTENT_PASS if sign > 0 else CONSISTENT_FAIL
    return INCONSISTENT


# --- 4. Putting it together ----------------------------------------------------


def segment_bounds(n: int, rebase_at: Sequence[int] | None) -> list[tuple[int, int]]:
    """[start, stop) of each process segment; a rebase index starts a new segment."""
    cuts = sorted(set(rebase_at or ()))
    for c in cuts:
        if not 0 <= c < n:
            raise ValueError(f"rebase index {c} outside the series (0..{n - 1})")
    starts = [0] + [c for c in cuts if c > 0]
    stops = [*starts[1:], n]
    return list(zip(starts, stops, strict=True))


def rebase_indices(months: Sequence[str], change_months: Sequence[str]) -> list[int]:
    """Index of the first month on or after each recorded process change
    (e.g. a deep dive in '2024-03'); changes outside the series are ignored."""
    out: list[int] = []
    for change in change_months:
        idx = next((i for i, m in enumerate(months) if m >= change), None)
        if idx is not None and idx > 0:
            out.append(idx)
    return sorted(set(out))


def classify(
    values: Values,
    polarity: str,
    *,
    rebase_at: list[int] | None = None,
    fix_after_n_points: int | None = None,
    target: float | None = None,
    trend_length: int = MDC_TREND_LENGTH,
    shift_length: int = MDC_SHIFT_LENGTH,
) -> SpcResult:
    """Classify every point of a series by the MDC rules.

    Limits are computed per segment (a new segment starts at each index in
    ``rebase_at``), from the segment's first ``fix_after_n_points`` points if
    given; rules never look across a segment boundary. The variation icon
    comes from the most recent point with a value; the assurance icon compares
    ``target`` with the latest segment's limits.
    """
    if not values:
        raise ValueError("classify needs at least one point")
    if fix_after_n_points is not None and fix_after_n_points < 2:
        raise ValueError("fix_after_n_points must be at least 2")
    points: list[SpcPoint] = []
    segments: list[SpcSegment] = []
    warnings: list[str] = []
    for seg_no, (start, stop) in enumerate(segment_bounds(len(values), rebase_at)):
        seg = list(values[start:stop])
        baseline = seg if fix_after_n_points is None else seg[:fix_after_n_points]
        try:
            limits: Limits | None = xmr_limits(baseline)
        except ValueError:
            limits = None
        n_present = sum(v is not None for v in seg)
        short = n_present < SHORT_SERIES_POINTS
        segments.append(SpcSegment(start, stop, limits, n_present, short))
        if short:
            warnings.append(
                f"segment {seg_no} (points {start}–{stop - 1}) has {n_present} values, fewer "
                f"than {SHORT_SERIES_POINTS}: its limits are trial limits"
            )
        if limits is None:
            warnings.append(f"segment {seg_no} has no consecutive pair of values: no limits")
            flags: list[tuple[int, ...]] = [(0, 0, 0, 0)] * len(seg)
        else:
            flags = list(
                zip(
                    outside_limits(seg, limits),
                    trend(seg, trend_length),
                    two_in_three(seg, limits),
                    shift(seg, limits.mean, shift_length),
                    strict=True,
                )
            )
        decided = by_precedence(*(list(col) for col in zip(*flags, strict=True)))
        for offset, (value, f, (rule, direction)) in enumerate(
            zip(seg, flags, decided, strict=True)
        ):
            fired = tuple(r for r, flag in zip(PRECEDENCE, f, strict=True) if flag)
            points.append(
                SpcPoint(
                    index=start + offset,
                    value=value,
                    segment=seg_no,
                    point_type=None if value is None else point_type(direction, polarity),
                    rule=rule,
                    rules=fired,
                    direction=direction,
                )
            )
    present = [p for p in points if p.point_type is not None]
    icon = variation_icon(present[-1].point_type, polarity) if present else None  # type: ignore[arg-type]
    return SpcResult(
        points=tuple(points),
        segments=tuple(segments),
        variation_icon=icon,
        assurance_icon=assurance_icon(target, segments[-1].limits, polarity),
        short_series_warning=any(s.short_series for s in segments),
        warnings=tuple(warnings),
    )
