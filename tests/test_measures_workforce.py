"""Hand-worked cases for the workforce indicators (KPIS.md "Thematic": social workers,
in post, case holders, FTE). Month end 31 March 2024 unless said; Good Friday 29 March
and Easter Monday 1 April do not matter here (workforce dates are calendar days)."""

from __future__ import annotations

from typing import Any

import pytest

from lantern.measures.drill import children, columns
from tests.measures_fixtures import figure, merge, rows, warehouse

TEAMS = rows("ssd_department",
             {"dept_team_id": "S1", "dept_team_name": "Safeguarding"},
             {"dept_team_id": "T1", "dept_team_name": "Team 1", "dept_team_parent_id": "S1"},
             {"dept_team_id": "T2", "dept_team_name": "Team 2", "dept_team_parent_id": "S1"})


def worker(wid: str, title: str = "Social Worker", team: str = "T1", fte: float | None = 1.0,
           agency: str = "N", start: str | None = "2020-01-01", end: str | None = None) -> dict:
    return {"prof_professional_id": wid, "prof_professional_name": f"Name {wid}",
            "prof_professional_job_title": title, "prof_professional_department": team,
            "prof_full_time_equivalency": fte, "prof_agency_worker_flag": agency,
            "prof_start_date": start, "prof_end_date": end}


def case(iid: str, wid: str, child: str, start: str = "2024-01-01", end: str | None = None,
         role: str = "SW", team: str = "T1") -> dict:
    return {"invo_involvements_id": iid, "invo_professional_id": wid, "invo_person_id": child,
            "invo_professional_role_id": role, "invo_professional_team": team,
            "invo_involvement_start_date": start, "invo_involvement_end_date": end}


def staff(*workers: dict, cases: tuple[dict, ...] = (), **extra: Any) -> dict:
    parts = [TEAMS, rows("ssd_professionals", *workers)]
    if cases:
        parts.append(rows("ssd_involvements", *cases))
    for table, items in extra.items():
        parts.append(rows(table, *items))
    return merge(*parts)


def loads(wid: str, n: int, first: int = 0, **kw: Any) -> tuple[dict, ...]:
    return tuple(case(f"{wid}-{k}", wid, f"C{wid}{k}", **kw) for k in range(first, first + n))


# ----------------------------------------------------------------------- caseload average


def test_caseload_average_is_per_fte() -> None:
    # W1 (1.0 FTE) holds 3 children, W2 (senior, 0.5 FTE) 2: 5 children over 1.5 FTE
    data = staff(worker("W1"), worker("W2", "Senior Social Worker", fte=0.5),
                 cases=loads("W1", 3) + loads("W2", 2))
    num, den, value, status = figure(data, "sw_caseload_avg", "2024-03")
    assert (num, den, status) == (5, 1.5, "ok") and value == pytest.approx(5 / 1.5)


def test_caseload_counts_involvements_open_at_month_end_only() -> None:
    # ending on month end: still held; ended the day before, or starting the day after: not;
    # the same child on two involvements with W1 counts once
    data = staff(worker("W1"), cases=(
        case("I1", "W1", "C1", end="2024-03-31"), case("I2", "W1", "C2", end="2024-03-30"),
        case("I3", "W1", "C3", start="2024-04-01"), case("I4", "W1", "C4"),
        case("I5", "W1", "C4", start="2024-02-01")))
    assert figure(data, "sw_caseload_avg", "2024-03")[:3] == (2, 1.0, 2.0)


def test_caseload_only_social_workers_in_post() -> None:
    # a personal adviser (title and PA role) is not a social worker; W2 left on month end
    # (still in post that day), W3 the day before (not a case holder); FTE empty = 1.0
    data = staff(worker("W1", fte=None), worker("PA1", "Personal Adviser"),
                 worker("W2", end="2024-03-31"), worker("W3", end="2024-03-30"),
                 cases=(case("I1", "W1", "C1"), case("I2", "PA1", "C2"),
                        case("I3", "W1", "C3", role="PA"), case("I4", "W2", "C4"),
                        case("I5", "W3", "C5")))
    assert figure(data, "sw_caseload_avg", "2024-03")[:3] == (2, 2.0, 1.0)


