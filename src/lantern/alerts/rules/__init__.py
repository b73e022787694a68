"""The declared alert rules, one module per family. Add a rule by copying a neighbour
and listing it in its module's ``RULES``; the engine (`lantern.alerts.run`) never changes."""

from __future__ import annotations

from ..model import AlertRule
from . import reviews, timescales, trackers, visits, workforce

RULES: tuple[AlertRule, ...] = (
    *visits.RULES, *reviews.RULES, *timescales.RULES, *trackers.RULES, *workforce.RULES,
)


def rule(rule_id: str) -> AlertRule:
    for r in RULES:
        if r.id == rule_id:
            return r
    raise KeyError(f"no alert rule {rule_id!r}")


__all__ = ["RULES", "rule"]
