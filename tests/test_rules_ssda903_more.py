"""Hand-made cases for the SSDA903 rules added for issue #19 (placements, decisions to
place for adoption, care leavers, the mother field, SDQ, social workers, previous
permanence): one failing and one passing table each, the passing one at the boundary
where there is one.

Collection year 2025 (1 April 2024 to 31 March 2025) unless a case says otherwise.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_rules_ssda903 import AD, EP, OC2, OC3, PA, RV, C, H
from tests.test_rules_support import Case, check_case


def SW(**kw: Any) -> dict[str, Any]:
    return {"CHILD": "1", "DOB": "01/01/2010", "SW_ID": "SW1", "SW_DECOM": "01/05/2024",
            "SW_DEC": None, "SW_REASON": None, **kw}


def PP(**kw: Any) -> dict[str, Any]:
    return {"CHILD": "1", "DOB": "01/01/2010", "PREV_PERM": "Z1", "LA_PERM": None,
            "DATE_PERM": None, **kw}


UASC = {"CHILD": "1", "SEX": "M", "DOB": "01/01/2010", "DUC": "01/06/2024"}
CEASED = {"DEC": "01/06/2024", "REC": "X1"}
MOVED = {"DECOM": "01/06/2024", "RNE": "P"}
# Looked after since January 2023: in the 12-month cohort at 31 March 2025.
LONG = [EP(DECOM="01/01/2023")]
NO_SDQ = {"SDQ_SCORE": None, "SDQ_REASON": None}

CASES: list[Case] = [
    # -- placements, one episode at a time
    C("408", "A5 without a placement order", {"Episodes": [EP(PLACE="A5")]},
      {"Episodes": [EP(PLACE="A5", LS="E1")]}),
    C("390", "adopted from a foster placement",
      {"Episodes": [EP(DEC="01/06/2024", REC="E11")]},
      {"Episodes": [EP(DEC="01/06/2024", REC="E11", PLACE="A4")]}),
    C("516", "special guardianship to former foster carers from P1",
      {"Episodes": [EP(DEC="01/06/2024", REC="E45", PLACE="P1")]},
      {"Episodes": [EP(DEC="01/06/2024", REC="E45", PLACE="U1")]}),
    C("214", "short break with a placement postcode", {"Episodes": [EP(LS="V3", URN=None)]},
      {"Episodes": [EP(LS="V3", PL_POST=None, URN=None)]}),
    C("398", "short break with the postcodes a distance comes from",
      {"Episodes": [EP(LS="V4", PL_POST=None)]},
      {"Episodes": [EP(LS="V4", HOME_POST=None, PL_POST=None)]}),
    C("217", "foster-to-adopt on 01/04/2015 as a change of placement",
      {"Episodes": [EP(PLACE="A5", RNE="P", DECOM="01/04/2015")]},
      {"Episodes": [EP(PLACE="A5", RNE="P", DECOM="31/03/2015")]}),
    C("217", "A3 as a change of placement", {"Episodes": [EP(PLACE="A3", RNE="P")]},
      {"Episodes": [EP(PLACE="A3", RNE="T")]}),
    C("222", "a children's home URN on a residential school placement",
      {"Episodes": [EP(PLACE="R1")]}, {"Episodes": [EP(PLACE="R1", URN="XXXXXXX")]}),
    C("222", "P2 had no URN in 2023-24", {"Episodes": [EP(PLACE="P2")]},
      {"Episodes": [EP(PLACE="K2")]}, 2024),
    C("526", "foster placement without a provider", {"Episodes": [EP(PLACE_PROVIDER=None)]},
      {"Episodes": [EP(PLACE="T1", PLACE_PROVIDER=None)]}),
    # -- durations
    C("364", "PACE transfer of 22 days",
      {"Episodes": [EP(LS="J2", DEC="23/05/2024", REC="E8")]},
      {"Episodes": [EP(LS="J2", DEC="22/05/2024", REC="E8")]}),
    C("364", "PACE transfer still open at 31 March",
      {"Episodes": [EP(LS="J2", DECOM="09/03/2025")]},
      {"Episodes": [EP(LS="J2", DECOM="10/03/2025")]}),
    C("367", "76 days of respite in the year",
      {"Episodes": [EP(LS="V3", DEC="16/07/2024", REC="E8")]},
      {"Episodes": [EP(LS="V3", DEC="15/07/2024", REC="E8")]}),
    C("367", "respite from last year counts from 1 April only",
      {"Episodes": [EP(LS="V3", DECOM="01/03/2024", DEC="16/06/2024", REC="E8")]},
      {"Episodes": [EP(LS="V3", DECOM="01/03/2024", DEC="15/06/2024", REC="E8")]}),
    C("377", "three holidays of the foster carers",
      {"Episodes": [EP(PLACE="T3", DECOM=f"0{m}/05/2024") for m in (1, 2, 3)]},
      {"Episodes": [EP(PLACE="T3", DECOM=f"0{m}/05/2024") for m in (1, 2)]}),
    # -- a child's episodes in order
    C("336", "placed for adoption straight from a children's home",
      {"Episodes": [EP(PLACE="K2", **CEASED), EP(PLACE="A4", **MOVED)]},
      {"Episodes": [EP(PLACE="U3", **CEASED), EP(PLACE="A4", **MOVED)]}),
    C("383", "back from hospital to another placement",
      {"Episodes": [EP(**CEASED), EP(PLACE="T1", **MOVED, DEC="10/06/2024", REC="X1"),
                    EP(DECOM="10/06/2024", RNE="P", PLACE="U5")]},
      {"Episodes": [EP(**CEASED), EP(PLACE="T1", **MOVED, DEC="10/06/2024", REC="X1"),
                    EP(DECOM="10/06/2024", RNE="P")]}),
    C("383", "back from hospital to the same placement type elsewhere, from 2025-26",
      {"Episodes": [EP(DECOM="01/05/2025", DEC="01/06/2025", REC="X1"),
                    EP(PLACE="T1", DECOM="01/06/2025", RNE="P", DEC="10/06/2025", REC="X1"),
                    EP(DECOM="10/06/2025", RNE="P", PL_POST="ZZ9 9ZZ")]},
      {"Episodes": [EP(DECOM="01/05/2025", DEC="01/06/2025", REC="X1"),
                    EP(PLACE="T1", DECOM="01/06/2025", RNE="P", DEC="10/06/2025", REC="X1"),
                    EP(DECOM="10/06/2025", RNE="P")]}, 2026),
    C("383", "another postcode is no error before 2025-26",
      {"Episodes": [EP(**CEASED), EP(PLACE="T1", **MOVED, DEC="10/06/2024", REC="X1"),
                    EP(DECOM="10/06/2024", RNE="B")]},
      {"Episodes": [EP(**CEASED), EP(PLACE="T1", **MOVED, DEC="10/06/2024", REC="X1"),
                    EP(DECOM="10/06/2024", RNE="P", PL_POST="ZZ9 9ZZ")]}),
    C("225", "a move without its reason", {"Episodes": [EP(**CEASED), EP(PLACE="U5", **MOVED)]},
      {"Episodes": [EP(**CEASED, REASON_PLACE_CHANGE="CARPL"), EP(PLACE="U5", **MOVED)]}),
    C("437", "an episode after the child turned 18 and left",
      {"Episodes": [EP(DEC="01/06/2024", REC="E15"), EP(DECOM="01/07/2024")]},
      {"Episodes": [EP(DEC="01/06/2024", REC="E15")]}),
    C("357", "first episode in the year is a change of placement",
      {"Episodes": [EP(RNE="P", DECOM="01/04/2024")]},
      {"Episodes": [EP(RNE="P", DECOM="31/03/2024")]}),
    C("359", "18 the day before 31 March and still in foster care",
      {"Header": [H(DOB="30/03/2007")], "Episodes": [EP(DECOM="01/01/2020")]},
      {"Header": [H(DOB="31/03/2007")], "Episodes": [EP(DECOM="01/01/2020")]}),
    C("359", "an 18-year-old under section 20(5) in a community home",
      {"Header": [H(DOB="01/01/2006")], "Episodes": [EP(DECOM="01/01/2020", LS="V2")]},
      {"Header": [H(DOB="01/01/2006")], "Episodes": [EP(DECOM="01/01/2020", LS="V2",
                                                         PLACE="K2")]}),
    # -- the decision to place for adoption
    C("117", "decision after 31 March", {"PlacedAdoption": [PA(DATE_PLACED="01/04/2025")]},
      {"PlacedAdoption": [PA(DATE_PLACED="31/03/2025")]}),
    C("117", "decision ceased after care ended",
      {"Episodes": [EP(DEC="01/06/2024", REC="E8")],
       "PlacedAdoption": [PA(DATE_PLACED="01/05/2024", DATE_PLACED_CEASED="02/06/2024")]},
      {"Episodes": [EP(DEC="01/06/2024", REC="E8")],
       "PlacedAdoption": [PA(DATE_PLACED="01/05/2024", DATE_PLACED_CEASED="01/06/2024")]}),
    C("118", "decision ceased before care began",
      {"Episodes": [EP()], "PlacedAdoption": [PA(DATE_PLACED_CEASED="30/04/2024")]},
      {"Episodes": [EP()], "PlacedAdoption": [PA(DATE_PLACED_CEASED="01/05/2024")]}),
    C("118", "decision ceased before the year",
      {"Episodes": [EP(DECOM="01/01/2024")],
       "PlacedAdoption": [PA(DATE_PLACED_CEASED="31/03/2024")]},
      {"Episodes": [EP(DECOM="01/01/2024")],
       "PlacedAdoption": [PA(DATE_PLACED_CEASED="01/04/2024")]}),
    C("1003", "decision the day before care began",
      {"Episodes": [EP()], "PlacedAdoption": [PA(DATE_PLACED="30/04/2024")]},
      {"Episodes": [EP()], "PlacedAdoption": [PA(DATE_PLACED="01/05/2024")]}),
    C("552", "decision after the adoption placement",
      {"Episodes": [EP(**CEASED), EP(PLACE="A4", **MOVED)],
       "PlacedAdoption": [PA(DATE_PLACED="02/06/2024")]},
      {"Episodes": [EP(**CEASED), EP(PLACE="A4", **MOVED)],
       "PlacedAdoption": [PA(DATE_PLACED="01/06/2024")]}),
    C("554", "decision after the placement order",
      {"Episodes": [EP(LS="E1")], "PlacedAdoption": [PA(DATE_PLACED="02/05/2024")]},
      {"Episodes": [EP(LS="E1")], "PlacedAdoption": [PA(DATE_PLACED="01/05/2024")]}),
    C("557", "left care from an adoption placement, decision still open",
      {"Episodes": [EP(PLACE="A4", DEC="01/07/2024", REC="E8")], "PlacedAdoption": [PA()]},
      {"Episodes": [EP(PLACE="A4", DEC="01/07/2024", REC="E8")],
       "PlacedAdoption": [PA(DATE_PLACED_CEASED="01/07/2024", REASON_PLACED_CEASED="RD1")]}),
    C("558", "adopted, but the decision ceased",
      {"Episodes": [EP(PLACE="A4", DEC="01/07/2024", REC="E11")],
       "PlacedAdoption": [PA(DATE_PLACED_CEASED="01/07/2024")]},
      {"Episodes": [EP(PLACE="A4", DEC="01/07/2024", REC="E11")], "PlacedAdoption": [PA()]}),
    C("563", "decision ceased without its date",
      {"PlacedAdoption": [PA(DATE_PLACED=None, DATE_PLACED_CEASED="01/07/2024")]},
      {"PlacedAdoption": [PA(DATE_PLACED_CEASED="01/07/2024")]}),
    C("579", "a new decision the day before the last one ceased",
      {"PlacedAdoption": [PA(DATE_PLACED_CEASED="01/07/2024", REASON_PLACED_CEASED="RD1"),
                          PA(DATE_PLACED="30/06/2024")]},
      {"PlacedAdoption": [PA(DATE_PLACED_CEASED="01/07/2024", REASON_PLACED_CEASED="RD1"),
                          PA(DATE_PLACED="01/07/2024")]}),
    C("583", "two decisions, the first never revoked",
      {"PlacedAdoption": [PA(), PA(DATE_PLACED="01/08/2024")]},
      {"PlacedAdoption": [PA(DATE_PLACED_CEASED="01/07/2024"), PA(DATE_PLACED="01/08/2024")]}),
    C("525", "adopted after the decision was reversed",
      {"PlacedAdoption": [PA(DATE_PLACED_CEASED="01/07/2024")], "AD1": [AD()]},
      {"PlacedAdoption": [PA()], "AD1": [AD()]}),
    # -- AD1 against the adoption
    C("331", "matched the day after the adoption placement",
      {"Episodes": [EP(PLACE="A4", DEC="01/09/2024", REC="E11")],
       "AD1": [AD(DATE_MATCH="02/05/2024")]},
      {"Episodes": [EP(PLACE="A4", DEC="01/09/2024", REC="E11")],
       "AD1": [AD(DATE_MATCH="01/05/2024")]}),
    C("582", "matched on the day of the adoption",
      {"Episodes": [EP(PLACE="A4", DEC="01/09/2024", REC="E11")],
       "AD1": [AD(DATE_MATCH="01/09/2024")]},
      {"Episodes": [EP(PLACE="A4", DEC="01/09/2024", REC="E11")],
       "AD1": [AD(DATE_MATCH="31/08/2024")]}),
    C("335", "adopted from a foster-to-adopt placement, not by the foster carer",
      {"Episodes": [EP(PLACE="A3", DEC="01/09/2024", REC="E11")], "AD1": [AD()]},
      {"Episodes": [EP(PLACE="A3", DEC="01/09/2024", REC="E11")],
       "AD1": [AD(FOSTER_CARE="1")]}),
    C("521", "best-interests decision after the adoption placement",
      {"Episodes": [EP(PLACE="A4")], "AD1": [AD(DATE_INT="02/05/2024")]},
      {"Episodes": [EP(PLACE="A4")], "AD1": [AD(DATE_INT="01/05/2024")]}),
    C("334", "best-interests decision before the period of care",
      {"Episodes": [EP()], "AD1": [AD(DATE_INT="30/04/2024")]},
      {"Episodes": [EP()], "AD1": [AD(DATE_INT="01/05/2024")]}),
    # -- care leavers and the other tables
    C("1011", "care transferred to another authority",
      {"Episodes": [EP(DEC="01/06/2024", REC="E3")], "OC3": [OC3()]},
      {"Episodes": [EP(DEC="01/06/2024", REC="E8")], "OC3": [OC3()]}),
    C("1002", "a 17-year-old care leaver never looked after",
      {"Header": [H(DOB="31/03/2008")], "Episodes": [EP(CHILD="2")],
       "Episodes_last": [EP(CHILD="2")], "OC3": [OC3()]},
      {"Header": [H(DOB="31/03/2008")], "Episodes": [EP(CHILD="2")],
       "Episodes_last": [EP()], "OC3": [OC3()]}),
    C("1002", "17 on 31 March, not 19 (whose care may be in older returns)",
      {"Header": [H(DOB="31/03/2008")], "Episodes": [EP(CHILD="2")], "Episodes_last": [],
       "OC3": [OC3()]},
      {"Header": [H(DOB="31/03/2006")], "Episodes": [EP(CHILD="2")], "Episodes_last": [],
       "OC3": [OC3()]}),
    C("1007", "looked after on the 17th birthday",
      {"Header": [H(DOB="01/06/2007")], "Episodes": [EP(DEC="02/06/2024", REC="E8")],
       "OC3": [OC3()]},
      {"Header": [H(DOB="01/06/2007")], "Episodes": [EP(DEC="01/06/2024", REC="E8")],
       "OC3": [OC3()]}),
    C("1016", "left care on the 17th birthday",
      {"Header": [H(DOB="01/06/2007")], "Episodes": [EP(DEC="01/06/2024", REC="E8")],
       "OC3": [OC3()]},
      {"Header": [H(DOB="01/06/2007")], "Episodes": [EP(DEC="31/05/2024", REC="E8")],
       "OC3": [OC3()]}),
    C("3001", "17 in the year and living with former foster carers",
      {"Header": [H(DOB="31/03/2008")], "OC3": [OC3(ACCOM="Z1")]},
      {"Header": [H(DOB="01/04/2008")], "OC3": [OC3(ACCOM="Z1")]}),
    C("1012", "reviews for a care leaver not looked after this year",
      {"Episodes": [EP(CHILD="2")], "OC3": [OC3()], "Reviews": [RV()]},
      {"Episodes": [EP()], "OC3": [OC3()], "Reviews": [RV()]}),
    C("1014", "UASC row for a care leaver",
      {"Episodes": [EP(CHILD="2")], "OC3": [OC3()], "UASC": [UASC]},
      {"Episodes": [EP()], "OC3": [OC3()], "UASC": [UASC]}),
    C("EPI", "a child in the Header with no episodes",
      {"Header": [H()], "Episodes": [EP(CHILD="2")]}, {"Header": [H()], "Episodes": [EP()]}),
    # -- the mother field
    C("165", "a boy recorded as not a mother", {"Header": [H(MOTHER="0")], "Episodes": [EP()]},
      {"Header": [H()], "Episodes": [EP()]}),
    C("165", "a looked-after girl without mother status",
      {"Header": [H(SEX="F")], "Episodes": [EP()]},
      {"Header": [H(SEX="F", MOTHER="0")], "Episodes": [EP()]}),
    C("165", "care (not a short break) in the year, not only before it",
      {"Header": [H(SEX="F")], "Episodes": [EP(DECOM="01/01/2024", DEC="01/04/2024",
                                                 REC="X1"),
                                              EP(DECOM="01/04/2024", RNE="L", LS="V3")]},
      {"Header": [H(SEX="F")], "Episodes": [EP(DECOM="01/01/2024", DEC="31/03/2024",
                                                 REC="X1"),
                                              EP(DECOM="31/03/2024", RNE="L", LS="V3")]}),
    C("393", "a looked-after girl without mother status",
      {"Header": [H(SEX="F")], "Episodes": [EP()]},
      {"Header": [H(SEX="F")], "Episodes": [EP(LS="V3")]}),
    C("607", "a girl who left care without mother status",
      {"Header": [H(SEX="F")], "Episodes": [EP(DEC="01/06/2024", REC="E8")]},
      {"Header": [H(SEX="F", MOTHER="0")], "Episodes": [EP(DEC="01/06/2024", REC="E8")]}),
    C("399", "mother status for a child on short breaks only",
      {"Header": [H(SEX="F", MOTHER="0")], "Episodes": [EP(LS="V3")], "Reviews": [RV()]},
      {"Header": [H(SEX="F")], "Episodes": [EP(LS="V3")]}),
    # -- SDQ for the 12-month cohort
    C("186", "aged 4 on 1 April with no SDQ",
      {"Episodes": LONG, "OC2": [OC2(DOB="01/04/2020", **NO_SDQ)]},
      {"Episodes": LONG, "OC2": [OC2(DOB="02/04/2020", **NO_SDQ)]}),
    C("157", "SDQ1 (age) for a 16-year-old",
      {"Episodes": LONG, "OC2": [OC2(DOB="01/04/2008", SDQ_SCORE=None, SDQ_REASON="SDQ1")]},
      {"Episodes": LONG, "OC2": [OC2(DOB="31/03/2008", SDQ_SCORE=None, SDQ_REASON="SDQ1")]}),
    C("197B", "4th birthday in the year, no SDQ or reason",
      {"Episodes": LONG, "OC2": [OC2(DOB="31/03/2021", **NO_SDQ)]},
      {"Episodes": LONG, "OC2": [OC2(DOB="01/04/2021", **NO_SDQ)]}),
    # -- social worker episodes
    C("SW04STG1", "31 February", {"SWEpisodes": [SW(SW_DECOM="31/02/2024")]},
      {"SWEpisodes": [SW(SW_DECOM="29/02/2024")]}),
    C("SW05STG1", "ISO date", {"SWEpisodes": [SW(SW_DEC="2024-06-01")]},
      {"SWEpisodes": [SW(SW_DEC="01/06/2024")]}),
    C("SW13STG1", "reason not in the code set", {"SWEpisodes": [SW(SW_REASON="SWLAZY")]},
      {"SWEpisodes": [SW(SW_REASON="MANAGE")]}),
    C("SW02STG1", "id without SW", {"SWEpisodes": [SW(SW_ID="AB12")]},
      {"SWEpisodes": [SW(SW_ID="XX12")]}),
    C("SW02STG1", "3 characters from 2025-26", {"SWEpisodes": [SW(SW_ID="SW1",
                                                                   SW_DECOM="01/05/2025")]},
      {"SWEpisodes": [SW(SW_ID="SW12", SW_DECOM="01/05/2025")]}, 2026),
    C("SW06STG2", "starts after 31 March", {"SWEpisodes": [SW(SW_DECOM="01/04/2025")]},
      {"SWEpisodes": [SW(SW_DECOM="31/03/2025")]}),
    C("SW07STG2", "ended before the two-year reporting period",
      {"SWEpisodes": [SW(SW_DECOM="01/01/2023", SW_DEC="31/03/2023")]},
      {"SWEpisodes": [SW(SW_DECOM="01/01/2023", SW_DEC="01/04/2023")]}),
    C("SW08STG2", "an earlier social worker never ended",
      {"SWEpisodes": [SW(), SW(SW_DECOM="01/07/2024")]},
      {"SWEpisodes": [SW(SW_DEC="01/07/2024"), SW(SW_DECOM="01/07/2024")]}),
    C("SW09STG2", "a one-day social worker", {"SWEpisodes": [SW(SW_DEC="01/05/2024")]},
      {"SWEpisodes": [SW(SW_DEC="02/05/2024")]}),
    C("SW10STG2", "a new social worker a day before the last one ended",
      {"SWEpisodes": [SW(SW_DEC="01/07/2024"), SW(SW_DECOM="30/06/2024")]},
      {"SWEpisodes": [SW(SW_DEC="01/07/2024"), SW(SW_DECOM="01/07/2024")]}),
    C("SW01STG1", "looked after on 31 March with no social worker",
      {"Episodes": [EP(CHILD="2", DECOM="01/05/2023")], "SWEpisodes": [SW()]},
      {"Episodes": [EP(DECOM="01/05/2023")], "SWEpisodes": [SW(SW_DECOM="01/05/2023")]},
      2024),
    C("SW17STG2", "no social worker open at 31 March",
      {"Episodes": [EP(DECOM="01/05/2025")],
       "SWEpisodes": [SW(SW_DECOM="01/05/2025", SW_DEC="01/06/2025")]},
      {"Episodes": [EP(DECOM="01/05/2025")], "SWEpisodes": [SW(SW_DECOM="01/05/2025")]},
      2026),
    C("SW03STG1", "no reason for the change", {"SWEpisodes": [SW(SW_DECOM="01/05/2023")]},
      {"SWEpisodes": [SW(SW_DECOM="01/05/2023", SW_REASON="MANAGE")]}, 2024),
    C("SW14STG2", "an earlier social worker never ended",
      {"SWEpisodes": [SW(SW_DECOM="01/05/2023"), SW(SW_DECOM="01/07/2023")]},
      {"SWEpisodes": [SW(SW_DECOM="01/05/2023", SW_DEC="01/07/2023"),
                      SW(SW_DECOM="01/07/2023")]}, 2024),
    C("SW01aSTG1", "worker from before April 2023 without an id",
      {"SWEpisodes": [SW(SW_ID=None, SW_DECOM="31/03/2023")]},
      {"SWEpisodes": [SW(SW_ID="SW12", SW_DECOM="31/03/2023")]}),
    C("SW01bSTG1", "worker from April 2023 without a reason",
      {"SWEpisodes": [SW(SW_DECOM="01/04/2023")]},
      {"SWEpisodes": [SW(SW_DECOM="31/03/2023")]}),
    # -- previous permanence
    C("634", "previous permanence for a child in care since before the year",
      {"Episodes": [EP(DECOM="31/03/2024")], "PrevPerm": [PP()]},
      {"Episodes": [EP(DECOM="01/04/2024")], "PrevPerm": [PP()]}),
    C("632", "an order dated the day care began",
      {"Episodes": [EP()], "PrevPerm": [PP(PREV_PERM="P1", DATE_PERM="01/05/2024")]},
      {"Episodes": [EP()], "PrevPerm": [PP(PREV_PERM="P1", DATE_PERM="30/04/2024")]}),
    C("632", "an unknown day may be as late as the month's end",
      {"Episodes": [EP(DECOM="30/04/2024")], "PrevPerm": [PP(PREV_PERM="P1",
                                                            DATE_PERM="ZZ/04/2024")]},
      {"Episodes": [EP()], "PrevPerm": [PP(PREV_PERM="P1", DATE_PERM="ZZ/04/2024")]}),
    C("632", "not a date", {"Episodes": [EP()], "PrevPerm": [PP(PREV_PERM="P1",
                                                               DATE_PERM="31/02/2019")]},
      {"Episodes": [EP()], "PrevPerm": [PP(PREV_PERM="P1", DATE_PERM="ZZ/ZZ/ZZZZ")]}),
    C("630", "new to care, previous permanence order without its date and authority",
      {"Episodes": [EP()], "PrevPerm": [PP(PREV_PERM="P1")]},
      {"Episodes": [EP()], "PrevPerm": [PP(PREV_PERM="P1", LA_PERM="880",
                                           DATE_PERM="01/01/2015")]}),
]


def MI(**kw: Any) -> dict[str, Any]:
    return {"CHILD": "1", "DOB": "01/01/2010", "MISSING": "M", "MIS_START": "01/06/2024",
            "MIS_END": None, **kw}


CASES += [
    # -- what carries over
    C("209", "4 on 31 August 2023 and still UN1",
      {"Header": [H(DOB="31/08/2019", UPN="UN1")]}, {"Header": [H(DOB="01/09/2019",
                                                                   UPN="UN1")]}),
    C("210", "UN4 for a child looked after from 23 March",
      {"Header": [H(UPN="UN4")], "Episodes": [EP(DECOM="23/03/2025")]},
      {"Header": [H(UPN="UN4")], "Episodes": [EP(DECOM="24/03/2025")]}),
    C("304", "UASC status ceased the day after the 18th birthday",
      {"UASC": [{**UASC, "DUC": "02/01/2028"}]}, {"UASC": [{**UASC, "DUC": "01/01/2028"}]}),
    C("199", "back in care after last year's adoption",
      {"Episodes": [EP()], "Episodes_last": [EP(DECOM="01/05/2023", PLACE="A4",
                                                DEC="01/03/2024", REC="E11")]},
      {"Episodes": [EP()], "Episodes_last": [EP(DECOM="01/05/2023", PLACE="A4",
                                                DEC="01/03/2024", REC="E8")]}),
    C("562", "carried-over episode not in last year's return",
      {"Episodes": [EP(DECOM="01/03/2024")], "Episodes_last": [EP(DECOM="01/02/2024")]},
      {"Episodes": [EP(DECOM="01/03/2024")], "Episodes_last": [EP(DECOM="01/03/2024")]}),
    C("575", "placement ended, missing period still open",
      {"Episodes": [EP(DEC="01/06/2024", REC="E8")], "Missing": [MI()]},
      {"Episodes": [EP(DEC="01/06/2024", REC="E8")], "Missing": [MI(MIS_END="01/06/2024")]}),
    C("576", "missing at the end of last year, not returned this year",
      {"Missing": [MI(MIS_START="01/05/2024")],
       "Missing_last": [MI(MIS_START="30/03/2024")]},
      {"Missing": [MI(MIS_START="30/03/2024", MIS_END="02/04/2024")],
       "Missing_last": [MI(MIS_START="30/03/2024")]}),
    C("580", "care ended while missing, not as E8",
      {"Episodes": [EP(DEC="01/06/2024", REC="E13")], "Missing": [MI(MIS_START="01/06/2024")]},
      {"Episodes": [EP(DEC="01/06/2024", REC="E13")],
       "Missing": [MI(MIS_START="02/06/2024")]}),
    C("580", "a missing period that ended the day before care did",
      {"Episodes": [EP(DEC="01/06/2024", REC="E4A")],
       "Missing": [MI(MIS_START="20/05/2024", MIS_END="01/06/2024")]},
      {"Episodes": [EP(DEC="01/06/2024", REC="E4A")],
       "Missing": [MI(MIS_START="20/05/2024", MIS_END="31/05/2024")]}),
    C("626", "a mother since before the year, not a mother last year",
      {"Header": [H(SEX="F", MOTHER="1", MC_DOB="31/03/2024")],
       "Header_last": [H(SEX="2", MOTHER="0")]},
      {"Header": [H(SEX="F", MOTHER="1", MC_DOB="01/04/2024")],
       "Header_last": [H(SEX="2", MOTHER="0")]}),
]


CASES += [
    # -- rules of particular years
    C("451", "still freed for adoption", {"Episodes": [EP(DECOM="01/05/2023", LS="D1")]},
      {"Episodes": [EP(DECOM="01/05/2023", LS="D1", DEC="01/06/2023", REC="E11")]}, 2024),
    C("555", "freed without a decision", {"Episodes": [EP(DECOM="01/05/2023", LS="D1")]},
      {"Episodes": [EP(DECOM="01/05/2023", LS="D1")], "PlacedAdoption": [PA()]}, 2024),
    C("556", "decision after the freeing order",
      {"Episodes": [EP(DECOM="01/05/2023", LS="D1")],
       "PlacedAdoption": [PA(DATE_PLACED="02/05/2023")]},
      {"Episodes": [EP(DECOM="01/05/2023", LS="D1")],
       "PlacedAdoption": [PA(DATE_PLACED="01/05/2023")]}, 2024),
    C("370", "independent living the day before the 16th birthday",
      {"Header": [H(DOB="02/05/2007")], "Episodes": [EP(DECOM="01/05/2023", PLACE="P2")]},
      {"Header": [H(DOB="01/05/2007")], "Episodes": [EP(DECOM="01/05/2023", PLACE="P2")]},
      2024),
    C("217t", "P2 ceasing after 28 October 2023",
      {"Episodes": [EP(DECOM="01/05/2023", PLACE="P2", DEC="29/10/2023", REC="E8")]},
      {"Episodes": [EP(DECOM="01/05/2023", PLACE="P2", DEC="28/10/2023", REC="E8")]}, 2024),
    C("217t", "P2 still open", {"Episodes": [EP(DECOM="01/05/2023", PLACE="P2")]},
      {"Episodes": [EP(DECOM="01/05/2023", PLACE="K2")]}, 2024),
    C("232", "sex unknown", {"Header": [H(SEX="U")]}, {"Header": [H(SEX="F")]}),
    C("231", "a UASC aged 10 on 31 March", {"UASC": [{**UASC, "DOB": "01/04/2014"}]},
      {"UASC": [{**UASC, "DOB": "31/03/2014"}]}),
    C("233", "a reason for a placement change that has not happened",
      {"Episodes": [EP(DECOM="01/05/2025", REASON_PLACE_CHANGE="CARPL")]},
      {"Episodes": [EP(DECOM="01/05/2025", REASON_PLACE_CHANGE="CARPL", DEC="01/06/2025",
                       REC="X1")]}, 2026),
    C("234", "custody the day before the 10th birthday",
      {"Header": [H(DOB="02/05/2015")],
       "Episodes": [EP(DECOM="01/05/2025", REASON_PLACE_CHANGE="CUSTOD")]},
      {"Header": [H(DOB="01/05/2015")],
       "Episodes": [EP(DECOM="01/05/2025", REASON_PLACE_CHANGE="CUSTOD")]}, 2026),
    C("444", "two children with one UPN", {"Header": [H(), H(CHILD="2")]},
      {"Header": [H(UPN="UN2"), H(CHILD="2", UPN="UN2")]}, 2026),
    # -- decisions against last year
    C("559", "a decision before the year, not in last year's return",
      {"PlacedAdoption": [PA(DATE_PLACED="31/03/2024")], "PlacedAdoption_last": [
          PA(CHILD="2")]},
      {"PlacedAdoption": [PA(DATE_PLACED="31/03/2024")],
       "PlacedAdoption_last": [PA(DATE_PLACED="31/03/2024")]}),
    C("560", "last year's open decision redated",
      {"PlacedAdoption": [PA(DATE_PLACED="02/03/2024")],
       "PlacedAdoption_last": [PA(DATE_PLACED="01/03/2024")]},
      {"PlacedAdoption": [PA(DATE_PLACED="01/03/2024")],
       "PlacedAdoption_last": [PA(DATE_PLACED="01/03/2024")]}),
    C("561", "last year's ceased decision returned as this year's",
      {"PlacedAdoption": [PA(DATE_PLACED="01/03/2024")],
       "PlacedAdoption_last": [PA(DATE_PLACED="01/03/2024", DATE_PLACED_CEASED="20/03/2024",
                                  REASON_PLACED_CEASED="RD1")]},
      {"PlacedAdoption": [PA(DATE_PLACED="01/05/2024")],
       "PlacedAdoption_last": [PA(DATE_PLACED="01/03/2024", DATE_PLACED_CEASED="20/03/2024",
                                  REASON_PLACED_CEASED="RD1")]}),
    C("NoE", "looked after before the year, absent from last year's episodes",
      {"Episodes": [EP(DECOM="31/03/2024")], "Episodes_last": [EP(CHILD="2")]},
      {"Episodes": [EP(DECOM="01/04/2024")], "Episodes_last": [EP(CHILD="2")]}),
    # -- care leavers against last year
    C("1010", "care leaver with last year's care still open and no episode now",
      {"Episodes": [EP(CHILD="2")], "Episodes_last": [EP(DECOM="01/05/2023")],
       "OC3": [OC3()]},
      {"Episodes": [EP(CHILD="2")], "Episodes_last": [EP(DECOM="01/05/2023",
                                                         DEC="01/03/2024", REC="E8")],
       "OC3": [OC3()]}),
    C("348", "died last year, in touch this year",
      {"OC3": [OC3()], "OC3_last": [OC3(IN_TOUCH="DIED", ACTIV="0", ACCOM="0")]},
      {"OC3": [OC3(IN_TOUCH="DIED", ACTIV="0", ACCOM="0")],
       "OC3_last": [OC3(IN_TOUCH="DIED", ACTIV="0", ACCOM="0")]}, 2026),
    C("347", "in a foyer at 17", {"Header": [H(DOB="01/04/2007")], "OC3": [OC3(ACCOM="T1")]},
      {"Header": [H(DOB="31/03/2007")], "OC3": [OC3(ACCOM="T1")]}),
]


def _id(c: Case) -> str:
    return f"{c.rule_id}-{c.why[:30]}"


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_rule_case(case: Case) -> None:
    check_case("ssda903", case)


def test_rules_not_checked_are_published_undeclared_and_documented() -> None:
    from lantern.ingest.rules import RULES, render_rules_markdown
    from lantern.ingest.rules.catalogue import dfe_lists
    from lantern.ingest.rules.unchecked import UNCHECKED

    published = {(x.collection, x.code) for x in dfe_lists()}
    declared = {(r.format, r.dfe_code) for r in RULES.values() if r.dfe_code}
    docs = render_rules_markdown()
    for u in UNCHECKED:
        assert u.reason in docs.replace("\\|", "|")
        for code in u.codes:
            assert (u.collection, code) in published, code
            assert (u.collection, code) not in declared, code


def test_a_partial_permanence_date_reads_to_its_latest_day() -> None:
    from datetime import date

    from lantern.ingest.rules.ssda903.social_workers import latest_possible

    assert latest_possible("ZZ/02/2024") == (True, date(2024, 2, 29))  # leap year
    assert latest_possible("ZZ/02/2023") == (True, date(2023, 2, 28))
    assert latest_possible("zz/ZZ/2019") == (True, date(2019, 12, 31))
    assert latest_possible("15/ZZ/2019") == (True, date(2019, 12, 15))
    assert latest_possible("01/01/ZZZZ") == (True, None)
    assert latest_possible("31/04/2019") == (False, None)
    assert latest_possible("2019-04-01") == (False, None)
