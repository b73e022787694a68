"""DfE SSDA903 rules of particular collection years: freeing orders and independent living
(to 2023-24), sex unknown and young UASC (from 2024-25), placement-change reasons and
duplicate UPNs (from 2025-26)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from lantern.ingest.rules.common import add_years, age, v
from lantern.ingest.rules.engine import Context, Finding, rule
from lantern.ingest.rules.ssda903._base import F, header_dob

E, PA = "Episodes", "PlacedAdoption"
TO_2024, FROM_2025, FROM_2026 = (2023, 2024), (2025, 2027), (2026, 2027)
# Independent living (P2) left the placement codes on 28 October 2023: the last day a P2
# placement could cease.
P2_ENDED = date(2023, 10, 28)
UPN_UNKNOWN = frozenset({"UN1", "UN2", "UN3", "UN4", "UN5"})


def _freed(ctx: Context) -> Iterable[tuple[int, dict[str, str | None]]]:
    return ((i, r) for i, r in ctx.enum(E) if v(r, "LS") == "D1")


@rule(id="903:451", dfe_code="451", format=F, severity="error", years=TO_2024,
      message="Child is still freed for adoption, but freeing orders could not be applied for "
              "since 30 December 2005.", fields=["DEC", "REC", "LS"], tables=[E],
      expected="no episode under a freeing order (LS D1) still open")
def still_freed(ctx: Context) -> Iterable[Finding]:
    for i, row in _freed(ctx):
        if v(row, "DEC") is None and v(row, "REC") is None:
            yield Finding(E, i, "LS", "D1")


@rule(id="903:555", dfe_code="555", format=F, severity="error", years=TO_2024,
      message="Freeing order has been granted but there is no date of decision that the child "
              "should be placed for adoption.", fields=["LS", "DATE_PLACED"], tables=[E, PA],
      expected="a PlacedAdoption row for a child under a freeing order (LS D1)")
def freed_without_decision(ctx: Context) -> Iterable[Finding]:
    decided = set(ctx.by_child(PA))
    for i, row in _freed(ctx):
        if v(row, "CHILD") not in decided:
            yield Finding(E, i, "LS", "D1")


@rule(id="903:556", dfe_code="556", format=F, severity="error", years=TO_2024,
      message="Date of decision that the child should be placed for adoption should be on or "
              "prior to the date that the freeing order was granted.",
      fields=["DATE_PLACED", "DECOM"], tables=[E, PA],
      expected="DATE_PLACED on or before the DECOM of a freeing order (LS D1) episode")
def decided_after_freeing(ctx: Context) -> Iterable[Finding]:
    placed, start = ctx.dates(PA, "DATE_PLACED"), ctx.dates(E, "DECOM")
    decisions = ctx.by_child(PA)
    for i, row in _freed(ctx):
        s = start[i]
        days = [placed[j] for j in decisions.get(v(row, "CHILD") or "", [])]
        if s is not None and any(d is not None and d > s for d in days):
            yield Finding(E, i, "DECOM", v(row, "DECOM"))


@rule(id="903:370", dfe_code="370", format=F, severity="error", years=TO_2024,
      message="Child in independent living should be at least 16.",
      fields=["DECOM", "PLACE", "DOB"], tables=[E, "Header"],
      expected="a child aged 16 or over at DECOM when PLACE is P2")
def independent_too_young(ctx: Context) -> Iterable[Finding]:
    dobs, start = header_dob(ctx), ctx.dates(E, "DECOM")
    for i, row in ctx.enum(E):
        dob, s = dobs.get(v(row, "CHILD") or ""), start[i]
        if v(row, "PLACE") == "P2" and dob is not None and s is not None and age(dob, s) < 16:
            yield Finding(E, i, "PLACE", "P2")


@rule(id="903:217t", dfe_code="217t", format=F, severity="error", years=(2024, 2024),
      message="Placement type 'P2' is not a valid placement type from 28 October 2023.",
      fields=["PLACE", "DEC"], tables=[E],
      expected="no P2 (independent living) placement ceasing after 28/10/2023 or still open")
def independent_living_after_it_ended(ctx: Context) -> Iterable[Finding]:
    dec = ctx.dates(E, "DEC")
    for i, row in ctx.enum(E):
        d = dec[i]
        if v(row, "PLACE") == "P2" and (v(row, "DEC") is None or (d is not None
                                                                 and d > P2_ENDED)):
            yield Finding(E, i, "PLACE", "P2")


@rule(id="903:232", dfe_code="232", format=F, severity="error", years=FROM_2025,
      message="Sex of the child/young person has been reported as unknown.",
      fields=["SEX"], tables=["Header"], expected="SEX M or F")
def sex_unknown(ctx: Context) -> Iterable[Finding]:
    for i, row in ctx.enum("Header"):
        if v(row, "SEX") == "U":
            yield Finding("Header", i, "SEX", "U")


@rule(id="903:231", dfe_code="231", format=F, severity="error", years=FROM_2025,
      message="We expect that unaccompanied asylum seeking children are generally older young "
              "people. Please check the date of birth and UASC status.",
      fields=["DOB", "DUC"], tables=["UASC"],
      expected="an unaccompanied asylum-seeking child aged 11 or over on 31 March")
def young_uasc(ctx: Context) -> Iterable[Finding]:
    end, dobs = ctx.year_end, ctx.dates("UASC", "DOB")
    for i, row in ctx.enum("UASC"):
        dob = dobs[i]
        if end is not None and dob is not None and dob > add_years(end, -11):
            yield Finding("UASC", i, "DOB", v(row, "DOB"))


@rule(id="903:233", dfe_code="233", format=F, severity="error", years=FROM_2026,
      message="Reason for placement change is not required when the episode has not ceased.",
      fields=["REASON_PLACE_CHANGE", "DEC"], tables=[E],
      expected="REASON_PLACE_CHANGE blank on an episode with no DEC")
def reason_on_open_episode(ctx: Context) -> Iterable[Finding]:
    for i, row in ctx.enum(E):
        if v(row, "DEC") is None and v(row, "REASON_PLACE_CHANGE") is not None:
            yield Finding(E, i, "REASON_PLACE_CHANGE", v(row, "REASON_PLACE_CHANGE"))


@rule(id="903:234", dfe_code="234", format=F, severity="error", years=FROM_2026,
      message="A child aged under 10 can not change placement due to being admitted to custody",
      fields=["REASON_PLACE_CHANGE", "DECOM", "DOB"], tables=[E, "Header"],
      expected="REASON_PLACE_CHANGE other than CUSTOD for a child under 10 at DECOM")
def custody_under_10(ctx: Context) -> Iterable[Finding]:
    dobs, start = header_dob(ctx), ctx.dates(E, "DECOM")
    for i, row in ctx.enum(E):
        dob, s = dobs.get(v(row, "CHILD") or ""), start[i]
        if (v(row, "REASON_PLACE_CHANGE") == "CUSTOD" and dob is not None and s is not None
                and age(dob, s) < 10):
            yield Finding(E, i, "REASON_PLACE_CHANGE", "CUSTOD")


@rule(id="903:444", dfe_code="444", format=F, severity="error", years=FROM_2026,
      message="Duplicate UPN has been reported", fields=["UPN"], tables=["Header"],
      expected="each UPN (other than the UN codes) on one child only")
def duplicate_upn(ctx: Context) -> Iterable[Finding]:
    upns = Counter(v(r, "UPN") for r in ctx.rows("Header"))
    for i, row in ctx.enum("Header"):
        upn = v(row, "UPN")
        if upn is not None and upn not in UPN_UNKNOWN and upns[upn] > 1:
            yield Finding("Header", i, "UPN", upn)
