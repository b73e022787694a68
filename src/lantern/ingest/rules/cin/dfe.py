"""DfE CIN census validation rules, under their DfE codes and messages."""

from __future__ import annotations

from collections.abc import Iterable

from lantern.ingest.rules.cin._base import (
    F,
    before_referral,
    census_period,
    child_rows,
    cin_rows,
    unborn,
)
from lantern.ingest.rules.cin.tables import (
    ASSESSMENT_INDEX,
    CHILD_ID,
    CHILD_INDEX,
    CIN_INDEX,
)
from lantern.ingest.rules.common import claim, code_rule, is_false, is_true, repeated, v
from lantern.ingest.rules.engine import Context, Finding, rule
from lantern.ingest.rules.schema import cin_elements

CI, CD, CPP, S47 = "ChildIdentifiers", "CINdetails", "ChildProtectionPlans", "Section47"
DIS = "Disabilities"
PRE_BIRTH_DAYS = 280  # 40 weeks

claim(F, CI, CHILD_ID, "blank")  # 8500
claim(F, CD, "CINreferralDate", "blank")  # 8600
claim(F, CPP, "CPPstartDate", "blank")  # 8720
claim(F, CPP, "NumberOfPreviousCPP", "blank", "integer")  # 8730
claim(F, DIS, "Disability", "code")  # 8540

code_rule(id="cin:8640", dfe_code="8640", format=F, table=CD, field="ReasonForClosure",
          message="CIN Reason for closure code invalid (see Reason for Closure table in CIN Census "
                  "code set)", codes=lambda y: cin_elements(y)[CD]["ReasonForClosure"].codes)
code_rule(id="cin:8650", dfe_code="8650", format=F, table=CD, field="PrimaryNeedCode",
          message="Primary Need Code invalid (see Primary Need table in CIN census code set)",
          codes=lambda y: cin_elements(y)[CD]["PrimaryNeedCode"].codes)


@rule(id="cin:8500", dfe_code="8500", format=F, severity="error", message="LA Child ID missing",
      fields=["LAchildID"], tables=[CI], expected="the child's LA identifier")
def child_id_missing(ctx: Context) -> Iterable[Finding]:
    for i, row in ctx.enum(CI):
        if v(row, CHILD_ID) is None:
            yield Finding(CI, i, CHILD_ID, None)


@rule(id="cin:8510", dfe_code="8510", format=F, severity="error",
      message="More than one child record with the same LA Child ID", fields=["LAchildID"],
      tables=[CI], expected="each LAchildID once in the return", across=CHILD_ID)
def child_id_unique(ctx: Context) -> Iterable[Finding]:
    return repeated(ctx, CI, CHILD_ID)


@rule(id="cin:8520", dfe_code="8520", format=F, severity="error",
      message="Date of Birth is after data collection period (must be on or before the end of "
              "the census period)", fields=["PersonBirthDate", "ReferenceDate"], tables=[CI],
      expected="PersonBirthDate on or before the ReferenceDate")
def born_after_census(ctx: Context) -> Iterable[Finding]:
    period = census_period(ctx)
    if period is None:
        return
    for i, born in enumerate(ctx.dates(CI, "PersonBirthDate")):
        if born is not None and born > period[1]:
            yield Finding(CI, i, "PersonBirthDate", ctx.value(CI, i, "PersonBirthDate"))


# A query, not an error, in DfE's lists from 2022-23 (8525Q).
@rule(id="cin:8525Q", dfe_code="8525Q", format=F, severity="query",
      message="Either Date of Birth or Expected Date of Birth must be provided (but not both)",
      fields=["PersonBirthDate", "ExpectedPersonBirthDate"], tables=[CI],
      expected="exactly one of PersonBirthDate and ExpectedPersonBirthDate")
def one_birth_date(ctx: Context) -> Iterable[Finding]:
    for i, row in ctx.enum(CI):
        born, expected = v(row, "PersonBirthDate"), v(row, "ExpectedPersonBirthDate")
        if (born is None) == (expected is None):
            yield Finding(CI, i, "PersonBirthDate", born)


@rule(id="cin:8540", dfe_code="8540", format=F, severity="error",
      message="Child’s disability is missing or invalid (see Disability table)",
      fields=["Disability"], tables=[DIS, CI, CD],
      expected="one or more valid Disability codes (NONE if no disability)")
def disability(ctx: Context) -> Iterable[Finding]:
    codes = cin_elements(ctx.collection_year)[DIS]["Disability"].codes
    for i, row in ctx.enum(DIS):
        d = v(row, "Disability")
        if d is None or d not in codes:
            yield Finding(DIS, i, "Disability", d)
    has_disability = set(ctx.by_child(DIS, CHILD_INDEX))
    further_action = {v(r, CHILD_INDEX) for r in ctx.rows(CD) if is_false(r.get("ReferralNFA"))}
    for i, row in ctx.enum(CI):
        k = v(row, CHILD_INDEX)
        if (v(row, "PersonBirthDate") is not None and k in further_action
                and k not in has_disability):
            yield Finding(CI, i, "Disability", None,
                          message="Child’s disability is missing or invalid (see Disability "
                                  "table): no Disability recorded for this child")


