"""The demo authority's improvement plan and its story.

``demo_plan.yml`` holds the plan (5 themes, 12 objectives, 28 actions, two Ofsted
inspections with repeated recommendations). ``build`` imports it and plays a dated story
through the same tracker calls people make: version 3 published in October 2023; the
child-protection actions added after the March 2024 deep dive and version 4 published;
then updates, evidence, actions done and awaiting impact, and sign-offs through the gate
— on measured impact (checked against the warehouse's figures for the three months before
the sign-off) or on an observed statement. A sign-off the figures do not support is
refused, and the refusal is recorded as an update, as it would be for a person.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from lantern.actions import tracker
from lantern.actions.figures import EngineFigures
from lantern.actions.rag import load_config
from lantern.actions.signoff import SignOffRefused, sign_off
from lantern.assurance.inputs import latest_complete_month
from lantern.assurance.targets import Target
from lantern.plan.service import publish, the_plan
from lantern.plan.transfer import apply, check
from lantern.security.accounts import UserStore
from lantern.security.policy import Principal

# username: (display name, role); demo_<role> accounts match ``ensure_demo_users``.
PEOPLE: dict[str, tuple[str, str]] = {
    "demo_head_of_service": ("Demo head of service", "head_of_service"),
    "demo_team_manager": ("Demo team manager", "team_manager"),
    "demo_performance_analyst": ("Demo performance analyst", "performance_analyst"),
    "demo_divisional_director": ("Demo divisional director", "divisional_director"),
    "demo_dcs": ("Demo dcs", "dcs"),
    "r.patel": ("Ravi Patel (IRO service manager)", "iro"),
    "k.osei": ("Kemi Osei (principal social worker)", "head_of_service"),
    "m.clarke": ("Mary Clarke (virtual school head)", "team_manager"),
}
DEEP_DIVE = "2024-04-08"  # the child-protection actions agreed after the March deep dive


@dataclass(frozen=True)
class Event:
    on: str  # YYYY-MM-DD
    who: str
    op: str  # status | update | evidence | outcome | impact | sign_off | publish | add_cp
    ref: str = ""
    value: str = ""
    extra: str = ""


STORY: tuple[Event, ...] = (
    Event("2023-10-02", "demo_performance_analyst", "publish"),
    Event("2024-01-29", "demo_performance_analyst", "status", "1.1.3", "done_awaiting_impact"),
    Event("2024-02-20", "demo_head_of_service", "update", "1.1.1",
          "Clinics running in all three services since January; each team brings its late work."),
    Event("2024-03-04", "demo_dcs", "impact", "1.1.3", "audit_finding",
          "Board minutes, 28 Feb 2024: members questioned the scorecard figures directly."),
    Event("2024-03-05", "demo_dcs", "sign_off", "1.1.3"),
    Event("2024-03-25", "demo_head_of_service", "status", "1.1.1", "done_awaiting_impact"),
    Event("2024-04-08", "demo_performance_analyst", "add_cp"),
    Event("2024-04-10", "demo_divisional_director", "sign_off", "1.1.1"),
    Event("2024-04-15", "r.patel", "status", "2.1.1", "in_progress"),
    Event("2024-04-15", "demo_team_manager", "status", "2.1.2", "in_progress"),
    Event("2024-04-15", "demo_team_manager", "status", "2.2.1", "in_progress"),
    Event("2024-04-15", "demo_performance_analyst", "status", "2.2.3", "in_progress"),
    Event("2024-04-15", "r.patel", "status", "2.3.1", "in_progress"),
    Event("2024-04-15", "demo_head_of_service", "status", "2.3.2", "in_progress"),
    Event("2024-04-22", "demo_performance_analyst", "status", "1.2.2", "in_progress"),
    Event("2024-05-01", "demo_performance_analyst", "publish"),
    Event("2024-05-20", "demo_head_of_service", "status", "2.3.2", "done_awaiting_impact"),
    Event("2024-05-28", "demo_team_manager", "status", "4.1.2", "done_awaiting_impact"),
    Event("2024-06-03", "k.osei", "status", "5.2.2", "done_awaiting_impact"),
    Event("2024-06-10", "demo_divisional_director", "sign_off", "4.1.2"),
    Event("2024-06-10", "demo_performance_analyst", "update", "2.2.3",
          "Weekly list of visits falling due now goes to every team manager on Monday."),
    Event("2024-06-24", "demo_dcs", "impact", "5.2.2", "staff_feedback",
          "Practice week survey, June 2024: 41 of 48 staff said leaders understood their work."),
    Event("2024-07-01", "demo_dcs", "sign_off", "5.2.2"),
    Event("2024-07-29", "demo_team_manager", "status", "2.2.1", "done_awaiting_impact"),
    Event("2024-07-29", "demo_team_manager", "evidence", "2.2.1",
          "https://intranet.example.gov.uk/cp/visit-planner"),
    Event("2024-08-12", "demo_divisional_director", "sign_off", "2.2.1"),
    Event("2024-08-20", "r.patel", "status", "2.1.1", "done_awaiting_impact"),
    Event("2024-09-16", "m.clarke", "status", "3.2.2", "done_awaiting_impact"),
    Event("2024-09-30", "demo_team_manager", "status", "3.3.1", "done_awaiting_impact"),
    Event("2024-10-01", "demo_divisional_director", "status", "5.1.1", "done_awaiting_impact"),
    Event("2024-10-07", "r.patel", "outcome", "2.1.1",
          "Q2 2024-25: 69% of conferences within 15 working days in September, up from 68% in "
          "June; the slots are used for four in five new enquiries."),
    Event("2024-10-07", "demo_dcs", "impact", "3.3.1", "child_family_feedback",
          "Care leavers' forum, 26 Sep 2024: most said they knew their adviser and how to "
          "reach them."),
    Event("2024-10-14", "demo_dcs", "sign_off", "3.3.1"),
    Event("2024-10-21", "demo_performance_analyst", "status", "2.2.3", "done_awaiting_impact"),
    Event("2024-10-28", "r.patel", "status", "2.3.1", "done_awaiting_impact"),
    Event("2024-11-04", "demo_team_manager", "update", "2.1.2",
          "Tracker in use but two of five managers still check it weekly, not daily."),
    Event("2024-11-12", "demo_divisional_director", "sign_off", "2.3.1"),
    Event("2024-11-18", "k.osei", "update", "2.2.2",
          "Visit template changed; seen-alone recorded on 76% of visits in October."),
)


def plan_document() -> dict[str, Any]:
    text = resources.files("lantern.plan").joinpath("demo_plan.yml").read_text("utf-8")
    doc: dict[str, Any] = yaml.safe_load(text)
    return doc


def _people(engine: Engine) -> dict[str, Principal]:
    store = UserStore(engine)
    out = {}
    for username, (name, role) in PEOPLE.items():
        row = store.get(username)
        if row is None:
            out[username] = store.add(username, None, display_name=name, role=role,
                                      scope_type="authority")
        else:
            found = store.principal(row.id)
            assert found is not None, f"{username} is disabled"
            out[username] = found
    return out


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=10, tzinfo=UTC)


Figures = Callable[[str], EngineFigures]


def _play(s: Session, e: Event, who: Principal, figures: Figures, parsed: Any,
          home: Path) -> None:
    at = _at(e.on)
    if e.op == "publish":
        publish(s, who, at=at)
    elif e.op == "add_cp":
        plan = the_plan(s)
        assert plan is not None
        parsed.version = plan.version  # the version being drafted, not the file's
        apply(s, who, parsed, at=at, only=lambda ref: ref.startswith("2."))
        for _, _, d in parsed.actions:
            if d.ref.startswith("2."):
                tracker.add_update(s, who, d.ref, "Agreed at the March 2024 deep dive into "
                                   "conferences and statutory visits.", at=at)
    elif e.op == "status":
        tracker.change_status(s, who, e.ref, e.value, at=at)
    elif e.op == "update":
        tracker.add_update(s, who, e.ref, e.value, at=at)
    elif e.op == "outcome":
        tracker.update(s, who, e.ref, quarterly_outcome=e.value, at=at)
    elif e.op == "evidence":
        tracker.add_evidence(s, who, e.ref, home=home, kind="link", url=e.value, at=at)
    elif e.op == "impact":
        tracker.record_impact(s, who, e.ref, kind=e.value, statement=e.extra,
                              reference=e.extra.split(":")[0], observed_on=at.date(), at=at)
    elif e.op == "sign_off":
        _sign_off(s, e, who, figures, at)


def _sign_off(s: Session, e: Event, who: Principal, figures: Figures, at: datetime) -> None:
    month = latest_complete_month(date.fromordinal(at.date().toordinal() - 1))
    try:
        with s.begin_nested():
            sign_off(s, who, e.ref, figures=figures(month), config=load_config(), at=at)
    except SignOffRefused as refused:
        tracker.add_update(s, who, e.ref, f"Sign-off refused: {refused}", at=at)


def build(engine: Engine, con: Any, *, la_code: str, population: int | None,
          targets: Mapping[str, Target], home: Path) -> bool:
    """Create the demo plan and play its story (False, and nothing done, when the app
    database already holds a plan)."""
    people = _people(engine)
    cache: dict[str, EngineFigures] = {}

    def figures(month: str) -> EngineFigures:
        if month not in cache:
            cache[month] = EngineFigures(con, month, la_code=la_code, population=population,
                                         targets=targets)
        return cache[month]

    with Session(engine) as s, s.begin():
        if the_plan(s) is not None:
            return False
        analyst = people["demo_performance_analyst"]
        parsed = check(s, plan_document(), "demo_plan.yml")
        apply(s, analyst, parsed, at=_at("2023-09-04"),
              only=lambda ref: not ref.startswith("2."))
        for e in STORY:
            _play(s, e, people[e.who], figures, parsed, home)
    return True
