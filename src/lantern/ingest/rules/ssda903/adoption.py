"""DfE SSDA903 rules on adoption: AD1 (adopted in year) and PlacedAdoption (decisions)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from lantern.ingest.rules.common import claim, code_rule, date_rule, v
from lantern.ingest.rules.engine import Context, Finding, rule
from lantern.ingest.rules.schema import ssda903_fields
from lantern.ingest.rules.ssda903._base import ADOPTED, F, header_dob

AD1_FIELDS = ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")
COUPLES = frozenset({"MM", "FF", "MF"})
SAME_SEX = frozenset({"MM", "FF"})
PA = "PlacedAdoption"

for _f in AD1_FIELDS:
    claim(F, "AD1", _f, "blank")  # all or none: rule 151


def _codes(table: str, field: str) -> Callable[[int | None], frozenset[str]]:
    return lambda year: ssda903_fields(year)[table][field].codes


date_rule(id="903:112", dfe_code="112", format=F, table="AD1", field="DATE_INT",
          message="Date should be placed for adoption is not a valid date.")
date_rule(id="903:113", dfe_code="113", format=F, table="AD1", field="DATE_MATCH",
          message="Date matching child and adopter(s) is not a valid date.")
code_rule(id="903:114", dfe_code="114", format=F, table="AD1", field="FOSTER_CARE",
          message="Data entry to record the status of former carer(s) of an adopted child is "
                  "invalid.", codes=_codes("AD1", "FOSTER_CARE"))
claim(F, "AD1", "NB_ADOPTR", "integer")
code_rule(id="903:175", dfe_code="175", format=F, table="AD1", field="NB_ADOPTR",
          message="The number of adopter(s) code is not a valid code.",
          codes=lambda year: frozenset({"1", "2"}))
code_rule(id="903:176", dfe_code="176", format=F, table="AD1", field="SEX_ADOPTR",
          message="The gender of adopter(s) at the date of adoption code is not a valid code.",
          codes=_codes("AD1", "SEX_ADOPTR"))
code_rule(id="903:177", dfe_code="177", format=F, table="AD1", field="LS_ADOPTR",
          message="The legal status of adopter(s) code is not a valid code.",
          codes=_codes("AD1", "LS_ADOPTR"))
date_rule(id="903:115", dfe_code="115", format=F, table=PA, field="DATE_PLACED",
          message="Date of Local Authority's (LA) decision that a child should be placed for "
                  "adoption is not a valid date.")
date_rule(id="903:116", dfe_code="116", format=F, table=PA, field="DATE_PLACED_CEASED",
          message="Date of Local Authority's (LA) decision that a child should no longer be "
                  "placed for adoption is not a valid date.")
code_rule(id="903:120", dfe_code="120", format=F, table=PA, field="REASON_PLACED_CEASED",
          message="The reason for the reversal of the decision that the child should be placed "
                  "for adoption code is not valid.", codes=_codes(PA, "REASON_PLACED_CEASED"))


@rule(id="903:119", dfe_code="119", format=F, severity="error",
      message="If the decision is made that a child should no longer be placed for adoption, "
              "then the date of this decision and the reason why this decision was made must be "
              "completed.", fields=["DATE_PLACED_CEASED", "REASON_PLACED_CEASED"], tables=[PA],
      expected="DATE_PLACED_CEASED and REASON_PLACED_CEASED both completed or both blank")
def ceased_with_reason(ctx: Context) -> Iterable[Finding]:
    for i, row in ctx.enum(PA):
        d, r = v(row, "DATE_PLACED_CEASED"), v(row, "REASON_PLACED_CEASED")
        if (d is None) != (r is None):
            field = "REASON_PLACED_CEASED" if r is None else "DATE_PLACED_CEASED"
            yield Finding(PA, i, field, None)


@rule(id="903:151", dfe_code="151", format=F, severity="error",
      message="All data items relating to a childs adoption must be coded or left blank.",
      fields=list(AD1_FIELDS), tables=["AD1"],
      expected="all six AD1 items completed, or all blank")
def ad1_all_or_none(ctx: Context) -> Iterable[Finding]:
    for i, row in ctx.enum("AD1"):
        blanks = [f for f in AD1_FIELDS if v(row, f) is None]
        if 0 < len(blanks) < len(AD1_FIELDS):
            for f in blanks:
                yield Finding("AD1", i, f, None)


@rule(id="903:184", dfe_code="184", format=F, severity="error",
      message="Date of decision that a child should be placed for adoption is before the child "
              "was born.", fields=["DATE_PLACED", "DOB"], tables=["Header", PA],
      expected="DATE_PLACED on or after the child's date of birth")
def placed_before_birth(ctx: Context) -> Iterable[Finding]:
    dobs = header_dob(ctx)
    placed = ctx.dates(PA, "DATE_PLACED")
    for i, row in ctx.enum(PA):
        dob, when = dobs.get(v(row, "CHILD") or ""), placed[i]
        if dob is not None and when is not None and when < dob:
            yield Finding(PA, i, "DATE_PLACED", v(row, "DATE_PLACED"))


@rule(id="903:333", dfe_code="333", format=F, severity="error",
      message="Date should be placed for adoption must be on or prior to the date of matching "
              "child with adopter(s).", fields=["DATE_INT"], tables=["AD1"],
      expected="DATE_INT on or before DATE_MATCH")
def int_before_match(ctx: Context) -> Iterable[Finding]:
    d_int, d_match = ctx.dates("AD1", "DATE_INT"), ctx.dates("AD1", "DATE_MATCH")
    for i in range(len(d_int)):
        a, b = d_int[i], d_match[i]
        if a is not None and b is not None and a > b:
            yield Finding("AD1", i, "DATE_INT", ctx.value("AD1", i, "DATE_INT"))


@rule(id="903:522", dfe_code="522", format=F, severity="error",
      message="Date of decision that the child should be placed for adoption must be on or "
              "before the date that a child should no longer be placed for adoption.",
      fields=["DATE_PLACED", "DATE_PLACED_CEASED"], tables=[PA],
      expected="DATE_PLACED on or before DATE_PLACED_CEASED")
def placed_before_ceased(ctx: Context) -> Iterable[Finding]:
    a_, b_ = ctx.dates(PA, "DATE_PLACED"), ctx.dates(PA, "DATE_PLACED_CEASED")
    for i in range(len(a_)):
        a, b = a_[i], b_[i]
        if a is not None and b is not None and a > b:
            yield Finding(PA, i, "DATE_PLACED", ctx.value(PA, i, "DATE_PLACED"))


@rule(id="903:523", dfe_code="523", format=F, severity="error",
      message="Date of decision that the child should be placed for adoption should be the same "
              "date as the decision that adoption is in the best interest (date should be "
              "placed).", fields=["DATE_INT", "DATE_PLACED"], tables=["AD1", PA],
      expected="AD1 DATE_INT equal to a PlacedAdoption DATE_PLACED of the same child")
def int_equals_placed(ctx: Context) -> Iterable[Finding]:
    placed = ctx.dates(PA, "DATE_PLACED")
    by_child = ctx.by_child(PA)
    d_int = ctx.dates("AD1", "DATE_INT")
    for i, row in ctx.enum("AD1"):
        rows = by_child.get(v(row, "CHILD") or "")
        if not rows or d_int[i] is None:
            continue
        if d_int[i] not in {placed[j] for j in rows}:
            yield Finding("AD1", i, "DATE_INT", v(row, "DATE_INT"))


def _adopters_rule(id: str, message: str, expected: str,
                   test: Callable[[str | None, str | None, str | None], bool]) -> None:
    def check(ctx: Context) -> Iterable[Finding]:
        for i, row in ctx.enum("AD1"):
            if test(v(row, "NB_ADOPTR"), v(row, "SEX_ADOPTR"), v(row, "LS_ADOPTR")):
                yield Finding("AD1", i, "SEX_ADOPTR", v(row, "SEX_ADOPTR"))

    rule(id=f"903:{id}", dfe_code=id, format=F, severity="error", message=message,
         fields=["NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"], tables=["AD1"],
         expected=expected)(check)


_adopters_rule("511", "If reporting that the number of person(s) adopting the looked after child "
               "is two adopters then the code should only be MM, FF or MF. MM = the adopting "
               "couple are both males; FF = the adopting couple are both females; MF = The "
               "adopting couple are male and female.", "SEX_ADOPTR MM, FF or MF for two adopters",
               lambda n, s, ls: n == "2" and s is not None and s not in COUPLES)
_adopters_rule("514", "Data entry on the legal status of adopters shows a single adopter but data "
               "entry for the numbers of adopters shows it as a couple.",
               "SEX_ADOPTR M1 or F1 when LS_ADOPTR is L0 (single adopter)",
               lambda n, s, ls: ls == "L0" and s in COUPLES)
_adopters_rule("517", "If reporting legal status of adopters is L3 then the genders of adopters "
               "should be coded as MF. MF = the adopting couple are male and female.",
               "SEX_ADOPTR MF when LS_ADOPTR is L3",
               lambda n, s, ls: ls == "L3" and s is not None and s != "MF")
_adopters_rule("518", "If reporting legal status of adopters is L4 then the genders of adopters "
               "should be coded as MM or FF. MM = the adopting couple are both males. FF = the "
               "adopting couple are both females.", "SEX_ADOPTR MM or FF when LS_ADOPTR is L4",
               lambda n, s, ls: ls == "L4" and s is not None and s not in SAME_SEX)
_adopters_rule("519", "Data entered on the legal status of adopters shows civil partnership "
               "couple, but data entered on genders of adopters does not show it as a couple.",
               "SEX_ADOPTR MM, FF or MF when LS_ADOPTR is L2",
               lambda n, s, ls: ls == "L2" and s is not None and s not in COUPLES)
_adopters_rule("520", "Data entry on the legal status of adopters shows different gender married "
               "couple but data entry on genders of adopters shows it as a same gender couple.",
               "SEX_ADOPTR MF when LS_ADOPTR is L11",
               lambda n, s, ls: ls == "L11" and s in SAME_SEX)
_adopters_rule("524", "If reporting legal status of adopters is L12 then the genders of adopters "
               "should be coded as MM or FF. MM = the adopting couple are both males. FF = the "
               "adopting couple are both females", "SEX_ADOPTR MM or FF when LS_ADOPTR is L12",
               lambda n, s, ls: ls == "L12" and s is not None and s not in SAME_SEX)


@rule(id="903:601", dfe_code="601", format=F, severity="error",
      message="The additional fields relating to adoption have not been completed although the "
              "episode data shows that the child was adopted during the year.",
      fields=["REC", *AD1_FIELDS], tables=["AD1", "Episodes"],
      expected="a complete AD1 row for a child whose episode ended E11 or E12 in the year")
def adopted_without_ad1(ctx: Context) -> Iterable[Finding]:
    start, end = ctx.year_start, ctx.year_end
    ad1 = ctx.by_child("AD1")
    ad1_rows = ctx.rows("AD1")
    dec = ctx.dates("Episodes", "DEC")
    for i, row in ctx.enum("Episodes"):
        d = dec[i]
        if v(row, "REC") not in ADOPTED or d is None:
            continue
        if start is not None and end is not None and not start <= d <= end:
            continue
        rows = ad1.get(v(row, "CHILD") or "", [])
        if not any(all(v(ad1_rows[j], f) is not None for f in AD1_FIELDS) for j in rows):
            yield Finding("Episodes", i, "REC", v(row, "REC"))


@rule(id="903:602", dfe_code="602", format=F, severity="error",
      message="The episode data submitted for this child does not show that he/she was adopted "
              "during the year.", fields=["CHILD"], tables=["AD1", "Episodes"],
      expected="an episode ending E11 or E12 in the collection year for a child with AD1 "
               "data")
def ad1_without_adoption(ctx: Context) -> Iterable[Finding]:
    start, end = ctx.year_start, ctx.year_end
    eps = ctx.by_child("Episodes")
    ep_rows = ctx.rows("Episodes")
    dec = ctx.dates("Episodes", "DEC")

    def adopted_in_year(j: int) -> bool:
        d = dec[j]
        in_year = d is not None and (start is None or end is None or start <= d <= end)
        return in_year and v(ep_rows[j], "REC") in ADOPTED

    for i, row in ctx.enum("AD1"):
        if all(v(row, f) is None for f in AD1_FIELDS):
            continue
        child = v(row, "CHILD") or ""
        if not any(adopted_in_year(j) for j in eps.get(child, [])):
            yield Finding("AD1", i, "CHILD", child or None)


@rule(id="903:584", dfe_code="584", format=F, severity="error",
      message="Date of decision that the child should be placed for adoption this year is "
              "different from that recorded last year, but the decision to placed the child for "
              "adoption changed and the child should no longer be placed for adoption.",
      fields=["DATE_PLACED"], tables=[PA, f"{PA}_last"],
      expected="after last year's decision to place for adoption was reversed (a "
               "DATE_PLACED_CEASED or REASON_PLACED_CEASED), this year's DATE_PLACED later "
               "than last year's: a new decision")
def reversed_decision_repeated(ctx: Context) -> Iterable[Finding]:
    last, placed_last = f"{PA}_last", ctx.dates(f"{PA}_last", "DATE_PLACED")
    reversed_on: dict[str, list[date]] = {}
    for j, row in ctx.enum(last):
        when = placed_last[j]
        if when is not None and (v(row, "DATE_PLACED_CEASED") is not None
                                 or v(row, "REASON_PLACED_CEASED") is not None):
            reversed_on.setdefault(v(row, "CHILD") or "", []).append(when)
    placed = ctx.dates(PA, "DATE_PLACED")
    for i, row in ctx.enum(PA):
        when = placed[i]
        earlier = reversed_on.get(v(row, "CHILD") or "", [])
        if when is not None and any(when <= before for before in earlier):
            yield Finding(PA, i, "DATE_PLACED", v(row, "DATE_PLACED"))