@rule(id="cin:8590", dfe_code="8590", format=F, severity="error",
      message="Child does not have a recorded CIN episode.", fields=["LAchildID"],
      tables=[CI, CD], expected="at least one CINdetails for every child")
def has_cin_episode(ctx: Context) -> Iterable[Finding]:
    if not ctx.has(CD):
        return
    episodes = ctx.by_child(CD, CHILD_INDEX)
    for i, row in ctx.enum(CI):
        if v(row, CHILD_INDEX) not in episodes:
            yield Finding(CI, i, CHILD_ID, v(row, CHILD_ID))


@rule(id="cin:8600", dfe_code="8600", format=F, severity="error",
      message="Child referral date missing or after data collection period",
      fields=["CINreferralDate"], tables=[CD],
      expected="a CINreferralDate on or before the ReferenceDate")
def referral_date(ctx: Context) -> Iterable[Finding]:
    period = census_period(ctx)
    dates = ctx.dates(CD, "CINreferralDate")
    for i, row in ctx.enum(CD):
        raw, d = v(row, "CINreferralDate"), dates[i]
        if raw is None or (d is not None and period is not None and d > period[1]):
            yield Finding(CD, i, "CINreferralDate", raw)


@rule(id="cin:8606", dfe_code="8606", format=F, severity="error",
      message="Child referral date is more than 40 weeks before DOB or expected DOB",
      fields=["CINreferralDate", "PersonBirthDate", "ExpectedPersonBirthDate"], tables=[CD, CI],
      expected="a referral no more than 280 days before the (expected) date of birth")
def referral_long_before_birth(ctx: Context) -> Iterable[Finding]:
    children = child_rows(ctx)
    born, due = ctx.dates(CI, "PersonBirthDate"), ctx.dates(CI, "ExpectedPersonBirthDate")
    referred = ctx.dates(CD, "CINreferralDate")
    for i, row in ctx.enum(CD):
        c, r = children.get(v(row, CHILD_INDEX) or ""), referred[i]
        if c is None or r is None:
            continue
        if any(b is not None and (b - r).days > PRE_BIRTH_DAYS for b in (born[c], due[c])):
            yield Finding(CD, i, "CINreferralDate", v(row, "CINreferralDate"))


@rule(id="cin:8610", dfe_code="8610", format=F, severity="error",
      message="Primary Need code is missing for a referral which led to further action.",
      fields=["ReferralNFA", "PrimaryNeedCode"], tables=[CD],
      expected="a PrimaryNeedCode when ReferralNFA is false or 0")
def need_for_further_action(ctx: Context) -> Iterable[Finding]:
    for i, row in ctx.enum(CD):
        if is_false(row.get("ReferralNFA")) and v(row, "PrimaryNeedCode") is None:
            yield Finding(CD, i, "PrimaryNeedCode", None)


@rule(id="cin:8620", dfe_code="8620", format=F, severity="error",
      message="CIN Closure Date present and does not fall within the Census year",
      fields=["CINclosureDate"], tables=[CD], expected="a CINclosureDate within the census year")
def closure_in_year(ctx: Context) -> Iterable[Finding]:
    period = census_period(ctx)
    if period is None:
        return
    for i, d in enumerate(ctx.dates(CD, "CINclosureDate")):
        if d is not None and not period[0] <= d <= period[1]:
            yield Finding(CD, i, "CINclosureDate", ctx.value(CD, i, "CINclosureDate"))


@rule(id="cin:8630", dfe_code="8630", format=F, severity="error",
      message="CIN Closure Date is before CIN Referral Date for the same CIN episode",
      fields=["CINreferralDate", "CINclosureDate"], tables=[CD],
      expected="CINclosureDate on or after CINreferralDate")
def closure_before_referral(ctx: Context) -> Iterable[Finding]:
    ref, close = ctx.dates(CD, "CINreferralDate"), ctx.dates(CD, "CINclosureDate")
    for i in range(len(ref)):
        r, c = ref[i], close[i]
        if r is not None and c is not None and c < r:
            yield Finding(CD, i, "CINclosureDate", ctx.value(CD, i, "CINclosureDate"))


@rule(id="cin:8720", dfe_code="8720", format=F, severity="error",
      message="Child Protection Plan Start Date missing or out of data collection period",
      fields=["CPPstartDate", "ReferenceDate"], tables=[CPP],
      expected="a CPPstartDate on or before the ReferenceDate")
