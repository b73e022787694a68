"""Breakdowns by an attribute of a subject's own record (`measures.subjects.RecordBreakdown`):
fostering households by household type, LADO referrals by employer sector, MARAC
referrals by referring agency — hand-worked, through the engine, the drill-down and
`lantern kpis --by`.

Month ends: 30 Nov 2024 (− 18 months = 30 May 2023, − 12 months = 30 Nov 2023) and
31 Aug 2024 (Mon 26 Aug 2024 the summer bank holiday).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lantern.measures.drill import children, columns
from lantern.measures.engine import compute
from lantern.measures.subjects import BREAKDOWNS, RECORD_BREAKDOWNS, SUBJECTS
from tests.measures_fixtures import figure, merge, person, rows, warehouse
from tests.test_measures_local_services import hh, households, lado, lados, marac, maracs

NOV = "2024-11"
AUG = "2024-08"


def by(data: dict, kpi: str, month: str, breakdown: str, period: str | None = None
       ) -> dict[str, tuple[Any, Any]]:
    """value -> (numerator, denominator) of every row of one breakdown of a figure."""
    from lantern.measures.catalogue import get

    period = period or get(kpi).headline_period
    got = compute(warehouse(data), [month], kpis=[kpi], breakdowns=(breakdown,),
                  la_code="LA")
    return {r.breakdown_value: (r.numerator, r.denominator) for r in got
            if r.period == period and r.breakdown == breakdown}


def sector(row: dict[str, Any], code: str) -> dict[str, Any]:
    return {**row, "lado_employer_sector": code}


def agency(row: dict[str, Any], code: str) -> dict[str, Any]:
    return {**row, "mara_referring_agency": code}


# --------------------------------------------------------------------------- households


def test_a_household_deregistered_on_month_end_counts_under_its_type() -> None:
    # H1 (connected) deregistered on 30 Nov is still approved that day; H2 (connected)
    # deregistered on 29 Nov is not; H3 is mainstream.
    data = households(hh("H1", "2020-01-01", "connected", dereg="2024-11-30"),
                      hh("H2", "2020-01-01", "connected", dereg="2024-11-29"),
                      hh("H3", "2021-05-01"))
    assert by(data, "foster_households", NOV, "household_type") == {
        "connected": (1, None), "mainstream": (1, None)}
    # in December H1 is gone too: no connected group at all, not a 0
    assert by(data, "foster_households", "2024-12", "household_type") == {
        "mainstream": (1, None)}
    # the drill-down of the group lists the household with its type
    assert figure(data, "foster_households", NOV, breakdown="household_type",
                  value="connected")[:3] == (1, None, 1.0)


def test_a_connected_households_tsd_is_due_at_18_months_and_split_under_its_type() -> None:
    # 30 May 2023 is exactly 18 months before 30 Nov 2024: H1 (connected) is due and has
    # not completed; H2 (connected, 31 May 2023) is not due yet. A mainstream household
    # is due at 12 months: H3 (30 Nov 2023) is due and completed, H4 (1 Dec 2023) not due.
    data = households(hh("H1", "2023-05-30", "connected"),
                      hh("H2", "2023-05-31", "connected", tsd="2024-01-01"),
                      hh("H3", "2023-11-30", tsd="2024-05-01"),
                      hh("H4", "2023-12-01"))
    assert by(data, "foster_tsd_pct", NOV, "household_type") == {
        "connected": (0, 1), "mainstream": (1, 1)}
    assert figure(data, "foster_tsd_pct", NOV)[:2] == (1, 2)
    got = children(warehouse(data), "foster_tsd_pct", NOV, breakdown="household_type",
                   breakdown_value="connected")
    assert [(r["subject_id"], r["household_type"], r["in_numerator"]) for r in got] == [
        ("H1", "connected", False)]


# --------------------------------------------------------------------------- referrals


def test_lado_referrals_per_sector_over_a_month_with_a_bank_holiday() -> None:
    # August 2024: received on 1 Aug, on the bank holiday (26 Aug) and on 31 Aug all count
    # in August; 31 Jul and 1 Sep do not.
    data = lados(sector(lado("L1", "2024-08-01"), "EDUCATION"),
                 sector(lado("L2", "2024-08-31"), "EDUCATION"),
                 sector(lado("L3", "2024-08-26"), "POLICE"),
                 sector(lado("L4", "2024-07-31"), "HEALTH"),
                 sector(lado("L5", "2024-09-01"), "SPORT"))
    assert by(data, "lado_referrals", AUG, "employer_sector", "in_month") == {
        "EDUCATION": (2, None), "POLICE": (1, None)}
    # decisions across the bank holiday: received Fri 23 Aug, Tue 27 Aug is the next
    # working day (in time), Wed 28 Aug the second (late)
    data = lados(sector(lado("L1", "2024-08-23", "2024-08-27"), "EDUCATION"),
                 sector(lado("L2", "2024-08-23", "2024-08-28"), "EDUCATION"),
                 sector(lado("L3", "2024-08-23", "2024-08-27"), "FOSTER_CARE"))
    assert by(data, "lado_decision_1wd_pct", AUG, "employer_sector", "in_month") == {
        "EDUCATION": (1, 2), "FOSTER_CARE": (1, 1)}
    assert figure(data, "lado_decision_1wd_pct", AUG, "in_month",
                  breakdown="employer_sector", value="EDUCATION")[:2] == (1, 2)


def test_marac_referrals_per_referring_agency() -> None:
    # a household without children is not counted under its agency either
    data = maracs(agency(marac("M1", "2024-11-05"), "POLICE"),
                  agency(marac("M2", "2024-11-06", kids=0), "HEALTH"),
                  agency(marac("M3", "2024-11-30"), "IDVA"),
                  agency(marac("M4", "2024-11-30", victim="V2"), "POLICE"))
    assert by(data, "marac_referrals", NOV, "referring_agency", "in_month") == {
        "POLICE": (2, None), "IDVA": (1, None)}


def test_only_the_subjects_that_have_a_breakdown_are_split_by_it() -> None:
    """No "unknown" household type for a LADO referral, a child's referral or a
    privately fostered child: the figures without the breakdown give no rows for it."""
    data = merge(households(hh("H1", "2020-01-01")),
                 lados(lado("L1", "2024-11-05", "2024-11-05")),
                 maracs(marac("M1", "2024-11-05")),
                 rows("ssd_person", person("C1")),
                 rows("lantern_private_fostering", {
                     "pfa_arrangement_id": "A1", "pfa_person_id": "C1",
                     "pfa_notification_date": "2024-11-04", "pfa_start_date": "2024-11-01"}))
    got = compute(warehouse(data), [NOV], breakdowns=("authority", *RECORD_BREAKDOWNS),
                  kpis=["foster_households", "lado_referrals", "marac_referrals",
                        "pf_notifications"], la_code="LA")
    split = {(r.kpi_id, r.breakdown, r.breakdown_value) for r in got
             if r.breakdown != "authority" and r.period in ("snapshot", "in_month")}
    assert split == {("foster_households", "household_type", "mainstream"),
                     ("lado_referrals", "employer_sector", "EDUCATION"),
                     ("marac_referrals", "referring_agency", "POLICE")}


def test_each_subject_declares_its_own_breakdowns() -> None:
    assert SUBJECTS["household"].breakdowns == ("authority", "household_type")
    assert SUBJECTS["lado_referral"].breakdowns == ("authority", "employer_sector")
    assert SUBJECTS["marac_referral"].breakdowns == ("authority", "referring_agency")
    assert set(RECORD_BREAKDOWNS) <= set(BREAKDOWNS)
    assert {b.id: b.code_set for b in RECORD_BREAKDOWNS.values()} == {
        "household_type": "foster_household_type", "employer_sector": "lado_sector",
        "referring_agency": "marac_agency"}
    # read as people read them, never as codes
    assert [RECORD_BREAKDOWNS["household_type"].value_label(v)
            for v in ("mainstream", "connected")] == ["Mainstream", "Connected person"]
    assert RECORD_BREAKDOWNS["employer_sector"].value_label("EARLY_YEARS") == "Early years"


def test_drill_down_rows_carry_the_attribute() -> None:
    assert columns("foster_households")[-1] == "household_type"
    assert "employer_sector" in columns("lado_decision_1wd_pct")
    assert "referring_agency" in columns("marac_referrals")
    assert not set(RECORD_BREAKDOWNS) & set(columns("icpc_15wd_pct"))
    assert not set(RECORD_BREAKDOWNS) & set(columns("pf_initial_visit_7wd_pct"))


# --------------------------------------------------------------------------- the command


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A home whose warehouse holds three fostering households and no children."""
    path = tmp_path_factory.mktemp("record-breakdowns")
    con = warehouse(households(hh("H1", "2020-01-01", "connected", dereg="2024-11-30"),
                               hh("H2", "2020-01-01", "connected", dereg="2024-11-29"),
                               hh("H3", "2021-05-01")))
    con.execute(f"ATTACH '{path / 'warehouse.duckdb'}' AS home")
    con.execute("COPY FROM DATABASE memory TO home")
    con.close()
    return {"LANTERN_HOME": str(path), "LANTERN_DATABASE_URL":
            f"sqlite:///{Path(path) / 'app.sqlite'}"}


