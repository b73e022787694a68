"""DfE SSDA903 rules on the OC2 cohort: children looked after continuously for 12 months."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from lantern.ingest.rules.common import add_years, age, v
from lantern.ingest.rules.engine import Context, Finding, rule
from lantern.ingest.rules.ssda903._base import F, continuously_looked_after
from lantern.ingest.rules.ssda903.outcomes import HEALTH_ITEMS, OC2_ITEMS

Row = dict[str, str | None]
# The OC2 items of the cohort: the SDQ pair and the eight health and offending items.
COHORT_ITEMS = ("SDQ_SCORE", "SDQ_REASON", *OC2_ITEMS)


def _cohort_rule(code: str, message: str, *, in_cohort: bool, field: str, fields: list[str],
                 test: Callable[[Row, int | None], bool], expected: str) -> None:
    """A rule on OC2 rows of children in (or not in) the 12-month cohort; `test` gets the
    row and the child's age on 31 March. Without the episodes the cohort is unknown."""
    def check(ctx: Context) -> Iterable[Finding]:
        end = ctx.year_end
        if not ctx.has("Episodes") or end is None:
            return
        cohort = continuously_looked_after(ctx)
        dobs = ctx.dates("OC2", "DOB")
        for i, row in ctx.enum("OC2"):
            dob = dobs[i]
            if (v(row, "CHILD") in cohort) == in_cohort and test(
                    row, age(dob, end) if dob is not None else None):
                yield Finding("OC2", i, field, v(row, field))

    rule(id=f"903:{code}", dfe_code=code, format=F, severity="error", message=message,
         fields=fields, tables=["OC2", "Episodes"], expected=expected)(check)


def _given(*items: str) -> Callable[[Row, int | None], bool]:
    return lambda row, _age: any(v(row, f) is not None for f in items)


_cohort_rule("185", "Child has not been looked after continuously for at least 12 months at 31 "
             "March but a Strengths and Difficulties (SDQ) score has been completed.",
             in_cohort=False, field="SDQ_SCORE", fields=["SDQ_SCORE"], test=_given("SDQ_SCORE"),
             expected="no SDQ score for a child not looked after continuously for 12 months")
_cohort_rule("198", "Child has not been looked after continuously for at least 12 months at 31 "
             "March but a reason for no Strengths and Difficulties (SDQ) score has been "
             "completed.", in_cohort=False, field="SDQ_REASON", fields=["SDQ_REASON"],
             test=_given("SDQ_REASON"),
             expected="no SDQ reason for a child not looked after continuously for 12 months")
_cohort_rule("190", "Child has not been looked after continuously for at least 12 months at 31 "
             "March but one or more data items relating to children looked after for 12 "
             "months have been completed.", in_cohort=False, field="CONVICTED",
             fields=list(OC2_ITEMS), test=_given(*OC2_ITEMS),
             expected="the OC2 items blank for a child not looked after continuously for 12 "
                      "months")
_cohort_rule("191", "Child has been looked after continuously for at least 12 months at 31 March "
             "but one or more data items relating to children looked after for 12 months have "
             "been left blank.", in_cohort=True, field="IMMUNISATIONS",
             fields=list(HEALTH_ITEMS),
             test=lambda row, _age: any(v(row, f) is None for f in HEALTH_ITEMS),
             expected="immunisations, teeth check, health assessment and substance misuse "
                      "completed for a child looked after continuously for 12 months")
_cohort_rule("545", "Child is aged under 5 at 31 March and has been looked after continuously for "
             "12 months yet health promotion information has not been completed.",
             in_cohort=True, field="HEALTH_CHECK", fields=["HEALTH_CHECK", "DOB"],
             test=lambda row, a: a is not None and a < 5 and v(row, "HEALTH_CHECK") is None,
             expected="HEALTH_CHECK completed for a child under 5 in the 12-month cohort")


@rule(id="903:182", dfe_code="182", format=F, severity="error",
      message="Data entries on immunisations, teeth checks, health assessments and substance "
              "misuse problem identified should be completed or all OC2 fields should be left "
              "blank.", fields=list(COHORT_ITEMS), tables=["OC2"],
      expected="the four health items completed, or every OC2 item blank")
def health_items_or_nothing(ctx: Context) -> Iterable[Finding]:
    for i, row in ctx.enum("OC2"):
        if any(v(row, f) is not None for f in COHORT_ITEMS):
            for f in HEALTH_ITEMS:
                if v(row, f) is None:
                    yield Finding("OC2", i, f, None)


@rule(id="903:187", dfe_code="187", format=F, severity="error",
      message="Child cannot be looked after continuously for 12 months at 31 March (OC2) and "
              "have any of adoption or care leavers returns completed.",
      fields=["CHILD"], tables=["AD1", "OC3", "Episodes"],
      expected="no AD1 or OC3 data for a child looked after continuously for 12 months")