def test_social_work_titles_are_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    data = staff(worker("W1"), worker("PL1", "Practice Lead"),
                 cases=(case("I1", "W1", "C1"), case("I2", "PL1", "C2"), case("I3", "PL1", "C3")))
    assert figure(data, "sw_caseload_avg", "2024-03")[:2] == (1, 1.0)
    monkeypatch.setenv("LANTERN_SOCIAL_WORK_TITLES", '["Social Worker", "practice lead "]')
    assert figure(data, "sw_caseload_avg", "2024-03")[:2] == (3, 2.0)


def test_workers_break_down_by_their_own_team() -> None:
    # W1 is in team T1 although the involvement records team T2: the worker's team counts
    data = staff(worker("W1"), worker("W2", team="T2"),
                 cases=(case("I1", "W1", "C1", team="T2"), case("I2", "W2", "C2"),
                        case("I3", "W2", "C3")))
    assert figure(data, "sw_caseload_avg", "2024-03", breakdown="team", value="T1")[:3] == (
        1, 1.0, 1.0)
    assert figure(data, "sw_caseload_avg", "2024-03", breakdown="team", value="T2")[:3] == (
        2, 1.0, 2.0)
    assert figure(data, "sw_caseload_avg", "2024-03", breakdown="service", value="S1")[:2] == (
        3, 2.0)
    # no child breakdowns for workers
    assert figure(data, "sw_caseload_avg", "2024-03", breakdown="age_band")[3] == "absent"


def test_drill_down_lists_workers_not_children() -> None:
    data = staff(worker("W1", fte=0.8, agency="Y"), cases=loads("W1", 2))
    [row] = children(warehouse(data), "sw_caseload_avg", "2024-03")
    assert "child_id" not in columns("sw_caseload_avg")
    assert {k: row[k] for k in ("subject_id", "worker_name", "team", "service", "caseload",
                                "fte", "agency", "weight")} == {
        "subject_id": "W1", "worker_name": "Name W1", "team": "T1", "service": "S1",
        "caseload": 2, "fte": 0.8, "agency": True, "weight": 0.8}


# ----------------------------------------------------------------------- over the limit


def test_over_limit_is_more_than_20() -> None:
    # 21 children is over the limit; exactly 20 is not; 1 child is a case holder too
    data = staff(worker("W1"), worker("W2"), worker("W3"),
                 cases=loads("W1", 21) + loads("W2", 20) + loads("W3", 1))
    num, den, value, _ = figure(data, "sw_caseload_over_limit_pct", "2024-03")
    assert (num, den) == (1, 3) and value == pytest.approx(100 / 3)


def test_over_limit_counts_the_month_end_caseload() -> None:
    # W1 had 21 until one involvement ended on 30 March: 20 at month end, not over;
    # W2 reaches 21 with an involvement starting on month end: over
    data = staff(worker("W1"), worker("W2"),
                 cases=(*loads("W1", 20), case("X1", "W1", "CX1", end="2024-03-30"),
                        *loads("W2", 20), case("X2", "W2", "CX2", start="2024-03-31")))
    assert figure(data, "sw_caseload_over_limit_pct", "2024-03")[:2] == (1, 2)


def test_over_limit_counts_workers_not_fte() -> None:
    # a 0.5 FTE worker over the limit counts as one of two case holders (not by FTE)
    data = staff(worker("W1", fte=0.5), worker("W2"), cases=loads("W1", 25) + loads("W2", 3))
    assert figure(data, "sw_caseload_over_limit_pct", "2024-03")[:3] == (1, 2, 50.0)


# ----------------------------------------------------------------------- agency


def test_agency_share_is_of_fte() -> None:
    # agency 0.5 + agency (FTE empty = 1.0) over 0.5 + 1.0 + 1.0 employed = 1.5 / 2.5
    data = staff(worker("W1", fte=0.5, agency="Y"), worker("W2", fte=None, agency="y"),
                 worker("W3"))
    assert figure(data, "sw_agency_pct", "2024-03")[:3] == (1.5, 2.5, 60.0)


def test_agency_counts_social_workers_in_post_with_or_without_cases() -> None:
    # W2 (agency) left on month end: in post; W3 (agency) left the day before: not;
    # a personal adviser and a worker starting on 1 April are not counted
    data = staff(worker("W1"), worker("W2", agency="Y", end="2024-03-31"),
                 worker("W3", agency="Y", end="2024-03-30"),
                 worker("PA1", "Personal Adviser", agency="Y"),
                 worker("W4", agency="Y", start="2024-04-01"))
    assert figure(data, "sw_agency_pct", "2024-03")[:3] == (1.0, 2.0, 50.0)


