"""Children looked after: periods of care (SSDA903 episodes), placements, legal status,
adoption (permanence), and leaving care."""

from __future__ import annotations

from datetime import date, timedelta

from lantern.calendar import add_months, add_working_days

from .people import FAR_FUTURE, Person
from .records import AdoptionPlan, CareEvent, CarePeriod, Referral
from .sampling import Rng, Table
from .world import World

FOSTER = ("U1", "U2", "U3", "U4", "U5", "U6")
# Placement type at the start of a placement, by age band.
PLACE_BY_AGE: list[tuple[int, Table[str]]] = [
    (1, Table([("U6", 55.0), ("U3", 20.0), ("U5", 12.0), ("R3", 8.0), ("U2", 5.0)])),
    (10, Table([("U6", 60.0), ("U3", 27.0), ("K2", 3.0), ("P1", 6.0), ("U5", 4.0)])),
    (16, Table([("U6", 52.0), ("U3", 14.0), ("K2", 24.0), ("R1", 3.0), ("P1", 4.0),
                ("S1", 3.0)])),
    (18, Table([("U6", 30.0), ("U3", 8.0), ("K2", 20.0), ("H5", 40.0), ("P1", 2.0)])),
]
PROVIDER: dict[str, Table[str]] = {
    "U1": Table([("PR1", 1.0)]), "U2": Table([("PR1", 1.0)]), "U3": Table([("PR1", 1.0)]),
    "U4": Table([("PR1", 65.0), ("PR4", 35.0)]), "U5": Table([("PR1", 70.0), ("PR5", 30.0)]),
    "U6": Table([("PR1", 60.0), ("PR4", 40.0)]),
    "K2": Table([("PR4", 75.0), ("PR1", 15.0), ("PR5", 10.0)]),
    "R1": Table([("PR4", 1.0)]), "S1": Table([("PR4", 70.0), ("PR3", 30.0)]),
    "H5": Table([("PR4", 60.0), ("PR5", 40.0)]), "R3": Table([("PR4", 1.0)]),
    "P1": Table([("PR0", 1.0)]),
    "A3": Table([("PR1", 1.0)]), "A4": Table([("PR1", 60.0), ("PR2", 20.0), ("PR5", 20.0)]),
    "A5": Table([("PR1", 1.0)]), "A6": Table([("PR1", 55.0), ("PR2", 20.0), ("PR5", 25.0)]),
}
MOVE_REASON = Table([("CARPL", 40.0), ("CREQB", 15.0), ("CREQO", 12.0), ("LAREQ", 8.0),
                     ("STAND", 4.0), ("ALLEG", 3.0), ("CHILD", 8.0), ("CLOSE", 4.0),
                     ("OTHER", 6.0)])
# Reasons a period ends before 18 (not adoption).
EXIT_YOUNG = Table([("E4A", 52.0), ("E4B", 4.0), ("E13", 5.0), ("E41", 8.0), ("E45", 10.0),
                    ("E46", 4.0), ("E47", 7.0), ("E48", 2.0), ("E3", 3.0), ("E8", 5.0)])
EXIT_16_17 = Table([("E5", 40.0), ("E6", 10.0), ("E4A", 25.0), ("E13", 10.0), ("E8", 10.0),
                    ("E9", 5.0)])
EXIT_AT_18 = Table([("E17", 18.0), ("E5", 45.0), ("E6", 12.0), ("E8", 15.0),
                    ("E13", 5.0), ("E4A", 5.0)])
ENTRY_AGE = Table([(0, 24.0), (1, 6.0), (2, 6.0), (3, 4.0), (4, 4.0)]
                  + [(a, 3.5) for a in range(5, 10)] + [(a, 5.5) for a in range(10, 14)]
                  + [(14, 8.0), (15, 15.0), (16, 15.0), (17, 5.0)])
# SSDA903 category of need (N1-N8) for a child whose referral recorded N0 or N9.
CLA_NEED = Table([("N1", 62.0), ("N2", 4.0), ("N3", 4.0), ("N4", 14.0), ("N5", 6.0),
                  ("N6", 5.0), ("N7", 1.0), ("N8", 4.0)])
CLA_NEED_CODES = frozenset(CLA_NEED)
PARTICIPATION = Table([("PN1", 40.0), ("PN2", 8.0), ("PN3", 5.0), ("PN4", 5.0),
                       ("PN5", 12.0), ("PN6", 20.0), ("PN7", 10.0)])
LEAVER_ACCOM_SUITABLE = Table([("U1", 25.0), ("D1", 22.0), ("B1", 15.0), ("E1", 10.0),
                               ("K1", 8.0), ("R1", 5.0), ("Z1", 8.0), ("T1", 4.0),
                               ("Y1", 3.0)])
