"""Lantern's own cross-field checks on the CIN census (plausibility: warnings)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from lantern.ingest.rules.cin._base import F, before_referral
from lantern.ingest.rules.cin.tables import CHILD_INDEX, CPP_INDEX
from lantern.ingest.rules.common import v
from lantern.ingest.rules.engine import Context, Finding, rule


def _ends_before_starts(ctx: Context, table: str, start: str, end: str) -> Iterable[Finding]:
    s_, e_ = ctx.dates(table, start), ctx.dates(table, end)
    for i in range(len(s_)):
        s, e = s_[i], e_[i]
        if s is not None and e is not None and e < s:
            yield Finding(table, i, end, ctx.value(table, i, end))


@rule(id="lantern:cpp-end-before-start", format=F, severity="warning", family="logic",
      message="The child protection plan ends before it starts.",
      fields=["CPPstartDate", "CPPendDate"], tables=["ChildProtectionPlans"],
      expected="CPPendDate after CPPstartDate")
def cpp_ends_early(ctx: Context) -> Iterable[Finding]:
    return _ends_before_starts(ctx, "ChildProtectionPlans", "CPPstartDate", "CPPendDate")


@rule(id="lantern:cin-plan-end-before-start", format=F, severity="warning", family="logic",
      message="The CIN plan ends before it starts.", fields=["CINPlanStartDate", "CINPlanEndDate"],
      tables=["CINplanDates"], expected="CINPlanEndDate on or after CINPlanStartDate")
def cin_plan_ends_early(ctx: Context) -> Iterable[Finding]:
    return _ends_before_starts(ctx, "CINplanDates", "CINPlanStartDate", "CINPlanEndDate")


@rule(id="lantern:icpc-before-s47", format=F, severity="warning", family="logic",
      message="The initial child protection conference is dated before its section 47 enquiry "
              "started.", fields=["S47ActualStartDate", "DateOfInitialCPC"], tables=["Section47"],
      expected="DateOfInitialCPC on or after S47ActualStartDate")
def icpc_before_s47(ctx: Context) -> Iterable[Finding]:
    return _ends_before_starts(ctx, "Section47", "S47ActualStartDate", "DateOfInitialCPC")


@rule(id="lantern:cpp-review-outside-plan", format=F, severity="warning", family="logic",
      message="A child protection review date falls outside its plan.",
      fields=["CPPreviewDate", "CPPstartDate", "CPPendDate"],
      tables=["Reviews", "ChildProtectionPlans"],
      expected="CPPreviewDate on or after CPPstartDate and on or before CPPendDate (if ended)")
def review_outside_plan(ctx: Context) -> Iterable[Finding]:
    plans = {k: rows[0] for k, rows in ctx.by_child("ChildProtectionPlans", CPP_INDEX).items()}
    s_ = ctx.dates("ChildProtectionPlans", "CPPstartDate")
    e_ = ctx.dates("ChildProtectionPlans", "CPPendDate")
    for i, d in enumerate(ctx.dates("Reviews", "CPPreviewDate")):
        p = plans.get(ctx.value("Reviews", i, CPP_INDEX) or "")
        if p is None or d is None:
            continue
        s, e = s_[p], e_[p]
        if (s is not None and d < s) or (e is not None and d > e):
            yield Finding("Reviews", i, "CPPreviewDate", ctx.value("Reviews", i, "CPPreviewDate"))


@rule(id="lantern:cin-plan-before-referral", format=F, severity="warning", family="logic",
      message="A CIN plan starts before its CIN episode's referral date.",
      fields=["CINPlanStartDate", "CINreferralDate"], tables=["CINplanDates", "CINdetails"],
      expected="CINPlanStartDate on or after the episode's CINreferralDate")
def plan_before_referral(ctx: Context) -> Iterable[Finding]:
    # The DfE codes the same test for assessments (1103), section 47 enquiries (2889),
    # conferences (1104) and CP plans (1105); CIN plans have no DfE rule, so this is ours.
    return before_referral(ctx, "CINplanDates", "CINPlanStartDate")


@rule(id="lantern:cin-episodes-overlap", format=F, severity="warning", family="logic",
      message="Two CIN episodes of the same child overlap.",
      fields=["CINreferralDate", "CINclosureDate"], tables=["CINdetails"],
      expected="each referral after the child's previous episode closed")
def episodes_overlap(ctx: Context) -> Iterable[Finding]:
    ref, close = ctx.dates("CINdetails", "CINreferralDate"), ctx.dates("CINdetails",
                                                                       "CINclosureDate")
    for rows in ctx.by_child("CINdetails", CHILD_INDEX).values():
        ordered = sorted((i for i in rows if ref[i] is not None), key=lambda i: (ref[i], i))
        for prev, nxt in itertools.pairwise(ordered):
            end, start = close[prev], ref[nxt]
            assert start is not None
            if end is None or start < end:
                yield Finding("CINdetails", nxt, "CINreferralDate",
                              v(ctx.rows("CINdetails")[nxt], "CINreferralDate"))
