"""Hand-worked cases for the children looked after indicators (KPIS.md)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.measures_fixtures import figure, merge, rows

P = rows("ssd_person", {"pers_person_id": "C1", "pers_dob": "2012-06-01"},
         {"pers_person_id": "C2", "pers_dob": "2021-01-01"},
         {"pers_person_id": "C3", "pers_dob": "2009-01-01"})


def ep(eid: str, start: str, end: str | None = None, rne: str = "S", rec: str | None = None,
       ls: str = "C2", period: str = "P1", place: str = "U6", child: str = "C1") -> dict:
    return {"eid": eid, "start": start, "end": end, "rne": rne, "rec": rec, "ls": ls,
            "period": period, "place": place, "child": child}


def care(*eps: dict, extra: dict[str, Any] | None = None) -> dict:
    e = [{"clae_cla_episode_id": x["eid"], "clae_person_id": x["child"],
          "clae_cla_episode_start_date": x["start"], "clae_cla_episode_ceased_date": x["end"],
          "clae_cla_episode_start_reason": x["rne"], "clae_cla_episode_ceased_reason": x["rec"],
          "clae_legal_status": x["ls"], "clae_cla_id": x["period"],
          "clae_cla_placement_id": "PL" + x["eid"]} for x in eps]
    p = [{"clap_cla_placement_id": "PL" + x["eid"], "clap_cla_id": x["period"],
          "clap_cla_placement_type": x["place"]} for x in eps]
    return merge(P, rows("ssd_cla_episodes", *e), rows("ssd_cla_placement", *p), extra or {})


@pytest.mark.parametrize(("data", "expected"), [
    # a short-break (V3) episode is not looked after; a care order is
    (care(ep("E1", "2024-01-01", ls="V3"), ep("E2", "2024-01-01", child="C2")), 1),
    # an episode ending on the month end is still open; X1 change the same day counts once
    (care(ep("E1", "2024-01-01", "2024-03-31", rec="X1"), ep("E2", "2024-03-31", rne="P")),
     1),
    # ended the day before month end
    (care(ep("E1", "2024-01-01", "2024-03-30", rec="E4A")), 0),
])
def test_cla_open(data: dict, expected: int) -> None:
    assert figure(data, "cla_open", "2024-03")[0] == expected


def test_cla_rate_per_10k() -> None:
    data = care(ep("E1", "2024-01-01"), ep("E2", "2024-01-01", child="C2", period="P2"))
    assert figure(data, "cla_rate_per_10k", "2024-03")[:3] == (2, 10000, 2.0)
    assert figure(data, "cla_rate_per_10k", "2024-03", population=None)[3] == "not_available"


@pytest.mark.parametrize(("data", "expected"), [
    # S on 1 and 31 March; the P (placement move) is not a start
    (care(ep("E1", "2024-03-01", "2024-03-20", rec="X1"), ep("E2", "2024-03-20", rne="P"),
          ep("E3", "2024-03-31", child="C2", period="P2")), 2),
    # a short-break period is ignored
    (care(ep("E1", "2024-03-05", ls="V3")), 0),
    # started 29 Feb 2024 is February
    (care(ep("E1", "2024-02-29")), 0),
])
def test_cla_starts(data: dict, expected: int) -> None:
    assert figure(data, "cla_starts", "2024-03", "in_month")[0] == expected


@pytest.mark.parametrize(("data", "expected"), [
    # ended E4A in March counts; X1 (new episode the same day) does not
    (care(ep("E1", "2024-01-01", "2024-03-10", rec="X1"),
          ep("E2", "2024-03-10", "2024-03-31", rne="P", rec="E4A")), 1),
    # still open
    (care(ep("E1", "2024-01-01")), 0),
    # two children leaving, one by adoption
    (care(ep("E1", "2023-01-01", "2024-03-01", rec="E11"),
          ep("E2", "2023-01-01", "2024-03-02", rec="E13", child="C2", period="P2")), 2),
])
def test_cla_ceased(data: dict, expected: int) -> None:
    assert figure(data, "cla_ceased", "2024-03", "in_month")[0] == expected


@pytest.mark.parametrize(("data", "expected"), [
    # window to 31 Mar 2025 starts 1 Apr 2024: open on that day (1) + P 1 Jun + T 1 Sep = 3
    (care(ep("E1", "2023-01-01", "2024-06-01", rec="X1"),
          ep("E2", "2024-06-01", "2024-09-01", rne="P", rec="X1"),
          ep("E3", "2024-09-01", rne="T", place="U4")), (1, 1)),
    # the T episode is placed for adoption with the current carer (A5): not a move -> 2
    (care(ep("E1", "2023-01-01", "2024-06-01", rec="X1"),
          ep("E2", "2024-06-01", "2024-09-01", rne="P", rec="X1"),
          ep("E3", "2024-09-01", rne="T", place="A5")), (0, 1)),
    # an L (legal status only) episode never begins a placement -> 2
    (care(ep("E1", "2023-01-01", "2024-06-01", rec="X1"),
          ep("E2", "2024-06-01", "2024-09-01", rne="P", rec="X1"),
          ep("E3", "2024-09-01", rne="L")), (0, 1)),
    # S on the window's first day is open on it (1) and begins in it (1), + P = 3, as
    # the definition reads
    (care(ep("E1", "2024-04-01", "2024-06-01", rec="X1"), ep("E2", "2024-06-01", rne="P")),
     (1, 1)),
])
def test_cla_3plus_placements(data: dict, expected: tuple) -> None:
    assert figure(data, "cla_3plus_placements_pct", "2025-03")[:2] == expected


@pytest.mark.parametrize(("data", "expected"), [
    # month end 31 Mar 2025: period from 30 Sep 2022 (= month end - 30 months) and the
    # placement from then (before 31 Mar 2023 = month end - 2 years)
    (care(ep("E1", "2022-09-30")), (1, 1)),
    # period started 1 Oct 2022: not yet 30 months
    (care(ep("E1", "2022-10-01")), (0, 0)),
    # moved 1 Apr 2023 (after month end - 2 years): not stable; moved 31 Mar 2023: stable
    (care(ep("E1", "2022-01-01", "2023-04-01", rec="X1"), ep("E2", "2023-04-01", rne="P"),
          ep("F1", "2022-01-01", "2023-03-31", rec="X1", child="C2", period="P2"),
          ep("F2", "2023-03-31", rne="B", child="C2", period="P2")), (1, 2)),
    # latest placement is an adoption placement (A6): use the placement before it
    (care(ep("E1", "2022-01-01", "2025-01-01", rec="X1"),
          ep("E2", "2025-01-01", rne="P", place="A6", ls="E1")), (1, 1)),
    # aged 16 at month end (born 1 Jan 2009): left out
    (care(ep("E1", "2020-01-01", child="C3")), (0, 0)),
])
def test_cla_long_term_stability(data: dict, expected: tuple) -> None:
    assert figure(data, "cla_long_term_stability_pct", "2025-03")[:2] == expected


def reviews(*dates_: str, cancelled: str | None = None) -> dict:
    return rows("ssd_cla_reviews", *[
        {"clar_cla_review_id": f"LR{i}", "clar_cla_id": "P1", "clar_cla_review_date": x,
         "clar_cla_review_cancelled": cancelled} for i, x in enumerate(dates_)])


@pytest.mark.parametrize(("data", "month", "expected"), [
    # start 2 Dec 2024: first review due 2 Jan 2025 (20th working day, over Christmas);
    # held that day: on time
    (care(ep("E1", "2024-12-02"), extra=reviews("2025-01-02")), "2025-01", (1, 1)),
    # held 3 Jan: late
    (care(ep("E1", "2024-12-02"), extra=reviews("2025-01-03")), "2025-01", (0, 1)),
    # second due 3 Apr 2025 (3 months after the late 3 Jan review); held 3 Apr: on time
    (care(ep("E1", "2024-12-02"), extra=reviews("2025-01-03", "2025-04-03")), "2025-04",
     (1, 1)),
    # third due 3 Oct 2025 (6 months after 3 Apr) and never held: late
    (care(ep("E1", "2024-12-02"), extra=reviews("2025-01-03", "2025-04-03")), "2025-10",
     (0, 1)),
    # period ended 20 Dec 2024, before the first due date: nothing due
    (care(ep("E1", "2024-12-02", "2024-12-20", rec="E4A"), extra=reviews("2024-12-10")),
     "2025-01", (0, 0)),
    # a cancelled review is not a review: the due date counts late
    (care(ep("E1", "2024-12-02"), extra=reviews("2024-12-20", cancelled="Y")), "2025-01",
     (0, 1)),
    # first review 30 Nov 2023 -> second due 29 Feb 2024 (leap day, clamped)
    (care(ep("E1", "2023-11-01"), extra=reviews("2023-11-30", "2024-02-29")), "2024-02",
     (1, 1)),
])
def test_cla_reviews_on_time(data: dict, month: str, expected: tuple) -> None:
    assert figure(data, "cla_reviews_on_time_pct", month, "in_month")[:2] == expected


def visits(*dates_: str, child: str = "C1") -> dict:
    return rows("ssd_cla_visits", *[
        {"clav_cla_visit_id": f"V{child}{i}", "clav_cla_id": "P1", "clav_person_id": child,
         "clav_cla_visit_date": x} for i, x in enumerate(dates_)])


@pytest.mark.parametrize(("data", "expected"), [
    # in care from 18 Feb 2024 (42 days to 31 Mar 2024); visited 18 Feb, 42 days before
    (care(ep("E1", "2024-02-18"), extra=visits("2024-02-18")), (1, 1)),
    # visited 17 Feb: 43 days
    (care(ep("E1", "2024-01-01"), extra=visits("2024-02-17")), (0, 1)),
    # in care from 19 Feb: under 6 weeks, left out
    (care(ep("E1", "2024-02-19"), extra=visits("2024-03-01")), (0, 0)),
])
def test_cla_visits_on_time(data: dict, expected: tuple) -> None:
    assert figure(data, "cla_visits_on_time_pct", "2024-03")[:2] == expected


def health(*items: tuple[str, str, str], child: str = "C1") -> dict:
    return rows("ssd_cla_health", *[
        {"clah_health_check_id": f"H{child}{i}", "clah_person_id": child,
         "clah_health_check_type": t, "clah_health_check_date": x,
         "clah_health_check_status": s} for i, (t, x, s) in enumerate(items)])


@pytest.mark.parametrize(("data", "month", "period", "expected"), [
    # start 2 Dec 2024, IHA 2 Jan 2025 = 20th working day: on time (rolling year to Jan)
    (care(ep("E1", "2024-12-02"), extra=health(("IHA", "2025-01-02", "Completed"))),
     "2025-01", "rolling_12m", (1, 1)),
    # IHA 3 Jan 2025: 21st working day
    (care(ep("E1", "2024-12-02"), extra=health(("IHA", "2025-01-03", "Completed"))),
     "2025-01", "rolling_12m", (0, 1)),
    # at 31 Dec 2024 the period has lasted 19 working days: not yet in the denominator
    (care(ep("E1", "2024-12-02"), extra=health(("IHA", "2024-12-10", "Completed"))),
     "2024-12", "in_month", (0, 0)),
    # ended after 14 working days (20 Dec): never lasted 20
    (care(ep("E1", "2024-12-02", "2024-12-20", rec="E4A"),
          extra=health(("IHA", "2024-12-10", "Completed"))), "2025-01", "rolling_12m", (0, 0)),
])
def test_iha_20wd(data: dict, month: str, period: str, expected: tuple) -> None:
    assert figure(data, "iha_20wd_pct", month, period)[:2] == expected


@pytest.mark.parametrize(("data", "expected"), [
    # month end 31 Mar 2025, in care since 2023: assessment 1 Apr 2024 is in the last 12
    # months; 31 Mar 2024 is not
    (care(ep("E1", "2023-01-01"), ep("F1", "2023-01-01", child="C3", period="P3"),
          extra=merge(health(("HEALTH_ASSESSMENT", "2024-04-01", "Completed")),
                      health(("HEALTH_ASSESSMENT", "2024-03-31", "Completed"), child="C3"))),
     (1, 2)),
    # under 5 (born 1 Jan 2021): 6 months: 30 Sep 2024 is too old, 1 Oct 2024 is fine
    (care(ep("E1", "2023-01-01", child="C2"),
          extra=health(("HEALTH_ASSESSMENT", "2024-09-30", "Completed"), child="C2")), (0, 1)),
    (care(ep("E1", "2023-01-01", child="C2"),
          extra=health(("IHA", "2024-10-01", "Completed"), child="C2")), (1, 1)),
    # in care from 1 Apr 2024: not yet 12 months; a planned check does not count
    (care(ep("E1", "2024-04-01"), ep("F1", "2023-01-01", child="C3", period="P3"),
          extra=health(("HEALTH_ASSESSMENT", "2025-01-01", "Planned"), child="C3")), (0, 1)),
])
def test_cla_health_assessment(data: dict, expected: tuple) -> None:
    assert figure(data, "cla_health_assessment_pct", "2025-03")[:2] == expected


@pytest.mark.parametrize(("data", "expected"), [
    # dental 1 Apr 2024 is within 12 months of 31 Mar 2025 even for an under-5
    (care(ep("E1", "2023-01-01", child="C2"),
          extra=health(("DENTAL", "2024-04-01", "Completed"), child="C2")), (1, 1)),
    # 31 Mar 2024 is not; a health assessment is not a dental check
    (care(ep("E1", "2023-01-01"), extra=health(("DENTAL", "2024-03-31", "Completed"),
                                               ("HEALTH_ASSESSMENT", "2025-01-01", None))),
     (0, 1)),
    # status not recorded counts as done
    (care(ep("E1", "2023-01-01"), extra=health(("DENTAL", "2025-03-31", None))), (1, 1)),
])
def test_cla_dental(data: dict, expected: tuple) -> None:
    assert figure(data, "cla_dental_pct", "2025-03")[:2] == expected


def peps(*items: tuple[str, str]) -> dict:
    return rows("lantern_pep_reviews", *[
        {"pepr_pep_review_id": f"PE{i}", "pepr_person_id": c, "pepr_pep_review_date": x}
        for i, (c, x) in enumerate(items)])


@pytest.mark.parametrize(("dobs", "pep", "expected"), [
    # 29 Nov 2024 is 122 days before 31 Mar 2025: current
    ("2012-06-01", "2024-11-29", (1, 1)),
    # 28 Nov 2024 is 123 days
    ("2012-06-01", "2024-11-28", (0, 1)),
    # born 31 Aug 2019: 5 on 31 Aug 2024, compulsory school age this school year
    ("2019-08-31", "2025-01-10", (1, 1)),
    # born 1 Sep 2019: 4 on 31 Aug 2024, not yet of compulsory school age
    ("2019-09-01", "2025-01-10", (0, 0)),
])
def test_pep_current(dobs: str, pep: str, expected: tuple) -> None:
    data = care(ep("E1", "2023-01-01", child="K"), extra=merge(
        rows("ssd_person", {"pers_person_id": "K", "pers_dob": dobs}), peps(("K", pep))))
    assert figure(data, "pep_current_pct", "2025-03")[:2] == expected


def missing(*items: tuple[str, str, str | None, str], rhi: str | None = None) -> dict:
    return rows("ssd_missing", *[
        {"miss_table_id": f"M{i}", "miss_person_id": c, "miss_missing_episode_start_date": s,
         "miss_missing_episode_end_date": e, "miss_missing_episode_type": t,
         "miss_rhi_completed_date": rhi} for i, (c, s, e, t) in enumerate(items)])


@pytest.mark.parametrize(("data", "period", "expected"), [
    # June 2024: C1 missing 1 Jun (M); C2 only away (A); C3's care ended 31 May: not counted
    (care(ep("E1", "2024-01-01"), ep("F1", "2024-01-01", child="C2", period="P2"),
          ep("G1", "2024-01-01", "2024-05-31", rec="E4A", child="C3", period="P3"),
          extra=missing(("C1", "2024-06-01", "2024-06-02", "M"),
                        ("C2", "2024-06-03", "2024-06-04", "A"),
                        ("C3", "2024-06-05", None, "M"))), "in_month", (1, 2)),
    # rolling year to June 2024 starts 1 Jul 2023: C3 (in care to 31 May) is in it and
    # so is C2's missing episode of 1 Jul 2023
    (care(ep("E1", "2024-01-01"), ep("F1", "2023-01-01", child="C2", period="P2"),
          ep("G1", "2024-01-01", "2024-05-31", rec="E4A", child="C3", period="P3"),
          extra=missing(("C2", "2023-07-01", "2023-07-02", "M"),
                        ("C1", "2023-06-30", "2023-07-02", "M"))), "rolling_12m", (1, 3)),
    # two missing episodes of one child count once
    (care(ep("E1", "2024-01-01"),
          extra=missing(("C1", "2024-06-01", None, "M"), ("C1", "2024-06-10", None, "M"))),
     "in_month", (1, 1)),
])
def test_cla_missing(data: dict, period: str, expected: tuple) -> None:
    assert figure(data, "cla_missing_pct", "2024-06", period)[:2] == expected


@pytest.mark.parametrize(("rhi", "expected"), [
    # returned 1 Mar 2024: RHI 4 Mar is 3 days later (72 hours)
    ("2024-03-04", (1, 1)),
    # 5 Mar is 4 days
    ("2024-03-05", (0, 1)),
    # no RHI recorded
    (None, (0, 1)),
])
def test_rhi_72h(rhi: str | None, expected: tuple) -> None:
    data = merge(P, missing(("C1", "2024-02-28", "2024-03-01", "A"), rhi=rhi))
    assert figure(data, "rhi_72h_pct", "2024-03", "in_month")[:2] == expected


@pytest.mark.parametrize(("data", "expected"), [
    # previous period ended 15 May 2023; new period 15 May 2024: exactly 12 months
    (care(ep("E1", "2023-01-01", "2023-05-15", rec="E4A"),
          ep("E2", "2024-05-15", period="P2")), (1, 1)),
    # ended 14 May 2023: more than 12 months before
    (care(ep("E1", "2023-01-01", "2023-05-14", rec="E4A"),
          ep("E2", "2024-05-15", period="P2")), (0, 1)),
    # first period of care; a period of another child does not count
    (care(ep("E1", "2024-05-02"),
          ep("F1", "2024-01-01", "2024-05-01", rec="E4A", child="C2", period="P2")), (0, 1)),
])
def test_cla_reentry_12m(data: dict, expected: tuple) -> None:
    assert figure(data, "cla_reentry_12m_pct", "2024-05", "in_month")[:2] == expected


@pytest.mark.parametrize(("data", "expected"), [
    # long-term foster (U4) counts; short-term (U6) does not; a children's home is left out
    (care(ep("E1", "2023-01-01", place="U4"),
          ep("F1", "2023-01-01", place="U6", child="C2", period="P2"),
          ep("G1", "2023-01-01", place="K2", child="C3", period="P3")), (1, 2)),
    # moved on the month end from U6 to U1: the current episode is the later one
    (care(ep("E1", "2023-01-01", "2024-03-31", rec="X1", place="U6"),
          ep("E2", "2024-03-31", rne="P", place="U1")), (1, 1)),
    # a V3 short break in foster care is ignored
    (care(ep("E1", "2023-01-01", place="U4", ls="V3")), (0, 0)),
])
def test_long_term_matched(data: dict, expected: tuple) -> None:
    assert figure(data, "long_term_matched_pct", "2024-03")[:2] == expected


def sw(child: str, *spells: tuple[str, str, str | None]) -> dict:
    return rows("ssd_involvements", *[
        {"invo_involvements_id": f"I{child}{i}", "invo_person_id": child,
         "invo_professional_id": w, "invo_professional_role_id": "SW",
         "invo_involvement_start_date": s, "invo_involvement_end_date": e}
        for i, (w, s, e) in enumerate(spells)])


THREE = (("W1", "2023-01-01", "2024-06-30"), ("W2", "2024-07-01", "2024-12-31"),
         ("W3", "2025-01-01", None))


@pytest.mark.parametrize(("data", "expected"), [
    # in care since 2023, three workers in the year from 1 Apr 2024
    (care(ep("E1", "2023-01-01"), extra=sw("C1", *THREE)), (1, 1)),
    # the first worker's spell ended 31 Mar 2024, before the window: 2 workers
    (care(ep("E1", "2023-01-01"), extra=sw("C1", ("W1", "2023-01-01", "2024-03-31"),
                                         *THREE[1:])), (0, 1)),
    # CIN closed 10 Jun 2024, CP plan from 11 Jun: open the whole year (joined spells)
    (merge(P, rows("ssd_cin_episodes", {"cine_referral_id": "R", "cine_person_id": "C1",
                                         "cine_referral_date": "2024-01-01",
                                         "cine_close_date": "2024-06-10"}),
           rows("ssd_cp_plans", {"cppl_cp_plan_id": "CP", "cppl_person_id": "C1",
                                 "cppl_cp_plan_start_date": "2024-06-11"}),
           sw("C1", *THREE)), (1, 1)),
    # referred 2 Apr 2024: not open for the whole year
    (merge(P, rows("ssd_cin_episodes", {"cine_referral_id": "R", "cine_person_id": "C1",
                                         "cine_referral_date": "2024-04-02"}),
           sw("C1", *THREE)), (0, 0)),
])
def test_sw_changes_3plus(data: dict, expected: tuple) -> None:
    assert figure(data, "sw_changes_3plus_pct", "2025-03")[:2] == expected