LEAVER_ACCOM_UNSUITABLE = Table([("S2", 25.0), ("V2", 20.0), ("W2", 15.0), ("B2", 15.0),
                                 ("U2", 10.0), ("X2", 15.0)])
LEAVER_EET = Table([("F2", 35.0), ("F4", 25.0), ("P4", 12.0), ("F1", 12.0), ("F5", 10.0),
                    ("P2", 4.0), ("P1", 2.0)])
LEAVER_NEET = Table([("G5", 65.0), ("G4", 20.0), ("G6", 15.0)])
NO_OC3_DETAIL = frozenset({"DIED", "RHOM"})  # OC3 ACTIV and ACCOM blank (rule 903:153)
NOT_IN_TOUCH = Table([("NO", 50.0), ("REFU", 20.0), ("NREQ", 25.0), ("RHOM", 5.0)])
IN_AUTHORITY = ("TQ1", "TQ2", "TQ3", "TQ4", "TQ5")
NEAR = ("TQ6", "TQ9", "TQ12", "TQ13", "TQ14", "EX1", "EX2", "EX4", "EX7", "PL1", "PL6")
FAR = ("BS1", "BS16", "TA1", "BA2", "SN1", "BH8", "GL1", "PL25", "B15", "CF10", "M14")


# From 2024-25 (collection year 2025) H5 left the SSDA903 code set (supported
# accommodation must be Ofsted-registered: K3). K3 is not in the canonical code set,
# so placements of that kind starting from 1 April 2024 are recorded as Z1 (other
# placements; no provider code). H5 placements open on that date carry on as H5 (the
# SSDA903 writer returns them as K3).
H5_RETIRED = date(2024, 4, 1)
SUPPORTED_AFTER_H5 = "Z1"
SEMI_INDEPENDENT = frozenset({"H5", SUPPORTED_AFTER_H5})
NO_PROVIDER = frozenset({"T0", "T1", "T2", "T3", "T4", "Z1"})  # PLACE_PROVIDER blank


def semi_independent(on: date) -> str:
    return "H5" if on < H5_RETIRED else SUPPORTED_AFTER_H5


def place_for_age(rng: Rng, age: int, on: date) -> str:
    table = next((t for upper, t in PLACE_BY_AGE if age < upper), PLACE_BY_AGE[-1][1])
    place = table.draw(rng)
    return semi_independent(on) if place == "H5" else place


# --- entering care --------------------------------------------------------------------
def enter_care(w: World, d: date, person: Person, referral: Referral, route: str) -> CarePeriod:
    """A period of care starts: legal status by route, first placement, planned changes."""
    rng = w.rng
    age = person.age(d)
    birthday18 = person.birthday(18)
    need = "N1" if route == "cp" else referral.need
    if person.uasc:
        need = "N8"
    elif need not in CLA_NEED_CODES:  # N0 (not stated) / N9 are CIN-only codes
        need = CLA_NEED.draw(rng)
    period = CarePeriod(w.ids.next("CLA"), person, referral, d, need=need,
                        natural_end=birthday18, natural_rec=EXIT_AT_18.draw(rng))
    if person.sex not in ("M", "F"):  # SSDA903 SEX was 1/2 only until 2024-25
        person.sex = rng.choice(("M", "F"))
    ls = initial_legal_status(rng, route, age, person.uasc)
    if ls == "J1":  # remand: ends when the court case does
        period.natural_end = min(birthday18, d + timedelta(days=rng.randint(20, 150)))
        period.natural_rec = "E14"
    # One adoption plan a child: a second one after a reversed plan is left out.
    if age < 4 and w.adoption_credit >= 1.0 and route != "uasc" and not person.adoption_plan:
        person.adoption_plan = True
        period.adoption = adoption_plan(w, d)
        w.adoption_credit -= 1.0
        if period.adoption.reversed is None:
            period.natural_end = period.adoption.order
            period.natural_rec = "E11" if rng.chance(0.7) else "E12"
    period.events = plan_events(w, period, ls)
    person.in_care = True
    person.busy_until = FAR_FUTURE
    w.periods.append(period)
    w.cla_open.append(period)
    return period


def initial_legal_status(rng: Rng, route: str, age: int, uasc: bool) -> str:
    if uasc:
        return "V2"
    if age >= 12 and route != "cp":
        return rng.pick([("V2", 78.0), ("C1", 12.0), ("J1", 6.0), ("L1", 4.0)])
    return rng.pick([("C1", 55.0), ("V2", 28.0), ("L1", 8.0), ("L2", 9.0)])


