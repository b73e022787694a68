"""Lantern's own cross-field checks on the CIN census (plausibility: warnings)."""

from __future__ import annotations

from collections.abc import Iterable

from lantern.ingest.rules.cin._base import F
from lantern.ingest.rules.cin.tables import CPP_INDEX
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
