"""The demo authority's year of case audits, played through the same calls people make
(sample, allocate, save, add_action, moderate, dip_sample, re_audit).

Grades follow the simulated practice: teams whose statutory-visit or initial-conference
timeliness fell in late 2023 (by the warehouse's own indicators, June against December
2023) get more "requires improvement" and "inadequate" until the summer of 2024, when
the deep-dive actions took hold; the other teams mostly good. A fifth of each month's
audits are moderated (a few grades changed, with reasons); audits below good raise an
action, most done on time, some late; the lead auditor dip-samples done actions; the
inadequate are re-audited three months on. Reproducible: one seeded generator.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from lantern.actions.tracker import change_status, get_action
from lantern.months import Month
from lantern.quality import audits as qa
from lantern.quality.models import Audit
from lantern.quality.sampling import draw, eligible
from lantern.quality.tools import OFSTED, Tool, load_tools
from lantern.security.accounts import UserStore
from lantern.security.policy import Principal

CYCLE = ("child_protection", "children_in_need", "cared_for")  # the rolling 3 months
AUDITORS = {"qa.auditor1": "Sam Reid (auditor)", "qa.auditor2": "Priya Shah (auditor)",
            "qa.auditor3": "Tom Wells (auditor)"}
LEAD_AUDITOR = ("qa.lead", "Jo Marsh (lead auditor)")
PRACTICE = ("cp_visits_10wd_pct", "icpc_15wd_pct")
THEMES = {"outstanding": ("voice_of_child",), "good": ("voice_of_child", "planning"),
          "requires_improvement": ("planning", "management_oversight", "timeliness"),
          "inadequate": ("management_oversight", "risk_assessment", "timeliness")}
FINDINGS = {"planning": "The plan does not say what must change by when",
            "management_oversight": "No recorded management decision at key points",
            "timeliness": "Visits and reviews slipped beyond timescales",
            "risk_assessment": "Risks identified but not analysed",
            "voice_of_child": "The child's wishes are recorded in their own words"}
WORDS = ("They listen to us now.", "We did not know who our social worker was.",
         "Things are better at home.", "Too many changes of worker.",
         "She explained what would happen next.")


def struggling_teams(con: Any) -> set[str]:
    """Teams whose visit or conference timeliness fell by 5 points or more from June to
    December 2023 (rolling 12 months, the indicators' headline)."""
    from lantern.measures.engine import compute

    rows = compute(con, ["2023-06", "2023-12"], breakdowns=("team",), kpis=PRACTICE)
    val = {(r.kpi_id, r.month, r.breakdown_value): r.value for r in rows
           if r.period == "rolling_12m" and r.breakdown == "team"}
    out = set()
    for kpi, month, team in val:
        before, after = val.get((kpi, "2023-06", team)), val.get((kpi, "2023-12", team))
        if month == "2023-12" and before is not None and after is not None \
                and before - after >= 5:
            out.add(team)
    return out


def _grade(rng: random.Random, struggling: bool, month: str) -> str:
    weights = (5, 30, 50, 15) if struggling and month <= "2024-06" else (10, 62, 23, 5)
    return rng.choices(OFSTED, weights=weights)[0]


def _people(engine: Engine) -> dict[str, Principal]:
    store = UserStore(engine)
    out = {}
    for username, name in (*AUDITORS.items(), LEAD_AUDITOR):
        row = store.get(username)
        out[username] = store.add(username, None, display_name=name, role="auditor",
                                  scope_type="authority") if row is None \
            else store.principal(row.id)
    return out  # type: ignore[return-value]


def build(engine: Engine, con: Any, latest: str, today: date, *, seed: int = 15) -> str:
    """Create the demo's year of audits unless some exist; says what it did."""
    with Session(engine) as s:
        if s.scalar(select(func.count()).select_from(Audit)):
            return "kept the case audits already in the app database"
    from lantern.plan.demo import _people as plan_people

    plan_people(engine)  # the managers who own the actions (made by the plan's demo)
    people = _people(engine)
    tools = load_tools()
    rng = random.Random(seed)
    weak = struggling_teams(con)
    months = [str(Month.parse(latest) - k) for k in range(11, -1, -1)]
    n = 0
    for i, month in enumerate(months):
        tool = tools[CYCLE[i % len(CYCLE)]]
        with Session(engine) as s, s.begin():
            draws = draw(eligible(con, tool, month), per_team=1, seed=seed + i,
                         recently_audited=qa.recently_audited(s, month, 6),
                         auditors={u: "" for u in AUDITORS})
            audits = qa.allocate(s, tool, month, draws)
            for a in audits:
                _complete(s, rng, people, tool, a, a.team_id in weak, today)
            n += len(audits)
            _moderate(s, rng, people, tool, [a.ref for a in audits], month)
    with Session(engine) as s, s.begin():
        re = _re_audits(s, rng, people, tools, latest, today)
    return (f"{n} case audits over {months[0]} to {latest} ({len(weak)} teams with "
            f"falling timeliness in late 2023), {re} re-audits")


def _day(month: str, rng: random.Random) -> date:
    return Month.parse(month).first + timedelta(days=rng.randint(9, 26))


def _complete(s: Session, rng: random.Random, people: dict[str, Principal], tool: Tool,
              a: Audit, struggling: bool, today: date, grade: str | None = None) -> None:
    on = _day(a.month, rng)
    if on > today:
        return  # the latest month's audits are still to do: left allocated
    grade = grade or _grade(rng, struggling, a.month)
    auditor = next(p for p in people.values() if p.user_id == a.auditor_id) \
        if a.auditor_id else people["qa.auditor1"]
    contacted = rng.random() < 0.7
    theme = rng.choice(THEMES[grade])
    sub = qa.Submission(grades={d.id: _near(rng, grade) for d in tool.domains},
                        overall=grade, family_contacted=contacted,
                        family_words=rng.choice(WORDS) if contacted else "",
                        family_rating=rng.randint(2, 5) if contacted else None,
                        findings=[(FINDINGS[theme], theme)])
    assert qa.save(s, auditor, a.ref, tool, sub, submit=True, on=on) == {}
    if grade in ("requires_improvement", "inadequate"):
        _action(s, rng, people, auditor, a.ref, theme, on, today)


def _near(rng: random.Random, grade: str) -> str:
    i = OFSTED.index(grade) + rng.choice((-1, 0, 0, 0, 1))
    return OFSTED[min(max(i, 0), len(OFSTED) - 1)]


def _action(s: Session, rng: random.Random, people: dict[str, Principal],
            auditor: Principal, ref: str, theme: str, on: date, today: date) -> None:
    due = on + timedelta(days=42)
    action = qa.add_action(s, auditor, ref, title=f"Put right: {FINDINGS[theme].lower()}",
                           lead="demo_team_manager", due=due)
    roll = rng.random()
    done = due - timedelta(days=rng.randint(1, 20)) if roll < 0.7 else \
        due + timedelta(days=rng.randint(3, 30)) if roll < 0.88 else None
    if done is None or done > today:
        return
    lead = people[LEAD_AUDITOR[0]]
    change_status(s, lead, action, "done_awaiting_impact",
                  at=datetime(done.year, done.month, done.day, 10, tzinfo=UTC))
    if rng.random() < 0.4 and done + timedelta(days=14) <= today:
        qa.dip_sample(s, lead, get_action(s, action).ref, happened=rng.random() < 0.85,
                      note="Checked on the child's record", on=done + timedelta(days=14))


def _moderate(s: Session, rng: random.Random, people: dict[str, Principal], tool: Tool,
              refs: list[str], month: str) -> None:
    """The month's chosen fifth, by the lead auditor at the month's panel (ten days after
    submission, within the month); about one in four changed."""
    lead = people[LEAD_AUDITOR[0]]
    panel_by = Month.parse(month).last
    for ref in qa.to_moderate(refs):
        a = qa.get(s, ref)
        if a.status != "submitted" or a.submitted_on is None:
            continue
        grade, reason = a.overall_grade, ""
        if rng.random() < 0.25:
            grade = _near(rng, a.overall_grade)
            reason = "" if grade == a.overall_grade else \
                "The evidence on the file supports a different judgement of impact"
        qa.moderate(s, lead, ref, tool, grade=grade, reason=reason,
                    on=min(a.submitted_on + timedelta(days=10), panel_by))


def _re_audits(s: Session, rng: random.Random, people: dict[str, Principal],
               tools: dict[str, Tool], latest: str, today: date) -> int:
    """Each inadequate audit re-audited three months on (where that month has come)."""
    n = 0
    for a in list(s.scalars(select(Audit).where(Audit.overall_band == "inadequate",
                                                Audit.re_audit_of.is_(None)))):
        month = str(Month.parse(a.month) + 3)
        if month > latest:
            continue
        again = qa.re_audit(s, a.ref, month, auditor=rng.choice(list(AUDITORS)))
        _complete(s, rng, people, tools[a.tool_id], again, False, today,
                  grade=rng.choice(("requires_improvement", "good", "good")))
        n += again.status == "submitted"
    return n
