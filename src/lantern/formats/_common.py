"""Helpers the statutory writers share: row access, date windows, allocation.

Nothing here knows a return's names or layout; each format module owns its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Any

import ibis
import pyarrow as pa
from dateutil.relativedelta import relativedelta

Dataset = dict[str, pa.Table]
Row = dict[str, Any]


_SHARED: ContextVar[dict[int, tuple[pa.Table, list[Row]]] | None] = ContextVar(
    "shared_rows", default=None)


@contextmanager
def shared_rows() -> Iterator[None]:
    """Within this block `rows` converts each table once and hands every caller the
    same rows: writing eleven collection years converted the same tables eleven times
    (a third of `lantern generate`). The writers only add derived keys to a row (e.g.
    ``_referral``), computed from the data alone, so sharing them changes no output."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def rows(data: Dataset, table: str) -> list[Row]:
    """The rows of a canonical table as dicts (an absent table has none). Treat the
    list as read-only: inside `shared_rows` other callers receive the same one."""
    arrow = data.get(table)
    if arrow is None:
        return []
    shared = _SHARED.get()
    if shared is None:
        return arrow.to_pylist()
    hit = shared.get(id(arrow))
    if hit is None or hit[0] is not arrow:  # keyed by identity; the table is kept alive
        hit = shared[id(arrow)] = (arrow, arrow.to_pylist())
    return hit[1]


def group_by(items: Iterable[Row], key: str) -> dict[Any, list[Row]]:
    out: dict[Any, list[Row]] = defaultdict(list)
    for item in items:
        if item.get(key) is not None:
            out[item[key]].append(item)
    return out


def index_by(items: Iterable[Row], key: str) -> dict[Any, Row]:
    return {item[key]: item for item in items if item.get(key) is not None}


def collection_window(collection_year: int) -> tuple[date, date]:
    """1 April to 31 March of the statutory year that ends in `collection_year`."""
    return date(collection_year - 1, 4, 1), date(collection_year, 3, 31)


def overlaps(start: date | None, end: date | None, lo: date, hi: date) -> bool:
    """Open at some point in [lo, hi]: started by hi and not ended before lo."""
    return start is not None and start <= hi and (end is None or end >= lo)


def within(d: date | None, lo: date, hi: date) -> bool:
    return d is not None and lo <= d <= hi


def as_at(d: date | None, ref: date) -> date | None:
    """A date as it was known on `ref`: later dates had not happened yet."""
    return d if d is not None and d <= ref else None


def age_on(dob: date | None, on: date) -> int | None:
    return relativedelta(on, dob).years if dob is not None else None


def latest(items: Iterable[Row], key: str, on: date | None = None) -> Row | None:
    """The item with the latest `key` date (on or before `on` when given)."""
    dated = [i for i in items if i.get(key) is not None and (on is None or i[key] <= on)]
    return max(dated, key=lambda i: i[key]) if dated else None


def earliest(items: Iterable[Row], key: str) -> Row | None:
    dated = [i for i in items if i.get(key) is not None]
    return min(dated, key=lambda i: i[key]) if dated else None


class Allocations:
    """Who held a child's case on a date: the involvement of ``role`` open on it, chosen
    by the allocation rule of `lantern.facts.allocation` (its involvements, read through
    the facts layer, tried in its tie-break order: latest start, then highest id)."""

    def __init__(self, data: Dataset, role: str = "SW") -> None:
        self._by_person = group_by(_ranked_involvements(data, role), "invo_person_id")
        self._teams = {
            r["dept_team_id"]: r["dept_team_name"] or r["dept_team_id"]
            for r in rows(data, "ssd_department")
        }
        self._workers = {
            r["prof_professional_id"]: r["prof_professional_name"] or r["prof_professional_id"]
            for r in rows(data, "ssd_professionals")
        }

    def involvement(self, person: str, on: date) -> Row | None:
        """The first involvement open on ``on`` in the tie-break order."""
        return next((r for r in self._by_person.get(person, [])
                     if overlaps(r["invo_involvement_start_date"],
                                 r["invo_involvement_end_date"], on, on)), None)

    def periods(self, person: str) -> list[Row]:
        return sorted(
            self._by_person.get(person, []),
            key=lambda r: (r["invo_involvement_start_date"] or date.min),
        )

    def team_name(self, team_id: str | None) -> str | None:
        return self._teams.get(team_id, team_id) if team_id else None

    def worker_name(self, worker_id: str | None) -> str | None:
        return self._workers.get(worker_id, worker_id) if worker_id else None

    def team_and_worker(
        self, person: str, on: date, team: str | None = None, worker: str | None = None
    ) -> tuple[str | None, str | None]:
        """Team and worker names on `on`; the record's own team/worker when none is open."""
        inv = self.involvement(person, on)
        if inv is not None:
            team, worker = inv["invo_professional_team"] or team, inv["invo_professional_id"]
        return self.team_name(team), self.worker_name(worker)


