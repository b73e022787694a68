"""The monthly report's chain: draft → quality_checked → themes_added → endorsed → published.

Pure rules, read by the CLI and the web alike: who may take each step (configuration,
`chain.yml` or ``LANTERN_REPORT_CHAIN``), what a step needs (a reason to send back, the
headline themes), and the order. A refused move raises `Refused` with a sentence a person
can act on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from lantern.calendar import add_working_days

STATES: tuple[str, ...] = ("draft", "quality_checked", "themes_added", "endorsed", "published")
STATE_LABELS = {
    "draft": "Draft",
    "quality_checked": "Quality checked",
    "themes_added": "Headline themes added",
    "endorsed": "Endorsed",
    "published": "Published",
}
#: What the next step is called, as an action a person takes.
STEP_ACTIONS = {
    "quality_checked": "Confirm the quality check",
    "themes_added": "Add the headline themes",
    "endorsed": "Endorse the report",
    "published": "Publish the report",
}
#: What a report in each state is waiting for.
AWAITING = {
    "draft": "quality check",
    "quality_checked": "headline themes",
    "themes_added": "endorsement",
    "endorsed": "publication",
}
DEFAULT_CONFIG = Path(__file__).parent / "chain.yml"
WORKING_DAYS_TO_PRODUCE = 10  # "produced within ten working days of the 1st"


class Refused(Exception):
    """A move the chain does not allow; the message says why."""


@dataclass(frozen=True)
class ChainConfig:
    steps: dict[str, tuple[str, ...]]
    commentary_roles: tuple[str, ...]
    titles: dict[str, str]
    distribution_roles: tuple[str, ...]
    distribution_users: tuple[str, ...]
    officers_by_section: dict[str, str] = field(default_factory=dict)
    officers: dict[str, str] = field(default_factory=dict)

    def title(self, role: str) -> str:
        return self.titles.get(role, role.replace("_", " ").capitalize())


def _strings(raw: Any, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise ValueError(f"{where}: expected a list of names")
    return tuple(raw)


def parse_config(raw: dict[str, Any], source: str = "chain configuration") -> ChainConfig:
    steps_raw = raw.get("steps") or {}
    unknown = sorted(set(steps_raw) - set(STATES[1:]))
    if unknown:
        raise ValueError(f"{source}: unknown steps {unknown}; the steps are {list(STATES[1:])}")
    missing = [s for s in STATES[1:] if not steps_raw.get(s)]
    if missing:
        raise ValueError(f"{source}: no role may take the step(s) {missing}")
    dist = raw.get("distribution") or {}
    return ChainConfig(
        steps={s: _strings(steps_raw[s], f"{source} steps.{s}") for s in STATES[1:]},
        commentary_roles=_strings(raw.get("commentary_roles"), f"{source} commentary_roles"),
        titles={str(k): str(v) for k, v in (raw.get("titles") or {}).items()},
        distribution_roles=_strings(dist.get("roles"), f"{source} distribution.roles"),
        distribution_users=_strings(dist.get("users"), f"{source} distribution.users"),
        officers_by_section={str(k): str(v)
                             for k, v in (raw.get("officers_by_section") or {}).items()},
        officers={str(k): str(v) for k, v in (raw.get("officers") or {}).items()},
    )


@cache
def _load(path: str) -> ChainConfig:
    raw = yaml.safe_load(Path(path).read_text("utf-8")) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a mapping")
    return parse_config(raw, path)


def load_chain_config(path: Path | str | None = None) -> ChainConfig:
    """The chain's configuration: ``path`` if given, else the packaged default."""
    return _load(str(path or DEFAULT_CONFIG))


def due_date(month: str) -> date:
    """The report for ``month`` (YYYY-MM) is due ten working days after the 1st of the
    following month (working days as `calendar.py` counts them)."""
    year, mon = (int(p) for p in month.split("-"))
    first_of_next = date(year + mon // 12, mon % 12 + 1, 1)
    return add_working_days(first_of_next, WORKING_DAYS_TO_PRODUCE)


def is_late(month: str, state: str, today: date, published_on: date | None = None) -> bool:
    """Late: not published by the due date (a report published after it stays late)."""
    due = due_date(month)
    if state == "published" and published_on is not None:
        return published_on > due
    return today > due


@dataclass(frozen=True)
class Move:
    """An allowed move: forward one step, or back (with a reason) to an earlier state."""

    from_state: str
    to_state: str
    kind: str  # "advance" or "send_back"


def next_state(state: str) -> str | None:
    i = STATES.index(state)
    return STATES[i + 1] if i + 1 < len(STATES) else None


def send_back_roles(state: str, config: ChainConfig) -> tuple[str, ...]:
    """Who may send a report back from ``state``: the next step's roles (the reviewer)
    and the roles that took ``state`` itself (who may undo their own step)."""
    after = next_state(state)
    roles = list(config.steps.get(state, ()))
    if after is not None:
        roles += [r for r in config.steps[after] if r not in roles]
    return tuple(roles)


def check_move(state: str, to: str, role: str, comment: str, config: ChainConfig) -> Move:
    """The move from ``state`` to ``to`` by someone in ``role``, or `Refused` saying why."""
    if to not in STATES:
        raise Refused(f"there is no state {to!r}; the states are {', '.join(STATES)}")
    if state == "published":
        raise Refused("the report is published and frozen; a new load that moves the "
                      "figures makes a new draft edition")
    here, there = STATES.index(state), STATES.index(to)
    if there == here:
        raise Refused(f"the report is already {STATE_LABELS[state].lower()}")
    if there > here + 1:
        raise Refused(f"out of order: the report is {STATE_LABELS[state].lower()}; the "
                      f"next step is {STATE_LABELS[STATES[here + 1]].lower()}")
    if there < here:
        return _send_back(state, to, role, comment, config)
    allowed = config.steps[to]
    if role not in allowed:
        raise Refused(f"{STATE_LABELS[to].lower()} is a step for "
                      f"{' or '.join(config.title(r) for r in allowed)}, not "
                      f"{config.title(role)}")
    if to == "themes_added" and not comment.strip():
        raise Refused("adding the headline themes needs the themes: write them as the comment")
    return Move(state, to, "advance")


def _send_back(state: str, to: str, role: str, comment: str, config: ChainConfig) -> Move:
    if not comment.strip():
        raise Refused("sending a report back needs a reason: say what must change")
    allowed = send_back_roles(state, config)
    if role not in allowed:
        raise Refused(f"only {' or '.join(config.title(r) for r in allowed)} may send the "
                      f"report back from {STATE_LABELS[state].lower()}")
    return Move(state, to, "send_back")


def allowed_moves(state: str, role: str, config: ChainConfig) -> list[Move]:
    """The moves open to ``role`` now (a send back also needs a reason when taken)."""
    out = []
    for to in STATES:
        try:
            out.append(check_move(state, to, role, "reason given", config))
        except Refused:
            continue
    return out
