"""Hand-worked cases for section 47 and child protection indicators (KPIS.md)."""

from __future__ import annotations

import pytest

from tests.measures_fixtures import figure, merge, rows

P = rows("ssd_person", {"pers_person_id": "C1", "pers_dob": "2014-06-01"},
         {"pers_person_id": "C2", "pers_dob": "2020-02-29"},
         {"pers_person_id": "C3", "pers_dob": "2020-03-01"})


def s47(sid: str, start: str, child: str = "C1") -> dict:
    return {"s47e_s47_enquiry_id": sid, "s47e_person_id": child, "s47e_s47_start_date": start}


def icpc(cid: str, sid: str | None, date: str, plan: str | None = "Y",
         child: str = "C1") -> dict:
    return {"icpc_icpc_id": cid, "icpc_s47_enquiry_id": sid, "icpc_person_id": child,
            "icpc_cp_plan_id": "x", "icpc_icpc_date": date, "icpc_icpc_outcome_cp_flag": plan}


def plan(pid: str, start: str, end: str | None = None, child: str = "C1",
         previous: int | None = None) -> dict:
    return {"cppl_cp_plan_id": pid, "cppl_person_id": child, "cppl_cp_plan_start_date": start,
            "cppl_cp_plan_end_date": end, "cppl_previous_cp_plans": previous}


def plans(*p: dict, extra: dict | None = None) -> dict:
    return merge(P, rows("ssd_cp_plans", *p), extra or {})


def test_s47_rate_per_10k() -> None:
    data = merge(P, rows("ssd_s47_enquiry", s47("S1", "2023-04-01"), s47("S2", "2024-03-31"),
                         s47("S3", "2023-03-31"), s47("S4", "2023-10-10")))
    # 3 enquiries started 1 Apr 2023 - 31 Mar 2024 over 10,000 children = 3.0
    assert figure(data, "s47_rate_per_10k", "2024-03")[:3] == (3, 10000, 3.0)
    # a month later 1 Apr 2023 has left the window
    assert figure(data, "s47_rate_per_10k", "2024-04")[:3] == (2, 10000, 2.0)
    assert figure(data, "s47_rate_per_10k", "2024-03", population=None)[3] == "not_available"


def conf(pairs: list[tuple[str, str]]) -> dict:
    ss = [s47(f"S{i}", a) for i, (a, _) in enumerate(pairs)]
    cs = [icpc(f"I{i}", f"S{i}", b) for i, (_, b) in enumerate(pairs)]
    return merge(P, rows("ssd_s47_enquiry", *ss), rows("ssd_initial_cp_conference", *cs))


@pytest.mark.parametrize(("data", "month", "expected"), [
    # 10 Jan 2024 is the 15th working day after 15 Dec 2023 (Christmas, Boxing Day, New Year)
    (conf([("2023-12-15", "2024-01-10")]), "2024-01", (1, 1)),
    # 11 Jan 2024 is the 16th
    (conf([("2023-12-15", "2024-01-11")]), "2024-01", (0, 1)),
    # 23 Sep 2022 is the 15th working day after 1 Sep 2022: the state funeral (19 Sep) is
    # not a working day
    (conf([("2022-09-01", "2022-09-23")]), "2022-09", (1, 1)),
    # 17 May 2023 is the 15th after 24 Apr 2023 (May Day and the Coronation, 8 May);
    # 18 May is the 16th
    (conf([("2023-04-24", "2023-05-17"), ("2023-04-24", "2023-05-18")]), "2023-05", (1, 2)),
    # the ICPC date decides the window, not the s47 start
    (conf([("2023-12-15", "2024-01-10")]), "2023-12", (0, 0)),
])
def test_icpc_15wd(data: dict, month: str, expected: tuple) -> None:
    assert figure(data, "icpc_15wd_pct", month, "in_month")[:2] == expected


