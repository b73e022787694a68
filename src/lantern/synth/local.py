"""The local tables councils keep in spreadsheets: fostering households, MARAC, private
fostering, LADO and homeless 16/17 presentations (the establishment is the workforce's:
`workforce.Workforce`).

Drawn after the children's journeys from a random source of their own, so adding them
leaves every statutory figure of a seed unchanged. Levels and paths come from the
scenario's timeline (`foster_approvals_per_year`, `marac_per_month`, ...) where it has
them; the defaults follow the seeds: about ten new fostering households a year against a
stock of about 150 and reviews about 93 % current; 25-40 MARAC referrals a month, about
a quarter repeats within a year; about 57 children living in a private fostering
arrangement at 31 May 2018 and 77 at 31 March 2017 (Ofsted 2018: many short stays of
language students, so notifications run at about 50-110 a year);
15-25 LADO referrals a month, decided mostly the next working day; a few homeless
16/17-year-olds a month, the 2017-18 ones (Ofsted 2018) often not told of their option
to be looked after.
"""

from __future__ import annotations

from collections import deque
from datetime import date, timedelta

from faker.providers.person.en_GB import Provider as NameProvider

from lantern.calendar import add_months, add_working_days, working_day_on_or_before

from .people import SURNAMES, Person
from .sampling import Rng, Table
from .scenario import Timeline
from .workforce import month_bounds
from .world import World

# Defaults for scenarios that do not set these paths ("YYYY-MM": value, as in the YAML).
DEFAULTS: dict[str, dict[str, float]] = {
    "foster_approvals_per_year": {"2011-01": 10.0, "2016-01": 9.0, "2018-06": 9.0,
                                  "2020-01": 10.0, "2023-01": 11.0},
    "foster_review_late": {"2011-01": 0.30, "2018-01": 0.50, "2020-01": 0.30},
    "marac_per_month": {"2011-01": 26.0, "2019-01": 30.0, "2023-06": 36.0},
    "marac_repeat_12m": {"2011-01": 0.27},
    "pf_notifications_per_year": {"2011-01": 92.0, "2017-03": 92.0, "2017-12": 64.0,
                                  "2019-06": 60.0},
    "pf_initial_visit_in_time": {"2011-01": 0.62, "2018-06": 0.60, "2019-06": 0.85,
                                 "2023-06": 0.88, "2024-02": 0.70, "2024-06": 0.88},
    "lado_per_month": {"2011-01": 17.0, "2020-03": 14.0, "2020-09": 19.0, "2023-06": 22.0},
    "lado_decision_next_wd": {"2011-01": 0.72, "2019-01": 0.88, "2023-10": 0.76,
                              "2024-05": 0.90},
    "homeless_1617_per_month": {"2011-01": 4.5, "2020-06": 4.0},
    "homeless_assessed_in_time": {"2011-01": 0.65, "2018-06": 0.65, "2019-06": 0.88},
    "homeless_told_of_option": {"2011-01": 0.60, "2018-06": 0.60, "2019-06": 0.95},
}
AGENCY = Table([("POLICE", 60.0), ("IDVA", 14.0), ("HEALTH", 8.0), ("CSC", 8.0),
                ("HOUSING", 4.0), ("PROBATION", 3.0), ("OTHER", 3.0)])
MARAC_OUTCOME = Table([("SAFETY_PLAN", 72.0), ("CSC_REFERRAL", 14.0), ("NFA", 9.0),
                       ("OTHER", 5.0)])
CHILDREN_IN_HOUSEHOLD = Table([(0, 22.0), (1, 35.0), (2, 26.0), (3, 11.0), (4, 6.0)])
LADO_SECTOR = Table([("EDUCATION", 38.0), ("EARLY_YEARS", 10.0), ("HEALTH", 6.0),
                     ("SOCIAL_CARE", 14.0), ("FOSTER_CARE", 8.0), ("POLICE", 3.0),
                     ("FAITH", 3.0), ("SPORT", 5.0), ("VOLUNTARY", 6.0), ("OTHER", 7.0)])
