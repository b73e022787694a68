"""The journey objects the simulation creates; they become table rows at the end."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from datetime import date as Date  # `Referral.date` shadows the type name

from .people import Person


@dataclass
class Assessment:
    aid: str
    start: date
    auth: date
    seen: bool
    nfa: bool
    team: str | None = None
    worker: str | None = None


@dataclass
class Referral:
    rid: str
    person: Person
    date: Date
    source: str
    need: str
    nfa: bool
    assessment: Assessment | None = None
    close: Date | None = None  # None: still open (or not decided yet)
    close_reason: str | None = None
    outcome: str = ""

    def close_on(self, d: Date, reason: str) -> None:
        """Close the episode on ``d``, or when its assessment is authorised if that is
        later: an episode is not closed with its assessment still open (DfE 8867)."""
        auth = self.assessment.auth if self.assessment is not None else d
        self.close, self.close_reason = max(d, auth), reason


@dataclass
class CinPlan:
    cid: str
    person: Person
    referral: Referral
    start: date
    end: date


@dataclass
class S47:
    sid: str
    referral: Referral
    start: date
    end: date | None
    icpc_id: str | None = None
    icpc_date: date | None = None
    icpc_target: date | None = None
    plan_id: str | None = None
    # Candidate conference dates: in time (<= 15 working days) and late; the month's
    # quota on conferences held picks one (protection.hold_conferences).
    on_time: date | None = None
    late: date | None = None


@dataclass
class CpPlan:
    cid: str
    person: Person
    referral: Referral
    s47: S47
    start: date
    category: str
    latest_category: str
    previous: int
    end: date | None = None


@dataclass
class AdoptionPlan:
    adm: date
    placement_order: date
    matched: date
    placed: date
    order: date
    reversed: date | None = None
    with_carer: bool = False


# (date, legal status or None, placement type or None, same carer, change reason)
CareEvent = tuple[date, str | None, str | None, bool, str | None]


@dataclass
class CarePeriod:
    cla_id: str
    person: Person
    referral: Referral
    start: date
    need: str
    natural_end: date  # 18th birthday, adoption order or end of remand
    natural_rec: str
    events: list[CareEvent] = field(default_factory=list)
    adoption: AdoptionPlan | None = None
    end: date | None = None
    rec: str | None = None

    def place_on(self, d: date) -> str:
        place = ""
        for ev in self.events:
            if ev[0] > d:
                break
            if ev[2] is not None:
                place = ev[2]
        return place
