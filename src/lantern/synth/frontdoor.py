"""Front door: contacts, referrals, single assessments, early help, exploitation screening."""

from __future__ import annotations

import json
from datetime import date, timedelta

from lantern.calendar import add_working_days
from lantern.model import code_sets

from . import protection
from .people import FAR_FUTURE, Person
from .records import Assessment, Referral
from .sampling import Table
from .world import World

SOURCE = Table([
    ("6", 28.0), ("2A", 18.0), ("3A", 3.0), ("3B", 4.0), ("3C", 2.0), ("3D", 2.0),
    ("3E", 3.0), ("3F", 6.0), ("1A", 7.0), ("1B", 1.0), ("1C", 1.5), ("1D", 1.0),
    ("4", 3.0), ("5A", 6.0), ("5B", 2.0), ("5C", 2.0), ("5D", 4.0), ("7", 2.0),
    ("8", 2.0), ("9", 1.0), ("10", 0.5),
])
NEED = Table([("N1", 55.0), ("N2", 4.0), ("N3", 4.0), ("N4", 9.0), ("N5", 15.0),
              ("N6", 3.0), ("N7", 0.5), ("N8", 2.5), ("N9", 5.0), ("N0", 2.0)])
FACTORS = Table([("3A", 8.0), ("3B", 8.0), ("3C", 8.0), ("4A", 12.0), ("4B", 12.0),
                 ("4C", 10.0), ("2A", 6.0), ("2B", 5.0), ("18B", 5.0), ("19B", 4.0),
                 ("21", 8.0), ("22A", 4.0), ("1B", 3.0), ("6B", 4.0), ("8B", 4.0)])
NO_FACTORS = "21"  # "no factors identified": only ever on its own
CONTACT_OUTCOME = Table([("Information and advice", 40.0), ("No further action", 35.0),
                         ("Early help", 25.0)])
EARLY_HELP_ORG = Table([("Torbay Family Hub", 45.0), ("School", 25.0),
                        ("Health visiting", 15.0), ("Youth service", 15.0)])
EARLY_HELP_REASON = Table([("Parenting support", 35.0), ("School attendance", 20.0),
                           ("Domestic abuse", 20.0), ("Emotional wellbeing", 15.0),
                           ("Housing and finance", 10.0)])
SOURCE_LABEL = code_sets()["referral_source"]


# --- who is referred ----------------------------------------------------------------
def referred_child(w: World, d: date) -> Person:
    """A re-referral (same child referred in the last 12 months), a child known from longer
    ago, or a child new to the service."""
    rng, r = w.rng, w.sc.rates
    while w.recent and w.recent[0][0] < d - timedelta(days=365):
        w.recent.popleft()
    u = rng.random()
    if u < r["rereferral_12m"] and w.recent:
        for _ in range(8):
            p = w.recent[rng.randrange(len(w.recent))][1]
            if available(p, d) and p.last_referral is not None and p.last_referral < d:
                return p
    elif u < r["rereferral_12m"] + r["rereferral_older"] and w.known:
        for _ in range(8):
            p = w.known[rng.randrange(len(w.known))]
            if available(p, d) and p.last_referral is not None \
                    and p.last_referral < d - timedelta(days=366):
                return p
    return w.people.child(d)


def available(p: Person, d: date) -> bool:
    return not p.busy(d) and not p.in_care and p.age(d) < 17 and p.dob < d


