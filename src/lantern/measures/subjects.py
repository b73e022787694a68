"""What an indicator's rows are: children, or workers, households, referrals, ...

Most indicators count children (or their events). The thematic ones also count social
workers (workforce), fostering households, MARAC and LADO referrals, private fostering
arrangements and presentations of homeless 16/17-year-olds. An indicator declares its
``subject`` (`Indicator.subject`); a subject says

- how its rows are named on a screen (``label``, ``plural``);
- which breakdowns make sense for it (its indicators' default ``breakdowns``);
- how a row is attributed to a worker, team and service (``attributed_to``): ``child``
  — the social worker allocated to the row's child on the row's deciding date (KPIS.md
  "Breakdowns"; a row without a child is "no allocated worker"); ``worker`` — the row
  *is* a worker, in their own team (``prof_professional_department``, its service the
  team's parent: `lantern.facts.professionals`); ``team`` — the row is a team (a
  team's vacancies);
- what the drill-down lists about each row beyond the standard columns
  (``detail_columns``, filled by ``details``).

Every row carries ``subject_id`` (the worker, household, referral, ... — for a child
subject the child) and ``child_id`` (the child the row is about, or null: a worker or a
household is not a child's record, and only child ids are access-logged or listed as
"the children behind" a figure).

How to add a subject: declare it in `SUBJECTS` with its breakdowns and, if the
drill-down should list more than the standard columns, a ``details`` function (an Ibis
join on ``subject_id``, reading `lantern.facts`) and its ``detail_columns``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import ibis
import ibis.expr.types as ir

from lantern import facts
from lantern.facts._base import Source

#: Every breakdown, in the order screens show them.
BREAKDOWNS = ("authority", "service", "team", "worker", "age_band", "sex", "ethnicity",
              "disability")
#: Breakdowns of rows that belong to a team but not to a child.
TEAM_BREAKDOWNS = ("authority", "service", "team")

DetailsFn = Callable[[Source, ir.Table], ir.Table]


@dataclass(frozen=True)
class Subject:
    """What one row of an indicator is (see the module docstring)."""

    id: str
    label: str
    plural: str
    breakdowns: tuple[str, ...]
    attributed_to: Literal["child", "worker", "team"] = "child"
    detail_columns: tuple[str, ...] = ()
    details: DetailsFn | None = None


def worker_details(src: Source, rows: ir.Table) -> ir.Table:
    """Rows (``subject_id`` a worker, ``event_date``) with the worker's name, job title,
    social-work caseload on the row's date (`facts.caseloads`, 0 when none), FTE, agency
    flag and dates in post (`facts.professionals`)."""
    p = facts.professionals(src).select(
        _wid="worker_id", worker_name="worker_name", job_title="job_title", fte="fte",
        agency="agency", start_date="start_date", end_date="end_date")
    j = rows.left_join(p, rows.subject_id == p._wid).drop("_wid")
    on = rows.select(_on="event_date").distinct()
    loads = facts.caseloads(src, on, roles=(facts.SOCIAL_WORKER,), as_of="_on")
    loads = loads.select(_lw="worker_id", _lon="_on", caseload="caseload")
    j = j.left_join(loads, (j.subject_id == loads._lw) & (j.event_date == loads._lon))
    return j.drop("_lw", "_lon").mutate(caseload=lambda t: t.caseload.fill_null(0))


WORKER_COLUMNS = ("worker_name", "job_title", "caseload", "fte", "agency", "start_date",
                  "end_date")

SUBJECTS: dict[str, Subject] = {s.id: s for s in (
    Subject("child", "child", "children", BREAKDOWNS),
    Subject("worker", "social worker", "social workers", TEAM_BREAKDOWNS,
            attributed_to="worker", detail_columns=WORKER_COLUMNS, details=worker_details),
    Subject("team", "team", "teams", TEAM_BREAKDOWNS, attributed_to="team"),
    Subject("household", "fostering household", "fostering households", ("authority",)),
    Subject("referral", "referral", "referrals", ("authority",)),
    Subject("arrangement", "private fostering arrangement",
            "private fostering arrangements", BREAKDOWNS),
    Subject("presentation", "presentation", "presentations", BREAKDOWNS),
)}


def subject_of(subject_id: str) -> Subject:
    try:
        return SUBJECTS[subject_id]
    except KeyError:
        raise KeyError(f"unknown subject {subject_id!r}; choose from "
                       f"{', '.join(SUBJECTS)}") from None


def with_details(src: Source, rows: ir.Table, subject: Subject) -> ir.Table:
    """``rows`` with the subject's detail columns (none for a child)."""
    if subject.details is None:
        return rows
    return subject.details(src, rows)


def own_teams(src: Source) -> ir.Table:
    """(``_ot_kind`` 'worker' or 'team', ``_ot_id``) -> ``_ot_team``, ``_ot_service``:
    a worker's own team and its service, a team and its service — for breakdowns of
    rows attributed to a worker or a team."""
    p = facts.professionals(src)
    workers = p.select(_ot_kind=ibis.literal("worker"), _ot_id=p.worker_id.cast("string"),
                       _ot_team=p.team_id.cast("string"),
                       _ot_service=p.service_id.cast("string"))
    t = facts.teams(src)
    teams = t.select(_ot_kind=ibis.literal("team"), _ot_id=t.team_id.cast("string"),
                     _ot_team=t.team_id.cast("string"),
                     _ot_service=t.service_id.cast("string"))
    return ibis.union(workers, teams, distinct=False)


def attribution(subject: ir.StringValue) -> ir.StringValue:
    """How rows of each subject are attributed: 'child', 'worker' or 'team'."""
    return ibis.cases(*((subject == s.id, s.attributed_to) for s in SUBJECTS.values()),
                      else_="child")

