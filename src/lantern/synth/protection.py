"""Child protection: strategy discussion -> section 47 -> ICPC -> CP plan; CIN plans."""

from __future__ import annotations

import heapq
import json
from datetime import date, timedelta

from lantern.calendar import add_months, add_working_days, subtract_working_days, wd

from .people import FAR_FUTURE, Person
from .records import S47, CinPlan, CpPlan, Referral
from .sampling import Table
from .scenario import month_index
from .workforce import month_bounds
from .world import World

CATEGORY = Table([("NEG", 50.0), ("EMO", 34.0), ("PHY", 8.0), ("SAB", 4.0), ("MUL", 4.0)])


# --- section 47 and conference ------------------------------------------------------
def strategy_discussion(w: World, ref: Referral, icpc_chance: float | None = None) -> S47:
    """Strategy discussion starts a section 47 enquiry; some go to an initial conference.

    `icpc_chance` overrides the scenario's rate (children returning after a plan)."""
    rng, sc = w.rng, w.sc
    assert ref.assessment is not None
    start = min(ref.date + timedelta(days=rng.randint(0, 6)), ref.assessment.auth)
    s47 = S47(w.ids.next("S47"), ref, start, end=None)
    w.s47s.append(s47)
    p_icpc = sc.rate("icpc_per_s47") * sc.at("icpc_per_s47_multiplier", start) * w.cp_pressure
    if rng.chance(min(0.9, p_icpc) if icpc_chance is None else icpc_chance):
        propose_conference(w, s47)
        return s47
    s47.end = add_working_days(start, rng.randint(4, 15))
    if rng.chance(0.35):
        cin_plan(w, ref, max(s47.end, ref.assessment.auth))
    else:
        close_safeguarding(ref, max(s47.end, ref.assessment.auth), "RC7", start)
    return s47


def propose_conference(w: World, s47: S47) -> None:
    """An initial conference is needed: draw the date it would be held in time (7-15
    working days after the s47 start) and the date it would be held late (mostly a few
    days late). `hold_conferences` picks one when the month is simulated."""
    rng = w.rng
    s47.icpc_target = add_working_days(s47.start, 15)
    s47.on_time = add_working_days(s47.start, rng.randint(7, 15))
    s47.late = add_working_days(
        s47.start, rng.randint(16, 19) if rng.chance(0.8) else rng.randint(20, 30))
    s47.end = s47.on_time  # provisional: after the end of the data it stays unknown
    w.icpc_pending.setdefault(month_index(s47.on_time), []).append(s47)


def hold_conferences(w: World, first: date, last: date) -> None:
    """The month's initial conferences, with a quota on those HELD in the month: of the
    conferences that could be held in time this month, as many are held in time as
    brings the month's share (with late ones arriving from earlier enquiries) closest
    to the story's `icpc_in_time`. Late ones falling after the month wait for their own
    month, where they count as late."""
    rng = w.rng
    m = month_index(first)
    cands = w.icpc_pending.pop(m, [])
    arrived = w.icpc_late.pop(m, [])
    target = w.sc.at("icpc_in_time", first)
    rng.shuffle(cands)
    late_in_month = [s.late is not None and s.late <= last for s in cands]
    best_k, best_err = len(cands), 2.0
    for k in range(len(cands) + 1):
        den = k + len(arrived) + sum(late_in_month[k:])
        err = abs(k / den - target) if den else 0.0
        if err < best_err - 1e-9:
            best_k, best_err = k, err
    held: list[tuple[date, S47]] = [(s.late, s) for s in arrived if s.late is not None]
    for i, s in enumerate(cands):
        assert s.on_time is not None and s.late is not None
        if i < best_k:
            held.append((s.on_time, s))
        elif late_in_month[i]:
            held.append((s.late, s))
        else:
            s.end = s.late
            w.icpc_late.setdefault(month_index(s.late), []).append(s)
    for d, s in sorted(held, key=lambda h: (h[0], h[1].sid)):
        initial_conference(w, s, d)


def initial_conference(w: World, s47: S47, held: date) -> None:
    """The conference is held: a CP plan, a CIN plan or closure."""
    rng, sc = w.rng, w.sc
    s47.end = held
    ref = s47.referral
    if held > w.end:
        return  # conference not held yet at the end of the data
    s47.icpc_id = w.ids.next("ICPC")
    s47.icpc_date = held
    p_plan = sc.rate("plan_per_icpc") * sc.at("plan_per_icpc_multiplier", held)
    if rng.chance(min(0.97, p_plan)):
        cp_plan(w, s47, held)
    elif rng.chance(0.7):
        cin_plan(w, ref, held)
    else:
        close_safeguarding(ref, held, "RC7", s47.start)


