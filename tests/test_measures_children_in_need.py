"""Hand-worked cases for the children in need indicators (KPIS.md)."""

from __future__ import annotations

import pytest

from tests.measures_fixtures import figure, merge, rows

P = rows("ssd_person", {"pers_person_id": "C1", "pers_dob": "2014-06-01"},
         {"pers_person_id": "C2", "pers_dob": "2012-06-01"})


def ref(rid: str, date: str, close: str | None = None, nfa: str | None = "N",
        child: str = "C1") -> dict:
    return {"cine_referral_id": rid, "cine_person_id": child, "cine_referral_date": date,
            "cine_close_date": close, "cine_referral_nfa": nfa}


@pytest.mark.parametrize(("refs", "expected"), [
    # open episode counts; an NFA referral is not a CIN episode
    ([ref("R1", "2024-01-01"), ref("R2", "2024-03-01", nfa="Y", child="C2")], 1),
    # closed on the month end: still open that day; closed the day before: not
    ([ref("R1", "2024-01-01", close="2024-03-31"),
      ref("R2", "2024-01-01", close="2024-03-30", child="C2")], 1),
    # two open referrals of one child count once
    ([ref("R1", "2024-01-01"), ref("R2", "2024-03-31")], 1),
    # referred after month end
    ([ref("R1", "2024-04-01")], 0),
])
def test_cin_open(refs: list, expected: int) -> None:
    data = merge(P, rows("ssd_cin_episodes", *refs))
    assert figure(data, "cin_open", "2024-03")[0] == expected


def test_cin_rate_per_10k() -> None:
    data = merge(P, rows("ssd_cin_episodes", ref("R1", "2024-01-01"),
                         ref("R2", "2024-01-01", child="C2")))
    # 2 children in need over 10,000 = 2.0 per 10,000; over 25,400 = 2 / 2.54
    assert figure(data, "cin_rate_per_10k", "2024-03")[:3] == (2, 10000, 2.0)
    assert figure(data, "cin_rate_per_10k", "2024-03", population=25400)[2] == (
        pytest.approx(2 / 2.54))
    assert figure(data, "cin_rate_per_10k", "2024-03", population=None)[3] == "not_available"


def cplan(pid: str, start: str, end: str | None = None, child: str = "C1") -> dict:
    return {"cinp_cin_plan_id": pid, "cinp_person_id": child, "cinp_cin_plan_start_date": start,
            "cinp_cin_plan_end_date": end}


@pytest.mark.parametrize(("plans", "month", "expected"), [
    # 31 May 2024 - 12 months = 31 May 2023: a plan from 30 May 2023 is older, 31 May is not
    ([cplan("A", "2023-05-30"), cplan("B", "2023-05-31", child="C2")], "2024-05", 1),
    # leap: 29 Feb 2024 - 12 months = 28 Feb 2023: 27 Feb counts, 28 Feb does not
    ([cplan("A", "2023-02-27"), cplan("B", "2023-02-28", child="C2")], "2024-02", 1),
    # plans, not children; a plan ended before month end is not open
    ([cplan("A", "2022-01-01"), cplan("B", "2022-06-01"),
      cplan("C", "2022-01-01", "2024-05-30", child="C2")], "2024-05", 2),
])
def test_cin_plans_over_12m(plans: list, month: str, expected: int) -> None:
    data = merge(P, rows("ssd_cin_plans", *plans))
    assert figure(data, "cin_plans_over_12m", month)[0] == expected


def cvisit(vid: str, date: str, child: str = "C1") -> dict:
    return {"cinv_cin_visit_id": vid, "cinv_person_id": child, "cinv_cin_visit_date": date}


@pytest.mark.parametrize(("plans", "visits", "expected"), [
    # 1 Nov 2024 is 20 working days before 30 Nov 2024 (a Saturday): on time
    ([cplan("A", "2024-10-01")], [cvisit("V1", "2024-11-01")], (1, 1)),
    # 31 Oct 2024 is 21
    ([cplan("A", "2024-10-01")], [cvisit("V1", "2024-10-31")], (0, 1)),
    # a plan that started 1 Nov 2024 is exactly 20 working days old: not older than 20
    ([cplan("A", "2024-11-01")], [], (0, 0)),
    # no visit at all; a visit after month end does not count
    ([cplan("A", "2024-10-01")], [cvisit("V1", "2024-12-01")], (0, 1)),
])
def test_cin_visits_on_time(plans: list, visits: list, expected: tuple) -> None:
    data = merge(P, rows("ssd_cin_plans", *plans),
                 rows("ssd_cin_visits", *(visits or [cvisit("VX", "2020-01-01", "C2")])))
    assert figure(data, "cin_visits_on_time_pct", "2024-11")[:2] == expected
