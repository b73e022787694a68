"""Hand-made cases for every CIN census rule: one failing and one passing table each.

Census year 2025 (1 April 2024 to 31 March 2025) unless a case says otherwise.
"""

from __future__ import annotations

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


def C(rule: str, why: str, bad: dict[str, Any], good: dict[str, Any], year: int = 2025) -> Case:
    return Case(rule if rule.startswith("lantern:") else f"cin:{rule}", why, bad, good, year)


CASES: list[Case] = [
    # -- structure
    C("layout", "CINdetails without cin_index", {"CINdetails": [CD()]}, {"CINdetails": [CD()]}),
    C("required", "ReferralNFA missing", {"CINdetails": [CD(ReferralNFA=None)]},
      {"CINdetails": [CD()]}),
    C("date", "CINreferralDate 2024-02-30", {"CINdetails": [CD(CINclosureDate="2024-02-30",
                                                                ReasonForClosure="RC8")]},
      {"CINdetails": [CD(CINclosureDate="2024-12-30", ReasonForClosure="RC8")]}),
    C("code", "UPNunknown UN9", {"ChildIdentifiers": [CI(UPNunknown="UN9")]},
      {"ChildIdentifiers": [CI(UPNunknown="UN2")]}),
    C("code", "ReferralNFA 'true' is not allowed from 2025",
      {"CINdetails": [CD(ReferralNFA="true")]}, {"CINdetails": [CD(ReferralNFA="1")]}),
    C("code", "GenderCurrent 3 in 2024", {"ChildIdentifiers": [
        {**CI(), "Sex": None, "GenderCurrent": "3"}]},
      {"ChildIdentifiers": [{**CI(), "Sex": None, "GenderCurrent": "9"}]}, 2024),
    C("code", "Sex is accepted with GenderCurrent's codes, either element, any year",
      {"ChildIdentifiers": [CI(Sex="X")]},
      {"ChildIdentifiers": [CI(Sex="1"), CI(child_index="1", LAchildID="C2", Sex="M")]}, 2024),
    C("required", "a 2024 return with <Sex> instead of <GenderCurrent> (the public sample)",
      {"ChildIdentifiers": [{**CI(), "Sex": None, "GenderCurrent": None}]},
      {"ChildIdentifiers": [{**CI(), "GenderCurrent": None}]}, 2024),
    C("required", "a 2025 return with <GenderCurrent> instead of <Sex>",
      {"ChildIdentifiers": [{**CI(), "Sex": None, "GenderCurrent": None}]},
      {"ChildIdentifiers": [{**CI(), "Sex": None, "GenderCurrent": "1"}]}),
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
    C("lantern:cin-episodes-overlap", "second referral while the first is open",
      {"CINdetails": [CD(), CD(cin_index="1", CINreferralDate="2024-09-01")]},
      {"CINdetails": [CD(CINclosureDate="2024-08-01", ReasonForClosure="RC8"),
                      CD(cin_index="1", CINreferralDate="2024-09-01")]}),
]

for _c in CASES:
    if _c.rule_id == "cin:layout":
        _c.extra["drop_columns"] = {"CINdetails": ["cin_index"]}


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.rule_id}-{c.why[:30]}")
def test_rule_case(case: Case) -> None:
    check_case("cin", case)
