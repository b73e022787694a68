"""The shapes every alert rule and the engine share: declarations, due rows, items, config.

An alert rule is *declared*: an id, who it applies to, how the due date is computed,
the reminder lead times (working days before the due date, and who is informed at
each) and the escalation steps (working days overdue, and who is added at each).
The engine (`run.py`) turns a rule's due rows into dated, addressed items.

Roles a step can name:

- ``worker``: the child's allocated social worker (the ``SW`` involvement open on the
  date); for workforce rules, the worker the item is about;
- ``team_manager``: the 'Team Manager' of that worker's team;
- ``head_of_service``: the 'Head of Service' of the team's service;
- ``divisional_director``: the authority's 'Divisional Director'.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal, cast

import yaml

Role = Literal["worker", "team_manager", "head_of_service", "divisional_director"]
ROLES: tuple[Role, ...] = ("worker", "team_manager", "head_of_service", "divisional_director")
Status = Literal["due_soon", "due_today", "overdue", "escalated"]


@dataclass(frozen=True)
class Step:
    """At ``days`` working days (before the due date for a lead time, after it for an
    escalation) the listed roles are informed."""

    days: int
    roles: tuple[Role, ...]

    def __post_init__(self) -> None:
        bad = [r for r in self.roles if r not in ROLES]
        if bad or self.days < 0:
            raise ValueError(f"bad step {self.days} {self.roles}: roles must be in {ROLES}")


#: Default escalation (the issue): on the day overdue the worker; from 1 working day
#: overdue + team manager; 5 + head of service; 10 + divisional director.
DEFAULT_ESCALATION: tuple[Step, ...] = (
    Step(0, ("worker",)),
    Step(1, ("team_manager",)),
    Step(5, ("head_of_service",)),
    Step(10, ("divisional_director",)),
)
#: Default reminder: the worker from 10 working days before the due date.
DEFAULT_LEADS: tuple[Step, ...] = (Step(10, ("worker",)),)


@dataclass(frozen=True)
class DueRow:
    """One outstanding requirement found by a rule.

    ``ends`` is the recorded end of the plan, episode or placement that carries the
    requirement (None when open-ended): if it is before ``due_date`` the requirement
    never falls due and no item is made. ``team`` is a fallback team for addressing
    when the child has no allocated worker; ``worker`` overrides the allocated worker
    (workforce rules, where the item is about a worker rather than a child).
    """

    child_id: str | None
    subject_id: str
    due_date: date
    basis: str
    ends: date | None = None
    worker: str | None = None
    team: str | None = None


Params = Mapping[str, Any]
#: ``due(src, on, params)``: ``src`` is a `lantern.facts.Source` (DuckDB or Spark).
DueFn = Callable[[Any, date, Params], list[DueRow]]


@dataclass(frozen=True)
class AlertRule:
    """A declared alert rule. ``due_items(src, on, params)`` returns the requirements
    outstanding on ``on`` (all children at once, one Ibis query over the warehouse, so
    it runs on DuckDB and Spark); the engine decides which are due soon, due, overdue
    or escalated."""

    id: str
    family: str
    title: str
    population: str
    due: str  # one sentence: how the due date is computed
    due_items: DueFn
    requires: tuple[str, ...]  # tables that must hold rows for the rule to run
    params: Mapping[str, Any] = field(default_factory=dict)
    leads: tuple[Step, ...] = DEFAULT_LEADS
    escalation: tuple[Step, ...] | None = None  # None: the configured default
    actor: Role = "worker"  # who must act
    expire_after_days: int | None = None  # drop items overdue by more calendar days
    default_service: str | None = None  # service addressed when nobody is allocated


@dataclass(frozen=True)
class AlertItem:
    rule_id: str
    child_id: str | None
    subject_id: str
    due_date: date
    status: Status
    days_overdue: int  # working days; negative when not yet due
    basis: str
    act: str  # recipient key of who must act
    notify: tuple[str, ...]  # recipient keys now informed
    title: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "title": self.title,
            "child_id": self.child_id,
            "subject_id": self.subject_id,
            "due_date": self.due_date.isoformat(),
            "status": self.status,
            "days_overdue": self.days_overdue,
            "basis": self.basis,
            "act": self.act,
            "notify": list(self.notify),
        }


@dataclass(frozen=True)
class AlertConfig:
    """Local settings. ``params`` and ``leads`` are per rule id; ``escalation`` replaces
    the default for every rule that does not declare its own."""

    escalation: tuple[Step, ...] = DEFAULT_ESCALATION
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    leads: Mapping[str, tuple[Step, ...]] = field(default_factory=dict)
    rule_escalation: Mapping[str, tuple[Step, ...]] = field(default_factory=dict)
    disabled: frozenset[str] = frozenset()

    def params_for(self, rule: AlertRule) -> dict[str, Any]:
        unknown = set(self.params.get(rule.id, {})) - set(rule.params)
        if unknown:
            raise ValueError(f"rule {rule.id} has no parameters {sorted(unknown)}")
        return {**rule.params, **self.params.get(rule.id, {})}

    def leads_for(self, rule: AlertRule) -> tuple[Step, ...]:
        return self.leads.get(rule.id, rule.leads)

    def escalation_for(self, rule: AlertRule) -> tuple[Step, ...]:
        if rule.id in self.rule_escalation:
            return self.rule_escalation[rule.id]
        return rule.escalation if rule.escalation is not None else self.escalation

    def with_params(self, rule_id: str, **values: Any) -> AlertConfig:
        merged = {k: dict(v) for k, v in self.params.items()}
        merged.setdefault(rule_id, {}).update(values)
        return replace(self, params=merged)


def _steps(raw: Any) -> tuple[Step, ...]:
    """YAML steps: a mapping ``{days: [roles]}`` or a list of ``{days, roles}``."""
    if isinstance(raw, Mapping):
        pairs = [(int(k), v) for k, v in raw.items()]
    else:
        pairs = [(int(s["days"]), s["roles"]) for s in raw]
    out = []
    for days, roles in sorted(pairs):
        names = [roles] if isinstance(roles, str) else list(roles)
        bad = [r for r in names if r not in ROLES]
        if bad:
            raise ValueError(f"unknown roles {bad}: use {ROLES}")
        out.append(Step(days, tuple(cast(Role, r) for r in names)))
    return tuple(out)


def load_config(path: str | Path) -> AlertConfig:
    """Read an alerts YAML file::

        escalation: {0: [worker], 1: [team_manager], 5: [head_of_service],
                     10: [divisional_director]}
        rules:
          cp_visit: {params: {interval_wd: 10}, leads: {5: [worker]}}
          supervision: {escalation: {0: [team_manager], 10: [head_of_service]}}
        disabled: [transition_panel_14]
    """
    raw = yaml.safe_load(Path(path).read_text("utf-8")) or {}
    cfg = AlertConfig()
    if "escalation" in raw:
        cfg = replace(cfg, escalation=_steps(raw["escalation"]))
    params: dict[str, dict[str, Any]] = {}
    leads: dict[str, tuple[Step, ...]] = {}
    esc: dict[str, tuple[Step, ...]] = {}
    for rid, spec in (raw.get("rules") or {}).items():
        spec = spec or {}
        if "params" in spec:
            params[rid] = dict(spec["params"])
        if "leads" in spec:
            leads[rid] = _steps(spec["leads"])
        if "escalation" in spec:
            esc[rid] = _steps(spec["escalation"])
    return replace(cfg, params=params, leads=leads, rule_escalation=esc,
                   disabled=frozenset(raw.get("disabled") or ()))
