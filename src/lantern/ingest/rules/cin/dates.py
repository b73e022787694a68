"""DfE CIN census rules on dates against dates (plans, death, weekends), repeated codes and
the child's identifier, under their DfE codes and messages."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date

from lantern.ingest.rules.cin._base import F, child_rows
from lantern.ingest.rules.cin.tables import (
    ASSESSMENT_INDEX,
    CHILD_ID,
    CHILD_INDEX,
    CIN_INDEX,
    CPP_INDEX,
)
from lantern.ingest.rules.common import claim, v
from lantern.ingest.rules.engine import Context, Finding, rule
from lantern.ingest.source import Severity

CI, PLANS, CPP, S47 = "ChildIdentifiers", "CINplanDates", "ChildProtectionPlans", "Section47"

claim(F, S47, "S47ActualStartDate", "blank")  # 8615


def _severity(code: str) -> Severity:
    return "query" if code.endswith("Q") else "error"


# -- one date after another on the same row ------------------------------------------------

def _order_rule(code: str, message: str, table: str, first: str, then: str,
                bad: Callable[[date, date], bool], expected: str) -> None:
    def check(ctx: Context) -> Iterable[Finding]:
        a_, b_ = ctx.dates(table, first), ctx.dates(table, then)
        for i in range(len(a_)):
            a, b = a_[i], b_[i]
            if a is not None and b is not None and bad(a, b):
                yield Finding(table, i, then, ctx.value(table, i, then))

    rule(id=f"cin:{code}", dfe_code=code, format=F, severity=_severity(code), message=message,
         fields=[first, then], tables=[table], expected=expected)(check)


_order_rule("4011", "CIN Plan End Date earlier than Start Date", PLANS, "CINPlanStartDate",
            "CINPlanEndDate", lambda s, e: e < s, "CINPlanEndDate on or after CINPlanStartDate")
_order_rule("4012Q", "Please check and either amend or provide a reason: CIN Plan shown as "
            "starting and ending on the same day", PLANS, "CINPlanStartDate", "CINPlanEndDate",
            lambda s, e: e == s, "a CIN plan ending after the day it started")
_order_rule("8925", "Child Protection Plan End Date earlier than Start Date", CPP,
            "CPPstartDate", "CPPendDate", lambda s, e: e < s, "CPPendDate on or after CPPstartDate")
_order_rule("8535Q", "Please check and either amend data or provide a reason: Child’s date of "
            "death should not be prior to the date of birth", CI, "PersonBirthDate",
            "PersonDeathDate", lambda b, d: d < b, "PersonDeathDate on or after PersonBirthDate")


@rule(id="cin:8615", dfe_code="8615", format=F, severity="error",
      message="Section 47 Enquiry Start Date must be present and cannot be later than the date of "
              "the initial Child Protection Conference",
      fields=["S47ActualStartDate", "DateOfInitialCPC"], tables=[S47],
      expected="S47ActualStartDate given, on or before DateOfInitialCPC")
def s47_start(ctx: Context) -> Iterable[Finding]:
    start, icpc = ctx.dates(S47, "S47ActualStartDate"), ctx.dates(S47, "DateOfInitialCPC")
    for i, row in ctx.enum(S47):
        s, c = start[i], icpc[i]
        if v(row, "S47ActualStartDate") is None or (s is not None and c is not None and s > c):
            yield Finding(S47, i, "S47ActualStartDate", v(row, "S47ActualStartDate"))


# -- after the child's death ----------------------------------------------------------------

def _after_death_rule(code: str, message: str, table: str, field: str) -> None:
    def check(ctx: Context) -> Iterable[Finding]:
        children = child_rows(ctx)
        died = ctx.dates(CI, "PersonDeathDate")
        for i, d in enumerate(ctx.dates(table, field)):
            c = children.get(ctx.value(table, i, CHILD_INDEX) or "")
            death = died[c] if c is not None else None
            if d is not None and death is not None and d > death:
                yield Finding(table, i, field, ctx.value(table, i, field))

    rule(id=f"cin:{code}", dfe_code=code, format=F, severity=_severity(code), message=message,
         fields=[field, "PersonDeathDate"], tables=[table, CI],
         expected=f"{field} on or before the child's PersonDeathDate")(check)


_after_death_rule("8555Q", "Child cannot be referred after its recorded date of death",
                  "CINdetails", "CINreferralDate")
_after_death_rule("4008", "CIN Plan shown as starting after the child’s Date of Death.", PLANS,
                  "CINPlanStartDate")
_after_death_rule("4009Q", "CIN Plan cannot end after the child’s Date of Death", PLANS,
                  "CINPlanEndDate")
_after_death_rule("8915", "Child Protection Plan shown as starting after the child’s Date of "
                  "Death", CPP, "CPPstartDate")
_after_death_rule("8920", "Child Protection Plan cannot end after the child’s Date of Death", CPP,
                  "CPPendDate")


@rule(id="cin:8841", dfe_code="8841", format=F, severity="error",
      message="The review date cannot be on the same day or before the Child protection Plan "
              "start date.", fields=["CPPreviewDate", "CPPstartDate"], tables=["Reviews", CPP],
      expected="CPPreviewDate after the plan's CPPstartDate")
def review_on_or_before_start(ctx: Context) -> Iterable[Finding]:
    plans = {k: rows[0] for k, rows in ctx.by_child(CPP, CPP_INDEX).items()}
    started = ctx.dates(CPP, "CPPstartDate")
    for i, d in enumerate(ctx.dates("Reviews", "CPPreviewDate")):
        p = plans.get(ctx.value("Reviews", i, CPP_INDEX) or "")
        s = started[p] if p is not None else None
        if d is not None and s is not None and d <= s:
            yield Finding("Reviews", i, "CPPreviewDate", ctx.value("Reviews", i, "CPPreviewDate"))


# -- weekends ------------------------------------------------------------------------------

def _weekend_rule(code: str, message: str, tables: tuple[str, ...], field: str) -> None:
    def check(ctx: Context) -> Iterable[Finding]:
        for table in tables:
            for i, d in enumerate(ctx.dates(table, field)):
                if d is not None and d.weekday() >= 5:
                    yield Finding(table, i, field, ctx.value(table, i, field))

    rule(id=f"cin:{code}", dfe_code=code, format=F, severity=_severity(code), message=message,
         fields=[field], tables=list(tables), expected=f"{field} on a weekday")(check)


_weekend_rule("8875", "The Date of Initial Child Protection Conference cannot be a weekend",
              (S47, "CINdetails"), "DateOfInitialCPC")
_weekend_rule("8870Q", "Please check and either amend or provide a reason: The Target Date for "
              "Initial Child Protection Conference should not be a weekend", (S47,),
              "InitialCPCtarget")


# -- repeated codes and retired codes -----------------------------------------------------------

def _repeated_rule(code: str, message: str, table: str, field: str, keys: tuple[str, ...]
                   ) -> None:
    def check(ctx: Context) -> Iterable[Finding]:
        seen = Counter((tuple(v(r, k) for k in keys), (v(r, field) or "").upper())
                       for r in ctx.rows(table) if v(r, field) is not None)
        for i, row in ctx.enum(table):
            key = (tuple(v(row, k) for k in keys), (v(row, field) or "").upper())
            if v(row, field) is not None and seen[key] > 1:
                yield Finding(table, i, field, v(row, field))

    rule(id=f"cin:{code}", dfe_code=code, format=F, severity=_severity(code), message=message,
         fields=[field], tables=[table], expected=f"each {field} code once")(check)


_repeated_rule("8794", "Child has two or more disabilities with the same code", "Disabilities",
               "Disability", (CHILD_INDEX,))
_repeated_rule("8898", "The assessment has more than one parental or child factors with the same "
               "code", "AssessmentFactors", "AssessmentFactors",
               (CHILD_INDEX, CIN_INDEX, ASSESSMENT_INDEX))


def _retired_factor_rule(code: str, factor: str, instead: str) -> None:
    def check(ctx: Context) -> Iterable[Finding]:
        for i, row in ctx.enum("AssessmentFactors"):
            if (v(row, "AssessmentFactors") or "").upper() == factor:
                yield Finding("AssessmentFactors", i, "AssessmentFactors", factor)

    rule(id=f"cin:{code}", dfe_code=code, format=F, severity="query", years=(2025, 2026),
         message=f"Please check and either amend data or provide a reason: the assessment "
                 f"factors code '{factor}' should not be used ({instead} should be used instead)",
         fields=["AssessmentFactors"], tables=["AssessmentFactors"],
         expected=f"{instead} rather than {factor}")(check)


_retired_factor_rule("8945Q", "18A", "'18B' or '18C'")
_retired_factor_rule("8950Q", "19A", "'19B' or '19C'")


# -- the child's identifier (from 2024-25) ---------------------------------------------------

@rule(id="cin:1570", dfe_code="1570", format=F, severity="error", years=(2025, 2026),
      message="LA Child ID must not be longer than 20 characters", fields=[CHILD_ID],
      tables=[CI], expected="an LAchildID of at most 20 characters")
def child_id_length(ctx: Context) -> Iterable[Finding]:
    for i, row in ctx.enum(CI):
        value = v(row, CHILD_ID)
        if value is not None and len(value) > 20:
            yield Finding(CI, i, CHILD_ID, value)


@rule(id="cin:1580", dfe_code="1580", format=F, severity="error", years=(2025, 2026),
      message="LA Child ID must not contain any non-alphanumeric characters", fields=[CHILD_ID],
      tables=[CI], expected="an LAchildID of letters A-Z and digits 0-9 only")
def child_id_characters(ctx: Context) -> Iterable[Finding]:
    for i, row in ctx.enum(CI):
        value = v(row, CHILD_ID)
        if value is not None and not (value.isascii() and value.isalnum()):
            yield Finding(CI, i, CHILD_ID, value)
