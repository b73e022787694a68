"""DfE SSDA903 rules on Reviews, UASC and PrevPerm."""

from __future__ import annotations

from collections.abc import Iterable

from lantern.ingest.rules.common import age, code_rule, date_rule, v
from lantern.ingest.rules.engine import Context, Finding, rule
from lantern.ingest.rules.schema import ssda903_fields
from lantern.ingest.rules.ssda903._base import F

date_rule(id="903:166", dfe_code="166", format=F, table="Reviews", field="REVIEW",
          message="Date of review is invalid or blank.", blank_is_error=True)
code_rule(id="903:167", dfe_code="167", format=F, table="Reviews", field="REVIEW_CODE",
          message="Data entry for participation is invalid or blank.", blank_is_error=True,
          codes=lambda y: ssda903_fields(y)["Reviews"]["REVIEW_CODE"].codes)
date_rule(id="903:104", dfe_code="104", format=F, table="UASC", field="DUC",
          message="Date for Unaccompanied Asylum-Seeking Children (UASC) status ceased is not a "
                  "valid date.")
code_rule(id="903:631", dfe_code="631", format=F, table="PrevPerm", field="PREV_PERM",
          message="Previous permanence option not a valid value.",
          codes=lambda y: ssda903_fields(y)["PrevPerm"]["PREV_PERM"].codes)


def _review_age(ctx: Context, under_4_code: bool) -> Iterable[Finding]:
    reviewed, dobs = ctx.dates("Reviews", "REVIEW"), ctx.dates("Reviews", "DOB")
    for i, row in ctx.enum("Reviews"):
        code, on, dob = v(row, "REVIEW_CODE"), reviewed[i], dobs[i]
        if code is None or on is None or dob is None:
            continue
        if under_4_code and code == "PN0" and age(dob, on) >= 4:
            yield Finding("Reviews", i, "REVIEW_CODE", code)
        if not under_4_code and code != "PN0" and age(dob, on) < 4:
            yield Finding("Reviews", i, "REVIEW_CODE", code)


@rule(id="903:440", dfe_code="440", format=F, severity="error",
      message="Participation method indicates child was under 4 years old at the time of the "
              "review, but date of birth and review date indicates the child was 4 years old or "
              "over.", fields=["DOB", "REVIEW", "REVIEW_CODE"], tables=["Reviews"],
      expected="PN0 only for a child under 4 on the review date")
def pn0_aged_4(ctx: Context) -> Iterable[Finding]:
    return _review_age(ctx, True)


@rule(id="903:441", dfe_code="441", format=F, severity="error",
      message="Participation method indicates child was 4 years old or over at the time of the "
              "review, but the date of birth and review date indicates the child was under 4 "
              "years old.", fields=["DOB", "REVIEW", "REVIEW_CODE"], tables=["Reviews"],
      expected="PN0 for a child under 4 on the review date")
def not_pn0_under_4(ctx: Context) -> Iterable[Finding]:
    return _review_age(ctx, False)


@rule(id="903:635", dfe_code="635", format=F, severity="error",
      message="There are entries for date of order and local authority code where previous "
              "permanence option was arranged but previous permanence code is Z1",
      fields=["DATE_PERM", "LA_PERM", "PREV_PERM"], tables=["PrevPerm"],
      expected="DATE_PERM and LA_PERM blank when PREV_PERM is Z1")
def z1_without_details(ctx: Context) -> Iterable[Finding]:
    for i, row in ctx.enum("PrevPerm"):
        if v(row, "PREV_PERM") == "Z1":
            for f in ("DATE_PERM", "LA_PERM"):
                if v(row, f) is not None:
                    yield Finding("PrevPerm", i, f, v(row, f))
