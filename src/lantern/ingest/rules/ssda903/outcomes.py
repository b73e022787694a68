"""DfE SSDA903 rules on outcomes: OC2 (looked after 12 months) and OC3 (care leavers)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from lantern.ingest.rules.common import add_years, age, claim, code_rule, v
from lantern.ingest.rules.engine import Context, Finding, rule
from lantern.ingest.rules.schema import ssda903_fields
from lantern.ingest.rules.ssda903._base import F, continuously_looked_after

OC2_ITEMS = ("CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT",
             "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED")
HEALTH_ITEMS = ("IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE")
OC3_ITEMS = ("IN_TOUCH", "ACTIV", "ACCOM")
# IN_TOUCH codes whose ACTIV and ACCOM are 0, "not asked" (rule 344; a blank is accepted
# from older returns, as the DfE's own 153 allows).
NO_DETAIL = ("DIED", "RHOM")

for _f in OC3_ITEMS:
    claim(F, "OC3", _f, "blank")  # all or none: rule 153
for _f in OC2_ITEMS:
    claim(F, "OC2", _f, "code")  # 0 or 1: rule 181
claim(F, "OC2", "SDQ_SCORE", "integer")


def _codes(table: str, field: str) -> Callable[[int | None], frozenset[str]]:
    return lambda year: ssda903_fields(year)[table][field].codes


code_rule(id="903:131", dfe_code="131", format=F, table="OC3", field="IN_TOUCH",
          message="Data entry for being in touch after leaving care is invalid.",
          codes=_codes("OC3", "IN_TOUCH"))
code_rule(id="903:132", dfe_code="132", format=F, table="OC3", field="ACTIV",
          message="Data entry for activity after leaving care is invalid.",
          codes=_codes("OC3", "ACTIV"))
# 133 lists its own valid codes: the schema's enumeration also carries S1 and X1, which
# the rule does not accept. The same list in every year from 2022-23 to 2025-26.
ACCOM_133 = frozenset({
    "B1", "B2", "C1", "C2", "D1", "D2", "E1", "E2", "G1", "G2", "H1", "H2", "K1", "K2", "R1",
    "R2", "S2", "T1", "T2", "U1", "U2", "V1", "V2", "W1", "W2", "X2", "Y1", "Y2", "Z1", "Z2",
    "0"})
code_rule(id="903:133", dfe_code="133", format=F, table="OC3", field="ACCOM",
          message="Data entry for accommodation after leaving care is invalid. If reporting on a "
                  "childs accommodation after leaving care the data entry must be valid",
          codes=lambda year: ACCOM_133)
code_rule(id="903:196", dfe_code="196", format=F, table="OC2", field="SDQ_REASON",
          message="Strengths and Difficulties (SDQ) reason is not a valid code.",
          codes=_codes("OC2", "SDQ_REASON"))


def _oc2(ctx: Context, test: Callable[[dict[str, str | None]], bool], field: str
         ) -> Iterable[Finding]:
    for i, row in ctx.enum("OC2"):
        if test(row):
            yield Finding("OC2", i, field, v(row, field))


@rule(id="903:180", dfe_code="180", format=F, severity="error",
      message="Data entry for the strengths and difficulties questionnaire (SDQ) score is "
              "invalid.", fields=["SDQ_SCORE"], tables=["OC2"],
      expected="a whole number from 0 to 40, or blank")
def sdq_score(ctx: Context) -> Iterable[Finding]:
    def bad(r: dict[str, str | None]) -> bool:
        s = v(r, "SDQ_SCORE")
        return s is not None and not (s.isdigit() and 0 <= int(s) <= 40)

    return _oc2(ctx, bad, "SDQ_SCORE")


@rule(id="903:181", dfe_code="181", format=F, severity="error",
      message="Data items relating to children looked after continuously for 12 months should be "
              "completed with a 0 or 1.", fields=list(OC2_ITEMS), tables=["OC2"],
      expected="0 or 1, or blank")
def zero_or_one(ctx: Context) -> Iterable[Finding]:
    for i, row in ctx.enum("OC2"):
        for f in OC2_ITEMS:
            if v(row, f) not in (None, "0", "1"):
                yield Finding("OC2", i, f, v(row, f))


@rule(id="903:158", dfe_code="158", format=F, severity="error",
      message="If a child has been recorded as receiving an intervention for their substance "
              "misuse problem, then the additional item on whether an intervention was offered "
              "should be left blank.", fields=["INTERVENTION_OFFERED", "INTERVENTION_RECEIVED"],
      tables=["OC2"], expected="INTERVENTION_OFFERED blank when INTERVENTION_RECEIVED is 1")
def received_and_offered(ctx: Context) -> Iterable[Finding]:
    return _oc2(ctx, lambda r: v(r, "INTERVENTION_RECEIVED") == "1"
                and v(r, "INTERVENTION_OFFERED") is not None, "INTERVENTION_OFFERED")


@rule(id="903:159", dfe_code="159", format=F, severity="error",
      message="If a child has been recorded as not receiving an intervention for their substance "
              "misuse problem, then the additional item on whether an intervention was offered "
              "should be completed as well.",
      fields=["INTERVENTION_OFFERED", "INTERVENTION_RECEIVED", "SUBSTANCE_MISUSE"],
      tables=["OC2"], expected="INTERVENTION_OFFERED completed when INTERVENTION_RECEIVED is 0")
def not_received_needs_offered(ctx: Context) -> Iterable[Finding]:
    return _oc2(ctx, lambda r: v(r, "SUBSTANCE_MISUSE") == "1"
                and v(r, "INTERVENTION_RECEIVED") == "0"
                and v(r, "INTERVENTION_OFFERED") is None, "INTERVENTION_OFFERED")


@rule(id="903:192", dfe_code="192", format=F, severity="error",
      message="Child has been identified as having a substance misuse problem but the additional "
              "item on whether an intervention was received has been left blank.",
      fields=["INTERVENTION_RECEIVED", "SUBSTANCE_MISUSE"], tables=["OC2"],
      expected="INTERVENTION_RECEIVED completed when SUBSTANCE_MISUSE is 1")
def misuse_needs_received(ctx: Context) -> Iterable[Finding]:
    return _oc2(ctx, lambda r: v(r, "SUBSTANCE_MISUSE") == "1"
                and v(r, "INTERVENTION_RECEIVED") is None, "INTERVENTION_RECEIVED")


@rule(id="903:193", dfe_code="193", format=F, severity="error",
      message="Child not identified as having a substance misuse problem but at least one of the "
              "two additional items on whether an intervention were offered and received have "
              "been completed.",
      fields=["INTERVENTION_OFFERED", "INTERVENTION_RECEIVED", "SUBSTANCE_MISUSE"],
      tables=["OC2"], expected="both intervention items blank unless SUBSTANCE_MISUSE is 1")
def no_misuse_no_intervention(ctx: Context) -> Iterable[Finding]:
    return _oc2(ctx, lambda r: v(r, "SUBSTANCE_MISUSE") != "1" and (
        v(r, "INTERVENTION_RECEIVED") is not None or v(r, "INTERVENTION_OFFERED") is not None),
        "SUBSTANCE_MISUSE")


@rule(id="903:197a", dfe_code="197a", format=F, severity="error",
      message="Reason for no Strengths and Difficulties (SDQ) score is not required if Strengths "
              "and Difficulties Questionnaire score is filled in.",
      fields=["SDQ_REASON", "SDQ_SCORE"], tables=["OC2"],
      expected="SDQ_REASON blank when SDQ_SCORE is completed")
def score_and_reason(ctx: Context) -> Iterable[Finding]:
    return _oc2(ctx, lambda r: v(r, "SDQ_SCORE") is not None and v(r, "SDQ_REASON") is not None,
                "SDQ_REASON")


def _aged(ctx: Context, at_end: bool, test: Callable[[dict[str, str | None], int], bool],
          field: str) -> Iterable[Finding]:
    on = ctx.year_end if at_end else ctx.year_start
    if on is None:
        return
    dobs = ctx.dates("OC2", "DOB")
    for i, row in ctx.enum("OC2"):
        dob = dobs[i]
        if dob is not None and test(row, age(dob, on)):
            yield Finding("OC2", i, field, v(row, field))


def _any(row: dict[str, str | None], *fields: str) -> bool:
    return any(v(row, f) is not None for f in fields)


@rule(id="903:188", dfe_code="188", format=F, severity="error",
      message="Child is aged under 4 years at the end of the year, but a Strengths and "
              "Difficulties (SDQ) score or a reason for no SDQ score has been completed. ",
      fields=["SDQ_REASON", "SDQ_SCORE"], tables=["OC2"],
      expected="no SDQ score or reason for a child under 4 on 31 March")
def sdq_under_4(ctx: Context) -> Iterable[Finding]:
    return _aged(ctx, True, lambda r, a: a < 4 and _any(r, "SDQ_SCORE", "SDQ_REASON"),
                 "SDQ_SCORE")


@rule(id="903:189", dfe_code="189", format=F, severity="error",
      message="Child is aged 17 years or over at the beginning of the year, but an Strengths and "
              "Difficulties (SDQ) score or a reason for no Strengths and Difficulties (SDQ) score "
              "has been completed.", fields=["DOB", "SDQ_REASON", "SDQ_SCORE"], tables=["OC2"],
      expected="no SDQ score or reason for a child aged 17 or over on 1 April")
def sdq_17_plus(ctx: Context) -> Iterable[Finding]:
    return _aged(ctx, False, lambda r, a: a >= 17 and _any(r, "SDQ_SCORE", "SDQ_REASON"),
                 "SDQ_SCORE")


@rule(id="903:542", dfe_code="542", format=F, severity="error",
      message="A child aged under 10 at 31 March should not have conviction information "
              "completed.", fields=["CONVICTED"], tables=["OC2"],
      expected="CONVICTED blank for a child under 10 on 31 March")
def convicted_under_10(ctx: Context) -> Iterable[Finding]:
    return _aged(ctx, True, lambda r, a: a < 10 and _any(r, "CONVICTED"), "CONVICTED")


@rule(id="903:546", dfe_code="546", format=F, severity="error",
      message="Children aged 5 or over at 31 March should not have health promotion information "
              "completed.", fields=["DOB", "HEALTH_CHECK"], tables=["OC2", "Episodes"],
      expected="HEALTH_CHECK blank for a child aged 5 or over on 31 March who was looked after "
               "continuously for the 12 months")
def health_check_5_plus(ctx: Context) -> Iterable[Finding]:
    cla = continuously_looked_after(ctx)
    return _aged(ctx, True, lambda r, a: a >= 5 and _any(r, "HEALTH_CHECK")
                 and v(r, "CHILD") in cla, "HEALTH_CHECK")


def _needs_health(trigger: str) -> Callable[[Context], Iterable[Finding]]:
    def check(ctx: Context) -> Iterable[Finding]:
        for i, row in ctx.enum("OC2"):
            if v(row, trigger) == "1":
                for f in HEALTH_ITEMS:
                    if v(row, f) is None:
                        yield Finding("OC2", i, f, None)

    return check


rule(id="903:544", dfe_code="544", format=F, severity="error",
     message="Any child who has conviction information completed must also have immunisation, "
             "teeth check, health assessment and substance misuse problem identified fields "
             "completed.", fields=["CONVICTED", *HEALTH_ITEMS], tables=["OC2"],
     expected="the four health items completed when CONVICTED is 1")(_needs_health("CONVICTED"))
rule(id="903:547", dfe_code="547", format=F, severity="error",
     message="Any child who has health promotion information completed must also have "
             "immunisation, teeth check, health assessment and substance misuse problem "
             "identified fields completed.", fields=["HEALTH_CHECK", *HEALTH_ITEMS],
     tables=["OC2"],
     expected="the four health items completed when HEALTH_CHECK is 1",
     )(_needs_health("HEALTH_CHECK"))


# -- OC3 ------------------------------------------------------------------------------------

@rule(id="903:153", dfe_code="153", format=F, severity="error",
      message="All data items relating to a child's activity or accommodation after leaving care "
              "must be coded or left blank.", fields=list(OC3_ITEMS), tables=["OC3"],
      expected="IN_TOUCH, ACTIV and ACCOM all completed, or all blank (ACTIV and ACCOM 0 or "
               "blank when IN_TOUCH is DIED or RHOM)")
def oc3_all_or_none(ctx: Context) -> Iterable[Finding]:
    # A young person who has died or returned home has no activity or accommodation: rule
    # 344 wants both 0 then; a blank pair from such a row is not this rule's concern.
    for i, row in ctx.enum("OC3"):
        if v(row, "IN_TOUCH") in NO_DETAIL:
            continue
        blanks = [f for f in OC3_ITEMS if v(row, f) is None]
        if 0 < len(blanks) < len(OC3_ITEMS):
            for f in blanks:
                yield Finding("OC3", i, f, None)


@rule(id="903:344", dfe_code="344", format=F, severity="error",
      message="The record shows the young person has died or returned home to live with "
              "parent(s) or someone with parental responsibility for a continuous period of 6 "
              "months or more, but activity and/or accommodation on leaving care have been "
              "completed.", fields=list(OC3_ITEMS), tables=["OC3"],
      expected="ACTIV and ACCOM 0 (not asked) when IN_TOUCH is DIED or RHOM")
def died_or_home(ctx: Context) -> Iterable[Finding]:
    for i, row in ctx.enum("OC3"):
        if v(row, "IN_TOUCH") in NO_DETAIL:
            for f in ("ACTIV", "ACCOM"):
                if v(row, f) not in (None, "0"):
                    yield Finding("OC3", i, f, v(row, f))


@rule(id="903:345", dfe_code="345", format=F, severity="error",
      message="The data collection record shows the local authority is in touch with this young "
              "person, but activity and/or accommodation data items are zero.",
      fields=list(OC3_ITEMS), tables=["OC3"],
      expected="ACTIV and ACCOM other than 0 when IN_TOUCH is YES")
def in_touch_zero(ctx: Context) -> Iterable[Finding]:
    for i, row in ctx.enum("OC3"):
        if v(row, "IN_TOUCH") == "YES":
            for f in ("ACTIV", "ACCOM"):
                if v(row, f) == "0":
                    yield Finding("OC3", i, f, "0")


@rule(id="903:391", dfe_code="391", format=F, severity="error",
      message="Young person was not 17, 18, 19, 20 or 21 during the current collection year. ",
      fields=["ACCOM", "ACTIV", "DOB", "IN_TOUCH"], tables=["OC3"],
      expected="a care leaver whose 17th to 21st birthday falls in the collection year")
def care_leaver_age(ctx: Context) -> Iterable[Finding]:
    start, end = ctx.year_start, ctx.year_end
    if start is None or end is None:
        return
    dobs = ctx.dates("OC3", "DOB")
    for i, row in ctx.enum("OC3"):
        dob = dobs[i]
        if dob is None or not _any(row, *OC3_ITEMS):
            continue
        if not any(start <= add_years(dob, k) <= end for k in range(17, 22)):
            yield Finding("OC3", i, "DOB", v(row, "DOB"))


@rule(id="903:134", dfe_code="134", format=F, severity="error",
      message="Data on adoption should not be entered for the OC3 cohort.",
      fields=["ACCOM", "ACTIV", "IN_TOUCH", "DATE_INT", "DATE_MATCH", "FOSTER_CARE",
              "LS_ADOPTR", "NB_ADOPTR", "SEX_ADOPTR"], tables=["AD1", "OC3"],
      expected="no AD1 data for a child with care leaver (OC3) data")
def oc3_and_ad1(ctx: Context) -> Iterable[Finding]:
    oc3 = {v(r, "CHILD") for r in ctx.rows("OC3") if _any(r, *OC3_ITEMS)}
    for i, row in ctx.enum("AD1"):
        if v(row, "CHILD") in oc3 and _any(row, "DATE_INT", "DATE_MATCH", "FOSTER_CARE",
                                          "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"):
            yield Finding("AD1", i, "CHILD", v(row, "CHILD"))


@rule(id="903:215", dfe_code="215", format=F, severity="error",
      message="Child has care leaver information but one or more data items relating to children "
              "looked after for 12 months have been completed.",
      fields=["ACCOM", "ACTIV", "IN_TOUCH", *OC2_ITEMS], tables=["OC2", "OC3"],
      expected="no OC2 items for a child with care leaver (OC3) data")
def oc3_and_oc2(ctx: Context) -> Iterable[Finding]:
    oc3 = {v(r, "CHILD") for r in ctx.rows("OC3") if _any(r, *OC3_ITEMS)}
    for i, row in ctx.enum("OC2"):
        if v(row, "CHILD") in oc3:
            for f in OC2_ITEMS:
                if v(row, f) is not None:
                    yield Finding("OC2", i, f, v(row, f))
