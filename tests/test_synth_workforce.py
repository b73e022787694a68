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
