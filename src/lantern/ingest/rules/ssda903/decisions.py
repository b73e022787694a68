"""DfE SSDA903 rules on the decision to place for adoption (PlacedAdoption) and on the
adoption itself (AD1), against the child's episodes."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date

from lantern.ingest.rules.common import v
from lantern.ingest.rules.engine import Context, Finding, rule
from lantern.ingest.rules.ssda903._base import ADOPTED, PLACED_FOR_ADOPTION, F, episodes_in_order

E, PA = "Episodes", "PlacedAdoption"
AD1_ITEMS = ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")


def _after(a: date | None, b: date | None) -> bool:
    """Both dates known and `a` later than `b`."""
    return a is not None and b is not None and a > b


def _first(ctx: Context, child: str, test: str, codes: frozenset[str]) -> date | None:
    """DECOM of the child's first episode whose `test` field is one of `codes`."""
    start = ctx.dates(E, "DECOM")
    for i in episodes_in_order(ctx).get(child, []):
        if ctx.value(E, i, test) in codes and start[i] is not None:
            return start[i]
    return None


def _latest_decision(ctx: Context) -> dict[str, int]:
    """CHILD -> row of their latest decision to place for adoption (by DATE_PLACED)."""
    def make() -> dict[str, int]:
        placed = ctx.dates(PA, "DATE_PLACED")
        far = date.min
        return {c: max(rows, key=lambda i: (placed[i] or far, i))
                for c, rows in ctx.by_child(PA).items()}

    return ctx.memo("pa:latest", make)


def _ended_care(ctx: Context) -> dict[str, date]:
    """CHILD -> the DEC of their last episode, when it ended their care (REC not X1)."""
    def make() -> dict[str, date]:
        dec = ctx.dates(E, "DEC")
        out = {}
        for child, rows in episodes_in_order(ctx).items():
            last = rows[-1]
            ended = dec[last]
            if ended is not None and ctx.value(E, last, "REC") not in (None, "X1"):
                out[child] = ended
        return out

    return ctx.memo("eps:ended", make)


@rule(id="903:117", dfe_code="117", format=F, severity="error",
      message="Date of decision that a child should/should no longer be placed for adoption is "
              "beyond the current collection year or after the child ceased to be looked "
              "after.", fields=["DATE_PLACED", "DATE_PLACED_CEASED", "DEC", "REC"],
      tables=[PA, E],
      expected="DATE_PLACED and DATE_PLACED_CEASED on or before 31 March and on or before the "
               "DEC of the episode that ended the child's care")
def decision_after_year_or_care(ctx: Context) -> Iterable[Finding]:
    end, ended = ctx.year_end, _ended_care(ctx)
    for f in ("DATE_PLACED", "DATE_PLACED_CEASED"):
        dates = ctx.dates(PA, f)
        for i, row in ctx.enum(PA):
            d, left = dates[i], ended.get(v(row, "CHILD") or "")
            if d is not None and ((end is not None and d > end)
                                  or (left is not None and d > left)):
                yield Finding(PA, i, f, v(row, f))


@rule(id="903:118", dfe_code="118", format=F, severity="error",
      message="Date of decision that a child should no longer be placed for adoption is before "
              "the current collection year or before the date the child started to be looked "
              "after.", fields=["DATE_PLACED_CEASED", "DECOM", "LS"], tables=[PA, E],
      expected="DATE_PLACED_CEASED on or after 1 April and on or after the DECOM of the "
               "child's first episode (not V3/V4)")
def decision_ceased_too_early(ctx: Context) -> Iterable[Finding]:
    start, ceased = ctx.year_start, ctx.dates(PA, "DATE_PLACED_CEASED")
    firsts: dict[str, date | None] = {}
    decom = ctx.dates(E, "DECOM")
    for child, rows in episodes_in_order(ctx).items():
        care = [i for i in rows if ctx.value(E, i, "LS") not in ("V3", "V4")]
        firsts[child] = decom[care[0]] if care else None
    for i, row in ctx.enum(PA):
        child, d = v(row, "CHILD") or "", ceased[i]
        if d is None or child not in firsts:
            continue
        began = firsts[child]
        if (start is not None and d < start) or (began is not None and d < began):
            yield Finding(PA, i, "DATE_PLACED_CEASED", v(row, "DATE_PLACED_CEASED"))


