"""What an indicator's rows are: children, or workers, households, referrals, ...

Most indicators count children (or their events). The thematic ones also count social
workers (workforce), fostering households, MARAC and LADO referrals, private fostering
arrangements and presentations of homeless 16/17-year-olds. An indicator declares its
``subject`` (`Indicator.subject`); a subject says

- how its rows are named on a screen (``label``, ``plural``);
- which breakdowns make sense for it (its indicators' default ``breakdowns``): the
  shared ones (authority, team, the child's characteristics, ...) and its *own*
  (``own``): breakdowns by an attribute of the row's record in its local table — a
  fostering household's type, a LADO referral's employer sector, a MARAC referral's
  referring agency (`RecordBreakdown`: the value is the record's column, joined on
  ``subject_id``; these attributes do not change over time, so the record's value
  stands at every date);
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
join on ``subject_id``, reading `lantern.facts`) and its ``detail_columns``. To break a
subject down by an attribute of its own record, declare a `RecordBreakdown` (id, the
label people read, table, key, column) in its ``own``: the engine, the store, the
drill-down, the labels and `lantern kpis --by` follow from the declaration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import ibis
import ibis.expr.types as ir

from lantern import facts
from lantern.facts._base import Source
from lantern.model import label as code_label
from lantern.model import table as model_table

#: Breakdowns of any row, by where and with whom it is (and for a child, who they are).
SHARED_BREAKDOWNS = ("authority", "service", "team", "worker", "age_band", "sex",
                     "ethnicity", "disability")
#: Breakdowns of rows that belong to a team but not to a child.
TEAM_BREAKDOWNS = ("authority", "service", "team")

DetailsFn = Callable[[Source, ir.Table], ir.Table]


@dataclass(frozen=True)
class RecordBreakdown:
    """A breakdown by an attribute of the row's own record (not of a child): the value
    of ``column`` in the local ``table`` whose ``key`` is the row's ``subject_id``.
    The values are the column's codes (its code set in `model/tables.yml`); screens
    read them by their labels (`value_label`)."""

    id: str
    label: str
    table: str
    key: str
    column: str

    @property
    def code_set(self) -> str | None:
        return next(c.codes for c in model_table(self.table).columns if c.name == self.column)

    def value_label(self, value: str | None) -> str:
        """A value as people read it ("connected" -> "Connected person")."""
        return code_label(self.code_set, value) if self.code_set else (value or "")


HOUSEHOLD_TYPE = RecordBreakdown("household_type", "Household type",
                                 "lantern_foster_households", "fhh_household_id",
                                 "fhh_household_type")
EMPLOYER_SECTOR = RecordBreakdown("employer_sector", "Employer sector",
                                  "lantern_lado_referrals", "lado_referral_id",
                                  "lado_employer_sector")
REFERRING_AGENCY = RecordBreakdown("referring_agency", "Referring agency",
                                   "lantern_marac_referrals", "mara_referral_id",
                                   "mara_referring_agency")


@dataclass(frozen=True)
class Subject:
    """What one row of an indicator is (see the module docstring)."""

    id: str
    label: str
    plural: str
    shared: tuple[str, ...]
    attributed_to: Literal["child", "worker", "team"] = "child"
    detail_columns: tuple[str, ...] = ()
    details: DetailsFn | None = None
    own: tuple[RecordBreakdown, ...] = ()

    @property
    def breakdowns(self) -> tuple[str, ...]:
        """The breakdowns that make sense for the subject's rows: shared, then own."""
        return (*self.shared, *(b.id for b in self.own))


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
    Subject("child", "child", "children", SHARED_BREAKDOWNS),
    Subject("worker", "social worker", "social workers", TEAM_BREAKDOWNS,
            attributed_to="worker", detail_columns=WORKER_COLUMNS, details=worker_details),
    Subject("team", "team", "teams", TEAM_BREAKDOWNS, attributed_to="team"),
    Subject("household", "fostering household", "fostering households", ("authority",),
            own=(HOUSEHOLD_TYPE,)),
    Subject("marac_referral", "MARAC referral", "MARAC referrals", ("authority",),
            own=(REFERRING_AGENCY,)),
    Subject("lado_referral", "LADO referral", "LADO referrals", ("authority",),
            own=(EMPLOYER_SECTOR,)),
    Subject("arrangement", "private fostering arrangement",
            "private fostering arrangements", SHARED_BREAKDOWNS),
    Subject("presentation", "presentation", "presentations", SHARED_BREAKDOWNS),
)}

#: Breakdowns by an attribute of a subject's own record, by id (each declared once).
RECORD_BREAKDOWNS: dict[str, RecordBreakdown] = {
    b.id: b for s in SUBJECTS.values() for b in s.own}
#: Every breakdown, in the order screens show them.
BREAKDOWNS = (*SHARED_BREAKDOWNS, *RECORD_BREAKDOWNS)


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

