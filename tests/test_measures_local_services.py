"""Hand-worked cases for the indicators on the local tables (KPIS.md "Thematic"):
fostering households, MARAC, private fostering, LADO, homeless 16/17-year-olds.

Month ends used: 30 Nov 2024 (− 12 months = 30 Nov 2023, − 36 months = 30 Nov 2021),
29 Feb 2024 (− 12 months = 28 Feb 2023, clamped). Bank holidays: Good Friday 29 Mar and
Easter Monday 1 Apr 2024, summer bank holiday Mon 26 Aug 2024, 25-26 Dec 2024.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from lantern.measures.drill import children
from tests.measures_fixtures import figure, merge, person, rows, warehouse

NOV = "2024-11"

# --------------------------------------------------------------------------- fostering


CHECK_TYPES = {"review": "REVIEW", "dbs": "DBS", "medical": "MEDICAL", "tsd": "TSD"}


def hh(hid: str, approved: str, kind: str = "mainstream", dereg: str | None = None,
       **checks: str | tuple[str, ...]) -> dict[str, Any]:
    """A household and its checks (``review="2024-01-01"``, or a tuple for several)."""
    held = [(CHECK_TYPES[k], d) for k, v in checks.items()
            for d in ((v,) if isinstance(v, str) else v)]
    return {"fhh_household_id": hid, "fhh_household_type": kind,
            "fhh_approval_date": approved, "fhh_deregistration_date": dereg, "_checks": held}


def households(*h: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    checks = [{"fchk_check_id": f"{x['fhh_household_id']}-{i}",
               "fchk_household_id": x["fhh_household_id"], "fchk_check_type": t,
               "fchk_check_date": d}
              for x in h for i, (t, d) in enumerate(x["_checks"])]
    return merge(rows("lantern_foster_households",
                      *({k: v for k, v in x.items() if k != "_checks"} for x in h)),
                 rows("lantern_foster_checks", *checks))


@pytest.mark.parametrize(("data", "month", "expected"), [
    # approved on month end counts; approved the day after does not
    (households(hh("H1", "2024-11-30"), hh("H2", "2024-12-01")), NOV, 1),
    # deregistered on month end is still approved that day; the day before is not
    (households(hh("H1", "2020-01-01", dereg="2024-11-30"),
                hh("H2", "2020-01-01", dereg="2024-11-29")), NOV, 1),
    # leap day: approved 29 Feb 2024 counts at the end of February, not January
    (households(hh("H1", "2024-02-29"), hh("H2", "2023-06-01")), "2024-02", 2),
    (households(hh("H1", "2024-02-29"), hh("H2", "2023-06-01")), "2024-01", 1),
])
def test_foster_households(data: dict, month: str, expected: int) -> None:
    assert figure(data, "foster_households", month)[:4] == (expected, None, expected, "ok")


@pytest.mark.parametrize(("month", "period", "expected"), [
    # in month: 1 Nov and 30 Nov; 31 Oct is October's
    (NOV, "in_month", 2),
    # rolling 12 months to 30 Nov 2024 starts 1 Dec 2023: 30 Nov 2023 is out
    (NOV, "rolling_12m", 5),
    # the financial year to date starts 1 Apr 2024: 31 Mar 2024 is the year before
    (NOV, "fytd", 3),
])
def test_foster_approvals(month: str, period: str, expected: int) -> None:
    data = households(hh("H1", "2024-11-01"), hh("H2", "2024-11-30"), hh("H3", "2024-10-31"),
                      hh("H4", "2023-11-30"), hh("H5", "2023-12-01"), hh("H6", "2024-03-31"))
    assert figure(data, "foster_approvals", month, period)[0] == expected


@pytest.mark.parametrize(("data", "month", "expected"), [
    # review exactly 12 months before month end (30 Nov 2023) is current; a day earlier not
    (households(hh("H1", "2015-01-01", review="2023-11-30"),
                hh("H2", "2015-01-01", review="2023-11-29")), NOV, (1, 2)),
    # approved exactly 12 months before needs no review yet; a day earlier it does
    # (a DBS check is not a review)
    (households(hh("H1", "2023-11-30"), hh("H2", "2023-11-29", dbs="2024-01-01")), NOV,
     (1, 2)),
    # a review after month end was not held at month end (counts from December)
    (households(hh("H1", "2015-01-01", review="2024-12-05")), NOV, (0, 1)),
    (households(hh("H1", "2015-01-01", review="2024-12-05")), "2024-12", (1, 1)),
    # the history is held: the review before a later one counts for the months it covers
    (households(hh("H1", "2015-01-01", review=("2023-12-10", "2024-12-05")),
                hh("H2", "2015-01-01", review=("2023-11-29", "2024-12-05"))), NOV, (1, 2)),
    # a check of another type is not a review
    (households(hh("H1", "2015-01-01", dbs="2024-06-01", medical="2024-06-01",
                   tsd="2024-06-01")), NOV, (0, 1)),
    # leap year: 29 Feb 2024 − 12 months = 28 Feb 2023; deregistered households are out
    (households(hh("H1", "2015-01-01", review="2023-02-28"),
                hh("H2", "2015-01-01", review="2023-02-27"),
                hh("H3", "2015-01-01", dereg="2024-01-31", review="2023-06-01")),
     "2024-02", (1, 2)),
])
def test_foster_review_current(data: dict, month: str, expected: tuple) -> None:
    assert figure(data, "foster_review_current_pct", month)[:2] == expected


@pytest.mark.parametrize(("data", "month", "expected"), [
    # DBS exactly 36 months before month end (30 Nov 2021) is current; a day earlier not
    (households(hh("H1", "2010-01-01", dbs="2021-11-30"),
                hh("H2", "2010-01-01", dbs="2021-11-29")), NOV, (1, 2)),
    # approved within the 36 months needs no DBS on record; no DBS at all is not current
    (households(hh("H1", "2021-12-01"), hh("H2", "2021-11-29", review="2024-01-01")), NOV,
     (1, 2)),
    # the annual review does not stand in for the DBS check
    (households(hh("H1", "2010-01-01", review="2024-06-01",
                   dbs="2020-01-01")), NOV, (0, 1)),
])
def test_foster_dbs_current(data: dict, month: str, expected: tuple) -> None:
    assert figure(data, "foster_dbs_current_pct", month)[:2] == expected


def test_foster_dbs_window_is_a_parameter() -> None:
    from lantern.measures.engine import compute
    data = households(hh("H1", "2010-01-01", dbs="2022-06-01"))
    con = warehouse(data)
    # 30 months before 30 Nov 2024 is 30 May 2022: the DBS on 1 Jun 2022 is current;
    # 24 months (30 Nov 2022) it is not
    for months, expected in ((30, 1), (24, 0)):
        got = compute(con, [NOV], kpis=["foster_dbs_current_pct"],
                      params={"foster_dbs_current_pct": {"months": months}})
        assert got[0].numerator == expected


@pytest.mark.parametrize(("data", "month", "expected"), [
    # leap year: 29 Feb 2024 − 36 months = 28 Feb 2021 (clamped)
    (households(hh("H1", "2010-01-01", medical="2021-02-28"),
                hh("H2", "2010-01-01", medical="2021-02-27")), "2024-02", (1, 2)),
    # exactly 36 months before 30 Nov 2024; a medical after month end is not yet held
    (households(hh("H1", "2010-01-01", medical="2021-11-30"),
                hh("H2", "2010-01-01", medical="2024-12-01")), NOV, (1, 2)),
    # approved 30 Nov 2021 (exactly 36 months) without a medical: current by approval
    (households(hh("H1", "2021-11-30"), hh("H2", "2010-01-01", dbs="2024-01-01")), NOV,
     (1, 2)),
])
def test_foster_medical_current(data: dict, month: str, expected: tuple) -> None:
    assert figure(data, "foster_medical_current_pct", month)[:2] == expected


@pytest.mark.parametrize(("data", "expected"), [
    # mainstream approved exactly 12 months before month end is in; the day after is not
    (households(hh("H1", "2023-11-30", tsd="2024-05-01"), hh("H2", "2023-12-01")), (1, 1)),
    # connected carers: 18 months. 30 May 2023 is exactly 18 months before 30 Nov 2024
    (households(hh("H1", "2023-05-30", "connected"),
                hh("H2", "2023-05-31", "connected", tsd="2024-01-01"),
                hh("H3", "2023-11-30", "connected")), (0, 1)),
    # completed on month end counts; completed after month end not yet
    (households(hh("H1", "2020-01-01", tsd="2024-11-30"),
                hh("H2", "2020-01-01", tsd="2024-12-01")), (1, 2)),
    # a review is not the TSD standards; a TSD sign-off long before month end still counts
    (households(hh("H1", "2020-01-01", review="2024-06-01"),
                hh("H2", "2020-01-01", tsd="2020-09-01")), (1, 2)),
])
def test_foster_tsd(data: dict, expected: tuple) -> None:
    assert figure(data, "foster_tsd_pct", NOV)[:2] == expected


@pytest.mark.parametrize(("kpi", "reason"), [
    ("foster_households", "no fostering households loaded"),  # a count too: never 0
    ("foster_review_current_pct", "no fostering households loaded; no fostering household "
     "checks loaded"),
    ("marac_referrals", "no MARAC referrals loaded"),
    ("pf_visits_on_time_pct", "no private fostering arrangements loaded; no private "
     "fostering visits loaded"),
    ("lado_resolved_1m_pct", "no LADO referrals loaded"),
    ("homeless_1617_assessed_pct", "no homeless 16/17 presentations loaded"),
])
def test_not_available_says_what_is_not_loaded(kpi: str, reason: str) -> None:
    from lantern.measures.engine import compute
    got = compute(warehouse({"ssd_person": [person("C1")]}), [NOV], kpis=[kpi])
    assert {(r.status, r.reason, r.value) for r in got} == {("not_available", reason, None)}


def test_fostering_drill_down_lists_households() -> None:
    data = households(hh("H1", "2015-01-01", review="2024-02-01"),
                      hh("H2", "2015-01-01", review="2023-01-01"))
    got = children(warehouse(data), "foster_review_current_pct", NOV)
    assert [(r["event_id"], r["in_numerator"], r["date_2"].isoformat()) for r in got] == [
        ("H1", True, "2024-02-01"), ("H2", False, "2023-01-01")]
    assert got[1]["reason"] == "latest annual review 2023-01-01 is before 2023-11-30"
    # a review after month end is not yet held: the one before it decides
    data = households(hh("H1", "2015-01-01", review=("2023-10-01", "2024-12-05")),
                      hh("H2", "2015-01-01"))
    got = children(warehouse(data), "foster_review_current_pct", NOV)
    assert [(r["reason"], r["date_2"]) for r in got] == [
        ("latest annual review 2023-10-01 is before 2023-11-30", date(2023, 10, 1)),
        ("no annual review recorded by month end", None)]


def test_households_without_checks_loaded_are_not_available() -> None:
    from lantern.measures.engine import compute
    got = compute(warehouse(households(hh("H1", "2015-01-01"))), [NOV],
                  kpis=["foster_households", "foster_tsd_pct"])
    assert [(r.kpi_id, r.status, r.reason) for r in got] == [
        ("foster_households", "ok", None),
        ("foster_tsd_pct", "not_available", "no fostering household checks loaded")]


# --------------------------------------------------------------------------- MARAC


def marac(rid: str, date: str, victim: str = "V1", kids: int = 1,
          name: str = "Alex Example") -> dict[str, Any]:
    return {"mara_referral_id": rid, "mara_victim_id": victim, "mara_victim_name": name,
            "mara_referral_date": date, "mara_referring_agency": "POLICE",
            "mara_children_count": kids}


def maracs(*m: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return rows("lantern_marac_referrals", *m)


@pytest.mark.parametrize(("data", "period", "expected"), [
    # a household without children is not counted
    (maracs(marac("M1", "2024-11-05"), marac("M2", "2024-11-06", kids=0)), "in_month", 1),
    # both month-end days count in their own month
    (maracs(marac("M1", "2024-11-01"), marac("M2", "2024-11-30"), marac("M3", "2024-10-31"),
            marac("M4", "2024-12-01")), "in_month", 2),
    # rolling 12 months from 1 Dec 2023; the same victim referred twice counts twice
    (maracs(marac("M1", "2023-11-30"), marac("M2", "2023-12-01"), marac("M3", "2024-06-01")),
     "rolling_12m", 2),
])
def test_marac_referrals(data: dict, period: str, expected: int) -> None:
    assert figure(data, "marac_referrals", NOV, period)[0] == expected


@pytest.mark.parametrize(("data", "month", "expected"), [
    # exactly 12 months before (15 May 2023) is a repeat; a day more is not
    (maracs(marac("M1", "2023-05-15"), marac("M2", "2024-05-15")), "2024-05", (1, 1)),
    (maracs(marac("M1", "2023-05-14"), marac("M2", "2024-05-15")), "2024-05", (0, 1)),
    # leap day: 29 Feb 2024 − 12 months = 28 Feb 2023
    (maracs(marac("M1", "2023-02-28"), marac("M2", "2024-02-29")), "2024-02", (1, 1)),
    # two referrals the same day: neither is earlier
    (maracs(marac("M1", "2024-05-10"), marac("M2", "2024-05-10")), "2024-05", (0, 2)),
    # another victim's referral is not a repeat; the victim's earlier referral when the
    # household had no children still is (and is not itself in the denominator)
    (maracs(marac("M1", "2024-01-10", victim="V2"), marac("M2", "2024-02-10", kids=0),
            marac("M3", "2024-05-10")), "2024-05", (1, 1)),
])
def test_marac_repeat(data: dict, month: str, expected: tuple) -> None:
    assert figure(data, "marac_repeat_pct", month, "in_month")[:2] == expected


def test_marac_drill_down_never_shows_the_victims_name() -> None:
    data = maracs(marac("M1", "2024-01-10", name="Alex Example"),
                  marac("M2", "2024-11-10", name="Alex Example"))
    got = children(warehouse(data), "marac_repeat_pct", NOV, period="in_month")
    assert [(r["event_id"], r["in_numerator"], r["child_id"]) for r in got] == [
        ("M2", True, None)]
    assert "Alex" not in repr(got)


# --------------------------------------------------------------------------- private fostering

PEOPLE = rows("ssd_person", person("C1", "2012-03-01"), person("C2", "2008-07-01"))


def pfa(aid: str, notified: str, start: str | None = None, end: str | None = None,
        child: str = "C1") -> dict[str, Any]:
    return {"pfa_arrangement_id": aid, "pfa_person_id": child,
            "pfa_notification_date": notified, "pfa_start_date": start or notified,
            "pfa_end_date": end, "pfa_carer_name": "Sam Carer"}


def pf(*arrangements: dict[str, Any], visits: tuple[tuple[str, str], ...] = ()
       ) -> dict[str, list[dict[str, Any]]]:
    v = [{"pfv_visit_id": f"PV{n}", "pfv_arrangement_id": a, "pfv_visit_date": d}
         for n, (a, d) in enumerate(visits)]
    return merge(PEOPLE, rows("lantern_private_fostering", *arrangements),
                 rows("lantern_private_fostering_visits", *v))


@pytest.mark.parametrize(("data", "period", "expected"), [
    # notified in the month, whenever the arrangement began
    (pf(pfa("A1", "2024-11-30", "2024-06-01"), pfa("A2", "2024-10-31")), "in_month", 1),
    # rolling 12 months starts 1 Dec 2023
    (pf(pfa("A1", "2023-11-30"), pfa("A2", "2023-12-01")), "rolling_12m", 1),
    # the financial year to date starts 1 Apr 2024
    (pf(pfa("A1", "2024-03-31"), pfa("A2", "2024-04-01"), pfa("A3", "2024-11-01")),
     "fytd", 2),
])
def test_pf_notifications(data: dict, period: str, expected: int) -> None:
    assert figure(data, "pf_notifications", NOV, period)[0] == expected


def test_pf_notifications_break_down_by_child() -> None:
    data = pf(pfa("A1", "2024-11-05", child="C1"), pfa("A2", "2024-11-06", child="C2"))
    # C1 is 12 on 5 Nov 2024, C2 is 16 on 6 Nov 2024
    assert figure(data, "pf_notifications", NOV, "in_month", breakdown="age_band",
                  value="16-17")[0] == 1
    assert figure(data, "pf_notifications", NOV, "in_month", breakdown="age_band",
                  value="10-15")[0] == 1


@pytest.mark.parametrize(("data", "month", "expected"), [
    # notified Thu 28 Mar 2024; Good Friday and Easter Monday are not working days, so
    # the 7th working day is Wed 10 Apr (in) and Thu 11 Apr is the 8th (out)
    (pf(pfa("A1", "2024-03-28"), pfa("A2", "2024-03-28"),
        visits=(("A1", "2024-04-10"), ("A2", "2024-04-11"))), "2024-03", (1, 2)),
    # a visit the day of notification is day 0; no visit at all is not within 7 wd
    (pf(pfa("A1", "2024-11-05"), pfa("A2", "2024-11-05"), visits=(("A1", "2024-11-05"),)),
     NOV, (1, 2)),
    # the first visit decides: a later visit within 7 wd does not rescue a late first...
    # ...and a late second visit does not spoil an early first
    (pf(pfa("A1", "2024-11-04"), pfa("A2", "2024-11-04"),
        visits=(("A1", "2024-11-06"), ("A1", "2024-11-29"), ("A2", "2024-11-14"))),
     NOV, (1, 2)),
])
def test_pf_initial_visit(data: dict, month: str, expected: tuple) -> None:
    assert figure(data, "pf_initial_visit_7wd_pct", month, "in_month")[:2] == expected


@pytest.mark.parametrize(("data", "expected"), [
    # began exactly 42 days before 30 Nov 2024 (19 Oct) is in; 20 Oct (41 days) not yet
    (pf(pfa("A1", "2024-10-19"), pfa("A2", "2024-10-20"),
        visits=(("A1", "2024-11-20"), ("A2", "2024-11-20"))), (1, 1)),
    # first year: a visit exactly 42 days before month end is on time, 43 days is not
    (pf(pfa("A1", "2024-06-01"), pfa("A2", "2024-06-01"),
        visits=(("A1", "2024-10-19"), ("A2", "2024-10-18"))), (1, 2)),
    # exactly one year old (began 30 Nov 2023) is not over a year: a visit 60 days ago
    # is late; a day older (29 Nov 2023) allows 84 days: 60 days is on time
    (pf(pfa("A1", "2023-11-30"), pfa("A2", "2023-11-29"),
        visits=(("A1", "2024-10-01"), ("A2", "2024-10-01"))), (1, 2)),
    # over a year: exactly 84 days (7 Sep 2024) on time, 85 (6 Sep) late
    (pf(pfa("A1", "2022-01-01"), pfa("A2", "2022-01-01"),
        visits=(("A1", "2024-09-07"), ("A2", "2024-09-06"))), (1, 2)),
    # ended on month end is still open; ended before is out; a visit after month end and
    # no visit at all are not on time
    (pf(pfa("A1", "2024-01-01", end="2024-11-30"), pfa("A2", "2024-01-01", end="2024-11-29"),
        pfa("A3", "2024-01-01"), visits=(("A1", "2024-12-01"),)), (0, 2)),
])
def test_pf_visits_on_time(data: dict, expected: tuple) -> None:
    assert figure(data, "pf_visits_on_time_pct", NOV)[:2] == expected


def test_pf_needs_visit_records() -> None:
    assert figure(pf(pfa("A1", "2024-11-05")), "pf_initial_visit_7wd_pct", NOV)[3] == (
        "not_available")
    assert figure(pf(pfa("A1", "2024-11-05")), "pf_notifications", NOV)[3] == "ok"


# --------------------------------------------------------------------------- LADO


def lado(rid: str, received: str, decision: str | None = None,
         closed: str | None = None) -> dict[str, Any]:
    return {"lado_referral_id": rid, "lado_subject_name": "Pat Staff",
            "lado_received_date": received, "lado_decision_date": decision,
            "lado_closed_date": closed, "lado_employer_sector": "EDUCATION"}


def lados(*r: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return rows("lantern_lado_referrals", *r)


@pytest.mark.parametrize(("data", "period", "expected"), [
    (lados(lado("L1", "2024-11-01"), lado("L2", "2024-11-30"), lado("L3", "2024-10-31")),
     "in_month", 2),
    (lados(lado("L1", "2023-11-30"), lado("L2", "2023-12-01")), "rolling_12m", 1),
    (lados(lado("L1", "2024-03-31"), lado("L2", "2024-04-01")), "fytd", 1),
])
def test_lado_referrals(data: dict, period: str, expected: int) -> None:
    assert figure(data, "lado_referrals", NOV, period)[0] == expected


@pytest.mark.parametrize(("data", "month", "expected"), [
    # received Fri 23 Aug 2024; Mon 26 Aug is a bank holiday, so Tue 27 Aug is the next
    # working day (in) and Wed 28 Aug the second (out)
    (lados(lado("L1", "2024-08-23", "2024-08-27"), lado("L2", "2024-08-23", "2024-08-28")),
     "2024-08", (1, 2)),
    # received on Saturday 24 Aug: Tuesday is still the first working day after
    (lados(lado("L1", "2024-08-24", "2024-08-27")), "2024-08", (1, 1)),
    # Christmas Eve 2024: 25 and 26 Dec are bank holidays, Fri 27 Dec is the next
    (lados(lado("L1", "2024-12-24", "2024-12-27"), lado("L2", "2024-12-24", "2024-12-30")),
     "2024-12", (1, 2)),
    # a decision the same day counts; no decision recorded does not
    (lados(lado("L1", "2024-11-05", "2024-11-05"), lado("L2", "2024-11-05")), NOV, (1, 2)),
])
def test_lado_decision_1wd(data: dict, month: str, expected: tuple) -> None:
    assert figure(data, "lado_decision_1wd_pct", month, "in_month")[:2] == expected


@pytest.mark.parametrize(("data", "month", "expected"), [
    # 31 Jan 2024 + 1 month = 29 Feb 2024 (leap year): closed that day is within
    (lados(lado("L1", "2024-01-31", closed="2024-02-29")), "2024-02", (1, 1)),
    # ... and 1 Mar 2024 is not
    (lados(lado("L1", "2024-01-31", closed="2024-03-01")), "2024-03", (0, 1)),
    # 31 Jan 2025 + 1 month = 28 Feb 2025
    (lados(lado("L1", "2025-01-31", closed="2025-02-28")), "2025-02", (1, 1)),
    # exactly one month (15 Oct -> 15 Nov) is within, a day more is not; counted in the
    # month it closed, and a referral not yet closed is not counted at all
    (lados(lado("L1", "2024-10-15", closed="2024-11-15"), lado("L2", "2024-10-15",
                                                                closed="2024-11-16"),
           lado("L3", "2024-11-01")), NOV, (1, 2)),
])
def test_lado_resolved_1m(data: dict, month: str, expected: tuple) -> None:
    assert figure(data, "lado_resolved_1m_pct", month, "in_month")[:2] == expected


def test_lado_drill_down_shows_ids_and_dates_not_the_subject() -> None:
    data = lados(lado("L1", "2024-08-23", "2024-08-28"), lado("L2", "2024-08-23", "2024-08-27"))
    got = children(warehouse(data), "lado_decision_1wd_pct", "2024-08", period="in_month")
    assert [(r["subject_id"], r["date_1"].isoformat(), r["date_2"].isoformat(), r["reason"])
            for r in got] == [
        ("L2", "2024-08-23", "2024-08-27", "decision 1 working day after receipt (limit 1)"),
        ("L1", "2024-08-23", "2024-08-28", "decision 2 working days after receipt (limit 1)")]
    assert "Pat" not in repr(got)


# --------------------------------------------------------------------------- homelessness


def hp(pid: str, presented: str, assessed: str | None, told: str | None = "Y",
       child: str = "Y1") -> dict[str, Any]:
    return {"hmls_presentation_id": pid, "hmls_person_id": child,
            "hmls_presented_date": presented, "hmls_assessed_date": assessed,
            "hmls_told_of_option": told}


def homeless(*p: dict[str, Any], dob: str = "2008-01-15") -> dict[str, list[dict[str, Any]]]:
    return merge(rows("ssd_person", person("Y1", dob)), rows("lantern_homeless_presentations",
                                                              *p))


@pytest.mark.parametrize(("data", "month", "expected"), [
    # presented Fri 23 Aug 2024: with the bank holiday Monday the 10th working day is
    # Mon 9 Sep (in), Tue 10 Sep the 11th (out)
    (homeless(hp("P1", "2024-08-23", "2024-09-09"), hp("P2", "2024-08-23", "2024-09-10")),
     "2024-08", (1, 2)),
    # assessed on time but not told of the option (or not recorded) is not counted
    (homeless(hp("P1", "2024-11-04", "2024-11-05", "N"), hp("P2", "2024-11-04", "2024-11-05",
                                                             None),
              hp("P3", "2024-11-04", "2024-11-05", "Y")), NOV, (1, 3)),
    # not assessed (yet) is not within 10 wd
    (homeless(hp("P1", "2024-11-25", None)), NOV, (0, 1)),
])
def test_homeless_assessed(data: dict, month: str, expected: tuple) -> None:
    assert figure(data, "homeless_1617_assessed_pct", month, "in_month")[:2] == expected


@pytest.mark.parametrize(("dob", "expected"), [
    ("2008-11-15", 1),  # 16th birthday on the day of presenting: 16
    ("2008-11-16", 0),  # 16 tomorrow: 15, not a 16/17-year-old
    ("2006-11-16", 1),  # 18 tomorrow: still 17
    ("2006-11-15", 0),  # 18th birthday that day: an adult
])
def test_homeless_counts_16_and_17_year_olds(dob: str, expected: int) -> None:
    data = homeless(hp("P1", "2024-11-15", "2024-11-18"), dob=dob)
    assert figure(data, "homeless_1617_assessed_pct", NOV, "in_month")[1] == expected


def test_homeless_breaks_down_by_child() -> None:
    data = homeless(hp("P1", "2024-11-15", "2024-11-18"), dob="2008-01-15")
    assert figure(data, "homeless_1617_assessed_pct", NOV, "in_month", breakdown="age_band",
                  value="16-17")[:2] == (1, 1)
    assert figure(data, "homeless_1617_assessed_pct", NOV, "in_month", breakdown="sex",
                  value="F")[:2] == (1, 1)


def test_no_child_breakdowns_for_households_and_referrals() -> None:
    data = merge(lados(lado("L1", "2024-11-05", "2024-11-05")), maracs(marac("M1", "2024-11-05")))
    for kpi in ("lado_decision_1wd_pct", "marac_referrals"):
        assert figure(data, kpi, NOV, "in_month", breakdown="team")[3] == "absent"


def test_lado_resolved_reason_gives_the_date_it_was_due() -> None:
    data = lados(lado("L1", "2024-01-31", closed="2024-02-29"),
                 lado("L2", "2024-01-31", closed="2024-03-01"))
    got = children(warehouse(data), "lado_resolved_1m_pct", "2024-03", period="fytd")
    assert [(r["subject_id"], r["reason"]) for r in got] == [
        ("L1", "closed 2024-02-29, within 1 month of receipt (by 2024-02-29)"),
        ("L2", "closed 2024-03-01, more than 1 month after receipt (due by 2024-02-29)")]


def test_reasons_name_codes_as_people_read_them() -> None:
    data = merge(households(hh("H1", "2023-01-01", "connected", review="2024-01-01")),
                 maracs(marac("M1", "2024-11-05")), lados(lado("L1", "2024-11-05")))
    con = warehouse(data)

    def reason(kpi: str, period: str) -> str:
        return str(children(con, kpi, NOV, period=period)[0]["reason"])

    assert reason("foster_tsd_pct", "snapshot") == (
        "TSD standards not completed by month end (connected person household approved "
        "18 months or more)")
    assert reason("marac_referrals", "in_month") == (
        "referred 2024-11-05 by Police; children in the household: 1")
    assert reason("lado_referrals", "in_month") == "received 2024-11-05 (Education)"


@pytest.mark.parametrize(("kpi", "rows_", "expected"), [
    # a household has no child and no team; it has its type
    ("foster_review_current_pct", [{"child_id": None}],
     ("subject_id", "household_type", "in_numerator", "reason")),
    # a presentation is about a child, who may be allocated to a team
    ("homeless_1617_assessed_pct", [{"child_id": "Y1"}],
     ("subject_id", "child_id", "team", "in_numerator", "reason")),
    # a worker by name, with team, caseload and FTE
    ("sw_caseload_over_limit_pct", [{"child_id": None}],
     ("worker_name", "team", "caseload", "fte", "in_numerator", "reason")),
    # a child's own rows, unchanged
    ("icpc_15wd_pct", [{"child_id": "C1"}],
     ("child_id", "event_id", "in_numerator", "reason", "team", "worker")),
])
def test_children_command_table_columns(kpi: str, rows_: list, expected: tuple) -> None:
    from lantern.cli import table_columns
    assert table_columns(kpi, rows_) == expected


def test_drill_columns_are_the_subjects_own() -> None:
    """A LADO referral or a fostering household is not broken down by worker, team, age
    or sex, so its drill-down rows do not carry them (they read "unallocated" and "U",
    as if a child had no worker); a privately fostered child's rows keep them."""
    from lantern.measures.drill import columns

    attributes = {"service", "team", "worker", "age_band", "sex", "ethnicity", "disability"}
    assert not attributes & set(columns("lado_decision_1wd_pct"))
    assert not attributes & set(columns("foster_households"))
    assert attributes <= set(columns("pf_initial_visit_7wd_pct"))