def adoption_plan(w: World, entered: date) -> AdoptionPlan:
    """ADM decision, placement order, match, placement and order: entering care to
    placement about 400-450 days on average."""
    rng = w.rng
    adm = entered + timedelta(days=rng.randint(90, 250))
    po = adm + timedelta(days=rng.randint(40, 160))
    matched = po + timedelta(days=rng.randint(40, 220))
    placed = matched + timedelta(days=rng.randint(7, 28))
    order = placed + timedelta(days=rng.randint(110, 330))
    plan = AdoptionPlan(adm, po, matched, placed, order, with_carer=rng.chance(0.2))
    if rng.chance(w.sc.rate("adoption_reversed")):
        plan.reversed = po + timedelta(days=rng.randint(30, 200))
    return plan


def plan_events(w: World, period: CarePeriod, ls0: str) -> list[CareEvent]:
    """Legal status and placement changes over the period, up to its natural end.

    Events are planned ahead; an earlier exit simply cuts them off."""
    rng = w.rng
    p, start = period.person, period.start
    horizon = min(period.natural_end, w.end + timedelta(days=1))
    ls_changes = legal_changes(rng, period, ls0, horizon)
    place0 = "U6" if p.uasc and p.age(start) < 16 else place_for_age(rng, p.age(start), start)
    if p.uasc and p.age(start) >= 16:
        place0 = semi_independent(start)
    moves = placement_moves(w, period, place0, horizon)
    # Same-day legal and placement changes make one episode (RNE B or U).
    merged: dict[date, CareEvent] = {}
    for d, ls in ls_changes:
        merged[d] = (d, ls, None, False, None)
    for d, place, same, reason in moves:
        merged[d] = (d, merged[d][1] if d in merged else None, place, same, reason)
    events: list[CareEvent] = [(start, ls0, place0, False, None)]
    events += [merged[d] for d in sorted(merged) if start < d < horizon]
    return not_s20_with_parents(rng, events)


def not_s20_with_parents(rng: Rng, events: list[CareEvent]) -> list[CareEvent]:
    """A child placed with parents (P1) cannot be accommodated under a single period of
    s20 (V2; rule 903:378): such a placement becomes a foster placement."""
    out = list(events)
    ls, at = "", -1  # legal status; index of the event that began the current placement
    for i, (_, new_ls, new_place, _, _) in enumerate(out):
        ls = new_ls or ls
        if new_place is not None:
            at = i
        if ls == "V2" and at >= 0 and out[at][2] == "P1":
            d, ev_ls, _, same, reason = out[at]
            out[at] = (d, ev_ls, rng.choice(("U6", "U6", "U3")), same, reason)
    return out


def legal_changes(rng: Rng, period: CarePeriod, ls0: str, horizon: date
                  ) -> list[tuple[date, str]]:
    out: list[tuple[date, str]] = []
    d, ls = period.start, ls0
    if ls in ("L1", "L2"):  # police protection / EPO last days, then a care order or s20
        d += timedelta(days=rng.randint(*EMERGENCY_DAYS[ls]))
        ls = "C1" if rng.chance(0.7) else "V2"
        out.append((d, ls))
    if ls == "V2" and rng.chance(0.15):
        d += timedelta(days=rng.randint(30, 200))
        ls = "C1"
        out.append((d, ls))
    adoption = period.adoption
    if adoption is not None:
        if ls == "V2":
            out.append((adoption.adm, "C1"))
        out.append((adoption.placement_order, "E1"))
        if adoption.reversed is not None:
            # The decision reversed, the placement order is revoked and the care order it
            # suspended revives (DfE 553: no placement order without a live decision).
            out.append((adoption.reversed, "C2"))
    elif ls == "C1":
        out.append((d + timedelta(days=rng.randint(150, 360)), "C2"))
    return [(day, code) for day, code in out if day < horizon]


# Police protection lasts at most 72 hours (rule 903:361); an emergency protection order
# at most 8 days (extendable by 7; rule 903:362 allows 21).
EMERGENCY_DAYS = {"L1": (1, 3), "L2": (2, 8)}
# A minority of periods (more of them teenagers') begin unsettled: moves come quickly
# in the first months, then the child settles like the others. Clustering the moves
# early keeps 3+ placements in a year (about 10 % of children looked after) without
# unsettling the long-stayers (long-term stability about 70 %).
UNSTABLE_YOUNG, UNSTABLE_OLDER = 0.10, 0.33  # share of periods with frequent moves
UNSTABLE_BURST = (4.5, 0.6)  # moves a year while unsettled; years unsettled
SETTLED_MOVES = (0.7, 0.12)  # moves a year: first year of the period, later
MATCHED_FACTOR = 0.3  # long-term matched foster placements move less