def cohort_with_adoption_or_leaving(ctx: Context) -> Iterable[Finding]:
    if not ctx.has("Episodes"):
        return
    cohort = continuously_looked_after(ctx)
    for table in ("AD1", "OC3"):
        items = [c for c in ctx.tables[table].columns if c not in ("CHILD", "DOB")] \
            if ctx.has(table) else []
        for i, row in ctx.enum(table):
            if v(row, "CHILD") in cohort and any(v(row, f) is not None for f in items):
                yield Finding(table, i, "CHILD", v(row, "CHILD"))


@rule(id="903:1000", dfe_code="1000", format=F, severity="error",
      message="This child is recorded as having died in care and therefore should not have the "
              "care leaver information completed.", fields=["IN_TOUCH", "ACTIV", "ACCOM", "REC"],
      tables=["OC3", "Episodes", "Episodes_last"],
      expected="no care leaver information for a child whose care ended with REC E2 (died)")
def died_in_care(ctx: Context) -> Iterable[Finding]:
    died = {v(r, "CHILD") for t in ("Episodes", "Episodes_last") for r in ctx.rows(t)
            if v(r, "REC") == "E2"}
    # A child who died in care never left it: even IN_TOUCH DIED (for a care leaver who
    # died after leaving) is not theirs to have.
    for i, row in ctx.enum("OC3"):
        if v(row, "CHILD") in died and any(v(row, f) is not None
                                           for f in ("IN_TOUCH", "ACTIV", "ACCOM")):
            yield Finding("OC3", i, "IN_TOUCH", v(row, "IN_TOUCH"))


# -- SDQ for the 12-month cohort: who needs a score, and when SDQ1 (age) is a reason ------

def _aged_4_to_16(dob: date, start: date, end: date) -> bool:
    """4 or over on 1 April and under 17 on 31 March: the ages an SDQ score is due."""
    return add_years(dob, 4) <= start and add_years(dob, 17) > end


def _sdq_rule(code: str, message: str, field: str, expected: str,
              test: Callable[[Row, date, date, date], bool]) -> None:
    """A rule on the OC2 rows of the 12-month cohort; `test` gets the row, the child's DOB
    and the collection year's first and last days."""
    def check(ctx: Context) -> Iterable[Finding]:
        start, end = ctx.year_start, ctx.year_end
        if not ctx.has("Episodes") or start is None or end is None:
            return
        cohort = continuously_looked_after(ctx)
        dobs = ctx.dates("OC2", "DOB")
        for i, row in ctx.enum("OC2"):
            dob = dobs[i]
            if v(row, "CHILD") in cohort and dob is not None and test(row, dob, start, end):
                yield Finding("OC2", i, field, v(row, field))

    rule(id=f"903:{code}", dfe_code=code, format=F, severity="error", message=message,
         fields=["SDQ_SCORE", "SDQ_REASON", "DOB"], tables=["OC2", "Episodes"],
         expected=expected)(check)


def _no_sdq(row: Row) -> bool:
    return v(row, "SDQ_SCORE") is None and v(row, "SDQ_REASON") is None


_sdq_rule("186", "Children aged 4 or over at the start of the year and children aged under 17 at "
          "the end of the year and who have been looked after for at least 12 months "
          "continuously should have a Strengths and Difficulties (SDQ) score completed.",
          "SDQ_SCORE", "an SDQ score (or a reason for none) for a child in the 12-month cohort "
          "aged 4 or over on 1 April and under 17 on 31 March",
          lambda row, dob, start, end: _aged_4_to_16(dob, start, end) and _no_sdq(row))
_sdq_rule("157", "Child is aged 4 years or over at the beginning of the year or 16 years or "
          "under at the end of the year and Strengths and Difficulties Questionnaire (SDQ) 1 "
          "has been recorded as the reason for no Strengths and Difficulties Questionnaire "
          "(SDQ) score.", "SDQ_REASON",
          "a reason other than SDQ1 (too young or too old) for a child aged 4 or over on 1 "
          "April and 16 or under on 31 March",
          lambda row, dob, start, end: _aged_4_to_16(dob, start, end)
          and v(row, "SDQ_SCORE") is None and v(row, "SDQ_REASON") == "SDQ1")
_sdq_rule("197B", "SDQ score or reason for no SDQ should be reported for 4- or 17-year-olds.",
          "SDQ_SCORE", "an SDQ score or a reason for none for a child in the 12-month cohort "
          "whose 4th or 17th birthday is in the year",
          lambda row, dob, start, end: _no_sdq(row) and any(
              start <= add_years(dob, n) <= end for n in (4, 17)))
