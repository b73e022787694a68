"""Teams, workers (turnover, agency), supervision and case allocation (ssd_involvements).

Each team has posts (its headcount and a team manager), each a chain of successive
holders with a vacancy between them; the funded establishment (``lantern_establishment``,
every 1 April) is the FTE of the team's social-work posts, including the posts left
vacant through the bad years (``vacant_posts_share``) and filled by the recruitment drive
of 2022-23 (timeline ``historic_vacancies_filled``) — so caseloads are high while those
posts are empty and fall once they are filled. Through the bad years cases are also
shared less evenly (timeline ``caseload_spread``: some workers over 40).

Staffing is simulated month by month: starters take up vacant posts (agency or not, the
share of agency starters following the timeline ``agency_share`` by error diffusion),
then leavers go, as many as the timeline ``worker_turnover`` says (an accumulator, so a
year's turnover is the timeline's rather than the noise of a hundred coin flips).
Everything the workforce draws — staff, recruited posts, allocation, supervision — comes
from its own stream (`Workforce.own`, seeded from the simulation's state without drawing
from it), so staffing never shifts the simulation's stream. Caseloads still bear on visit
timeliness (``visit_caseload_effect``), and a late visit draws more from that stream than
one on time: a change that moves caseloads re-draws what the simulation draws after it.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from faker.providers.person.en_GB import Provider as NameProvider

from .people import SURNAMES, Person
from .sampling import Quota, Rng, Table
from .scenario import Scenario, TeamSpec, month_index
from .sink import Ids, Sink

SERVICES = ("front_door", "safeguarding", "cared_for", "care_experienced", "permanence")
SW_TITLES = Table([("Social Worker", 55.0), ("Senior Social Worker", 30.0),
                   ("Advanced Practitioner", 15.0)])
FTE = Table([(1.0, 75.0), (0.8, 12.0), (0.6, 8.0), (0.5, 5.0)])
# Reallocations not caused by a worker leaving (per year of allocation).
OTHER_CHANGE_RATE = 0.12
OTHER_CHANGE = Table([("MANAGE", 50.0), ("ABSENC", 20.0), ("ORGRST", 10.0),
                      ("PCCHAN", 8.0), ("CHCHAN", 4.0), ("OTHERS", 8.0)])


@dataclass
class Worker:
    wid: str
    name: str
    team_id: str
    service: str
    title: str
    fte: float
    agency: bool
    start: date
    end: date | None
    weight: float  # share of allocations relative to colleagues (uneven caseloads)

    def active(self, first: date, last: date) -> bool:
        """Employed on every day from first to last."""
        return self.start <= first and (self.end is None or self.end > last)


@dataclass
class _Post:
    """One post and its successive holders; `opens` is the day its next holder starts
    (None while held, or once nobody else starts before the end)."""
    team_id: str
    service: str
    title: str
    holders: list[Worker]
    opens: date | None

    def holder_from(self, first: date, agency: bool) -> bool:
        """Held on the month's first day by an (agency) worker who has not left."""
        if not self.holders:
            return False
        w = self.holders[-1]
        return w.end is None and w.start <= first and w.agency == agency


def month_bounds(d: date) -> tuple[date, date]:
    first = d.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return first, nxt - timedelta(days=1)


