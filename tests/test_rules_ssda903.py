"""Hand-made cases for every SSDA903 rule: one failing and one passing table each.

Collection year 2025 (1 April 2024 to 31 March 2025) unless a case says otherwise.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_rules_support import Case, check_case


def H(**kw: Any) -> dict[str, Any]:
    return {"CHILD": "1", "SEX": "M", "DOB": "01/01/2010", "ETHNIC": "WBRI",
            "UPN": "A123456789012", "MOTHER": None, "MC_DOB": None, **kw}


def EP(**kw: Any) -> dict[str, Any]:
    return {"CHILD": "1", "DECOM": "01/05/2024", "RNE": "S", "LS": "C2", "CIN": "N1",
            "PLACE": "U4", "PLACE_PROVIDER": "PR1", "DEC": None, "REC": None,
            "REASON_PLACE_CHANGE": None, "HOME_POST": "AB1 2CD", "PL_POST": "AB3 4EF",
            "URN": "SC123456", **kw}


def AD(**kw: Any) -> dict[str, Any]:
    return {"CHILD": "1", "DOB": "01/01/2020", "DATE_INT": "01/06/2024",
            "DATE_MATCH": "01/08/2024", "FOSTER_CARE": "0", "NB_ADOPTR": "2",
            "SEX_ADOPTR": "MF", "LS_ADOPTR": "L11", **kw}


def PA(**kw: Any) -> dict[str, Any]:
    return {"CHILD": "1", "DOB": "01/01/2020", "DATE_PLACED": "01/06/2024",
            "DATE_PLACED_CEASED": None, "REASON_PLACED_CEASED": None, **kw}


def OC2(**kw: Any) -> dict[str, Any]:
    return {"CHILD": "1", "DOB": "01/01/2012", "SDQ_SCORE": "10", "SDQ_REASON": None,
            "CONVICTED": "0", "HEALTH_CHECK": None, "IMMUNISATIONS": "1", "TEETH_CHECK": "1",
            "HEALTH_ASSESSMENT": "1", "SUBSTANCE_MISUSE": "0", "INTERVENTION_RECEIVED": None,
            "INTERVENTION_OFFERED": None, **kw}


def OC3(**kw: Any) -> dict[str, Any]:
    return {"CHILD": "1", "DOB": "01/06/2006", "IN_TOUCH": "YES", "ACTIV": "F1",
            "ACCOM": "B1", **kw}


def MI(**kw: Any) -> dict[str, Any]:
    return {"CHILD": "1", "DOB": "01/01/2010", "MISSING": "M", "MIS_START": "01/06/2024",
            "MIS_END": "03/06/2024", **kw}


def RV(**kw: Any) -> dict[str, Any]:
    return {"CHILD": "1", "DOB": "01/01/2010", "REVIEW": "01/06/2024", "REVIEW_CODE": "PN1",
            **kw}


def C(rule: str, why: str, bad: dict[str, Any], good: dict[str, Any], year: int = 2025) -> Case:
    return Case(f"903:{rule}", why, bad, good, year)


CASES: list[Case] = [
    # -- structure
    C("columns", "episodes file without PLACE", {"Episodes": [EP()]}, {"Episodes": [EP()]}),
    C("child-missing", "blank CHILD in episodes", {"Episodes": [EP(CHILD="  ")]},
      {"Episodes": [EP()]}),
    C("blank", "RNE is required", {"Episodes": [EP(RNE=None)]}, {"Episodes": [EP()]}),
    C("date", "31/02/2024 is not a real date", {"SWEpisodes": [
        {"CHILD": "1", "DOB": "01/01/2010", "SW_ID": "SW1", "SW_DECOM": "31/02/2024"}]},
      {"SWEpisodes": [{"CHILD": "1", "DOB": "01/01/2010", "SW_ID": "SW1",
                       "SW_DECOM": "29/02/2024"}]}),
    C("code", "SW_REASON outside the code set", {"SWEpisodes": [
        {"CHILD": "1", "DOB": "01/01/2010", "SW_ID": "SW1", "SW_DECOM": "01/05/2024",
         "SW_REASON": "SWLAZY"}]},
      {"SWEpisodes": [{"CHILD": "1", "DOB": "01/01/2010", "SW_ID": "SW1",
                       "SW_DECOM": "01/05/2024", "SW_REASON": " PCCHAN "}]}),
    # -- header
    C("101", "SEX 1 is the pre-2025 code", {"Header": [H(SEX="1")]}, {"Header": [H(SEX="F")]}),
    C("101", "M is not a code before 2025", {"Header": [H(SEX="M")]}, {"Header": [H(SEX="1")]},
      2024),
    C("102", "30 February", {"Header": [H(DOB="30/02/2010")]}, {"Header": [H()]}),
    C("103", "blank ethnicity", {"Header": [H(ETHNIC=None)]}, {"Header": [H(ETHNIC="REFU")]}),
    C("168", "UPN with 12 characters", {"Header": [H(UPN="A12345678901")]},
      {"Header": [H(UPN="UN2")]}),
    C("442", "UPN blank", {"Header": [H(UPN=None)]}, {"Header": [H()]}),
    C("171", "MC_DOB not a date", {"Header": [H(SEX="F", MOTHER="1", MC_DOB="2024-01-01")]},
      {"Header": [H(SEX="F", MOTHER="1", MC_DOB="01/01/2024")]}),
    C("174", "a boy with a child's DOB", {"Header": [H(MC_DOB="01/01/2024")]},
      {"Header": [H(SEX="F", MOTHER="1", MC_DOB="01/01/2024")]}),
    C("301", "born 1 April 2025, after the year", {"Header": [H(DOB="01/04/2025")]},
      {"Header": [H(DOB="31/03/2025")]}),
    C("351", "25th birthday on 31 March 2024, before 1 April", {"Header": [H(DOB="31/03/1999")]},
      {"Header": [H(DOB="01/04/1999")]}),
    C("611", "mother without MC_DOB", {"Header": [H(SEX="F", MOTHER="1")]},
      {"Header": [H(SEX="F", MOTHER="0")]}),
    C("612", "girl with MC_DOB but MOTHER 0", {"Header": [H(SEX="F", MOTHER="0",
                                                        MC_DOB="01/01/2024")]},
      {"Header": [H(SEX="F", MOTHER="1", MC_DOB="01/01/2024")]}),
    C("620", "mother aged 10 on 1 April 2024", {"Header": [H(SEX="F", MOTHER="1",
                                                          DOB="02/04/2013",
                                                          MC_DOB="01/01/2025")]},
      {"Header": [H(SEX="F", MOTHER="1", DOB="01/04/2013", MC_DOB="01/01/2025")]}),
    C("621", "mother's child born before her", {"Header": [H(SEX="F", MOTHER="1",
                                                          MC_DOB="01/01/2009")]},
      {"Header": [H(SEX="F", MOTHER="1", MC_DOB="01/01/2024")]}),
    C("625", "first child born after the care ended",
      {"Header": [H(SEX="F", MOTHER="1", MC_DOB="01/02/2025")],
       "Episodes": [EP(DEC="01/01/2025", REC="E8")]},
      {"Header": [H(SEX="F", MOTHER="1", MC_DOB="01/12/2024")],
       "Episodes": [EP(DEC="01/01/2025", REC="E8")]}),
    # -- episodes: codes and dates
    C("141", "DECOM 2024-05-01 is ISO, not dd/mm/yyyy", {"Episodes": [EP(DECOM="2024-05-01")]},
      {"Episodes": [EP(DECOM=" 01/05/2024 ")]}),
    C("143", "RNE X", {"Episodes": [EP(RNE="X")]}, {"Episodes": [EP(RNE="P")]}),
    C("144", "LS C3", {"Episodes": [EP(LS="C3")]}, {"Episodes": [EP(LS="J2")]}),
    C("145", "CIN N9 is CIN-census only", {"Episodes": [EP(CIN="N9")]},
      {"Episodes": [EP(CIN="N8")]}),
    C("146", "H5 dropped from PLACE in 2025", {"Episodes": [EP(PLACE="H5")]},
      {"Episodes": [EP(PLACE="K3")]}),
    C("146", "2026 code set: H5 gone, Z11 new", {"Episodes": [EP(PLACE="H5")]},
      {"Episodes": [EP(PLACE="Z11")]}, 2026),
    C("147", "DEC 31/04/2024", {"Episodes": [EP(DEC="31/04/2024", REC="E8")]},
      {"Episodes": [EP(DEC="30/04/2025", REC="E8")]}),
    C("149", "REC E4", {"Episodes": [EP(DEC="01/06/2024", REC="E4")]},
      {"Episodes": [EP(DEC="01/06/2024", REC="E4A")]}),
    C("178", "PR9", {"Episodes": [EP(PLACE_PROVIDER="PR9")]}, {"Episodes": [EP()]}),
    C("1009", "reason OTHERS", {"Episodes": [EP(REASON_PLACE_CHANGE="OTHERS")]},
      {"Episodes": [EP(REASON_PLACE_CHANGE="OTHER")]}),
    C("148", "DEC without REC", {"Episodes": [EP(DEC="01/06/2024")]},
      {"Episodes": [EP(DEC="01/06/2024", REC="E8")]}),
    C("354", "started 1 April 2025", {"Episodes": [EP(DECOM="01/04/2025")]},
      {"Episodes": [EP(DECOM="31/03/2025")]}),
    C("385", "ceased 1 April 2025", {"Episodes": [EP(DEC="01/04/2025", REC="E8")]},
      {"Episodes": [EP(DEC="31/03/2025", REC="E8")]}),
    C("355", "started and ceased the same day", {"Episodes": [EP(DEC="01/05/2024", REC="E8")]},
      {"Episodes": [EP(DEC="02/05/2024", REC="E8")]}),
    C("356", "ceased the day before it began", {"Episodes": [EP(DEC="30/04/2024", REC="E8")]},
      {"Episodes": [EP(DEC="01/06/2024", REC="E8")]}),
    C("445", "freeing order in 2024", {"Episodes": [EP(LS="D1")]},
      {"Episodes": [EP(LS="D1", DECOM="29/12/2005")]}),
    C("446", "placement order in 2004", {"Episodes": [EP(LS="E1", DECOM="01/01/2004")]},
      {"Episodes": [EP(LS="E1")]}),
    # -- durations
    C("361", "police protection 4 days", {"Episodes": [EP(LS="L1", DEC="05/05/2024", REC="X1")]},
      {"Episodes": [EP(LS="L1", DEC="04/05/2024", REC="X1")]}),
    C("362", "EPO 22 days", {"Episodes": [EP(LS="L2", DEC="23/05/2024", REC="X1")]},
      {"Episodes": [EP(LS="L2", DEC="22/05/2024", REC="X1")]}),
    C("363", "CAO 8 days", {"Episodes": [EP(LS="L3", DEC="09/05/2024", REC="X1")]},
      {"Episodes": [EP(LS="L3", DEC="08/05/2024", REC="X1")]}),
    C("365", "respite 18 days", {"Episodes": [EP(LS="V3", DEC="19/05/2024", REC="E8")]},
      {"Episodes": [EP(LS="V3", DEC="18/05/2024", REC="E8")]}),
    C("375", "hospital 43 days", {"Episodes": [EP(PLACE="T1", DEC="13/06/2024", REC="X1")]},
      {"Episodes": [EP(PLACE="T1", DEC="12/06/2024", REC="X1")]}),
    C("376", "carer's holiday 22 days", {"Episodes": [EP(PLACE="T3", DEC="23/05/2024",
                                                      REC="X1")]},
      {"Episodes": [EP(PLACE="T3", DEC="22/05/2024", REC="X1")]}),
    C("379", "T4 for 8 days", {"Episodes": [EP(PLACE="T4", DEC="09/05/2024", REC="X1")]},
      {"Episodes": [EP(PLACE="T4", DEC="08/05/2024", REC="X1")]}),
    # -- ages (Header DOB 01/01/2010 unless set)
    C("352", "started care aged 18", {"Header": [H(DOB="01/05/2006")], "Episodes": [EP()]},
      {"Header": [H(DOB="02/05/2006")], "Episodes": [EP()]}),
    C("358", "remanded aged 9", {"Header": [H(DOB="02/05/2014")], "Episodes": [EP(LS="J1")]},
      {"Header": [H(DOB="01/05/2014")], "Episodes": [EP(LS="J1")]}),
    C("371", "supported accommodation aged 15", {"Header": [H(DOB="02/05/2008")],
                                                 "Episodes": [EP(PLACE="H5")]},
      {"Header": [H(DOB="01/05/2008")], "Episodes": [EP(PLACE="H5")]}),
    C("372", "custody aged 9", {"Header": [H(DOB="02/05/2014")], "Episodes": [EP(PLACE="R5")]},
      {"Header": [H(DOB="01/05/2014")], "Episodes": [EP(PLACE="R5")]}),
    C("373", "school aged 3", {"Header": [H(DOB="02/05/2020")], "Episodes": [EP(PLACE="S1")]},
      {"Header": [H(DOB="01/05/2020")], "Episodes": [EP(PLACE="S1")]}),
    C("374", "residential employment aged 13", {"Header": [H(DOB="02/05/2010")],
                                                "Episodes": [EP(PLACE="P3")]},
      {"Header": [H(DOB="01/05/2010")], "Episodes": [EP(PLACE="P3")]}),
    C("386", "adopted at 18", {"Header": [H(DOB="01/06/2006")],
                               "Episodes": [EP(DEC="01/06/2024", REC="E11")]},
      {"Header": [H(DOB="02/06/2006")], "Episodes": [EP(DEC="01/06/2024", REC="E11")]}),
    C("387", "independent living at 13", {"Header": [H(DOB="02/06/2010")],
                                          "Episodes": [EP(DEC="01/06/2024", REC="E5")]},
      {"Header": [H(DOB="01/06/2010")], "Episodes": [EP(DEC="01/06/2024", REC="E5")]}),
    C("389", "adult care at 15", {"Header": [H(DOB="02/06/2008")],
                                  "Episodes": [EP(DEC="01/06/2024", REC="E7")]},
      {"Header": [H(DOB="01/06/2008")], "Episodes": [EP(DEC="01/06/2024", REC="E7")]}),
    C("407", "SGO at 18", {"Header": [H(DOB="01/06/2006")],
                           "Episodes": [EP(DEC="01/06/2024", REC="E46")]},
      {"Header": [H(DOB="02/06/2006")], "Episodes": [EP(DEC="01/06/2024", REC="E46")]}),
    C("460", "staying put at 17", {"Header": [H(DOB="02/06/2006")],
                                   "Episodes": [EP(DEC="01/06/2024", REC="E17")]},
      {"Header": [H(DOB="01/06/2006")], "Episodes": [EP(DEC="01/06/2024", REC="E17")]}),
    C("302", "first episode before birth", {"Header": [H(DOB="02/05/2024")], "Episodes": [EP()]},
      {"Header": [H(DOB="01/05/2024")], "Episodes": [EP()]}),
    # -- code combinations
    C("366", "V3 episode that is a placement move", {"Episodes": [EP(LS="V3", RNE="P")]},
      {"Episodes": [EP(LS="V3", RNE="S")]}),
    C("378", "placed with parents under s20", {"Episodes": [EP(LS="V2", PLACE="P1",
                                                           PLACE_PROVIDER="PR0")]},
      {"Episodes": [EP(LS="C2", PLACE="P1", PLACE_PROVIDER="PR0")]}),
    C("380", "care starts in a temporary placement", {"Episodes": [EP(PLACE="T0",
                                                                    PLACE_PROVIDER=None)]},
      {"Episodes": [EP(RNE="P", PLACE="T0", PLACE_PROVIDER=None)]}),
    C("381", "care ends in a temporary placement",
      {"Episodes": [EP(RNE="P", PLACE="T2", PLACE_PROVIDER=None, DEC="03/05/2024", REC="E8")]},
      {"Episodes": [EP(RNE="P", PLACE="T2", PLACE_PROVIDER=None, DEC="03/05/2024", REC="X1")]}),
    C("382", "respite in a temporary placement", {"Episodes": [EP(LS="V4", PLACE="T0",
                                                                PLACE_PROVIDER=None)]},
      {"Episodes": [EP(LS="V4", PLACE="U6")]}),
    C("384", "respite in long-term fostering", {"Episodes": [EP(LS="V3", PLACE="U1")]},
      {"Episodes": [EP(LS="V3", PLACE="U3")]}),
    C("213", "provider given for a temporary placement", {"Episodes": [EP(RNE="P", PLACE="T1")]},
      {"Episodes": [EP(RNE="P", PLACE="T1", PLACE_PROVIDER=None)]}),
    C("226", "reason for change given for a temporary placement",
      {"Episodes": [EP(RNE="P", PLACE="T1", PLACE_PROVIDER=None, REASON_PLACE_CHANGE="CARPL")]},
      {"Episodes": [EP(RNE="P", PLACE="U4", REASON_PLACE_CHANGE="CARPL")]}),
    C("527", "own provision for a young offender institution",
      {"Episodes": [EP(PLACE="R5", PLACE_PROVIDER="PR1")]},
      {"Episodes": [EP(PLACE="R5", PLACE_PROVIDER="PR3")]}),
    C("528", "other LA provision for NHS care", {"Episodes": [EP(PLACE="R2",
                                                                PLACE_PROVIDER="PR2")]},
      {"Episodes": [EP(PLACE="R2", PLACE_PROVIDER="PR3")]}),
    C("529", "other public body providing foster care", {"Episodes": [EP(PLACE_PROVIDER="PR3")]},
      {"Episodes": [EP(PLACE_PROVIDER="PR4")]}),
    C("530", "private provider placing with parents", {"Episodes": [EP(PLACE="P1",
                                                                       PLACE_PROVIDER="PR4")]},
      {"Episodes": [EP(PLACE="P1", PLACE_PROVIDER="PR0")]}),
    C("531", "voluntary provider placing with parents",
      {"Episodes": [EP(PLACE="P1", PLACE_PROVIDER="PR5")]},
      {"Episodes": [EP(PLACE="U4", PLACE_PROVIDER="PR5")]}),
    C("550", "PR0 for a foster placement", {"Episodes": [EP(PLACE_PROVIDER="PR0")]},
      {"Episodes": [EP(PLACE="P1", PLACE_PROVIDER="PR0")]}),
    # -- sequences
    C("142", "first episode left open before the second",
      {"Episodes": [EP(), EP(DECOM="01/06/2024", RNE="P")]},
      {"Episodes": [EP(DEC="01/06/2024", REC="X1"), EP(DECOM="01/06/2024", RNE="P")]}),
    C("501", "second starts before the first ended",
      {"Episodes": [EP(DEC="10/06/2024", REC="X1"), EP(DECOM="01/06/2024", RNE="P")]},
      {"Episodes": [EP(DEC="01/06/2024", REC="X1"), EP(DECOM="01/06/2024", RNE="P")]}),
    C("388", "X1 with no episode starting that day",
      {"Episodes": [EP(DEC="01/06/2024", REC="X1"), EP(DECOM="02/06/2024", RNE="P")]},
      {"Episodes": [EP(DEC="01/06/2024", REC="X1"), EP(DECOM="01/06/2024", RNE="P")]}),
    C("504", "category of need changes within a period",
      {"Episodes": [EP(DEC="01/06/2024", REC="X1"), EP(DECOM="01/06/2024", RNE="P", CIN="N4")]},
      {"Episodes": [EP(DEC="01/06/2024", REC="X1"), EP(DECOM="01/06/2024", RNE="P")]}),
    # -- adoption
    C("112", "DATE_INT 00/06/2024", {"AD1": [AD(DATE_INT="00/06/2024")]}, {"AD1": [AD()]}),
    C("113", "DATE_MATCH 2024-08-01", {"AD1": [AD(DATE_MATCH="2024-08-01")]}, {"AD1": [AD()]}),
    C("114", "FOSTER_CARE yes", {"AD1": [AD(FOSTER_CARE="yes")]}, {"AD1": [AD(FOSTER_CARE="1")]}),
    C("175", "three adopters", {"AD1": [AD(NB_ADOPTR="3")]}, {"AD1": [AD()]}),
    C("176", "SEX_ADOPTR M2", {"AD1": [AD(SEX_ADOPTR="M2")]}, {"AD1": [AD()]}),
    C("177", "LS_ADOPTR L1", {"AD1": [AD(LS_ADOPTR="L1")]}, {"AD1": [AD()]}),
    C("115", "DATE_PLACED 32/01/2024", {"PlacedAdoption": [PA(DATE_PLACED="32/01/2024")]},
      {"PlacedAdoption": [PA()]}),
    C("116", "DATE_PLACED_CEASED 1/13/2024", {"PlacedAdoption": [PA(
        DATE_PLACED_CEASED="01/13/2024", REASON_PLACED_CEASED="RD1")]},
      {"PlacedAdoption": [PA(DATE_PLACED_CEASED="01/12/2024", REASON_PLACED_CEASED="RD1")]}),
    C("120", "reason RD5", {"PlacedAdoption": [PA(DATE_PLACED_CEASED="01/12/2024",
                                                  REASON_PLACED_CEASED="RD5")]},
      {"PlacedAdoption": [PA(DATE_PLACED_CEASED="01/12/2024", REASON_PLACED_CEASED="RD4")]}),
    C("119", "ceased date without reason", {"PlacedAdoption": [PA(
        DATE_PLACED_CEASED="01/12/2024")]}, {"PlacedAdoption": [PA()]}),
    C("151", "AD1 with LS_ADOPTR missing", {"AD1": [AD(LS_ADOPTR=None)]},
      {"AD1": [AD(**dict.fromkeys(("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR",
                                   "SEX_ADOPTR", "LS_ADOPTR")))]}),
    C("184", "decision before birth", {"Header": [H(DOB="01/07/2024")],
                                       "PlacedAdoption": [PA()]},
      {"Header": [H(DOB="01/06/2024")], "PlacedAdoption": [PA()]}),
    C("333", "should be placed after matching", {"AD1": [AD(DATE_INT="02/08/2024")]},
      {"AD1": [AD(DATE_INT="01/08/2024")]}),
    C("522", "decision reversed before it was made",
      {"PlacedAdoption": [PA(DATE_PLACED_CEASED="31/05/2024", REASON_PLACED_CEASED="RD1")]},
      {"PlacedAdoption": [PA(DATE_PLACED_CEASED="01/06/2024", REASON_PLACED_CEASED="RD1")]}),
    C("523", "AD1 and PlacedAdoption dates differ", {"AD1": [AD()], "PlacedAdoption": [
        PA(DATE_PLACED="02/06/2024")]}, {"AD1": [AD()], "PlacedAdoption": [PA()]}),
    C("511", "two adopters coded M1", {"AD1": [AD(SEX_ADOPTR="M1")]}, {"AD1": [AD()]}),
    C("514", "single adopter coded as a couple", {"AD1": [AD(LS_ADOPTR="L0")]},
      {"AD1": [AD(LS_ADOPTR="L0", NB_ADOPTR="1", SEX_ADOPTR="F1")]}),
    C("517", "unmarried mixed couple coded FF", {"AD1": [AD(LS_ADOPTR="L3", SEX_ADOPTR="FF")]},
      {"AD1": [AD(LS_ADOPTR="L3")]}),
    C("518", "unmarried same-sex couple coded MF", {"AD1": [AD(LS_ADOPTR="L4")]},
      {"AD1": [AD(LS_ADOPTR="L4", SEX_ADOPTR="MM")]}),
    C("519", "civil partners coded F1", {"AD1": [AD(LS_ADOPTR="L2", SEX_ADOPTR="F1")]},
      {"AD1": [AD(LS_ADOPTR="L2", SEX_ADOPTR="FF")]}),
    C("520", "mixed married couple coded MM", {"AD1": [AD(SEX_ADOPTR="MM")]}, {"AD1": [AD()]}),
    C("524", "same-sex married couple coded MF", {"AD1": [AD(LS_ADOPTR="L12")]},
      {"AD1": [AD(LS_ADOPTR="L12", SEX_ADOPTR="FF")]}),
    C("601", "adopted in the year without AD1", {"Episodes": [EP(DEC="01/09/2024", REC="E11")],
                                                 "AD1": []},
      {"Episodes": [EP(DEC="01/09/2024", REC="E11")], "AD1": [AD()]}),
    C("602", "AD1 for a child not adopted", {"Episodes": [EP()], "AD1": [AD()]},
      {"Episodes": [EP(DEC="01/09/2024", REC="E12")], "AD1": [AD()]}),
    # -- OC2
    C("196", "SDQ6", {"OC2": [OC2(SDQ_SCORE=None, SDQ_REASON="SDQ6")]},
      {"OC2": [OC2(SDQ_SCORE=None, SDQ_REASON="SDQ5")]}),
    C("180", "SDQ score 41", {"OC2": [OC2(SDQ_SCORE="41")]}, {"OC2": [OC2(SDQ_SCORE="40")]}),
    C("181", "CONVICTED 2", {"OC2": [OC2(CONVICTED="2")]}, {"OC2": [OC2()]}),
    C("158", "received and offered", {"OC2": [OC2(SUBSTANCE_MISUSE="1",
                                                  INTERVENTION_RECEIVED="1",
                                                  INTERVENTION_OFFERED="1")]},
      {"OC2": [OC2(SUBSTANCE_MISUSE="1", INTERVENTION_RECEIVED="1")]}),
    C("159", "not received, offered blank", {"OC2": [OC2(SUBSTANCE_MISUSE="1",
                                                        INTERVENTION_RECEIVED="0")]},
      {"OC2": [OC2(SUBSTANCE_MISUSE="1", INTERVENTION_RECEIVED="0",
                   INTERVENTION_OFFERED="1")]}),
    C("192", "misuse but received blank", {"OC2": [OC2(SUBSTANCE_MISUSE="1")]},
      {"OC2": [OC2(SUBSTANCE_MISUSE="1", INTERVENTION_RECEIVED="1")]}),
    C("193", "no misuse but an intervention", {"OC2": [OC2(INTERVENTION_RECEIVED="1")]},
      {"OC2": [OC2()]}),
    C("197a", "score and reason", {"OC2": [OC2(SDQ_REASON="SDQ1")]}, {"OC2": [OC2()]}),
    C("188", "SDQ for a 3-year-old", {"OC2": [OC2(DOB="01/04/2021", CONVICTED=None)]},
      {"OC2": [OC2(DOB="31/03/2021", CONVICTED=None)]}),
    C("189", "SDQ for a 17-year-old", {"OC2": [OC2(DOB="01/04/2007")]},
      {"OC2": [OC2(DOB="02/04/2007")]}),
    C("542", "conviction item for a 9-year-old", {"OC2": [OC2(DOB="01/04/2015")]},
      {"OC2": [OC2(DOB="31/03/2015")]}),
    C("546", "health check for a 5-year-old", {"OC2": [OC2(DOB="31/03/2020", CONVICTED=None,
                                                           HEALTH_CHECK="1")]},
      {"OC2": [OC2(DOB="01/04/2020", CONVICTED=None, HEALTH_CHECK="1")]}),
    C("544", "conviction without teeth check", {"OC2": [OC2(CONVICTED="1", TEETH_CHECK=None)]},
      {"OC2": [OC2(CONVICTED="1")]}),
    C("544", "only CONVICTED 1 asks for the health items (DfE: CONVICTED == '1')",
      {"OC2": [OC2(CONVICTED="1", SUBSTANCE_MISUSE=None)]},
      {"OC2": [OC2(CONVICTED="0", SUBSTANCE_MISUSE=None)]}),
    C("547", "health check without immunisations", {"OC2": [OC2(
        DOB="01/01/2022", CONVICTED=None, HEALTH_CHECK="1", IMMUNISATIONS=None)]},
      {"OC2": [OC2(DOB="01/01/2022", CONVICTED=None, HEALTH_CHECK="1")]}),
    C("547", "only HEALTH_CHECK 1 asks for the health items (DfE: HEALTH_CHECK == '1')",
      {"OC2": [OC2(DOB="01/01/2022", CONVICTED=None, HEALTH_CHECK="1",
                   SUBSTANCE_MISUSE=None)]},
      {"OC2": [OC2(DOB="01/01/2022", CONVICTED=None, HEALTH_CHECK="0",
                   SUBSTANCE_MISUSE=None)]}),
    # -- OC3
    C("131", "IN_TOUCH Y", {"OC3": [OC3(IN_TOUCH="Y")]}, {"OC3": [OC3()]}),
    C("132", "ACTIV G3", {"OC3": [OC3(ACTIV="G3")]}, {"OC3": [OC3(ACTIV="G6")]}),
    C("133", "ACCOM Z3", {"OC3": [OC3(ACCOM="Z3")]}, {"OC3": [OC3(ACCOM="Z2")]}),
    C("153", "in touch but ACCOM blank", {"OC3": [OC3(ACCOM=None)]},
      {"OC3": [OC3(IN_TOUCH=None, ACTIV=None, ACCOM=None)]}),
    C("153", "died: ACTIV and ACCOM blank is what rule 344 asks, not a 153 error",
      {"OC3": [OC3(IN_TOUCH="YES", ACTIV=None, ACCOM=None)]},
      {"OC3": [OC3(IN_TOUCH="DIED", ACTIV=None, ACCOM=None),
               OC3(CHILD="2", IN_TOUCH="RHOM", ACTIV=None, ACCOM=None)]}),
    C("344", "died but activity given", {"OC3": [OC3(IN_TOUCH="DIED", ACCOM=None)]},
      {"OC3": [OC3(IN_TOUCH="DIED", ACTIV=None, ACCOM=None)]}),
    C("345", "in touch but accommodation 0", {"OC3": [OC3(ACCOM="0")]}, {"OC3": [OC3()]}),
    C("391", "care leaver aged 23", {"OC3": [OC3(DOB="01/06/2001")]},
      {"OC3": [OC3(DOB="01/06/2003")]}),
    C("134", "care leaver with AD1 data", {"OC3": [OC3()], "AD1": [AD()]},
      {"OC3": [OC3()], "AD1": [AD(CHILD="2")]}),
    C("215", "care leaver with OC2 items", {"OC3": [OC3()], "OC2": [OC2()]},
      {"OC3": [OC3()], "OC2": [OC2(CHILD="2")]}),
    # -- missing
    C("1004", "MIS_START 2024/06/01", {"Missing": [MI(MIS_START="2024/06/01")]},
      {"Missing": [MI()]}),
    C("1005", "MIS_END 31/06/2024", {"Missing": [MI(MIS_END="31/06/2024")]},
      {"Missing": [MI(MIS_END=None)]}),
    C("1006", "MISSING X", {"Missing": [MI(MISSING="X")]}, {"Missing": [MI(MISSING="A")]}),
    C("564", "missing without a start", {"Missing": [MI(MIS_START=None)]}, {"Missing": [MI()]}),
    C("565", "start without missing type", {"Missing": [MI(MISSING=None, MIS_END=None)]},
      {"Missing": [MI(MIS_END=None)]}),
    C("566", "end without missing type", {"Missing": [MI(MISSING=None)]}, {"Missing": [MI()]}),
    C("567", "ended before it started", {"Missing": [MI(MIS_END="31/05/2024")]},
      {"Missing": [MI(MIS_END="01/06/2024")]}),
    C("570", "started after the year", {"Missing": [MI(MIS_START="01/04/2025", MIS_END=None)]},
      {"Missing": [MI(MIS_START="31/03/2025", MIS_END=None)]}),
    C("571", "ended before the year", {"Missing": [MI(MIS_START="01/03/2024",
                                                       MIS_END="31/03/2024")]},
      {"Missing": [MI(MIS_START="01/03/2024", MIS_END="01/04/2024")]}),
    C("574", "second period starts while the first is open",
      {"Missing": [MI(MIS_END=None), MI(MIS_START="05/06/2024", MIS_END="06/06/2024")]},
      {"Missing": [MI(), MI(MIS_START="05/06/2024", MIS_END="06/06/2024")]}),
    C("586", "missing before birth", {"Missing": [MI(DOB="02/06/2024")]},
      {"Missing": [MI(DOB="01/06/2024")]}),
    # -- reviews, UASC, previous permanence
    C("166", "review date blank", {"Reviews": [RV(REVIEW=None)]}, {"Reviews": [RV()]}),
    C("167", "participation PN8", {"Reviews": [RV(REVIEW_CODE="PN8")]}, {"Reviews": [RV()]}),
    C("440", "PN0 for a child of 4", {"Reviews": [RV(DOB="01/06/2020", REVIEW_CODE="PN0")]},
      {"Reviews": [RV(DOB="02/06/2020", REVIEW_CODE="PN0")]}),
    C("441", "PN3 for a child of 3", {"Reviews": [RV(DOB="02/06/2020", REVIEW_CODE="PN3")]},
      {"Reviews": [RV(DOB="01/06/2020", REVIEW_CODE="PN3")]}),
    C("104", "DUC 2024-06-01", {"UASC": [{"CHILD": "1", "SEX": "M", "DOB": "01/01/2010",
                                          "DUC": "2024-06-01"}]},
      {"UASC": [{"CHILD": "1", "SEX": "M", "DOB": "01/01/2010", "DUC": "01/06/2024"}]}),
    C("631", "PREV_PERM P5", {"PrevPerm": [{"CHILD": "1", "DOB": "01/01/2010",
                                             "PREV_PERM": "P5"}]},
      {"PrevPerm": [{"CHILD": "1", "DOB": "01/01/2010", "PREV_PERM": "Z1"}]}),
    C("635", "Z1 with an order date", {"PrevPerm": [{"CHILD": "1", "DOB": "01/01/2010",
                                                     "PREV_PERM": "Z1",
                                                     "DATE_PERM": "01/01/2015"}]},
      {"PrevPerm": [{"CHILD": "1", "DOB": "01/01/2010", "PREV_PERM": "P1",
                     "DATE_PERM": "01/01/2015", "LA_PERM": "201"}]}),
    # -- across years
    C("202", "sex 2 last year, M now", {"Header": [H()], "Header_last": [H(SEX="2")]},
      {"Header": [H()], "Header_last": [H(SEX="1")]}),
    C("203", "date of birth changed", {"Header": [H()], "Header_last": [H(DOB="02/01/2010")]},
      {"Header": [H()], "Header_last": [H()]}),
    C("204", "ethnicity changed", {"Header": [H()], "Header_last": [H(ETHNIC="WIRI")]},
      {"Header": [H()], "Header_last": [H()]}),
    C("208", "UPN changed", {"Header": [H()], "Header_last": [H(UPN="B123456789012")]},
      {"Header": [H()], "Header_last": [H(UPN="UN3")]}),
    C("624", "first child's DOB changed",
      {"Header": [H(SEX="F", MOTHER="1", MC_DOB="01/01/2024")],
       "Header_last": [H(SEX="2", MOTHER="1", MC_DOB="02/01/2024")]},
      {"Header": [H(SEX="F", MOTHER="1", MC_DOB="01/01/2024")],
       "Header_last": [H(SEX="2", MOTHER="1", MC_DOB="01/01/2024")]}),
    C("502", "open episode from last year restarted on another date",
      {"Episodes": [EP(DECOM="02/03/2024")], "Episodes_last": [EP(DECOM="01/03/2024")]},
      {"Episodes": [EP(DECOM="01/03/2024")], "Episodes_last": [EP(DECOM="01/03/2024")]}),
    C("503A", "RNE changed on the carried-over episode",
      {"Episodes": [EP(DECOM="01/03/2024", RNE="P")], "Episodes_last": [EP(DECOM="01/03/2024")]},
      {"Episodes": [EP(DECOM="01/03/2024")], "Episodes_last": [EP(DECOM="01/03/2024")]}),
    C("503B", "LS changed on the carried-over episode",
      {"Episodes": [EP(DECOM="01/03/2024", LS="C1")], "Episodes_last": [EP(DECOM="01/03/2024")]},
      {"Episodes": [EP(DECOM="01/03/2024")], "Episodes_last": [EP(DECOM="01/03/2024")]}),
    C("503C", "CIN changed on the carried-over episode",
      {"Episodes": [EP(DECOM="01/03/2024", CIN="N2")], "Episodes_last": [EP(DECOM="01/03/2024")]},
      {"Episodes": [EP(DECOM="01/03/2024")], "Episodes_last": [EP(DECOM="01/03/2024")]}),
    C("503D", "PLACE changed on the carried-over episode",
      {"Episodes": [EP(DECOM="01/03/2024", PLACE="U5")],
       "Episodes_last": [EP(DECOM="01/03/2024")]},
      {"Episodes": [EP(DECOM="01/03/2024")], "Episodes_last": [EP(DECOM="01/03/2024")]}),
    C("503D", "H5 last year returned as K3 from 2025 (the code that replaced it)",
      {"Episodes": [EP(DECOM="01/03/2024", PLACE="K2")],
       "Episodes_last": [EP(DECOM="01/03/2024", PLACE="H5")]},
      {"Episodes": [EP(DECOM="01/03/2024", PLACE="K3")],
       "Episodes_last": [EP(DECOM="01/03/2024", PLACE="H5")]}),
    C("503E", "provider changed on the carried-over episode",
      {"Episodes": [EP(DECOM="01/03/2024", PLACE_PROVIDER="PR2")],
       "Episodes_last": [EP(DECOM="01/03/2024")]},
      {"Episodes": [EP(DECOM="01/03/2024")], "Episodes_last": [EP(DECOM="01/03/2024")]}),
    C("503F", "URN changed on the carried-over episode",
      {"Episodes": [EP(DECOM="01/03/2024", URN="SC999999")],
       "Episodes_last": [EP(DECOM="01/03/2024")]},
      {"Episodes": [EP(DECOM="01/03/2024")], "Episodes_last": [EP(DECOM="01/03/2024")]}),
    # -- consistency
    C("INT21", "UASC sex differs from the Header",
      {"Header": [H()], "UASC": [{"CHILD": "1", "SEX": "F", "DOB": "01/01/2010"}]},
      {"Header": [H()], "UASC": [{"CHILD": "1", "SEX": "M", "DOB": "01/01/2010"}]}),
]

_ROW = {"AD1": AD, "PlacedAdoption": PA, "Episodes": EP, "Missing": MI, "OC2": OC2, "OC3": OC3,
        "PrevPerm": lambda **kw: {"CHILD": "1", "DOB": "01/01/2010", "PREV_PERM": "Z1", **kw},
        "Reviews": RV, "UASC": lambda **kw: {"CHILD": "1", "SEX": "M", "DOB": "01/01/2010", **kw},
        "Header": H}
for _id, _t in {"INT01": "AD1", "INT02": "PlacedAdoption", "INT03": "Episodes",
                "INT04": "Missing", "INT05": "OC2", "INT06": "OC3", "INT07": "PrevPerm",
                "INT08": "Reviews", "INT09": "UASC"}.items():
    CASES.append(C(_id, f"child 2 in {_t} but not in the Header",
                   {"Header": [H()], _t: [_ROW[_t](CHILD="2")]},
                   {"Header": [H()], _t: [_ROW[_t]()]}))
for _id, _t in {"INT11": "AD1", "INT12": "PlacedAdoption", "INT13": "Missing", "INT14": "OC2",
                "INT15": "OC3", "INT16": "PrevPerm", "INT17": "Reviews",
                "INT18": "UASC"}.items():
    CASES.append(C(_id, f"{_t} DOB differs from the Header",
                   {"Header": [H()], _t: [_ROW[_t](DOB="02/01/2010")]},
                   {"Header": [H()], _t: [_ROW[_t](DOB="01/01/2010")]}))
for _id, _t in {"INT31": "AD1", "INT32": "Header", "INT33": "OC2", "INT34": "OC3",
                "INT35": "PrevPerm", "INT36": "UASC"}.items():
    CASES.append(C(_id, f"child twice in {_t}", {_t: [_ROW[_t](), _ROW[_t]()]},
                   {_t: [_ROW[_t](), _ROW[_t](CHILD="2")]}))

CASES += [
    Case("lantern:sw-episode-end-before-start", "social worker episode ends a day early",
         {"SWEpisodes": [{"CHILD": "1", "DOB": "01/01/2010", "SW_ID": "SW1",
                          "SW_DECOM": "02/05/2024", "SW_DEC": "01/05/2024"}]},
         {"SWEpisodes": [{"CHILD": "1", "DOB": "01/01/2010", "SW_ID": "SW1",
                          "SW_DECOM": "02/05/2024", "SW_DEC": "02/05/2024"}]}),
    Case("lantern:placed-adoption-after-ceased-care", "decision after care ended",
         {"Episodes": [EP(DEC="01/06/2024", REC="E8")],
          "PlacedAdoption": [PA(DATE_PLACED="02/06/2024")]},
         {"Episodes": [EP(DEC="01/06/2024", REC="E8")], "PlacedAdoption": [PA()]}),
]

for _c in CASES:
    if _c.rule_id == "903:columns":
        _c.extra["drop_columns"] = {"Episodes": ["PLACE"]}


def _id(c: Case) -> str:
    return f"{c.rule_id}-{c.why[:30]}"


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_rule_case(case: Case) -> None:
    check_case("ssda903", case)