def cpp_start(ctx: Context) -> Iterable[Finding]:
    period = census_period(ctx)
    starts = ctx.dates(CPP, "CPPstartDate")
    for i, row in ctx.enum(CPP):
        raw, d = v(row, "CPPstartDate"), starts[i]
        if raw is None or (d is not None and period is not None and d > period[1]):
            yield Finding(CPP, i, "CPPstartDate", raw)


@rule(id="cin:8730", dfe_code="8730", format=F, severity="error",
      message="Total Number of previous Child Protection Plans missing",
      fields=["NumberOfPreviousCPP"], tables=[CPP], expected="a whole number, 0 or more")
def previous_plans(ctx: Context) -> Iterable[Finding]:
    for i, row in ctx.enum(CPP):
        n = v(row, "NumberOfPreviousCPP")
        if n is None or not n.isdigit():
            yield Finding(CPP, i, "NumberOfPreviousCPP", n)


@rule(id="cin:8740", dfe_code="8740", format=F, severity="error",
      message="For a Section 47 Enquiry that has not held the Initial Child Protection Conference "
              "by the end of the census year, the start date must fall within the census year",
      fields=["S47ActualStartDate", "DateOfInitialCPC", "ICPCnotRequired"], tables=[S47],
      expected="S47ActualStartDate within the census year while the ICPC is still to be held")
def open_s47_in_year(ctx: Context) -> Iterable[Finding]:
    period = census_period(ctx)
    if period is None:
        return
    starts = ctx.dates(S47, "S47ActualStartDate")
    for i, row in ctx.enum(S47):
        s = starts[i]
        if (v(row, "DateOfInitialCPC") is None and is_false(row.get("ICPCnotRequired"))
                and s is not None and not period[0] <= s <= period[1]):
            yield Finding(S47, i, "S47ActualStartDate", v(row, "S47ActualStartDate"))


def _before_referral_rule(code: str, message: str, table: str, field: str) -> None:
    def check(ctx: Context) -> Iterable[Finding]:
        return before_referral(ctx, table, field)

    rule(id=f"cin:{code}", dfe_code=code, format=F, severity="error", message=message,
         fields=[field, "CINreferralDate"], tables=[table, CD],
         expected=f"{field} on or after the CIN episode's CINreferralDate")(check)


_before_referral_rule("1103", "The assessment start date cannot be before the referral date",
                      "Assessments", "AssessmentActualStartDate")
_before_referral_rule("1104", "The date of the initial child protection conference cannot be "
                      "before the referral date", S47, "DateOfInitialCPC")
_before_referral_rule("1105", "The child protection plan start date cannot be before the "
                      "referral date", CPP, "CPPstartDate")
_before_referral_rule("2889", "The S47 start date cannot be before the referral date.", S47,
                      "S47ActualStartDate")
_before_referral_rule("4015", "The CIN Plan start date cannot be before the referral date",
                      "CINplanDates", "CINPlanStartDate")


@rule(id="cin:8608", dfe_code="8608", format=F, severity="error",
      message="Assessment Start Date cannot be later than its End Date",
      fields=["AssessmentActualStartDate", "AssessmentAuthorisationDate"],
      tables=["Assessments"],
      expected="AssessmentAuthorisationDate on or after AssessmentActualStartDate")
def assessment_ends_before_start(ctx: Context) -> Iterable[Finding]:
    s_ = ctx.dates("Assessments", "AssessmentActualStartDate")
    e_ = ctx.dates("Assessments", "AssessmentAuthorisationDate")
    for i in range(len(s_)):
        s, e = s_[i], e_[i]
        if s is not None and e is not None and e < s:
            yield Finding("Assessments", i, "AssessmentAuthorisationDate",
                          ctx.value("Assessments", i, "AssessmentAuthorisationDate"))


@rule(id="cin:8750", dfe_code="8750", format=F, severity="error",
      message="Gender must equal 0 for an unborn child",
      fields=["GenderCurrent", "Sex", "PersonBirthDate", "ExpectedPersonBirthDate"], tables=[CI],
      expected="GenderCurrent 0 (Sex U from 2024-25) when only ExpectedPersonBirthDate is given")
def unborn_gender(ctx: Context) -> Iterable[Finding]:
    # A return may carry Sex instead of GenderCurrent (see cin:code): its U is the same code.
    # A missing element is this rule's too ("must equal 0"), not the XSD's required element.
    year_element = "Sex" if (ctx.collection_year or 0) >= 2025 else "GenderCurrent"
    for i, row in ctx.enum(CI):
        if not unborn(row):
            continue
        given = [(e, v(row, e)) for e in ("GenderCurrent", "Sex") if v(row, e) is not None]
        if not given:
            yield Finding(CI, i, year_element, None)
        for element, value in given:
            if value not in ("0", "U"):
                yield Finding(CI, i, element, value)


