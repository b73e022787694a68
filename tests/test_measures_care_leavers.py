"""Hand-worked cases for the care leaver and adoption indicators (KPIS.md)."""

from __future__ import annotations

import pytest

from tests.measures_fixtures import figure, merge, rows

P = rows("ssd_person", {"pers_person_id": "L1", "pers_dob": "2004-06-15"},
         {"pers_person_id": "L2", "pers_dob": "2003-06-20"},
         {"pers_person_id": "L3", "pers_dob": "2005-06-10"},
         {"pers_person_id": "L4", "pers_dob": "2007-06-10"})


def oc3(tid: str, child: str, birthday: str, touch: str | None = "YES",
        accom: str | None = "U1", activ: str | None = "F4") -> dict:
    return {"clea_table_id": tid, "clea_person_id": child, "clea_oc3_birthday": birthday,
            "clea_care_leaver_in_touch": touch, "clea_care_leaver_accommodation": accom,
            "clea_care_leaver_activity": activ}


def leavers(*r: dict) -> dict:
    return merge(P, rows("ssd_care_leavers", *r))


@pytest.mark.parametrize(("data", "expected"), [
    # 20th and 21st birthdays in June 2024; NO is not in touch
    (leavers(oc3("A", "L1", "2024-06-15"), oc3("B", "L2", "2024-06-20", touch="NO")), (1, 2)),
    # DIED and RHOM leave the cohort; a 19th birthday (L3) is in it
    (leavers(oc3("A", "L1", "2024-06-15", touch="DIED"),
             oc3("B", "L2", "2024-06-20", touch="RHOM"), oc3("C", "L3", "2024-06-10")), (1, 1)),
    # a 17th birthday row (L4) is not in the cohort
    (leavers(oc3("A", "L4", "2024-06-10")), (0, 0)),
])
def test_in_touch(data: dict, expected: tuple) -> None:
    assert figure(data, "care_leavers_in_touch_pct", "2024-06", "in_month")[:2] == expected


@pytest.mark.parametrize(("accoms", "expected"), [
    # U1 and Z1 (a letter then 1) are suitable; B2 is not
    (["U1", "Z1", "B2"], (2, 3)),
    # "0" (not known) and missing are not suitable
    (["0", None, "K1"], (1, 3)),
    # lower case is read as the code
    (["d1"], (1, 1)),
])
def test_suitable_accommodation(accoms: list, expected: tuple) -> None:
    kids = ["L1", "L2", "L3"]
    data = leavers(*[oc3(f"T{i}", kids[i], ["2024-06-15", "2024-06-20", "2024-06-10"][i],
                         accom=a) for i, a in enumerate(accoms)])
    assert figure(data, "care_leavers_suitable_accom_pct", "2024-06", "in_month")[:2] == (
        expected)


@pytest.mark.parametrize(("acts", "expected"), [
    # F4 (full-time training or employment) and P5 (part-time apprenticeship) are EET
    (["F4", "P5", "G5"], (2, 3)),
    # G4/G6 NEET and 0 not known
    (["G4", "G6", "0"], (0, 3)),
    # F1 higher education
    (["F1"], (1, 1)),
])
def test_eet(acts: list, expected: tuple) -> None:
    kids = ["L1", "L2", "L3"]
    data = leavers(*[oc3(f"T{i}", kids[i], ["2024-06-15", "2024-06-20", "2024-06-10"][i],
                         activ=a) for i, a in enumerate(acts)])
    assert figure(data, "care_leavers_eet_pct", "2024-06", "in_month")[:2] == expected


def test_cohort_windows() -> None:
    # rolling year to June 2024 starts 1 Jul 2023: 30 Jun 2023 birthday is out
    data = leavers(oc3("A", "L1", "2023-06-30"), oc3("B", "L2", "2023-07-01"),
                   oc3("C", "L3", "2024-06-10", touch="NO"))
    assert figure(data, "care_leavers_in_touch_pct", "2024-06")[:2] == (1, 2)


C = rows("ssd_person", {"pers_person_id": "C1", "pers_dob": "2019-01-01"},
         {"pers_person_id": "C2", "pers_dob": "2019-01-01"})


def ep(eid: str, child: str, period: str, start: str, end: str | None, rne: str,
       rec: str | None, ls: str = "C2", place: str = "U6") -> dict:
    return {"eid": eid, "child": child, "period": period, "start": start, "end": end,
            "rne": rne, "rec": rec, "ls": ls, "place": place}


