"""Shared simulation state: scenario, random source, ids, people, staff and open cases."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import date

from .people import People, Person
from .records import S47, CarePeriod, CinPlan, CpPlan, Referral
from .sampling import Quotas, Rng
from .scenario import Scenario
from .sink import Ids, Sink
from .workforce import Workforce


@dataclass
class World:
    sc: Scenario
    rng: Rng
    ids: Ids
    sim_start: date
    end: date
    people: People
    staff: Workforce
    sink: Sink
    quotas: Quotas
    referrals: list[Referral] = field(default_factory=list)
    cin_plans: list[CinPlan] = field(default_factory=list)
    s47s: list[S47] = field(default_factory=list)
    cp_plans: list[CpPlan] = field(default_factory=list)
    cp_open: list[CpPlan] = field(default_factory=list)
    periods: list[CarePeriod] = field(default_factory=list)
    cla_open: list[CarePeriod] = field(default_factory=list)
    recent: deque[tuple[date, Person]] = field(default_factory=deque)  # referred < 1 year
    known: list[Person] = field(default_factory=list)  # every referred child
    # Children whose CP plan ended and who will be referred again: (date, seq, person).
    cp_returns: list[tuple[date, int, Person]] = field(default_factory=list)
    # Conferences waiting for the month they may be held in: month index -> enquiries.
    icpc_pending: dict[int, list[S47]] = field(default_factory=dict)  # in time possible
    icpc_late: dict[int, list[S47]] = field(default_factory=dict)  # decided late
    left_care: list[tuple[date, Person]] = field(default_factory=list)  # went home under 16
    seq: int = 0  # tie-breaker for the heaps
    cp_pressure: float = 1.0  # >1 when open plans are below the path (conferences lean to plans)
    adoption_credit: float = 0.0
