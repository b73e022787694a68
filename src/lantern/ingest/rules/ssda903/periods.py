"""DfE SSDA903 rules on how one episode follows another: new periods and continuations."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from datetime import date

from lantern.ingest.rules.engine import Context, Finding, rule
from lantern.ingest.rules.ssda903._base import F, episodes_in_order

E = "Episodes"
FIRST_DECOM = date(1991, 10, 14)  # the Children Act 1989 came into force
CONTINUING = frozenset({"P", "L", "T", "U", "B"})  # RNE of an episode within a period


@rule(id="903:353", dfe_code="353", format=F, severity="error",
      message="No episode submitted can start before 14 October 1991.", fields=["DECOM"],
      tables=[E], expected="DECOM on or after 14/10/1991")
def before_the_act(ctx: Context) -> Iterable[Finding]:
    for i, d in enumerate(ctx.dates(E, "DECOM")):
        if d is not None and d < FIRST_DECOM:
            yield Finding(E, i, "DECOM", ctx.value(E, i, "DECOM"))


Pair = Callable[[Context, int, int], bool]


def _pairs_rule(code: str, message: str, expected: str, test: Pair) -> None:
    """A rule on each episode (`nxt`) and the child's episode before it (`prev`)."""
    def check(ctx: Context) -> Iterable[Finding]:
        for rows in episodes_in_order(ctx).values():
            for prev, nxt in itertools.pairwise(rows):
                if test(ctx, prev, nxt):
                    yield Finding(E, nxt, "RNE", ctx.value(E, nxt, "RNE"))

    rule(id=f"903:{code}", dfe_code=code, format=F, severity="error", message=message,
         fields=["RNE", "DECOM", "DEC", "REC"], tables=[E], expected=expected)(check)


def _new_period_same_day(ctx: Context, prev: int, nxt: int) -> bool:
    ended, began = ctx.dates(E, "DEC")[prev], ctx.dates(E, "DECOM")[nxt]
    return ctx.value(E, nxt, "RNE") == "S" and ended is not None and ended == began


def _continues_after_care_ended(ctx: Context, prev: int, nxt: int) -> bool:
    rec, rne = ctx.value(E, prev, "REC"), ctx.value(E, nxt, "RNE")
    return rec not in (None, "X1") and rne not in (None, "S")


def _continuation_with_a_gap(ctx: Context, prev: int, nxt: int) -> bool:
    # A blank DEC on the earlier episode is 142's problem, not this rule's.
    ended, began = ctx.dates(E, "DEC")[prev], ctx.dates(E, "DECOM")[nxt]
    return (ctx.value(E, nxt, "RNE") in CONTINUING and ended is not None
            and began is not None and began != ended)


_pairs_rule("431", "The reason for new episode is started to be looked after, but the previous "
            "episode ended on the same day.",
            "RNE other than S when the previous episode ended the day this one began",
            _new_period_same_day)
_pairs_rule("432", "The child ceased to be looked after at the end of the previous episode but "
            "the reason for the new episode is not started to be looked after.",
            "RNE S after an episode whose REC ended the care (not X1)",
            _continues_after_care_ended)
_pairs_rule("433", "The reason for new episode suggests that this is a continuation episode, "
            "but the episode does not start on the same day as the last episode finished.",
            "DECOM the previous episode's DEC when RNE is P, L, T, U or B",
            _continuation_with_a_gap)


# -- what changed between two episodes, against the reason given ---------------------------
# A placement is its type, postcode, Ofsted URN and provider together: a move between two
# foster carers keeps the type (U4) but not the postcode.
PLACEMENT = ("PLACE", "PL_POST", "URN", "PLACE_PROVIDER")


def _changed(ctx: Context, prev: int, nxt: int) -> tuple[bool, bool]:
    """(legal status changed, placement changed) from `prev` to `nxt`."""
    status = ctx.value(E, prev, "LS") != ctx.value(E, nxt, "LS")
    placement = any(ctx.value(E, prev, f) != ctx.value(E, nxt, f) for f in PLACEMENT)
    return status, placement


def _reason_rule(code: str, message: str, reasons: frozenset[str], status: bool,
                 placement: bool, expected: str) -> None:
    def test(ctx: Context, prev: int, nxt: int) -> bool:
        return ctx.value(E, nxt, "RNE") in reasons and _changed(ctx, prev, nxt) != (
            status, placement)

    _pairs_rule(code, message, expected, test)


_reason_rule("434", "Reason for new episode is that child's legal status has changed but not the "
             "placement, but this is not reflected in the episode data.", frozenset({"L"}),
             True, False, "RNE L only when LS changed and the placement did not")
_reason_rule("435", "Reason for new episode is that child’s placement has changed but not the "
             "legal status, but this is not reflected in the episode data recorded.",
             frozenset({"P", "T"}), False, True,
             "RNE P or T only when the placement changed and LS did not")
_reason_rule("436", "Reason for new episode is that both child’s placement and legal status have "
             "changed, but this is not reflected in the episode data.", frozenset({"U", "B"}),
             True, True, "RNE U or B only when both LS and the placement changed")