def test_agency_without_professionals_is_not_available() -> None:
    assert figure(merge(TEAMS), "sw_agency_pct", "2024-03")[3] == "not_available"


# ----------------------------------------------------------------------- turnover


def test_turnover_rolling_12_months() -> None:
    # window 1 Apr 2023 - 31 Mar 2024. Leavers: W2 on 1 Apr 2023 (first day), W3 on
    # 31 Mar 2024 (last day: still in post, so in the denominator too). Not: W4 left
    # 31 Mar 2023 (before the window), W5 agency. In post at the end: W1, W3, W6 (0.5).
    data = staff(worker("W1"), worker("W2", end="2023-04-01"), worker("W3", end="2024-03-31"),
                 worker("W4", end="2023-03-31"), worker("W5", agency="Y", end="2023-06-01"),
                 worker("W6", fte=0.5))
    num, den, value, _ = figure(data, "sw_turnover_pct", "2024-03", "rolling_12m")
    assert (num, den) == (2.0, 2.5) and value == pytest.approx(80.0)


def test_turnover_in_month_and_year_to_date() -> None:
    # W2 left 29 Feb 2024 (leap day, February's last): in February's numerator and, in
    # post that day, its denominator (W1, W2, W3); not in March's. Both in the FYTD.
    data = staff(worker("W1"), worker("W2", end="2024-02-29"), worker("W3", end="2024-03-01"))
    assert figure(data, "sw_turnover_pct", "2024-02", "in_month")[:2] == (1.0, 3.0)
    assert figure(data, "sw_turnover_pct", "2024-03", "in_month")[:2] == (1.0, 1.0)
    assert figure(data, "sw_turnover_pct", "2024-03", "fytd")[:2] == (2.0, 1.0)


def test_turnover_is_by_fte_of_leavers() -> None:
    # a 0.6 FTE leaver over 1.0 + 0.5 FTE in post at the window's end
    data = staff(worker("W1"), worker("W2", fte=0.5), worker("W3", fte=0.6, end="2023-10-15"))
    num, den, value, _ = figure(data, "sw_turnover_pct", "2024-03", "rolling_12m")
    assert (num, den) == (0.6, 1.5) and value == pytest.approx(40.0)


# ----------------------------------------------------------------------- vacancies


def establishment(eid: str, team: str, fte: float, since: str) -> dict:
    return {"estb_establishment_id": eid, "estb_team_id": team, "estb_fte": fte,
            "estb_effective_from": since}


def test_vacancies_per_team_never_negative() -> None:
    # T1: 3.0 funded, 2.5 employed in post (the agency worker fills no post) -> 0.5 vacant;
    # T2: 2.0 funded, 3.0 employed -> 0 (not -1). 0.5 / 5.0 = 10 %
    data = staff(worker("W1"), worker("W2", fte=1.5), worker("A1", agency="Y"),
                 worker("W3", team="T2"), worker("W4", team="T2", fte=2.0),
                 lantern_establishment=[establishment("E1", "T1", 3.0, "2023-04-01"),
                                        establishment("E2", "T2", 2.0, "2023-04-01")])
    assert figure(data, "sw_vacancy_pct", "2024-03")[:3] == (0.5, 5.0, 10.0)
    assert figure(data, "sw_vacancy_pct", "2024-03", breakdown="team", value="T2")[:3] == (
        0.0, 2.0, 0.0)


def test_vacancies_use_the_establishment_in_force_at_month_end() -> None:
    # T1's 4.0 applies from 31 March (month end itself); the 6.0 from 1 April does not;
    # W2 left on 30 March so is not in post: 4.0 - 1.0 = 3.0 vacant
    data = staff(worker("W1"), worker("W2", end="2024-03-30"),
                 lantern_establishment=[establishment("E1", "T1", 2.0, "2023-04-01"),
                                        establishment("E2", "T1", 4.0, "2024-03-31"),
                                        establishment("E3", "T1", 6.0, "2024-04-01")])
    assert figure(data, "sw_vacancy_pct", "2024-03")[:3] == (3.0, 4.0, 75.0)
    assert figure(data, "sw_vacancy_pct", "2024-02")[:3] == (0.0, 2.0, 0.0)


