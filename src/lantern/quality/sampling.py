"""A month's audit sample, drawn from the warehouse by the tool's declared population.

Rule (one definition, used by the CLI, the web and the demo):

1. **Eligible** on the sample date (the month's last day): the tool's population there —
   children on a CP plan (`facts.cp_plans_open`), in need (`facts.cin_open`), looked
   after (`facts.looked_after`), referred in the month, or workers holding cases
   (`facts.case_holders`) — each with the team they are allocated to then
   (`facts.last_allocations`).
2. **Excluded**: anyone audited (on any tool) in the ``exclude_months`` months before
   the sample date (default 6).
3. **Stratified by team**: up to ``per_team`` from each team, drawn at random with
   ``seed`` (the same seed, data and exclusions give the same sample).
4. **Auditors** are allocated in turn, never to a subject of their own team.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from lantern import facts
from lantern.months import Month
from lantern.quality.tools import Tool

DEFAULT_PER_TEAM = 2
DEFAULT_EXCLUDE_MONTHS = 6
REASONS = {
    "cp_plans_open": "on a child protection plan on {on}",
    "cin_open": "a child in need on {on}",
    "looked_after": "looked after on {on}",
    "referred_in_month": "referred in {month}",
    "case_holders": "holding cases on {on}",
}


@dataclass(frozen=True)
class Eligible:
    subject_id: str
    team_id: str
    service_id: str
    reason: str


@dataclass(frozen=True)
class Draw:
    subject_id: str
    team_id: str
    service_id: str
    reason: str
    auditor: str | None  # username, None when no auditor is free of the subject's team


def month_end(month: str) -> date:
    return Month.parse(month).last


def _population(src: facts.Source, tool: Tool, on: date) -> Any:
    if tool.population == "cp_plans_open":
        return facts.cp_plans_open(src, on).select(subject="child")
    if tool.population == "cin_open":
        return facts.cin_open(src, on).select(subject="child")
    if tool.population == "looked_after":
        return facts.looked_after(src, on).select(subject="child")
    if tool.population == "case_holders":
        return facts.case_holders(src, on).select(subject="worker_id")
    t = src.t("ssd_cin_episodes")
    first = on.replace(day=1)
    return (t.filter((t.cine_referral_date >= first) & (t.cine_referral_date <= on))
            .select(subject=t.cine_person_id).distinct())


def eligible(con: Any, tool: Tool, month: str) -> list[Eligible]:
    """Everyone the tool may sample in ``month``, with their team on the sample date."""
    on = month_end(month)
    src = facts.source(con)
    pop = _population(src, tool, on)
    if tool.subject == "worker":
        alloc = facts.case_holders(src, on).select(
            _w="worker_id", team_id="team_id", service_id="service_id")
        j = pop.left_join(alloc, pop.subject == alloc._w)
    else:
        alloc = facts.last_allocations(src, on).select(
            _c="child_id", team_id="team_id", service_id="service_id")
        j = pop.left_join(alloc, pop.subject.cast("string") == alloc._c.cast("string"))
    j = j.select(subject=j.subject.cast("string"), team_id=j.team_id.cast("string"),
                 service_id=j.service_id.cast("string")).distinct()
    reason = REASONS[tool.population].format(on=f"{on:%-d %B %Y}", month=f"{on:%B %Y}")
    return sorted((Eligible(str(r["subject"]), r["team_id"] or "", r["service_id"] or "",
                            reason)
                   for r in facts.records(src, j.order_by("subject"))),
                  key=lambda e: (e.team_id, e.subject_id))


def draw(candidates: Sequence[Eligible], *, per_team: int, seed: int,
         recently_audited: Iterable[str], auditors: Mapping[str, str]) -> list[Draw]:
    """Up to ``per_team`` from each team at random (``seed``), leaving out the recently
    audited; ``auditors`` maps username -> their own team ('' for none), and each draw
    gets the next auditor in turn whose team is not the subject's."""
    if per_team < 1:
        raise ValueError("per_team must be at least 1")
    skip = set(recently_audited)
    by_team: dict[str, list[Eligible]] = {}
    for e in candidates:
        if e.subject_id not in skip and e.team_id:
            by_team.setdefault(e.team_id, []).append(e)
    rng = random.Random(seed)
    chosen: list[Eligible] = []
    for team in sorted(by_team):
        pool = sorted(by_team[team], key=lambda e: e.subject_id)
        chosen += sorted(rng.sample(pool, min(per_team, len(pool))),
                         key=lambda e: e.subject_id)
    names = sorted(auditors)
    out: list[Draw] = []
    for turn, e in enumerate(chosen):
        free = [n for n in names if auditors[n] != e.team_id]
        who = free[turn % len(free)] if free else None
        out.append(Draw(e.subject_id, e.team_id, e.service_id, e.reason, who))
    return out


def exclusion_start(month: str, months: int = DEFAULT_EXCLUDE_MONTHS) -> str:
    """The first month whose audits exclude a subject from ``month``'s sample."""
    return str(Month.parse(month) - months)
