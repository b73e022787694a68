"""Targets, tolerances and the scorecard's words.

The 2011 scorecard (BRIEF.md) shows per indicator a status ("Well Below
Target", "On Target"), the change "since last period" ("Improved") and the
polarity ("It's best to be high"). Lantern says the status as performance against
target ("Worse than target (lower is better)"; `status_for`), with the 2011 words
available as configuration. This module holds the configured targets
(package defaults in ``targets.yml``, overridable by a user file) and the small
pure functions that produce those words.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from lantern.assurance.inputs import better_sign

# The status against target says how *performance* compares with the target, so it
# reads the same whichever way an indicator points: re-referrals of 22.4% against a
# 20% target are "Worse than target (lower is better)", never "Below Target". The
# 2011 scorecard's words stay available as configuration (LANTERN_STATUS_WORDS=2011).
BETTER, ON, WORSE, WELL_WORSE = "better", "on", "worse", "well_worse"
BANDS: tuple[str, ...] = (BETTER, ON, WORSE, WELL_WORSE)
WORDINGS: dict[str, dict[str, str]] = {
    "plain": {BETTER: "Better than target", ON: "On target",
              WORSE: "Worse than target, within tolerance", WELL_WORSE: "Worse than target"},
    "2011": {BETTER: "Above Target", ON: "On Target", WORSE: "Below Target",
             WELL_WORSE: "Well Below Target"},
}
DEFAULT_WORDING = "plain"
POLARITY_TEXT = {"high": "higher is better", "low": "lower is better",
                 "neutral": "neither higher nor lower is better"}
WORDING_ENV = "LANTERN_STATUS_WORDS"

IMPROVED = "Improved"
DECLINED = "Declined"
NO_CHANGE = "No change"
UP = "Up"
DOWN = "Down"

_DECIMALS = 9  # differences are rounded to this many places before comparing (float noise)


@dataclass(frozen=True)
class Target:
    kpi_id: str
    target: float | None
    tolerance: float = 0.0
    source: str = ""


# --- words -------------------------------------------------------------------


def _gap(value: float, target: float, polarity: str) -> float:
    """How much better than target the value is (negative: worse), in the indicator's unit."""
    return round((value - target) * better_sign(polarity), _DECIMALS)


@dataclass(frozen=True)
class Status:
    """A value's standing against its target: ``band`` (one of `BANDS`) in ``word``s of
    the configured wording, and which way the indicator points."""

    band: str
    word: str
    polarity_text: str  # "higher is better" / "lower is better"
    wording: str

    @property
    def text(self) -> str:
        """What a person reads: "Worse than target (lower is better)". The 2011 words
        stand alone, as they did on that scorecard (its polarity was a line of its own)."""
        return self.word if self.wording == "2011" else f"{self.word} ({self.polarity_text})"

    @property
    def failing(self) -> bool:
        return self.band in (WORSE, WELL_WORSE)

    @property
    def severe(self) -> bool:
        return self.band == WELL_WORSE


def status_wording() -> str:
    """The configured wording (``LANTERN_STATUS_WORDS``: ``plain``, the default, or
    ``2011``)."""
    name = os.environ.get(WORDING_ENV, "").strip() or DEFAULT_WORDING
    if name not in WORDINGS:
        raise ValueError(f"{WORDING_ENV}={name!r}: expected one of {', '.join(WORDINGS)}")
    return name


def status_for(value: float | None, target: float | None, polarity: str, *,
               tolerance: float = 0.0, wording: str | None = None) -> Status | None:
    """The status of ``value`` against ``target``: the one definition the scorecard,
    the exceptions, the report and the web use.

    Let *gap* = how far the value is on the good side of the target (value − target
    when high is good, target − value when low is good) and *t* = ``tolerance`` (≥ 0,
    same unit):

    ==============  ==========================================  ===================
    band            plain wording (default)                     2011 wording
    ==============  ==========================================  ===================
    gap > t         Better than target                          Above Target
    0 ≤ gap ≤ t     On target                                   On Target
    −t ≤ gap < 0    Worse than target, within tolerance         Below Target
    gap < −t        Worse than target                           Well Below Target
    ==============  ==========================================  ===================

    Example (high is good, target 80, tolerance 5): 85.1 better, 85 and 80 on, 79.9
    and 75 worse within tolerance, 74.9 worse. With a zero tolerance every miss is
    plainly worse. None when there is no value, no target, or the polarity is neutral.
    Differences are rounded to 9 decimal places first, so float noise (80.3 − 0.3)
    does not move a value across a boundary.
    """
    if value is None or target is None or better_sign(polarity) == 0:
        return None
    if tolerance < 0:
        raise ValueError("tolerance must not be negative")
    gap = _gap(value, target, polarity)
    tol = round(tolerance, _DECIMALS)
    band = BETTER if gap > tol else ON if gap >= 0 else WORSE if gap >= -tol else WELL_WORSE
    name = wording or status_wording()
    return Status(band, WORDINGS[name][band], POLARITY_TEXT[polarity], name)