def placement_moves(w: World, period: CarePeriod, place0: str, horizon: date
                    ) -> list[tuple[date, str, bool, str]]:
    """Moves (about 0.7 a year at first, fewer later), long-term matching of stable
    foster placements, semi-independence at 16, and the adoption placement."""
    rng, p = w.rng, period.person
    adoption = period.adoption
    stop = horizon
    if adoption is not None and adoption.reversed is None:
        stop = min(stop, adoption.placed)
    out: list[tuple[date, str, bool, str]] = []
    d, place, placed_on, matched = period.start, place0, period.start, False
    young = p.age(period.start) < 10
    unstable = rng.chance(w.sc.rate("cla_unstable_young" if young else "cla_unstable_older",
                                    UNSTABLE_YOUNG if young else UNSTABLE_OLDER))
    settled = period.start + timedelta(days=round(UNSTABLE_BURST[1] * 365) if unstable else 0)
    while True:
        if d < settled:
            rate = UNSTABLE_BURST[0]
        else:
            first_year = (d - period.start).days < 365
            rate = SETTLED_MOVES[0 if first_year else 1] * (MATCHED_FACTOR if matched else 1.0)
        nxt = d + timedelta(days=max(7, round(rng.expovariate(rate) * 365)))
        if d < settled < min(nxt, stop):  # settled before the next move: the rate drops
            d = settled
            continue
        match_on = placed_on + timedelta(days=rng.randint(335, 430))
        if (not matched and place in ("U3", "U6") and match_on < nxt and match_on < stop
                and rng.chance(w.sc.rate("long_term_match"))):
            place = "U1" if place == "U3" else "U4"
            out.append((match_on, place, True, "PLACE"))
            matched, d = True, match_on
            continue
        sixteen = p.birthday(16) + timedelta(days=rng.randint(0, 150))
        if d < sixteen < min(nxt, stop) and place not in SEMI_INDEPENDENT | {"K2"} \
                and rng.chance(0.3):
            nxt = sixteen
            new = semi_independent(sixteen)
        else:
            new = place_for_age(rng, p.age(nxt), nxt)
        if nxt >= stop:
            break
        out.append((nxt, new, False,
                    "CARPL" if new in SEMI_INDEPENDENT else MOVE_REASON.draw(rng)))
        d, place, placed_on, matched = nxt, new, nxt, False
    if adoption is not None and adoption.reversed is None and adoption.placed < horizon:
        same = adoption.with_carer and place in FOSTER
        out.append((adoption.placed, "A5" if same else "A6", same, "CARPL"))
    return out


# --- leaving care -----------------------------------------------------------------------
def leave_care(w: World, period: CarePeriod, d: date, rec: str) -> None:
    p = period.person
    period.end, period.rec = d, rec
    period.events = [ev for ev in period.events if ev[0] < d]
    w.cla_open.remove(period)
    p.in_care = False
    p.busy_until = d
    p.stages.append((period.start, d, "cared_for", period.referral.rid))
    if rec in RETURN_HOME and p.age(d) < 16:
        w.left_care.append((d, p))  # may come back into care
    ref = period.referral
    ref.close_on(d, {"E11": "RC1", "E12": "RC1", "E41": "RC3", "E45": "RC4", "E46": "RC4",
                     "E47": "RC4", "E48": "RC4", "E3": "RC5", "E7": "RC6"}.get(rec, "RC7"))
    if p.age(d) >= 16 and (d - period.start).days >= 91:
        p.care_exit = d  # eligible for leaving care support: relevant / former relevant
        p.stages.append((max(period.start, add_months(p.dob, 189)), p.birthday(21),
                         "care_experienced", ref.rid))


RETURN_HOME = ("E4A", "E4B", "E13", "E8", "E14")
RECENT_QUOTA = 200_001  # Quotas key: re-entries within a year of leaving


def returning_child(w: World, d: date) -> Person | None:
    """A child who went home (or whose remand ended) and comes back into care: mostly
    within a year of leaving, some later."""
    rng = w.rng
    while w.left_care and w.left_care[0][0] < d - timedelta(days=3 * 365):
        w.left_care.pop(0)
    recent = w.quotas.draw(RECENT_QUOTA, 0.8)
    pool = [p for left, p in w.left_care
            if (left >= d - timedelta(days=330)) == recent and left < d - timedelta(days=28)
            and not p.in_care and not p.busy(d - timedelta(days=14)) and p.age(d) < 16]
    return pool[rng.randrange(len(pool))] if pool else None


def discretionary_exit_reason(rng: Rng, period: CarePeriod, d: date) -> str:
    age = period.person.age(d)
    if age >= 16:
        return EXIT_16_17.draw(rng)
    rec = EXIT_YOUNG.draw(rng)
    if rec in ("E45", "E46") and period.place_on(d) not in FOSTER:
        rec = "E47"
    return rec


