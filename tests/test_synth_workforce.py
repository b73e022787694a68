"""Case allocation in the simulator: every stage of a child's journey keeps an allocated
worker, and the fallbacks that make sure of it draw no random number (so a seed's other
figures stay as they were)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lantern.synth import load_scenario
from lantern.synth.people import Person
from lantern.synth.sampling import Rng
from lantern.synth.sink import Ids
from lantern.synth.workforce import Workforce

SIM_START, END = date(2016, 4, 1), date(2024, 3, 31)


@pytest.fixture
def staff() -> Workforce:
    return Workforce(load_scenario("torbay"), Rng(5), Ids(), SIM_START, END)


def _child(stages: list[tuple[date, date | None, str, str | None]]) -> Person:
    return Person(pid="P1", dob=date(2008, 1, 1), sex="M", ethnicity="WBRI", stages=stages)


def test_care_carries_on_after_a_referral_that_began_the_same_day(staff: Workforce) -> None:
    # Taken into care on the day of a referral whose assessment ends 100 days later: the
    # care stage sorts first and the referral's cuts it to nothing; once the assessment
    # ends the looked-after child must have a social worker again (demo SW01 errors).
    day = date(2019, 5, 1)
    assessed = day + timedelta(days=100)
    child = _child([(day, None, "cared_for", "R1"), (day, assessed, "front_door", "R1")])
    staff.allocate_stages([child])
    for on in (assessed + timedelta(days=1), date(2022, 6, 30), END):
        worker = staff.allocated("P1", on)
        assert worker is not None and worker.service == "cared_for", on
    after = [i for i in staff.involvements if i[4] >= assessed]
    assert after[0][4] == assessed and after[0][6] == "TSPROC"


def test_a_stage_before_any_worker_started_is_allocated_from_the_first_starter(
        staff: Workforce) -> None:
    first_start = min(w.start for w in staff.workers if w.service == "cared_for")
    begun = first_start - timedelta(days=400)
    state = staff.own.getstate()
    staff.allocate_stages([_child([(begun, None, "cared_for", "R1")])])
    assert staff.own.getstate() == state  # no random draw from the allocation stream
    assert min(i[4] for i in staff.involvements) == first_start
    assert staff.allocated("P1", END) is not None
    assert staff.allocated("P1", first_start - timedelta(days=1)) is None


def _month_starts(first: date, last: date) -> list[date]:
    out = [first.replace(day=1)]
    while out[-1] < last.replace(day=1):
        out.append((out[-1] + timedelta(days=32)).replace(day=1))
    return out


@pytest.mark.parametrize("agency", [False, True])
def test_leavers_follow_the_turnover_timeline_month_by_month(staff: Workforce,
                                                              agency: bool) -> None:
    # Seeds: turnover 26 % (Sept 2020) -> about 15 %; a coin a worker a month puts a
    # year's leavers 4 or 5 away from the rate (±4 points on ~110 FTE). The accumulator
    # keeps the leavers so far within one of what the timeline owes, every month.
    sc = load_scenario("torbay")
    factor = 2.0 if agency else 1.0
    sw = [w for w in staff.workers if w.agency == agency]
    owed = left = 0.0
    for first in _month_starts(SIM_START, END):
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        held = sum(w.start <= first and (w.end is None or w.end >= first) for w in sw)
        owed += held * (1 - (1 - sc.at("worker_turnover", first) * factor) ** (1 / 12))
        left += sum(w.end is not None and first <= w.end <= last for w in sw)
        assert -1.0 < owed - left < 1.0, (first, owed, left)


def test_agency_starters_follow_the_agency_share(staff: Workforce) -> None:
    # Seeds: agency rate 6.0 % at 01/10/2023: the share of starters who are agency is the
    # timeline's, to within one starter over the whole run (error diffusion).
    # The recruitment drive's first holders are permanent by definition.
    sc = load_scenario("torbay")
    starters = [w for _, _, holders in staff.posts for i, w in enumerate(holders)
                if i > 0 or w.start < SIM_START]
    recruited = [h[0] for _, _, h in staff.posts if h and h[0].start >= SIM_START]
    assert recruited and not any(w.agency for w in recruited)
    expected = sum(sc.at("agency_share", w.start) for w in starters)
    assert abs(sum(w.agency for w in starters) - expected) < 1.0


def test_staffing_draws_nothing_from_the_simulation_stream() -> None:
    # Tuning the workforce (turnover, agency, recruitment) must not move the children's
    # journeys: the simulation's stream is as it was before the staff were built.
    rng = Rng(5)
    state = rng.getstate()
    Workforce(load_scenario("torbay"), rng, Ids(), SIM_START, END)
    assert rng.getstate() == state