def status_text(value: float | None, target: Target | None, polarity: str) -> str | None:
    """`Status.text` of ``value`` against a configured target (None: no status)."""
    if target is None:
        return None
    got = status_for(value, target.target, polarity, tolerance=target.tolerance)
    return None if got is None else got.text


def status_bands() -> dict[str, str]:
    """Every status text any wording can show -> its band (for colouring tags)."""
    return {Status(band, words[band], text, name).text: band
            for name, words in WORDINGS.items() for band in BANDS
            for polarity, text in POLARITY_TEXT.items() if polarity != "neutral"}


def since_last_period(current: float | None, previous: float | None, polarity: str) -> str | None:
    """Change since the previous period: "Improved" / "Declined" / "No change" by
    polarity; for neutral indicators "Up" / "Down" / "No change". Equal values
    (to 9 decimal places) are "No change". None when either value is missing
    (the 2011 scorecard's "N/a")."""
    if current is None or previous is None:
        return None
    diff = round(current - previous, _DECIMALS)
    if diff == 0:
        return NO_CHANGE
    sign = better_sign(polarity)
    if sign == 0:
        return UP if diff > 0 else DOWN
    return IMPROVED if diff * sign > 0 else DECLINED


def benchmark_comparison(value: float | None, benchmark: float | None, polarity: str) -> str | None:
    """Compare with England or the statistical-neighbour average: "Better" / "Worse" /
    "Same" by polarity; for neutral indicators "Higher" / "Lower" / "Same"."""
    if value is None or benchmark is None:
        return None
    diff = round(value - benchmark, _DECIMALS)
    if diff == 0:
        return "Same"
    sign = better_sign(polarity)
    if sign == 0:
        return "Higher" if diff > 0 else "Lower"
    return "Better" if diff * sign > 0 else "Worse"


# --- configuration -------------------------------------------------------------


def _parse(doc: Any, origin: str) -> dict[str, Target | None]:
    if doc is None:
        return {}
    if not isinstance(doc, Mapping) or not isinstance(doc.get("targets", {}), Mapping):
        raise ValueError(f"{origin}: expected a mapping with a 'targets' mapping")
    out: dict[str, Target | None] = {}
    for kpi_id, entry in (doc.get("targets") or {}).items():
        if entry is None:
            out[str(kpi_id)] = None
            continue
        if not isinstance(entry, Mapping):
            raise ValueError(f"{origin}: {kpi_id}: expected a mapping, got {entry!r}")
        unknown = set(entry) - {"target", "tolerance", "source"}
        if unknown:
            raise ValueError(f"{origin}: {kpi_id}: unknown keys {sorted(unknown)}")
        target = entry.get("target")
        tolerance = entry.get("tolerance", 0) or 0
        if target is not None and not isinstance(target, int | float):
            raise ValueError(f"{origin}: {kpi_id}: target must be a number or null")
        if not isinstance(tolerance, int | float) or tolerance < 0 or math.isnan(tolerance):
            raise ValueError(f"{origin}: {kpi_id}: tolerance must be a number ≥ 0")
        out[str(kpi_id)] = Target(
            kpi_id=str(kpi_id),
            target=None if target is None else float(target),
            tolerance=float(tolerance),
            source=str(entry.get("source", origin)),
        )
    return out


def default_targets() -> dict[str, Target]:
    """The package defaults from ``targets.yml`` (only entries with a target)."""
    text = resources.files("lantern.assurance").joinpath("targets.yml").read_text("utf-8")
    parsed = _parse(yaml.safe_load(text), "targets.yml")
    return {k: t for k, t in parsed.items() if t is not None and t.target is not None}


def load_targets(path: str | Path | None = None) -> dict[str, Target]:
    """Package defaults overlaid by a user YAML file of the same shape.

    In the user file an entry replaces the default for that indicator;
    ``target: null`` (or an empty entry) removes the default; an omitted
    ``tolerance`` is 0.
    """
    targets = default_targets()
    if path is None:
        return targets
    p = Path(path)
    for kpi_id, t in _parse(yaml.safe_load(p.read_text("utf-8")), str(p)).items():
        if t is None or t.target is None:
            targets.pop(kpi_id, None)
        else:
            targets[kpi_id] = t
    return targets