def exit_weight(period: CarePeriod, d: date) -> float:
    """Who leaves care when the service steps children down: short stays return home
    more often; long-term matched, adoption and remand cases are not chosen."""
    a = period.adoption
    if a is not None and (a.reversed is None or a.reversed > d):  # plan still active
        return 0.0
    if period.natural_rec == "E14" or (d - period.start).days < 21:
        return 0.0
    months = (d - period.start).days / 30.4
    w = 3.0 if months < 6 else (1.4 if months < 24 else 0.5)
    if period.place_on(d) in ("U1", "U4"):
        w *= 0.25
    age = period.person.age(d)
    if age >= 16:
        # Older teenagers mostly stay long enough to become care leavers (13 weeks).
        w *= 1.3 if (d - period.start).days >= 91 else 0.3
    elif age >= 12 and months >= 12:
        w *= 0.4  # settled young teenagers seldom go home
    return w


# --- rendering --------------------------------------------------------------------------
def render(w: World) -> None:
    for period in w.periods:
        render_period(w, period)
    for person in w.people.all:
        if person.care_exit is not None:
            care_leaver_rows(w, person)


def render_period(w: World, period: CarePeriod) -> None:
    stop = min(period.end or w.end, w.end)
    episodes(w, period)
    cla_reviews(w, period, stop)
    cla_visits(w, period, stop)
    health_checks(w, period, stop)
    peps(w, period, stop)
    missing_episodes(w, period, stop)
    annual_outcomes(w, period, stop)
    if period.adoption is not None:
        permanence_row(w, period)


def episodes(w: World, period: CarePeriod) -> None:
    """SSDA903 episodes: a new one on every change of legal status or placement; the
    last one closes with the period's REC, the others with X1."""
    sink, p = w.sink, period.person
    evs = period.events
    ls, place = "", ""
    placement_id = ""
    ls_start = period.start
    for i, (d, new_ls, new_place, same, reason) in enumerate(evs):
        end = evs[i + 1][0] if i + 1 < len(evs) else sink.clip(period.end)
        rec = "X1" if i + 1 < len(evs) else (period.rec if end is not None else None)
        ls_changed = new_ls is not None and new_ls != ls
        # A move is a new placement even when the new one has the same type.
        place_changed = new_place is not None and (new_place != place or reason is not None)
        if i == 0:
            rne = "S"
        elif ls_changed and place_changed:
            rne = "U" if same else "B"
        elif place_changed:
            rne = "T" if same else "P"
        else:
            rne = "L"
        if ls_changed:
            if ls:
                legal_status_row(w, p, ls, ls_start, d)
            ls, ls_start = str(new_ls), d
        if place_changed:
            if placement_id:
                # The reason for a move belongs to the placement it ends (the model's
                # clap_cla_placement_change_reason, as a return's REASON_PLACE_CHANGE loads).
                ended = w.sink.rows["ssd_cla_placement"][-1]
                ended["clap_cla_placement_end_date"] = d
                ended["clap_cla_placement_change_reason"] = reason
            placement_id = w.ids.next("PL")
            placement_row(w, period, placement_id, d, str(new_place), None)
            place = str(new_place)
        sink.add("ssd_cla_episodes", clae_cla_episode_id=w.ids.next("EP"),
                 clae_person_id=p.pid, clae_cla_episode_start_date=d,
                 clae_cla_episode_start_reason=rne, clae_cla_primary_need_code=period.need,
                 clae_cla_episode_ceased_date=end, clae_cla_episode_ceased_reason=rec,
                 clae_cla_id=period.cla_id, clae_referral_id=period.referral.rid,
                 clae_cla_placement_id=placement_id, clae_entered_care_date=period.start,
                 clae_cla_last_iro_contact_date=None, clae_legal_status=ls)
    end = sink.clip(period.end)
    legal_status_row(w, p, ls, ls_start, end)
    if placement_id:
        sink.rows["ssd_cla_placement"][-1]["clap_cla_placement_end_date"] = end


def legal_status_row(w: World, p: Person, ls: str, start: date, end: date | None) -> None:
    w.sink.add("ssd_legal_status", lega_legal_status_id=w.ids.next("LS"), lega_person_id=p.pid,
               lega_legal_status=ls, lega_legal_status_start_date=start,
               lega_legal_status_end_date=end)