def cp_plan(w: World, s47: S47, start: date) -> CpPlan:
    """A plan starts. `previous` (NumberOfPreviousCPP) counts the child's earlier plans in
    the simulation and, for a first plan here, plans before the simulation began (likely
    in the burn-in years, when returning children's first plans were not simulated) or
    in another authority."""
    rng, sc = w.rng, w.sc
    p = s47.referral.person
    if p.cp_plans == 0 and p.prior_cp_plans == 0:
        since = (start - w.sim_start).days
        share = sc.rate("cp_repeat_share", REPEAT_SHARE) * return_tail(w, since)
        if rng.chance(sc.rate("cp_previous_elsewhere", PREVIOUS_ELSEWHERE) + share):
            p.prior_cp_plans = 1 if rng.chance(0.8) else 2
    category = CATEGORY.draw(rng)
    plan = CpPlan(w.ids.next("CPP"), p, s47.referral, s47, start, category,
                  category if rng.chance(0.9) else CATEGORY.draw(rng),
                  previous=p.cp_plans + p.prior_cp_plans)
    s47.plan_id = plan.cid
    p.cp_plans += 1
    p.busy_until = FAR_FUTURE
    w.cp_plans.append(plan)
    w.cp_open.append(plan)
    return plan


def end_cp_plan(w: World, plan: CpPlan, d: date, into_care: bool = False) -> None:
    """A review conference ends the plan: step down to a CIN plan or close. Some children
    come back: referred again months or years later (`schedule_return`)."""
    plan.end = d
    w.cp_open.remove(plan)
    p = plan.person
    if into_care:
        p.stages.append((plan.s47.start, d, "safeguarding", plan.referral.rid))
        return
    if w.rng.chance(w.sc.rate("cp_step_down_to_cin")):
        p.stages.append((plan.s47.start, d, "safeguarding", plan.referral.rid))
        cin_plan(w, plan.referral, d)
    else:
        close_safeguarding(plan.referral, d, "RC7", plan.s47.start)
    schedule_return(w, p, d)


# Children whose plan ended and who are referred again with the same concerns: the share
# of ended plans, the share of those back within two years, and the delays (days).
RETURN_AFTER_PLAN = 0.56
RETURN_WITHIN_2Y = 0.27
PREVIOUS_ELSEWHERE = 0.03  # first plan here, but an earlier one in another authority
REPEAT_SHARE = 0.14  # plans that are repeats in steady state (for pre-simulation history)
SOON, LATER = (90, 700), (730, 2400)


def return_delay(w: World) -> int:
    soon = w.rng.chance(w.sc.rate("cp_return_within_2y", RETURN_WITHIN_2Y))
    return w.rng.randint(*(SOON if soon else LATER))


def return_tail(w: World, days: int) -> float:
    """Share of returns coming more than `days` after the earlier plan ended."""
    s = w.sc.rate("cp_return_within_2y", RETURN_WITHIN_2Y)

    def beyond(lo_hi: tuple[int, int]) -> float:
        lo, hi = lo_hi
        return min(1.0, max(0.0, (hi - days) / (hi - lo)))
    return s * beyond(SOON) + (1 - s) * beyond(LATER)


def schedule_return(w: World, p: Person, ended: date) -> None:
    if not w.rng.chance(w.sc.rate("cp_return_after_plan", RETURN_AFTER_PLAN)):
        return
    d = ended + timedelta(days=return_delay(w))
    if d <= w.end and p.age(d) < 17:
        w.seq += 1
        heapq.heappush(w.cp_returns, (d, w.seq, p))


def close_safeguarding(ref: Referral, d: date, reason: str, since: date) -> None:
    ref.close_on(d, reason)
    ref.outcome = ref.outcome or "Services ceased"
    ref.person.busy_until = d
    ref.person.stages.append((since, d, "safeguarding", ref.rid))