def facts_of(data: Dataset) -> Any:
    """A `lantern.facts.Warehouse` over the dataset's tables (in memory, nothing copied
    until a fact is asked for), so a writer reads the derived facts every layer reads."""
    from lantern import facts

    w = facts.Warehouse(ibis.duckdb.connect())
    for name, arrow in data.items():
        w.memo[("table", name)] = ibis.memtable(arrow)
    return w


def children_on(data: Dataset, fact: str, on: date) -> set[str]:
    """The children in a derived fact on ``on``: ``looked_after`` or ``cp_plans_open``
    (`lantern.facts`); empty when the dataset has none of its table."""
    from lantern import facts

    table = {"looked_after": "ssd_cla_episodes", "cp_plans_open": "ssd_cp_plans"}[fact]
    if data.get(table) is None or data[table].num_rows == 0:
        return set()
    w = facts_of(data)
    t = getattr(facts, fact)(w, on)
    return {str(r["child"]) for r in w.rows(t.select("child")) if r["child"] is not None}


def periods_of_care(data: Dataset) -> dict[str, list[Row]]:
    """Each child's periods of care as `lantern.facts.periods_of_care` defines them
    (short breaks left out; start = earliest episode start; end = the last episode's end
    unless it ended X1), oldest first: ``period_id``, ``p_start``, ``p_end``."""
    from lantern import facts

    arrow = data.get("ssd_cla_episodes")
    if arrow is None or arrow.num_rows == 0:
        return {}
    w = facts_of({"ssd_cla_episodes": arrow})
    out = group_by(w.rows(facts.periods_of_care(w)), "child")
    return {child: sorted(ps, key=lambda p: p["p_start"]) for child, ps in out.items()}


def _ranked_involvements(data: Dataset, role: str) -> list[Row]:
    """The involvements of ``role`` as `lantern.facts.involvements` selects them, in the
    allocation tie-break order, under their canonical column names."""
    from lantern import facts
    from lantern.facts.allocation import tie_break

    arrow = data.get("ssd_involvements")
    if arrow is None or arrow.num_rows == 0:
        return []
    w = facts_of({"ssd_involvements": arrow})
    i = facts.involvements(w, (role,)).order_by(["child_id", *tie_break()])
    return [{"invo_person_id": r["child_id"], "invo_professional_id": r["worker_id"],
             "invo_professional_team": r["team_id"], "invo_involvement_start_date": r["start"],
             "invo_involvement_end_date": r["end"], "invo_involvements_id": r["involvement_id"],
             "invo_professional_role_id": r["role"]} for r in w.rows(i)]


def previous_cp_plans(plan: Row, plans_of_person: Iterable[Row]) -> int:
    """NumberOfPreviousCPP: as recorded, else the child's earlier plans that the data holds."""
    if plan["cppl_previous_cp_plans"] is not None:
        return int(plan["cppl_previous_cp_plans"])
    start = plan["cppl_cp_plan_start_date"]
    return sum(
        1 for p in plans_of_person
        if start and p["cppl_cp_plan_start_date"] and p["cppl_cp_plan_start_date"] < start
    )


# UPN "unknown" reasons both returns share: UN1 the child is under 6 and not yet at
# school; UN2 the child has never attended a school in England (e.g. a child who
# arrived from abroad past school age, as most unaccompanied asylum-seeking children do).
UPN_UNDER_SCHOOL_AGE, UPN_NEVER_AT_SCHOOL = "UN1", "UN2"
SCHOOL_AGE = 6


def upn_or_unknown(person: Row, on: date) -> tuple[str | None, str | None]:
    """(UPN, UPN-unknown code) for a return made `on`: the recorded UPN, else the
    recorded reason, else the reason a real return gives for a child with no UPN on
    record: UN1 under 6 (or not yet born), UN2 otherwise."""
    upn, unknown = person.get("pers_upn") or None, person.get("pers_upn_unknown") or None
    if upn or unknown:
        return upn, None if upn else unknown
    years = age_on(person.get("pers_dob"), on)
    return None, UPN_UNDER_SCHOOL_AGE if years is None or years < SCHOOL_AGE \
        else UPN_NEVER_AT_SCHOOL
