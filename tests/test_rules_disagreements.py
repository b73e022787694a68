"""The rules where Lantern read DfE's rule text differently (issue #19), one test per rule.

Each test is named after the DfE code and pins the reading of the published rule text with
hand-worked cases at the boundary. Collection year 2025 (1 April 2024 to 31 March 2025)
unless a test says otherwise.
"""

from __future__ import annotations

from typing import Any

from lantern.ingest.rules import RULES
from tests.test_rules_cin import AS, CD, CI, CP, S47
from tests.test_rules_ssda903 import AD, EP, OC2, OC3, H
from tests.test_rules_support import problems


def _903(rule: str, rows: dict[str, list[dict[str, Any]]], year: int = 2025) -> list[str]:
    """The (table row) locators rule `903:<rule>` flags."""
    return [p.locator for p in problems("ssda903", f"903:{rule}", rows, year)]


def _cin(rule: str, rows: dict[str, list[dict[str, Any]]], year: int = 2025) -> list[str]:
    return [f"{p.locator}:{p.field}" for p in problems("cin", f"cin:{rule}", rows, year)]


# -- SSDA903 ------------------------------------------------------------------------------

def test_168_upn_must_not_start_with_i_o_or_s() -> None:
    for first in "IOS":
        assert _903("168", {"Header": [H(UPN=f"{first}123456789012")]}) == ["row 2"], first
    assert _903("168", {"Header": [H(UPN="A123456789012"), H(CHILD="2", UPN="H12345678901B"),
                                   H(CHILD="3", UPN="UN3")]}) == []


def test_178_no_provider_for_temporary_or_z1_placements() -> None:
    bad = {"Episodes": [EP(RNE="P", PLACE="T0"), EP(RNE="P", PLACE="Z1", CHILD="2")]}
    assert _903("178", bad) == ["row 2", "row 3"]
    good = {"Episodes": [EP(RNE="P", PLACE="T0", PLACE_PROVIDER=None), EP(CHILD="2")]}
    assert _903("178", good) == []


def test_178_year_2026_lists_z11_to_z14_not_t4() -> None:
    assert _903("178", {"Episodes": [EP(PLACE="Z12")]}, 2026) == ["row 2"]
    assert _903("178", {"Episodes": [EP(PLACE="T4")]}, 2026) == []
    assert _903("178", {"Episodes": [EP(PLACE="T4")]}, 2025) == ["row 2"]


def _l1(decom: str, dec: str | None, **kw: Any) -> dict[str, Any]:
    return EP(LS="L1", DECOM=decom, DEC=dec, REC="X1" if dec else None, **kw)


def test_361_open_police_protection_counts_to_the_year_end() -> None:
    # open since 28 March 2025: 3 days to 31 March (allowed); since 27 March: 4 days
    assert _903("361", {"Episodes": [_l1("28/03/2025", None)]}) == []
    assert _903("361", {"Episodes": [_l1("27/03/2025", None)]}) == ["row 2"]


def test_361_consecutive_police_protection_episodes_are_joined() -> None:
    # 1-3 May then 3-5 May with the same legal status: one 4-day spell, both flagged
    two = [_l1("01/05/2024", "03/05/2024", PLACE="U4"), _l1("03/05/2024", "05/05/2024",
                                                            RNE="P", PLACE="U6")]
    assert _903("361", {"Episodes": two}) == ["row 2", "row 3"]
    # a day's gap between them: two spells of 2 days
    apart = [two[0], _l1("04/05/2024", "06/05/2024", RNE="S")]
    assert _903("361", {"Episodes": apart}) == []
    # the next episode is another legal status: the spell ends at 3 May
    other = [two[0], EP(LS="C2", DECOM="03/05/2024", RNE="L")]
    assert _903("361", {"Episodes": other}) == []


