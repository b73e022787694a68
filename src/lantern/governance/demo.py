"""The demo authority's deep dives and meetings, played through the same calls people
make.

- Every decline trigger from August 2023 to the latest month is stored, as each month's
  assurance would have stored it: the child-protection decline of late 2023 opens deep
  dives for initial conferences and statutory visits, and later firings attach to them.
- The initial-conference deep dive is the one worked in March 2024: a lead, terms of
  reference, a method with an audit sample, findings, recommendations, actions in the
  shared tracker (some done), monthly updates, and the process change from March 2024
  that the ICPC chart rebases at. It closes on recovery in the first month the figures
  show three months without decline — checked by Lantern, not asserted here.
- The Chief Executive commissions a deep dive every six weeks; a mock inspection in June.
- A performance surgery every month, with minutes written from that month's figures and
  actions that carry forward until done.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from lantern.actions import tracker
from lantern.actions.tracker import ActionDraft, KpiLink
from lantern.assurance.inputs import add_months
from lantern.governance import deep_dives, meetings
from lantern.governance.deep_dives import DeepDiveError
from lantern.governance.figures import ScopeFigures, Warehouse, meta, month_range
from lantern.governance.models import DeepDive
from lantern.governance.service import Recovery, recorded_by, recorded_on, sync
from lantern.months import Month
from lantern.plan.demo import _people
from lantern.security.policy import Principal

FIRST_MONTH = "2023-10"  # the late-2023 child-protection decline
ICPC, VISITS = "icpc_15wd_pct", "cp_visits_10wd_pct"
CE_THEMES = (
    "Children placed more than 20 miles from home",
    "Management oversight on the front door's strategy discussions",
    "Exploitation: risk assessments completed and reviewed",
    "The voice of the child in child protection plans",
    "Care leavers' pathway plans and accommodation",
    "Children in need plans open for more than a year",
    "Supervision frequency and quality in safeguarding teams",
    "Return home interviews after missing episodes",
)


def build(engine: Engine, wh: Warehouse, latest: str,
          change_months: tuple[str, ...]) -> str:
    """Create the demo's deep dives and meetings unless some exist; says what it did."""
    with Session(engine) as s:
        if s.scalar(select(func.count()).select_from(DeepDive)):
            return "kept the deep dives already in the app database"
    people = _people(engine)
    results = sync(engine, wh, month_range(FIRST_MONTH, latest),
                   recorded_on=recorded_by(Month.parse(latest).last))
    opened = sum(len(r.opened) for r in results)
    figures = ScopeFigures(wh, latest)
    figures.prefetch([ICPC, VISITS], month_range("2023-06", latest))
    recovery = Recovery(wh, latest, change_months)
    closed = _work_cp_deep_dives(engine, people, figures, recovery, latest)
    ce = _commissioned(engine, people, latest)
    surgeries = _surgeries(engine, people, figures, latest)
    return (f"{opened} deep dives from decline triggers ({closed}), {ce} commissioned; "
            f"{surgeries} performance surgeries")


def _pct(x: float | None) -> str:
    return "no figure" if x is None else f"{x:.1f}%"


def _action(s: Session, actor: Principal, ref: str, title: str, *, lead: str, due: str,
            source: str, source_id: int, kpis: tuple[KpiLink, ...] = (),
            status: str = "in_progress") -> None:
    tracker.create(s, actor, ActionDraft(ref=ref, title=title, lead=lead,
                                         due=date.fromisoformat(due), source_kind=source,
                                         source_id=str(source_id), kpis=kpis, status=status))


def _work_cp_deep_dives(engine: Engine, people: dict[str, Principal], figures: ScopeFigures,
                        recovery: Recovery, latest: str) -> str:
    hos = people["demo_head_of_service"]
    with Session(engine) as s, s.begin():
        icpc = deep_dives.open_for(s, ICPC, "authority", "") or _first(s, ICPC)
        visits = deep_dives.open_for(s, VISITS, "authority", "") or _first(s, VISITS)
        if icpc is None:
            return "no child-protection decline in the data"
        refs = [icpc.ref] + ([visits.ref] if visits is not None else [])
        deep_dives.edit(
            s, icpc.ref, lead="demo_head_of_service", due=date(2024, 3, 29),
            terms_of_reference=(
                "Why initial child protection conferences are held later than 15 working "
                "days after the strategy discussion, and what would bring them back within "
                "timescale."),
            method=("Case audit of the 20 most recent initial conferences held late; "
                    "conversations with the conference chairs, the business support team "
                    "and three team managers; the booking diary for January to March."),
            audit_sample="20 children whose initial conference was held late, Jan-Feb 2024",
            findings=(
                "Conferences were booked only once the section 47 enquiry was written up, "
                "not at the strategy discussion; two chairs' posts were vacant from "
                "September; reports reached families on the day. Where the conference was "
                "booked at the strategy discussion it was held on time in 18 of 20 cases."),
            recommendations=(
                "Book the conference at the strategy discussion; a weekly slot for each "
                "team; recruit to the vacant chair posts; reports shared two working days "
                "before."))
        deep_dives.mark_process_change(s, hos, icpc.ref, "2024-03", date(2024, 3, 28))
        steps = (("Book initial conferences at the strategy discussion", "2024-04-30",
                  "done_awaiting_impact"),
                 ("Protected weekly conference slots for each safeguarding team",
                  "2024-05-31", "done_awaiting_impact"),
                 ("Recruit to the two vacant conference chair posts", "2024-07-31",
                  "in_progress"))
        for n, (title, due, status) in enumerate(steps, 1):
            _action(s, hos, f"{icpc.ref}-{n}", title, lead="demo_head_of_service", due=due,
                    source="deep_dive", source_id=icpc.id, kpis=(KpiLink(ICPC, 80.0),),
                    status=status)
        for month in month_range("2024-03", add_months(latest, -1)):
            value = figures.value(ICPC, "authority", "", month)
            deep_dives.add_update(s, hos, icpc.ref,
                                  f"{month}: conferences within 15 working days "
                                  f"{_pct(value)} (rolling 12 months).",
                                  recorded_on(month))
        if visits is not None:
            deep_dives.edit(s, visits.ref, lead="demo_team_manager", due=date(2024, 4, 30),
                            terms_of_reference="Statutory visits to children on CP plans "
                            "falling behind 10 working days since August 2023.",
                            findings="Visits slipped where caseloads passed 22; cover "
                            "arrangements during sickness were not recorded.")
    return _close_on_recovery(engine, people, recovery, refs, latest)


