"""Case audits: tools refused with their line; samples eligible on the sample date,
reproducible from a seed, stratified by team, leaving out the recently audited and never
allocating an auditor to their own team (hand cases); submission, moderation share and
agreement, dip samples, re-audit, the quarter's indicators; a bad paper import refused
whole with nothing written (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from lantern.actions.tracker import change_status
from lantern.quality import audits as qa
from lantern.quality.models import Audit
from lantern.quality.paper import ImportRefused, read, write
from lantern.quality.sampling import Eligible, draw, eligible
from lantern.quality.summary import Window, indicators, summary
from lantern.quality.tools import ToolError, get_tool, load_tools, parse_tool
from lantern.security.accounts import UserStore
from tests.actions_fixtures import add_people
from tests.appdb_fixtures import app_engine, app_url, fast_hasher
from tests.measures_fixtures import dates, warehouse

__all__ = ["app_engine", "app_url"]
TOOLS = load_tools()
CP = TOOLS["child_protection"]


def test_the_five_contract_tools_ship() -> None:
    assert set(TOOLS) >= {"child_protection", "children_in_need", "cared_for", "front_door",
                          "supervision"}
    assert TOOLS["front_door"].scale.band("7") == "good"
    assert TOOLS["front_door"].scale.band("6") == "requires_improvement"
    assert TOOLS["front_door"].scale.band("3") == "inadequate"
    assert TOOLS["supervision"].subject == "worker"


@pytest.mark.parametrize(("text", "message"), [
    ("id: x\ntitle: X\npopulation: everyone\nscale: ofsted\ndomains: [{id: a, title: A}]\n",
     "t.yml:3: population: 'everyone', expected one of"),
    ("id: x\ntitle: X\npopulation: cin_open\nscale: ofsted\n", "t.yml:1: domains: missing"),
    ("id: x\ntitle: X\npopulation: cin_open\nscale: stars\ndomains: [{id: a, title: A}]\n",
     "t.yml:4: scale: 'stars'"),
    ("id: x\ntitle: X\npopulation: cin_open\nscale: ofsted\ndomains:\n  - {id: a, title: A}\n"
     "  - {id: a, title: B}\n", "t.yml:6: domains: item 2: id 'a' appears twice"),
    ("id: x\n  title: [\n", "t.yml:2: not valid YAML"),
])
def test_a_bad_tool_file_is_refused_with_its_line(text: str, message: str) -> None:
    with pytest.raises(ToolError) as e:
        parse_tool(text, "t.yml")
    assert str(e.value).startswith(message), str(e.value)


# --- sampling -------------------------------------------------------------------

def _plan(pid: str, child: str, start: str, end: str | None = None) -> dict[str, str | None]:
    return {"cppl_cp_plan_id": pid, "cppl_person_id": child, "cppl_cp_plan_start_date": start,
            "cppl_cp_plan_end_date": end}


def _inv(iid: str, child: str, team: str) -> dict[str, str | None]:
    return {"invo_involvements_id": iid, "invo_person_id": child,
            "invo_professional_id": f"W{team}", "invo_professional_team": team,
            "invo_professional_role_id": "SW", "invo_involvement_start_date": "2023-01-01",
            "invo_involvement_end_date": None}


def test_eligible_on_the_sample_date_with_the_team_then() -> None:
    con = warehouse({
        "ssd_department": [dates(r) for r in ({"dept_team_id": "T1", "dept_team_parent_id":
                                               "S1"}, {"dept_team_id": "T2",
                                                       "dept_team_parent_id": "S1"})],
        "ssd_cp_plans": [dates(r) for r in (
            _plan("P1", "C1", "2024-01-10"),                # open
            _plan("P2", "C2", "2023-06-01", "2024-03-31"),  # ends on the sample date: open
            _plan("P3", "C3", "2023-06-01", "2024-03-30"),  # ended the day before
            _plan("P4", "C4", "2024-04-01"))],              # starts the day after
        "ssd_involvements": [dates(r) for r in (_inv("I1", "C1", "T1"), _inv("I2", "C2", "T2"),
                                                _inv("I3", "C3", "T1"))]})
    got = eligible(con, CP, "2024-03")
    assert [(e.subject_id, e.team_id, e.service_id) for e in got] == [
        ("C1", "T1", "S1"), ("C2", "T2", "S1")]
    assert got[0].reason == "on a child protection plan on 31 March 2024"


POOL = [Eligible(f"C{n}", team, "S1", "on a plan") for n, team in
        enumerate(["T1"] * 5 + ["T2"] * 3 + ["T3"], 1)]
AUDITORS = {"ann": "T1", "bob": "T2", "cat": ""}


def test_sample_reproducible_stratified_and_excluding_the_recently_audited() -> None:
    first = draw(POOL, per_team=2, seed=7, recently_audited={"C6"}, auditors=AUDITORS)
    again = draw(POOL, per_team=2, seed=7, recently_audited={"C6"}, auditors=AUDITORS)
    assert first == again
    teams = [d.team_id for d in first]
    assert teams.count("T1") == 2 and teams.count("T2") == 2 and teams.count("T3") == 1
    assert "C6" not in {d.subject_id for d in first}
    seeds = {tuple(d.subject_id for d in draw(POOL, per_team=2, seed=k, recently_audited=(),
                                                 auditors=AUDITORS)) for k in range(8)}
    assert len(seeds) > 1  # the seed decides which children: not always the same ones


def test_no_auditor_audits_their_own_team() -> None:
    got = draw(POOL, per_team=5, seed=1, recently_audited=(), auditors=AUDITORS)
    for d in got:
        assert d.auditor is not None and AUDITORS[d.auditor] != d.team_id
    alone = draw(POOL[:1], per_team=1, seed=1, recently_audited=(), auditors={"ann": "T1"})
    assert alone[0].auditor is None  # nobody outside T1: left for the lead to allocate


def test_the_six_month_exclusion_counts_from_the_month_before(app_engine: Engine) -> None:
    with Session(app_engine) as s, s.begin():
        qa.allocate(s, CP, "2023-09", [draw(POOL[:1], per_team=1, seed=1, recently_audited=(),
                                            auditors={})[0]])
        assert qa.recently_audited(s, "2024-03", 6) == {"C1"}  # Sep is 6 months before Mar
        assert qa.recently_audited(s, "2024-04", 6) == set()   # Sep is 7 months before Apr


# --- audits, moderation, dip samples, re-audit ----------------------------------

def _sub(overall: str = "good", **kw: object) -> qa.Submission:
    base: dict[str, object] = dict(
        grades={d.id: overall for d in CP.domains}, overall=overall, family_contacted=True,
        family_words="They listened to us.", family_rating=4,
        findings=[("Plan not specific", "planning")])
    base.update(kw)
    return qa.Submission(**base)  # type: ignore[arg-type]


def _people(engine: Engine) -> dict:
    people = add_people(engine)
    store = UserStore(engine, hasher=fast_hasher())
    people["auditor"] = store.add("auditor", None, display_name="Auditor", role="auditor",
                                  scope_type="authority")
    return people


def test_submit_moderate_dip_sample_and_re_audit(app_engine: Engine) -> None:
    people = _people(app_engine)
    d = draw(POOL[:2], per_team=2, seed=1, recently_audited=(), auditors={"auditor": ""})
    with Session(app_engine) as s, s.begin():
        refs = [a.ref for a in qa.allocate(s, CP, "2024-06", d)]
        errs = qa.save(s, people["auditor"], refs[0], CP, _sub(grades={}, overall=""),
                       submit=True, on=date(2024, 6, 20))
        assert set(errs) == {*(f"grade-{x.id}" for x in CP.domains), "overall"}
        assert qa.save(s, people["auditor"], refs[0], CP, _sub("requires_improvement"),
                       submit=True, on=date(2024, 6, 20)) == {}
        assert qa.save(s, people["auditor"], refs[1], CP, _sub("good"), submit=True,
                       on=date(2024, 6, 21)) == {}
        action = qa.add_action(s, people["auditor"], refs[0], title="Make the plan SMART",
                               lead="lead", due=date(2024, 7, 31))
        with pytest.raises(qa.AuditError, match="cannot moderate their own"):
            qa.moderate(s, people["auditor"], refs[0], CP, grade="good", reason="",
                        on=date(2024, 7, 1))
        with pytest.raises(qa.AuditError, match="needs the reason"):
            qa.moderate(s, people["lead"], refs[0], CP, grade="good", reason="",
                        on=date(2024, 7, 1))
        qa.moderate(s, people["lead"], refs[0], CP, grade="good",
                    reason="Impact evidenced in the core group minutes", on=date(2024, 7, 1))
        qa.moderate(s, people["director"], refs[1], CP, grade="good", reason="",
                    on=date(2024, 7, 2))
        change_status(s, people["lead"], action, "done_awaiting_impact",
                      at=datetime(2024, 7, 30, 10, tzinfo=UTC))  # the day before it was due
        qa.dip_sample(s, people["auditor"], action, happened=True,
                      note="Plan rewritten at the review", on=date(2024, 9, 2))
        again = qa.re_audit(s, refs[0], "2024-09", auditor="auditor").ref
        assert qa.save(s, people["auditor"], again, CP, _sub("good"), submit=True,
                       on=date(2024, 9, 10)) == {}
    with Session(app_engine) as s:
        q2 = indicators(s, Window.quarter("2024Q2"), TOOLS)
        # the moderated grade stands: both good -> 100%; 1 of 2 moderations agreed
        assert q2["audits_completed"] == 2
        assert q2["audits_good_or_better_pct"]["value"] == 100.0
        assert q2["family_feedback_pct"]["value"] == 100.0
        q3 = summary(s, "2024Q3", TOOLS)
        assert q3["indicators"]["audit_moderation_agreement_pct"] == {
            "value": 50.0, "numerator": 1, "denominator": 2}
        assert q3["indicators"]["audit_actions_on_time_pct"]["numerator"] == 1
        assert q3["dip_samples"] == {"sampled": 1, "happened": 1}
        assert q3["re_audits"] == [{"audit": again, "first": refs[0], "before": "good",
                                    "after": "good"}]
        assert q3["previous"]["quarter"] == "2024Q2"


def test_moderation_share_is_exact_and_order_free() -> None:
    refs = [f"AUD-2024-06-CP{n:03d}" for n in range(1, 11)]
    chosen = qa.to_moderate(refs)
    assert len(chosen) == 2 and chosen == qa.to_moderate(list(reversed(refs)))
    assert len(qa.to_moderate(refs[:3])) == 1  # ceil(0.2 x 3)
    assert qa.to_moderate(refs, 0.0) == []


def test_a_bad_paper_import_is_refused_whole(app_engine: Engine, tmp_path: Path) -> None:
    _people(app_engine)
    grades = ",".join(f"grade:{d.id}" for d in CP.domains)
    good = ",".join("good" for _ in CP.domains)
    head = ("tool,month,subject_id,team_id,auditor,submitted_on,overall,family_contacted,"
            f"family_rating,family_words,{grades}\n")
    ok = f"child_protection,2024-05,C1,T1,auditor,2024-05-20,good,yes,4,Helpful,{good}\n"
    bad = f"child_protection,2024-13,C2,T1,nobody,2024-05-20,great,maybe,9,,{good}\n"
    path = tmp_path / "paper.csv"
    path.write_text(head + ok + bad, "utf-8")
    with Session(app_engine) as s, pytest.raises(ImportRefused) as e:
        read(path, s, TOOLS)
    text = "\n".join(e.value.problems)
    for field in ("month '2024-13'", "auditor 'nobody'", "overall 'great'",
                  "family_contacted 'maybe'", "family_rating '9'"):
        assert f"row 3, {field}" in text
    with Session(app_engine) as s:
        assert s.scalar(select(func.count()).select_from(Audit)) == 0
    path.write_text(head + ok, "utf-8")
    with Session(app_engine) as s, s.begin():
        assert write(s, read(path, s, TOOLS)) == 1
    with Session(app_engine) as s:
        a = s.scalar(select(Audit))
        assert a is not None and a.status == "submitted" and a.overall_band == "good"


def test_get_tool_names_the_choices() -> None:
    with pytest.raises(ToolError, match="expected one of cared_for"):
        get_tool("nope", TOOLS)
