"""DfE SSDA903 rules comparing this year's return with last year's (`*_last` tables)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from lantern.ingest.rules.common import v
from lantern.ingest.rules.engine import Context, Finding, rule
from lantern.ingest.rules.ssda903._base import F, episodes_in_order, sex_norm

UPN_UNKNOWN_PREFIX = "UN"


def _header_rule(id: str, message: str, field: str, expected: str,
                 differs: Callable[[str | None, str | None], bool]) -> None:
    def check(ctx: Context) -> Iterable[Finding]:
        last_rows = ctx.rows("Header_last")
        last = {v(r, "CHILD"): r for r in last_rows}
        for i, row in ctx.enum("Header"):
            before = last.get(v(row, "CHILD"))
            if before is not None and differs(v(row, field), v(before, field)):
                yield Finding("Header", i, field, v(row, field))

    rule(id=f"903:{id}", dfe_code=id, format=F, severity="error", message=message,
         fields=[field], tables=["Header", "Header_last"], expected=expected)(check)


def _both_differ(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a != b


_header_rule("202", "The gender code conflicts with the gender already recorded for this child.",
             "SEX", "the SEX recorded last year (1/2 read as M/F)",
             lambda a, b: _both_differ(sex_norm(a), sex_norm(b)))
_header_rule("203", "Date of birth disagrees with the date of birth already recorded for this "
             "child.", "DOB", "the DOB recorded last year", _both_differ)
_header_rule("204", "Ethnic origin code disagrees with the ethnic origin already recorded for "
             "this child.", "ETHNIC", "the ETHNIC code recorded last year", _both_differ)
_header_rule("208", "Unique Pupil Number (UPN) for the current year disagrees with the Unique "
             "Pupil Number (UPN) already recorded for this child.", "UPN",
             "the UPN recorded last year",
             lambda a, b: b is not None and not b.startswith(UPN_UNKNOWN_PREFIX) and a != b)
_header_rule("624", "Date of birth of the first child contradicts the date of birth of the first "
             "child previously recorded.", "MC_DOB", "the MC_DOB recorded last year",
             _both_differ)


def _open_last_year(ctx: Context) -> dict[str, int]:
    """CHILD -> row of last year's final episode, when it was still open (no DEC)."""

    def make() -> dict[str, int]:
        out = {}
        for child, rows in episodes_in_order(ctx, "Episodes_last").items():
            last = rows[-1]
            if ctx.value("Episodes_last", last, "DEC") is None:
                out[child] = last
        return out

    return ctx.memo("open_last", make)


@rule(id="903:502", dfe_code="502", format=F, severity="error",
      message="Last year's record ended with an open episode. The date on which that episode "
              "started does not match the start date of the first episode on this year’s record.",
      fields=["DECOM"], tables=["Episodes", "Episodes_last"],
      expected="the first episode starting on the DECOM of last year's open episode")
def first_matches_open(ctx: Context) -> Iterable[Finding]:
    open_ = _open_last_year(ctx)
    last_start = ctx.dates("Episodes_last", "DECOM")
    start = ctx.dates("Episodes", "DECOM")
    for child, rows in episodes_in_order(ctx).items():
        j = open_.get(child)
        if j is None:
            continue
        first = rows[0]
        was: date | None = last_start[j]
        if was is not None and start[first] is not None and start[first] != was:
            yield Finding("Episodes", first, "DECOM", ctx.value("Episodes", first, "DECOM"))


# Codes the 2024-25 return (collection year 2025) retired, and the code that replaced
# them: supported accommodation must be Ofsted-registered, so H5 (semi-independent,
# not subject to children's homes regulations) and P2 (independent living) became K3.
# An episode open across that change carries the new code, which is not a mismatch.
RETIRED_2025 = {"PLACE": {"H5": "K3", "P2": "K3"}}
FIRST_RETIRED_YEAR = 2025


def _same(ctx: Context, field: str, now: str | None, before: str | None) -> bool:
    if now == before:
        return True
    year = ctx.collection_year or 0
    return year >= FIRST_RETIRED_YEAR and RETIRED_2025.get(field, {}).get(before or "") == now


def _carried_rule(id: str, message: str, field: str) -> None:
    def check(ctx: Context) -> Iterable[Finding]:
        open_ = _open_last_year(ctx)
        last_start = ctx.dates("Episodes_last", "DECOM")
        start = ctx.dates("Episodes", "DECOM")
        for child, rows in episodes_in_order(ctx).items():
            j = open_.get(child)
            first = rows[0]
            if j is None or start[first] is None or start[first] != last_start[j]:
                continue  # not the same episode carried over: rule 502's business
            now, before = ctx.value("Episodes", first, field), ctx.value("Episodes_last", j, field)
            if not _same(ctx, field, now, before):
                yield Finding("Episodes", first, field, now)

    rule(id=f"903:{id}", dfe_code=id, format=F, severity="error", message=message,
         fields=[field], tables=["Episodes", "Episodes_last"],
         expected=f"the {field} of last year's open episode")(check)


_carried_rule("503A", "The reason for new episode in the first episode does not match open "
              "episode at end of last year.", "RNE")
_carried_rule("503B", "The legal status in the first episode does not match open episode at end "
              "of last year.", "LS")
_carried_rule("503C", "The category of need in the first episode does not match open episode at "
              "end of last year.", "CIN")
_carried_rule("503D", "The placement type in the first episode does not match open episode at "
              "end of last year", "PLACE")
_carried_rule("503E", "The placement provider in the first episode does not match open episode "
              "at end of last year.", "PLACE_PROVIDER")
_carried_rule("503F", "The Ofsted URN in the  first episode does not match open episode at end "
              "of last year.", "URN")
