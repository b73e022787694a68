"""The declared alert rules, one module per family; the engine (`lantern.alerts.run`)
never changes when one is added.

How to add an alert rule
------------------------

1. Pick the family's module (`visits`, `reviews`, `timescales`, `trackers`,
   `workforce`) and write ``due(con, on, params) -> list[DueRow]``: the requirements
   outstanding on ``on`` for every child at once (one query; ``$on`` is the run date),
   each with its due date and a one-line basis ("plan start 2 Feb 2024 + 3 months").
   Read the derived facts rather than re-deriving them: a query that selects from
   ``open_cla`` reads the children looked after on the date (`lantern.facts`), and
   school age, allocation and periods of care come from there too.
2. Declare the `AlertRule` right below the function: id, family, title, population,
   ``due`` (the sentence saying how the due date is computed), the tables it
   ``requires``, its ``params`` (every window or interval is a named parameter, so
   an authority can change it in its alerts YAML), lead times and escalation if they
   differ from the defaults, and who must act.
3. List it in the module's ``RULES``.
4. Add a test to ``tests/test_alerts_<family>.py`` with the expected due date worked
   out by hand in a comment (weekends, bank holidays, month ends), and regenerate
   ``docs/alerts.md`` with ``make docs``.
"""

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
