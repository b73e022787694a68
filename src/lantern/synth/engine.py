"""The month-by-month simulation: arrivals, the stock controllers that keep child
protection and looked-after numbers on the scenario's path, then rendering to Arrow."""

from __future__ import annotations

import heapq
import math
from datetime import date, timedelta

import pyarrow as pa

from lantern.calendar import add_months, add_working_days, working_day_on_or_before

from . import care, frontdoor, protection
from .local import render_local
from .people import People, Person
from .records import S47, Assessment, Referral
from .sampling import Quotas, Rng, Table
from .scenario import Scenario
from .sink import Ids, Sink
from .workforce import Workforce, month_bounds
from .world import World

CP_AGE = Table([(0, 16.0)] + [(a, 6.0) for a in range(1, 5)] + [(a, 5.0) for a in range(5, 10)]
               + [(a, 4.0) for a in range(10, 16)] + [(16, 2.0), (17, 1.0)])
CLA_STOCK_AGE = Table([(0, 4.0)] + [(a, 3.75) for a in range(1, 5)]
                      + [(a, 4.0) for a in range(5, 10)] + [(a, 6.7) for a in range(10, 16)]
                      + [(16, 11.0), (17, 10.0)])


REENTRY_QUOTA = 200_000  # Quotas keys: month indexes are below this