@rule(id="903:1003", dfe_code="1003", format=F, severity="error",
      message="Date of LA's decision that a child should be placed for adoption is before the "
              "child started to be looked after.", fields=["DATE_PLACED", "DECOM", "RNE"],
      tables=[PA, E],
      expected="DATE_PLACED on or after the DECOM of the child's first episode with RNE S")
def decided_before_care(ctx: Context) -> Iterable[Finding]:
    placed = ctx.dates(PA, "DATE_PLACED")
    for i, row in ctx.enum(PA):
        began = _first(ctx, v(row, "CHILD") or "", "RNE", frozenset({"S"}))
        if _after(began, placed[i]):
            yield Finding(PA, i, "DATE_PLACED", v(row, "DATE_PLACED"))


@rule(id="903:552", dfe_code="552", format=F, severity="error",
      message="Date of Decision to place a child for adoption should be on or prior to the date "
              "that the child was placed for adoption.", fields=["DATE_PLACED", "DECOM"],
      tables=[PA, E],
      expected="the latest DATE_PLACED on or before the DECOM of the child's first A3-A6 "
               "episode")
def decided_after_placed(ctx: Context) -> Iterable[Finding]:
    placed = ctx.dates(PA, "DATE_PLACED")
    for child, i in _latest_decision(ctx).items():
        first = _first(ctx, child, "PLACE", PLACED_FOR_ADOPTION)
        if _after(placed[i], first):
            yield Finding(PA, i, "DATE_PLACED", ctx.value(PA, i, "DATE_PLACED"))


@rule(id="903:554", dfe_code="554", format=F, severity="error",
      message="Date of decision that the child should be placed for adoption should be on or "
              "prior to the date that the placement order was granted.",
      fields=["DATE_PLACED", "DECOM", "LS"], tables=[PA, E],
      expected="DATE_PLACED on or before the DECOM of the child's first E1 (placement order) "
               "episode")
def decided_after_order(ctx: Context) -> Iterable[Finding]:
    placed = ctx.dates(PA, "DATE_PLACED")
    for i, row in ctx.enum(PA):
        order = _first(ctx, v(row, "CHILD") or "", "LS", frozenset({"E1"}))
        if _after(placed[i], order):
            yield Finding(PA, i, "DATE_PLACED", v(row, "DATE_PLACED"))


