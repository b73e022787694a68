"""Hand-worked cases for the front door and assessment indicators (KPIS.md)."""

from __future__ import annotations

import pytest

from tests.measures_fixtures import figure, merge, rows

P = rows("ssd_person", {"pers_person_id": "C1", "pers_dob": "2014-06-01"},
         {"pers_person_id": "C2", "pers_dob": "2010-01-01"})


def ref(rid: str, date: str, child: str = "C1", nfa: str | None = "N") -> dict:
    return {"cine_referral_id": rid, "cine_person_id": child, "cine_referral_date": date,
            "cine_referral_nfa": nfa}


def refs(*r: dict) -> dict:
    return merge(P, rows("ssd_cin_episodes", *r))


@pytest.mark.parametrize(("data", "month", "period", "expected"), [
    # both days of March count in March; 29 Feb (leap day) is February
    (refs(ref("R1", "2024-03-01"), ref("R2", "2024-03-31"), ref("R3", "2024-02-29")),
     "2024-03", "in_month", 2),
    # rolling 12 months to 31 Mar 2024 starts 1 Apr 2023: 31 Mar 2023 is out
    (refs(ref("R1", "2023-04-01"), ref("R2", "2023-03-31"), ref("R3", "2024-03-31")),
     "2024-03", "rolling_12m", 2),
    # fytd for April 2024 starts 1 Apr 2024: 31 Mar 2024 belongs to the previous year
    (refs(ref("R1", "2024-03-31"), ref("R2", "2024-04-01")), "2024-04", "fytd", 1),
    # fytd for March 2024 is the whole DfE year 1 Apr 2023 - 31 Mar 2024
    (refs(ref("R1", "2023-04-01"), ref("R2", "2024-03-31"), ref("R3", "2023-03-31")),
     "2024-03", "fytd", 2),
])
def test_referrals(data: dict, month: str, period: str, expected: int) -> None:
    assert figure(data, "referrals", month, period)[0] == expected


def test_referral_rate_per_10k() -> None:
    data = refs(ref("R1", "2023-05-01"), ref("R2", "2024-01-01"), ref("R3", "2022-01-01"))
    # 2 referrals in the 12 months to Mar 2024 over 20,000 children = 1.0 per 10,000
    assert figure(data, "referral_rate_per_10k", "2024-03", population=20000)[:3] == (
        2, 20000, 1.0)
    # 25,400 children (the demo authority): 2 / 25,400 * 10,000
    assert figure(data, "referral_rate_per_10k", "2024-03", population=25400)[2] == (
        pytest.approx(20000 / 25400))
    # no population configured: not available, never 0
    assert figure(data, "referral_rate_per_10k", "2024-03", population=None)[3] == (
        "not_available")


@pytest.mark.parametrize(("data", "month", "expected"), [
    # exactly 12 months earlier (15 May 2023) is "on or after (date - 12 months)"
    (refs(ref("R1", "2023-05-15"), ref("R2", "2024-05-15")), "2024-05", (1, 1)),
    # one day more than 12 months earlier is not a re-referral
    (refs(ref("R1", "2023-05-14"), ref("R2", "2024-05-15")), "2024-05", (0, 1)),
    # leap day: 29 Feb 2024 - 12 months = 28 Feb 2023 (clamped), so 28 Feb 2023 counts
    (refs(ref("R1", "2023-02-28"), ref("R2", "2024-02-29")), "2024-02", (1, 1)),
    # two referrals the same day: neither is earlier than the other
    (refs(ref("R1", "2024-01-10"), ref("R2", "2024-01-10")), "2024-01", (0, 2)),
    # the earlier referral of another child does not count; an NFA earlier one does
    (refs(ref("R1", "2023-09-01", child="C2"), ref("R2", "2023-10-01", nfa="Y"),
          ref("R3", "2024-01-10")), "2024-01", (1, 1)),
])
def test_rereferral(data: dict, month: str, expected: tuple) -> None:
    assert figure(data, "rereferral_12m_pct", month, "in_month")[:2] == expected


