"""When a deep dive may close on recovery: a small pure rule over the indicator's series.

The seeds close a deep dive when its actions have "reversed the decline". Lantern reads
that as: in each of the last ``months`` months after the latest trigger, the indicator
(at the deep dive's scope, on its headline period) did not get worse than the month
before — by its polarity, ties allowed — and the latest month is not a special cause of
concern on the SPC chart. All ``months + 1`` values must be present; a month without a
value cannot show recovery.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lantern.assurance.inputs import add_months, better_sign
from lantern.assurance.spc import CONCERN

RECOVERY_MONTHS = 3


@dataclass(frozen=True)
class RecoveryCheck:
    """The outcome, with the figures looked at (stored with a closure)."""

    passed: bool
    reasons: tuple[str, ...]
    months: tuple[str, ...]
    values: tuple[float | None, ...]
    latest_point_type: str | None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"months": list(self.months), "values": list(self.values),
                "latest_point_type": self.latest_point_type, "passed": self.passed,
                "reasons": list(self.reasons), **self.extra}


def worse(now: float, before: float, polarity: str) -> bool:
    """Strictly worse by polarity (a tie is not a decline)."""
    return (now - before) * better_sign(polarity) < 0


def recovery_check(
    values: Mapping[str, float | None],
    polarity: str,
    *,
    trigger_month: str,
    latest_month: str,
    latest_point_type: str | None,
    months: int = RECOVERY_MONTHS,
) -> RecoveryCheck:
    """Check recovery for a deep dive whose latest trigger was ``trigger_month``, with
    figures up to ``latest_month``; ``values`` maps 'YYYY-MM' to the value."""
    window = tuple(add_months(latest_month, -k) for k in range(months, -1, -1))
    got = tuple(values.get(m) for m in window)
    reasons: list[str] = []
    since = [m for m in window[1:] if m > trigger_month]
    if len(since) < months:
        reasons.append(
            f"only {len(since)} month{'s' if len(since) != 1 else ''} of figures since the "
            f"trigger in {trigger_month}: {months} are needed")
    for before_m, m, before, now in zip(window, window[1:], got, got[1:], strict=False):
        if before is None or now is None:
            reasons.append(f"no figure for {before_m if before is None else m}")
        elif worse(now, before, polarity):
            reasons.append(f"it declined in {m} ({before:g} to {now:g})")
    if latest_point_type == CONCERN:
        reasons.append(f"{latest_month} is a special cause of concern on the SPC chart")
    return RecoveryCheck(not reasons, tuple(dict.fromkeys(reasons)), window, got,
                         latest_point_type)