def cin_plan(w: World, ref: Referral, start: date) -> None:
    """A CIN plan: most last 6 weeks to 7 months, some (`cin_plan_long`) more than a year."""
    rng = w.rng
    if start > w.end:
        ref.person.busy_until = FAR_FUTURE
        return
    days = rng.randint(370, 720) if rng.chance(w.sc.rate("cin_plan_long", CIN_PLAN_LONG)) \
        else rng.randint(45, 200)
    end = min(start + timedelta(days=days), ref.person.birthday(18))
    if end <= start:
        close_safeguarding(ref, start, "RC7", start)
        return
    w.cin_plans.append(CinPlan(w.ids.next("CIN"), ref.person, ref, start, end))
    ref.outcome = ref.outcome or "Child in need plan"
    close_safeguarding(ref, end, "RC7" if rng.chance(0.8) else "RC9", start)


CIN_PLAN_LONG = 0.15


# --- rendering --------------------------------------------------------------------------
def render(w: World) -> None:
    for s47 in w.s47s:
        render_s47(w, s47)
    for plan in w.cp_plans:
        render_cp_plan(w, plan)
    for cin in w.cin_plans:
        render_cin_plan(w, cin)


def render_s47(w: World, s: S47) -> None:
    sink = w.sink
    if s.start > w.end:
        return
    p = s.referral.person
    worker = w.staff.worker_for(p.pid, "safeguarding", s.start)
    end = sink.clip(s.end)
    sink.add("ssd_s47_enquiry", s47e_s47_enquiry_id=s.sid, s47e_referral_id=s.referral.rid,
             s47e_person_id=p.pid, s47e_s47_start_date=s.start, s47e_s47_end_date=end,
             s47e_s47_nfa=("Y" if s.icpc_id is None and s.referral.close == s.end else "N")
             if end else None,
             s47e_s47_outcome_json=json.dumps({"icpc": s.icpc_id is not None}) if end else None,
             s47e_s47_completed_by_worker_id=worker.wid if worker else None,
             s47e_s47_completed_by_team=worker.team_id if worker else None,
             s47e_icpc_not_required=("N" if s.icpc_id else "Y") if end else None)
    if s.icpc_id is None or s.icpc_date is None:
        return
    worker = w.staff.worker_for(p.pid, "safeguarding", s.icpc_date)
    sink.add("ssd_initial_cp_conference", icpc_icpc_id=s.icpc_id,
             icpc_icpc_meeting_id=f"M{s.icpc_id}", icpc_s47_enquiry_id=s.sid,
             icpc_person_id=p.pid, icpc_cp_plan_id=s.plan_id or "",
             icpc_referral_id=s.referral.rid, icpc_icpc_transfer_in="N",
             icpc_icpc_target_date=s.icpc_target, icpc_icpc_date=s.icpc_date,
             icpc_icpc_outcome_cp_flag="Y" if s.plan_id else "N",
             icpc_icpc_outcome_json=json.dumps({"cp_plan": s.plan_id is not None}),
             icpc_icpc_team=worker.team_id if worker else None,
             icpc_icpc_worker_id=worker.wid if worker else None)


def render_cp_plan(w: World, plan: CpPlan) -> None:
    sink = w.sink
    end = sink.clip(plan.end)
    sink.add("ssd_cp_plans", cppl_cp_plan_id=plan.cid, cppl_referral_id=plan.referral.rid,
             cppl_icpc_id=plan.s47.icpc_id, cppl_person_id=plan.person.pid,
             # A plan starts at its initial conference (DfE 2885).
             cppl_cp_plan_start_date=plan.s47.icpc_date or plan.start,
             cppl_cp_plan_end_date=end,
             cppl_cp_plan_initial_category=plan.category,
             cppl_cp_plan_ola="N", cppl_cp_plan_latest_category=plan.latest_category,
             cppl_previous_cp_plans=plan.previous)
    stop = min(plan.end or w.end, w.end)
    cp_reviews(w, plan, stop)
    cp_visits(w, plan, stop)


def cp_reviews(w: World, plan: CpPlan, stop: date) -> None:
    """First review 3 months after the plan starts, then every 6 months; the conference
    that ends a plan is recorded as a review on the end date."""
    rng = w.rng
    due = add_months(plan.start, 3)
    while True:
        if rng.chance(w.sc.rate("cp_review_on_time")):
            held = max(due - timedelta(days=rng.randint(0, 10)), plan.start + timedelta(days=1))
        else:
            held = due + timedelta(days=rng.randint(1, 25))
        if held > stop:
            break
        cp_review_row(w, plan, due, held, continue_cp=True)
        due = add_months(held, 6)
    if plan.end is not None and plan.end <= w.end and plan.end > plan.start:
        cp_review_row(w, plan, due, plan.end, continue_cp=False)


