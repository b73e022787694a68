"""Hand-made cases for every CIN census rule: one failing and one passing table each.

Census year 2025 (1 April 2024 to 31 March 2025) unless a case says otherwise.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tests.test_rules_support import Case, check_case


def HD(**kw: Any) -> dict[str, Any]:
    return {"Collection": "CIN", "Year": "2025", "ReferenceDate": "2025-03-31",
            "SourceLevel": "L", "LEA": "201", **kw}


def CI(**kw: Any) -> dict[str, Any]:
    return {"child_index": "0", "LAchildID": "C1", "PersonBirthDate": "2015-01-01",
            "Sex": "M", **kw}


def CC(**kw: Any) -> dict[str, Any]:
    return {"child_index": "0", "LAchildID": "C1", "Ethnicity": "WBRI", **kw}


def DI(**kw: Any) -> dict[str, Any]:
    return {"child_index": "0", "LAchildID": "C1", "Disability": "NONE", **kw}


def CD(**kw: Any) -> dict[str, Any]:
    return {"child_index": "0", "LAchildID": "C1", "cin_index": "0",
            "CINreferralDate": "2024-06-01", "ReferralSource": "1A", "PrimaryNeedCode": "N1",
            "ReferralNFA": "0", **kw}


def AS(**kw: Any) -> dict[str, Any]:
    return {"child_index": "0", "LAchildID": "C1", "cin_index": "0", "assessment_index": "0",
            "AssessmentActualStartDate": "2024-06-02",
            "AssessmentAuthorisationDate": "2024-07-01", **kw}


def AF(**kw: Any) -> dict[str, Any]:
    return {"child_index": "0", "LAchildID": "C1", "cin_index": "0", "assessment_index": "0",
            "AssessmentFactors": "3A", **kw}


def S47(**kw: Any) -> dict[str, Any]:
    return {"child_index": "0", "LAchildID": "C1", "cin_index": "0",
            "S47ActualStartDate": "2024-06-05", "DateOfInitialCPC": "2024-06-20",
            "ICPCnotRequired": "0", **kw}


def CP(**kw: Any) -> dict[str, Any]:
    return {"child_index": "0", "LAchildID": "C1", "cin_index": "0", "cpp_index": "0",
            "CPPstartDate": "2024-06-20", "CPPendDate": None, "InitialCategoryOfAbuse": "NEG",
            "LatestCategoryOfAbuse": "NEG", "NumberOfPreviousCPP": "0", **kw}


def RV(**kw: Any) -> dict[str, Any]:
    return {"child_index": "0", "LAchildID": "C1", "cin_index": "0", "cpp_index": "0",
            "CPPreviewDate": "2024-09-01", **kw}


def PL(**kw: Any) -> dict[str, Any]:
    return {"child_index": "0", "LAchildID": "C1", "cin_index": "0",
            "CINPlanStartDate": "2024-07-01", "CINPlanEndDate": None, **kw}


DISABILITY_CODES = ["AUT", "BEH", "COMM", "CON", "DDA", "HAND", "HEAR", "INC", "LD", "MOB"]


def C(rule: str, why: str, bad: dict[str, Any], good: dict[str, Any], year: int = 2025) -> Case:
    return Case(rule if rule.startswith("lantern:") else f"cin:{rule}", why, bad, good, year)


CASES: list[Case] = [
    # -- structure
    C("layout", "CINdetails without cin_index", {"CINdetails": [CD()]}, {"CINdetails": [CD()]}),
    C("date", "CINreferralDate 2024-02-30", {"CINdetails": [CD(CINclosureDate="2024-02-30",
                                                                ReasonForClosure="RC8")]},
      {"CINdetails": [CD(CINclosureDate="2024-12-30", ReasonForClosure="RC8")]}),
    C("required", "an assessment without its start date",
      {"Assessments": [AS(AssessmentActualStartDate=None)]}, {"Assessments": [AS()]}),
    C("code", "UPNunknown UN9", {"ChildIdentifiers": [CI(UPNunknown="UN9")]},
      {"ChildIdentifiers": [CI(UPNunknown="UN2")]}),
    C("pattern", "UPN ending in a letter before 2025 (the XSD's second pattern)",
      {"ChildIdentifiers": [CI(UPN="A12345678901BC")]},
      {"ChildIdentifiers": [CI(UPN="A12345678901B"), CI(child_index="1", LAchildID="C2",
                                                        UPN="A123456789012")]}, 2024),
    C("pattern", "UPN one digit short", {"ChildIdentifiers": [CI(UPN="A12345678901")]},
      {"ChildIdentifiers": [CI(UPN="A123456789012")]}),
    C("integer", "Year 20x5", {"Header": [HD(Year="20x5")]}, {"Header": [HD()]}),
    C("orphan-row", "assessment of an unknown CIN episode",
      {"CINdetails": [CD()], "Assessments": [AS(cin_index="7")]},
      {"CINdetails": [CD()], "Assessments": [AS()]}),
    # -- DfE rules
    C("8500", "LAchildID blank", {"ChildIdentifiers": [CI(LAchildID=" ")]},
      {"ChildIdentifiers": [CI()]}),
    C("8510", "same LAchildID twice", {"ChildIdentifiers": [CI(), CI(child_index="1")]},
      {"ChildIdentifiers": [CI(), CI(child_index="1", LAchildID="C2")]}),
    # UPN check letter, worked by hand: characters 2-13 "880123456789" weighted 2..13 give
    # 16+24+0+5+12+21+32+45+60+77+96+117 = 505; 505 mod 23 = 22 -> "Z" (no I, O or S).
    C("1510", "wrong check letter", {"ChildIdentifiers": [CI(UPN="A880123456789")]},
      {"ChildIdentifiers": [CI(UPN="Z880123456789")]}),
    C("1510", "a zero sum gives A", {"ChildIdentifiers": [CI(UPN="B000000000000")]},
      {"ChildIdentifiers": [CI(UPN="A000000000000")]}),
    C("1520", "same UPN on two children", {"ChildIdentifiers": [
        CI(UPN="Z880123456789"), CI(child_index="1", LAchildID="C2", UPN="Z880123456789")]},
      {"ChildIdentifiers": [CI(UPN="Z880123456789"),
                            CI(child_index="1", LAchildID="C2", UPN="A000000000000")]}),
    C("1540", "a letter among characters 5-12", {"ChildIdentifiers": [
        CI(UPN="Z8801234X6789")]}, {"ChildIdentifiers": [CI(UPN="Z880123456789")]}),
    C("1550", "character 13 is an O", {"ChildIdentifiers": [CI(UPN="Z88012345678O")]},
      {"ChildIdentifiers": [CI(UPN="Z88012345678A")]}),
    C("8520", "born after the reference date", {"Header": [HD()], "ChildIdentifiers": [
        CI(PersonBirthDate="2025-04-01")]},
      {"Header": [HD()], "ChildIdentifiers": [CI(PersonBirthDate="2025-03-31")]}),
    C("8525Q", "both DOB and expected DOB", {"ChildIdentifiers": [
        CI(ExpectedPersonBirthDate="2015-01-02")]}, {"ChildIdentifiers": [CI()]}),
    C("8540", "no disability recorded for a child with further action",
      {"ChildIdentifiers": [CI()], "CINdetails": [CD()], "Disabilities": []},
      {"ChildIdentifiers": [CI()], "CINdetails": [CD()], "Disabilities": [DI()]}),
    C("8540", "disability code HEAD", {"Disabilities": [DI(Disability="HEAD")]},
      {"Disabilities": [DI(Disability="HEAR")]}),
    C("8590", "child without CINdetails", {"ChildIdentifiers": [CI(), CI(child_index="1",
                                                                        LAchildID="C2")],
                                           "CINdetails": [CD()]},
      {"ChildIdentifiers": [CI()], "CINdetails": [CD()]}),
    C("8600", "referral after the census", {"Header": [HD()], "CINdetails": [
        CD(CINreferralDate="2025-04-01")]},
      {"Header": [HD()], "CINdetails": [CD(CINreferralDate="2025-03-31")]}),
    C("8606", "referral 281 days before birth", {"ChildIdentifiers": [
        CI(PersonBirthDate="2024-06-01")], "CINdetails": [CD(CINreferralDate="2023-08-25")]},
      {"ChildIdentifiers": [CI(PersonBirthDate="2024-06-01")],
       "CINdetails": [CD(CINreferralDate="2023-08-26")]}),
    C("8610", "further action without primary need", {"CINdetails": [CD(PrimaryNeedCode=None)]},
      {"CINdetails": [CD(PrimaryNeedCode=None, ReferralNFA="1")]}),
    C("8620", "closed before the census year", {"Header": [HD()], "CINdetails": [CD(
        CINreferralDate="2024-01-01", CINclosureDate="2024-03-31", ReasonForClosure="RC8")]},
      {"Header": [HD()], "CINdetails": [CD(CINreferralDate="2024-01-01",
                                           CINclosureDate="2024-04-01",
                                           ReasonForClosure="RC8")]}),
    C("8630", "closed before referral", {"CINdetails": [CD(CINclosureDate="2024-05-31",
                                                           ReasonForClosure="RC8")]},
      {"CINdetails": [CD(CINclosureDate="2024-06-01", ReasonForClosure="RC8")]}),
    C("8640", "RC10", {"CINdetails": [CD(CINclosureDate="2024-07-01",
                                         ReasonForClosure="RC10")]},
      {"CINdetails": [CD(CINclosureDate="2024-07-01", ReasonForClosure="RC9")]}),
    C("8650", "N10", {"CINdetails": [CD(PrimaryNeedCode="N10")]},
      {"CINdetails": [CD(PrimaryNeedCode="N0")]}),
    C("8720", "CP plan start missing", {"Header": [HD()], "ChildProtectionPlans": [
        CP(CPPstartDate=None)]}, {"Header": [HD()], "ChildProtectionPlans": [CP()]}),
    C("8730", "previous plans -1", {"ChildProtectionPlans": [CP(NumberOfPreviousCPP="-1")]},
      {"ChildProtectionPlans": [CP(NumberOfPreviousCPP="3")]}),
    C("8740", "open s47 started last year", {"Header": [HD()], "Section47": [
        S47(S47ActualStartDate="2024-03-31", DateOfInitialCPC=None)]},
      {"Header": [HD()], "Section47": [S47(S47ActualStartDate="2024-04-01",
                                           DateOfInitialCPC=None)]}),
    C("8750", "unborn child with gender 1", {"ChildIdentifiers": [
        {**CI(PersonBirthDate=None, ExpectedPersonBirthDate="2024-06-01"), "Sex": None,
         "GenderCurrent": "1"}]},
      {"ChildIdentifiers": [{**CI(PersonBirthDate=None, ExpectedPersonBirthDate="2024-06-01"),
                             "Sex": None, "GenderCurrent": "0"}]}, 2024),
    C("8750", "unborn child with Sex M in a 2024 return",
      {"ChildIdentifiers": [CI(PersonBirthDate=None, ExpectedPersonBirthDate="2024-06-01")]},
      {"ChildIdentifiers": [CI(PersonBirthDate=None, ExpectedPersonBirthDate="2024-06-01",
                               Sex="U")]}, 2024),
    C("8790", "NONE and HEAR", {"Disabilities": [DI(), DI(Disability="HEAR")]},
      {"Disabilities": [DI(Disability="VIS"), DI(Disability="HEAR")]}),
    C("8805", "closure date without reason", {"CINdetails": [CD(CINclosureDate="2024-07-01")]},
      {"CINdetails": [CD(CINclosureDate="2024-07-01", ReasonForClosure="RC1")]}),
    C("8810", "reason without closure date", {"CINdetails": [CD(ReasonForClosure="RC1")]},
      {"CINdetails": [CD()]}),
    C("8832", "CP plan on a no-further-action referral",
      {"CINdetails": [CD(ReferralNFA="1")], "ChildProtectionPlans": [CP()]},
      {"CINdetails": [CD()], "ChildProtectionPlans": [CP()]}),
    C("8840", "plan starts and ends the same day",
      {"ChildProtectionPlans": [CP(CPPendDate="2024-06-20")]},
      {"ChildProtectionPlans": [CP(CPPendDate="2024-06-21")]}),
    C("8868", "closed episode with an unfinished s47",
      {"CINdetails": [CD(CINclosureDate="2024-07-01", ReasonForClosure="RC8")],
       "Section47": [S47(DateOfInitialCPC=None)]},
      {"CINdetails": [CD(CINclosureDate="2024-07-01", ReasonForClosure="RC8")],
       "Section47": [S47(DateOfInitialCPC=None, ICPCnotRequired="1")]}),
    C("8869", "factor 21 with 3A", {"AssessmentFactors": [AF(), AF(AssessmentFactors="21")]},
      {"AssessmentFactors": [AF(AssessmentFactors="21"),
                             AF(assessment_index="1", AssessmentFactors="3A")]}),
    # -- Lantern logic
    C("8608", "authorised the day before it started",
      {"Assessments": [AS(AssessmentAuthorisationDate="2024-06-01")]},
      {"Assessments": [AS(AssessmentAuthorisationDate="2024-06-02")]}),
    C("1103", "assessment before the referral",
      {"CINdetails": [CD()], "Assessments": [AS(AssessmentActualStartDate="2024-05-31")]},
      {"CINdetails": [CD()], "Assessments": [AS(AssessmentActualStartDate="2024-06-01")]}),
    C("1104", "conference before the referral",
      {"CINdetails": [CD()], "Section47": [S47(S47ActualStartDate="2024-06-01",
                                               DateOfInitialCPC="2024-05-31")]},
      {"CINdetails": [CD()], "Section47": [S47(S47ActualStartDate="2024-06-01",
                                               DateOfInitialCPC="2024-06-01")]}),
    C("1105", "CP plan before the referral",
      {"CINdetails": [CD()], "ChildProtectionPlans": [CP(CPPstartDate="2024-05-31")]},
      {"CINdetails": [CD()], "ChildProtectionPlans": [CP(CPPstartDate="2024-06-01")]}),
    C("2889", "section 47 before the referral",
      {"CINdetails": [CD()], "Section47": [S47(S47ActualStartDate="2024-05-31")]},
      {"CINdetails": [CD()], "Section47": [S47(S47ActualStartDate="2024-06-01")]}),
    C("8925", "plan ends before it starts",
      {"ChildProtectionPlans": [CP(CPPendDate="2024-06-19")]},
      {"ChildProtectionPlans": [CP(CPPendDate="2024-06-20")]}),
    C("4011", "CIN plan ends before it starts",
      {"CINplanDates": [PL(CINPlanEndDate="2024-06-30")]},
      {"CINplanDates": [PL(CINPlanEndDate="2024-07-01")]}),
    C("4012Q", "CIN plan starts and ends the same day",
      {"CINplanDates": [PL(CINPlanEndDate="2024-07-01")]},
      {"CINplanDates": [PL(CINPlanEndDate="2024-07-02")]}),
    C("8615", "conference the day before the enquiry",
      {"Section47": [S47(DateOfInitialCPC="2024-06-04")]},
      {"Section47": [S47(DateOfInitialCPC="2024-06-05")]}),
    C("8615", "no enquiry start date", {"Section47": [S47(S47ActualStartDate=None)]},
      {"Section47": [S47()]}),
    C("lantern:cpp-review-after-plan", "review after the plan ended",
      {"ChildProtectionPlans": [CP(CPPendDate="2024-08-31")], "Reviews": [RV()]},
      {"ChildProtectionPlans": [CP(CPPendDate="2024-09-01")], "Reviews": [RV()]}),
    C("8841", "review on the day the plan started",
      {"ChildProtectionPlans": [CP()], "Reviews": [RV(CPPreviewDate="2024-06-20")]},
      {"ChildProtectionPlans": [CP()], "Reviews": [RV(CPPreviewDate="2024-06-21")]}),
    C("4015", "CIN plan before the referral",
      {"CINdetails": [CD()], "CINplanDates": [PL(CINPlanStartDate="2024-05-31")]},
      {"CINdetails": [CD()], "CINplanDates": [PL(CINPlanStartDate="2024-06-01")]}),
    C("8535Q", "died the day before birth",
      {"ChildIdentifiers": [CI(PersonDeathDate="2014-12-31")]},
      {"ChildIdentifiers": [CI(PersonDeathDate="2015-01-01")]}),
    C("8555Q", "referred the day after death",
      {"ChildIdentifiers": [CI(PersonDeathDate="2024-05-31")], "CINdetails": [CD()]},
      {"ChildIdentifiers": [CI(PersonDeathDate="2024-06-01")], "CINdetails": [CD()]}),
    C("4008", "CIN plan starts after death",
      {"ChildIdentifiers": [CI(PersonDeathDate="2024-06-30")], "CINplanDates": [PL()]},
      {"ChildIdentifiers": [CI(PersonDeathDate="2024-07-01")], "CINplanDates": [PL()]}),
    C("4009Q", "CIN plan ends after death",
      {"ChildIdentifiers": [CI(PersonDeathDate="2024-07-09")],
       "CINplanDates": [PL(CINPlanEndDate="2024-07-10")]},
      {"ChildIdentifiers": [CI(PersonDeathDate="2024-07-10")],
       "CINplanDates": [PL(CINPlanEndDate="2024-07-10")]}),
    C("8915", "CP plan starts after death",
      {"ChildIdentifiers": [CI(PersonDeathDate="2024-06-19")], "ChildProtectionPlans": [CP()]},
      {"ChildIdentifiers": [CI(PersonDeathDate="2024-06-20")], "ChildProtectionPlans": [CP()]}),
    C("8920", "CP plan ends after death",
      {"ChildIdentifiers": [CI(PersonDeathDate="2024-08-30")],
       "ChildProtectionPlans": [CP(CPPendDate="2024-08-31")]},
      {"ChildIdentifiers": [CI(PersonDeathDate="2024-08-31")],
       "ChildProtectionPlans": [CP(CPPendDate="2024-08-31")]}),
    C("8875", "conference on Saturday 22 June 2024",
      {"Section47": [S47(DateOfInitialCPC="2024-06-22")]},
      {"Section47": [S47(DateOfInitialCPC="2024-06-24")]}),
    C("8870Q", "target date on Saturday 22 June 2024",
      {"Section47": [S47(InitialCPCtarget="2024-06-22")]},
      {"Section47": [S47(InitialCPCtarget="2024-06-24")]}),
    C("8794", "HEAR twice", {"Disabilities": [DI(Disability="HEAR"), DI(Disability="hear")]},
      {"Disabilities": [DI(Disability="HEAR"), DI(Disability="VIS")]}),
    C("8898", "factor 3A twice on one assessment", {"AssessmentFactors": [AF(), AF()]},
      {"AssessmentFactors": [AF(), AF(assessment_index="1")]}),
    C("8945Q", "retired factor 18A", {"AssessmentFactors": [AF(AssessmentFactors="18A")]},
      {"AssessmentFactors": [AF(AssessmentFactors="18B")]}),
    C("8950Q", "retired factor 19A", {"AssessmentFactors": [AF(AssessmentFactors="19A")]},
      {"AssessmentFactors": [AF(AssessmentFactors="19C")]}),
    C("4013", "CIN plan ended 1 April 2025, after the census year",
      {"Header": [HD()], "CINplanDates": [PL(CINPlanEndDate="2025-04-01")]},
      {"Header": [HD()], "CINplanDates": [PL(CINPlanEndDate="2025-03-31")]}),
    C("8930", "CP plan ended 31 March 2024, before the census year",
      {"Header": [HD()], "ChildProtectionPlans": [CP(CPPstartDate="2024-01-10",
                                                     CPPendDate="2024-03-31")]},
      {"Header": [HD()], "ChildProtectionPlans": [CP(CPPstartDate="2024-01-10",
                                                     CPPendDate="2024-04-01")]}),
    C("8696", "assessment authorised after the census year",
      {"Header": [HD()], "Assessments": [AS(AssessmentAuthorisationDate="2025-04-01")]},
      {"Header": [HD()], "Assessments": [AS(AssessmentAuthorisationDate="2025-03-31")]}),
    C("8545Q", "died before the census year",
      {"Header": [HD()], "ChildIdentifiers": [CI(PersonDeathDate="2024-03-31")]},
      {"Header": [HD()], "ChildIdentifiers": [CI(PersonDeathDate="2024-04-01")]}),
    C("8842Q", "review without a date", {"Reviews": [RV(CPPreviewDate=None)]},
      {"Reviews": [RV()]}),
    C("4004", "two open CIN plans", {"CINplanDates": [PL(), PL(CINPlanStartDate="2024-08-01")]},
      {"CINplanDates": [PL(CINPlanEndDate="2024-07-31"), PL(CINPlanStartDate="2024-08-01")]}),
    C("8935", "two open CP plans",
      {"ChildProtectionPlans": [CP(), CP(cpp_index="1", CPPstartDate="2024-09-02")]},
      {"ChildProtectionPlans": [CP(CPPendDate="2024-09-01"),
                                CP(cpp_index="1", CPPstartDate="2024-09-02")]}),
    C("8815", "two open CIN episodes",
      {"CINdetails": [CD(), CD(cin_index="1", CINreferralDate="2024-09-01")]},
      {"CINdetails": [CD(), CD(cin_index="1", CINreferralDate="2024-09-01",
                                ReferralNFA="1")]}),
    C("8866", "referral source missing", {"CINdetails": [CD(ReferralSource=None)]},
      {"CINdetails": [CD(ReferralSource="10")]}),
    C("8905", "initial category XYZ", {"ChildProtectionPlans": [CP(InitialCategoryOfAbuse="XYZ")]},
      {"ChildProtectionPlans": [CP(InitialCategoryOfAbuse="EMO")]}),
    C("8910", "latest category missing",
      {"ChildProtectionPlans": [CP(LatestCategoryOfAbuse=None)]},
      {"ChildProtectionPlans": [CP(LatestCategoryOfAbuse="MUL")]}),
    C("4220", "ethnicity XXXX", {"ChildCharacteristics": [CC(Ethnicity="XXXX")]},
      {"ChildCharacteristics": [CC(Ethnicity="REFU")]}),
    C("8736", "open assessment started before the census year",
      {"Header": [HD()], "Assessments": [AS(AssessmentActualStartDate="2024-03-31",
                                            AssessmentAuthorisationDate=None)]},
      {"Header": [HD()], "Assessments": [AS(AssessmentActualStartDate="2024-04-01",
                                            AssessmentAuthorisationDate=None)]}),
    C("8614", "factors on an assessment not authorised",
      {"Assessments": [AS(AssessmentAuthorisationDate=None)], "AssessmentFactors": [AF()]},
      {"Assessments": [AS()], "AssessmentFactors": [AF()]}),
    C("8897Q", "authorised assessment without factors",
      {"Assessments": [AS()], "AssessmentFactors": [AF(assessment_index="1")]},
      {"Assessments": [AS()], "AssessmentFactors": [AF()]}),
    C("8896", "two open assessments on one episode",
      {"Assessments": [AS(AssessmentAuthorisationDate=None),
                       AS(assessment_index="1", AssessmentAuthorisationDate=None)]},
      {"Assessments": [AS(), AS(assessment_index="1", AssessmentAuthorisationDate=None)]}),
    C("8831", "a conference in CIN details on a referral with no further action",
      {"CINdetails": [CD(ReferralNFA="1", DateOfInitialCPC="2024-06-20")]},
      {"CINdetails": [CD(ReferralNFA="1")], "ChildProtectionPlans": [CP()],
       "CINplanDates": [PL()]}),
    C("8831", "assessment on a referral with no further action",
      {"CINdetails": [CD(ReferralNFA="1")], "Assessments": [AS()]},
      {"CINdetails": [CD(ReferralNFA="0")], "Assessments": [AS()]}),
    C("4000", "CIN plan on a referral with no further action",
      {"CINdetails": [CD(ReferralNFA="true")], "CINplanDates": [PL()]},
      {"CINdetails": [CD(ReferralNFA="false")], "CINplanDates": [PL()]}),
    C("8867", "closed episode with an assessment not authorised",
      {"CINdetails": [CD(CINclosureDate="2024-09-01", ReasonForClosure="RC1")],
       "Assessments": [AS(AssessmentAuthorisationDate=None)]},
      {"CINdetails": [CD(CINclosureDate="2024-09-01", ReasonForClosure="RC1")],
       "Assessments": [AS()]}),
    C("2884", "the same conference in CIN details and in the section 47",
      {"CINdetails": [CD(DateOfInitialCPC="2024-06-20")], "Section47": [S47()]},
      {"CINdetails": [CD(DateOfInitialCPC="2024-06-21")], "Section47": [S47()]}),
    # census year 2025 ends Monday 31 March 2025: 45 working days before it is 27 January
    # 2025 (no bank holidays between), 15 before it is 10 March 2025
    C("8670Q", "open assessment started 46 working days before the year end",
      {"Header": [HD()], "Assessments": [AS(AssessmentActualStartDate="2025-01-24",
                                            AssessmentAuthorisationDate=None)]},
      {"Header": [HD()], "Assessments": [AS(AssessmentActualStartDate="2025-01-27",
                                            AssessmentAuthorisationDate=None)]}),
    C("8675Q", "enquiry 16 working days before the year end with no conference",
      {"Header": [HD()], "Section47": [S47(S47ActualStartDate="2025-03-07",
                                           DateOfInitialCPC=None)]},
      {"Header": [HD()], "Section47": [S47(S47ActualStartDate="2025-03-10",
                                           DateOfInitialCPC=None),
                                       S47(cin_index="1", S47ActualStartDate="2025-03-07",
                                           DateOfInitialCPC=None, ICPCnotRequired="1")]}),
    # the working day before 1 April 2024 (Easter Monday) is Thursday 28 March (29 March
    # is Good Friday): a referral on the 27th is before it
    C("8569Q", "no-further-action referral from before the working day before the year",
      {"Header": [HD()], "CINdetails": [CD(CINreferralDate="2024-03-27", ReferralNFA="1")]},
      {"Header": [HD()], "CINdetails": [CD(CINreferralDate="2024-03-28", ReferralNFA="1")]}),
    C("8569Q", "2025-26: the working day before Tuesday 1 April 2025 is Monday 31 March",
      {"Header": [HD(ReferenceDate="2026-03-31")],
       "CINdetails": [CD(CINreferralDate="2025-03-30", ReferralNFA="1")]},
      {"Header": [HD(ReferenceDate="2026-03-31")],
       "CINdetails": [CD(CINreferralDate="2025-03-31", ReferralNFA="1")]}, 2026),
    C("2991Q", "section 47 on an episode with no assessment",
      {"Section47": [S47()], "Assessments": [AS(cin_index="1")]},
      {"Section47": [S47()], "Assessments": [AS()]}),
    C("8863Q", "second assessment starts the day before the first is authorised",
      {"Assessments": [AS(), AS(assessment_index="1", AssessmentActualStartDate="2024-06-30")]},
      {"Assessments": [AS(), AS(assessment_index="1", AssessmentActualStartDate="2024-07-01")]}),
    C("1570", "21-character LA child id",
      {"ChildIdentifiers": [CI(LAchildID="C" * 21)]},
      {"ChildIdentifiers": [CI(LAchildID="C" * 20)]}),
    C("1580", "LA child id with a hyphen", {"ChildIdentifiers": [CI(LAchildID="C-1")]},
      {"ChildIdentifiers": [CI(LAchildID="C1")]}),
    # -- the rest of DfE's list (issue #19)
    C("100", "reference date a day early", {"Header": [HD(ReferenceDate="2025-03-30")]},
      {"Header": [HD()]}),
    C("100", "reference date missing", {"Header": [HD(ReferenceDate=None)]}, {"Header": [HD()]}),
    C("1530", "LA code 999", {"ChildIdentifiers": [CI(UPN="A999123456789")]},
      {"ChildIdentifiers": [CI(UPN="A880123456789")]}),
    C("1530", "942 (Cumberland) is not a code in 2022-23",
      {"ChildIdentifiers": [CI(UPN="A942123456789")]},
      {"ChildIdentifiers": [CI(UPN="A941123456789")]}, 2023),
    C("1530", "942 is a code from 2023-24; 944 never",
      {"ChildIdentifiers": [CI(UPN="A944123456789")]},
      {"ChildIdentifiers": [CI(UPN="A942123456789")]}, 2024),
    C("1560Q", "former UPN one character short",
      {"ChildIdentifiers": [CI(FormerUPN="A12345678901")]},
      {"ChildIdentifiers": [CI(FormerUPN="A12345678901B")]}),
    C("2883", "a plan in the year with no conference in it",
      {"Header": [HD()], "ChildProtectionPlans": [CP()],
       "Section47": [S47(DateOfInitialCPC="2024-03-28")]},
      {"Header": [HD()], "ChildProtectionPlans": [CP()], "Section47": [S47()]}),
    C("2883", "a conference held at CIN details level counts",
      {"Header": [HD()], "ChildProtectionPlans": [CP(), CP(cpp_index="1")],
       "CINdetails": [CD(DateOfInitialCPC="2024-06-20")]},
      {"Header": [HD()], "ChildProtectionPlans": [CP(), CP(cpp_index="1")],
       "CINdetails": [CD(DateOfInitialCPC="2024-06-20")], "Section47": [S47()]}),
    C("2885", "plan starts the day after the enquiry's conference",
      {"Header": [HD()], "ChildProtectionPlans": [CP(CPPstartDate="2024-06-21")],
       "Section47": [S47()], "CINdetails": [CD()]},
      {"Header": [HD()], "ChildProtectionPlans": [CP()], "Section47": [S47()],
       "CINdetails": [CD()]}),
    C("2885", "no enquiry: the plan starts on the CIN details conference",
      {"Header": [HD()], "ChildProtectionPlans": [CP()],
       "CINdetails": [CD(DateOfInitialCPC="2024-06-19")], "Section47": []},
      {"Header": [HD()], "ChildProtectionPlans": [CP()],
       "CINdetails": [CD(DateOfInitialCPC="2024-06-20")], "Section47": []}),
    # 2 of 50 born children without a sex is 4 %; 2 of 100 is exactly 2 % (not more)
    C("2886Q", "more than 2 % of children without a sex",
      {"ChildIdentifiers": [CI(child_index=str(i), LAchildID=f"C{i}",
                               Sex=None if i < 2 else "F") for i in range(50)]},
      {"ChildIdentifiers": [CI(child_index=str(i), LAchildID=f"C{i}",
                               Sex="U" if i < 2 else "F") for i in range(100)]
       + [CI(child_index="100", LAchildID="C100", PersonBirthDate=None,
             ExpectedPersonBirthDate="2025-05-01", Sex=None)]}),
    C("2886Q", "2022-23: GenderCurrent 0 is no sex",
      {"ChildIdentifiers": [{**CI(child_index=str(i), LAchildID=f"C{i}", Sex=None),
                             "GenderCurrent": "0" if i < 3 else "2"} for i in range(100)]},
      {"ChildIdentifiers": [{**CI(child_index=str(i), LAchildID=f"C{i}", Sex=None),
                             "GenderCurrent": "0" if i < 2 else "2"} for i in range(100)]},
      2023),
    C("2887Q", "seven disability codes besides NONE",
      {"Disabilities": [DI(Disability=d) for d in DISABILITY_CODES[:7]] + [DI()]},
      {"Disabilities": [DI(Disability=d) for d in DISABILITY_CODES[:8]]}),
    C("2888Q", "every disabled child has one code",
      {"Disabilities": [DI(Disability="HEAR"), DI(child_index="1", Disability="VIS")]},
      {"Disabilities": [DI(Disability="HEAR"), DI(Disability="VIS")]}),
    C("2888Q", "no disabled child: nothing to ask (2887Q's)",
      {"Disabilities": [DI(Disability="AUT")]}, {"Disabilities": [DI()]}),
    C("2990", "closed after assessment with a section 47",
      {"CINdetails": [CD(CINclosureDate="2024-07-01", ReasonForClosure="RC8")],
       "Section47": [S47()]},
      {"CINdetails": [CD(CINclosureDate="2024-07-01", ReasonForClosure="RC7")],
       "Section47": [S47()]}),
    C("2990", "closed after assessment (early help) with a conference in CIN details",
      {"CINdetails": [CD(CINclosureDate="2024-07-01", ReasonForClosure="RC9",
                         DateOfInitialCPC="2024-06-20")]},
      {"CINdetails": [CD(CINclosureDate="2024-07-01", ReasonForClosure="RC9")]}),
    C("4001", "open CIN plan beside an open CP plan",
      {"ChildProtectionPlans": [CP()], "CINplanDates": [PL()]},
      {"ChildProtectionPlans": [CP()], "CINplanDates": [PL(CINPlanEndDate="2024-08-01")]}),
    C("4003", "CP review while the episode's CIN plan is open",
      {"Header": [HD()], "CINplanDates": [PL()], "ChildProtectionPlans": [CP()],
       "Reviews": [RV()]},
      {"Header": [HD()], "CINplanDates": [PL()],
       "ChildProtectionPlans": [CP(CPPendDate="2024-09-01")], "Reviews": [RV()]}),
    C("4003", "a review on the day the CIN plan ended is after it",
      {"Header": [HD()], "CINplanDates": [PL(CINPlanEndDate="2024-09-02")],
       "ChildProtectionPlans": [CP()], "Reviews": [RV()]},
      {"Header": [HD()], "CINplanDates": [PL(CINPlanEndDate="2024-09-01")],
       "ChildProtectionPlans": [CP()], "Reviews": [RV()]}),
    C("4010", "CIN plan without a start", {"Header": [HD()],
                                           "CINplanDates": [PL(CINPlanStartDate=None)]},
      {"Header": [HD()], "CINplanDates": [PL()]}),
    C("4010", "CIN plan starting after the census",
      {"Header": [HD()], "CINplanDates": [PL(CINPlanStartDate="2025-04-01")]},
      {"Header": [HD()], "CINplanDates": [PL(CINPlanStartDate="2025-03-31")]}),
    C("4014", "a CIN plan starting the day another ended",
      {"Header": [HD()], "CINplanDates": [PL(CINPlanEndDate="2024-08-01"),
                                          PL(cin_index="1", CINPlanStartDate="2024-08-01")]},
      {"Header": [HD()], "CINplanDates": [PL(CINPlanEndDate="2024-08-01"),
                                          PL(cin_index="1", CINPlanStartDate="2024-08-02")]}),
    C("4014", "a CIN plan starting while another is open",
      {"Header": [HD()], "CINplanDates": [PL(), PL(CINPlanStartDate="2025-03-31")]},
      {"Header": [HD()], "CINplanDates": [PL(CINPlanStartDate="2025-03-31"),
                                          PL(CINPlanStartDate="2024-07-01",
                                             CINPlanEndDate="2024-09-01")]}),
    C("4016", "CIN plan starting during an open CP plan",
      {"Header": [HD()], "ChildProtectionPlans": [CP()], "CINplanDates": [PL()]},
      {"Header": [HD()], "ChildProtectionPlans": [CP(CPPendDate="2024-07-01")],
       "CINplanDates": [PL()]}),
    C("4017", "CP plan starting during a CIN plan",
      {"Header": [HD()], "CINplanDates": [PL(CINPlanStartDate="2024-06-01",
                                             CINPlanEndDate="2024-06-21")],
       "ChildProtectionPlans": [CP()]},
      {"Header": [HD()], "CINplanDates": [PL(CINPlanStartDate="2024-06-01",
                                             CINPlanEndDate="2024-06-20")],
       "ChildProtectionPlans": [CP()]}),
    C("4180", "no sex for a child born", {"ChildIdentifiers": [CI(Sex=None)]},
      {"ChildIdentifiers": [CI(), CI(child_index="1", LAchildID="C2", Sex=None,
                                     PersonBirthDate=None,
                                     ExpectedPersonBirthDate="2025-05-01")]}),
    C("4180", "from 2024-25 Sex is M, F or U, in whichever element",
      {"ChildIdentifiers": [{**CI(Sex=None), "GenderCurrent": "1"}]},
      {"ChildIdentifiers": [{**CI(Sex=None), "GenderCurrent": "M"},
                            CI(child_index="1", LAchildID="C2", Sex="U")]}),
    C("4180", "GenderCurrent 3 in 2023-24", {"ChildIdentifiers": [
        {**CI(), "Sex": None, "GenderCurrent": "3"}]},
      {"ChildIdentifiers": [{**CI(), "Sex": None, "GenderCurrent": "9"}]}, 2024),
    C("4180", "2023-24: a return in transition carries Sex with either code set",
      {"ChildIdentifiers": [CI(Sex="X"), {**CI(child_index="1", LAchildID="C2"),
                                          "Sex": None, "GenderCurrent": None}]},
      {"ChildIdentifiers": [CI(Sex="1"), CI(child_index="1", LAchildID="C2", Sex="M")]},
      2024),
    # census 2024-25: expected births from 1 March (31 March - 30 days) to 31 December 2025
    C("8530Q", "expected birth on 28 February 2025",
      {"Header": [HD()], "ChildIdentifiers": [CI(PersonBirthDate=None,
                                                 ExpectedPersonBirthDate="2025-02-28")]},
      {"Header": [HD()], "ChildIdentifiers": [CI(PersonBirthDate=None,
                                                 ExpectedPersonBirthDate="2025-03-01")]}),
    C("8530Q", "expected birth on 1 January 2026",
      {"Header": [HD()], "ChildIdentifiers": [CI(PersonBirthDate=None,
                                                 ExpectedPersonBirthDate="2026-01-01")]},
      {"Header": [HD()], "ChildIdentifiers": [CI(PersonBirthDate=None,
                                                 ExpectedPersonBirthDate="2025-12-31")]}),
    C("8530Q", "leap year: 2023-24 runs from 1 March 2024", {
        "Header": [HD(ReferenceDate="2024-03-31")],
        "ChildIdentifiers": [CI(PersonBirthDate=None, ExpectedPersonBirthDate="2024-02-29")]},
      {"Header": [HD(ReferenceDate="2024-03-31")],
       "ChildIdentifiers": [CI(PersonBirthDate=None, ExpectedPersonBirthDate="2024-03-01")]},
      2024),
    C("8565", "closed the day before the assessment was authorised",
      {"CINdetails": [CD(CINclosureDate="2024-06-30", ReasonForClosure="RC8")],
       "Assessments": [AS()]},
      {"CINdetails": [CD(CINclosureDate="2024-07-01", ReasonForClosure="RC8")],
       "Assessments": [AS()]}),
    C("8565", "closed before the CIN plan ended",
      {"CINdetails": [CD(CINclosureDate="2024-08-01", ReasonForClosure="RC7")],
       "CINplanDates": [PL(CINPlanEndDate="2024-08-02")]},
      {"CINdetails": [CD(CINclosureDate="2024-08-02", ReasonForClosure="RC7")],
       "CINplanDates": [PL(CINPlanEndDate="2024-08-02")]}),
    C("8568", "ReferralNFA missing", {"CINdetails": [CD(ReferralNFA=None)]},
      {"CINdetails": [CD()]}),
    C("8568", "ReferralNFA 'true' is not allowed from 2024-25",
      {"CINdetails": [CD(ReferralNFA="true")]}, {"CINdetails": [CD(ReferralNFA="1")]}),
    C("8568", "'true' is allowed in 2023-24", {"CINdetails": [CD(ReferralNFA="yes")]},
      {"CINdetails": [CD(ReferralNFA="true")]}, 2024),
    C("8585Q", "closed as died with no date of death",
      {"ChildIdentifiers": [CI()], "CINdetails": [CD(CINclosureDate="2024-07-01",
                                                     ReasonForClosure="RC2")]},
      {"ChildIdentifiers": [CI(PersonDeathDate="2024-07-01")],
       "CINdetails": [CD(CINclosureDate="2024-07-01", ReasonForClosure="RC2")]}),
    C("8715", "enquiry's conference before the census year",
      {"Header": [HD()], "Section47": [S47(S47ActualStartDate="2024-03-20",
                                           DateOfInitialCPC="2024-03-31")]},
      {"Header": [HD()], "Section47": [S47(S47ActualStartDate="2024-03-20",
                                           DateOfInitialCPC="2024-04-01")]}),
    C("8715", "CIN details conference after the census year",
      {"Header": [HD()], "CINdetails": [CD(DateOfInitialCPC="2025-04-01")]},
      {"Header": [HD()], "CINdetails": [CD(DateOfInitialCPC="2025-03-31")]}),
    # 2024-25: of school age is 5 by 31 August 2024, born on or before 31 August 2019
    C("8770Q", "school age, no UPN, reason UN1 (not of school age)",
      {"Header": [HD()], "CINdetails": [CD()],
       "ChildIdentifiers": [CI(PersonBirthDate="2019-08-31", UPNunknown="UN1")]},
      {"Header": [HD()], "CINdetails": [CD()],
       "ChildIdentifiers": [CI(PersonBirthDate="2019-09-01", UPNunknown="UN1"),
                            CI(child_index="1", LAchildID="C2", UPNunknown="UN2")]}),
    # 2023-24: born earlier than 31 March 2024 minus 6 years (31 March 2018)
    C("8770Q", "2023-24: born 30 March 2018, no UPN or reason",
      {"Header": [HD(ReferenceDate="2024-03-31")], "CINdetails": [CD()],
       "ChildIdentifiers": [CI(PersonBirthDate="2018-03-30")]},
      {"Header": [HD(ReferenceDate="2024-03-31")], "CINdetails": [CD()],
       "ChildIdentifiers": [CI(PersonBirthDate="2018-03-31")]}, 2024),
    C("8772", "UN7 with a referral going on to further action",
      {"ChildIdentifiers": [CI(UPNunknown="UN7")], "CINdetails": [CD()]},
      {"ChildIdentifiers": [CI(UPNunknown="UN7")], "CINdetails": [CD(ReferralNFA="1")]}),
    # 2024-25: over 25 is born before 31 March 2000
    C("8775Q", "born 30 March 2000 with an open episode",
      {"Header": [HD()], "ChildIdentifiers": [CI(PersonBirthDate="2000-03-30")],
       "CINdetails": [CD()]},
      {"Header": [HD()], "ChildIdentifiers": [CI(PersonBirthDate="2000-03-31")],
       "CINdetails": [CD()]}),
    C("8775Q", "an episode closed on the 25th birthday is not asked about",
      {"Header": [HD()], "ChildIdentifiers": [CI(PersonBirthDate="1999-06-01")],
       "CINdetails": [CD(CINclosureDate="2024-06-02", ReasonForClosure="RC7")]},
      {"Header": [HD()], "ChildIdentifiers": [CI(PersonBirthDate="1999-06-01")],
       "CINdetails": [CD(CINclosureDate="2024-06-01", ReasonForClosure="RC7")]}),
    C("8816", "an open episode that is not the latest",
      {"CINdetails": [CD(), CD(cin_index="1", CINreferralDate="2024-09-01",
                               CINclosureDate="2024-09-01", ReasonForClosure="RC8",
                               ReferralNFA="1")]},
      {"CINdetails": [CD(CINclosureDate="2024-08-01", ReasonForClosure="RC7"),
                      CD(cin_index="1", CINreferralDate="2024-09-01")]}),
    C("8820", "a referral the day before the previous episode closed",
      {"Header": [HD()], "CINdetails": [CD(CINclosureDate="2024-08-01",
                                           ReasonForClosure="RC7"),
                                        CD(cin_index="1", CINreferralDate="2024-07-31")]},
      {"Header": [HD()], "CINdetails": [CD(CINclosureDate="2024-08-01",
                                           ReasonForClosure="RC7"),
                                        CD(cin_index="1", CINreferralDate="2024-08-01")]}),
    C("8820", "an open no-further-action referral does not run on",
      {"Header": [HD()], "CINdetails": [CD(), CD(cin_index="1",
                                                 CINreferralDate="2024-09-01")]},
      {"Header": [HD()], "CINdetails": [CD(ReferralNFA="1"),
                                        CD(cin_index="1", CINreferralDate="2024-09-01")]}),
    C("8825Q", "closed after assessment with no assessment",
      {"CINdetails": [CD(CINclosureDate="2024-07-01", ReasonForClosure="RC9")]},
      {"CINdetails": [CD(CINclosureDate="2024-06-01", ReasonForClosure="RC8",
                         ReferralNFA="1")]}),
    C("8839", "two enquiries waiting for their conference",
      {"Section47": [S47(DateOfInitialCPC=None),
                     S47(S47ActualStartDate="2024-07-01", DateOfInitialCPC=None)]},
      {"Section47": [S47(DateOfInitialCPC=None),
                     S47(S47ActualStartDate="2024-07-01", DateOfInitialCPC=None,
                         ICPCnotRequired="1")]}),
    C("8873Q", "one assessment, no factors, closed for another reason",
      {"CINdetails": [CD(CINclosureDate="2024-07-01", ReasonForClosure="RC7")],
       "Assessments": [AS()], "AssessmentFactors": [AF(AssessmentFactors="21")]},
      {"CINdetails": [CD(CINclosureDate="2024-07-01", ReasonForClosure="RC8")],
       "Assessments": [AS()], "AssessmentFactors": [AF(AssessmentFactors="21")]}),
    C("8873Q", "two assessments: not asked",
      {"CINdetails": [CD()], "Assessments": [AS()],
       "AssessmentFactors": [AF(AssessmentFactors="21")]},
      {"CINdetails": [CD()], "Assessments": [AS(), AS(assessment_index="1")],
       "AssessmentFactors": [AF(AssessmentFactors="21")]}),
    C("8890", "an enquiry starting on the day of another's conference",
      {"Header": [HD()], "Section47": [S47(), S47(S47ActualStartDate="2024-06-20")]},
      {"Header": [HD()], "Section47": [S47(), S47(S47ActualStartDate="2024-06-21")]}),
    C("8890", "one that needed no conference is not ongoing",
      {"Header": [HD()], "Section47": [S47(DateOfInitialCPC=None),
                                       S47(S47ActualStartDate="2024-09-01")]},
      {"Header": [HD()], "Section47": [S47(DateOfInitialCPC=None, ICPCnotRequired="1"),
                                       S47(S47ActualStartDate="2024-09-01")]}),
    C("8940", "a CP plan starting the day another ended",
      {"Header": [HD()], "ChildProtectionPlans": [
          CP(CPPendDate="2024-08-01"), CP(cpp_index="1", CPPstartDate="2024-08-01")]},
      {"Header": [HD()], "ChildProtectionPlans": [
          CP(CPPendDate="2024-08-01"), CP(cpp_index="1", CPPstartDate="2024-08-02")]}),
]

for _c in CASES:
    if _c.rule_id == "cin:layout":
        _c.extra["drop_columns"] = {"CINdetails": ["cin_index"]}


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.rule_id}-{c.why[:30]}")
def test_rule_case(case: Case) -> None:
    check_case("cin", case)


def test_a_return_read_in_parts_is_judged_once_on_its_whole_tally() -> None:
    from lantern.ingest.rules import Tally, validate
    from tests.test_rules_support import tables_of

    # two parts of one return, each with 4 different disability codes: 8 in the whole
    # return, so 2887Q (fewer than 8) is not asked, though each part alone would be
    parts = [tables_of("cin", {"Header": [HD()], "Disabilities": [
        DI(child_index=str(n), Disability=d) for n, d in enumerate(codes)]}, 2025)
        for codes in (DISABILITY_CODES[:4], DISABILITY_CODES[4:8])]
    assert all(any(p.rule_id == "cin:2887Q" for p in validate(t)) for t in parts)
    tallies: dict[str, Tally] = {}
    for t in parts:
        assert not [p for p in validate(t, "rows", tallies) if p.rule_id == "cin:2887Q"]
    assert not [p for p in validate(parts[0], "return", tallies) if p.rule_id == "cin:2887Q"]
    # without the second part's codes the whole return has 4: asked once, of the table
    short = {k: v for k, v in tallies.items()}
    short["cin:2887Q"] = Counter({k: n for k, n in tallies["cin:2887Q"].items()
                                  if k[5:] in DISABILITY_CODES[:4]})
    [p] = [p for p in validate(parts[0], "return", short) if p.rule_id == "cin:2887Q"]
    assert (p.locator, p.value) == ("Disabilities", "4 codes: AUT, BEH, COMM, CON")
    one = tables_of("cin", {"Disabilities": [DI(Disability="AUT")]}, 2025)
    assert [p.value for p in validate(one) if p.rule_id == "cin:2887Q"] == ["1 code: AUT"]


@pytest.mark.parametrize("reference", ["0001-01-01", "9999-12-31", "1066-01-01"])
def test_no_rule_breaks_on_a_reference_date_at_the_ends_of_time(reference: str) -> None:
    from lantern.ingest.rules import validate
    from tests.test_rules_support import tables_of

    far = {"PersonBirthDate": "0001-01-01", "ExpectedPersonBirthDate": "9999-12-31"}
    rows = {"Header": [HD(ReferenceDate=reference)], "ChildIdentifiers": [CI(**far)],
            "ChildCharacteristics": [CC()], "Disabilities": [DI()],
            "CINdetails": [CD(CINreferralDate="0001-01-01", CINclosureDate="9999-12-31",
                              ReasonForClosure="RC2")],
            "Assessments": [AS(AssessmentActualStartDate="0001-01-01",
                               AssessmentAuthorisationDate=None)],
            "AssessmentFactors": [AF()], "Section47": [S47(DateOfInitialCPC=None)],
            "ChildProtectionPlans": [CP(CPPstartDate="9999-12-31")], "Reviews": [RV()],
            "CINplanDates": [PL(CINPlanStartDate="0001-01-01")]}
    found = validate(tables_of("cin", rows, 2025))
    assert not [p.message for p in found if "could not be checked" in p.message]
    assert any(p.rule_id == "cin:100" for p in found)
