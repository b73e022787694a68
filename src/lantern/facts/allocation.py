"""Who holds a child's case: involvements, the allocation on a date, case holders and
caseloads.

Definitions (``docs/model.md``, ``shared/KPIS.md`` thematic section):

- An **involvement** is a row of ``ssd_involvements``; its role is
  ``invo_professional_role_id`` (``SW`` social worker, ``PA`` personal adviser).
- **Open on a date**: started on or before it and not ended before it, so an
  involvement ending on the date is still open that day.
- The **allocation** of a child on a date (`allocations`) is the one ``SW`` involvement
  open on it; when several are open (a same-day handover: the old one ends and the new
  one starts that day) the **latest start wins, then the highest involvement id (as text)**
  (`TIE_BREAK_COLUMNS`). Breakdowns by worker, team and service, the caseload screens, scope
  checks, alert addressing and the Annex A lists all read this one rule.
- A worker's **caseload** on a date (`caseloads`) is the number of distinct children
  with an involvement of the role open on the date held by that worker (KPIS.md: no
  tie-break — a child in a handover counts for both workers that day). Personal
  advisers' caseloads are counted the same way from ``PA`` involvements and labelled as
  such; a **case holder** (`case_holders`) is a worker in post on the date with a
  caseload of at least 1.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from lantern.facts._base import ON, On, Source, at_dates, first_per, shared

SOCIAL_WORKER, PERSONAL_ADVISER = "SW", "PA"
#: Case-holding roles and how a screen names them.
CASE_ROLES = {SOCIAL_WORKER: "social worker", PERSONAL_ADVISER: "personal adviser"}
#: The one tie-break between involvements open on the same date: these columns, each
#: highest first.
TIE_BREAK_COLUMNS = ("start", "involvement_id")


def tie_break(prefix: str = "") -> list[ir.Value]:
    """The `TIE_BREAK_COLUMNS` order for columns named with ``prefix``."""
    return [ibis.desc(f"{prefix}{c}") for c in TIE_BREAK_COLUMNS]


@shared
def involvements(src: Source, roles: tuple[str, ...] = (SOCIAL_WORKER,)) -> ir.Table:
    """Involvements of the given roles: ``child_id``, ``worker_id``, ``team_id``, ``role``,
    ``start``, ``end``, ``involvement_id`` (people without an id are left out)."""
    i = src.t("ssd_involvements")
    role = i.invo_professional_role_id.upper()
    i = i.filter(role.isin(list(roles)) & i.invo_person_id.notnull())
    return i.select(
        child_id="invo_person_id", worker_id="invo_professional_id",
        team_id="invo_professional_team", role=role,
        start="invo_involvement_start_date", end="invo_involvement_end_date",
        involvement_id="invo_involvements_id")


def open_involvements(src: Source, on: On, roles: tuple[str, ...] = (SOCIAL_WORKER,),
                      as_of: str = ON) -> ir.Table:
    """Every involvement of the roles open on each date of ``on``."""
    return at_dates(involvements(src, roles), "start", "end", on, as_of)


def allocations(src: Source, on: On, as_of: str = ON, role: str = SOCIAL_WORKER) -> ir.Table:
    """Child -> allocated social worker and team on each date: the ``SW`` involvement
    open on it, latest start then highest id winning (`TIE_BREAK_COLUMNS`). Columns as
    `involvements`, plus ``service_id`` (the team's parent) and the date ``as_of``.
    ``role="PA"`` gives each care leaver's personal adviser by the same rule."""
    o = open_involvements(src, on, (role,), as_of=as_of)
    return with_service(src, first_per(o, ["child_id", as_of], tie_break()))


def allocation_at(src: Source, rows: ir.Table, *, key: str, child: str, when: str,
                  prefix: str = "alloc_") -> ir.Table:
    """``rows`` with the allocation of ``child`` on each row's own date ``when``:
    columns ``worker_id``, ``team_id``, ``service_id``, ``start`` and
    ``involvement_id`` prefixed ``prefix`` (null when nobody is allocated). ``key``
    identifies a row of ``rows``."""
    inv = involvements(src)
    inv = inv.select(**{f"{prefix}{c}": c for c in inv.columns})
    c, s, e = (inv[f"{prefix}{n}"] for n in ("child_id", "start", "end"))
    j = rows.left_join(inv, (rows[child] == c) & (s <= rows[when])
                       & (e.isnull() | (e >= rows[when])))
    j = first_per(j, [key], tie_break(prefix))
    drop = [f"{prefix}{n}" for n in ("child_id", "end", "role")]
    j = j.drop(*drop)
    t = teams(src).select(**{f"{prefix}_tid": "team_id", f"{prefix}service_id": "service_id"})
    j = j.left_join(t, j[f"{prefix}team_id"] == t[f"{prefix}_tid"])
    return j.drop(f"{prefix}_tid")


def last_allocations(src: Source, on: On, as_of: str = ON,
                     roles: tuple[str, ...] = (SOCIAL_WORKER,)) -> ir.Table:
    """Child -> the team a child's record belongs to on each date: their involvement of
    ``roles`` open on the date (a social worker before a personal adviser, then
    `TIE_BREAK_COLUMNS`) or, when none is open, the latest begun before it. Columns as
    `allocations`."""
    i = at_dates(involvements(src, roles), "start", None, on, as_of)
    open_now = (i.end.isnull() | (i.end >= i[as_of])).cast("int8")
    i = i.mutate(_open=open_now, _sw=(i.role == SOCIAL_WORKER).cast("int8"))
    o = first_per(i, ["child_id", as_of], [ibis.desc("_open"), ibis.desc("_sw"), *tie_break()])
    return with_service(src, o.drop("_open", "_sw"))


@shared
def teams(src: Source) -> ir.Table:
    """One row per team: ``team_id``, ``service_id`` (``dept_team_parent_id``)."""
    d = src.t("ssd_department").select(team_id="dept_team_id",
                                       service_id="dept_team_parent_id")
    return first_per(d, ["team_id"], ["service_id"])


def with_service(src: Source, t: ir.Table) -> ir.Table:
    """``t`` (with ``team_id``) with the team's ``service_id``."""
    d = teams(src).select(_tid="team_id", service_id="service_id")
    return t.left_join(d, t.team_id == d._tid).drop("_tid")


def caseloads(src: Source, on: On, roles: Sequence[str] = tuple(CASE_ROLES),
              as_of: str = ON) -> ir.Table:
    """Worker -> caseload on each date, per case-holding role: ``worker_id``, ``role``,
    ``role_label`` ('social worker' / 'personal adviser'), ``caseload`` (distinct
    children with an involvement of the role open that day held by the worker)."""
    o = open_involvements(src, on, tuple(roles), as_of)
    o = o.filter(o.worker_id.notnull())
    g = o.group_by(["worker_id", "role", as_of]).aggregate(caseload=o.child_id.nunique())
    label = ibis.cases(*((g.role == k, v) for k, v in CASE_ROLES.items()), else_=g.role)
    return g.mutate(role_label=label)


def case_holders(src: Source, on: On, roles: Sequence[str] = tuple(CASE_ROLES),
                 as_of: str = ON) -> ir.Table:
    """Case holders on each date: workers in post with a caseload of at least 1, one row
    per worker and role (`caseloads` columns plus the `workers_in_post` columns). KPIS.md's
    workforce indicators take the ``SW`` rows of workers with a social-work job title."""
    c = caseloads(src, on, roles, as_of)
    w = workers_in_post(src, on, as_of).rename(_w="worker_id", _on=as_of)
    j = c.join(w, (c.worker_id == w._w) & (c[as_of] == w._on))
    return j.drop("_w", "_on")


@shared
def professionals(src: Source) -> ir.Table:
    """One row per professional (``ssd_professionals``): ``worker_id``, ``worker_name``,
    ``team_id`` (``prof_professional_department``) and its ``service_id``,
    ``job_title``, ``fte`` (KPIS.md: 1.0 when empty), ``agency`` (flag Y), ``start_date``
    and ``end_date`` (in post from, to)."""
    p = src.t("ssd_professionals")
    p = first_per(p, ["prof_professional_id"], ["prof_professional_department"])
    p = p.select(
        worker_id="prof_professional_id", worker_name="prof_professional_name",
        team_id="prof_professional_department",
        job_title="prof_professional_job_title",
        fte=p.prof_full_time_equivalency.fill_null(1.0),
        agency=p.prof_agency_worker_flag.fill_null("").upper() == "Y",
        start_date="prof_start_date", end_date="prof_end_date")
    return with_service(src, p)


def workers_in_post(src: Source, on: On, as_of: str = ON) -> ir.Table:
    """Professionals in post on each date (KPIS.md: start empty or on or before it, end
    empty or on or after it — a worker leaving on the date is in post that day):
    `professionals` columns plus ``as_of``."""
    p = professionals(src).mutate(_from=lambda t: t.start_date.fill_null(
        ibis.date(1900, 1, 1)))
    return at_dates(p, "_from", "end_date", on, as_of).drop("_from")


def is_social_worker(job_title: ir.StringValue, titles: Sequence[str]) -> ir.BooleanValue:
    """KPIS.md: a professional whose job title is one of the authority's social-work
    titles (configuration, `lantern.config.Settings.social_work_titles`); compared
    without regard to case or surrounding spaces."""
    wanted = sorted({t.strip().lower() for t in titles})
    return job_title.fill_null("").strip().lower().isin(wanted)
