"""DfE SSDA903 rules on the Header table (child's sex, birth, ethnicity, UPN, motherhood)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from lantern.ingest.rules.common import add_years, age, claim, code_rule, date_rule, v
from lantern.ingest.rules.engine import Context, Finding, rule
from lantern.ingest.rules.schema import ssda903_fields
from lantern.ingest.rules.ssda903._base import SEX_FEMALE, SEX_MALE, F, episodes_in_order

# DfE 168: a letter other than I, O or S (never issued, as they read like 1, 0 and 5),
# 11 digits, then a digit or a letter.
UPN_PATTERN = re.compile(r"(?![IOSios])[A-Za-z]\d{11}(\d|[A-Za-z])")
UPN_UNKNOWN = frozenset({"UN1", "UN2", "UN3", "UN4", "UN5"})

code_rule(id="903:101", dfe_code="101", format=F, table="Header", field="SEX",
          message="Gender code is not valid.",
          codes=lambda y: ssda903_fields(y)["Header"]["SEX"].codes)
date_rule(id="903:102", dfe_code="102", format=F, table="Header", field="DOB",
          message="Date of birth is not a valid date.")
code_rule(id="903:103", dfe_code="103", format=F, table="Header", field="ETHNIC",
          message="The ethnicity code is either not valid or has not been entered.",
          codes=lambda y: ssda903_fields(y)["Header"]["ETHNIC"].codes, blank_is_error=True)
date_rule(id="903:171", dfe_code="171", format=F, table="Header", field="MC_DOB",
          message="Date of birth of mother's child is not a valid date.")
claim(F, "Header", "UPN", "blank")


@rule(id="903:168", dfe_code="168", format=F, severity="error",
      message="Unique Pupil Number (UPN) is not valid. If unknown, default codes should be "
              "UN1, UN2, UN3, UN4 or UN5.",
      fields=["UPN"], tables=["Header"],
      expected="a 13-character UPN (a letter other than I, O or S, 11 digits, a digit or "
               "letter) or UN1-UN5")
def upn_valid(ctx: Context) -> Iterable[Finding]:
    for i, row in ctx.enum("Header"):
        upn = v(row, "UPN")
        if upn is not None and upn not in UPN_UNKNOWN and not UPN_PATTERN.fullmatch(upn):
            yield Finding("Header", i, "UPN", upn)


@rule(id="903:442", dfe_code="442", format=F, severity="error",
      message="Unique Pupil Number (UPN) field is not completed.",
      fields=["UPN"], tables=["Header"], expected="the child's UPN, or UN1-UN5 if unknown")
def upn_completed(ctx: Context) -> Iterable[Finding]:
    for i, row in ctx.enum("Header"):
        if v(row, "UPN") is None:
            yield Finding("Header", i, "UPN", None)


@rule(id="903:174", dfe_code="174", format=F, severity="error",
      message="Mother's child date of birth is recorded but sex shows that the child is a male.",
      fields=["MC_DOB", "SEX"], tables=["Header"],
      expected="MC_DOB blank for a male child")
def mother_male(ctx: Context) -> Iterable[Finding]:
    for i, row in ctx.enum("Header"):
        if v(row, "MC_DOB") is not None and v(row, "SEX") in SEX_MALE:
            yield Finding("Header", i, "MC_DOB", v(row, "MC_DOB"))


@rule(id="903:301", dfe_code="301", format=F, severity="error",
      message="Date of birth falls after the year ended.", fields=["DOB"], tables=["Header"],
      expected="a date of birth on or before 31 March of the collection year")
def born_after_year(ctx: Context) -> Iterable[Finding]:
    end = ctx.year_end
    if end is None:
        return
    for i, dob in enumerate(ctx.dates("Header", "DOB")):
        if dob is not None and dob > end:
            yield Finding("Header", i, "DOB", ctx.value("Header", i, "DOB"))


@rule(id="903:351", dfe_code="351", format=F, severity="error",
      message="Child was over 25 at the start of the current collection year.",
      fields=["DOB"], tables=["Header"],
      expected="a child whose 25th birthday is on or after 1 April of the collection year")
def over_25(ctx: Context) -> Iterable[Finding]:
    start = ctx.year_start
    if start is None:
        return
    for i, dob in enumerate(ctx.dates("Header", "DOB")):
        if dob is not None and add_years(dob, 25) < start:
            yield Finding("Header", i, "DOB", ctx.value("Header", i, "DOB"))


@rule(id="903:611", dfe_code="611", format=F, severity="error",
      message="Date of birth field is blank, but child is a mother.",
      fields=["MC_DOB", "MOTHER"], tables=["Header"],
      expected="MC_DOB completed when MOTHER is 1")
def mother_without_child_dob(ctx: Context) -> Iterable[Finding]:
    for i, row in ctx.enum("Header"):
        if v(row, "MOTHER") == "1" and v(row, "MC_DOB") is None:
            yield Finding("Header", i, "MC_DOB", None)


@rule(id="903:612", dfe_code="612", format=F, severity="error",
      message="Date of birth field has been completed but mother field indicates child is not "
              "a mother.",
      fields=["MC_DOB", "MOTHER", "SEX"], tables=["Header"],
      expected="MOTHER = 1 when a girl's MC_DOB is completed")
def child_dob_without_mother(ctx: Context) -> Iterable[Finding]:
    for i, row in ctx.enum("Header"):
        if (v(row, "MC_DOB") is not None and v(row, "MOTHER") != "1"
                and v(row, "SEX") in SEX_FEMALE):
            yield Finding("Header", i, "MOTHER", v(row, "MOTHER"))


@rule(id="903:620", dfe_code="620", format=F, severity="error",
      message="Child has been recorded as a mother, but date of birth shows that the mother is "
              "under 11 years of age.",
      fields=["DOB", "MOTHER"], tables=["Header"],
      expected="a mother aged 11 or over at the start of the collection year")
def mother_under_11(ctx: Context) -> Iterable[Finding]:
    start = ctx.year_start
    if start is None:
        return
    dobs = ctx.dates("Header", "DOB")
    for i, row in ctx.enum("Header"):
        dob = dobs[i]
        if v(row, "MOTHER") == "1" and dob is not None and age(dob, start) < 11:
            yield Finding("Header", i, "DOB", v(row, "DOB"))


@rule(id="903:621", dfe_code="621", format=F, severity="error",
      message="Mother’s field has been completed but date of birth shows that the mother is "
              "younger than her child.",
      fields=["DOB", "MC_DOB"], tables=["Header"], expected="MC_DOB on or after the mother's DOB")
def mother_younger_than_child(ctx: Context) -> Iterable[Finding]:
    dobs, mc = ctx.dates("Header", "DOB"), ctx.dates("Header", "MC_DOB")
    for i in range(len(dobs)):
        d, c = dobs[i], mc[i]
        if d is not None and c is not None and c < d:
            yield Finding("Header", i, "MC_DOB", ctx.value("Header", i, "MC_DOB"))


@rule(id="903:625", dfe_code="625", format=F, severity="error",
      message="Date of birth of the first child is beyond the end of this reporting year or the "
              "date the child ceased to be looked after.",
      fields=["DEC", "MC_DOB"], tables=["Header", "Episodes"],
      expected="MC_DOB on or before 31 March and before the child's last care episode ended")
def mothers_child_born_late(ctx: Context) -> Iterable[Finding]:
    end = ctx.year_end
    if end is None:
        return
    eps = episodes_in_order(ctx)
    dec = ctx.dates("Episodes", "DEC")
    mc = ctx.dates("Header", "MC_DOB")
    for i, row in ctx.enum("Header"):
        born = mc[i]
        if born is None:
            continue
        rows = eps.get(v(row, "CHILD") or "", [])
        ceased = dec[rows[-1]] if rows else None
        if born > end or (ceased is not None and born > ceased):
            yield Finding("Header", i, "MC_DOB", v(row, "MC_DOB"))
