"""Charts agree with their figures (#13.1), on hand-made engine rows: the chart plots
the headline's period, SPC runs on a meaningful series, limits stay in the measure's
range, notes and captions say what is true."""

from __future__ import annotations

import re

from lantern.assurance.monthly import assemble, history_months
from lantern.assurance.spc import Limits, clamp_limits
from lantern.measures.engine import KpiRow
from lantern.reports.build import scorecard_row
from lantern.reports.charts import nice_step, y_domain
from lantern.reports.model import ScorecardRow
from lantern.reports.render import chart_caption, chart_svg, chart_table, chart_views

MONTH = "2024-11"
MONTHS = history_months(MONTH)  # 2022-12 .. 2024-11


def rows(kpi: str, period: str, values: list[float | None], dens: list[int] | int = 50
         ) -> list[KpiRow]:
    dens = dens if isinstance(dens, list) else [dens] * len(values)
    return [KpiRow(kpi, m, period, "authority", "880",
                   None if v is None else v * d / 100, d, v, "ok" if v is not None else
                   "no_denominator") for m, v, d in zip(MONTHS, values, dens, strict=True)]


def row_of(kpi: str, engine_rows: list[KpiRow],
           changes: list[tuple[str, str]] | None = None) -> ScorecardRow:
    a = assemble(engine_rows, MONTH, MONTHS, {}, changes, {}, None)
    return scorecard_row(a.indicators[kpi], "")


def icpc() -> list[KpiRow]:
    """Rolling 12 months about 71 %; in-month values about 88 % (the seen defect)."""
    rolling = [71.0 + (i % 3) * 0.1 for i in range(23)] + [71.3]
    in_month = [88.0 + (-1) ** i * 2 for i in range(24)]
    return rows("icpc_15wd_pct", "rolling_12m", rolling) + rows(
        "icpc_15wd_pct", "in_month", in_month)


def test_the_headline_chart_ends_at_the_headline_value() -> None:
    r = row_of("icpc_15wd_pct", icpc())
    headline, in_month = chart_views(r)
    assert (headline.key, headline.period, headline.spc) == ("headline", "rolling_12m", False)
    assert headline.points[-1].value == r.value == 71.3
    assert (in_month.period, in_month.spc) == ("in_month", True)
    assert "rolling 12 months" in chart_caption(r, headline)
    # one table for both charts: the headline's 71.3% and the in-month 90.0% in November
    head, body = chart_table(r)
    assert head[:3] == ["Month", "Rolling 12 months", "Of"]
    assert body[-1][:2] == ["2024-11", "71.3%"] and "86.0%" in body[-1]


def test_small_denominators_are_gaps_not_points() -> None:
    """IHA "Consistently meets target" on monthly denominators of 0-2."""
    values = [100.0 if i % 2 else 50.0 for i in range(24)]
    engine = rows("iha_20wd_pct", "rolling_12m", [74.3] * 24, 40) + rows(
        "iha_20wd_pct", "in_month", values, [2] * 20 + [12, 12, 12, 12])
    r = row_of("iha_20wd_pct", engine)
    assert len(r.small_months) == 20
    assert [p.point_type for p in r.series[:20]] == ["too_few"] * 20
    assert r.assurance_icon is None or r.assurance_icon != "consistent_pass"
    caption = chart_caption(r, chart_views(r)[1])
    assert "20 months with fewer than 10 children left out (gaps)" in caption
    svg = chart_svg(r, chart_views(r)[1])
    assert svg.count("<circle") - 2 == 4  # four points drawn (2 legend dots)


def test_limits_are_clamped_to_the_measures_range() -> None:
    swings = [5.0, 45.0] * 12  # lower limit far below 0 %
    engine = rows("cla_health_assessment_pct", "snapshot", swings)
    r = row_of("cla_health_assessment_pct", engine)
    assert r.lower == 0.0 and r.upper is not None and r.upper <= 100.0
    assert clamp_limits(Limits(50, 20, 103.2, -3.2, 85, 15, 24), 0, 100).upper == 100
    assert not re.search(r">-\d", chart_svg(r))  # no negative axis label


def test_trial_limits_note_only_when_the_latest_segment_is_short() -> None:
    engine = rows("cla_health_assessment_pct", "snapshot",
                  [90.0 + (i % 4) for i in range(24)])
    whole = row_of("cla_health_assessment_pct", engine)
    assert not whole.short_series
    assert "trial limits" not in chart_caption(whole, chart_views(whole)[0])
    changed = row_of("cla_health_assessment_pct", engine, [("2024-03", "deep dive")])
    assert changed.short_series and changed.limit_points == 9
    caption = chart_caption(changed, chart_views(changed)[0])
    assert "recalculated from Mar 2024" in caption
    assert "from 9 points, fewer than 12: trial limits" in caption


def test_every_chart_draws_mean_limits_and_target() -> None:
    engine = rows("cla_health_assessment_pct", "snapshot", [90.0 + (i % 4) for i in range(24)])
    a = assemble(engine, MONTH, MONTHS, {}, None, {}, None)
    im = a.indicators["cla_health_assessment_pct"]
    svg = chart_svg(scorecard_row(im, ""))
    assert svg.count('stroke-dasharray="5 3"') >= 2  # upper and lower limits
    assert 'stroke="#0b0c0c"' in svg  # the mean


def test_an_indicator_without_in_month_values_has_a_chart_caption_and_table() -> None:
    """Seen: the A1 adoption chart and table empty, caption "adoption, , by month"."""
    engine = rows("adoption_a1_days", "rolling_36m", [400.0 - i for i in range(24)])
    for n, r in enumerate(engine):  # a mean in days: numerator/denominator are days/children
        engine[n] = KpiRow(r.kpi_id, r.month, r.period, r.breakdown, r.breakdown_value,
                           (r.value or 0) * 30, 30, r.value, "ok")
    r = row_of("adoption_a1_days", engine)
    (view,) = chart_views(r)
    assert len(view.points) == 24 and view.points[-1].value == r.value
    caption = chart_caption(r, view)
    assert ", ," not in caption and "rolling 3 years, by month, Dec 2022 to Nov 2024" in caption
    _head, body = chart_table(r)
    assert len(body) == 24 and body[-1][1] == "377.0"


def test_axis_helpers() -> None:
    assert nice_step(37) == 10 and nice_step(0.9) == 0.25
    assert y_domain([99.0, 100.0], 0.0, 100.0)[1] == 100.0  # never above 100 %
    assert y_domain([3.0, 3.0], 0.0, None) == (2.0, 4.0)  # a flat line still has a scale