def test_kpis_by_household_type(home: dict[str, str]) -> None:
    from lantern.cli import app

    got = CliRunner().invoke(app, ["kpis", "--month", NOV, "--by", "household_type",
                                   "--format", "json"], env=home)
    assert got.exit_code == 0, got.output
    records = json.loads(got.output)
    assert {(r["kpi_id"], r["breakdown_value"], r["value"]) for r in records
            if r["period"] == "snapshot" and r["kpi_id"] == "foster_households"} == {
        ("foster_households", "connected", 1.0), ("foster_households", "mainstream", 1.0)}
    assert {r["breakdown"] for r in records} == {"household_type"}
    assert set(records[0]) == {"kpi_id", "month", "period", "breakdown", "breakdown_value",
                               "numerator", "denominator", "value", "status"}


def test_kpis_refuses_an_unknown_breakdown_in_one_line(home: dict[str, str]) -> None:
    from lantern.cli import app

    got = CliRunner().invoke(app, ["kpis", "--month", NOV, "--by", "household"], env=home)
    assert got.exit_code == 2
    lines = [line for line in got.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in got.output
    assert "household_type" in lines[0] and "employer_sector" in lines[0] and (
        "referring_agency" in lines[0])


def test_children_lists_households_with_their_type_by_its_label(home: dict[str, str]
                                                                ) -> None:
    from lantern.cli import app

    got = CliRunner().invoke(app, ["children", "foster_households", "--month", NOV],
                             env={**home, "COLUMNS": "200"})
    assert got.exit_code == 0, got.output
    assert "household_type" in got.output and "Connected person" in got.output
    assert "Mainstream" in got.output and "connected " not in got.output
    listed = CliRunner().invoke(app, ["children", "foster_households", "--month", NOV,
                                      "--by", "household_type", "--value", "connected",
                                      "--format", "json"], env=home)
    assert [(r["subject_id"], r["household_type"]) for r in json.loads(listed.output)] == [
        ("H1", "connected")]