def cp_review_row(w: World, plan: CpPlan, due: date, held: date, continue_cp: bool) -> None:
    w.sink.add("ssd_cp_reviews", cppr_cp_review_id=w.ids.next("CPR"),
               cppr_person_id=plan.person.pid, cppr_cp_plan_id=plan.cid,
               cppr_cp_review_due=due, cppr_cp_review_date=held,
               cppr_cp_review_meeting_id=None,
               cppr_cp_review_outcome_continue_cp="Y" if continue_cp else "N",
               cppr_cp_review_quorate="Y" if w.rng.chance(0.93) else "N",
               cppr_cp_review_participation=None)


def cp_visits(w: World, plan: CpPlan, stop: date) -> None:
    """Statutory visits about every 5-10 working days. At each month end the story's
    in-time probability decides whether the last 10 working days had a seen visit;
    when not, the visits in that window are dropped (the visit slipped)."""
    rng = w.rng
    visits: list[date] = []
    d = plan.start + timedelta(days=rng.randint(0, 4))
    while d <= stop:
        visits.append(d)
        d = add_working_days(d, rng.randint(5, 10))
    late_windows: list[tuple[date, date]] = []
    _, me = month_bounds(plan.start)
    while me <= stop:
        if wd(plan.start, me) > 10 and not w.quotas.draw(
                month_index(me) + 100000, w.sc.at("cp_visit_in_time", me)):
            late_windows.append((subtract_working_days(me, 10), me))
        _, me = month_bounds(me + timedelta(days=1))
    person = plan.person
    for v in visits:
        if any(lo <= v <= hi for lo, hi in late_windows):
            continue
        seen = rng.chance(0.97)
        alone = "Y" if seen and person.age(v) >= 4 and rng.chance(0.78) else "N"
        w.sink.add("ssd_cp_visits", cppv_cp_visit_id=w.ids.next("CPV"),
                   cppv_person_id=person.pid, cppv_cp_plan_id=plan.cid,
                   cppv_cp_visit_date=v, cppv_cp_visit_seen="Y" if seen else "N",
                   cppv_cp_visit_seen_alone=alone,
                   cppv_cp_visit_bedroom="Y" if rng.chance(0.6) else "N")
        if not seen:  # an unseen visit is followed up within a few days
            v2 = add_working_days(v, rng.randint(1, 3))
            if v2 <= stop and not any(lo <= v2 <= hi for lo, hi in late_windows):
                w.sink.add("ssd_cp_visits", cppv_cp_visit_id=w.ids.next("CPV"),
                           cppv_person_id=person.pid, cppv_cp_plan_id=plan.cid,
                           cppv_cp_visit_date=v2, cppv_cp_visit_seen="Y",
                           cppv_cp_visit_seen_alone="N", cppv_cp_visit_bedroom="N")


def render_cin_plan(w: World, cin: CinPlan) -> None:
    sink, rng = w.sink, w.rng
    worker = w.staff.worker_for(cin.person.pid, "safeguarding", cin.start)
    sink.add("ssd_cin_plans", cinp_cin_plan_id=cin.cid, cinp_referral_id=cin.referral.rid,
             cinp_person_id=cin.person.pid, cinp_cin_plan_start_date=cin.start,
             cinp_cin_plan_end_date=sink.clip(cin.end),
             cinp_cin_plan_team=worker.team_id if worker else None,
             cinp_cin_plan_worker_id=worker.wid if worker else None)
    stop = min(cin.end, w.end)
    d = add_working_days(cin.start, rng.randint(3, 15))
    while d <= stop:
        seen = rng.chance(0.95)
        sink.add("ssd_cin_visits", cinv_cin_visit_id=w.ids.next("CINV"),
                 cinv_person_id=cin.person.pid, cinv_cin_visit_date=d,
                 cinv_cin_visit_seen="Y" if seen else "N",
                 cinv_cin_visit_seen_alone="Y" if seen and cin.person.age(d) >= 4
                 and rng.chance(0.6) else "N",
                 cinv_cin_visit_bedroom="Y" if rng.chance(0.4) else "N")
        in_time = rng.chance(w.sc.rate("cin_visit_in_time")
                             * w.staff.visit_pressure(cin.person.pid, d))
        d = add_working_days(d, rng.randint(12, 20) if in_time else rng.randint(21, 35))
