"""Tracker items overdue for so long that the record, not the work, is likely wrong.

A tracker ("consider for a long-term match", "permanence plan agreed") overdue by
years is almost always a missing or mis-keyed date in the extract, not a child waiting:
on a work list such items would top every list and bury this week's visits. Past a
horizon (working days overdue, configurable) they are grouped as "data to check".
"""

from __future__ import annotations

from lantern.alerts.model import AlertItem
from lantern.alerts.rules import RULES

#: Working days overdue after which a tracker item is treated as data to check
#: (130 working days: about six months).
DEFAULT_HORIZON_WD = 130
_FAMILIES = {r.id: r.family for r in RULES}


def data_to_check(item: AlertItem, horizon_wd: int = DEFAULT_HORIZON_WD) -> bool:
    """Is ``item`` a tracker item overdue by more than ``horizon_wd`` working days?"""
    return _FAMILIES.get(item.rule_id) == "trackers" and item.days_overdue > horizon_wd
