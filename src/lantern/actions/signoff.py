"""The sign-off gate: an action is signed off only on evidenced impact, by the right person.

Both must hold, and a refusal names each that is missing:

- **impact evidenced** — either (a) *measured*: a linked indicator met its target (the
  action's own success target, else the standing one) at authority level in each of the
  last N months (``ActionsConfig.signoff_months``, default 3) up to the latest complete
  month, checked against the engine now, the figures stored with the sign-off; or (b)
  *observed*: a dated impact statement of kind child_family_feedback, audit_finding or
  staff_feedback with a reference (recorded before, or given with the sign-off);
- **the right person** — the signer holds a sign-off role (default divisional_director,
  dcs) and does not lead the action.

Nothing is written when the sign-off is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lantern.actions.figures import IndicatorFigures, months_back
from lantern.actions.models import Action, ActionImpact, ActionIndicator
from lantern.actions.rag import ActionsConfig, fmt_value, month_label
from lantern.actions.tracker import (
    OBSERVED_KINDS,
    TrackerError,
    _history,
    get_action,
    record_impact,
)
from lantern.appdb.models import utcnow
from lantern.assurance.targets import BETTER, ON, status_for

ROLE_LABELS = {"divisional_director": "divisional director", "dcs": "DCS"}


class SignOffRefused(TrackerError):
    """Sign-off refused; ``reasons`` has one line per condition not met."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__("Not signed off: " + "; ".join(reasons))


@dataclass(frozen=True)
class MeasuredCheck:
    kpi_id: str
    name: str
    target: float | None
    own_target: bool
    months: tuple[str, ...]
    values: tuple[float | None, ...]
    met: tuple[bool, ...]

    @property
    def passed(self) -> bool:
        return bool(self.met) and all(self.met)

    def describe(self) -> str:
        if self.target is None:
            return f"{self.name} has no target to meet"
        figures = ", ".join(f"{month_label(m)}: {fmt_value(v)}"
                            for m, v in zip(self.months, self.values, strict=True))
        return (f"{self.name} met its target ({fmt_value(self.target)}) in {sum(self.met)} "
                f"of the last {len(self.months)} months ({figures})")

    def as_json(self) -> dict[str, Any]:
        return {"kpi_id": self.kpi_id, "target": self.target, "own_target": self.own_target,
                "months": dict(zip(self.months, self.values, strict=True)),
                "met": list(self.met)}


def _band(value: float, target: float, polarity: str) -> str | None:
    got = status_for(value, target, polarity)
    return None if got is None else got.band


def measured_checks(links: list[ActionIndicator], figures: IndicatorFigures,
                    months: int) -> list[MeasuredCheck]:
    """Each linked indicator against its target in each of the last ``months`` months."""
    window = months_back(figures.latest_month, months)
    checks = []
    for link in links:
        meta = figures.meta(link.kpi_id)
        standing = figures.target(link.kpi_id)
        target = link.target if link.target is not None else (
            standing.target if standing else None)
        values = tuple(figures.value(link.kpi_id, m) for m in window)
        polarity = meta.polarity if meta else "neutral"
        met = tuple(
            target is not None and v is not None
            and _band(v, target, polarity) in (ON, BETTER)
            for v in values)
        checks.append(MeasuredCheck(link.kpi_id, meta.title if meta else link.kpi_id, target,
                                    link.target is not None, tuple(window), values, met))
    return checks


def _person_problems(a: Action, signer_id: int, signer_role: str,
                     config: ActionsConfig) -> list[str]:
    problems = []
    if signer_role not in config.signoff_roles:
        roles = " or ".join(ROLE_LABELS.get(r, r.replace("_", " ")) for r in
                            config.signoff_roles)
        problems.append(f"only a {roles} can sign off an action")
    if signer_id == a.lead_id:
        problems.append("the action's lead cannot sign it off: someone else must")
    return problems


@dataclass(frozen=True)
class Statement:
    kind: str
    text: str
    reference: str
    observed_on: date


def sign_off(s: Session, actor: Any, ref: str, *, figures: IndicatorFigures | None,
             config: ActionsConfig, statement: Statement | None = None,
             at: datetime | None = None) -> list[MeasuredCheck]:
    """Sign ``ref`` off through the gate, or raise ``SignOffRefused`` (nothing written).
    Returns the measured checks made (stored with the sign-off when one passed)."""
    at = at or utcnow()
    a = get_action(s, ref)
    if a.status in ("signed_off", "cancelled"):
        raise SignOffRefused([f"{a.ref} is already {a.status.replace('_', ' ')}"])
    problems = _person_problems(a, actor.user_id, actor.role, config)
    if statement is not None and statement.kind not in OBSERVED_KINDS:
        raise SignOffRefused([f"impact kind {statement.kind!r}: expected one of "
                              f"{', '.join(OBSERVED_KINDS)}"])
    if statement is not None and not (statement.text.strip() and statement.reference.strip()):
        raise SignOffRefused(["an impact statement needs its text and a reference"])
    links = list(s.scalars(select(ActionIndicator).where(ActionIndicator.action_id == a.id)
                           .order_by(ActionIndicator.position)))
    checks = measured_checks(links, figures, config.signoff_months) if figures else []
    observed = s.scalars(select(ActionImpact.id).where(
        ActionImpact.action_id == a.id, ActionImpact.kind.in_(OBSERVED_KINDS))).first()
    if not any(c.passed for c in checks) and observed is None and statement is None:
        problems.append(_no_impact(checks, figures, config))
    if problems:
        raise SignOffRefused(problems)
    if statement is not None:
        record_impact(s, actor, ref, kind=statement.kind, statement=statement.text,
                      reference=statement.reference, observed_on=statement.observed_on, at=at)
    passed = [c for c in checks if c.passed]
    if passed:
        record_impact(s, actor, ref, kind="measured", observed_on=at.date(), at=at,
                      statement="; ".join(c.describe() for c in passed),
                      reference=("Lantern's figures to "
                                 f"{month_label(figures.latest_month) if figures else ''}"),
                      figures={"checks": [c.as_json() for c in checks]})
    _history(s, a.id, actor, "status", a.status, "signed_off", at)
    a.status, a.signed_off_at, a.signed_off_by = "signed_off", at, actor.user_id
    s.flush()
    return checks


def _no_impact(checks: list[MeasuredCheck], figures: IndicatorFigures | None,
               config: ActionsConfig) -> str:
    base = "no evidenced impact: record an impact statement (child and family feedback, " \
           "an audit finding or staff feedback, with a reference)"
    if not checks:
        why = "no linked indicator" if figures is not None else "no indicator figures"
        return f"{base}; measured impact cannot be shown ({why})"
    return (f"{base}, or show a linked indicator meeting its target in each of the last "
            f"{config.signoff_months} months — " + "; ".join(c.describe() for c in checks))
