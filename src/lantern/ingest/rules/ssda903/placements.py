"""DfE SSDA903 rules on placements: types against legal status, reasons, providers, URNs,
respite and temporary placements, and the order of a child's episodes."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from datetime import date

from lantern.formats.ssda903 import placements_without_urn
from lantern.ingest.rules.common import add_years, v
from lantern.ingest.rules.engine import Context, Finding, rule
from lantern.ingest.rules.ssda903._base import (
    ADOPTED,
    PLACED_FOR_ADOPTION,
    RESPITE,
    TEMPORARY,
    F,
    episodes_in_order,
    header_dob,
)
from lantern.ingest.rules.ssda903.episodes import no_provider, spell_rule

E = "Episodes"
Row = dict[str, str | None]
FOSTER_OR_ADOPTION = PLACED_FOR_ADOPTION | {"U1", "U2", "U3", "U4", "U5", "U6"}
WITH_FORMER_FOSTER_CARERS = frozenset({"U1", "U2", "U3", "U4", "U5", "U6"})
# DfE's placeholder for a placement that has no Ofsted URN.
NO_URN = "XXXXXXX"
# 217 applies to placements for adoption with current foster carers from 1 April 2015.
FOSTER_TO_ADOPT_FROM = date(2015, 4, 1)


def _each(ctx: Context, test: Callable[[Row], bool], field: str) -> Iterable[Finding]:
    for i, row in ctx.enum(E):
        if test(row):
            yield Finding(E, i, field, v(row, field))


def _row_rule(code: str, message: str, field: str, fields: list[str], expected: str,
              test: Callable[[Row], bool]) -> None:
    """Declare a DfE rule that looks at one episode row at a time."""
    def check(ctx: Context) -> Iterable[Finding]:
        return _each(ctx, test, field)

    rule(id=f"903:{code}", dfe_code=code, format=F, severity="error", message=message,
         fields=fields, tables=[E], expected=expected)(check)


_row_rule("408", "Child is placed for adoption with a placement order, but no placement order "
          "has been recorded.", "LS", ["PLACE", "LS"],
          "LS E1 (placement order) when PLACE is A5 or A6",
          lambda r: v(r, "PLACE") in ("A5", "A6") and v(r, "LS") != "E1")
_row_rule("390", "Reason episode ceased is adopted but child has not been previously placed "
          "for adoption.", "PLACE", ["REC", "PLACE"],
          "PLACE A3-A6 on an episode ending in adoption (REC E11, E12)",
          lambda r: v(r, "REC") in ADOPTED and v(r, "PLACE") not in PLACED_FOR_ADOPTION)
_row_rule("516", "The episode data submitted for this child does not show that he/she was with "
          "their former foster carer(s) during the year. If the code in the reason episode "
          "ceased is E45 or E46 the child must have a placement code of U1 to U6.", "PLACE",
          ["REC", "PLACE"], "PLACE U1-U6 when REC is E45 or E46",
          lambda r: v(r, "REC") in ("E45", "E46")
          and v(r, "PLACE") not in WITH_FORMER_FOSTER_CARERS)
_row_rule("214", "Placement location information not required.", "PL_POST",
          ["LS", "PL_POST", "URN"],
          "PL_POST and URN blank when LS is V3 or V4 (short-term breaks)",
          lambda r: v(r, "LS") in RESPITE and (v(r, "PL_POST") is not None
                                               or v(r, "URN") is not None))
# DfE derives the placement distance from the two postcodes: a respite episode with a
# postcode is one with a distance.
_row_rule("398", "Distance field completed but child looked after under legal status V3 or V4.",
          "HOME_POST", ["LS", "HOME_POST", "PL_POST"],
          "HOME_POST and PL_POST blank (so no distance) when LS is V3 or V4",
          lambda r: v(r, "LS") in RESPITE and (v(r, "HOME_POST") is not None
                                               or v(r, "PL_POST") is not None))


@rule(id="903:217", dfe_code="217", format=F, severity="error",
      message="Children who are placed for adoption with current foster carers (placement types "
              "A3 or A5) must have a reason for new episode of S, T or U.",
      fields=["PLACE", "DECOM", "RNE"], tables=[E],
      expected="RNE S, T or U on an A3 or A5 episode starting on or after 01/04/2015")
def foster_to_adopt_reason(ctx: Context) -> Iterable[Finding]:
    start = ctx.dates(E, "DECOM")
    for i, row in ctx.enum(E):
        s = start[i]
        if (v(row, "PLACE") in ("A3", "A5") and s is not None and s >= FOSTER_TO_ADOPT_FROM
                and v(row, "RNE") not in ("S", "T", "U")):
            yield Finding(E, i, "RNE", v(row, "RNE"))


@rule(id="903:222", dfe_code="222", format=F, severity="error",
      message="Ofsted Unique reference number (URN) should not be recorded for this placement "
              "type.", fields=["URN", "PLACE"], tables=[E],
      expected="URN blank (or XXXXXXX) for P1, P3, R1, R2, R5, T0-T4, Z1 (and P2 to 2023-24, "
               "H5 in 2022-23; Z11-Z14 for Z1 from 2025-26)")
def urn_not_required(ctx: Context) -> Iterable[Finding]:
    places = placements_without_urn(ctx.collection_year)
    return _each(ctx, lambda r: v(r, "PLACE") in places and v(r, "URN") not in (None, NO_URN),
                 "URN")


@rule(id="903:526", dfe_code="526", format=F, severity="error",
      message="Child is missing a placement provider code for at least one episode.",
      fields=["PLACE", "PLACE_PROVIDER"], tables=[E],
      expected="PLACE_PROVIDER completed unless PLACE is T0-T4 or Z1 (from 2025-26: T0-T3, "
               "Z11-Z14)")
def provider_missing(ctx: Context) -> Iterable[Finding]:
    none = no_provider(ctx.collection_year)
    return _each(ctx, lambda r: v(r, "PLACE") is not None and v(r, "PLACE") not in none
                 and v(r, "PLACE_PROVIDER") is None, "PLACE_PROVIDER")


# -- durations of legal statuses and placements ------------------------------------------

spell_rule("364", "Sections 41-46 of Police and Criminal Evidence (PACE; 1984) severely limits "
            "the time a child can be detained in custody in Local Authority (LA) "
            "accommodation.", "LS", "J2", 21)


def _clipped_days(ctx: Context, i: int) -> int:
    """Days of episode `i` inside the collection year (an open episode to 31 March)."""
    start, end = ctx.dates(E, "DECOM")[i], ctx.dates(E, "DEC")[i]
    first, last = ctx.year_start, ctx.year_end
    if start is None or first is None or last is None:
        return 0
    stop = last if end is None or end > last else end
    return max(0, (stop - max(start, first)).days)


@rule(id="903:367", dfe_code="367", format=F, severity="error",
      message="The maximum amount of respite care allowable is 75 days in any 12-month period.",
      fields=["DECOM", "DEC", "LS"], tables=[E],
      expected="at most 75 days under LS V3 in the collection year (open episodes counted to "
               "31 March)")
def too_much_respite(ctx: Context) -> Iterable[Finding]:
    for rows in ctx.by_child(E).values():
        breaks = [i for i in rows if ctx.value(E, i, "LS") == "V3"]
        if sum(_clipped_days(ctx, i) for i in breaks) > 75:
            for i in breaks:
                if _clipped_days(ctx, i) > 0:
                    yield Finding(E, i, "DEC", ctx.value(E, i, "DEC"))


@rule(id="903:377", dfe_code="377", format=F, severity="error",
      message="Only two temporary placements coded as being due to holiday of usual foster "
              "carer(s) are allowed in any 12- month period.", fields=["PLACE"], tables=[E],
      expected="at most two T3 placements for a child in the collection year")
def too_many_holidays(ctx: Context) -> Iterable[Finding]:
    for rows in ctx.by_child(E).values():
        holidays = [i for i in rows if ctx.value(E, i, "PLACE") == "T3"]
        if len(holidays) > 2:
            for i in holidays:
                yield Finding(E, i, "PLACE", "T3")


# -- a child's episodes in order ---------------------------------------------------------

@rule(id="903:336", dfe_code="336", format=F, severity="error",
      message="Child does not have a foster placement immediately prior to being placed for "
              "adoption.", fields=["PLACE"], tables=[E],
      expected="the episode before an A3 or A4 episode in a foster or adoption placement "
               "(A3-A6, U1-U6)")
def adoption_not_from_foster(ctx: Context) -> Iterable[Finding]:
    for rows in episodes_in_order(ctx).values():
        for prev, i in itertools.pairwise(rows):
            if ctx.value(E, i, "PLACE") in ("A3", "A4") and \
                    ctx.value(E, prev, "PLACE") not in FOSTER_OR_ADOPTION:
                yield Finding(E, i, "PLACE", ctx.value(E, i, "PLACE"))


@rule(id="903:383", dfe_code="383", format=F, severity="error",
      message="A child in a temporary placement must subsequently return to his/her normal "
              "placement.", fields=["PLACE", "RNE", "PL_POST"], tables=[E],
      expected="after a T0-T4 episode, an episode with RNE P in the placement type (and, "
               "from 2025-26, at the postcode) the child was in before it")
def no_return_from_temporary(ctx: Context) -> Iterable[Finding]:
    # DfE added the placement postcode to the comparison for 2025-26.
    fields = ("PLACE", "PL_POST") if (ctx.collection_year or 0) >= 2026 else ("PLACE",)
    for rows in episodes_in_order(ctx).values():
        for before, temp, after in zip(rows, rows[1:], rows[2:], strict=False):
            if ctx.value(E, temp, "PLACE") not in TEMPORARY:
                continue
            same = all(ctx.value(E, after, f) == ctx.value(E, before, f) for f in fields)
            if ctx.value(E, after, "RNE") != "P" or not same:
                yield Finding(E, after, "PLACE", ctx.value(E, after, "PLACE"))


@rule(id="903:225", dfe_code="225", format=F, severity="error",
      message="Reason for placement change must be recorded.",
      fields=["REASON_PLACE_CHANGE", "REC", "PLACE", "RNE"], tables=[E],
      expected="REASON_PLACE_CHANGE completed when an episode other than T0-T4 ends with X1 and "
               "the next starts with RNE P, B, T or U in a placement other than T0-T4")
def placement_change_reason_missing(ctx: Context) -> Iterable[Finding]:
    for rows in episodes_in_order(ctx).values():
        for i, nxt in itertools.pairwise(rows):
            if (ctx.value(E, i, "REC") == "X1"
                    and ctx.value(E, i, "REASON_PLACE_CHANGE") is None
                    and ctx.value(E, i, "PLACE") not in TEMPORARY
                    and ctx.value(E, nxt, "RNE") in ("P", "B", "T", "U")
                    and ctx.value(E, nxt, "PLACE") not in TEMPORARY):
                yield Finding(E, i, "REASON_PLACE_CHANGE", None)


@rule(id="903:437", dfe_code="437", format=F, severity="error",
      message="Reason episode ceased is child has died or is aged 18 or over but there are "
              "further episodes.", fields=["REC"], tables=[E],
      expected="no later episode after one ending with REC E2 (died) or E15 (age 18)")
def episodes_after_the_end(ctx: Context) -> Iterable[Finding]:
    for rows in episodes_in_order(ctx).values():
        for i in rows[:-1]:
            if ctx.value(E, i, "REC") in ("E2", "E15") and ctx.dates(E, "DECOM")[i] is not None:
                yield Finding(E, i, "REC", ctx.value(E, i, "REC"))


@rule(id="903:357", dfe_code="357", format=F, severity="error",
      message="If this is the first episode ever for this child, reason for new episode must be "
              "S. Check whether there is an episode immediately preceding this one, which has "
              "been left out. If not the reason for new episode code must be amended to S.",
      fields=["RNE", "DECOM"], tables=[E],
      expected="RNE S on a child's first episode when it starts in the collection year")
def first_episode_not_new(ctx: Context) -> Iterable[Finding]:
    start, first_day = ctx.dates(E, "DECOM"), ctx.year_start
    for rows in episodes_in_order(ctx).values():
        first = rows[0]
        s = start[first]
        if (first_day is not None and s is not None and s >= first_day
                and ctx.value(E, first, "RNE") != "S"):
            yield Finding(E, first, "RNE", ctx.value(E, first, "RNE"))


@rule(id="903:359", dfe_code="359", format=F, severity="error",
      message="Child being looked after following 18th birthday must be accommodated under "
              "section 20(5) of the Children Act 1989 in a community home.",
      fields=["DEC", "LS", "PLACE", "DOB"], tables=[E, "Header"],
      expected="LS V2 and PLACE K2 on an episode still open at 31 March for a child 18 before "
               "then")
def looked_after_past_18(ctx: Context) -> Iterable[Finding]:
    end, dobs = ctx.year_end, header_dob(ctx)
    for i, row in ctx.enum(E):
        dob = dobs.get(v(row, "CHILD") or "")
        if (end is not None and dob is not None and add_years(dob, 18) < end
                and v(row, "DEC") is None
                and (v(row, "LS"), v(row, "PLACE")) != ("V2", "K2")):
            yield Finding(E, i, "LS", v(row, "LS"))