@pytest.mark.parametrize(("confs", "month", "period", "expected"), [
    # two ICPCs in March 2024, one started a plan
    ([icpc("I1", None, "2024-03-01", "Y"), icpc("I2", None, "2024-03-31", "N")], "2024-03",
     "in_month", (1, 2)),
    # outcome not recorded is not a plan
    ([icpc("I1", None, "2024-03-01", None)], "2024-03", "in_month", (0, 1)),
    # February's ICPC is in the rolling year to March but not in March
    ([icpc("I1", None, "2024-02-29", "Y"), icpc("I2", None, "2024-03-01", "N")], "2024-03",
     "rolling_12m", (1, 2)),
])
def test_icpc_to_plan(confs: list, month: str, period: str, expected: tuple) -> None:
    data = merge(P, rows("ssd_initial_cp_conference", *confs))
    assert figure(data, "icpc_to_plan_pct", month, period)[:2] == expected


@pytest.mark.parametrize(("data", "expected"), [
    # a plan starting on the last day of the month is open at month end
    (plans(plan("A", "2024-03-31")), 1),
    # a plan ending on the month end is still open; one ending the day before is not
    (plans(plan("A", "2023-01-01", "2024-03-31"), plan("B", "2023-01-01", "2024-03-30",
                                                         child="C2")), 1),
    # a child with two open plans counts once
    (plans(plan("A", "2023-01-01"), plan("B", "2024-01-01")), 1),
    # a plan starting after month end is not open
    (plans(plan("A", "2024-04-01")), 0),
])
def test_cp_plans_open(data: dict, expected: int) -> None:
    assert figure(data, "cp_plans_open", "2024-03")[0] == expected


def test_cp_rate_per_10k() -> None:
    data = plans(plan("A", "2023-01-01"), plan("B", "2023-01-01", child="C2"),
                 plan("C", "2023-01-01", "2023-12-31", child="C3"))
    # 2 children on a plan at 31 Mar 2024 over 10,000 = 2.0; 4,000 children = 5.0
    assert figure(data, "cp_rate_per_10k", "2024-03")[:3] == (2, 10000, 2.0)
    assert figure(data, "cp_rate_per_10k", "2024-03", population=4000)[2] == 5.0
    assert figure(data, "cp_rate_per_10k", "2024-03", population=None)[3] == "not_available"


@pytest.mark.parametrize(("period", "expected"), [
    # 1 and 31 March start in March; 29 Feb does not
    ("in_month", 2),
    # the financial year to March 2024 also holds 29 Feb 2024 and 1 Apr 2023
    ("fytd", 4),
    # 31 Mar 2023 is outside both the rolling year and the financial year
    ("rolling_12m", 4),
])
def test_cp_starts(period: str, expected: int) -> None:
    data = plans(plan("A", "2024-03-01"), plan("B", "2024-03-31"), plan("C", "2024-02-29"),
                 plan("D", "2023-04-01"), plan("E", "2023-03-31"))
    assert figure(data, "cp_starts", "2024-03", period)[0] == expected


@pytest.mark.parametrize(("data", "expected"), [
    # an earlier plan in the loaded history (2021) makes the March plan a second plan
    (plans(plan("A", "2021-01-01", "2021-06-01"), plan("B", "2024-03-05")), (1, 1)),
    # no loaded history but NumberOfPreviousCPP = 2
    (plans(plan("B", "2024-03-05", previous=2)), (1, 1)),
    # no history and NumberOfPreviousCPP 0 or missing
    (plans(plan("B", "2024-03-05", previous=0), plan("C", "2024-03-06", child="C2")), (0, 2)),
    # a child with two plans in the window: the first is a first plan, the second is not
    (plans(plan("A", "2024-03-01", "2024-03-10"), plan("B", "2024-03-20")), (1, 2)),
])
def test_cp_second_subsequent(data: dict, expected: tuple) -> None:
    assert figure(data, "cp_second_subsequent_pct", "2024-03", "in_month")[:2] == expected


