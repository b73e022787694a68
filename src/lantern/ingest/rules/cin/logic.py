"""Lantern's own cross-field checks on the CIN census (plausibility: warnings)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from lantern.ingest.rules.cin._base import F
from lantern.ingest.rules.cin.tables import CHILD_INDEX, CPP_INDEX
from lantern.ingest.rules.common import v
from lantern.ingest.rules.engine import Context, Finding, rule


@rule(id="lantern:cpp-review-after-plan", format=F, severity="warning", family="logic",
      message="A child protection review date falls after its plan ended.",
      fields=["CPPreviewDate", "CPPendDate"], tables=["Reviews", "ChildProtectionPlans"],
      expected="CPPreviewDate on or before CPPendDate (a review on or before the start is "
               "DfE 8841)")
def review_after_plan(ctx: Context) -> Iterable[Finding]:
    plans = {k: rows[0] for k, rows in ctx.by_child("ChildProtectionPlans", CPP_INDEX).items()}
    e_ = ctx.dates("ChildProtectionPlans", "CPPendDate")
    for i, d in enumerate(ctx.dates("Reviews", "CPPreviewDate")):
        p = plans.get(ctx.value("Reviews", i, CPP_INDEX) or "")
        e = e_[p] if p is not None else None
        if d is not None and e is not None and d > e:
            yield Finding("Reviews", i, "CPPreviewDate", ctx.value("Reviews", i, "CPPreviewDate"))


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