def placement_row(w: World, period: CarePeriod, pid: str, d: date, place: str,
                  reason: str | None) -> None:
    rng, sc = w.rng, w.sc
    outside = place != "P1" and rng.chance(sc.rate("placed_outside_authority"))
    far_share = sc.rate("placed_over_20_miles") / sc.rate("placed_outside_authority")
    far = outside and rng.chance(min(1.0, far_share * (1.3 if place == "K2" else 1.0)))
    if not outside:
        area, miles = rng.choice(IN_AUTHORITY), rng.uniform(0.3, 7.0)
    elif far:
        area, miles = rng.choice(FAR), rng.uniform(21.0, 240.0)
    else:
        area, miles = rng.choice(NEAR), rng.uniform(7.0, 19.9)
    postcode = f"{area} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}" \
               f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
    provider = None if place in NO_PROVIDER \
        else PROVIDER.get(place, Table([("PR4", 1.0)])).draw(rng)
    urn = f"SC{rng.randint(100000, 999999)}" if place in ("K2", "R1", "S1", "H5") or \
        provider in ("PR4", "PR5") else None
    w.sink.add("ssd_cla_placement", clap_cla_placement_id=pid,
               clap_cla_placement_start_date=d, clap_cla_placement_type=place,
               clap_cla_placement_urn=urn, clap_cla_placement_distance=round(miles, 1),
               clap_cla_id=period.cla_id, clap_cla_placement_provider=provider,
               clap_cla_placement_postcode=postcode, clap_cla_placement_end_date=None,
               clap_cla_placement_change_reason=reason, clap_person_id=period.person.pid)


def cla_reviews(w: World, period: CarePeriod, stop: date) -> None:
    """First review due 20 working days after entry, the second 3 months after the first,
    then every 6 months (the KPIS.md sequence)."""
    rng, p = w.rng, period.person
    due = add_working_days(period.start, 20)
    prev = period.start
    while due <= stop:
        if rng.chance(w.sc.rate("cla_review_on_time")):
            held = max(due - timedelta(days=rng.randint(0, 6)), prev + timedelta(days=1))
        else:
            held = due + timedelta(days=rng.randint(1, 30))
        if held > stop:
            break
        w.sink.add("ssd_cla_reviews", clar_cla_review_id=w.ids.next("CLR"),
                   clar_cla_id=period.cla_id, clar_cla_review_due_date=due,
                   clar_cla_review_date=held, clar_cla_review_cancelled="N",
                   clar_cla_review_participation="PN0" if p.age(held) < 4
                   else PARTICIPATION.draw(rng), clar_person_id=p.pid)
        due = add_months(held, 3 if prev == period.start else 6)
        prev = held


def cla_visits(w: World, period: CarePeriod, stop: date) -> None:
    rng, p = w.rng, period.person
    d = period.start + timedelta(days=rng.randint(1, 7))
    while d <= stop:
        seen = rng.chance(0.97)
        w.sink.add("ssd_cla_visits", clav_cla_visit_id=w.ids.next("CLV"),
                   clav_cla_id=period.cla_id, clav_person_id=p.pid, clav_cla_visit_date=d,
                   clav_cla_visit_seen="Y" if seen else "N",
                   clav_cla_visit_seen_alone="Y" if seen and p.age(d) >= 4 and rng.chance(0.7)
                   else "N")
        gap = rng.randint(21, 42) if rng.chance(
            w.sc.rate("cla_visit_in_time") * w.staff.visit_pressure(p.pid, d)) \
            else rng.randint(43, 75)
        d += timedelta(days=gap)


def health_checks(w: World, period: CarePeriod, stop: date) -> None:
    """IHA within 20 working days of entry (mostly), review health assessments every
    12 months (6 under 5) and annual dental checks."""
    rng, p, sc = w.rng, period.person, w.sc
    iha = add_working_days(period.start, rng.randint(4, 20) if rng.chance(sc.rate("iha_in_time"))
                           else rng.randint(21, 50))
    if iha <= stop:
        health_row(w, p, "IHA", iha)
    d = iha
    while True:
        months = 6 if p.age(d) < 5 else 12
        due = add_months(d, months)
        on_time = rng.chance(sc.rate("health_check_on_time"))
        d = due - timedelta(days=rng.randint(0, 30)) if on_time \
            else due + timedelta(days=rng.randint(5, 75))
        if d > stop:
            break
        health_row(w, p, "HEALTH_ASSESSMENT", d)
    d = period.start + timedelta(days=rng.randint(20, 200))
    while d <= stop:
        if p.age(d) >= 1:
            health_row(w, p, "DENTAL", d)
        d += timedelta(days=rng.randint(300, 365) if rng.chance(sc.rate("dental_on_time"))
                       else rng.randint(366, 480))


def health_row(w: World, p: Person, kind: str, d: date) -> None:
    w.sink.add("ssd_cla_health", clah_health_check_id=w.ids.next("HC"), clah_person_id=p.pid,
               clah_health_check_type=kind, clah_health_check_date=d,
               clah_health_check_status="Completed")


