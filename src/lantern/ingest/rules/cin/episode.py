"""DfE CIN census rules on one CIN episode's modules against its closure: activity after
closure or after "closed after assessment", the plan and conference dates of the year."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from lantern.ingest.rules.cin._base import F, census_period, cin_rows
from lantern.ingest.rules.cin.tables import ASSESSMENT_INDEX, CIN_INDEX
from lantern.ingest.rules.common import is_true, v
from lantern.ingest.rules.engine import Context, Finding, rule

CD, AS, AF, S47, CPP, PLANS = ("CINdetails", "Assessments", "AssessmentFactors", "Section47",
                               "ChildProtectionPlans", "CINplanDates")
CLOSED_AFTER_ASSESSMENT = ("RC8", "RC9")  # no further action / referred to early help
NO_FACTORS = "21"
# 8565: the module dates a CIN closure date must not precede, by table
ACTIVITY_DATES = {
    AS: ("AssessmentActualStartDate", "AssessmentAuthorisationDate"),
    S47: ("S47ActualStartDate", "DateOfInitialCPC"),
    CD: ("DateOfInitialCPC",),
    CPP: ("CPPendDate",),
    PLANS: ("CINPlanStartDate", "CINPlanEndDate"),
}


def _reason(ctx: Context, i: int) -> str:
    return (ctx.value(CD, i, "ReasonForClosure") or "").upper()


@rule(id="cin:8565", dfe_code="8565", format=F, severity="error",
      message="Activity shown after a case has been closed",
      fields=["CINclosureDate", *sorted({f for fs in ACTIVITY_DATES.values() for f in fs})],
      tables=list(ACTIVITY_DATES),
      expected="CINclosureDate on or after every assessment, section 47, conference, CP plan "
               "end and CIN plan date of the episode")
def activity_after_closure(ctx: Context) -> Iterable[Finding]:
    latest: dict[str, tuple[date, str]] = {}
    for table, fields in ACTIVITY_DATES.items():
        key = CIN_INDEX
        for fld in fields:
            for i, d in enumerate(ctx.dates(table, fld)):
                k = ctx.value(table, i, key)
                if d is not None and k is not None and (k not in latest or d > latest[k][0]):
                    latest[k] = (d, fld)
    for i, closed in enumerate(ctx.dates(CD, "CINclosureDate")):
        last = latest.get(ctx.value(CD, i, CIN_INDEX) or "")
        if closed is not None and last is not None and closed < last[0]:
            yield Finding(CD, i, "CINclosureDate", ctx.value(CD, i, "CINclosureDate"),
                          expected=f"on or after {last[1]} {last[0].isoformat()}")


@rule(id="cin:2990", dfe_code="2990", format=F, severity="error",
      message="Activity is recorded against a case marked as ‘Case closed after assessment, no "
              "further action’ or 'case closed after assessment, referred to early help'.",
      fields=["ReasonForClosure", "DateOfInitialCPC"], tables=[CD, S47, CPP, PLANS],
      expected="no section 47, conference, CP plan or CIN plan on an episode closed RC8 or RC9")
def activity_after_assessment_closure(ctx: Context) -> Iterable[Finding]:
    with_activity = {ctx.value(t, i, CIN_INDEX) for t in (S47, CPP, PLANS)
                     for i in range(len(ctx.rows(t)))}
    for i, row in ctx.enum(CD):
        if _reason(ctx, i) in CLOSED_AFTER_ASSESSMENT and (
                v(row, CIN_INDEX) in with_activity or v(row, "DateOfInitialCPC") is not None):
            yield Finding(CD, i, "ReasonForClosure", v(row, "ReasonForClosure"))


@rule(id="cin:8825Q", dfe_code="8825Q", format=F, severity="query",
      message="Please check and either amend data or provide a reason: Reason for Closure code "
              "RC8 (case closed after assessment) or RC9 (case closed after assessment, "
              "referred to early help) has been returned but there is no assessment present "
              "for the episode.", fields=["ReasonForClosure"], tables=[CD, AS],
      expected="an assessment on an episode closed RC8 or RC9 (other than a referral with no "
               "further action)")
def closed_after_assessment_without_one(ctx: Context) -> Iterable[Finding]:
    # A referral with no further action has no assessment by definition: the query is
    # about episodes that went on to further action (rules/readings.py)
    assessed = {ctx.value(AS, i, CIN_INDEX) for i in range(len(ctx.rows(AS)))}
    for i, row in ctx.enum(CD):
        if _reason(ctx, i) in CLOSED_AFTER_ASSESSMENT and v(row, CIN_INDEX) not in assessed \
                and not is_true(row.get("ReferralNFA")):
            yield Finding(CD, i, "ReasonForClosure", v(row, "ReasonForClosure"))


@rule(id="cin:8873Q", dfe_code="8873Q", format=F, severity="query",
      message="Please check and either amend data or provide a reason: When there is only one "
              "assessment on the episode and the factors code “21 No factors identified” has "
              "been used for the completed assessment, the reason for closure ‘RC8’ or 'RC9' "
              "should be used.", fields=["ReasonForClosure", "AssessmentFactors"],
      tables=[CD, AS, AF],
      expected="ReasonForClosure RC8 or RC9 when the episode's one assessment found no factors")
def no_factors_not_closed_after_assessment(ctx: Context) -> Iterable[Finding]:
    assessments: dict[str | None, set[str | None]] = defaultdict(set)
    for i in range(len(ctx.rows(AS))):
        assessments[ctx.value(AS, i, CIN_INDEX)].add(ctx.value(AS, i, ASSESSMENT_INDEX))
    no_factors = {(ctx.value(AF, i, CIN_INDEX), ctx.value(AF, i, ASSESSMENT_INDEX))
                  for i in range(len(ctx.rows(AF)))
                  if ctx.value(AF, i, "AssessmentFactors") == NO_FACTORS}
    for i, row in ctx.enum(CD):
        only = assessments.get(v(row, CIN_INDEX), set())
        # DfE: "must should" be RC8 or RC9, so an episode still open is asked about too
        if len(only) == 1 and (v(row, CIN_INDEX), next(iter(only))) in no_factors \
                and _reason(ctx, i) not in CLOSED_AFTER_ASSESSMENT:
            yield Finding(CD, i, "ReasonForClosure", v(row, "ReasonForClosure"))


@rule(id="cin:2885", dfe_code="2885", format=F, severity="error",
      message="Child protection plan shown as starting a different day to the initial child "
              "protection conference.", fields=["CPPstartDate", "DateOfInitialCPC"],
      tables=[CPP, S47, CD],
      expected="a CP plan starting in the year on the date of the episode's initial "
               "conference (its section 47's, or the CIN details' when no enquiry held one)")
def plan_not_on_conference_day(ctx: Context) -> Iterable[Finding]:
    period = census_period(ctx)
    if period is None:
        return
    held: dict[str | None, set[date | None]] = defaultdict(set)
    icpc = ctx.dates(S47, "DateOfInitialCPC")
    for i, row in ctx.enum(S47):
        # an enquiry that needed no conference is not the conference's "associated" record
        if not is_true(row.get("ICPCnotRequired")):
            held[v(row, CIN_INDEX)].add(icpc[i])
    episodes, at_cin = cin_rows(ctx), ctx.dates(CD, "DateOfInitialCPC")
    for i, s in enumerate(ctx.dates(CPP, "CPPstartDate")):
        if s is None or not period[0] <= s <= period[1]:
            continue
        k = ctx.value(CPP, i, CIN_INDEX)
        c = episodes.get(k or "")
        dates = held[k] if k in held else {at_cin[c] if c is not None else None}
        if s not in dates:
            yield Finding(CPP, i, "CPPstartDate", ctx.value(CPP, i, "CPPstartDate"))


@rule(id="cin:4010", dfe_code="4010", format=F, severity="error",
      message="CIN Plan start date is missing or out of data collection period",
      fields=["CINPlanStartDate", "ReferenceDate"], tables=[PLANS],
      expected="a CINPlanStartDate on or before the ReferenceDate")
def cin_plan_start(ctx: Context) -> Iterable[Finding]:
    period = census_period(ctx)
    starts = ctx.dates(PLANS, "CINPlanStartDate")
    for i, row in ctx.enum(PLANS):
        raw, d = v(row, "CINPlanStartDate"), starts[i]
        if raw is None or (d is not None and period is not None and d > period[1]):
            yield Finding(PLANS, i, "CINPlanStartDate", raw)


@rule(id="cin:8715", dfe_code="8715", format=F, severity="error",
      message="Date of Initial Child Protection Conference must fall within the census year",
      fields=["DateOfInitialCPC", "ReferenceDate"], tables=[S47, CD],
      expected="DateOfInitialCPC within the census year (1 April to the ReferenceDate)")
def conference_in_year(ctx: Context) -> Iterable[Finding]:
    # DfE's item N00110 is the same in the section 47 and the CIN details module
    period = census_period(ctx)
    if period is None:
        return
    for table in (S47, CD):
        for i, d in enumerate(ctx.dates(table, "DateOfInitialCPC")):
            if d is not None and not period[0] <= d <= period[1]:
                yield Finding(table, i, "DateOfInitialCPC", ctx.value(table, i, "DateOfInitialCPC"))