def test_362_363_365_376_count_open_episodes_and_join_spells() -> None:
    cases = {"362": ("LS", "L2", 21), "363": ("LS", "L3", 7), "365": ("LS", "V3", 17),
             "376": ("PLACE", "T3", 21)}
    for rule, (field, code, limit) in cases.items():
        from datetime import date, timedelta
        start = date(2025, 3, 31) - timedelta(days=limit)
        ok = EP(**{field: code}, DECOM=start.strftime("%d/%m/%Y"), PLACE_PROVIDER=None)
        late = EP(**{field: code}, DECOM=(start - timedelta(days=1)).strftime("%d/%m/%Y"),
                  PLACE_PROVIDER=None)
        assert _903(rule, {"Episodes": [ok]}) == [], rule
        assert _903(rule, {"Episodes": [late]}) == ["row 2"], rule
        half = timedelta(days=limit // 2 + 1)
        first_end = date(2024, 5, 1) + half
        joined = [EP(**{field: code}, DECOM="01/05/2024", DEC=first_end.strftime("%d/%m/%Y"),
                     REC="X1", PLACE_PROVIDER=None),
                  EP(**{field: code}, DECOM=first_end.strftime("%d/%m/%Y"), RNE="P",
                     DEC=(first_end + half).strftime("%d/%m/%Y"), REC="X1",
                     PLACE_PROVIDER=None)]
        assert _903(rule, {"Episodes": joined}) == ["row 2", "row 3"], rule


def test_226_previous_episode_reason_counts_too() -> None:
    # a move into a temporary placement: the episode before it gives a reason -> 226
    before = EP(DECOM="01/05/2024", DEC="01/06/2024", REC="X1", REASON_PLACE_CHANGE="CARPL")
    temp = EP(DECOM="01/06/2024", RNE="P", PLACE="T1", PLACE_PROVIDER=None)
    assert _903("226", {"Episodes": [before, temp]}) == ["row 3"]
    plain = EP(DECOM="01/05/2024", DEC="01/06/2024", REC="X1")
    assert _903("226", {"Episodes": [plain, temp]}) == []


def test_380_temporary_placement_needs_rne_p_or_b() -> None:
    for rne, flagged in (("S", True), ("L", True), ("T", True), ("U", True),
                         ("P", False), ("B", False)):
        got = _903("380", {"Episodes": [EP(RNE=rne, PLACE="T2", PLACE_PROVIDER=None)]})
        assert got == (["row 2"] if flagged else []), rne


def _in_care_all_year(**kw: Any) -> dict[str, Any]:
    return EP(DECOM="01/03/2023", **kw)


def test_546_only_children_continuously_looked_after() -> None:
    oc2 = OC2(DOB="31/03/2020", CONVICTED=None, HEALTH_CHECK="1")
    # aged 5 on 31 March 2025, looked after all year -> 546
    assert _903("546", {"OC2": [oc2], "Episodes": [_in_care_all_year()]}) == ["row 2"]
    # the same child who started to be looked after in the year is not in 546's scope
    assert _903("546", {"OC2": [oc2], "Episodes": [EP(DECOM="01/05/2024")]}) == []
    # a 4-year-old looked after all year may have health promotion information
    young = OC2(DOB="01/04/2020", CONVICTED=None, HEALTH_CHECK="1")
    assert _903("546", {"OC2": [young], "Episodes": [_in_care_all_year()]}) == []


def test_602_adoption_must_fall_in_the_year() -> None:
    adopted_last_year = EP(DECOM="01/01/2023", DEC="31/03/2024", REC="E11")
    assert _903("602", {"Episodes": [adopted_last_year], "AD1": [AD()]}) == ["row 2"]
    adopted_1_april = EP(DECOM="01/01/2023", DEC="01/04/2024", REC="E11")
    assert _903("602", {"Episodes": [adopted_1_april], "AD1": [AD()]}) == []


def test_133_accommodation_codes_are_the_rule_list() -> None:
    # S1 and X1 are in the schema's enumeration but not in 133's list of valid codes
    for code in ("S1", "X1"):
        assert _903("133", {"OC3": [OC3(ACCOM=code)]}) == ["row 2"], code
    assert _903("133", {"OC3": [OC3(ACCOM="S2"), OC3(CHILD="2", ACCOM="X2"),
                                OC3(CHILD="3", IN_TOUCH="DIED", ACTIV="0", ACCOM="0")]}) == []


def test_371_age_and_placement_code_by_year() -> None:
    # 2022-23: H5 at 14; 2023-24: H5 at 16; from 2024-25: K3 at 16
    def h5(dob: str, decom: str, year: int, place: str = "H5") -> list[str]:
        return _903("371", {"Header": [H(DOB=dob)],
                            "Episodes": [EP(DECOM=decom, PLACE=place)]}, year)

    assert h5("01/05/2008", "01/05/2022", 2023) == []  # 14th birthday that day
    assert h5("02/05/2008", "01/05/2022", 2023) == ["row 2"]  # 13
    assert h5("02/05/2007", "01/05/2023", 2024) == ["row 2"]  # 15: 16 from 2023-24
    assert h5("01/05/2007", "01/05/2023", 2024) == []
    assert h5("02/05/2008", "01/05/2024", 2025, "K3") == ["row 2"]
    assert h5("01/05/2008", "01/05/2024", 2025, "K3") == []
    assert h5("02/05/2008", "01/05/2024", 2025) == []  # H5 is no longer the code


# -- CIN census -----------------------------------------------------------------------------

def test_1103_assessment_start_before_referral_is_a_dfe_error() -> None:
    assert RULES["cin:1103"].severity == "error"
    assert _cin("1103", {"CINdetails": [CD()], "Assessments": [
        AS(AssessmentActualStartDate="2024-05-31")]}) == ["row 2:AssessmentActualStartDate"]
    assert _cin("1103", {"CINdetails": [CD()], "Assessments": [
        AS(AssessmentActualStartDate="2024-06-01")]}) == []


def test_1104_icpc_before_referral_is_a_dfe_error() -> None:
    assert _cin("1104", {"CINdetails": [CD()], "Section47": [
        S47(S47ActualStartDate="2024-06-01", DateOfInitialCPC="2024-05-31")]}) == [
        "row 2:DateOfInitialCPC"]
    assert _cin("1104", {"CINdetails": [CD()], "Section47": [S47()]}) == []


def test_1105_cp_plan_start_before_referral_is_a_dfe_error() -> None:
    assert _cin("1105", {"CINdetails": [CD()], "ChildProtectionPlans": [
        CP(CPPstartDate="2024-05-31")]}) == ["row 2:CPPstartDate"]
    assert _cin("1105", {"CINdetails": [CD()], "ChildProtectionPlans": [
        CP(CPPstartDate="2024-06-01")]}) == []


def test_2889_s47_start_before_referral_is_a_dfe_error() -> None:
    assert _cin("2889", {"CINdetails": [CD()], "Section47": [
        S47(S47ActualStartDate="2024-05-31")]}) == ["row 2:S47ActualStartDate"]
    assert _cin("2889", {"CINdetails": [CD()], "Section47": [
        S47(S47ActualStartDate="2024-06-01")]}) == []


def test_8608_assessment_start_after_authorisation_is_a_dfe_error() -> None:
    assert RULES["cin:8608"].severity == "error"
    assert _cin("8608", {"Assessments": [AS(AssessmentAuthorisationDate="2024-06-01")]}) == [
        "row 2:AssessmentAuthorisationDate"]
    assert _cin("8608", {"Assessments": [AS(AssessmentAuthorisationDate="2024-06-02")]}) == []


def test_8750_unborn_child_without_gender_is_8750_not_a_missing_element() -> None:
    unborn = CI(PersonBirthDate=None, ExpectedPersonBirthDate="2025-05-01", Sex=None)
    assert _cin("8750", {"ChildIdentifiers": [unborn]}) == ["row 2:Sex"]
    required = problems("cin", "cin:required", {"ChildIdentifiers": [unborn]}, 2025)
    assert [p for p in required if p.field in ("Sex", "GenderCurrent")] == []
    assert _cin("8750", {"ChildIdentifiers": [{**unborn, "Sex": "U"}]}) == []
    # 8750 is in every year's list, 2025-26 too
    assert _cin("8750", {"ChildIdentifiers": [{**unborn, "Sex": "F"}]}, 2026) == ["row 2:Sex"]
