"""DfE CIN census rules on spells that must not overlap: CIN episodes, CIN plans, child
protection plans and section 47 enquiries, and CIN plans beside CP plans.

A spell with no end runs to the ReferenceDate. Each rule says, after DfE's text, whether a
spell's last day is inside it: where the text allows one to start the day another ends
("unless ... equal to the end date"), the end is outside.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date

from lantern.ingest.rules.cin._base import F, census_period
from lantern.ingest.rules.cin.tables import CHILD_INDEX, CIN_INDEX, CPP_INDEX
from lantern.ingest.rules.common import claim, is_false, is_true, v
from lantern.ingest.rules.engine import Context, Finding, rule

CD, PLANS, CPP, S47, RV = ("CINdetails", "CINplanDates", "ChildProtectionPlans", "Section47",
                           "Reviews")
Spell = tuple[int, date, date | None]  # row, start, end (None: to the ReferenceDate)

claim(F, PLANS, "CINPlanStartDate", "blank")  # 4010


def _groups(ctx: Context, table: str, key: str) -> Iterator[list[int]]:
    return iter(ctx.by_child(table, key).values())


def _spells(ctx: Context, table: str, start: str, end: str, rows: list[int]) -> list[Spell]:
    s_, e_ = ctx.dates(table, start), ctx.dates(table, end)
    return [(i, s, e_[i]) for i in rows if (s := s_[i]) is not None]


def _inside(d: date, spell: Spell, ref: date, last_day_in: bool) -> bool:
    _, start, end = spell
    if end is None:
        return start <= d <= ref
    return start <= d <= end if last_day_in else start <= d < end


def _starts_inside_another(ctx: Context, table: str, start: str, end: str, key: str,
                           last_day_in: bool,
                           counts: Callable[[int], bool] = lambda i: True) -> Iterator[Finding]:
    """Rows of `table` whose start falls inside another row's spell with the same `key`."""
    period = census_period(ctx)
    if period is None:
        return
    for rows in _groups(ctx, table, key):
        spells = _spells(ctx, table, start, end, rows)
        others = [s for s in spells if counts(s[0])]
        for i, s, _ in spells:
            if any(o[0] != i and _inside(s, o, period[1], last_day_in) for o in others):
                yield Finding(table, i, start, ctx.value(table, i, start))


@rule(id="cin:4014", dfe_code="4014", format=F, severity="error",
      message="CIN Plan data contains overlapping dates",
      fields=["CINPlanStartDate", "CINPlanEndDate"], tables=[PLANS],
      expected="each CIN plan starting after the child's other CIN plans ended")
def cin_plans_overlap(ctx: Context) -> Iterable[Finding]:
    return _starts_inside_another(ctx, PLANS, "CINPlanStartDate", "CINPlanEndDate",
                                  CHILD_INDEX, last_day_in=True)


@rule(id="cin:8940", dfe_code="8940", format=F, severity="error",
      message="Child Protection Plan data contains overlapping dates",
      fields=["CPPstartDate", "CPPendDate"], tables=[CPP],
      expected="each CP plan starting after the child's other CP plans ended")
def cp_plans_overlap(ctx: Context) -> Iterable[Finding]:
    return _starts_inside_another(ctx, CPP, "CPPstartDate", "CPPendDate", CHILD_INDEX,
                                  last_day_in=True)


@rule(id="cin:8820", dfe_code="8820", format=F, severity="error",
      message="The dates on the CIN episodes for this child overlap",
      fields=["CINreferralDate", "CINclosureDate", "ReferralNFA"], tables=[CD],
      expected="each referral on or after the day the child's other episodes closed")
def episodes_overlap(ctx: Context) -> Iterable[Finding]:
    # An open episode runs to the ReferenceDate only if it is not a referral with no
    # further action; one episode may start the day another closed (DfE's note).
    def counts(i: int) -> bool:
        row = ctx.rows(CD)[i]
        return v(row, "CINclosureDate") is not None or is_false(row.get("ReferralNFA"))

    return _starts_inside_another(ctx, CD, "CINreferralDate", "CINclosureDate", CHILD_INDEX,
                                  last_day_in=False, counts=counts)


@rule(id="cin:8890", dfe_code="8890", format=F, severity="error",
      message="A Section 47 enquiry is shown as starting when there is another Section 47 "
              "Enquiry ongoing", fields=["S47ActualStartDate", "DateOfInitialCPC",
                                         "ICPCnotRequired"], tables=[S47],
      expected="each section 47 enquiry starting after the episode's other enquiries reached "
               "their initial conference")
def enquiries_overlap(ctx: Context) -> Iterable[Finding]:
    # another enquiry runs to its conference, or (none held, one still needed) to the
    # ReferenceDate; one that needed no conference is not ongoing
    def counts(i: int) -> bool:
        row = ctx.rows(S47)[i]
        return v(row, "DateOfInitialCPC") is not None or not is_true(row.get("ICPCnotRequired"))

    return _starts_inside_another(ctx, S47, "S47ActualStartDate", "DateOfInitialCPC",
                                  CIN_INDEX, last_day_in=True, counts=counts)


def _plan_inside_plan(ctx: Context, table: str, start: str, other: str, o_start: str,
                      o_end: str) -> Iterator[Finding]:
    """Rows of `table` starting inside a spell of `other` of the same child; a start on
    the other's end date is allowed (DfE 4016, 4017)."""
    period = census_period(ctx)
    if period is None:
        return
    others = ctx.by_child(other, CHILD_INDEX)
    for child, rows in ctx.by_child(table, CHILD_INDEX).items():
        spells = _spells(ctx, other, o_start, o_end, others.get(child, []))
        for i, s, _ in _spells(ctx, table, start, start, rows):
            if any(_inside(s, o, period[1], last_day_in=False) for o in spells):
                yield Finding(table, i, start, ctx.value(table, i, start))