# --- referral and assessment --------------------------------------------------------
def referral(w: World, d: date, person: Person | None = None, *, for_care: bool = False,
             returning: bool = False) -> Referral:
    """One referral with its contact, then NFA / assessment and what follows from it.

    With `for_care` the referral leads straight to the child becoming looked after
    (the care journey closes it later). With `returning` (a child whose CP plan ended
    is referred again with the same concerns) it goes to a strategy discussion, and
    usually to conference."""
    rng, r = w.rng, w.sc.rates
    p = person or referred_child(w, d)
    ref = Referral(w.ids.next("REF"), p, d, SOURCE.draw(rng), NEED.draw(rng), nfa=False)
    if for_care:
        ref.need = "N1" if rng.chance(0.8) else NEED.draw(rng)
    w.referrals.append(ref)
    note_referral(w, p, d)
    contact(w, p, d - timedelta(days=rng.randint(0, 3)), ref.source,
            "Referral to children's social care")
    if for_care:
        ref.assessment = assessment(w, ref, nfa=False)
        p.stages.append((d, ref.assessment.auth, "front_door", ref.rid))
        ref.outcome = "Looked after"
        return ref
    if returning:
        ref.assessment = assessment(w, ref, nfa=False)
        p.busy_until = FAR_FUTURE
        s47 = protection.strategy_discussion(w, ref, w.sc.rate("cp_return_icpc", 0.8))
        p.stages.append((d, s47.start, "front_door", ref.rid))
        return ref
    if rng.chance(r["referral_nfa"]):
        ref.nfa, ref.close, ref.close_reason, ref.outcome = True, d, "RC8", "No further action"
        p.busy_until = d
        p.stages.append((d, d, "front_door", ref.rid))
        return ref
    s47_share = r["s47_per_referral"] / (1 - r["referral_nfa"])
    if rng.chance(s47_share):
        ref.assessment = assessment(w, ref, nfa=False)
        p.busy_until = FAR_FUTURE
        s47 = protection.strategy_discussion(w, ref)  # front door until the s47 starts
        p.stages.append((d, s47.start, "front_door", ref.rid))
        return ref
    cin_share = r["cin_plan_per_assessment"] / (1 - s47_share)
    if rng.chance(cin_share):
        ref.assessment = assessment(w, ref, nfa=False)
        p.stages.append((d, ref.assessment.auth, "front_door", ref.rid))
        protection.cin_plan(w, ref, ref.assessment.auth)
        return ref
    ref.assessment = assessment(w, ref, nfa=True)
    assessment_nfa(w, ref)
    return ref


def note_referral(w: World, p: Person, d: date) -> None:
    if not p.referred:
        p.referred = True
        w.known.append(p)
    p.last_referral = d
    w.recent.append((d, p))


def assessment(w: World, ref: Referral, nfa: bool) -> Assessment:
    """Single assessment: authorised within 45 working days of the referral mostly
    (mean about 30)."""
    rng = w.rng
    start = ref.date + timedelta(days=rng.choice((0, 0, 1, 1, 2, 3)))
    if rng.chance(w.sc.rate("assessment_in_time")):
        days = round(rng.triangular(6, 45, 38))
    else:
        days = rng.randint(46, 80)
    auth = add_working_days(ref.date, days)
    return Assessment(w.ids.next("ASM"), start, max(auth, start),
                      seen=rng.chance(0.96), nfa=nfa)


def assessment_nfa(w: World, ref: Referral) -> None:
    assert ref.assessment is not None
    auth = ref.assessment.auth
    p = ref.person
    p.busy_until = auth
    p.stages.append((ref.date, auth, "front_door", ref.rid))
    ref.close = auth
    if w.rng.chance(w.sc.rate("early_help_per_nfa_assessment")):
        ref.close_reason, ref.outcome = "RC9", "Early help"
        early_help(w, p, auth)
    else:
        ref.close_reason, ref.outcome = "RC8", "No further action"


# --- contacts, early help, exploitation -----------------------------------------------
def contact(w: World, p: Person, d: date, source: str, outcome: str) -> None:
    if d < p.dob:
        d = p.dob
    w.sink.add("ssd_contacts", cont_contact_id=w.ids.next("CON"), cont_person_id=p.pid,
               cont_contact_date=d, cont_contact_source_code=source,
               cont_contact_source_desc=SOURCE_LABEL[source],
               cont_contact_outcome_json=json.dumps({"outcome": outcome}))


def extra_contacts(w: World, first: date, last: date, n: int) -> None:
    """Contacts that do not become referrals (advice, NFA, early help)."""
    rng = w.rng
    for _ in range(n):
        d = rng.day_in_month(first, last)
        p = w.recent[rng.randrange(len(w.recent))][1] if w.recent and rng.chance(0.35) \
            else w.people.child(d)
        if p.dob > d or p.age(d) >= 18:
            p = w.people.child(d)
        outcome = CONTACT_OUTCOME.draw(rng)
        contact(w, p, d, SOURCE.draw(rng), outcome)
        if outcome == "Early help":
            early_help(w, p, d)