@pytest.mark.parametrize(("data", "expected"), [
    # earlier plan ended 10 Mar 2022, exactly 2 years before the 10 Mar 2024 start
    (plans(plan("A", "2021-01-01", "2022-03-10"), plan("B", "2024-03-10")), (1, 1)),
    # ended 9 Mar 2022: more than 2 years before
    (plans(plan("A", "2021-01-01", "2022-03-09"), plan("B", "2024-03-10")), (0, 1)),
    # an earlier plan that ended the day the new one started counts; an open one does not
    (plans(plan("A", "2023-01-01", "2024-03-10"), plan("B", "2024-03-10"),
           plan("C", "2023-01-01", child="C2"), plan("D", "2024-03-12", child="C2")), (1, 2)),
    # leap day: 29 Feb 2024 - 2 years = 28 Feb 2022
    (plans(plan("A", "2021-01-01", "2022-02-28"), plan("B", "2024-02-29")), (1, 1)),
])
def test_cp_repeat_within_2y(data: dict, expected: tuple) -> None:
    month = "2024-02" if any(str(r["cppl_cp_plan_start_date"]) == "2024-02-29"
                             for r in data["ssd_cp_plans"]) else "2024-03"
    assert figure(data, "cp_repeat_within_2y_pct", month, "in_month")[:2] == expected


@pytest.mark.parametrize(("data", "month", "expected"), [
    # 1 Jan 2022 -> 31 Dec 2023 is 729 days (counts); -> 30 Dec 2023 is 728 (does not)
    (plans(plan("A", "2022-01-01", "2023-12-31"), plan("B", "2022-01-01", "2023-12-30",
                                                         child="C2")), "2023-12", (1, 2)),
    # leap day start: 29 Feb 2024 -> 27 Feb 2026 is 729 days
    (plans(plan("A", "2024-02-29", "2026-02-27")), "2026-02", (1, 1)),
    # an open plan is not an ended plan
    (plans(plan("A", "2021-01-01")), "2023-12", (0, 0)),
])
def test_cp_ended_2y_plus(data: dict, month: str, expected: tuple) -> None:
    assert figure(data, "cp_ended_2y_plus_pct", month, "in_month")[:2] == expected


@pytest.mark.parametrize(("data", "expected"), [
    # 2 Apr 2022 -> 31 Mar 2024 is 729 days (leap year 2024 in between)
    (plans(plan("A", "2022-04-02")), (1, 1)),
    # 3 Apr 2022 -> 728 days
    (plans(plan("A", "2022-04-03")), (0, 1)),
    # plans, not children: two open plans of one child, one over 2 years
    (plans(plan("A", "2022-01-01"), plan("B", "2024-01-01")), (1, 2)),
])
def test_cp_open_2y_plus(data: dict, expected: tuple) -> None:
    assert figure(data, "cp_open_2y_plus_pct", "2024-03")[:2] == expected


def reviews(*dates_: str, plan_id: str = "A") -> dict:
    return rows("ssd_cp_reviews", *[
        {"cppr_cp_review_id": f"{plan_id}{i}", "cppr_cp_plan_id": plan_id,
         "cppr_person_id": "C1", "cppr_cp_review_date": x} for i, x in enumerate(dates_)])