def test_vacancy_drill_down_lists_teams() -> None:
    # a team's row: its establishment, the FTE filling it and the vacancy; no child columns,
    # and no child among the rows to access-log or to list behind the figure
    from lantern.measures.drill import child_ids

    data = staff(worker("W1", fte=0.6),
                 lantern_establishment=[establishment("E1", "T1", 2.0, "2023-04-01")])
    [row] = children(warehouse(data), "sw_vacancy_pct", "2024-03")
    assert not set(columns("sw_vacancy_pct")) & {"child_id", "worker", "age_band", "sex"}
    assert (row["subject_id"], row["team"], row["service"], row["weight"]) == (
        "T1", "T1", "S1", 2.0)
    assert row["reason"] == ("establishment 2.0 FTE, 0.6 FTE employed social workers in "
                             "post: 1.4 FTE vacant")
    assert child_ids([row]) == []


def test_vacancies_without_establishment_are_not_available() -> None:
    data = staff(worker("W1"))
    rows_ = figure(data, "sw_vacancy_pct", "2024-03")
    assert rows_[3] == "not_available" and rows_[2] is None
    from lantern.measures.engine import compute
    [r] = compute(warehouse(data), ["2024-03"], kpis=["sw_vacancy_pct"])
    assert r.reason == "no establishment loaded"


# ----------------------------------------------------------------------- supervision


def supervision(sid: str, wid: str, on: str) -> dict:
    return {"supv_supervision_id": sid, "supv_professional_id": wid, "supv_supervision_date": on}


def test_supervision_exactly_42_days_before_is_on_time() -> None:
    # 31 Mar 2024 - 42 days = 18 Feb 2024: W1 supervised that day is on time, W2 on
    # 17 Feb is late; W3's supervision on 1 April is after month end and W3's last before
    # it is 1 Jan: late
    data = staff(worker("W1"), worker("W2"), worker("W3"),
                 cases=loads("W1", 1) + loads("W2", 1) + loads("W3", 1),
                 lantern_supervisions=[supervision("S1", "W1", "2024-02-18"),
                                       supervision("S2", "W2", "2024-02-17"),
                                       supervision("S3", "W3", "2024-04-01"),
                                       supervision("S4", "W3", "2024-01-01")])
    num, den, value, _ = figure(data, "supervision_on_time_pct", "2024-03")
    assert (num, den) == (1, 3) and value == pytest.approx(100 / 3)


def test_supervision_new_starters_are_on_time() -> None:
    # W1 started 18 Feb (42 days before) with no supervision: on time; W2 started
    # 17 Feb: late; W3 holds no case: not in the population
    data = staff(worker("W1", start="2024-02-18"), worker("W2", start="2024-02-17"),
                 worker("W3"), cases=loads("W1", 1, start="2024-03-01")
                 + loads("W2", 1, start="2024-03-01"),
                 lantern_supervisions=[supervision("S1", "W3", "2024-03-01")])
    assert figure(data, "supervision_on_time_pct", "2024-03")[:2] == (1, 2)


def test_supervision_uses_the_latest_and_needs_the_table() -> None:
    # the latest supervision decides (an older late one does not count against W1)
    data = staff(worker("W1"), cases=loads("W1", 1),
                 lantern_supervisions=[supervision("S1", "W1", "2023-06-01"),
                                       supervision("S2", "W1", "2024-03-29")])
    assert figure(data, "supervision_on_time_pct", "2024-03")[:3] == (1, 1, 100.0)
    from lantern.measures.engine import compute
    [r] = compute(warehouse(staff(worker("W1"), cases=loads("W1", 1))), ["2024-03"],
                  kpis=["supervision_on_time_pct"])
    assert (r.status, r.reason) == ("not_available", "no supervisions loaded")


# ----------------------------------------------------------------------- benchmarks


@pytest.mark.parametrize("kpi", ["sw_caseload_avg", "sw_agency_pct", "sw_turnover_pct",
                                 "sw_vacancy_pct"])
def test_workforce_benchmarks_from_the_workforce_census(kpi: str) -> None:
    # DfE's workforce census (Work_Force_*) counts at 30 September: Torbay (880) against
    # England and its ten statistical neighbours, compared as published (not as a rate)
    from lantern.measures.benchmarks import benchmark

    b = benchmark(kpi, "880")
    assert b["available"] and b["lait"].startswith("Work_Force_")
    assert b["year_ending"].endswith("-09-30") and b["compared_as"] == "value"
    assert b["england"] is not None and b["neighbours_count"] >= 8