@pytest.mark.parametrize(("data", "month", "expected"), [
    # one of two referrals in the month is NFA
    (refs(ref("R1", "2024-03-05", nfa="Y"), ref("R2", "2024-03-06", nfa="N")), "2024-03",
     (1, 2, 50.0, "ok")),
    # NFA not recorded is not NFA
    (refs(ref("R1", "2024-03-05", nfa=None)), "2024-03", (0, 1, 0.0, "ok")),
    # no referral in the month: no denominator, value null
    (refs(ref("R1", "2024-02-05", nfa="Y")), "2024-03", (0, 0, None, "no_denominator")),
])
def test_referral_nfa(data: dict, month: str, expected: tuple) -> None:
    assert figure(data, "referral_nfa_pct", month, "in_month") == expected


def asm(aid: str, rid: str, start: str | None, auth: str | None, child: str = "C1") -> dict:
    return {"cina_assessment_id": aid, "cina_person_id": child, "cina_referral_id": rid,
            "cina_assessment_start_date": start, "cina_assessment_auth_date": auth}


def with_asm(refs_: list[dict], asms: list[dict]) -> dict:
    return merge(refs(*refs_), rows("ssd_cin_assessments", *asms))


@pytest.mark.parametrize(("data", "month", "expected"), [
    # 7 May 2024 is the 45th working day after 29 Feb 2024, over Easter and May Day
    (with_asm([ref("R1", "2024-02-29")], [asm("A1", "R1", "2024-03-01", "2024-05-07")]),
     "2024-05", (1, 1)),
    # 8 May 2024 is the 46th
    (with_asm([ref("R1", "2024-02-29")], [asm("A1", "R1", "2024-03-01", "2024-05-08")]),
     "2024-05", (0, 1)),
    # 23 Sep 2022 is the 15th working day after 1 Sep 2022 (state funeral 19 Sep), well
    # within 45; an unauthorised assessment is not in the denominator
    (with_asm([ref("R1", "2022-09-01"), ref("R2", "2022-09-01")],
              [asm("A1", "R1", "2022-09-01", "2022-09-23"),
               asm("A2", "R2", "2022-09-01", None)]), "2022-09", (1, 1)),
])
def test_assessment_45wd(data: dict, month: str, expected: tuple) -> None:
    assert figure(data, "assessment_45wd_pct", month, "in_month")[:2] == expected


@pytest.mark.parametrize(("data", "month", "expected"), [
    # 45 and 46 working days (Easter 2024): mean 45.5 = 91 / 2
    (with_asm([ref("R1", "2024-02-29"), ref("R2", "2024-02-29")],
              [asm("A1", "R1", "2024-03-01", "2024-05-07"),
               asm("A2", "R2", "2024-03-01", "2024-05-08")]), "2024-05", (91, 2, 45.5)),
    # 15 Dec 2023 -> 10 Jan 2024 is 15 working days over Christmas and New Year
    (with_asm([ref("R1", "2023-12-15")], [asm("A1", "R1", "2023-12-18", "2024-01-10")]),
     "2024-01", (15, 1, 15.0)),
    # authorised the same day as the referral: 0 working days
    (with_asm([ref("R1", "2024-01-12")], [asm("A1", "R1", "2024-01-12", "2024-01-12")]),
     "2024-01", (0, 1, 0.0)),
])
def test_assessment_mean_wd(data: dict, month: str, expected: tuple) -> None:
    assert figure(data, "assessment_mean_wd", month, "in_month")[:3] == expected


@pytest.mark.parametrize(("data", "expected"), [
    # 22 Mar 2024 -> 31 May 2024 is 46 working days: counted
    (with_asm([ref("R1", "2024-03-22")], [asm("A1", "R1", "2024-03-25", None)]), 1),
    # 25 Mar 2024 -> 31 May 2024 is exactly 45: not over
    (with_asm([ref("R1", "2024-03-25")], [asm("A1", "R1", "2024-03-25", None)]), 0),
    # authorised on the month end is authorised by month end; authorised 3 June is not
    (with_asm([ref("R1", "2024-03-22"), ref("R2", "2024-03-22")],
              [asm("A1", "R1", "2024-03-25", "2024-05-31"),
               asm("A2", "R2", "2024-03-25", "2024-06-03")]), 1),
    # an assessment starting after month end is not open yet
    (with_asm([ref("R1", "2024-03-22")], [asm("A1", "R1", "2024-06-01", None)]), 0),
])
def test_assessments_open_over_45wd(data: dict, expected: int) -> None:
    assert figure(data, "assessments_open_over_45wd", "2024-05")[0] == expected
