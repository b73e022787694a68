"""Scenario: the parameters of one synthetic authority, loaded from YAML.

A scenario holds base rates, piecewise-linear timelines (the "story") and the team
structure. `scaled` changes the population and with it every count-like parameter, so
a user can simulate a large authority from the Torbay-sized default.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from lantern.months import Month
from lantern.months import index_of as month_index

# Timelines whose values are counts (scaled with population); the rest are rates.
COUNT_TIMELINES = ("cp_plans_target", "cla_target", "exploitation_per_year")
# Rates that are counts per year and so scale with population.
COUNT_RATES = ("referrals_per_year", "cla_entries_per_year", "adoptions_per_year")


def parse_month(text: str | date) -> date:
    """'YYYY-MM' (or 'YYYY-MM-DD', or a date) -> the first day of that month."""
    return Month.parse(text).first


def month_last_day(text: str | date) -> date:
    """'YYYY-MM' (or a date) -> the last day of that month."""
    return Month.parse(text).last


@dataclass(frozen=True)
class Timeline:
    """A parameter that moves piecewise-linearly between monthly points."""

    points: tuple[tuple[int, float], ...]

    @classmethod
    def from_mapping(cls, spec: dict[str, float]) -> Timeline:
        pts = sorted((month_index(parse_month(k)), float(v)) for k, v in spec.items())
        if not pts:
            raise ValueError("a timeline needs at least one point")
        return cls(tuple(pts))

    def at(self, d: date) -> float:
        """Value in the month containing d (interpolated by whole months)."""
        m = month_index(d)
        pts = self.points
        if m <= pts[0][0]:
            return pts[0][1]
        for (m0, v0), (m1, v1) in itertools.pairwise(pts):
            if m <= m1:
                return v0 + (v1 - v0) * (m - m0) / (m1 - m0)
        return pts[-1][1]

    def times(self, factor: float) -> Timeline:
        return Timeline(tuple((m, v * factor) for m, v in self.points))


@dataclass(frozen=True)
class ProcessChange:
    """A dated change in practice (e.g. a deep dive) that later layers annotate."""

    date: date
    label: str


@dataclass(frozen=True)
class TeamSpec:
    service: str
    team: str
    social_workers: int


@dataclass(frozen=True)
class Scenario:
    la_code: str
    la_name: str
    population_0_17: int
    start: date  # first day of the first reported month
    end: date  # LAST day of the last reported month: the data run to the end of it
    burn_in_years: int
    rates: dict[str, float]
    timeline: dict[str, Timeline]
    process_changes: tuple[ProcessChange, ...] = ()
    teams: tuple[TeamSpec, ...] = ()
    scale: float = 1.0  # multiplier already applied to counts, relative to the file
    source: str = field(default="", compare=False)

    def rate(self, name: str, default: float | None = None) -> float:
        """A base rate; `default` serves scenario files written before the rate existed."""
        if default is not None:
            return self.rates.get(name, default)
        return self.rates[name]

    def at(self, name: str, d: date) -> float:
        return self.timeline[name].at(d)

    def headcount(self, spec: TeamSpec) -> int:
        # At least two workers a team so that allocation always finds someone.
        return max(2, round(spec.social_workers * self.scale))

    def authority(self) -> dict[str, Any]:
        """The authority's settings as the warehouse keeps them
        (`warehouse.meta.write_authority`): its code, name, population and the months of
        its process changes."""
        return {"la_code": self.la_code, "la_name": self.la_name,
                "population": self.population_0_17,
                "process_changes": [(f"{c.date:%Y-%m}", c.label)
                                    for c in self.process_changes]}

    def scaled(self, children: int) -> Scenario:
        """The same authority with `children` aged 0-17; every flow scales with it."""
        factor = children / self.population_0_17
        rates = {k: v * factor if k in COUNT_RATES else v for k, v in self.rates.items()}
        timeline = {
            k: t.times(factor) if k in COUNT_TIMELINES else t for k, t in self.timeline.items()
        }
        return dataclasses.replace(
            self,
            population_0_17=children,
            rates=rates,
            timeline=timeline,
            scale=self.scale * factor,
        )


def _teams(spec: dict[str, list[dict[str, Any]]]) -> tuple[TeamSpec, ...]:
    return tuple(
        TeamSpec(service, str(t["team"]), int(t["social_workers"]))
        for service, teams in spec.items()
        for t in teams
    )


def scenario_from_dict(raw: dict[str, Any], source: str = "") -> Scenario:
    return Scenario(
        la_code=str(raw["la_code"]),
        la_name=str(raw["la_name"]),
        population_0_17=int(raw["population_0_17"]),
        start=parse_month(raw["start"]),
        end=month_last_day(raw["end"]),
        burn_in_years=int(raw.get("burn_in_years", 3)),
        rates={k: float(v) for k, v in raw["rates"].items()},
        timeline={k: Timeline.from_mapping(v) for k, v in raw["timeline"].items()},
        process_changes=tuple(
            ProcessChange(date.fromisoformat(str(p["date"])), str(p["label"]))
            for p in raw.get("process_changes", [])
        ),
        teams=_teams(raw["workforce"]),
        source=source,
    )


def load_scenario(name_or_path: str | Path = "torbay") -> Scenario:
    """A packaged scenario by name ("torbay") or a YAML file a user copied and edited."""
    path = Path(name_or_path)
    if path.suffix in (".yml", ".yaml") or path.exists():
        text = path.read_text("utf-8")
        source = str(path)
    else:
        res = resources.files(__package__).joinpath("scenarios", f"{name_or_path}.yml")
        if not res.is_file():
            raise FileNotFoundError(f"no packaged scenario {name_or_path!r}")
        text = res.read_text("utf-8")
        source = f"lantern.synth/scenarios/{name_or_path}.yml"
    return scenario_from_dict(yaml.safe_load(text), source)
