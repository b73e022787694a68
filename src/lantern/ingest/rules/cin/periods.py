"""DfE CIN census rules on the census year, open modules and required codes, under their DfE
codes and messages."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta

from lantern.calendar import subtract_working_days, wd
from lantern.ingest.rules.cin._base import F, census_period
from lantern.ingest.rules.cin.tables import CHILD_INDEX
from lantern.ingest.rules.common import claim, code_rule, is_true, v
from lantern.ingest.rules.engine import Context, Finding, rule
from lantern.ingest.rules.schema import cin_elements
from lantern.ingest.source import Severity

CPP, PLANS = "ChildProtectionPlans", "CINplanDates"

claim(F, "Reviews", "CPPreviewDate", "blank")  # 8842Q


# -- a date that must fall within the census year ------------------------------------------

def _in_year_rule(code: str, message: str, table: str, field: str,
                  severity: Severity = "error") -> None:
    def check(ctx: Context) -> Iterable[Finding]:
        period = census_period(ctx)
        if period is None:
            return
        for i, d in enumerate(ctx.dates(table, field)):
            if d is not None and not period[0] <= d <= period[1]:
                yield Finding(table, i, field, ctx.value(table, i, field))

    rule(id=f"cin:{code}", dfe_code=code, format=F, severity=severity, message=message,
         fields=[field, "ReferenceDate"], tables=[table],
         expected=f"{field} within the census year (1 April to the ReferenceDate)")(check)


_in_year_rule("4013", "CIN Plan end date must fall within the census year", PLANS,
              "CINPlanEndDate")
_in_year_rule("8930", "Child Protection Plan End Date must fall within the census year", CPP,
              "CPPendDate")
_in_year_rule("8696", "Assessment end date must fall within the census year", "Assessments",
              "AssessmentAuthorisationDate")
_in_year_rule("8545Q", "Please check and either amend data or provide a reason: Child's date of "
              "death should be within the census year", "ChildIdentifiers", "PersonDeathDate",
              "query")


@rule(id="cin:8842Q", dfe_code="8842Q", format=F, severity="query",
      message="Please check and either amend or provide a reason: Review Record has a missing "
              "date", fields=["CPPreviewDate"], tables=["Reviews"],
      expected="a CPPreviewDate on every review")
def review_without_date(ctx: Context) -> Iterable[Finding]:
    for i, row in ctx.enum("Reviews"):
        if v(row, "CPPreviewDate") is None:
            yield Finding("Reviews", i, "CPPreviewDate", None)


# -- more than one open module --------------------------------------------------------------

def _two_open_rule(code: str, message: str, table: str, end: str) -> None:
    def check(ctx: Context) -> Iterable[Finding]:
        open_per_child = Counter(v(r, CHILD_INDEX) for r in ctx.rows(table) if v(r, end) is None)
        for i, row in ctx.enum(table):
            if v(row, end) is None and open_per_child[v(row, CHILD_INDEX)] > 1:
                yield Finding(table, i, end, None)

    rule(id=f"cin:{code}", dfe_code=code, format=F, severity="error", message=message,
         fields=[end], tables=[table], expected=f"at most one open {table} row (no {end}) "
                                                f"per child")(check)


_two_open_rule("4004", "This child is showing more than one open CIN Plan, i.e. with no End Date",
               PLANS, "CINPlanEndDate")
_two_open_rule("8935", "This child is showing more than one open Child Protection plan, i.e. "
               "with no End Date", CPP, "CPPendDate")


@rule(id="cin:8815", dfe_code="8815", format=F, severity="error",
      message="More than one open CIN Details episode (a module with no CIN Closure Date) has been "
              "provided for this child and case is not a referral with no further action.",
      fields=["CINclosureDate", "ReferralNFA"], tables=["CINdetails"],
      expected="at most one open CIN episode per child, besides referrals with no further action")
def two_open_episodes(ctx: Context) -> Iterable[Finding]:
    def counts(row: dict[str, str | None]) -> bool:
        return v(row, "CINclosureDate") is None and not is_true(row.get("ReferralNFA"))

    per_child = Counter(v(r, CHILD_INDEX) for r in ctx.rows("CINdetails") if counts(r))
    for i, row in ctx.enum("CINdetails"):
        if counts(row) and per_child[v(row, CHILD_INDEX)] > 1:
            yield Finding("CINdetails", i, "CINclosureDate", None)


# -- codes that must be present and valid ---------------------------------------------------

def _required_code(code: str, message: str, table: str, field: str) -> None:
    code_rule(id=f"cin:{code}", dfe_code=code, format=F, table=table, field=field,
              message=message, codes=lambda y: cin_elements(y)[table][field].codes,
              blank_is_error=True)


_required_code("8866", "Source of Referral is missing or an invalid code", "CINdetails",
               "ReferralSource")
_required_code("8905", "Initial Category of Abuse code missing or invalid (see Category of Abuse "
               "table in CIN Census code set)", CPP, "InitialCategoryOfAbuse")
_required_code("8910", "Latest Category of Abuse code missing or invalid (see Category of Abuse "
               "table in CIN Census code set)", CPP, "LatestCategoryOfAbuse")
_required_code("4220", "Ethnicity is missing or invalid (see Ethnicity table)",
               "ChildCharacteristics", "Ethnicity")


# -- working days before the end of the census year ------------------------------------------

def _working_days_to(start: date, end: date) -> int:
    """Working days after `start` up to `end` (lantern.calendar: bank holidays in England);
    a date before the calendar's range is long before any census year."""
    try:
        return wd(start, end)
    except ValueError:
        return 10_000 if start < end else 0