def _first(s: Session, kpi_id: str) -> DeepDive | None:
    return s.scalar(select(DeepDive).where(DeepDive.kpi_id == kpi_id,
                                           DeepDive.breakdown == "authority")
                    .order_by(DeepDive.id))


def _close_on_recovery(engine: Engine, people: dict[str, Principal], recovery: Recovery,
                       refs: list[str], latest: str) -> str:
    """Close each in the first month the recovery check passes (as the lead would try
    each month); say what happened."""
    from lantern.governance.service import close

    said = []
    for ref in refs:
        for month in month_range("2024-04", latest):
            try:
                close(engine, people["demo_head_of_service"], ref, recorded_on(month),
                      recovery=Recovery(recovery.wh, month, recovery.change_months))
            except DeepDiveError:
                continue
            said.append(f"{ref} closed on recovery at {month}")
            break
        else:
            said.append(f"{ref} still open")
    return "; ".join(said)


def _commissioned(engine: Engine, people: dict[str, Principal], latest: str) -> int:
    dcs = people["demo_dcs"]
    end = date.fromisoformat(f"{latest}-28")
    on, n = date(2024, 1, 8), 0
    with Session(engine) as s, s.begin():
        while on <= end and n < len(CE_THEMES):
            dd = deep_dives.commission(s, dcs, kind="chief_executive", theme=CE_THEMES[n],
                                       on=on, lead="demo_divisional_director",
                                       due=on + timedelta(weeks=4))
            if on + timedelta(weeks=6) <= end:
                deep_dives.edit(s, dd.ref, findings="Reported to the Chief Executive's "
                                "challenge session; actions taken into the plan.")
                deep_dives.close(s, dcs, dd.ref, on + timedelta(weeks=5),
                                 reason="Findings reported and actions agreed")
            on, n = on + timedelta(weeks=6), n + 1
        mock = deep_dives.commission(
            s, dcs, kind="mock_inspection", on=date(2024, 6, 10),
            theme="Mock inspection: the experiences and progress of children who need help "
                  "and protection", lead="demo_performance_analyst", due=date(2024, 6, 28))
        deep_dives.edit(s, mock.ref, findings="Auditors tracked 12 children: planning was "
                        "clearer than in 2023; management oversight on the front door was "
                        "not always recorded.")
        _action(s, dcs, f"{mock.ref}-1", "Record management oversight at every front-door "
                "decision", lead="demo_team_manager", due="2024-09-30", source="deep_dive",
                source_id=mock.id)
        deep_dives.close(s, dcs, mock.ref, date(2024, 7, 15),
                         reason="Findings reported to the improvement board")
    return n + 1


def _surgeries(engine: Engine, people: dict[str, Principal], figures: ScopeFigures,
               latest: str) -> int:
    hos = people["demo_head_of_service"]
    # Each month's surgery meets in the next month on that month's report: the last one
    # held is on the month before the latest (whose surgery has not happened yet).
    months = month_range(add_months(latest, -12), add_months(latest, -1))
    with Session(engine) as s, s.begin():
        for n, month in enumerate(months, 1):
            held = recorded_on(month) + timedelta(days=13)
            m = meetings.create(
                s, kind="performance_surgery", held_on=held, service="safeguarding",
                chair="Demo head of service",
                attendees=["Demo head of service", "Demo team manager",
                           "Demo performance analyst", "Ravi Patel (IRO service manager)"],
                papers=[meetings.Paper(f"Performance report, {month}", "/reports")],
                minutes=_minutes(figures, month), created_by=hos.user_id)
            status = "done_awaiting_impact" if month < add_months(latest, -2) else \
                "in_progress"
            _action(s, hos, f"{m.ref}-1", f"Team managers review every child behind the "
                    f"{month} late conferences and visits", lead="demo_team_manager",
                    due=(held + timedelta(days=21)).isoformat(), source="meeting",
                    source_id=m.id, status=status)
            if n % 3 == 0:
                _action(s, hos, f"{m.ref}-2", "Business support to confirm conference "
                        "bookings within two working days of the strategy discussion",
                        lead="demo_performance_analyst",
                        due=(held + timedelta(days=35)).isoformat(), source="meeting",
                        source_id=m.id)
            m.decisions = "Exceptions reviewed; actions agreed as minuted."
    return len(months)


def _minutes(figures: ScopeFigures, month: str) -> str:
    lines = []
    for kpi in (ICPC, VISITS):
        value = figures.value(kpi, "authority", "", month)
        before = figures.value(kpi, "authority", "", add_months(month, -1))
        move = "" if value is None or before is None else (
            " (up from " if value > before else " (down from " if value < before
            else " (unchanged from ") + _pct(before) + ")"
        lines.append(f"{meta(kpi).title}: {_pct(value)}{move}.")
    return " ".join(lines) + " Team managers presented the children behind the late work."
