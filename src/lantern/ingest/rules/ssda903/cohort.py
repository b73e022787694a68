"""DfE SSDA903 rules on the OC2 cohort: children looked after continuously for 12 months."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from lantern.ingest.rules.common import age, v
from lantern.ingest.rules.engine import Context, Finding, rule
from lantern.ingest.rules.ssda903._base import F, continuously_looked_after
from lantern.ingest.rules.ssda903.outcomes import HEALTH_ITEMS, OC2_ITEMS

Row = dict[str, str | None]
# The OC2 items of the cohort: the SDQ pair and the eight health and offending items.
COHORT_ITEMS = ("SDQ_SCORE", "SDQ_REASON", *OC2_ITEMS)


def _cohort_rule(code: str, message: str, *, in_cohort: bool, field: str, fields: list[str],
                 test: Callable[[Row, int | None], bool], expected: str) -> None:
    """A rule on OC2 rows of children in (or not in) the 12-month cohort; `test` gets the
    row and the child's age on 31 March. Without the episodes the cohort is unknown."""
    def check(ctx: Context) -> Iterable[Finding]:
        end = ctx.year_end
        if not ctx.has("Episodes") or end is None:
            return
        cohort = continuously_looked_after(ctx)
        dobs = ctx.dates("OC2", "DOB")
        for i, row in ctx.enum("OC2"):
            dob = dobs[i]
            if (v(row, "CHILD") in cohort) == in_cohort and test(
                    row, age(dob, end) if dob is not None else None):
                yield Finding("OC2", i, field, v(row, field))

    rule(id=f"903:{code}", dfe_code=code, format=F, severity="error", message=message,
         fields=fields, tables=["OC2", "Episodes"], expected=expected)(check)


def _given(*items: str) -> Callable[[Row, int | None], bool]:
    return lambda row, _age: any(v(row, f) is not None for f in items)


_cohort_rule("185", "Child has not been looked after continuously for at least 12 months at 31 "
             "March but a Strengths and Difficulties (SDQ) score has been completed.",
             in_cohort=False, field="SDQ_SCORE", fields=["SDQ_SCORE"], test=_given("SDQ_SCORE"),
             expected="no SDQ score for a child not looked after continuously for 12 months")
_cohort_rule("198", "Child has not been looked after continuously for at least 12 months at 31 "
             "March but a reason for no Strengths and Difficulties (SDQ) score has been "
             "completed.", in_cohort=False, field="SDQ_REASON", fields=["SDQ_REASON"],
             test=_given("SDQ_REASON"),
             expected="no SDQ reason for a child not looked after continuously for 12 months")
_cohort_rule("190", "Child has not been looked after continuously for at least 12 months at 31 "
             "March but one or more data items relating to children looked after for 12 "
             "months have been completed.", in_cohort=False, field="CONVICTED",
             fields=list(OC2_ITEMS), test=_given(*OC2_ITEMS),
             expected="the OC2 items blank for a child not looked after continuously for 12 "
                      "months")
_cohort_rule("191", "Child has been looked after continuously for at least 12 months at 31 March "
             "but one or more data items relating to children looked after for 12 months have "
             "been left blank.", in_cohort=True, field="IMMUNISATIONS",
             fields=list(HEALTH_ITEMS),
             test=lambda row, _age: any(v(row, f) is None for f in HEALTH_ITEMS),
             expected="immunisations, teeth check, health assessment and substance misuse "
                      "completed for a child looked after continuously for 12 months")
_cohort_rule("543", "Child is aged 10 or over at 31 March and has been looked after continuously "
             "for 12 months yet conviction information has not been completed.",
             in_cohort=True, field="CONVICTED", fields=["CONVICTED", "DOB"],
             test=lambda row, a: a is not None and a >= 10 and v(row, "CONVICTED") is None,
             expected="CONVICTED completed for a child of 10 or over in the 12-month cohort")
_cohort_rule("545", "Child is aged under 5 at 31 March and has been looked after continuously for "
             "12 months yet health promotion information has not been completed.",
             in_cohort=True, field="HEALTH_CHECK", fields=["HEALTH_CHECK", "DOB"],
             test=lambda row, a: a is not None and a < 5 and v(row, "HEALTH_CHECK") is None,
             expected="HEALTH_CHECK completed for a child under 5 in the 12-month cohort")