class Simulation:
    def __init__(self, scenario: Scenario, seed: int, start: date, end: date) -> None:
        rng = Rng(seed)
        ids = Ids()
        self.sim_start = date(start.year - scenario.burn_in_years, start.month, 1)
        self.end = end
        self.seed = seed
        staff = Workforce(scenario, rng, ids, self.sim_start, end)
        self.w = World(sc=scenario, rng=rng, ids=ids, sim_start=self.sim_start, end=end,
                       people=People(rng, ids, scenario.la_code), staff=staff,
                       sink=Sink(end), quotas=Quotas(rng))
        self.cp_noise = 0.0
        self.cla_noise = 0.0

    # --- run ------------------------------------------------------------------------
    def run(self) -> dict[str, pa.Table]:
        self.seed_stock()
        first = self.sim_start
        while first <= self.end:
            _, last = month_bounds(first)
            self.month(first, min(last, self.end))
            first = last + timedelta(days=1)
        self.finalise()
        return self.render()

    def month(self, first: date, last: date) -> None:
        w, sc, rng = self.w, self.w.sc, self.w.rng
        lam = sc.rate("referrals_per_year") / 12 * sc.at("referral_multiplier", first)
        days = sorted(rng.day_in_month(first, last) for _ in range(rng.poisson(lam)))
        for d in days:
            frontdoor.referral(w, d)
        frontdoor.extra_contacts(w, first, last,
                                 rng.poisson(len(days) * sc.rate("extra_contacts_per_referral")))
        self.cp_returns(last)
        protection.hold_conferences(w, first, last)
        self.care_flows(first, last)
        self.cp_flows(first, last)
        frontdoor.exploitation_assessments(w, first, last)

    # --- children whose CP plan ended, referred again -----------------------------------
    def cp_returns(self, last: date) -> None:
        w, rng = self.w, self.w.rng
        while w.cp_returns and w.cp_returns[0][0] <= last:
            d, _, p = heapq.heappop(w.cp_returns)
            if p.in_care or p.age(d) >= 17:
                continue
            if frontdoor.available(p, d) and (p.last_referral is None or p.last_referral < d):
                frontdoor.referral(w, d, p, returning=True)
                continue
            retry = d + timedelta(days=rng.randint(30, 120))  # busy: referred later
            if retry <= w.end and p.age(retry) < 17:
                w.seq += 1
                heapq.heappush(w.cp_returns, (retry, w.seq, p))

    # --- looked after: exits at 18 / adoption, then entries and step-downs to the path ---
    def care_flows(self, first: date, last: date) -> None:
        w, sc, rng = self.w, self.w.sc, self.w.rng
        for period in [p for p in w.cla_open if p.natural_end <= last]:
            care.leave_care(w, period, max(period.natural_end, period.start + timedelta(days=1)),
                            period.natural_rec)
        self.cla_noise = 0.85 * self.cla_noise + rng.gauss(0, 2.5 * math.sqrt(sc.scale))
        target = sc.at("cla_target", first) + self.cla_noise
        base = rng.poisson(sc.rate("cla_entries_per_year") / 12)
        gap = target - (len(w.cla_open) + base)
        entries = base + max(0, math.ceil(gap / 2))
        w.adoption_credit = min(3.0 * max(1.0, sc.scale), w.adoption_credit
                                + sc.rate("adoptions_per_year") / 12
                                / (1 - sc.rate("adoption_reversed")))
        for d in sorted(rng.day_in_month(first, last) for _ in range(entries)):
            self.care_entry(d)
        if gap < 0:
            self.step_down_from_care(first, last, round(-gap))

    def care_entry(self, d: date) -> None:
        w, sc, rng = self.w, self.w.sc, self.w.rng
        if rng.chance(sc.rate("uasc_share_of_entries")):
            person = w.people.child(d, age=rng.choice((15, 16, 16, 17)), uasc=True)
            ref = frontdoor.referral(w, d, person, for_care=True)
            care.enter_care(w, d, person, ref, "uasc")
            return
        # Re-entries are few, so a quota (not a coin) keeps their share steady.
        if w.quotas.draw(REENTRY_QUOTA, sc.rate("cla_reentry", 0.085)):
            back = care.returning_child(w, d)
            if back is not None:
                ref = frontdoor.referral(w, d - timedelta(days=rng.randint(0, 14)), back,
                                         for_care=True)
                care.enter_care(w, d, back, ref, "new")
                return
        if rng.chance(sc.rate("cla_from_cp_plan")):
            plans = [p for p in w.cp_open
                     if p.start <= d - timedelta(days=30) and p.person.age(d) < 17]
            if plans:
                plan = plans[rng.randrange(len(plans))]
                protection.end_cp_plan(w, plan, d, into_care=True)
                care.enter_care(w, d, plan.person, plan.referral, "cp")
                return
        person = w.people.child(d, age=care.ENTRY_AGE.draw(rng))
        ref_day = max(person.dob, d - timedelta(days=rng.randint(0, 14)))
        ref = frontdoor.referral(w, ref_day, person, for_care=True)
        care.enter_care(w, d, person, ref, "new")

    def step_down_from_care(self, first: date, last: date, n: int) -> None:
        w, rng = self.w, self.w.rng
        pool = [(p, care.exit_weight(p, last)) for p in w.cla_open]
        pool = [(p, wt) for p, wt in pool if wt > 0 and p.start < last - timedelta(days=21)]
        for _ in range(min(n, len(pool))):
            period = rng.pick(pool)
            pool = [(p, wt) for p, wt in pool if p is not period]
            d = rng.day_in_month(max(first, period.start + timedelta(days=21)), last)
            care.leave_care(w, period, d, care.discretionary_exit_reason(rng, period, d))
            if not pool:
                return

    # --- child protection: plans end at review conferences to follow the path ----------
    def cp_flows(self, first: date, last: date) -> None:
        w, sc, rng = self.w, self.w.sc, self.w.rng
        self.cp_noise = 0.85 * self.cp_noise + rng.gauss(0, 2.5 * math.sqrt(sc.scale))
        target = sc.at("cp_plans_target", first) + self.cp_noise
        open_now = [p for p in w.cp_open if p.start <= last]
        ending: list[protection.CpPlan] = []
        need = len(open_now) - round(target)
        ready = [p for p in open_now if p.start <= last - timedelta(days=80)]
        for plan in ready:  # very long plans are ended regardless of the path
            if (last - plan.start).days > 900 and rng.chance(0.3):
                ending.append(plan)
        for plan in open_now:  # a plan cannot outlast childhood
            if plan.person.birthday(18) <= last and plan not in ending:
                ending.append(plan)
        pool = [(p, min(24.0, (last - p.start).days / 30.4) + 2.0) for p in ready
                if p not in ending]
        for _ in range(max(0, need - len(ending))):
            if not pool:
                break
            plan = rng.pick(pool)
            pool = [(p, wt) for p, wt in pool if p is not plan]
            ending.append(plan)
        for plan in ending:
            lo = max(first, plan.start + timedelta(days=1))
            if lo > last:  # started on the month's last day: ends next month at the earliest
                continue
            d = max(lo, min(rng.day_in_month(lo, last), plan.person.birthday(18)))
            protection.end_cp_plan(w, plan, d)
        # Conferences lean towards plans when numbers are below the path, and away above it.
        nxt = sc.at("cp_plans_target", last + timedelta(days=1))
        count = len(open_now) - len(ending)
        w.cp_pressure = min(2.0, max(0.5, 1 + 2.0 * (nxt - count) / max(nxt, 1.0)))

    # --- initial stock: children already on plans and in care when the run starts -------
    def seed_stock(self) -> None:
        w, sc, rng = self.w, self.w.sc, self.w.rng
        s0 = self.sim_start
        for _ in range(round(sc.at("cp_plans_target", s0))):
            start = s0 - timedelta(days=min(700, round(rng.expovariate(1 / 270))) + 1)
            self.seed_cp_plan(w.people.child(start, age=CP_AGE.draw(rng)), start)
        for _ in range(round(sc.at("cla_target", s0))):
            age = CLA_STOCK_AGE.draw(rng)
            person = w.people.child(s0, age=age)
            in_care = min((s0 - person.dob).days - 1, round(rng.expovariate(1 / 900)))
            entered = s0 - timedelta(days=max(1, in_care))
            ref = self.seed_referral(person, max(person.dob, entered - timedelta(days=7)))
            ref.outcome = "Looked after"
            if person.age(entered) < 4 and (s0 - entered).days < 240 and rng.chance(0.4):
                w.adoption_credit = 1.0
            care.enter_care(w, entered, person, ref, "new")
            w.adoption_credit = 0.0

    def seed_referral(self, person: Person, d: date) -> Referral:
        w = self.w
        ref = Referral(w.ids.next("REF"), person, d, frontdoor.SOURCE.draw(w.rng), "N1", False)
        ref.assessment = Assessment(w.ids.next("ASM"), d, add_working_days(d, 20), True, False)
        frontdoor.note_referral(w, person, d)
        w.referrals.append(ref)
        return ref

    def seed_cp_plan(self, person: Person, start: date) -> None:
        w, rng = self.w, self.w.rng
        s47_start = start - timedelta(days=rng.randint(15, 30))
        ref = self.seed_referral(person, max(person.dob, s47_start - timedelta(days=3)))
        ref.outcome = "Section 47 enquiry"
        # The plan was drawn on any day; its conference (and so its recorded start, see
        # protection.render_cp_plan) is the last working day on or before it (DfE 8875).
        # The flows keep the drawn day so that the story after it is unchanged.
        held = working_day_on_or_before(start)
        s47 = S47(w.ids.next("S47"), ref, max(s47_start, ref.date), end=held,
                  icpc_id=w.ids.next("ICPC"), icpc_date=held,
                  icpc_target=add_working_days(max(s47_start, ref.date), 15))
        w.s47s.append(s47)
        protection.cp_plan(w, s47, start)
        person.stages.append((ref.date, s47.start, "front_door", ref.rid))

    # --- finish ---------------------------------------------------------------------
    def finalise(self) -> None:
        w = self.w
        for plan in w.cp_open:
            plan.person.stages.append((plan.s47.start, None, "safeguarding", plan.referral.rid))
        for period in w.cla_open:
            p = period.person
            p.stages.append((period.start, None, "cared_for", period.referral.rid))
            transition = add_months(p.dob, 189)  # personal adviser from 15 years 9 months
            if transition <= self.end:
                p.stages.append((max(period.start, transition), None, "care_experienced",
                                 period.referral.rid))
        w.staff.allocate_stages(w.people.all)

    def render(self) -> dict[str, pa.Table]:
        w = self.w
        w.people.render(w.sink)
        frontdoor.render(w)
        protection.render(w)
        care.render(w)
        w.staff.render(w.sink)
        render_local(w, self.seed)
        return w.sink.tables()


def simulate(scenario: Scenario, seed: int = 42, start: date | None = None,
             end: date | None = None) -> dict[str, pa.Table]:
    """Every canonical table for a synthetic authority, deterministic for the seed.

    `start`/`end` default to the scenario's months; the run begins `burn_in_years`
    before `start` so the first reported month already has children on plans and in
    care (that history is kept). Nothing is dated after `end`."""
    first = start or scenario.start
    last = end or month_bounds(scenario.end)[1]
    return Simulation(scenario, seed, first, last).run()
