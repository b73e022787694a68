"""Derived facts: the named Ibis expressions every layer reads.

Each fact is defined once, here, with its definition in its docstring, and is read by
the indicators (`lantern.measures`), alerts, casework screens, scope checks and the
export writers; none of them re-derives it. Every fact runs on DuckDB and on Spark
(Ibis), on one date or on a table of dates (the indicator engine's month ends).

| fact | module | what it is |
|---|---|---|
| `allocations(src, on)` | `allocation` | child -> allocated social worker, team (one tie-break) |
| `allocation_at(src, rows, ...)` | `allocation` | the same rule on each row's own date |
| `last_allocations(src, on)` | `allocation` | the allocation, or the latest before the date |
| `caseloads(src, on)` | `allocation` | children per worker (social workers, personal advisers) |
| `case_holders(src, on)` | `allocation` | workers in post with a caseload of at least 1 |
| `professionals(src)` | `allocation` | each worker's name, team, service, FTE, agency, dates |
| `teams(src)` | `allocation` | each team and its service (the team's parent) |
| `workers_in_post(src, on)` | `allocation` | professionals in post on a date |
| `is_social_worker(title, titles)` | `allocation` | a job title among the social-work titles |
| `periods_of_care(src)` | `care` | one row per period of care, start and end |
| `looked_after(src, on)` | `care` | children looked after on a date, current episode |
| `cp_plans_open(src, on)` | `plans` | children on a child protection plan on a date |
| `cin_open(src, on)` | `plans` | children in need on a date |
| `compulsory_school_age(src, on)` | `school` | children of compulsory school age on a date |

``src`` is a `Source`: the indicator engine's context, or `Warehouse(con)` over an Ibis
backend or a DuckDB connection.

How to add a fact
-----------------

1. Check the table above: a fact that exists is read, never re-derived (``grep`` for
   its name should find one definition).
2. Write it in the module of its subject as an Ibis expression (no SQL strings) taking
   ``src`` and, if it holds on a date, ``on`` and ``as_of``; evaluate "open on a date"
   with `_base.at_dates` (started on or before it, not ended before it) and break ties
   with one declared order (`first_per`). Its docstring gives the definition and its
   source (KPIS.md, DfE guidance) and says why where a choice was made.
3. Add it to the table above and to ``__all__``, and hand-worked cases to
   ``tests/test_facts.py``: ties, a change on the date, an interval ending on the date,
   month ends and leap years.
"""

from lantern.facts._base import FAR_FUTURE, ON, Source, Warehouse, records, source
from lantern.facts.allocation import (
    CASE_ROLES,
    PERSONAL_ADVISER,
    SOCIAL_WORKER,
    allocation_at,
    allocations,
    case_holders,
    caseloads,
    involvements,
    is_social_worker,
    last_allocations,
    open_involvements,
    professionals,
    teams,
    workers_in_post,
)
from lantern.facts.care import episodes, looked_after, periods_of_care
from lantern.facts.plans import cin_open, cp_plans_open
from lantern.facts.school import compulsory_school_age, of_compulsory_school_age, school_age_from

__all__ = [
    "CASE_ROLES", "FAR_FUTURE", "ON", "PERSONAL_ADVISER", "SOCIAL_WORKER", "Source",
    "Warehouse", "allocation_at", "allocations", "case_holders", "caseloads", "cin_open",
    "compulsory_school_age", "cp_plans_open", "episodes", "involvements",
    "is_social_worker", "last_allocations", "looked_after", "of_compulsory_school_age",
    "open_involvements", "periods_of_care", "professionals", "records", "school_age_from",
    "source", "teams", "workers_in_post",
]
