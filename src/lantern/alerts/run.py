"""The daily run: every declared rule over every child, as dated, addressed items.

For a rule's due row with due date ``due`` on the run date ``on``:

- ``on`` before ``due``: *due soon* when ``wd(on, due)`` is within one of the rule's lead
  times; informed: the roles of every lead step reached (e.g. looked-after review: from
  10 working days before the worker, from 5 the worker and head of service);
  ``days_overdue = -wd(on, due)``;
- ``on`` equal to ``due``: *due today*, every lead step's roles;
- ``on`` after ``due``: ``days_overdue = wd(due, on)``; informed: every lead role plus the
  roles of each escalation step reached (default 0 worker, 1 team manager, 5 head of
  service, 10 divisional director); *escalated* once the second escalation step is reached,
  else *overdue*.

No item when the plan, episode or placement carrying the requirement ends before the due
date, when the child has died by the run date, or (rules with ``expire_after_days``) when
the item is older than that.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from datetime import date
from typing import Any

import ibis

from lantern import facts
from lantern.calendar import wd
from lantern.measures.engine import table_counts

from .model import ROLES, AlertConfig, AlertItem, AlertRule, DueRow, Role, Status, Step
from .recipients import Directory, directory
from .rules import RULES
from .rules._common import RunSource, fetch

STATUS_ORDER: dict[str, int] = {"escalated": 0, "overdue": 1, "due_today": 2, "due_soon": 3}


def available(con: Any, rules: Sequence[AlertRule] = RULES) -> dict[str, str | None]:
    """Rule id -> None when its data is loaded, else the reason it cannot run. ``con``:
    a DuckDB connection, an Ibis backend (DuckDB or Spark) or a `lantern.facts.Source`."""
    src = facts.source(con)
    counts = table_counts(src.con, {t for r in rules for t in r.requires})
    out: dict[str, str | None] = {}
    for r in rules:
        missing = [t for t in r.requires if not counts.get(t)]
        out[r.id] = f"no rows in {', '.join(missing)}" if missing else None
    return out


def _roles(steps: Iterable[Step]) -> set[Role]:
    return {role for s in steps for role in s.roles}


def classify(due: date, on: date, leads: Sequence[Step], escalation: Sequence[Step],
             actor: Role = "worker") -> tuple[Status, int, tuple[Role, ...]] | None:
    """(status, days_overdue, roles informed) for one due date, or None if no item yet."""
    if on < due:
        remaining = wd(on, due)
        reached = [s for s in leads if s.days >= remaining]
        if not reached:
            return None
        status: Status = "due_soon"
        days = -remaining
        roles = _roles(reached)
    elif on == due:
        status, days, roles = "due_today", 0, _roles(leads)
    else:
        days = wd(due, on)
        steps = sorted(escalation, key=lambda s: s.days)
        reached = [s for s in steps if s.days <= days]
        roles = _roles(leads) | _roles(reached)
        status = "escalated" if len(reached) >= 2 else "overdue"
    roles.add(actor)
    return status, days, tuple(r for r in ROLES if r in roles)


def _dead(src: facts.Source, on: date) -> set[str]:
    p = src.t("ssd_person")
    p = p.filter(p.pers_death_date <= ibis.literal(on, "date")).select("pers_person_id")
    return {str(r[0]) for r in fetch(src, p, "pers_person_id")}


def items_for(rule: AlertRule, due_rows: Iterable[DueRow], on: date, config: AlertConfig,
              people: Directory, dead: AbstractSet[str] = frozenset()
              ) -> list[AlertItem]:
    leads, escalation = config.leads_for(rule), config.escalation_for(rule)
    out = []
    for row in due_rows:
        if row.ends is not None and row.ends < row.due_date:
            continue  # the plan / episode ends before the requirement falls due
        if row.child_id is not None and row.child_id in dead:
            continue
        if rule.expire_after_days is not None and (on - row.due_date).days > rule.expire_after_days:
            continue
        got = classify(row.due_date, on, leads, escalation, rule.actor)
        if got is None:
            continue
        status, days, roles = got
        keys = people.resolve(row.child_id, row.worker, row.team, rule.default_service)
        notify = tuple(dict.fromkeys(keys[r] for r in roles))
        out.append(AlertItem(rule.id, row.child_id, row.subject_id, row.due_date, status, days,
                             row.basis, keys[rule.actor], notify, rule.title))
    return out


def run_alerts(con: Any, on: date, *,
               config: AlertConfig | None = None,
               rules: Sequence[AlertRule] | None = None) -> list[AlertItem]:
    """The day's items for every rule whose data is loaded, sorted by status (escalated
    first), days overdue (most first), rule and child. ``con``: a DuckDB connection, an
    Ibis backend (DuckDB or Spark) or a `lantern.facts.Source`."""
    config = config or AlertConfig()
    chosen = [r for r in (rules if rules is not None else RULES) if r.id not in config.disabled]
    src = RunSource(facts.source(con))
    ready = available(src, chosen)
    people = directory(src, on)
    dead = _dead(src, on)
    items: list[AlertItem] = []
    for rule in chosen:
        if ready[rule.id] is not None:
            continue
        items += items_for(rule, rule.due_items(src, on, config.params_for(rule)), on, config,
                           people, dead)
    return sort_items(items)


def sort_items(items: Iterable[AlertItem]) -> list[AlertItem]:
    return sorted(items, key=lambda i: (STATUS_ORDER[i.status], -i.days_overdue, i.rule_id,
                                        i.child_id or "", i.subject_id))


def to_json(items: Iterable[AlertItem], *, indent: int | None = 2) -> str:
    """JSON list of items: rule_id, title, child_id, subject_id, due_date, status,
    days_overdue, basis, act, notify."""
    return json.dumps([i.as_dict() for i in items], indent=indent)


def to_table(items: Sequence[AlertItem]) -> str:
    """A plain-text table for the terminal."""
    head = ("status", "days", "rule", "child", "subject", "due", "act", "notify")
    body = [(i.status, str(i.days_overdue), i.rule_id, i.child_id or "-", i.subject_id,
             i.due_date.isoformat(), i.act, ", ".join(i.notify)) for i in items]
    widths = [max([len(h)] + [len(r[n]) for r in body]) for n, h in enumerate(head)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in (head, *body)]
    return "\n".join(lines) + "\n"


def summary(items: Iterable[AlertItem]) -> dict[str, dict[str, int]]:
    """Counts per rule and status."""
    out: dict[str, dict[str, int]] = {}
    for i in items:
        per = out.setdefault(i.rule_id, {})
        per[i.status] = per.get(i.status, 0) + 1
    return out
