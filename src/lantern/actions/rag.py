"""RAG, derived and never typed, with its reason; and the configuration of the RAG and the
sign-off gate.

The rules, in order (the first colour that applies wins; its reasons are all given):

- ``blue``: signed off.
- ``grey``: cancelled (with its reason) — no longer tracked.
- ``red``: overdue (due before today and not done), or a linked indicator is below its
  tolerance ("Well Below Target") at the latest month.
- ``amber``: due within ``due_soon_days`` (28) and not done; or a linked indicator is
  outside its target but within tolerance ("Below Target"); or done and awaiting impact
  for more than ``awaiting_impact_months`` (3) calendar months.
- ``green``: otherwise.

"Not done" means ``not_started`` or ``in_progress``. An action's own success target for an
indicator replaces the indicator's standing target (its tolerance is kept).

Thresholds are configuration (environment variables): ``LANTERN_RAG_DUE_SOON_DAYS``,
``LANTERN_RAG_AWAITING_IMPACT_MONTHS``, ``LANTERN_SIGNOFF_MONTHS`` (months an indicator
must meet its target for measured impact) and ``LANTERN_SIGNOFF_ROLES`` (comma-separated).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from lantern.assurance.targets import WELL_WORSE, WORSE, status_for
from lantern.calendar import add_months

NOT_DONE = frozenset({"not_started", "in_progress"})
COLOURS: tuple[str, ...] = ("red", "amber", "green", "blue", "grey")
COLOUR_LABELS = {"red": "Red", "amber": "Amber", "green": "Green", "blue": "Blue (signed off)",
                 "grey": "Cancelled"}


@dataclass(frozen=True)
class ActionsConfig:
    due_soon_days: int = 28
    awaiting_impact_months: int = 3
    signoff_months: int = 3
    signoff_roles: tuple[str, ...] = ("divisional_director", "dcs")


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r}: expected a whole number") from None
    if value < 1:
        raise ValueError(f"{name}={raw!r}: expected 1 or more")
    return value


def load_config(env: Mapping[str, str] | None = None) -> ActionsConfig:
    """The thresholds from the environment (defaults as in the issue)."""
    env = os.environ if env is None else env
    roles = tuple(r.strip() for r in env.get("LANTERN_SIGNOFF_ROLES", "").split(",")
                  if r.strip())
    return ActionsConfig(
        due_soon_days=_int(env, "LANTERN_RAG_DUE_SOON_DAYS", 28),
        awaiting_impact_months=_int(env, "LANTERN_RAG_AWAITING_IMPACT_MONTHS", 3),
        signoff_months=_int(env, "LANTERN_SIGNOFF_MONTHS", 3),
        signoff_roles=roles or ActionsConfig.signoff_roles,
    )


@dataclass(frozen=True)
class IndicatorReading:
    """One linked indicator at one month, against the target that applies to the action."""

    kpi_id: str
    name: str
    month: str
    value: float | None
    target: float | None
    tolerance: float
    polarity: str
    own_target: bool  # the action's success target, not the standing one

    @property
    def band(self) -> str | None:
        """The value's band against the target (`assurance.targets.status_for`)."""
        got = status_for(self.value, self.target, self.polarity, tolerance=self.tolerance)
        return None if got is None else got.band

    def describe(self) -> str:
        whose = "the action's target" if self.own_target else "target"
        return (f"{self.name} was {fmt_value(self.value)} in {month_label(self.month)} "
                f"against {whose} {fmt_value(self.target)}")


def month_label(month: str) -> str:
    """'2024-11' as people read it: 'Nov 2024'."""
    return f"{date.fromisoformat(month + '-01'):%b %Y}"


def fmt_value(value: float | None) -> str:
    if value is None:
        return "no figure"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


@dataclass(frozen=True)
class Rag:
    colour: str
    reason: str

    @property
    def label(self) -> str:
        return COLOUR_LABELS[self.colour]


def derive_rag(*, status: str, due: date, today: date, readings: Sequence[IndicatorReading],
               awaiting_since: date | None = None, cancel_reason: str = "",
               signed_off: str = "", config: ActionsConfig | None = None) -> Rag:
    """The action's RAG and why (see the module docstring for the rules); ``signed_off``
    says by whom and when, for the reason."""
    config = config or ActionsConfig()
    if status == "signed_off":
        return Rag("blue", f"Signed off {signed_off}".strip())
    if status == "cancelled":
        return Rag("grey", f"Cancelled: {cancel_reason}" if cancel_reason else "Cancelled")
    red, amber = [], []
    if status in NOT_DONE and due < today:
        days = (today - due).days
        red.append(f"Overdue: was due {due:%-d %b %Y} ({days} day{'s' * (days != 1)} ago)")
    for r in readings:
        if r.band == WELL_WORSE:
            red.append(f"{r.describe()}, below its tolerance")
        elif r.band == WORSE:
            amber.append(f"{r.describe()}, outside target but within tolerance")
    if status in NOT_DONE and today <= due <= today + timedelta(days=config.due_soon_days):
        amber.append(f"Due within {config.due_soon_days} days ({due:%-d %b %Y})")
    if (status == "done_awaiting_impact" and awaiting_since is not None
            and today > add_months(awaiting_since, config.awaiting_impact_months)):
        amber.append(f"Done and awaiting impact since {awaiting_since:%-d %b %Y}, more than "
                     f"{config.awaiting_impact_months} months")
    if red:
        return Rag("red", "; ".join(red))
    if amber:
        return Rag("amber", "; ".join(amber))
    return Rag("green", _green_reason(status, due, readings))


def _green_reason(status: str, due: date, readings: Sequence[IndicatorReading]) -> str:
    if status == "done_awaiting_impact":
        base = "Done, awaiting evidence of impact"
    else:
        base = f"On track: due {due:%-d %b %Y}"
    met = [r.name for r in readings if r.band is not None]
    return base + (f"; {', '.join(met)} on target" if met else "")
