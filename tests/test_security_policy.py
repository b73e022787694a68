"""Each role sees exactly what it should: scope checks and small-number suppression."""

from __future__ import annotations

import pytest

from lantern.security import (
    ROLES,
    SUPPRESSED,
    Principal,
    can_see_children,
    child_in_scope,
    suppress_count,
    suppress_kpi_row,
)


def person(role: str, scope: str = "authority", value: str | None = None) -> Principal:
    return Principal(1, "u", "U", role, scope, value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("who", "team", "service", "expected"),
    [
        (person("social_worker", "team", "T1"), "T1", "safeguarding", True),
        (person("social_worker", "team", "T1"), "T2", "safeguarding", False),  # other team
        (person("team_manager", "team", "T1"), None, None, False),  # unallocated child
        (person("head_of_service", "service", "safeguarding"), "T2", "safeguarding", True),
        (person("head_of_service", "service", "safeguarding"), "T9", "cared_for", False),
        (person("divisional_director"), "T9", "cared_for", True),
        (person("performance_analyst"), None, None, True),  # authority sees unallocated
        (person("board_member"), "T1", "safeguarding", False),  # aggregates only
        (person("inspector"), "T1", "safeguarding", False),
    ],
)
def test_child_in_scope(who: Principal, team: str | None, service: str | None,
                        expected: bool) -> None:
    assert child_in_scope(who, team, service) is expected


def test_only_board_members_and_inspectors_are_aggregate_only() -> None:
    blind = {r for r in ROLES if not can_see_children(person(r))}
    assert blind == {"board_member", "inspector"}


@pytest.mark.parametrize(("n", "shown"), [(0, 0), (1, SUPPRESSED), (4, SUPPRESSED), (5, 5),
                                          (None, None)])
def test_counts_1_to_4_are_suppressed_for_board_members(n: int | None, shown: object) -> None:
    assert suppress_count(n, person("board_member")) == shown
    assert suppress_count(n, person("dcs")) == n  # not an aggregate-only role


def test_percentage_from_a_small_numerator_is_withheld() -> None:
    row = {"kpi_id": "x_pct", "numerator": 3.0, "denominator": 40.0, "value": 7.5}
    seen = suppress_kpi_row(row, person("inspector"))
    assert seen["numerator"] == SUPPRESSED and seen["value"] is None and seen["suppressed"]
    assert seen["denominator"] == 40.0


def test_small_count_indicator_is_withheld_and_large_is_kept() -> None:
    small = {"kpi_id": "adoptions", "numerator": 2.0, "denominator": None, "value": 2.0}
    large = {"kpi_id": "cla_open", "numerator": 300.0, "denominator": None, "value": 300.0}
    assert suppress_kpi_row(small, person("board_member"))["value"] is None
    assert suppress_kpi_row(large, person("board_member"))["value"] == 300.0
    assert suppress_kpi_row(small, person("admin")) == small
