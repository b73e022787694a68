"""RAG derived from an action's status, due date and linked indicators: every rule at its
boundaries (hand-worked dates: month ends, a leap year)."""

from __future__ import annotations

from datetime import date

import pytest

from lantern.actions.rag import ActionsConfig, IndicatorReading, derive_rag, load_config

TODAY = date(2024, 11, 30)


def reading(value: float | None, target: float = 85, tolerance: float = 5,
            polarity: str = "high") -> IndicatorReading:
    return IndicatorReading("icpc_15wd_pct", "ICPC within 15 working days", "2024-11", value,
                            target, tolerance, polarity, own_target=False)


def colour(status: str = "in_progress", due: date = date(2025, 6, 30),
           readings: tuple[IndicatorReading, ...] = (), since: date | None = None,
           config: ActionsConfig | None = None) -> str:
    return derive_rag(status=status, due=due, today=TODAY, readings=readings,
                      awaiting_since=since, config=config or ActionsConfig()).colour


@pytest.mark.parametrize(("due", "expected"), [
    (date(2024, 11, 29), "red"),  # due yesterday: overdue
    (date(2024, 11, 30), "amber"),  # due today: not yet overdue, due within 28 days
    (date(2024, 12, 28), "amber"),  # exactly 28 days ahead
    (date(2024, 12, 29), "green"),  # 29 days ahead
])
def test_due_dates(due: date, expected: str) -> None:
    assert colour(due=due) == expected
    assert colour("not_started", due=due) == expected


def test_done_or_closed_actions_are_not_overdue() -> None:
    assert colour("done_awaiting_impact", due=date(2024, 1, 1), since=TODAY) == "green"
    assert colour("signed_off", due=date(2024, 1, 1), readings=(reading(10),)) == "blue"
    assert colour("cancelled", due=date(2024, 1, 1)) == "grey"


@pytest.mark.parametrize(("value", "expected"), [
    (85, "green"), (80, "amber"), (79.9, "red"),  # target 85, tolerance 5, high is good
    (None, "green"),  # no figure this month: no reason to change the colour
])
def test_indicator_against_target_and_tolerance(value: float | None, expected: str) -> None:
    assert colour(readings=(reading(value),)) == expected


def test_low_is_good_and_the_actions_own_target() -> None:
    assert colour(readings=(reading(12, target=10, tolerance=2, polarity="low"),)) == "amber"
    assert colour(readings=(reading(12.1, target=10, tolerance=2, polarity="low"),)) == "red"
    own = IndicatorReading("icpc_15wd_pct", "ICPC", "2024-11", 72, 70, 5, "high", True)
    rag = derive_rag(status="in_progress", due=date(2025, 6, 30), today=TODAY, readings=[own])
    assert rag.colour == "green"


@pytest.mark.parametrize(("since", "expected"), [
    (date(2024, 8, 30), "green"),  # exactly 3 months before 30 Nov
    (date(2024, 8, 29), "amber"),  # 3 months and a day
])
def test_awaiting_impact_for_more_than_three_months(since: date, expected: str) -> None:
    assert colour("done_awaiting_impact", since=since) == expected


def test_awaiting_impact_from_a_month_end_in_a_leap_year() -> None:
    # 30 Nov 2023 + 3 months = 29 Feb 2024 (clamped): amber from 1 Mar.
    def at(today: date) -> str:
        return derive_rag(status="done_awaiting_impact", due=date(2025, 1, 1), today=today,
                          readings=(), awaiting_since=date(2023, 11, 30)).colour
    assert at(date(2024, 2, 29)) == "green"
    assert at(date(2024, 3, 1)) == "amber"


def test_reasons_name_every_cause_of_the_colour() -> None:
    rag = derive_rag(status="in_progress", due=date(2024, 11, 1), today=TODAY,
                     readings=[reading(70)])
    assert rag.colour == "red"
    assert rag.reason == ("Overdue: was due 1 Nov 2024 (29 days ago); ICPC within 15 working "
                          "days was 70 in Nov 2024 against target 85, below its tolerance")
    amber = derive_rag(status="in_progress", due=date(2024, 12, 5), today=TODAY,
                       readings=[reading(82)])
    assert amber.reason == ("ICPC within 15 working days was 82 in Nov 2024 against target 85, "
                            "outside target but within tolerance; Due within 28 days "
                            "(5 Dec 2024)")


def test_thresholds_are_configuration() -> None:
    config = load_config({"LANTERN_RAG_DUE_SOON_DAYS": "14",
                          "LANTERN_RAG_AWAITING_IMPACT_MONTHS": "6",
                          "LANTERN_SIGNOFF_MONTHS": "4", "LANTERN_SIGNOFF_ROLES": "dcs"})
    assert config == ActionsConfig(14, 6, 4, ("dcs",))
    assert colour(due=date(2024, 12, 28), config=config) == "green"
    assert colour(due=date(2024, 12, 14), config=config) == "amber"
    assert colour("done_awaiting_impact", since=date(2024, 6, 1), config=config) == "green"
    with pytest.raises(ValueError, match="LANTERN_RAG_DUE_SOON_DAYS='soon'"):
        load_config({"LANTERN_RAG_DUE_SOON_DAYS": "soon"})