@rule(id="cin:4016", dfe_code="4016", format=F, severity="error",
      message="A CIN Plan has been reported as open at the same time as a Child Protection "
              "Plan.", fields=["CINPlanStartDate", "CPPstartDate", "CPPendDate"],
      tables=[PLANS, CPP],
      expected="a CIN plan starting outside the child's CP plans (on the day one ends at "
               "the earliest)")
def cin_plan_during_cp_plan(ctx: Context) -> Iterable[Finding]:
    return _plan_inside_plan(ctx, PLANS, "CINPlanStartDate", CPP, "CPPstartDate", "CPPendDate")


@rule(id="cin:4017", dfe_code="4017", format=F, severity="error",
      message="A CIN Plan has been reported as open at the same time as a Child Protection "
              "Plan.", fields=["CPPstartDate", "CINPlanStartDate", "CINPlanEndDate"],
      tables=[CPP, PLANS],
      expected="a CP plan starting outside the child's CIN plans (on the day one ends at "
               "the earliest)")
def cp_plan_during_cin_plan(ctx: Context) -> Iterable[Finding]:
    return _plan_inside_plan(ctx, CPP, "CPPstartDate", PLANS, "CINPlanStartDate",
                             "CINPlanEndDate")


@rule(id="cin:4001", dfe_code="4001", format=F, severity="error",
      message="A CIN Plan cannot run concurrently with a Child Protection Plan",
      fields=["CINPlanEndDate", "CPPendDate"], tables=[PLANS, CPP],
      expected="no open CIN plan (no CINPlanEndDate) in an episode with an open CP plan")
def open_cin_and_cp_plan(ctx: Context) -> Iterable[Finding]:
    open_cp = {v(r, CIN_INDEX) for r in ctx.rows(CPP) if v(r, "CPPendDate") is None}
    for i, row in ctx.enum(PLANS):
        if v(row, "CINPlanEndDate") is None and v(row, CIN_INDEX) in open_cp \
                and v(row, "CINPlanStartDate") is not None:
            yield Finding(PLANS, i, "CINPlanEndDate", None)


@rule(id="cin:4003", dfe_code="4003", format=F, severity="error",
      message="A CPP review date is shown as being held at the same time as an open CIN Plan.",
      fields=["CPPreviewDate", "CINPlanStartDate", "CINPlanEndDate", "CPPendDate"],
      tables=[RV, PLANS, CPP],
      expected="CP reviews outside the episode's CIN plans, unless the review ended the CP "
               "plan")
def review_during_cin_plan(ctx: Context) -> Iterable[Finding]:
    period = census_period(ctx)
    if period is None:
        return
    plans: dict[str | None, list[Spell]] = defaultdict(list)
    for rows in _groups(ctx, PLANS, CIN_INDEX):
        for spell in _spells(ctx, PLANS, "CINPlanStartDate", "CINPlanEndDate", rows):
            plans[ctx.value(PLANS, spell[0], CIN_INDEX)].append(spell)
    cp = {k: rows[0] for k, rows in ctx.by_child(CPP, CPP_INDEX).items()}
    ended = ctx.dates(CPP, "CPPendDate")
    for i, r in enumerate(ctx.dates(RV, "CPPreviewDate")):
        p = cp.get(ctx.value(RV, i, CPP_INDEX) or "")
        if r is None or (p is not None and ended[p] == r):
            continue
        if any(_inside(r, s, period[1], last_day_in=False)
               for s in plans.get(ctx.value(RV, i, CIN_INDEX), [])):
            yield Finding(RV, i, "CPPreviewDate", ctx.value(RV, i, "CPPreviewDate"))


@rule(id="cin:8839", dfe_code="8839", format=F, severity="error",
      message="Within one CINDetails group there are 2 or more open S47 Assessments",
      fields=["DateOfInitialCPC", "ICPCnotRequired"], tables=[S47],
      expected="at most one section 47 enquiry per episode still waiting for its initial "
               "conference")
def two_open_enquiries(ctx: Context) -> Iterable[Finding]:
    for rows in _groups(ctx, S47, CIN_INDEX):
        waiting = [i for i in rows if ctx.value(S47, i, "DateOfInitialCPC") is None
                   and not is_true(ctx.rows(S47)[i].get("ICPCnotRequired"))]
        if len(waiting) > 1:
            for i in waiting:
                yield Finding(S47, i, "DateOfInitialCPC", None)


@rule(id="cin:8816", dfe_code="8816", format=F, severity="error",
      message="An open CIN episode is shown and case is not a referral with no further "
              "action, but it is not the latest episode.",
      fields=["CINreferralDate", "CINclosureDate", "ReferralNFA"], tables=[CD],
      expected="the child's open episode (not a referral with no further action) the one "
               "with the latest referral date")
def open_episode_not_latest(ctx: Context) -> Iterable[Finding]:
    referred = ctx.dates(CD, "CINreferralDate")
    for rows in _groups(ctx, CD, CHILD_INDEX):
        latest = max((d for i in rows if (d := referred[i]) is not None), default=None)
        for i in rows:
            row, r = ctx.rows(CD)[i], referred[i]
            if (latest is not None and r is not None and r < latest
                    and v(row, "CINclosureDate") is None and is_false(row.get("ReferralNFA"))):
                yield Finding(CD, i, "CINreferralDate", v(row, "CINreferralDate"))
