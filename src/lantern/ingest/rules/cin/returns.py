"""DfE CIN census rules about the return as a whole (DfE's "LA level" rules) and its header.

A return-level rule tallies what it needs from each part of the return (`count`) and is
judged once on the whole return's tally, so a national file read in chunks gives the
same answer as a small one (engine.return_rule). Its problem names the table, not a row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from lantern.ingest.rules.cin._base import F, census_period, unborn
from lantern.ingest.rules.cin.tables import CHILD_INDEX
from lantern.ingest.rules.common import claim, v
from lantern.ingest.rules.engine import Context, Finding, Tally, return_rule, rule

CI, DIS, CD, S47, CPP = ("ChildIdentifiers", "Disabilities", "CINdetails", "Section47",
                         "ChildProtectionPlans")
NO_SEX_SHARE = 0.02  # 2886Q: at most 2 % of (born) children without a recorded sex
MIN_DISABILITY_CODES = 8  # 2887Q: "more than 7" different codes besides NONE

claim(F, "Header", "ReferenceDate", "blank", "date")  # 100


@rule(id="cin:100", dfe_code="100", format=F, severity="error",
      message="Reference Date is incorrect", fields=["ReferenceDate"], tables=["Header"],
      expected="the ReferenceDate 31 March of the collection year")
def reference_date(ctx: Context) -> Iterable[Finding]:
    if ctx.collection_year is None:
        return
    expected = date(ctx.collection_year, 3, 31)
    for i, d in enumerate(ctx.dates("Header", "ReferenceDate")):
        if d != expected:
            yield Finding("Header", i, "ReferenceDate", ctx.value("Header", i, "ReferenceDate"),
                          expected=expected.isoformat())


def _n(count: int, thing: str, things: str | None = None) -> str:
    """'1 code', '2 codes'."""
    return f"{count:,} {thing if count == 1 else things or thing + 's'}"


def _in_period(ctx: Context, table: str, field: str) -> int:
    period = census_period(ctx)
    if period is None:
        return 0
    return sum(1 for d in ctx.dates(table, field) if d is not None and period[0] <= d <= period[1])


def _conferences(ctx: Context) -> Tally:
    return Counter({"plans": _in_period(ctx, CPP, "CPPstartDate"),
                    "conferences": _in_period(ctx, CD, "DateOfInitialCPC")
                    + _in_period(ctx, S47, "DateOfInitialCPC")})


@return_rule(id="cin:2883", dfe_code="2883", format=F, severity="error",
             message="There are more child protection plans starting than initial "
                     "conferences taking place", fields=["CPPstartDate", "DateOfInitialCPC"],
             tables=[CPP, CD, S47], count=_conferences,
             expected="no more CPPstartDates in the census year than initial conferences "
                      "(DateOfInitialCPC in CIN details or section 47) in it")
def more_plans_than_conferences(tally: Tally, ctx: Context) -> Iterable[Finding]:
    if tally["plans"] > tally["conferences"]:
        yield Finding(CPP, None, "CPPstartDate",
                      f"{_n(tally['plans'], 'plan')} starting in the census year, "
                      f"{_n(tally['conferences'], 'initial conference')}")


def _sex_recorded(row: dict[str, str | None]) -> bool:
    """DfE 2886Q: no sex is a missing element or the 'not known' code (0, or U from 2025)."""
    given = [v(row, e) for e in ("Sex", "GenderCurrent") if v(row, e) is not None]
    return bool(given) and all(g not in ("0", "U") for g in given)


def _sexes(ctx: Context) -> Tally:
    rows = ctx.rows(CI)
    # the unborn are excluded from the count of children without a sex, not from the total
    return Counter({"children": len(rows),
                    "no_sex": sum(1 for r in rows if not unborn(r) and not _sex_recorded(r))})


@return_rule(id="cin:2886Q", dfe_code="2886Q", format=F, severity="query",
             message="Please check and either amend or provide a reason: Percentage of "
                     "children with no sex recorded is more than 2% (excluding unborns)",
             fields=["Sex", "GenderCurrent", "ExpectedPersonBirthDate"], tables=[CI],
             count=_sexes, expected="a sex (M or F) for at least 98 % of the children born")
def children_without_sex(tally: Tally, ctx: Context) -> Iterable[Finding]:
    children, none = tally["children"], tally["no_sex"]
    if children and none / children > NO_SEX_SHARE:
        message = None
        if (ctx.collection_year or 2025) < 2025:  # the element was GenderCurrent until then
            message = ("Please check and either amend or provide a reason: Percentage of "
                       "children with no gender recorded is more than 2% (excluding unborns)")
        yield Finding(CI, None, "Sex", f"{none:,} of {_n(children, 'child', 'children')} "
                      f"({100 * none / children:.1f} %)", message=message)


def _disabilities(ctx: Context) -> Tally:
    codes = Counter(f"code:{d.upper()}" for r in ctx.rows(DIS)
                    if (d := v(r, "Disability")) is not None and d.upper() != "NONE")
    per_child = Counter(v(r, CHILD_INDEX) for r in ctx.rows(DIS)
                        if (v(r, "Disability") or "NONE").upper() != "NONE")
    # a child sits in one chunk, so "children with more than one code" adds up
    return codes + Counter({"children": len(per_child),
                            "several": sum(1 for n in per_child.values() if n > 1)})


@return_rule(id="cin:2887Q", dfe_code="2887Q", format=F, severity="query",
             message="Please check and either amend or provide a reason: Less than 8 "
                     "disability codes have been used in your return", fields=["Disability"],
             tables=[DIS], count=_disabilities,
             expected="at least 8 different Disability codes besides NONE in the return")
def few_disability_codes(tally: Tally, ctx: Context) -> Iterable[Finding]:
    used = sorted(k[5:] for k in tally if k.startswith("code:"))
    if len(used) < MIN_DISABILITY_CODES:
        yield Finding(DIS, None, "Disability",
                      f"{_n(len(used), 'code')}: {', '.join(used)}" if used else "no codes")


@return_rule(id="cin:2888Q", dfe_code="2888Q", format=F, severity="query",
             message="Please check and either amend or provide a reason: Only one disability "
                     "code is recorded per child and multiple disabilities should be recorded "
                     "where possible.", fields=["Disability"], tables=[DIS],
             count=_disabilities,
             expected="at least one child with more than one Disability code (besides NONE)")
def one_disability_each(tally: Tally, ctx: Context) -> Iterable[Finding]:
    # with no child recorded as disabled there is nothing to say "only one" of (2887Q's)
    if tally["children"] and not tally["several"]:
        yield Finding(DIS, None, "Disability",
                      f"{_n(tally['children'], 'child', 'children')} with a disability, "
                      f"each with one code")