class Workforce:
    def __init__(self, scenario: Scenario, rng: Rng, ids: Ids, sim_start: date, end: date):
        self.sc = scenario
        # The workforce's own stream, seeded from the simulation's state without drawing
        # from it: nothing here moves the children's journeys.
        self.own = Rng(hash(rng.getstate()[1][:16]))
        # (team, title, successive holders) of every post
        self.posts: list[tuple[str, str, list[Worker]]] = []
        self._load: dict[tuple[str, int], int] | None = None
        self.ids = ids
        self.sim_start = sim_start
        self.end = end
        self.teams: list[tuple[str, TeamSpec]] = []
        self.workers: list[Worker] = []
        self.by_service: dict[str, list[Worker]] = {s: [] for s in SERVICES}
        self.managers: dict[str, list[Worker]] = {s: [] for s in SERVICES}
        self._allocations: Counter[str] = Counter()  # worker -> allocations so far
        self._pool: dict[tuple[str, int], tuple[list[Worker], list[float]]] = {}
        self._allocated: dict[tuple[str, str], list[tuple[date, date | None, str]]] | None = None
        self._by_id: dict[str, Worker] = {}
        self._agency_quota = Quota(self.own.random())
        # (id, worker, role, team, start, end, change reason, referral, person)
        self.involvements: list[
            tuple[str, str, str, str, date, date | None, str, str | None, str]] = []
        self._build()

    # --- staffing -------------------------------------------------------------------
    def _build(self) -> None:
        posts: list[_Post] = []
        for n, spec in enumerate(self.sc.teams, start=1):
            team_id = f"T{n:03d}"
            self.teams.append((team_id, spec))
            posts.append(self._post(team_id, spec.service, "Team Manager"))
            for _ in range(self.sc.headcount(spec)):
                title = "Personal Adviser" if spec.service == "care_experienced" else ""
                posts.append(self._post(team_id, spec.service, title))
        posts += self._recruited_posts()
        self._staff_months(posts)

    def _post(self, team_id: str, service: str, title: str,
              opens: date | None = None) -> _Post:
        """A post; unless it opens later, held on the first day simulated by someone who
        started up to ten years before."""
        holders: list[Worker] = []
        self.posts.append((team_id, title, holders))
        post = _Post(team_id, service, title, holders, opens)
        if opens is None:
            start = self.sim_start - timedelta(days=self.own.randint(30, 3650))
            self._hire(post, start)
        return post

    def _recruited_posts(self) -> list[_Post]:
        """Posts vacant through the bad years (a share of each social-work team's
        headcount), each filled by a permanent starter once the recruitment drive
        (timeline ``historic_vacancies_filled``, 0 -> 1) reaches its turn."""
        share = self.sc.rate("vacant_posts_share", 0.0)
        filled = self.sc.timeline.get("historic_vacancies_filled")
        if not share or filled is None:
            return []
        out = []
        for team_id, spec in self.teams:
            if spec.service == "care_experienced":
                continue
            for _ in range(round(self.sc.headcount(spec) * share)):
                turn = self.own.random()
                first = self.sim_start
                while first <= self.end and filled.at(first) < turn:
                    first = month_bounds(first)[1] + timedelta(days=1)
                opens = self.own.day_in_month(*month_bounds(first))
                out.append(self._post(team_id, spec.service, "", opens=opens))
        return out

    def _hire(self, post: _Post, start: date, agency: bool | None = None) -> None:
        """A new holder of the post; agency or not so that the share of agency starters
        follows the timeline ``agency_share`` closely (error diffusion, not a coin each)."""
        rng = self.own
        if agency is None:
            agency = self._agency_quota.draw(self.sc.at("agency_share", start))
        worker = Worker(
            wid=self.ids.next("W"),
            name=f"{rng.choice(NameProvider.first_names)} {rng.choice(SURNAMES)}",
            team_id=post.team_id, service=post.service,
            title=post.title or SW_TITLES.draw(rng),
            fte=FTE.draw(rng), agency=agency, start=start, end=None,
            weight=math.exp(rng.gauss(0.0, 0.3)),
        )
        self.workers.append(worker)
        post.holders.append(worker)
        (self.managers if post.title == "Team Manager" else self.by_service)[
            post.service].append(worker)
        post.opens = None

    def _staff_months(self, posts: list[_Post]) -> None:
        """Month by month: starters take up vacant posts, then leavers go. How many leave
        follows the timeline ``worker_turnover`` (annual leaving rate of permanent staff;
        agency staff move on twice as fast) through an accumulator, so a year's turnover
        is the timeline's and not the noise of a hundred coin flips; who leaves is drawn."""
        first = self.sim_start
        due = {False: self.own.random(), True: self.own.random()}  # leavers owed so far
        while first <= self.end:
            _, last = month_bounds(first)
            for post in posts:
                if post.opens is not None and post.opens <= last:
                    # a recruited post's first holder is a permanent starter
                    self._hire(post, post.opens, agency=False if not post.holders else None)
            rate = self.sc.at("worker_turnover", first)
            for agency, factor in ((False, 1.0), (True, 2.0)):
                held = [p for p in posts if p.holder_from(first, agency)]
                due[agency] += len(held) * (1 - (1 - rate * factor) ** (1 / 12))
                leaving = min(int(due[agency]), len(held))
                due[agency] -= leaving
                for post in self.own.sample(held, leaving):
                    self._leave(post, self.own.day_in_month(first, last))
            first = last + timedelta(days=1)

    def _leave(self, post: _Post, day: date) -> None:
        """The holder leaves (at the earliest the day after starting); the post is vacant
        while recruiting."""
        worker = post.holders[-1]
        worker.end = max(day, worker.start + timedelta(days=1))
        opens = worker.end + timedelta(days=self.own.randint(14, 110))
        post.opens = opens if opens <= self.end else None

    # --- allocation -----------------------------------------------------------------
    def pick(self, service: str, on: date) -> Worker | None:
        key = (service, month_index(on))
        pool = self._pool.get(key)
        if pool is None:
            first, last = month_bounds(on)
            ws = [w for w in self.by_service[service] if w.active(first, last)]
            spread = self.sc.at("caseload_spread", first) \
                if "caseload_spread" in self.sc.timeline else 1.0
            pool = self._pool[key] = (ws, list(accumulate(w.weight ** spread * w.fte
                                                          for w in ws)))
        ws, cum = pool
        if ws:
            return ws[bisect_right(cum, self.own.random() * cum[-1])]
        fallback = [w for w in self.by_service[service]
                    if w.start <= on and (w.end is None or w.end > on)]
        return self.own.choice(fallback) if fallback else None

    def allocated(self, pid: str, on: date, role: str = "SW") -> Worker | None:
        """The child's allocated worker (`role` involvement open on `on`; of two open that
        day, the one that started later). Built once allocation is complete."""
        if self._allocated is None:
            index: dict[tuple[str, str], list[tuple[date, date | None, str]]] = {}
            for (_, wid, r, _, start, end, _, _, person) in self.involvements:
                index.setdefault((person, r), []).append((start, end, wid))
            for spans in index.values():
                spans.sort(key=lambda s: s[0])
            self._allocated = index
            self._by_id = {w.wid: w for w in self.workers}
        best: str | None = None
        for start, end, wid in self._allocated.get((pid, role), ()):
            if start > on:
                break
            if end is None or end >= on:
                best = wid
        return self._by_id[best] if best is not None else None

    def worker_for(self, pid: str, service: str, on: date, role: str = "SW") -> Worker | None:
        """The allocated worker on the date, else someone in the service that month."""
        return self.allocated(pid, on, role) or self.pick(service, on)

    def allocate(self, person: Person, role: str, service: str, start: date,
                 end: date | None, referral_id: str | None, reason: str) -> None:
        """Allocated workers over one stage of a child's journey, changing worker when one
        leaves (LEFTRL) or for caseload and other reasons."""
        rng = self.own
        if start > self.end:
            return
        stop = self._stop(end)
        d = start
        while True:
            w = self.pick(service, d)
            if w is None:
                self._allocate_without_draws(person, role, service, d, end, referral_id,
                                             reason)
                return
            seg_end, next_reason = self._tenure(w, stop)
            years = (seg_end - d).days / 365.0
            if years > 0.1 and rng.chance(1 - math.exp(-OTHER_CHANGE_RATE * years)):
                seg_end = d + timedelta(days=rng.randint(1, max(1, (seg_end - d).days - 1)))
                next_reason = OTHER_CHANGE.draw(rng)
            if self._record(person, role, w, d, seg_end, end, referral_id, reason):
                return
            d, reason = seg_end, next_reason

    def _stop(self, end: date | None) -> date:
        return end if end is not None and end <= self.end else self.end

    @staticmethod
    def _tenure(w: Worker, stop: date) -> tuple[date, str]:
        """Until when the worker can hold the case, and why it changes hands then."""
        return (w.end, "LEFTRL") if w.end is not None and w.end < stop else (stop, "")

    def _record(self, person: Person, role: str, w: Worker, start: date, seg_end: date,
                end: date | None, referral_id: str | None, reason: str) -> bool:
        """Store one allocation; True when it reaches the end of the stage."""
        last = seg_end >= self._stop(end)
        recorded_end = (end if end is not None and end <= self.end else None) if last \
            else seg_end
        self.involvements.append((self.ids.next("INV"), w.wid, role, w.team_id, start,
                                  recorded_end, reason, referral_id, person.pid))
        self._allocations[w.wid] += 1
        return last

    def _allocate_without_draws(self, person: Person, role: str, service: str, start: date,
                                end: date | None, referral_id: str | None,
                                reason: str) -> None:
        """The rest of a stage on which no one in the service could be picked (the burn-in,
        before its first posts were filled; a service-wide vacancy): each time, the
        service's worker (else team manager) employed that day with the fewest allocations,
        waiting for the next starter when there is none. No random draw, so every other
        draw of the simulation, and every figure it makes, stays as it was."""
        stop, d = self._stop(end), start
        while d <= stop:
            w = self._least_allocated(service, d)
            if w is None:
                nxt = min((x.start for x in self._staff(service) if x.start > d),
                          default=None)
                if nxt is None:
                    return
                d = nxt
                continue
            seg_end, next_reason = self._tenure(w, stop)
            if self._record(person, role, w, d, seg_end, end, referral_id, reason):
                return
            d, reason = seg_end, next_reason

    def _staff(self, service: str) -> list[Worker]:
        return self.by_service[service] + self.managers[service]

    def _least_allocated(self, service: str, on: date) -> Worker | None:
        for pool in (self.by_service[service], self.managers[service]):
            employed = [w for w in pool if w.start <= on and (w.end is None or w.end > on)]
            if employed:
                return min(employed, key=lambda w: self._allocations[w.wid])
        return None

    def allocate_stages(self, people: list[Person]) -> None:
        """Each child's stages (front door, safeguarding, cared for, care experienced) become
        successive allocations; a new stage clips the one before so allocations never overlap."""
        for p in people:
            by_role: dict[str, list[tuple[date, date | None, str, str | None]]] = {}
            for st in sorted(p.stages, key=lambda s: (s[0], s[2])):
                role = "PA" if st[2] == "care_experienced" else "SW"
                by_role.setdefault(role, []).append(st)
            for role in ("SW", "PA"):
                self._allocate_role(p, role, by_role.get(role, []))

    def _allocate_role(self, p: Person, role: str,
                       stages: list[tuple[date, date | None, str, str | None]]) -> None:
        prev_end: date | None = date.min
        prev_service = ""
        covered: list[tuple[date, date]] = []
        cut: list[tuple[date, date, str, str | None]] = []
        for i, (start, end, service, ref) in enumerate(stages):
            nxt = stages[i + 1][0] if i + 1 < len(stages) else None
            if nxt is not None and (end is None or end > nxt):
                cut.append((nxt, end or date.max, service, ref))
                end = nxt  # the next stage takes over on its start date
            if end is not None and end < start:
                continue
            covered.append((start, end or date.max))
            continuing = prev_end is None or (prev_end is not None and prev_end >= start)
            reason = "TSPROC" if continuing and prev_service else "FCONTA"
            if service == prev_service and continuing:
                reason = "OTHERS"
            self.allocate(p, role, service, start, end, ref, reason)
            prev_end, prev_service = end, service
        self._resume(p, role, covered, cut)

    def _resume(self, p: Person, role: str, covered: list[tuple[date, date]],
                cut: list[tuple[date, date, str, str | None]]) -> None:
        """A stage cut short by a shorter one (a new referral while the child is looked
        after) carries on once that one ends: the child is still looked after, on a plan.
        Allocated without a random draw, so the simulation's other draws stay as they were."""
        for start, end, service, ref in cut:
            for a, b in _uncovered(start, end, covered):
                self._allocate_without_draws(p, role, service, a,
                                             None if b == date.max else b, ref, "TSPROC")
                covered.append((a, b))

    # --- rendering ------------------------------------------------------------------
    def render(self, sink: Sink) -> None:
        self._departments(sink)
        caseload = self._caseloads_at_30_september()
        for w in self.workers:
            sink.add(
                "ssd_professionals",
                prof_professional_id=w.wid, prof_staff_id=f"S{w.wid[1:]}",
                prof_professional_name=w.name,
                prof_social_worker_registration_no=None if w.title == "Personal Adviser"
                else f"SW{int(w.wid[1:]) * 7919 % 999983:06d}",
                prof_professional_job_title=w.title,
                prof_professional_caseload=caseload.get(w.wid),
                prof_professional_department=w.team_id,
                prof_full_time_equivalency=w.fte,
                prof_agency_worker_flag="Y" if w.agency else "N",
                prof_start_date=w.start, prof_end_date=sink.clip(w.end),
            )
        for (iid, wid, role, team, start, end, reason, ref, pid) in self.involvements:
            sink.add("ssd_involvements", invo_involvements_id=iid, invo_professional_id=wid,
                     invo_professional_role_id=role, invo_professional_team=team,
                     invo_involvement_start_date=start, invo_involvement_end_date=end,
                     invo_worker_change_reason=reason, invo_person_id=pid,
                     invo_referral_id=ref)
        self._supervisions(sink)
        self._establishment(sink)

    def _departments(self, sink: Sink) -> None:
        for service in SERVICES:
            sink.add("ssd_department", dept_team_id=service, dept_team_name=service)
        for team_id, spec in self.teams:
            sink.add("ssd_department", dept_team_id=team_id, dept_team_name=spec.team,
                     dept_team_parent_id=spec.service, dept_team_parent_name=spec.service)

    def _caseloads_at_30_september(self) -> dict[str, int]:
        census = date(self.end.year if self.end.month >= 10 else self.end.year - 1, 9, 30)
        counts: dict[str, int] = {}
        for (_, wid, role, _, start, end, _, _, _) in self.involvements:
            if role == "SW" and start <= census and (end is None or end >= census):
                counts[wid] = counts.get(wid, 0) + 1
        return {w.wid: counts.get(w.wid, 0) for w in self.workers
                if w.start <= census and (w.end is None or w.end > census)}

    def caseload(self, pid: str, on: date) -> int | None:
        """The caseload, at the end of the month of ``on``, of the social worker allocated
        to the child on ``on`` (None when nobody is)."""
        worker = self.allocated(pid, on)
        if worker is None:
            return None
        if self._load is None:
            self._load = self._month_end_loads()
        return self._load.get((worker.wid, month_index(on)), 0)

    def visit_pressure(self, pid: str, on: date) -> float:
        """How a heavy caseload lowers the chance that the child's next visit is on time:
        1 − effect × (caseload − threshold) for a worker over the threshold
        (``visit_caseload_from``, ``visit_caseload_effect``), never below one half."""
        effect = self.sc.rate("visit_caseload_effect", 0.0)
        load = self.caseload(pid, on) if effect else None
        if load is None:
            return 1.0
        excess = max(0, load - self.sc.rate("visit_caseload_from", 18.0))
        return max(0.5, 1.0 - effect * excess)

    def _month_end_loads(self) -> dict[tuple[str, int], int]:
        """(worker, month) -> children with an SW involvement open at the month's end."""
        load: dict[tuple[str, int], int] = {}
        last = month_index(self.end)
        for (_, wid, role, _, start, end, _, _, _) in self.involvements:
            if role != "SW":
                continue
            first = month_index(start)
            stop = last if end is None else month_index(end) - (
                0 if end == month_bounds(end)[1] else 1)
            for m in range(first, min(stop, last) + 1):
                load[wid, m] = load.get((wid, m), 0) + 1
        return load

    def _establishment(self, sink: Sink) -> None:
        """Each team's funded social-work FTE, recorded every 1 April (and on the first
        day simulated): the FTE each of its posts was funded at (its first holder's
        hours), vacant or not — so a vacancy is a post without an employed holder, an
        agency worker in it, or a holder on fewer hours. Personal advisers' posts are
        not social-work posts."""
        days = [self.sim_start] + [date(y, 4, 1) for y in range(self.sim_start.year + 1,
                                                                self.end.year + 1)]
        funded: dict[str, float] = {}
        for team_id, title, holders in self.posts:
            if title != "Personal Adviser" and holders:
                funded[team_id] = funded.get(team_id, 0.0) + holders[0].fte
        for on in (d for d in days if d <= self.end):
            for team_id, fte in funded.items():
                sink.add("lantern_establishment", estb_establishment_id=self.ids.next("EST"),
                         estb_team_id=team_id, estb_fte=round(fte, 1), estb_effective_from=on)

    def _supervisions(self, sink: Sink) -> None:
        rng = self.own
        for w in self.workers:
            if w.title == "Team Manager":
                continue
            d = max(w.start, self.sim_start) + timedelta(days=rng.randint(7, 40))
            stop = min(w.end or self.end, self.end)
            while d <= stop:
                if not rng.chance(self.sc.at("supervision_gap", d)):
                    sink.add("lantern_supervisions", supv_supervision_id=self.ids.next("SUP"),
                             supv_professional_id=w.wid, supv_supervision_date=d)
                d += timedelta(days=rng.randint(35, 49))


def _uncovered(start: date, end: date, covered: list[tuple[date, date]]
               ) -> list[tuple[date, date]]:
    """The parts of [start, end) that no span in `covered` ([from, to), handed on at `to`)
    holds."""
    out: list[tuple[date, date]] = []
    a = start
    for s, e in sorted(covered):
        if e <= a or s >= end:
            continue
        if s > a:
            out.append((a, s))
        a = max(a, e)
        if a >= end:
            break
    if a < end:
        out.append((a, end))
    return out