def peps(w: World, period: CarePeriod, stop: date) -> None:
    """Termly personal education plan reviews for children of compulsory school age."""
    rng, p = w.rng, period.person
    lo, hi = max(period.start, p.birthday(5)), min(stop, p.birthday(16))
    d = lo + timedelta(days=rng.randint(5, 40))
    while d <= hi:
        w.sink.add("lantern_pep_reviews", pepr_pep_review_id=w.ids.next("PEP"),
                   pepr_person_id=p.pid, pepr_pep_review_date=d)
        d += timedelta(days=rng.randint(75, 118) if rng.chance(w.sc.rate("pep_on_time"))
                       else rng.randint(123, 200))


def missing_episodes(w: World, period: CarePeriod, stop: date) -> None:
    """Missing / away episodes for children 11+; a few children account for most of them.
    Return home interviews mostly within 72 hours."""
    rng, p = w.rng, period.person
    care_ends = period.end is not None and period.end <= w.end
    lo = max(period.start, p.birthday(11))
    u = rng.random()
    rate = 0.0 if u < 0.62 else (1.0 if u < 0.9 else 7.0)
    if rate == 0.0 or lo > stop:
        return
    d = lo
    while True:
        d += timedelta(days=max(1, round(rng.expovariate(rate) * 365)))
        if d > stop:
            return
        back = d + timedelta(days=rng.choice((0, 0, 1, 1, 2, 3)))
        offered = rng.chance(0.95)
        accepted = offered and rng.chance(0.75)
        done = back + timedelta(days=rng.randint(0, 3) if rng.chance(0.82)
                                else rng.randint(4, 12)) if accepted else None
        d_next = back
        if care_ends and back >= stop:
            # Care that ends while the child is missing ends E8 (DfE 580): here the child
            # is back the day before care ends, or — missing on that day itself — no
            # episode is written. The draws above stay, so later children are unchanged.
            if d >= stop:
                d = d_next
                continue
            back = stop - timedelta(days=1)
            done = max(done, back) if done else None
        w.sink.add("ssd_missing", miss_table_id=w.ids.next("MIS"), miss_person_id=p.pid,
                   miss_missing_episode_start_date=d,
                   miss_missing_episode_type="M" if rng.chance(0.72) else "A",
                   miss_missing_episode_end_date=w.sink.clip(back),
                   miss_missing_rhi_offered="Y" if offered else "N",
                   miss_missing_rhi_accepted="Y" if accepted else "N",
                   miss_rhi_completed_date=w.sink.clip(done))
        d = d_next


def annual_outcomes(w: World, period: CarePeriod, stop: date) -> None:
    """OC2 items at each 31 March for children looked after for 12 months by then."""
    rng, p = w.rng, period.person
    year = period.start.year + 1
    while date(year, 3, 31) <= stop:
        census = date(year, 3, 31)
        year += 1
        if (census - period.start).days < 365:
            continue
        w.sink.add("ssd_cla_immunisations", clai_person_id=p.pid,
                   clai_immunisations_status="Y" if rng.chance(0.88) else "N",
                   clai_immunisations_status_date=census)
        if 4 <= p.age(census) <= 16:
            done = rng.chance(0.85)
            score = max(0, min(40, round(rng.gauss(14, 6))))
            # A reason for no score is recorded for the year it explains (dated the 31
            # March, as a return's loads); SDQ1 (too young or too old) never applies at 4-16.
            w.sink.add("ssd_sdq_scores", csdq_table_id=w.ids.next("SDQ"), csdq_person_id=p.pid,
                       csdq_sdq_completed_date=census - timedelta(days=rng.randint(0, 90))
                       if done else census,
                       csdq_sdq_reason=None if done else rng.choice(("SDQ5", "SDQ2", "SDQ4")),
                       csdq_sdq_score=str(score) if done else None)


def permanence_row(w: World, period: CarePeriod) -> None:
    a, sink = period.adoption, w.sink
    assert a is not None
    clip = sink.clip
    adm = clip(a.adm)
    if adm is None or (period.end is not None and a.adm > period.end):
        return
    reversed_on: date | None = clip(a.reversed)
    if reversed_on is not None and period.end is not None and reversed_on > period.end:
        reversed_on = None
    reason = "RD1"
    if reversed_on is None and period.end is not None and period.rec not in ("E11", "E12") \
            and clip(period.end) is not None:
        # Care ended another way: the decision to place for adoption ended with it (DfE
        # rule 557), for "any other reason".
        reversed_on, reason = clip(period.end), "RD4"

    def upto(d: date) -> date | None:
        # A step counts only if it happened before the decision was reversed (and
        # while the child was looked after).
        if reversed_on is not None and d >= reversed_on:
            return None
        if period.end is not None and d > period.end:
            return None
        return clip(d)

    adopted = period.rec in ("E11", "E12")
    # Adopted by the foster carer only when placed with them (A5): a child who was not
    # in foster care when placed (A6) is not (DfE rule 335).
    by_carer = a.with_carer and any(ev[2] == "A5" for ev in period.events)
    worker = w.staff.pick("permanence", a.adm)
    sex = number = status = None
    if upto(a.matched):  # the adopters are known from the match
        sex, number, status = adopters(w.rng)
    sink.add("ssd_permanence", perm_table_id=w.ids.next("PERM"), perm_person_id=period.person.pid,
             perm_cla_id=period.cla_id, perm_adm_decision_date=adm,
             perm_placement_order_date=upto(a.placement_order),
             perm_matched_date=upto(a.matched), perm_placed_for_adoption_date=upto(a.placed),
             perm_adopted_by_carer_flag="Y" if by_carer else "N",
             perm_decision_reversed_date=reversed_on,
             perm_decision_reversed_reason=reason if reversed_on else None,
             perm_part_of_sibling_group="N", perm_siblings_placed_together=1,
             perm_siblings_placed_apart=0,
             perm_permanence_order_date=period.end if adopted else None,
             perm_permanence_order_type="Adoption order" if adopted else None,
             perm_adoption_worker_id=worker.wid if worker else None,
             perm_adopter_sex=sex, perm_number_of_adopters=number,
             perm_adopter_legal_status=status,
             perm_adoption_order_date=period.end if adopted else None)