@rule(id="903:557", dfe_code="557", format=F, severity="error",
      message="Child for whom the decision was made that they should be placed for adoption has "
              "left care but was not adopted and information on the decision that they should "
              "no longer be placed for adoption items has not been completed.",
      fields=["REC", "PLACE", "LS", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
      tables=[E, PA],
      expected="DATE_PLACED_CEASED and REASON_PLACED_CEASED on the latest decision when a "
               "child placed for adoption (A3-A6) or under a placement order (E1) leaves care "
               "other than by adoption")
def left_care_decision_open(ctx: Context) -> Iterable[Finding]:
    if not ctx.has(PA):
        return
    latest = _latest_decision(ctx)
    for i, row in ctx.enum(E):
        rec = v(row, "REC")
        if rec in (None, "X1") or rec in ADOPTED:
            continue
        if v(row, "PLACE") not in PLACED_FOR_ADOPTION and v(row, "LS") != "E1":
            continue
        j = latest.get(v(row, "CHILD") or "")
        if j is None or any(ctx.value(PA, j, f) is None
                            for f in ("DATE_PLACED_CEASED", "REASON_PLACED_CEASED")):
            yield Finding(E, i, "REC", rec)


@rule(id="903:558", dfe_code="558", format=F, severity="error",
      message="If a child has been adopted, then the decision to place them for adoption has not "
              "been disrupted and the date of the decision that a child should no longer be "
              "placed for adoption should be left blank.",
      fields=["REC", "DATE_PLACED_CEASED"], tables=[E, PA],
      expected="DATE_PLACED_CEASED blank on the latest decision of an adopted child (REC E11, "
               "E12)")
def adopted_decision_ceased(ctx: Context) -> Iterable[Finding]:
    latest = _latest_decision(ctx)
    for i, row in ctx.enum(PA):
        if latest.get(v(row, "CHILD") or "") != i or v(row, "DATE_PLACED_CEASED") is None:
            continue
        rows = ctx.by_child(E).get(v(row, "CHILD") or "", [])
        if any(ctx.value(E, k, "REC") in ADOPTED for k in rows):
            yield Finding(PA, i, "DATE_PLACED_CEASED", v(row, "DATE_PLACED_CEASED"))


@rule(id="903:563", dfe_code="563", format=F, severity="error",
      message="The child should no longer be placed for adoption but the date of the decision "
              "that the child should be placed for adoption is blank",
      fields=["DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"], tables=[PA],
      expected="DATE_PLACED completed when DATE_PLACED_CEASED or REASON_PLACED_CEASED is")
def ceased_without_decision(ctx: Context) -> Iterable[Finding]:
    for i, row in ctx.enum(PA):
        if v(row, "DATE_PLACED") is None and (v(row, "DATE_PLACED_CEASED") is not None
                                              or v(row, "REASON_PLACED_CEASED") is not None):
            yield Finding(PA, i, "DATE_PLACED", None)


def _decisions_in_order(ctx: Context) -> Iterable[list[int]]:
    placed = ctx.dates(PA, "DATE_PLACED")
    for rows in ctx.by_child(PA).values():
        dated = [i for i in rows if placed[i] is not None]
        if len(dated) > 1:
            yield sorted(dated, key=lambda i: (placed[i], i))


@rule(id="903:579", dfe_code="579", format=F, severity="error",
      message="A new decision that the child should be placed for adoption this year cannot "
              "start when the previous decision is still open. Decisions to place the child for "
              "adoption should also not overlap. The date of any new decision to place the "
              "child for adoption must not be before the date placed ceased of previous "
              "decisions.", fields=["DATE_PLACED", "DATE_PLACED_CEASED"], tables=[PA],
      expected="each later decision's DATE_PLACED on or after the previous decision's "
               "DATE_PLACED_CEASED, which is completed")
def decisions_overlap(ctx: Context) -> Iterable[Finding]:
    placed, ceased = ctx.dates(PA, "DATE_PLACED"), ctx.dates(PA, "DATE_PLACED_CEASED")
    for rows in _decisions_in_order(ctx):
        for prev, i in itertools.pairwise(rows):
            prev_end, began = ceased[prev], placed[i]
            if ctx.value(PA, prev, "DATE_PLACED_CEASED") is None or (
                    prev_end is not None and began is not None and began < prev_end):
                yield Finding(PA, i, "DATE_PLACED", ctx.value(PA, i, "DATE_PLACED"))


@rule(id="903:583", dfe_code="583", format=F, severity="error",
      message="More than one date the child should be placed for adoption has been reported, "
              "but an earlier decision has not been revoked. Check that both dates are required "
              "and add in the date the earlier decision was revoked. Note this may be in a "
              "previous year.", fields=["DATE_PLACED", "DATE_PLACED_CEASED"], tables=[PA],
      expected="DATE_PLACED_CEASED on every decision but the latest")
def earlier_decision_open(ctx: Context) -> Iterable[Finding]:
    for rows in _decisions_in_order(ctx):
        for i in rows[:-1]:
            if ctx.value(PA, i, "DATE_PLACED_CEASED") is None:
                yield Finding(PA, i, "DATE_PLACED_CEASED", None)


@rule(id="903:525", dfe_code="525", format=F, severity="error",
      message="A child for whom the decision to be placed for adoption has been reversed cannot "
              "be adopted during the year.", fields=["DATE_PLACED_CEASED", *AD1_ITEMS],
      tables=[PA, "AD1"],
      expected="no adoption data (AD1) for a child whose latest decision to place for "
               "adoption has ceased")
def adopted_after_reversal(ctx: Context) -> Iterable[Finding]:
    adopted = {c for c, rows in ctx.by_child("AD1").items()
               if any(ctx.value("AD1", i, f) is not None for i in rows for f in AD1_ITEMS)}
    for child, i in _latest_decision(ctx).items():
        if child in adopted and ctx.value(PA, i, "DATE_PLACED_CEASED") is not None:
            yield Finding(PA, i, "DATE_PLACED_CEASED", ctx.value(PA, i, "DATE_PLACED_CEASED"))


# -- AD1 against the adoption episode ---------------------------------------------------

def _adoption_episodes(ctx: Context) -> Iterable[tuple[int, int]]:
    """(episode row, AD1 row) for each episode ending in adoption of a child with AD1."""
    ad1 = ctx.by_child("AD1")
    for i, row in ctx.enum(E):
        if v(row, "REC") in ADOPTED:
            for j in ad1.get(v(row, "CHILD") or "", []):
                yield i, j


@rule(id="903:331", dfe_code="331", format=F, severity="error",
      message="Date of matching child and adopter(s) should be the same as, or prior to, the "
              "date of placement of adoption.", fields=["DATE_MATCH", "DECOM", "REC"],
      tables=["AD1", E],
      expected="DATE_MATCH on or before the DECOM of the episode ending in adoption")
def matched_after_placement(ctx: Context) -> Iterable[Finding]:
    match, decom = ctx.dates("AD1", "DATE_MATCH"), ctx.dates(E, "DECOM")
    for i, j in _adoption_episodes(ctx):
        if _after(match[j], decom[i]):
            yield Finding("AD1", j, "DATE_MATCH", ctx.value("AD1", j, "DATE_MATCH"))


@rule(id="903:582", dfe_code="582", format=F, severity="error",
      message="Child is showing as ceasing to be looked after due to adoption, but the date of "
              "adoption is the same as the date reported for being matched with adopters. In "
              "most circumstances we expect the date the child is matched with adopters to be "
              "before the date of adoption.", fields=["DATE_MATCH", "DEC"], tables=[E, "AD1"],
      expected="DATE_MATCH before the DEC of the episode ending in adoption")
def matched_on_adoption_day(ctx: Context) -> Iterable[Finding]:
    match, dec = ctx.dates("AD1", "DATE_MATCH"), ctx.dates(E, "DEC")
    for i, j in _adoption_episodes(ctx):
        if dec[i] is not None and dec[i] == match[j]:
            yield Finding(E, i, "DEC", ctx.value(E, i, "DEC"))


_CURRENT_CARERS = frozenset({"A3", "A5"})  # placed for adoption with current foster carers
_NOT_CURRENT_CARERS = frozenset({"A4", "A6"})


@rule(id="903:335", dfe_code="335", format=F, severity="error",
      message="The current foster value (0) suggests that child is not adopted by current "
              "foster carer, but last placement is A2, A3, or A5. Or the current foster value "
              "(1) suggests that child is adopted by current foster carer, but last placement "
              "is A1, A4 or A6.", fields=["FOSTER_CARE", "PLACE"], tables=["AD1", E],
      expected="FOSTER_CARE 1 when the adoption placement is A3 or A5 (A2 before 2013), 0 when "
               "it is A4 or A6 (A1)")
def foster_carer_adopter(ctx: Context) -> Iterable[Finding]:
    for i, j in _adoption_episodes(ctx):
        place, foster = ctx.value(E, i, "PLACE"), ctx.value("AD1", j, "FOSTER_CARE")
        if (place in _CURRENT_CARERS | {"A2"} and foster == "0") or (
                place in _NOT_CURRENT_CARERS | {"A1"} and foster == "1"):
            yield Finding("AD1", j, "FOSTER_CARE", foster)


@rule(id="903:521", dfe_code="521", format=F, severity="error",
      message="Date of local authority's decision (LA) that adoption is in the best interests "
              "of the child (date should be placed) must be on or prior to the date the child "
              "is placed for adoption.", fields=["DATE_INT", "DECOM", "PLACE"],
      tables=["AD1", E],
      expected="DATE_INT on or before the DECOM of the child's first A3-A6 episode")
def interest_after_placement(ctx: Context) -> Iterable[Finding]:
    interest = ctx.dates("AD1", "DATE_INT")
    for j, row in ctx.enum("AD1"):
        first = _first(ctx, v(row, "CHILD") or "", "PLACE", PLACED_FOR_ADOPTION)
        if _after(interest[j], first):
            yield Finding("AD1", j, "DATE_INT", v(row, "DATE_INT"))


@rule(id="903:334", dfe_code="334", format=F, severity="error",
      message="Date child started to be looked after in latest period of care must be on or "
              "prior to the date should be placed for adoption.",
      fields=["DATE_INT", "DECOM", "RNE"], tables=["AD1", E],
      expected="DATE_INT on or after the DECOM of the child's latest episode with RNE S")
def interest_before_care(ctx: Context) -> Iterable[Finding]:
    interest, decom = ctx.dates("AD1", "DATE_INT"), ctx.dates(E, "DECOM")
    order = episodes_in_order(ctx)
    for j, row in ctx.enum("AD1"):
        starts = [d for i in order.get(v(row, "CHILD") or "", [])
                  if ctx.value(E, i, "RNE") == "S" and (d := decom[i]) is not None]
        if starts and _after(max(starts), interest[j]):
            yield Finding("AD1", j, "DATE_INT", v(row, "DATE_INT"))


# -- against last year's return ----------------------------------------------------------

def _last_decisions(ctx: Context) -> dict[str, list[int]]:
    return ctx.by_child(f"{PA}_last")


@rule(id="903:559", dfe_code="559", format=F, severity="error",
      message="Date of decision that a child should be placed for adoption was not in the "
              "current year but the date of the decision that the child should be placed for "
              "adoption was not completed in a previous return.", fields=["DATE_PLACED"],
      tables=[PA, f"{PA}_last"],
      expected="a decision dated before 1 April in last year's return too")
def earlier_decision_not_returned(ctx: Context) -> Iterable[Finding]:
    first = ctx.year_start
    if first is None or not ctx.has(f"{PA}_last"):
        return
    last = _last_decisions(ctx)
    before = ctx.dates(f"{PA}_last", "DATE_PLACED")
    placed = ctx.dates(PA, "DATE_PLACED")
    for i, row in ctx.enum(PA):
        d = placed[i]
        returned = any(before[j] is not None for j in last.get(v(row, "CHILD") or "", []))
        if d is not None and d < first and not returned:
            yield Finding(PA, i, "DATE_PLACED", v(row, "DATE_PLACED"))


@rule(id="903:560", dfe_code="560", format=F, severity="error",
      message="Date of decision that the child should be placed for adoption this year is "
              "different from that recorded last year but the decision to place the child for "
              "adoption did not change.", fields=["DATE_PLACED", "DATE_PLACED_CEASED"],
      tables=[PA, f"{PA}_last"],
      expected="the DATE_PLACED of a decision still open at the end of last year returned "
               "unchanged")
def open_decision_redated(ctx: Context) -> Iterable[Finding]:
    if not ctx.has(f"{PA}_last"):
        return
    table = f"{PA}_last"
    before = ctx.dates(table, "DATE_PLACED")
    still_open = {v(r, "CHILD"): before[j] for j, r in ctx.enum(table)
                  if before[j] is not None and v(r, "DATE_PLACED_CEASED") is None}
    placed = ctx.dates(PA, "DATE_PLACED")
    for child, rows in ctx.by_child(PA).items():
        if child in still_open and all(placed[i] != still_open[child] for i in rows):
            i = rows[0]
            yield Finding(PA, i, "DATE_PLACED", ctx.value(PA, i, "DATE_PLACED"))


@rule(id="903:561", dfe_code="561", format=F, severity="error",
      message="Date of the decision that the child should be placed for adoption this year is "
              "the same as that recorded last year but records show that the decision changed, "
              "and the child should no longer be placed for adoption last year.",
      fields=["DATE_PLACED"], tables=[PA, f"{PA}_last"],
      expected="a decision that ceased last year not returned again as this year's decision")
def ceased_decision_returned(ctx: Context) -> Iterable[Finding]:
    if not ctx.has(f"{PA}_last"):
        return
    table = f"{PA}_last"
    before = ctx.dates(table, "DATE_PLACED")
    ceased = {(v(r, "CHILD"), before[j]) for j, r in ctx.enum(table)
              if before[j] is not None and (v(r, "DATE_PLACED_CEASED") is not None
                                            or v(r, "REASON_PLACED_CEASED") is not None)}
    placed = ctx.dates(PA, "DATE_PLACED")
    for i, row in ctx.enum(PA):
        if placed[i] is not None and (v(row, "CHILD"), placed[i]) in ceased:
            yield Finding(PA, i, "DATE_PLACED", v(row, "DATE_PLACED"))