@pytest.mark.parametrize(("data", "month", "expected"), [
    # start 30 Apr 2024: first review due 30 Jul 2024, none held by 31 Jul -> late
    (plans(plan("A", "2024-04-30"), extra=reviews("2024-08-15")), "2024-07", (0, 1)),
    # held on the due date is on time; next due 30 Jan 2025, after month end
    (plans(plan("A", "2024-04-30"), extra=reviews("2024-07-30")), "2024-07", (1, 1)),
    # start 1 May 2024 is after (31 Jul - 3 months = 30 Apr): not yet in the denominator
    (plans(plan("A", "2024-05-01"), extra=reviews("2024-06-01")), "2024-07", (0, 0)),
    # start 30 Nov 2023: first due 29 Feb 2024 (clamped, leap year); held 29 Feb is on time
    (plans(plan("A", "2023-11-30"), extra=reviews("2024-02-29")), "2024-03", (1, 1)),
    # held 1 Mar 2024 is late
    (plans(plan("A", "2023-11-30"), extra=reviews("2024-03-01")), "2024-03", (0, 1)),
    # on time, then second review due 1 Oct 2023 held 2 Oct: late, though the third is on time
    (plans(plan("A", "2023-01-01"), extra=reviews("2023-04-01", "2023-10-02", "2024-03-01")),
     "2024-03", (0, 1)),
    # every review on time: 1 Apr 2023, 1 Oct 2023 (due 1 Oct), next due 1 Apr 2024
    (plans(plan("A", "2023-01-01"), extra=reviews("2023-04-01", "2023-10-01")), "2024-03",
     (1, 1)),
    # review 30 Sep 2023 + 6 months = 30 Mar 2024, on or before month end, not held -> late
    (plans(plan("A", "2023-06-30"), extra=reviews("2023-09-30")), "2024-03", (0, 1)),
])
def test_cp_reviews_on_time(data: dict, month: str, expected: tuple) -> None:
    assert figure(data, "cp_reviews_on_time_pct", month)[:2] == expected


def visit(vid: str, date: str, seen: str = "Y", alone: str | None = None,
          child: str = "C1", plan_id: str = "A") -> dict:
    return {"cppv_cp_visit_id": vid, "cppv_cp_plan_id": plan_id, "cppv_person_id": child,
            "cppv_cp_visit_date": date, "cppv_cp_visit_seen": seen,
            "cppv_cp_visit_seen_alone": alone}


@pytest.mark.parametrize(("data", "expected"), [
    # 14 Mar 2024 is 10 working days before 31 Mar 2024 (Good Friday, Easter weekend)
    (plans(plan("A", "2024-01-01"), extra=rows("ssd_cp_visits", visit("V", "2024-03-14"))),
     (1, 1)),
    # 13 Mar 2024 is 11
    (plans(plan("A", "2024-01-01"), extra=rows("ssd_cp_visits", visit("V", "2024-03-13"))),
     (0, 1)),
    # a visit where the child was not seen does not count
    (plans(plan("A", "2024-01-01"), extra=rows("ssd_cp_visits",
                                              visit("V", "2024-03-20", seen="N"))), (0, 1)),
    # a plan that started 18 Mar 2024 (8 working days before month end) is not yet due
    (plans(plan("A", "2024-03-18"), extra=rows("ssd_cp_visits", visit("V", "2024-03-10"))),
     (0, 0)),
])
def test_cp_visits_10wd(data: dict, expected: tuple) -> None:
    assert figure(data, "cp_visits_10wd_pct", "2024-03")[:2] == expected


@pytest.mark.parametrize(("vis", "expected"), [
    # born 29 Feb 2020: 4 on 29 Feb 2024, seen alone
    ([visit("V1", "2024-02-29", alone="Y", child="C2")], (1, 1)),
    # born 1 Mar 2020: 3 on 29 Feb 2024, left out; a visit not seen is left out too
    ([visit("V1", "2024-02-29", alone="Y", child="C3"),
      visit("V2", "2024-02-20", seen="N", child="C1")], (0, 0)),
    # seen but not alone; seen alone not recorded
    ([visit("V1", "2024-02-01", alone="N"), visit("V2", "2024-02-02", alone=None),
      visit("V3", "2024-02-03", alone="Y")], (1, 3)),
])
def test_cp_seen_alone(vis: list, expected: tuple) -> None:
    data = merge(P, rows("ssd_cp_visits", *vis))
    assert figure(data, "cp_seen_alone_pct", "2024-02", "in_month")[:2] == expected
