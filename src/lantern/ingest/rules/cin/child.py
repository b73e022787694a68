"""DfE CIN census rules on the child's identifiers and characteristics: sex, expected birth,
age, death, the UPN's reason and the referral flag, under their DfE codes and messages."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, timedelta

from lantern.ingest.rules.cin._base import F, census_period, child_rows, unborn
from lantern.ingest.rules.cin.tables import CHILD_INDEX, SEX_ELEMENTS
from lantern.ingest.rules.common import add_years, claim, code_rule, is_false, is_true, v
from lantern.ingest.rules.engine import Context, Finding, rule
from lantern.ingest.rules.schema import cin_elements
from lantern.ingest.rules.structure.cin import sex_codes

CI, CD = "ChildIdentifiers", "CINdetails"
SEX_CODES_FROM_2025 = frozenset({"M", "F", "U"})
EXPECTED_BIRTH_BEFORE = timedelta(days=30)  # 8530Q: from ReferenceDate minus 30 days...
EXPECTED_BIRTH_MONTHS = 9  # ... to ReferenceDate plus 9 months
OLD_AGE = 25  # 8775Q
# 8770Q: UPNunknown UN1 says "not of school age"; the other reasons stand for any child
SCHOOL_AGE_REASONS = frozenset({"UN2", "UN3", "UN4", "UN5", "UN6", "UN7"})

for _element in SEX_ELEMENTS:
    claim(F, CI, _element, "blank", "code")  # 4180
claim(F, CD, "ReferralNFA", "blank", "code")  # 8568


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


@rule(id="cin:4180", dfe_code="4180", format=F, severity="error",
      message="Sex must be provided and equal M, F, or U", fields=list(SEX_ELEMENTS),
      tables=[CI], expected="Sex M, F or U (GenderCurrent 0, 1, 2 or 9 up to 2023-24)")
def sex_given(ctx: Context) -> Iterable[Finding]:
    # Up to 2023-24 the element was GenderCurrent (0/1/2/9); returns in transition carry
    # either element with either code set (the 2024 public sample), accepted as before.
    # From 2024-25 the XSD's Sex is M, F or U whichever element carries it.
    old = (ctx.collection_year or 2025) < 2025
    codes = sex_codes() if old else SEX_CODES_FROM_2025
    message = "Gender is missing" if old else None
    for i, row in ctx.enum(CI):
        given = [(e, v(row, e)) for e in SEX_ELEMENTS if v(row, e) is not None]
        if not given and not unborn(row):  # an unborn child's missing sex is 8750's
            yield Finding(CI, i, "GenderCurrent" if old else "Sex", None, message=message)
        for element, value in given:
            if value not in codes:
                yield Finding(CI, i, element, value, message=message,
                              expected=f"one of {', '.join(sorted(codes))}")


@rule(id="cin:8530Q", dfe_code="8530Q", format=F, severity="query",
      message="Please check and either amend data or provide a reason: Expected Date of Birth "
              "is outside the expected range for this census (March to December of the Census "
              "Year end)", fields=["ExpectedPersonBirthDate", "ReferenceDate"], tables=[CI],
      expected="ExpectedPersonBirthDate from 30 days before to 9 months after the "
               "ReferenceDate")
def expected_birth_in_range(ctx: Context) -> Iterable[Finding]:
    period = census_period(ctx)
    if period is None:
        return
    ref = period[1]
    try:
        first, last = ref - EXPECTED_BIRTH_BEFORE, _add_months(ref, EXPECTED_BIRTH_MONTHS)
    except (ValueError, OverflowError):  # a ReferenceDate at the end of time: 100's
        return
    for i, d in enumerate(ctx.dates(CI, "ExpectedPersonBirthDate")):
        if d is not None and not first <= d <= last:
            yield Finding(CI, i, "ExpectedPersonBirthDate",
                          ctx.value(CI, i, "ExpectedPersonBirthDate"),
                          expected=f"{first.isoformat()} to {last.isoformat()}")


code_rule(id="cin:8568", dfe_code="8568", format=F, table=CD, field="ReferralNFA",
          message="RNFA flag is missing or invalid", blank_is_error=True,
          codes=lambda y: cin_elements(y)[CD]["ReferralNFA"].codes)


@rule(id="cin:8585Q", dfe_code="8585Q", format=F, severity="query",
      message="Please check and either amend or provide a reason: CIN episode shows Died as "
              "the Closure Reason, however child has no recorded Date of Death",
      fields=["ReasonForClosure", "PersonDeathDate"], tables=[CD, CI],
      expected="a real PersonDeathDate for a child whose episode closed with RC2 (died)")
def died_without_date(ctx: Context) -> Iterable[Finding]:
    children = child_rows(ctx)
    died = ctx.dates(CI, "PersonDeathDate")
    for i, row in ctx.enum(CD):
        c = children.get(v(row, CHILD_INDEX) or "")
        if (v(row, "ReasonForClosure") or "").upper() == "RC2" and c is not None \
                and died[c] is None:
            yield Finding(CD, i, "PersonDeathDate", ctx.value(CI, c, "PersonDeathDate"))


def _school_age_born_by(ref: date, year: int) -> tuple[date, bool]:
    """(date, inclusive): a child born before (or on, if inclusive) it is of school age for
    8770Q. Up to 2023-24 DfE's rule reads "born earlier than ReferenceDate minus 6 years";
    from 2024-25 "of school age": 5 by the 31 August that began the school year."""
    if year < 2025:
        return add_years(ref, -6), False
    start = date(ref.year if ref.month > 8 else ref.year - 1, 8, 31)
    return add_years(start, -5), True


@rule(id="cin:8770Q", dfe_code="8770Q", format=F, severity="query",
      message="Please check and either amend data or provide a reason: UPN is missing or "
              "reason UPN is missing or is UN1 for a child who is of school age.",
      fields=["UPN", "UPNunknown", "PersonBirthDate", "ReferralNFA"], tables=[CI, CD],
      expected="a UPN, or a UPNunknown reason other than UN1, for a child of school age with "
               "a referral going on to further action")
def school_age_without_upn(ctx: Context) -> Iterable[Finding]:
    period = census_period(ctx)
    if period is None:
        return
    year = ctx.collection_year or 2025
    cutoff, inclusive = _school_age_born_by(period[1], year)
    message = None if year >= 2025 else (
        "Please check and either amend data or provide a reason: UPN or reason UPN missing "
        "expected for a child who is more than 5 years old")
    further = {v(r, CHILD_INDEX) for r in ctx.rows(CD) if is_false(r.get("ReferralNFA"))}
    born = ctx.dates(CI, "PersonBirthDate")
    for i, row in ctx.enum(CI):
        b = born[i]
        if b is None or v(row, CHILD_INDEX) not in further or v(row, "UPN") is not None:
            continue
        if (b < cutoff or (inclusive and b == cutoff)) \
                and (v(row, "UPNunknown") or "").upper() not in SCHOOL_AGE_REASONS:
            yield Finding(CI, i, "UPNunknown", v(row, "UPNunknown"), message=message)


@rule(id="cin:8772", dfe_code="8772", format=F, severity="error",
      message="UPN unknown reason is UN7 (Referral with no further action) but at least one CIN "
              "details is a referral going on to further action",
      fields=["UPNunknown", "ReferralNFA"], tables=[CI, CD],
      expected="UPNunknown UN7 only when every CIN episode is a referral with no further "
               "action")
def un7_with_further_action(ctx: Context) -> Iterable[Finding]:
    further = {v(r, CHILD_INDEX) for r in ctx.rows(CD) if not is_true(r.get("ReferralNFA"))}
    for i, row in ctx.enum(CI):
        if (v(row, "UPNunknown") or "").upper() == "UN7" and v(row, CHILD_INDEX) in further:
            yield Finding(CI, i, "UPNunknown", v(row, "UPNunknown"))


def _open_after(ctx: Context, closed: date | None, j: int, day: date) -> bool:
    """Episode j closed after `day`, or not closed (an unreal date counts as given)."""
    if closed is None:
        return ctx.value(CD, j, "CINclosureDate") is None
    return closed > day


@rule(id="cin:8775Q", dfe_code="8775Q", format=F, severity="query",
      message="Please check and either amend data or provide a reason: Child is over 25 years "
              "old", fields=["PersonBirthDate", "CINclosureDate", "ReferenceDate"],
      tables=[CI, CD], expected="a child under 25 at the ReferenceDate, or an episode closed "
                                "by their 25th birthday")
def over_25(ctx: Context) -> Iterable[Finding]:
    period = census_period(ctx)
    if period is None:
        return
    born = ctx.dates(CI, "PersonBirthDate")
    closed = ctx.dates(CD, "CINclosureDate")
    episodes = ctx.by_child(CD, CHILD_INDEX)
    born_by = add_years(period[1], -OLD_AGE)
    for i, row in ctx.enum(CI):
        b = born[i]
        if b is None or b >= born_by:
            continue
        turned = add_years(b, OLD_AGE)  # b is before the ReferenceDate minus 25 years
        if any(_open_after(ctx, closed[j], j, turned)
               for j in episodes.get(v(row, CHILD_INDEX) or "", [])):
            yield Finding(CI, i, "PersonBirthDate", v(row, "PersonBirthDate"))