def early_help(w: World, p: Person, d: date) -> None:
    rng = w.rng
    start = d + timedelta(days=rng.randint(0, 14))
    if start > w.end:
        return
    end = start + timedelta(days=rng.randint(60, 300))
    w.sink.add("ssd_early_help_episodes", earl_episode_id=w.ids.next("EH"),
               earl_person_id=p.pid, earl_episode_start_date=start,
               earl_episode_end_date=w.sink.clip(end),
               earl_episode_reason=EARLY_HELP_REASON.draw(rng),
               earl_episode_end_reason="Outcomes achieved" if end <= w.end and
               rng.chance(0.7) else (None if end > w.end else "Disengaged"),
               earl_episode_organisation=EARLY_HELP_ORG.draw(rng))


def exploitation_assessments(w: World, first: date, last: date) -> None:
    """Assessments of children aged 10-17 referred in the last year, graded RAG."""
    rng = w.rng
    n = rng.poisson(w.sc.at("exploitation_per_year", first) / 12)
    red = w.sc.at("exploitation_red_share", first)
    for _ in range(n):
        for _ in range(10):
            if not w.recent:
                return
            p = w.recent[rng.randrange(len(w.recent))][1]
            d = rng.day_in_month(first, last)
            if 10 <= p.age(d) < 18:
                rag = "RED" if rng.chance(red) else ("AMBER" if rng.chance(0.5) else "GREEN")
                w.sink.add("lantern_exploitation_assessments",
                           expl_assessment_id=w.ids.next("EXP"), expl_person_id=p.pid,
                           expl_assessment_date=d, expl_rag=rag)
                break


# --- rendering --------------------------------------------------------------------------
def render(w: World) -> None:
    settle_pending_closures(w.referrals)
    for ref in w.referrals:
        render_referral(w, ref)


def settle_pending_closures(referrals: list[Referral]) -> None:
    """A child referred again while the last episode waited only for its assessment's
    authorisation (`Referral.close_on`): the assessment is authorised, and the episode
    closed, on the day of the new referral, so that the two episodes do not overlap."""
    last: dict[str, Referral] = {}
    for ref in sorted(referrals, key=lambda r: r.date):
        prev = last.get(ref.person.pid)
        a = prev.assessment if prev is not None else None
        if (prev is not None and a is not None and prev.close is not None
                and prev.close > ref.date and a.auth > ref.date):
            a.auth = prev.close = max(ref.date, a.start)
        last[ref.person.pid] = ref


def render_referral(w: World, ref: Referral) -> None:
    sink, rng = w.sink, w.rng
    close = sink.clip(ref.close)
    worker = w.staff.worker_for(ref.person.pid, "front_door", ref.date)
    sink.add("ssd_cin_episodes", cine_referral_id=ref.rid, cine_person_id=ref.person.pid,
             cine_referral_date=ref.date, cine_cin_primary_need_code=ref.need,
             cine_referral_source_code=ref.source,
             cine_referral_source_desc=SOURCE_LABEL[ref.source],
             cine_referral_outcome_json=json.dumps({"outcome": ref.outcome}),
             cine_referral_nfa="Y" if ref.nfa else "N",
             cine_close_reason=code_sets()["reason_for_closure"][ref.close_reason]
             if close and ref.close_reason else None,
             cine_close_date=close,
             cine_referral_closure_reason_code=ref.close_reason if close else None,
             cine_referral_team=worker.team_id if worker else None,
             cine_referral_worker_id=worker.wid if worker else None)
    a = ref.assessment
    if a is None or a.start > w.end:
        return
    auth = sink.clip(a.auth)
    worker = w.staff.worker_for(ref.person.pid, "front_door", a.start)
    sink.add("ssd_cin_assessments", cina_assessment_id=a.aid, cina_person_id=ref.person.pid,
             cina_referral_id=ref.rid, cina_assessment_start_date=a.start,
             cina_assessment_child_seen="Y" if a.seen else "N",
             cina_assessment_auth_date=auth,
             cina_assessment_outcome_json=json.dumps({"outcome": ref.outcome}) if auth else None,
             cina_assessment_outcome_nfa=("Y" if a.nfa else "N") if auth else None,
             cina_assessment_team=worker.team_id if worker else None,
             cina_assessment_worker_id=worker.wid if worker else None)
    if auth:
        factors = sorted({FACTORS.draw(rng) for _ in range(rng.randint(1, 4))})
        if len(factors) > 1 and NO_FACTORS in factors:  # "21" means none of the others
            factors.remove(NO_FACTORS)
        sink.add("ssd_assessment_factors", cinf_table_id=w.ids.next("AF"),
                 cinf_assessment_id=a.aid, cinf_assessment_factors_json=json.dumps(factors))
