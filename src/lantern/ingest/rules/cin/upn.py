"""DfE CIN census rules on the unique pupil number (UPN): check letter, shape, uniqueness."""

from __future__ import annotations

from collections.abc import Iterable

from lantern.formats.upn import LAST_CHARACTERS, check_letter, la_codes
from lantern.ingest.rules.cin._base import F
from lantern.ingest.rules.common import claim, repeated, v
from lantern.ingest.rules.engine import Context, Finding, rule
from lantern.ingest.rules.schema import cin_elements

CI, UPN = "ChildIdentifiers", "UPN"

claim(F, CI, "FormerUPN", "pattern")  # 1560Q


def _upns(ctx: Context) -> Iterable[tuple[int, str]]:
    """Rows with a 13-character UPN (other lengths are the schema's to report)."""
    for i, row in ctx.enum(CI):
        upn = v(row, UPN)
        if upn is not None and len(upn) == 13:
            yield i, upn


@rule(id="cin:1510", dfe_code="1510", format=F, severity="error",
      message="UPN invalid (wrong check letter at character 1)", fields=[UPN], tables=[CI],
      expected="the check letter computed from characters 2-13 (DfE UPN guidance)")
def upn_check_letter(ctx: Context) -> Iterable[Finding]:
    for i, upn in _upns(ctx):
        letter = check_letter(upn[1:])
        if letter is not None and upn[0].upper() != letter:
            yield Finding(CI, i, UPN, upn, expected=f"check letter {letter}")


@rule(id="cin:1520", dfe_code="1520", format=F, severity="error",
      message="More than one record with the same UPN.", fields=[UPN], tables=[CI],
      expected="each UPN on one child only", across=UPN)
def upn_unique(ctx: Context) -> Iterable[Finding]:
    return repeated(ctx, CI, UPN)


@rule(id="cin:1540", dfe_code="1540", format=F, severity="error",
      message="UPN invalid (characters 5-12 not all numeric)", fields=[UPN], tables=[CI],
      expected="digits in characters 5 to 12")
def upn_numeric(ctx: Context) -> Iterable[Finding]:
    for i, upn in _upns(ctx):
        if not upn[4:12].isdigit():
            yield Finding(CI, i, UPN, upn)


@rule(id="cin:1550", dfe_code="1550", format=F, severity="error",
      message="UPN invalid (character 13 not a recognised value)", fields=[UPN], tables=[CI],
      expected="a digit or a letter other than I, O and S as character 13")
def upn_last_character(ctx: Context) -> Iterable[Finding]:
    for i, upn in _upns(ctx):
        if upn[12].upper() not in LAST_CHARACTERS:
            yield Finding(CI, i, UPN, upn)


@rule(id="cin:1530", dfe_code="1530", format=F, severity="error",
      message="UPN invalid (characters 2-4 not a recognised LA code)", fields=[UPN],
      tables=[CI], expected="characters 2-4 a post-April 1998 LA code or a pseudo-LA code")
def upn_la_code(ctx: Context) -> Iterable[Finding]:
    codes = la_codes(ctx.collection_year)
    for i, upn in _upns(ctx):
        if upn[1:4] not in codes:
            yield Finding(CI, i, UPN, upn, expected=f"an LA code in characters 2-4, not "
                                                   f"{upn[1:4]}")


@rule(id="cin:1560Q", dfe_code="1560Q", format=F, severity="query",
      message="Please check and either amend or provide a reason: Former UPN wrongly "
              "formatted", fields=["FormerUPN"], tables=[CI],
      expected="a letter, 11 digits and a final digit or letter (13 characters)")
def former_upn_format(ctx: Context) -> Iterable[Finding]:
    spec = cin_elements(ctx.collection_year)[CI]["FormerUPN"]
    for i, row in ctx.enum(CI):
        former = v(row, "FormerUPN")
        if former is not None and not spec.matches(former):
            yield Finding(CI, i, "FormerUPN", former)
