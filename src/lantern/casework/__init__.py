"""Casework: child-level views of the warehouse for people who work with children.

A child's chronology, current status and allocation history; teams, workers and
caseloads; which team (and so which service) a child belongs to for access checks.
Plain SQL over the canonical tables (DuckDB); nothing here computes an indicator.
"""

from lantern.casework.caseload import (
    CaseChild,
    Team,
    Worker,
    children_of,
    team,
    team_services,
    teams,
    worker,
    worker_changes,
    workers,
)
from lantern.casework.child import (
    Allocation,
    ChildRecord,
    child_record,
    child_records,
    statuses_on,
)
from lantern.casework.chronology import CATEGORIES, Event, chronology, prepare_chronology
from lantern.casework.dates import data_date
from lantern.casework.scope import ChildScope, child_scope, scope_map

__all__ = [
    "CATEGORIES",
    "Allocation",
    "CaseChild",
    "ChildRecord",
    "ChildScope",
    "Event",
    "Team",
    "Worker",
    "child_record",
    "child_records",
    "child_scope",
    "children_of",
    "chronology",
    "data_date",
    "prepare_chronology",
    "scope_map",
    "statuses_on",
    "team",
    "team_services",
    "teams",
    "worker",
    "worker_changes",
    "workers",
]
