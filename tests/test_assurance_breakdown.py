"""A service's or team's standing on the scorecard (`assurance.monthly.breakdown_month`),
worked by hand: the month's figure against target and the month before, its series,
and the months it has no figure."""

from __future__ import annotations

from lantern.assurance.monthly import breakdown_month
from lantern.assurance.targets import Target
from lantern.measures.engine import KpiRow

TARGET = Target("x_pct", 80.0, 5.0)


def row(month: str, value: float | None, num: float | None, den: float | None, *,
        team: str = "T1", period: str = "rolling_12m", status: str = "ok") -> KpiRow:
    return KpiRow("x_pct", month, period, "team", team, num, den, value, status)


ROWS = [
    row("2024-01", 75.0, 30, 40), row("2024-02", 70.0, 28, 40),
    row("2024-02", 50.0, 1, 2, period="in_month"),
    row("2024-02", 99.0, 99, 100, team="T2"),  # another team: never mixed in
    row("2023-12", None, 0, 0, status="no_denominator"),
]


def test_a_teams_month_against_target_and_the_month_before() -> None:
    got = breakdown_month(ROWS, "T1", month="2024-02", period="rolling_12m",
                          chart_period="rolling_12m", months=["2023-12", "2024-01", "2024-02"],
                          target=TARGET, polarity="high")
    # 70 is 10 points under a target of 80 with a tolerance of 5: plainly worse; and
    # worse than January's 75.
    assert (got.value, got.numerator, got.denominator) == (70.0, 28, 40)
    assert got.status_word == "Worse than target (higher is better)"
    assert got.since_last == "Declined" and got.availability == "ok"
    assert [(p.month, p.value, p.numerator, p.denominator) for p in got.series] == [
        ("2023-12", None, 0, 0), ("2024-01", 75.0, 30, 40), ("2024-02", 70.0, 28, 40)]


def test_the_chart_can_plot_another_period_than_the_headline() -> None:
    got = breakdown_month(ROWS, "T1", month="2024-02", period="rolling_12m",
                          chart_period="in_month", months=["2024-01", "2024-02"],
                          target=TARGET, polarity="low")
    assert got.status_word == "Better than target (lower is better)"  # 70 under 80-5
    assert got.since_last == "Improved"
    assert [(p.month, p.value) for p in got.series] == [("2024-01", None), ("2024-02", 50.0)]


def test_a_team_without_a_figure_this_month() -> None:
    got = breakdown_month(ROWS, "T1", month="2024-03", period="rolling_12m",
                          chart_period="rolling_12m", months=["2024-03"], target=TARGET,
                          polarity="high")
    assert (got.value, got.status_word, got.availability) == (None, None, "no_denominator")
    assert got.since_last is None  # nothing to compare with February's 70
    none = breakdown_month(ROWS, "T1", month="2023-12", period="rolling_12m",
                           chart_period="rolling_12m", months=[], target=None,
                           polarity="high")
    assert (none.value, none.availability, none.status_word) == (None, "no_denominator", None)