def care(*eps: dict, extra: dict | None = None) -> dict:
    e = [{"clae_cla_episode_id": x["eid"], "clae_person_id": x["child"],
          "clae_cla_episode_start_date": x["start"], "clae_cla_episode_ceased_date": x["end"],
          "clae_cla_episode_start_reason": x["rne"], "clae_cla_episode_ceased_reason": x["rec"],
          "clae_legal_status": x["ls"], "clae_cla_id": x["period"],
          "clae_cla_placement_id": "PL" + x["eid"]} for x in eps]
    p = [{"clap_cla_placement_id": "PL" + x["eid"], "clap_cla_id": x["period"],
          "clap_cla_placement_type": x["place"]} for x in eps]
    return merge(C, rows("ssd_cla_episodes", *e), rows("ssd_cla_placement", *p), extra or {})


# C1: in care 1 Jan 2022, placement order (E1) 1 Jun 2022, placed for adoption (A4)
# 1 Mar 2023 (424 days after entering care), adopted 1 Jan 2024
ADOPTED_C1 = [
    ep("E1", "C1", "P1", "2022-01-01", "2022-06-01", "S", "X1"),
    ep("E2", "C1", "P1", "2022-06-01", "2023-03-01", "L", "X1", ls="E1"),
    ep("E3", "C1", "P1", "2023-03-01", "2024-01-01", "P", "E11", ls="E1", place="A4"),
]
# C2: in care 1 Feb 2021, placed with current carer for adoption (A5) 1 Feb 2022
# (365 days), adopted (E12) 31 Jan 2024
ADOPTED_C2 = [
    ep("F1", "C2", "P2", "2021-02-01", "2022-02-01", "S", "X1", ls="E1"),
    ep("F2", "C2", "P2", "2022-02-01", "2024-01-31", "T", "E12", ls="E1", place="A5"),
]


@pytest.mark.parametrize(("data", "month", "period", "expected"), [
    # both adoptions are in January 2024
    (care(*ADOPTED_C1, *ADOPTED_C2), "2024-01", "in_month", 2),
    # an X1 change and a return home are not adoptions
    (care(ep("E1", "C1", "P1", "2023-01-01", "2024-01-05", "S", "X1"),
          ep("E2", "C1", "P1", "2024-01-05", "2024-01-20", "P", "E4A")), "2024-01", "in_month",
     0),
    # the financial year to March 2024 holds both
    (care(*ADOPTED_C1, *ADOPTED_C2), "2024-03", "fytd", 2),
])
def test_adoptions(data: dict, month: str, period: str, expected: int) -> None:
    assert figure(data, "adoptions", month, period)[0] == expected


@pytest.mark.parametrize(("data", "month", "expected"), [
    # 424 and 365 days: mean 394.5
    (care(*ADOPTED_C1, *ADOPTED_C2), "2024-01", (789, 2, 394.5)),
    # 36 months to Dec 2026 start 1 Jan 2024: both still in
    (care(*ADOPTED_C1, *ADOPTED_C2), "2026-12", (789, 2, 394.5)),
    # 36 months to Jan 2027 start 1 Feb 2024: C1 (1 Jan) and C2 (31 Jan 2024) are out
    (care(*ADOPTED_C1, *ADOPTED_C2), "2027-01", (0, 0, None)),
])
def test_adoption_a1(data: dict, month: str, expected: tuple) -> None:
    assert figure(data, "adoption_a1_days", month)[:3] == expected


def matched(*items: tuple[str, str, str]) -> dict:
    return rows("ssd_permanence", *[
        {"perm_table_id": f"M{i}", "perm_person_id": c, "perm_cla_id": p,
         "perm_matched_date": x} for i, (c, p, x) in enumerate(items)])


@pytest.mark.parametrize(("data", "expected"), [
    # C1: first E1 episode 1 Jun 2022, matched 1 Aug 2022: 61 days
    (care(*ADOPTED_C1, extra=matched(("C1", "P1", "2022-08-01"))), (61, 1, 61.0)),
    # C2: E1 from 1 Feb 2021, matched 1 Jan 2021 (before): max(0, -31) = 0; mean 30.5
    (care(*ADOPTED_C1, *ADOPTED_C2, extra=matched(("C1", "P1", "2022-08-01"),
                                                  ("C2", "P2", "2021-01-01"))),
     (61, 2, 30.5)),
    # no E1 episode in the period: left out
    (care(ep("E1", "C1", "P1", "2022-01-01", "2024-01-01", "S", "E11", place="A4"),
          extra=matched(("C1", "P1", "2022-08-01"))), (0, 0, None)),
])
def test_adoption_a2(data: dict, expected: tuple) -> None:
    assert figure(data, "adoption_a2_days", "2024-01")[:3] == expected