LADO_OUTCOME = Table([("SUBSTANTIATED", 30.0), ("UNSUBSTANTIATED", 35.0),
                      ("UNFOUNDED", 25.0), ("FALSE", 7.0), ("MALICIOUS", 3.0)])
HOMELESS_OUTCOME = Table([("CLA", 15.0), ("HOUSING", 30.0), ("HOME", 30.0),
                          ("FAMILY", 20.0), ("OTHER", 5.0)])
FOSTER_STOCK = 150  # approved households when the simulation starts
FOSTER_LEAVING = 0.06  # yearly chance an approved household is deregistered


class LocalData:
    """Draws the local tables of one simulated authority into the world's sink."""

    def __init__(self, w: World, rng: Rng) -> None:
        self.w, self.rng, self.sink, self.end = w, rng, w.sink, w.end
        self.start = w.sim_start
        self.paths = {k: _timeline(w, k) for k in DEFAULTS}

    def at(self, name: str, d: date) -> float:
        return self.paths[name].at(d)

    def months(self) -> list[tuple[date, date]]:
        out, first = [], self.start
        while first <= self.end:
            _, last = month_bounds(first)
            out.append((first, min(last, self.end)))
            first = last + timedelta(days=1)
        return out

    def render(self) -> None:
        self.foster_households()
        self.marac()
        self.private_fostering()
        self.lado()
        self.homeless()

    # --- people ----------------------------------------------------------------------
    def adult_name(self) -> str:
        first = self.rng.choice(NameProvider.first_names_female if self.rng.chance(0.8)
                                else NameProvider.first_names_male)
        return f"{first} {self.rng.choice(SURNAMES)}"

    def child_aged(self, on: date, low: int, high: int) -> Person | None:
        """A child of the simulation aged low..high on `on` (a few random tries)."""
        people = self.w.people.all
        for _ in range(200):
            p = people[self.rng.randrange(len(people))]
            if p.dob <= on and low <= p.age(on) <= high:
                return p
        return None

    def wd_later(self, d: date, low: int, high: int) -> date:
        return add_working_days(d, self.rng.randint(low, high))

    # --- tables ----------------------------------------------------------------------
    def foster_households(self) -> None:
        rng = self.rng
        for _ in range(FOSTER_STOCK):  # approved before the data begins, still fostering
            self.household(self.start - timedelta(days=rng.randint(30, 15 * 365)))
        # Approvals go through a fostering panel: each year's count follows the timeline
        # closely (an accumulator, its monthly step jittered), not a Poisson draw.
        due = rng.random()
        for first, last in self.months():
            due += self.at("foster_approvals_per_year", first) / 12 * rng.uniform(0.8, 1.2)
            while due >= 1.0:
                due -= 1.0
                self.household(rng.day_in_month(first, last))

    def household(self, approved: date) -> None:
        rng, end = self.rng, self.end
        connected = rng.chance(0.25)
        # Leaving is memoryless: a household approved before the data begins fosters on
        # from then as long as a new one would.
        years = rng.expovariate(FOSTER_LEAVING * (1.6 if connected else 1.0))
        deregistered = max(approved, self.start) + timedelta(days=max(60, round(years * 365)))
        active_to = min(deregistered, end)
        hid = self.w.ids.next("FH")
        self.sink.add(
            "lantern_foster_households", fhh_household_id=hid,
            fhh_household_type="connected" if connected else "mainstream",
            fhh_approval_date=approved, fhh_deregistration_date=self.sink.clip(deregistered))
        checks = [("REVIEW", d) for d in self.repeated(approved, active_to, 12,
                                                          "foster_review_late")]
        # DBS and medicals start in the assessment, before approval: the first one is not
        # the authority's to record as a carer's check (approval stands for it).
        for kind, before in (("DBS", 120), ("MEDICAL", 150)):
            first = approved - timedelta(days=rng.randint(30, before))
            checks += [(kind, d) for d in self.repeated(first, active_to, 36, None)]
        tsd = self.tsd(approved, connected)
        if tsd is not None and tsd <= active_to:
            checks.append(("TSD", tsd))
        for kind, d in sorted(checks, key=lambda c: c[1]):
            self.sink.add("lantern_foster_checks", fchk_check_id=self.w.ids.next("FC"),
                          fchk_household_id=hid, fchk_check_type=kind, fchk_check_date=d)

    def repeated(self, since: date, until: date, months: int, late: str | None) -> list[date]:
        """A check repeated every `months` after `since` (some late), up to `until`."""
        rng, d = self.rng, since
        done: list[date] = []
        while True:
            due = add_months(d, months)
            p_late = self.at(late, due) if late else 0.3
            d = due + timedelta(days=rng.randint(30, 200) if rng.chance(p_late)
                                else -rng.randint(0, 30))
            if d > until:
                return done
            done.append(d)

    def tsd(self, approved: date, connected: bool) -> date | None:
        """Standards completed within 12 months of approval (18 for connected carers)."""
        limit = 18 if connected else 12
        months = self.rng.uniform(3, limit) if self.rng.chance(0.88) \
            else self.rng.uniform(limit, limit + 10)
        return self.sink.clip(approved + timedelta(days=round(months * 30.4)))

    def marac(self) -> None:
        rng = self.rng
        recent: deque[tuple[date, str, str]] = deque()  # (date, victim id, name), a year
        for first, last in self.months():
            for d in sorted(rng.day_in_month(first, last)
                            for _ in range(rng.poisson(self.at("marac_per_month", first)))):
                while recent and recent[0][0] < add_months(d, -12):
                    recent.popleft()
                if recent and rng.chance(self.at("marac_repeat_12m", d)):
                    _, victim, name = recent[rng.randrange(len(recent))]
                else:
                    victim, name = self.w.ids.next("MV"), self.adult_name()
                recent.append((d, victim, name))
                self.marac_referral(d, victim, name)

    def marac_referral(self, d: date, victim: str, name: str) -> None:
        rng = self.rng
        count = CHILDREN_IN_HOUSEHOLD.draw(rng)
        known = [p.pid for _ in range(count) if rng.chance(0.55)
                 and (p := self.child_aged(d, 0, 17)) is not None]
        outcome = MARAC_OUTCOME.draw(rng) if d + timedelta(days=14) <= self.end else None
        self.sink.add("lantern_marac_referrals", mara_referral_id=self.w.ids.next("MR"),
                      mara_victim_id=victim, mara_victim_name=name, mara_referral_date=d,
                      mara_referring_agency=AGENCY.draw(rng), mara_children_count=count,
                      mara_child_person_ids=";".join(dict.fromkeys(known)) or None,
                      mara_outcome=outcome)

    def private_fostering(self) -> None:
        rng = self.rng
        for first, last in self.months():
            lam = self.at("pf_notifications_per_year", first) / 12
            for _ in range(rng.poisson(lam)):
                notified = working_day_on_or_before(rng.day_in_month(first, last))
                child = self.child_aged(notified, 8, 15)
                if child is not None and notified >= self.start:
                    self.arrangement(child, notified)

    def arrangement(self, child: Person, notified: date) -> None:
        rng = self.rng
        # Notified up to 45 days late or 10 days ahead; never after the data ends.
        start = min(notified + timedelta(days=rng.randint(-45, 10)), self.end)
        short = rng.chance(0.4)  # language students and short family stays
        length = rng.randint(28, 90) if short else rng.randint(90, 800)
        end = min(start + timedelta(days=length), child.birthday(16) - timedelta(days=1))
        aid = self.w.ids.next("PF")
        self.sink.add("lantern_private_fostering", pfa_arrangement_id=aid,
                      pfa_person_id=child.pid, pfa_notification_date=notified,
                      pfa_start_date=start, pfa_end_date=self.sink.clip(max(end, start)),
                      pfa_carer_name=self.adult_name())
        in_time = rng.chance(self.at("pf_initial_visit_in_time", notified))
        visit = self.wd_later(notified, 0, 7) if in_time else self.wd_later(notified, 8, 25)
        stop = min(max(end, start), self.end)
        while visit <= stop:
            self.sink.add("lantern_private_fostering_visits", pfv_visit_id=self.w.ids.next("PFV"),
                          pfv_arrangement_id=aid, pfv_visit_date=visit)
            every = 42 if visit < add_months(start, 12) else 84
            visit += timedelta(days=rng.randint(every - 14, every) if rng.chance(0.85)
                               else rng.randint(every + 1, every + 40))

    def lado(self) -> None:
        rng = self.rng
        for first, last in self.months():
            for _ in range(rng.poisson(self.at("lado_per_month", first))):
                received = working_day_on_or_before(rng.day_in_month(first, last))
                if received >= self.start:
                    self.lado_referral(received)

    def lado_referral(self, received: date) -> None:
        rng, clip = self.rng, self.sink.clip
        next_day = rng.chance(self.at("lado_decision_next_wd", received))
        decision = self.wd_later(received, 0, 1) if next_day else self.wd_later(received, 2, 12)
        meeting = self.wd_later(received, 3, 20) if rng.chance(0.35) else None
        within_month = rng.chance(0.5)
        closed = (received + timedelta(days=rng.randint(3, 30)) if within_month
                  else add_months(received, 1) + timedelta(days=rng.randint(1, 180)))
        closed_known = clip(closed)
        child = self.child_aged(received, 0, 17) if rng.chance(0.35) else None
        self.sink.add("lantern_lado_referrals", lado_referral_id=self.w.ids.next("LA"),
                      lado_subject_name=self.adult_name(),
                      lado_person_id=child.pid if child else None,
                      lado_received_date=received, lado_decision_date=clip(decision),
                      lado_meeting_date=clip(meeting) if meeting else None,
                      lado_outcome=LADO_OUTCOME.draw(rng) if closed_known else None,
                      lado_closed_date=closed_known,
                      lado_employer_sector=LADO_SECTOR.draw(rng))

    def homeless(self) -> None:
        rng = self.rng
        for first, last in self.months():
            for _ in range(rng.poisson(self.at("homeless_1617_per_month", first))):
                presented = working_day_on_or_before(rng.day_in_month(first, last))
                child = self.child_aged(presented, 16, 17)
                if child is not None and presented >= self.start:
                    self.presentation(child, presented)

    def presentation(self, child: Person, presented: date) -> None:
        rng = self.rng
        in_time = rng.chance(self.at("homeless_assessed_in_time", presented))
        assessed = (self.wd_later(presented, 1, 10) if in_time
                    else self.wd_later(presented, 11, 40))
        told = rng.chance(self.at("homeless_told_of_option", presented))
        done = self.sink.clip(assessed)
        self.sink.add("lantern_homeless_presentations",
                      hmls_presentation_id=self.w.ids.next("HP"), hmls_person_id=child.pid,
                      hmls_presented_date=presented, hmls_assessed_date=done,
                      hmls_told_of_option=("Y" if told else "N") if done else None,
                      hmls_outcome=HOMELESS_OUTCOME.draw(rng) if done else None)


def _timeline(w: World, name: str) -> Timeline:
    """The scenario's path, else the default (counts scaled with the population)."""
    got = w.sc.timeline.get(name)
    if got is not None:
        return got
    path = Timeline.from_mapping(DEFAULTS[name])
    return path.times(w.sc.scale) if name.endswith(("_per_year", "_per_month")) else path


def render_local(w: World, seed: int) -> None:
    """Draw every local table into the world's sink (its own random source)."""
    LocalData(w, Rng(seed * 7_919 + 18)).render()
