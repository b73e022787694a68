"""DfE CIN census rules on the modules of one CIN episode: assessments and their factors,
activity on a referral with no further action, closed episodes, conferences recorded twice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from lantern.ingest.rules.cin._base import F, census_period
from lantern.ingest.rules.cin.tables import ASSESSMENT_INDEX, CHILD_INDEX, CIN_INDEX
from lantern.ingest.rules.common import is_true, v
from lantern.ingest.rules.engine import Context, Finding, rule

AS, AF, CD, S47 = "Assessments", "AssessmentFactors", "CINdetails", "Section47"
ACTIVITY = ("Assessments", "Section47")  # DfE 8831's modules

Key = tuple[str | None, ...]


def _key(row: dict[str, str | None], *fields: str) -> Key:
    return tuple(v(row, f) for f in fields)


def _assessment(row: dict[str, str | None]) -> Key:
    return _key(row, CHILD_INDEX, CIN_INDEX, ASSESSMENT_INDEX)


def _episode(row: dict[str, str | None]) -> Key:
    return _key(row, CHILD_INDEX, CIN_INDEX)


def _completed(row: dict[str, str | None]) -> bool:
    return v(row, "AssessmentAuthorisationDate") is not None


@rule(id="cin:8736", dfe_code="8736", format=F, severity="error",
      message="For an Assessment that has not been completed, the start date must fall within "
              "the census year", fields=["AssessmentActualStartDate",
                                         "AssessmentAuthorisationDate"], tables=[AS],
      expected="AssessmentActualStartDate within the census year while it is not authorised")
def open_assessment_in_year(ctx: Context) -> Iterable[Finding]:
    period = census_period(ctx)
    if period is None:
        return
    starts = ctx.dates(AS, "AssessmentActualStartDate")
    for i, row in ctx.enum(AS):
        s = starts[i]
        if not _completed(row) and s is not None and not period[0] <= s <= period[1]:
            yield Finding(AS, i, "AssessmentActualStartDate", v(row, "AssessmentActualStartDate"))


@rule(id="cin:8614", dfe_code="8614", format=F, severity="error",
      message="Parental or child factors at assessment should only be present for a completed "
              "assessment.", fields=["AssessmentFactors", "AssessmentAuthorisationDate"],
      tables=[AF, AS], expected="factors only on an assessment with an authorisation date")
def factors_on_open_assessment(ctx: Context) -> Iterable[Finding]:
    open_ = {_assessment(r) for r in ctx.rows(AS) if not _completed(r)}
    for i, row in ctx.enum(AF):
        if _assessment(row) in open_ and v(row, "AssessmentFactors") is not None:
            yield Finding(AF, i, "AssessmentFactors", v(row, "AssessmentFactors"))


@rule(id="cin:8897Q", dfe_code="8897Q", format=F, severity="query",
      message="Parental or child factors at assessment information is missing from a completed "
              "assessment", fields=["AssessmentFactors", "AssessmentAuthorisationDate"],
      tables=[AS, AF], expected="at least one factor code on a completed assessment")
def completed_without_factors(ctx: Context) -> Iterable[Finding]:
    with_factors = {_assessment(r) for r in ctx.rows(AF) if v(r, "AssessmentFactors")}
    for i, row in ctx.enum(AS):
        if _completed(row) and _assessment(row) not in with_factors:
            yield Finding(AS, i, "AssessmentFactors", None)


@rule(id="cin:8896", dfe_code="8896", format=F, severity="error",
      message="Within one CINDetails group there are 2 or more open Assessments groups",
      fields=["AssessmentAuthorisationDate"], tables=[AS],
      expected="at most one assessment without an authorisation date per CIN episode")
def two_open_assessments(ctx: Context) -> Iterable[Finding]:
    per_episode = Counter(_episode(r) for r in ctx.rows(AS) if not _completed(r))
    for i, row in ctx.enum(AS):
        if not _completed(row) and per_episode[_episode(row)] > 1:
            yield Finding(AS, i, "AssessmentAuthorisationDate", None)


def _activity_rule(code: str, message: str, tables: tuple[str, ...], expected: str,
                   in_episode: tuple[str, ...] = ()) -> None:
    """Declare: no row of `tables` (and none of the episode's own `in_episode` fields)
    on a referral with no further action."""
    def check(ctx: Context) -> Iterable[Finding]:
        nfa = {_episode(r) for r in ctx.rows(CD) if is_true(r.get("ReferralNFA"))}
        for table in tables:
            for i, row in ctx.enum(table):
                if _episode(row) in nfa:
                    # the episode's flag is what a person checks first
                    yield Finding(table, i, "ReferralNFA", "true",
                                  message=f"{message} ({table})")
        for i, row in ctx.enum(CD):
            for fld in in_episode:
                if _episode(row) in nfa and v(row, fld) is not None:
                    yield Finding(CD, i, fld, v(row, fld), message=f"{message} ({fld})")

    rule(id=f"cin:{code}", dfe_code=code, format=F, severity="error", message=message,
         fields=["ReferralNFA", *in_episode], tables=[CD, *tables], expected=expected)(check)


# DfE 8831: no assessment dates, section 47 start or initial conference (the item is in the
# section 47 and in CIN details); a CIN plan is 4000's and a CP plan 8832's to report
_activity_rule("8831", "Activity is recorded against a case marked as a referral with no further "
               "action", ACTIVITY, "no assessment, section 47 or initial conference on a "
               "referral with no further action", in_episode=("DateOfInitialCPC",))
_activity_rule("4000", "CIN Plan details provided for a referral with no further action",
               ("CINplanDates",), "no CIN plan on a referral with no further action")


@rule(id="cin:2991Q", dfe_code="2991Q", format=F, severity="query",
      message="Please check and either amend data or provide a reason: A Section 47 module is "
              "recorded and there is no assessment on the episode",
      fields=["S47ActualStartDate"], tables=[S47, AS],
      expected="an assessment on a CIN episode with a section 47 enquiry")
def s47_without_assessment(ctx: Context) -> Iterable[Finding]:
    assessed = {_episode(r) for r in ctx.rows(AS)}
    for i, row in ctx.enum(S47):
        if _episode(row) not in assessed:
            yield Finding(S47, i, "S47ActualStartDate", v(row, "S47ActualStartDate"))


def _ongoing(on: date, began: date | None, ended: date | None) -> bool:
    return began is not None and began < on and (ended is None or on < ended)


@rule(id="cin:8863Q", dfe_code="8863Q", format=F, severity="query",
      message="An Assessment is shown as starting when there is another Assessment ongoing.",
      fields=["AssessmentActualStartDate", "AssessmentAuthorisationDate"], tables=[AS],
      expected="an assessment starting on or after the child's previous one was authorised")
def assessment_during_another(ctx: Context) -> Iterable[Finding]:
    starts = ctx.dates(AS, "AssessmentActualStartDate")
    ends = ctx.dates(AS, "AssessmentAuthorisationDate")
    for rows in ctx.by_child(AS, CHILD_INDEX).values():
        for i in rows:
            s = starts[i]
            if s is None:
                continue
            # another assessment of the child started earlier and not yet authorised on s
            if any(j != i and _ongoing(s, starts[j], ends[j]) for j in rows):
                yield Finding(AS, i, "AssessmentActualStartDate",
                              v(ctx.rows(AS)[i], "AssessmentActualStartDate"))


@rule(id="cin:8867", dfe_code="8867", format=F, severity="error",
      message="CIN episode is shown as closed, however Assessment is not shown as completed",
      fields=["CINclosureDate", "AssessmentAuthorisationDate"], tables=[CD, AS],
      expected="every assessment of a closed CIN episode authorised")
def closed_with_open_assessment(ctx: Context) -> Iterable[Finding]:
    closed = {_episode(r) for r in ctx.rows(CD) if v(r, "CINclosureDate") is not None}
    for i, row in ctx.enum(AS):
        if not _completed(row) and _episode(row) in closed:
            yield Finding(AS, i, "AssessmentAuthorisationDate", None)


@rule(id="cin:2884", dfe_code="2884", format=F, severity="error",
      message="An initial child protection conference is recorded at both the S47 and CIN "
              "Details level and it should only be recorded in one",
      fields=["DateOfInitialCPC"], tables=[CD, S47],
      expected="a conference's date in CIN details or in its section 47 enquiry, not both")
def conference_twice(ctx: Context) -> Iterable[Finding]:
    # The same conference twice: the episode's date equals one of its enquiries' dates. A
    # different date in CIN details is another conference (e.g. one without an enquiry).
    in_s47 = {(*_episode(r), v(r, "DateOfInitialCPC")) for r in ctx.rows(S47)
              if v(r, "DateOfInitialCPC") is not None}
    for i, row in ctx.enum(CD):
        date = v(row, "DateOfInitialCPC")
        if date is not None and (*_episode(row), date) in in_s47:
            yield Finding(CD, i, "DateOfInitialCPC", date)
