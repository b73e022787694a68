"""Annex A writer: the eleven lists, their headers and the rows in a window."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook

from lantern.formats.annex_a import ANNEX_A_COLUMNS, CASE_STATUS, _AnnexA, write_annex_a
from tests.datasets import make_dataset
from tests.formats_fixtures import dataset

SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "reference" / "schemas" / (
    "Annex_A_schema.yml")
START, END = date(2023, 10, 1), date(2024, 3, 31)
Sheets = dict[str, list[dict[str, Any]]]


def _read(path: Path) -> tuple[dict[str, list[str]], Sheets]:
    wb = load_workbook(path, read_only=True)
    headers, sheets = {}, {}
    for ws in wb.worksheets:
        values = [list(r) for r in ws.iter_rows(values_only=True)]
        headers[ws.title] = values[0]
        # Read-only sheets drop trailing empty cells, so pad each row to the header.
        width = len(values[0])
        sheets[ws.title] = [dict(zip(values[0], r + [None] * (width - len(r)), strict=True))
                            for r in values[1:]]
    return headers, sheets


def _date(value: Any) -> Any:
    return value.date() if isinstance(value, datetime) else value


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, list[str]], Sheets]:
    path = tmp_path_factory.mktemp("annex_a") / "annex_a.xlsx"
    assert write_annex_a(dataset(), path, start=START, end=END) == path
    return _read(path)


def test_eleven_lists_with_their_headers(workbook: tuple[dict[str, list[str]], Sheets]) -> None:
    headers, sheets = workbook
    assert list(headers) == [f"List {i}" for i in range(1, 12)]
    assert headers == ANNEX_A_COLUMNS
    assert sheets["List 11"] == []  # no adopter data: header row only


def test_headers_match_the_annex_a_schema() -> None:
    if not SCHEMA.exists():
        pytest.skip(f"Annex A schema not found at {SCHEMA} (../shared beside the repo)")
    spec = yaml.safe_load(SCHEMA.read_text())["column_map"]
    for key, columns in spec.items():
        assert ANNEX_A_COLUMNS[key.replace("list_", "List ")] == list(columns), key


def test_sex_header_option(tmp_path: Path) -> None:
    headers, _ = _read(write_annex_a(dataset(), tmp_path / "a.xlsx", start=START, end=END,
                                     sex_header=True))
    assert all("Gender" not in h and "Sex" in h for h in headers.values())


def test_event_lists(workbook: tuple[dict[str, list[str]], Sheets]) -> None:
    _, sheets = workbook
    contacts = sheets["List 1"]
    assert [(c["Child Unique ID"], _date(c["Date of Contact"]), c["Contact Source"])
            for c in contacts] == [("C1", date(2023, 11, 1), "2A")]
    assert (contacts[0]["Gender"], contacts[0]["Age of Child (Years)"]) == ("F", 8)
    referrals = sheets["List 3"]
    assert [r["Child Unique ID"] for r in referrals] == ["C3"]
    assert (referrals[0]["Referral NFA?"], referrals[0]["Number of Referrals in Last 12 Months"],
            referrals[0]["Allocated Team"], referrals[0]["Allocated Worker"]) == (
        "Y", 1, "Front Door", "Ann Smith")
    assessments = sheets["List 4"]  # A1 was authorised before the window
    assert [a["Child Unique ID"] for a in assessments] == ["C3"]
    assert assessments[0][
        "Was the child assessed as requiring LA children's social care support?"] == "N"
    assert sheets["List 5"] == []  # the only s47 started before the window


def test_children_in_need_and_child_protection(
    workbook: tuple[dict[str, list[str]], Sheets],
) -> None:
    _, sheets = workbook
    cin = {r["Child Unique ID"]: r for r in sheets["List 6"]}
    assert set(cin) == {"C1", "C4"}  # C2 closed before; C3 was NFA
    assert cin["C1"]["Case Status"] == CASE_STATUS["cp"]
    assert _date(cin["C1"]["Date Child Was Last Seen"]) == date(2024, 3, 1)
    assert cin["C4"]["Does the Child have a Disability"] == "Y"
    cp = sheets["List 7"]
    assert len(cp) == 1
    assert _date(cp[0]["Date of latest review conference"]) == date(2024, 3, 10)
    assert cp[0]["Child Protection Plan End Date"] is None  # ended after the window
    assert (cp[0]["Was the Child Seen Alone?"], cp[0]["Number of Previous Child Protection Plans"]
            ) == ("Y", 1)


def test_children_in_care(workbook: tuple[dict[str, list[str]], Sheets]) -> None:
    _, sheets = workbook
    cla = {r["Child Unique ID"]: r for r in sheets["List 8"]}
    assert set(cla) == {"L1", "L4", "L5"}
    l1 = cla["L1"]
    assert _date(l1["Date Started to be Looked After"]) == date(2022, 1, 10)
    assert _date(l1["Start date of current legal status"]) == date(2022, 1, 10)
    assert l1["Number of Placements in the Last 12 months"] == 2
    assert (l1["Placement Type"], l1["Allocated Team"], l1["Allocated Worker"]) == (
        "K2", "Children in Care", "Cy Patel")
    missing = ANNEX_A_COLUMNS["List 8"][-6]
    assert "'Missing'" in missing and l1[missing] == 1
    assert _date(cla["L4"]["Date Ceased to be Looked After"]) == date(2023, 12, 1)
    assert cla["L4"]["Reason Ceased to be Looked After"] == "E11"
    uasc = "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)"
    assert (cla["L5"][uasc], l1[uasc]) == ("Y", "N")


def test_care_leavers_and_adoption(workbook: tuple[dict[str, list[str]], Sheets]) -> None:
    _, sheets = workbook
    leavers = sheets["List 9"]
    assert [r["Child Unique ID"] for r in leavers] == ["L3"]
    assert (leavers[0]["Allocated Personal Advisor"], leavers[0]["Activity Status"],
            leavers[0]["LA in Touch"]) == ("Di Reed", "F2", "YES")
    adoption = sheets["List 10"]
    assert [r["Child Unique ID"] for r in adoption] == ["L4"]
    assert _date(adoption[0]["Date of Adoption Order"]) == date(2023, 12, 1)
    assert _date(adoption[0]["Date the Child Entered Care"]) == date(2021, 3, 1)


def test_dates_are_excel_dates_shown_dd_mm_yyyy(tmp_path: Path) -> None:
    path = write_annex_a(dataset(), tmp_path / "a.xlsx", start=START, end=END)
    ws = load_workbook(path)["List 1"]
    cell = ws.cell(row=2, column=ANNEX_A_COLUMNS["List 1"].index("Date of Contact") + 1)
    assert _date(cell.value) == date(2023, 11, 1)
    assert cell.number_format == "dd/mm/yyyy"


def test_window_must_not_be_reversed(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="after it ends"):
        write_annex_a(dataset(), tmp_path / "a.xlsx", start=END, end=START)


def test_case_status_reads_the_derived_facts() -> None:
    """List 6's case status at the window's end reads lantern.facts: a child on a short
    break (V3) is not looked after; a plan ending on the last day is still open."""
    data = make_dataset({
        "ssd_cla_episodes": [{
            "clae_cla_episode_id": "E1", "clae_person_id": "C1", "clae_cla_id": "P1",
            "clae_cla_episode_start_date": date(2024, 3, 1), "clae_legal_status": "V3"}],
        "ssd_cp_plans": [{
            "cppl_cp_plan_id": "CP1", "cppl_person_id": "C2",
            "cppl_cp_plan_start_date": date(2024, 1, 1),
            "cppl_cp_plan_end_date": date(2024, 3, 31)}],
    })
    a = _AnnexA(data, date(2023, 4, 1), date(2024, 3, 31))
    referral = {"cine_referral_id": "R1"}
    assert a._case_status("C1", referral, None) == CASE_STATUS["cin"]
    assert a._case_status("C2", referral, None) == CASE_STATUS["cp"]


def test_list_8_reads_the_periods_of_care_from_the_facts() -> None:
    """List 8 takes each period of care as lantern.facts defines it: a child only on short
    breaks (V3) is not looked after and is left out; a period's start is its earliest
    episode's start (not the episode's own entered-care field) and its end is the last
    episode's end unless that ended X1 (a change within the period)."""
    def episode(ep: str, child: str, period: str, start: date, end: date | None = None,
                rec: str | None = None, ls: str = "C2", entered: date | None = None
                ) -> dict[str, Any]:
        return {"clae_cla_episode_id": ep, "clae_person_id": child, "clae_cla_id": period,
                "clae_cla_episode_start_date": start, "clae_cla_episode_ceased_date": end,
                "clae_cla_episode_ceased_reason": rec, "clae_legal_status": ls,
                "clae_entered_care_date": entered}

    data = make_dataset({"ssd_cla_episodes": [
        episode("E1", "SB", "P1", date(2024, 1, 5), date(2024, 1, 7), "E8", ls="V3"),
        # Entered 1 Nov 2023 by its first episode; the second episode's field disagrees.
        episode("E2", "C1", "P2", date(2023, 11, 1), date(2024, 2, 1), "X1"),
        episode("E3", "C1", "P2", date(2024, 2, 1), date(2024, 3, 31), "E11",
                entered=date(2024, 2, 1)),
    ]})
    rows = {r["Child Unique ID"]: r for r in _AnnexA(data, START, END).children_in_care()}
    assert set(rows) == {"C1"}
    assert rows["C1"]["Date Started to be Looked After"] == date(2023, 11, 1)
    # Ended on the window's last day: still in the list, with its end and reason.
    assert rows["C1"]["Date Ceased to be Looked After"] == date(2024, 3, 31)
    assert rows["C1"]["Reason Ceased to be Looked After"] == "E11"