@rule(id="cin:8790", dfe_code="8790", format=F, severity="error",
      message="Disability information includes both None and other values",
      fields=["Disability"], tables=[DIS], expected="NONE alone, or only disability codes")
def none_and_others(ctx: Context) -> Iterable[Finding]:
    for rows in ctx.by_child(DIS, CHILD_INDEX).values():
        values = [(ctx.value(DIS, i, "Disability") or "").upper() for i in rows]
        if "NONE" in values:
            for i, d in zip(rows, values, strict=True):
                if d != "NONE":
                    yield Finding(DIS, i, "Disability", ctx.value(DIS, i, "Disability"))


@rule(id="cin:8805", dfe_code="8805", format=F, severity="error",
      message="A CIN case cannot have a CIN closure date without a Reason for Closure",
      fields=["CINclosureDate", "ReasonForClosure"], tables=[CD],
      expected="a ReasonForClosure when CINclosureDate is present")
def closure_needs_reason(ctx: Context) -> Iterable[Finding]:
    for i, row in ctx.enum(CD):
        if v(row, "CINclosureDate") is not None and v(row, "ReasonForClosure") is None:
            yield Finding(CD, i, "ReasonForClosure", None)


@rule(id="cin:8810", dfe_code="8810", format=F, severity="error",
      message="A CIN case cannot have a Reason for Closure without a CIN Closure Date",
      fields=["ReasonForClosure", "CINclosureDate"], tables=[CD],
      expected="a CINclosureDate when ReasonForClosure is present")
def reason_needs_closure(ctx: Context) -> Iterable[Finding]:
    for i, row in ctx.enum(CD):
        if v(row, "ReasonForClosure") is not None and v(row, "CINclosureDate") is None:
            yield Finding(CD, i, "CINclosureDate", None)


@rule(id="cin:8832", dfe_code="8832", format=F, severity="error",
      message="Child Protection details provided for a referral with no further action.",
      fields=["ReferralNFA"], tables=[CPP, CD],
      expected="no ChildProtectionPlans in a CINdetails whose ReferralNFA is true or 1")
def cpp_after_nfa(ctx: Context) -> Iterable[Finding]:
    episodes = cin_rows(ctx)
    for i, row in ctx.enum(CPP):
        c = episodes.get(v(row, CIN_INDEX) or "")
        if c is not None and is_true(ctx.rows(CD)[c].get("ReferralNFA")):
            yield Finding(CPP, i, "ReferralNFA", ctx.value(CD, c, "ReferralNFA"))


@rule(id="cin:8840", dfe_code="8840", format=F, severity="error",
      message="Child Protection Plan cannot start and end on the same day",
      fields=["CPPstartDate", "CPPendDate"], tables=[CPP],
      expected="CPPendDate after CPPstartDate")
def cpp_same_day(ctx: Context) -> Iterable[Finding]:
    s_, e_ = ctx.dates(CPP, "CPPstartDate"), ctx.dates(CPP, "CPPendDate")
    for i in range(len(s_)):
        if s_[i] is not None and s_[i] == e_[i]:
            yield Finding(CPP, i, "CPPendDate", ctx.value(CPP, i, "CPPendDate"))


@rule(id="cin:8868", dfe_code="8868", format=F, severity="error",
      message="CIN episode is shown as closed, however Section 47 enquiry is not shown as "
              "completed by ICPC date or ICPC not required flag",
      fields=["ICPCnotRequired", "CINclosureDate", "DateOfInitialCPC"], tables=[S47, CD],
      expected="each Section 47 of a closed episode with a DateOfInitialCPC or "
               "ICPCnotRequired true")
def closed_with_open_s47(ctx: Context) -> Iterable[Finding]:
    episodes = cin_rows(ctx)
    for i, row in ctx.enum(S47):
        c = episodes.get(v(row, CIN_INDEX) or "")
        if c is None or ctx.value(CD, c, "CINclosureDate") is None:
            continue
        if v(row, "DateOfInitialCPC") is None and not is_true(row.get("ICPCnotRequired")):
            yield Finding(S47, i, "ICPCnotRequired", v(row, "ICPCnotRequired"))


@rule(id="cin:8869", dfe_code="8869", format=F, severity="error",
      message="The assessment factors code “21” cannot be used in conjunction with any other "
              "assessment factors.", fields=["AssessmentFactors"], tables=["AssessmentFactors"],
      expected="21 as the assessment's only factor")
def factor_21_alone(ctx: Context) -> Iterable[Finding]:
    t = "AssessmentFactors"
    for rows in ctx.by_child(t, ASSESSMENT_INDEX).values():
        values = [ctx.value(t, i, "AssessmentFactors") for i in rows]
        if "21" in values and len(rows) > 1:
            for i, f in zip(rows, values, strict=True):
                if f != "21":
                    yield Finding(t, i, "AssessmentFactors", f)