def _overdue_rule(code: str, message: str, table: str, start: str, outcome: str, limit: int,
                  exempt: str | None = None) -> None:
    def check(ctx: Context) -> Iterable[Finding]:
        period = census_period(ctx)
        if period is None:
            return
        for i, s in enumerate(ctx.dates(table, start)):
            row = ctx.rows(table)[i]
            if (s is None or v(row, outcome) is not None
                    or (exempt is not None and is_true(row.get(exempt)))):
                continue
            if _working_days_to(s, period[1]) > limit:
                yield Finding(table, i, outcome, None)

    rule(id=f"cin:{code}", dfe_code=code, format=F, severity="query", message=message,
         fields=[start, outcome], tables=[table],
         expected=f"{outcome} given when {start} is more than {limit} working days before "
                  f"the end of the census year")(check)


_overdue_rule("8670Q", "Please check and either amend data or provide a reason: Assessment started "
              "more than 45 working days before the end of the census year. However, there is "
              "no Assessment end date.", "Assessments", "AssessmentActualStartDate",
              "AssessmentAuthorisationDate", 45)
# An enquiry that needs no conference (ICPCnotRequired) is not waiting for one.
_overdue_rule("8675Q", "Please check and either amend data or provide a reason: S47 Enquiry "
              "started more than 15 working days before the end of the census year. However, "
              "there is no date of Initial Child Protection Conference.", "Section47",
              "S47ActualStartDate", "DateOfInitialCPC", 15, exempt="ICPCnotRequired")


@rule(id="cin:8569Q", dfe_code="8569Q", format=F, severity="query",
      message="A case with referral date before one working day prior to the collection start "
              "date must not be flagged as a no further action case",
      fields=["CINreferralDate", "ReferralNFA"], tables=["CINdetails"],
      expected="ReferralNFA false for a referral before the working day before 1 April")
def old_referral_no_further_action(ctx: Context) -> Iterable[Finding]:
    period = census_period(ctx)
    if period is None:
        return
    # the last working day before 1 April (28 March 2024: Good Friday and Easter Monday)
    try:
        cutoff = subtract_working_days(period[0] - timedelta(days=1), 0)
    except ValueError:  # a ReferenceDate outside the calendar (1990-2040) is 100's
        return
    for i, d in enumerate(ctx.dates("CINdetails", "CINreferralDate")):
        row = ctx.rows("CINdetails")[i]
        if d is not None and d < cutoff and is_true(row.get("ReferralNFA")):
            yield Finding("CINdetails", i, "ReferralNFA", v(row, "ReferralNFA"))
