"""CIN census XML writer: schema validity per year, element order, scope and mapping."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from lantern.calendar import add_working_days
from lantern.formats.cin_census import (
    SEQUENCES,
    schema_file,
    schema_year,
    validate_cin_xml,
    write_cin_census,
)
from lantern.ingest.readers.cin import read_cin
from tests.formats_fixtures import cin_rows, dataset

XS = "{http://www.w3.org/2001/XMLSchema}"
FIXED = datetime(2024, 5, 1, 9, 30)


def _write(tmp_path: Path, year: int, rows: Any = None) -> Path:
    data = dataset(rows or cin_rows())
    return write_cin_census(data, tmp_path / f"cin_{year}.xml", collection_year=year,
                            la_code="880", generated=FIXED)


def _children(path: Path) -> dict[str, Any]:
    root = etree.parse(str(path)).getroot()
    return {c.findtext("ChildIdentifiers/LAchildID"): c for c in root.iter("Child")}


@pytest.mark.parametrize("year", [2022, 2023, 2024, 2025, 2026])
def test_file_validates_against_the_years_xsd(tmp_path: Path, year: int) -> None:
    path = _write(tmp_path, year)
    assert validate_cin_xml(path, year) == []
    assert schema_file(year).name == f"CIN_schema_{year}.xsd"


def test_schema_choice_outside_shipped_years() -> None:
    assert schema_year(2019) == 2022
    assert schema_year(2031) == 2026
    assert schema_file(2031).exists()


def test_validator_reports_errors(tmp_path: Path) -> None:
    path = _write(tmp_path, 2025)
    path.write_text(path.read_text().replace("<Sex>F</Sex>", "<Sex>2</Sex>"))
    errors = validate_cin_xml(path, 2025)
    assert errors and "Sex" in errors[0]


def _xsd_sequences(year: int) -> dict[str, list[str]]:
    """Complex type name -> element names in sequence order, from the XSD itself."""
    xsd = etree.parse(str(schema_file(year)))
    out: dict[str, list[str]] = {}
    for el in xsd.iter(f"{XS}element"):
        seq = el.find(f"{XS}complexType/{XS}sequence")
        if seq is not None:
            out[el.get("name")] = [e.get("name") for e in seq.findall(f"{XS}element")]
    for ct in xsd.iter(f"{XS}complexType"):
        seq = ct.find(f"{XS}sequence")
        if ct.get("name") and seq is not None:
            out[ct.get("name")] = [e.get("name") for e in seq.findall(f"{XS}element")]
    return out


@pytest.mark.parametrize("year", [2024, 2025])
def test_element_order_follows_the_xsd(tmp_path: Path, year: int) -> None:
    xsd = _xsd_sequences(year)
    assert SEQUENCES["CINdetails"] == tuple(xsd["cindetailstype"])
    assert SEQUENCES["ChildProtectionPlans"] == tuple(xsd["childprotectionplanstype"])
    root = etree.parse(str(_write(tmp_path, year))).getroot()
    for details in root.iter("CINdetails"):
        tags = [c.tag for c in details]
        order = xsd["cindetailstype"]
        assert tags == sorted(tags, key=order.index)
    ident = [c.tag for c in next(root.iter("ChildIdentifiers"))]
    assert ident == [t for t in xsd["childidentifierstype"] if t in ident]


def test_header(tmp_path: Path) -> None:
    root = etree.parse(str(_write(tmp_path, 2024))).getroot()
    assert root.findtext("Header/CollectionDetails/Collection") == "CIN"
    assert root.findtext("Header/CollectionDetails/Year") == "2024"
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == "2024-03-31"
    assert root.findtext("Header/Source/LEA") == "880"
    assert root.findtext("Header/Source/DateTime") == "2024-05-01T09:30:00"


def test_referral_closed_before_the_year_is_absent(tmp_path: Path) -> None:
    assert "C2" not in _children(_write(tmp_path, 2024))
    c2 = _children(_write(tmp_path, 2023))["C2"]
    assert c2.findtext("CINdetails/CINclosureDate") == "2023-02-01"
    assert c2.findtext("CINdetails/ReasonForClosure") == "RC7"


def test_cp_plan_open_across_31_march_is_in_both_years(tmp_path: Path) -> None:
    p24 = _children(_write(tmp_path, 2024))["C1"].find("CINdetails/ChildProtectionPlans")
    p25 = _children(_write(tmp_path, 2025))["C1"].find("CINdetails/ChildProtectionPlans")
    assert p24.findtext("CPPstartDate") == p25.findtext("CPPstartDate") == "2023-07-20"
    # The end date had not happened by 31 March 2024.
    assert p24.find("CPPendDate") is None
    assert p25.findtext("CPPendDate") == "2024-09-30"
    assert [r.text for r in p24.iter("CPPreviewDate")] == ["2023-10-15", "2024-03-10"]
    assert [r.text for r in p25.iter("CPPreviewDate")] == ["2024-08-10"]
    assert p24.findtext("LatestCategoryOfAbuse") == "NEG"  # defaults to the initial category
    assert p24.findtext("NumberOfPreviousCPP") == "1"


def test_assessment_authorised_last_year_is_absent(tmp_path: Path) -> None:
    c24 = _children(_write(tmp_path, 2024))["C1"].find("CINdetails")
    c25 = _children(_write(tmp_path, 2025))["C1"].find("CINdetails")
    assert c24.findtext("Assessments/AssessmentAuthorisationDate") == "2023-06-20"
    assert [f.text for f in c24.iter("AssessmentFactors")] == ["3A", "4A"]
    assert c25.find("Assessments") is None
    assert c25.findtext("CINreferralDate") == "2023-06-01"  # the referral is still there
    # The CIN plan starts after the CP plan, in the 2025 year only.
    assert c24.find("CINPlanDates") is None
    assert c25.findtext("CINPlanDates/CINPlanStartDate") == "2024-10-01"
    assert c25.find("Section47") is None  # the enquiry ended in 2023


def test_section47_mapping(tmp_path: Path) -> None:
    s47 = _children(_write(tmp_path, 2024))["C1"].find("CINdetails/Section47")
    assert s47.findtext("S47ActualStartDate") == "2023-07-03"
    assert s47.findtext("InitialCPCtarget") == add_working_days(date(2023, 7, 3), 15).isoformat()
    assert s47.findtext("DateOfInitialCPC") == "2023-07-20"
    assert s47.findtext("ICPCnotRequired") == "false"


def test_conference_recorded_in_one_place_and_read_back(tmp_path: Path) -> None:
    # DfE 2884: C1's conference followed its section 47 enquiry, so only the Section47
    # records it; C4's conference had no enquiry, so CINdetails records it.
    rows = cin_rows()
    rows["ssd_initial_cp_conference"].append(
        {"icpc_icpc_id": "I4", "icpc_s47_enquiry_id": None, "icpc_referral_id": "R4",
         "icpc_person_id": "C4", "icpc_icpc_date": date(2023, 9, 12),
         "icpc_icpc_outcome_cp_flag": "N"})
    path = _write(tmp_path, 2024, rows)
    children = _children(path)
    assert children["C1"].find("CINdetails/DateOfInitialCPC") is None
    assert children["C1"].findtext("CINdetails/Section47/DateOfInitialCPC") == "2023-07-20"
    assert children["C4"].findtext("CINdetails/DateOfInitialCPC") == "2023-09-12"
    assert children["C4"].find("CINdetails/Section47") is None
    # The reader reads each conference back from where it was written.
    tables = {t.name: t for t in read_cin(path).tables}
    details = {r["LAchildID"]: r.get("DateOfInitialCPC") for r in tables["CINdetails"].rows}
    assert details["C1"] is None and details["C4"] == "2023-09-12"
    assert [(r["LAchildID"], r["DateOfInitialCPC"]) for r in tables["Section47"].rows] == [
        ("C1", "2023-07-20")]


@pytest.mark.parametrize(("year", "element", "codes", "nfa"), [
    (2024, "GenderCurrent", {"C1": "2", "C3": "0", "C4": "1"}, {"C1": "false", "C3": "true"}),
    (2025, "Sex", {"C1": "F", "C4": "M"}, {"C1": "0", "C4": "0"}),
])
def test_sex_and_flag_codes_by_year(
    tmp_path: Path, year: int, element: str, codes: dict[str, str], nfa: dict[str, str]
) -> None:
    children = _children(_write(tmp_path, year))
    for child, code in codes.items():
        assert children[child].findtext(f"ChildIdentifiers/{element}") == code
    for child, flag in nfa.items():
        assert children[child].findtext("CINdetails/ReferralNFA") == flag


def test_unknown_sex_is_u_from_2025(tmp_path: Path) -> None:
    rows = cin_rows()
    rows["ssd_person"][3]["pers_sex"] = "U"
    assert _children(_write(tmp_path, 2025, rows))["C4"].findtext("ChildIdentifiers/Sex") == "U"


def test_child_mapping(tmp_path: Path) -> None:
    children = _children(_write(tmp_path, 2024))
    c1 = children["C1"]
    assert c1.findtext("ChildIdentifiers/UPN") == "A123456789012"
    assert c1.findtext("ChildIdentifiers/PersonBirthDate") == "2015-05-10"
    assert [d.text for d in c1.iter("Disability")] == ["NONE"]
    assert [d.text for d in children["C4"].iter("Disability")] == ["LD", "MOB"]
    assert children["C3"].findtext("ChildCharacteristics/Ethnicity") == "NOBT"


def test_no_previous_plans_is_zero_which_only_2025_on_xsds_allow(tmp_path: Path) -> None:
    rows = cin_rows()
    rows["ssd_cp_plans"][0]["cppl_previous_cp_plans"] = None  # counted: no earlier plans
    path = _write(tmp_path, 2025, rows)
    assert _children(path)["C1"].findtext(
        "CINdetails/ChildProtectionPlans/NumberOfPreviousCPP") == "0"
    assert validate_cin_xml(path, 2025) == []
    # The 2022-2024 XSDs type it xs:positiveInteger, so a true 0 fails them strictly; the
    # DfE rules accept 0 and 2025 fixed the type, so by default that defect is tolerated.
    older = _write(tmp_path, 2024, rows)
    assert any("NumberOfPreviousCPP" in e for e in validate_cin_xml(older, 2024, strict=True))
    assert validate_cin_xml(older, 2024) == []


def test_la_code_must_be_three_digits(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="three-digit"):
        write_cin_census(dataset(cin_rows()), tmp_path / "x.xml", collection_year=2024,
                         la_code="E06000027")


def test_upn_unknown_code_when_no_upn_is_recorded(tmp_path: Path) -> None:
    children = _children(_write(tmp_path, 2024))
    assert children["C1"].findtext("ChildIdentifiers/UPNunknown") is None
    assert children["C3"].findtext("ChildIdentifiers/UPNunknown") == "UN1"  # aged 4
    assert children["C4"].findtext("ChildIdentifiers/UPNunknown") == "UN2"  # aged 14
    assert children["C4"].findtext("ChildIdentifiers/UPN") is None


@pytest.mark.parametrize(("year", "source", "reason"), [(2022, "5B", "RC8"),
                                                         (2023, "5D", "RC9")])
def test_codes_added_in_2023_are_written_as_their_predecessors_before(
        tmp_path: Path, year: int, source: str, reason: str) -> None:
    rows = cin_rows()
    r2 = rows["ssd_cin_episodes"][1]  # C2's referral, moved into the year
    r2.update(cine_referral_date=date(year - 1, 5, 1), cine_close_date=date(year, 2, 1),
              cine_referral_source_code="5D", cine_referral_closure_reason_code="RC9")
    path = _write(tmp_path, year, rows)
    c2 = _children(path)["C2"]
    assert c2.findtext("CINdetails/ReferralSource") == source
    assert c2.findtext("CINdetails/ReasonForClosure") == reason
    assert validate_cin_xml(path, year) == []


def test_factor_21_no_factors_is_dropped_beside_identified_factors() -> None:
    from lantern.formats.cin_census import _factor_codes

    assert _factor_codes([{"cinf_assessment_factors_json": '["21", "3A", "4B"]'}]) == ["3A", "4B"]
    assert _factor_codes([{"cinf_assessment_factors_json": '["21"]'}]) == ["21"]
