"""Synthetic authority simulator: child-level data for every canonical table.

    from lantern.synth import load_scenario, simulate
    data = simulate(load_scenario("torbay"), seed=42)

Children's journeys are simulated month by month (contact, referral, assessment,
section 47, conference, CP and CIN plans, care, permanence, leaving care) with staff,
allocation and supervision; the scenario's timeline carries the story.
"""

from .engine import simulate
from .scenario import ProcessChange, Scenario, Timeline, load_scenario

__all__ = ["ProcessChange", "Scenario", "Timeline", "load_scenario", "simulate"]
