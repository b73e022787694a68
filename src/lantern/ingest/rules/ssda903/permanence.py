"""DfE SSDA903 rules across tables: respite, adoption decisions, motherhood over time."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from lantern.ingest.rules.common import v
from lantern.ingest.rules.engine import Context, Finding, rule
from lantern.ingest.rules.ssda903._base import PLACED_FOR_ADOPTION, RESPITE, F

E = "Episodes"


@rule(id="903:426", dfe_code="426", format=F, severity="error",
      message="A child receiving respite care cannot be recorded under a legal status of V3 and "
              "V4 in the same year.", fields=["LS"], tables=[E],
      expected="a child's respite episodes all V3 or all V4 in the year")
def both_respite_statuses(ctx: Context) -> Iterable[Finding]:
    for rows in ctx.by_child(E).values():
        statuses = {ctx.value(E, i, "LS") for i in rows}
        if statuses >= RESPITE:
            for i in rows:
                if ctx.value(E, i, "LS") in RESPITE:
                    yield Finding(E, i, "LS", ctx.value(E, i, "LS"))


def _decided(ctx: Context) -> set[str]:
    """Children with a date of the decision that they should be placed for adoption."""
    return {c for c, rows in ctx.by_child("PlacedAdoption").items()
            if any(ctx.value("PlacedAdoption", i, "DATE_PLACED") is not None for i in rows)}


def _without_decision_rule(code: str, message: str, field: str, test: Callable[[str | None], bool],
                           expected: str) -> None:
    def check(ctx: Context) -> Iterable[Finding]:
        decided = _decided(ctx)
        for i, row in ctx.enum(E):
            if test(v(row, field)) and v(row, "CHILD") not in decided:
                yield Finding(E, i, field, v(row, field))

    rule(id=f"903:{code}", dfe_code=code, format=F, severity="error", message=message,
         fields=[field, "DATE_PLACED"], tables=[E, "PlacedAdoption"], expected=expected)(check)


_without_decision_rule("551", "Child has been placed for adoption but there is no date of the "
                       "decision that the child should be placed for adoption.", "PLACE",
                       lambda p: p in PLACED_FOR_ADOPTION,
                       "a PlacedAdoption DATE_PLACED for a child placed for adoption (A3-A6)")
_without_decision_rule("553", "Placement order has been granted but there is no date of "
                       "decision that the child should be placed for adoption.", "LS",
                       lambda ls: ls == "E1",
                       "a PlacedAdoption DATE_PLACED for a child with a placement order (E1)")


@rule(id="903:628", dfe_code="628", format=F, severity="error",
      message="Motherhood details are not required for care leavers who have not been looked "
              "after during the year.", fields=["MOTHER"], tables=["Header", "OC3", E],
      expected="MOTHER blank for a care leaver (OC3) with no episode in the year")
def care_leaver_motherhood(ctx: Context) -> Iterable[Finding]:
    leavers, looked_after = set(ctx.by_child("OC3")), set(ctx.by_child(E))
    for i, row in ctx.enum("Header"):
        child = v(row, "CHILD")
        if v(row, "MOTHER") is not None and child in leavers and child not in looked_after:
            yield Finding("Header", i, "MOTHER", v(row, "MOTHER"))


@rule(id="903:207", dfe_code="207", format=F, severity="error",
      message="Mother status for the current year disagrees with the mother status already "
              "recorded for this child.", fields=["MOTHER"], tables=["Header", "Header_last"],
      expected="MOTHER 1 for a child recorded as a mother last year")
def no_longer_a_mother(ctx: Context) -> Iterable[Finding]:
    last = ctx.by_child("Header_last")
    mothers = {c for c, rows in last.items()
               if any(ctx.value("Header_last", i, "MOTHER") == "1" for i in rows)}
    for i, row in ctx.enum("Header"):
        if v(row, "MOTHER") == "0" and v(row, "CHILD") in mothers:
            yield Finding("Header", i, "MOTHER", "0")
