"""The caseload distribution per team and the social workers over the caseload limit, on
a date: what the workforce page charts beside `sw_caseload_avg` and
`sw_caseload_over_limit_pct`.

Both read the derived facts (`lantern.facts.case_holders`): a case holder is a social
worker (a social-work job title) in post on the date with at least one child whose
``SW`` involvement is open that day, counted in the team of their professional record —
the population of KPIS.md's workforce indicators. Nothing here is an indicator: the
bands are the distribution behind them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import duckdb

from lantern import facts
from lantern.casework.caseload import Team
from lantern.casework.caseload import teams as all_teams
from lantern.config import get_settings

#: KPIS.md's default caseload limit (`sw_caseload_over_limit_pct`: over 20 children).
CASELOAD_LIMIT = 20


@dataclass(frozen=True)
class OverLimit:
    """A social worker holding more children than the limit."""

    worker_id: str
    name: str
    team_id: str | None
    team_name: str
    caseload: int


@dataclass(frozen=True)
class TeamBands:
    team_id: str
    team_name: str
    service_id: str | None
    counts: tuple[int, ...]  # social workers per band, in `CaseloadBands.labels` order

    @property
    def workers(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class CaseloadBands:
    on: date
    limit: int
    labels: tuple[str, ...]
    teams: tuple[TeamBands, ...]
    over_limit: tuple[OverLimit, ...]  # highest caseload first

    @property
    def totals(self) -> tuple[int, ...]:
        return tuple(sum(t.counts[n] for t in self.teams) for n in range(len(self.labels)))


def band_labels(bounds: Sequence[int]) -> tuple[str, ...]:
    """Bands from their upper bounds: [5, 10] -> "1 to 5", "6 to 10", "11 or more"."""
    lows = [1, *(b + 1 for b in bounds)]
    return (*(f"{lo} to {hi}" for lo, hi in zip(lows, bounds, strict=False)),
            f"{lows[-1]} or more")


def band_of(caseload: int, bounds: Sequence[int]) -> int:
    """The band a caseload of at least 1 falls in: the first whose bound it does not
    exceed (a caseload equal to a bound is in that band), else the last."""
    return next((n for n, b in enumerate(bounds) if caseload <= b), len(bounds))


def caseload_bands(con: duckdb.DuckDBPyConnection, on: date, bounds: Sequence[int], *,
                   limit: int = CASELOAD_LIMIT,
                   titles: Sequence[str] | None = None) -> CaseloadBands:
    """Social workers per caseload band in each team with a case holder on ``on``, and
    those over ``limit`` by name. ``titles``: the social-work job titles (default: the
    configured ones, `lantern.config.Settings.social_work_titles`)."""
    w = facts.source(con)
    holders = facts.case_holders(w, on, roles=(facts.SOCIAL_WORKER,))
    holders = holders.filter(facts.is_social_worker(
        holders.job_title, titles if titles is not None else get_settings().social_work_titles))
    p = w.t("ssd_professionals").select(_w="prof_professional_id",
                                        name="prof_professional_name")
    named = holders.left_join(p, holders.worker_id == p._w)
    rows = facts.records(w, named.select("worker_id", "name", "team_id", "caseload"))
    names = {t.team_id: t for t in all_teams(con)}
    counts: dict[str | None, list[int]] = {}
    over = []
    for r in rows:
        n, team = int(r["caseload"]), r["team_id"]
        counts.setdefault(team, [0] * (len(bounds) + 1))[band_of(n, bounds)] += 1
        if n > limit:
            team_name = names[team].name if team in names else "No team recorded"
            over.append(OverLimit(str(r["worker_id"]), str(r["name"] or r["worker_id"]),
                                  team, team_name, n))
    out = tuple(TeamBands(str(t), names[t].name if t in names else "No team recorded",
                          names[t].service_id if t in names else None, tuple(c))
                for t, c in sorted(counts.items(), key=lambda kv: _team_order(kv[0], names)))
    return CaseloadBands(on, limit, band_labels(bounds), out,
                         tuple(sorted(over, key=lambda o: (-o.caseload, o.name, o.worker_id))))


def _team_order(team: str | None, names: dict[str, Team]) -> tuple[int, str]:
    """Named teams alphabetically, then workers whose record names no known team."""
    found = names.get(team or "")
    return (0, found.name) if found else (1, "")