ADOPTER_SEX = Table([("MF", 72.0), ("FF", 8.0), ("MM", 6.0), ("F1", 12.0), ("M1", 2.0)])
# Legal status of adopters (SSDA903 LS_ADOPTR): L11 / L12 married (different-sex /
# same-sex), L2 civil partners, L3 / L4 unmarried couple (different-sex / same-sex),
# L0 a single adopter.
COUPLE_STATUS = {
    "MF": Table([("L11", 78.0), ("L2", 4.0), ("L3", 18.0)]),
    "FF": Table([("L12", 45.0), ("L2", 35.0), ("L4", 20.0)]),
    "MM": Table([("L12", 45.0), ("L2", 35.0), ("L4", 20.0)]),
}


def adopters(rng: Rng) -> tuple[str, str, str]:
    """(SEX_ADOPTR, NB_ADOPTR, LS_ADOPTR), consistent with each other."""
    sex = ADOPTER_SEX.draw(rng)
    if sex in ("M1", "F1"):
        return sex, "1", "L0"
    return sex, "2", COUPLE_STATUS[sex].draw(rng)


def care_leaver_rows(w: World, p: Person) -> None:
    """SSDA903 OC3: one row at each birthday from 17 to 21 after leaving care."""
    rng, sc = w.rng, w.sc
    assert p.care_exit is not None
    for years in range(17, 22):
        bday = p.birthday(years)
        if bday <= p.care_exit or bday > w.end:
            continue
        in_touch = "YES" if rng.chance(sc.rate("care_leaver_in_touch")) else NOT_IN_TOUCH.draw(rng)
        if in_touch == "YES":
            accom = LEAVER_ACCOM_SUITABLE.draw(rng) if rng.chance(sc.rate("care_leaver_suitable")) \
                else LEAVER_ACCOM_UNSUITABLE.draw(rng)
            activ = LEAVER_EET.draw(rng) if rng.chance(sc.rate("care_leaver_eet")) \
                else LEAVER_NEET.draw(rng)
        elif in_touch in NO_OC3_DETAIL:  # died / returned home: nothing to report
            accom, activ = None, None
        else:
            accom, activ = "0", "0"
        if years == 17 and accom in ("Z1", "Z2", "T1", "T2"):
            # Staying put begins at 18: at 17 living with former foster carers is R1/R2
            # (DfE rule 3001); foyers take no one under 18 (347): semi-independent D1/D2.
            accom = ("R" if accom[0] == "Z" else "D") + accom[1]
        pa = w.staff.worker_for(p.pid, "care_experienced", bday, role="PA")
        w.sink.add("ssd_care_leavers", clea_table_id=w.ids.next("CL"), clea_person_id=p.pid,
                   clea_care_leaver_eligibility="Relevant" if years == 17 else "Former relevant",
                   clea_care_leaver_in_touch=in_touch,
                   clea_care_leaver_latest_contact=bday - timedelta(days=rng.randint(0, 60))
                   if in_touch == "YES" else None,
                   clea_care_leaver_accommodation=accom,
                   clea_care_leaver_accom_suitable=None if accom in (None, "0")
                   else ("Y" if accom.endswith("1") else "N"),
                   clea_care_leaver_activity=activ,
                   clea_pathway_plan_review_date=bday - timedelta(days=rng.randint(0, 180)),
                   clea_care_leaver_personal_advisor=pa.name if pa else None,
                   clea_care_leaver_allocated_team=pa.team_id if pa else None,
                   clea_care_leaver_worker_id=pa.wid if pa else None,
                   clea_oc3_birthday=bday)

