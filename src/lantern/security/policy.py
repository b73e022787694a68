"""The access policy, as pure functions: every layer asks these, none re-decides.

Roles come from ARCHITECTURE.md. A user's scope (team, service or authority) limits
which children they can see; board members and inspectors see aggregates only: a
figure for 1-4 children is withheld, and so is any figure from which one could be
worked out (secondary suppression, `security.disclosure`). Every withheld figure
reads the same ("withheld"), whatever the reason, so the label itself reveals nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

ROLES: tuple[str, ...] = (
    "social_worker",
    "team_manager",
    "head_of_service",
    "divisional_director",
    "dcs",
    "performance_analyst",
    "auditor",
    "iro",
    "board_member",
    "inspector",
    "admin",
)
AGGREGATE_ONLY: frozenset[str] = frozenset({"board_member", "inspector"})
SCOPE_TYPES: tuple[str, ...] = ("team", "service", "authority")
# "caseload": a social worker limited to the children allocated to them (set for every
# social worker by the LANTERN_SOCIAL_WORKER_SCOPE setting, not per account).
ScopeType = Literal["team", "service", "authority", "caseload"]
SUPPRESSED = "withheld"
SUPPRESS_BELOW = 5
#: Who may see social workers by name in workforce figures (the workers over the
#: caseload limit): their managers, the performance team and directors. Board members
#: and inspectors see aggregates; social workers, auditors and IROs see the figures
#: without their colleagues' names.
NAMED_WORKER_ROLES: frozenset[str] = frozenset({
    "team_manager", "head_of_service", "divisional_director", "dcs", "performance_analyst"})


@dataclass(frozen=True)
class Principal:
    """The signed-in person, as every check sees them."""

    user_id: int
    username: str
    display_name: str
    role: str
    scope_type: ScopeType
    scope_value: str | None = None  # team id or service id; None for the authority
    professional_id: str | None = None  # their ssd_professionals id, if a worker

    @property
    def aggregate_only(self) -> bool:
        return self.role in AGGREGATE_ONLY

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def can_see_named_workers(p: Principal) -> bool:
    """May this person see which social workers are over the caseload limit?"""
    return p.role in NAMED_WORKER_ROLES


def can_see_children(p: Principal) -> bool:
    """May this person see any child's identity at all?"""
    return not p.aggregate_only


def child_in_scope(p: Principal, team_id: str | None, service_id: str | None,
                   worker_id: str | None = None) -> bool:
    """May this person see a child allocated to worker_id in team_id in service_id?

    Authority scope sees every child; service scope the children of teams in that
    service; team scope the children of that team; caseload scope the children allocated
    to the person themselves. An unallocated child (no team) is visible only to
    authority-wide roles.
    """
    if not can_see_children(p):
        return False
    if p.scope_type == "authority":
        return True
    if p.scope_type == "service":
        return service_id is not None and service_id == p.scope_value
    if p.scope_type == "caseload":
        return worker_id is not None and worker_id == p.professional_id
    return team_id is not None and team_id == p.scope_value


def social_worker_scope(p: Principal, setting: str) -> Principal:
    """The person as the checks see them under the social-worker scope setting: with
    ``caseload``, a social worker sees only the children allocated to them (no worker
    id: no children); ``team`` (the default) leaves the account's own scope."""
    if setting != "caseload" or p.role != "social_worker":
        return p
    return replace(p, scope_type="caseload", scope_value=p.professional_id)


def suppress_count(n: float | int | None, p: Principal) -> float | int | str | None:
    """A count as this person may see it: 1-4 become "withheld" for aggregate roles."""
    if n is None or not p.aggregate_only:
        return n
    return SUPPRESSED if 0 < n < SUPPRESS_BELOW else n


def suppress_kpi_row(row: dict[str, Any], p: Principal) -> dict[str, Any]:
    """An indicator row as this person may see it.

    For aggregate-only roles: a numerator or denominator of 1-4 is shown as
    "withheld", and the value computed from it (a percentage, mean or count) is withheld
    (None) with `suppressed` set, so a small group cannot be recovered by arithmetic.
    """
    if not p.aggregate_only:
        return row
    out = dict(row)
    small = [k for k in ("numerator", "denominator")
             if isinstance(out.get(k), int | float) and 0 < out[k] < SUPPRESS_BELOW]
    # A count indicator's value is its numerator.
    value_small = (
        out.get("denominator") in (None, 0)
        and isinstance(out.get("value"), int | float)
        and 0 < out["value"] < SUPPRESS_BELOW
    )
    for k in small:
        out[k] = SUPPRESSED
    if small or value_small:
        out["value"] = None
        out["suppressed"] = True
    else:
        out["suppressed"] = False
    return out
