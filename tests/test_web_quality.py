"""Case audits in the web app (TestClient): the auditor's work list; the form refused
with an error summary, saved as a draft, then submitted with an action and family
feedback; the child's record beside it, access-logged; the moderator's queue and a
change of grade that needs its reason; the programme calendar; the child page lists
the child's audits; board members see no audit."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lantern.actions.tracker import actions_from
from lantern.appdb import AccessLogEntry, make_engine
from lantern.quality import audits as qa
from lantern.quality.models import Audit
from lantern.quality.sampling import Draw
from lantern.quality.tools import load_tools
from tests.web_support import TEAM, client_for, copy_app_db, csrf, make_app, web_home

CP = load_tools()["child_protection"]


@pytest.fixture(scope="module")
def setup() -> tuple:
    wh = web_home()
    url = copy_app_db(wh)
    with Session(make_engine(url)) as s, s.begin():
        ref = qa.allocate(s, CP, "2024-02", [Draw(wh.child_in, TEAM, "S", "on a child "
                                                   "protection plan on 29 February 2024",
                                                   "auditor")])[0].ref
        qa.allocate(s, CP, "2024-01", [Draw(wh.child_out, "T900", "cared_for", "on a plan",
                                            "auditor")])
    return make_app(wh, url), url, wh, ref


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _full(c: TestClient, path: str, **extra: str) -> dict[str, str]:
    form = {f"grade-{d.id}": "good" for d in CP.domains}
    form |= {"overall": "good", "family_contacted": "yes", "family_words": "She listens.",
             "family_rating": "4", "finding": "Plan not specific", "theme": "planning",
             "submit": "submit", "csrf_token": csrf(c, path)}
    return form | extra


def _submitted(app: object, url: str, ref: str) -> None:
    """The audit submitted as the first test does, when this worker has not run it
    (`make test` spreads a module's tests over its workers, each with its own copy)."""
    with Session(make_engine(url)) as s:
        a = s.scalar(select(Audit).where(Audit.ref == ref))
        if a is not None and a.status == "submitted":
            return
    auditor = client_for(app, "auditor")
    path = f"/audits/{ref}"
    assert auditor.post(path, data=_full(auditor, path)).status_code == 303


def _moderated(app: object, url: str, ref: str) -> None:
    """Submitted, and moderated to requires improvement as the second test does."""
    _submitted(app, url, ref)
    lead = client_for(app, "performance_analyst")
    if ref in lead.get("/audits/moderation").text:
        lead.post(f"/audits/{ref}/moderate", data={
            "grade": "requires_improvement", "reason": "No impact shown",
            "csrf_token": csrf(lead, f"/audits/{ref}")})


def test_the_auditor_saves_a_draft_then_submits_with_an_action(setup: tuple) -> None:
    app, url, wh, ref = setup
    auditor = client_for(app, "auditor")
    assert ref in auditor.get("/audits").text
    page = auditor.get(f"/audits/{ref}")
    assert page.status_code == 200 and f"/children/{wh.child_in}" in page.text
    with Session(make_engine(url)) as s:
        assert s.scalar(select(AccessLogEntry).where(
            AccessLogEntry.action == "view_audit_child",
            AccessLogEntry.child_id == wh.child_in)) is not None
    path = f"/audits/{ref}"
    refused = auditor.post(path, data={"submit": "submit", "csrf_token": csrf(auditor, path)})
    assert refused.status_code == 422
    text = _text(refused.text)
    assert "There is a problem" in text and "Grade the voice of the child" in text
    assert "Say whether the child or family was contacted" in text
    assert 'href="#grade-voice_of_child"' in refused.text
    draft = auditor.post(path, data={"grade-planning": "requires_improvement",
                                     "submit": "draft", "csrf_token": csrf(auditor, path)})
    assert draft.status_code == 303
    assert "Draft saved" in _text(auditor.get(draft.headers["location"]).text)
    bad_due = auditor.post(path, data=_full(auditor, path, action_title="Rewrite the plan",
                                            action_lead="team_manager", action_due="soon"))
    assert bad_due.status_code == 422 and "as YYYY-MM-DD" in bad_due.text
    done = auditor.post(path, data=_full(auditor, path, action_title="Rewrite the plan",
                                         action_lead="team_manager",
                                         action_due="2024-04-30"))
    assert done.status_code == 303
    with Session(make_engine(url)) as s:
        a = s.scalar(select(Audit).where(Audit.ref == ref))
        assert a is not None and a.status == "submitted" and a.family_rating == 4
        assert [x.title for x in actions_from(s, qa.SOURCE, [str(a.id)])] == [
            "Rewrite the plan"]
    assert ref not in auditor.get("/audits").text  # done: off the work list


def test_a_moderator_changes_the_grade_with_a_reason(setup: tuple) -> None:
    app, url, wh, ref = setup
    _submitted(app, url, ref)
    auditor = client_for(app, "auditor")
    assert ref not in auditor.get("/audits/moderation").text  # never their own
    lead = client_for(app, "performance_analyst")
    assert ref in lead.get("/audits/moderation").text
    path = f"/audits/{ref}/moderate"
    token = csrf(lead, f"/audits/{ref}")
    refused = lead.post(path, data={"grade": "requires_improvement", "csrf_token": token})
    assert refused.status_code == 422 and "A change of grade needs the reason" in refused.text
    ok = lead.post(path, data={"grade": "requires_improvement", "reason": "No impact shown",
                               "csrf_token": token})
    assert ok.status_code == 303
    page = _text(lead.get(f"/audits/{ref}").text)
    assert "Requires improvement (the auditor said Good). Reason: No impact shown" in page
    assert ref not in lead.get("/audits/moderation").text
    manager = client_for(app, "team_manager")
    child = _text(manager.get(f"/children/{wh.child_in}").text)
    assert f"{ref} Child protection case audit 2024-02 Submitted Requires improvement" in child


def test_the_programme_and_who_sees_what(setup: tuple) -> None:
    app, _, _, ref = setup
    board = client_for(app, "board_member")
    assert board.get(f"/audits/{ref}").status_code == 403
    assert board.get("/audits/moderation").status_code == 403
    programme = _text(board.get("/audits/programme").text)
    assert "February 2024" in programme and "of 1" in programme  # months by name
    assert client_for(app, "social_worker").get(f"/audits/{ref}").status_code == 403
    # a team manager opens their own team's audits only (the child is in TEAM)
    manager = client_for(app, "team_manager")
    assert manager.get(f"/audits/{ref}").status_code == 200
    assert manager.get("/audits/AUD-2024-01-CH001").status_code == 404  # another team's
    # a moderator may read the audit but not fill it in
    director = client_for(app, "divisional_director")
    assert "Submit audit" not in director.get(f"/audits/{ref}").text


def test_the_audits_behind_a_quality_figure(setup: tuple) -> None:
    """The drill-down of a quality-assurance figure lists its audits (submitted on the
    data date by the first test, moderated by the second) and logs the child; the
    board sees the figure, never the audits."""
    app, url, wh, ref = setup
    _moderated(app, url, ref)
    lead = client_for(app, "performance_analyst")
    month = "2024-03"  # the data date's month: the audit is in its window
    page = lead.get(f"/indicators/audits_good_or_better_pct/children?month={month}")
    assert page.status_code == 200, page.text
    text = _text(page.text)
    assert "Audits behind the figure" in text and ref in text
    assert "Good Requires improvement" in text  # the auditor's grade, the moderated one
    with Session(make_engine(url)) as s:
        assert s.scalar(select(AccessLogEntry).where(
            AccessLogEntry.action == "view_indicator_children",
            AccessLogEntry.child_id == wh.child_in)) is not None
    csv = lead.get(f"/indicators/audits_good_or_better_pct/children.csv?month={month}")
    assert csv.status_code == 200 and "moderated_grade" in csv.text and ref in csv.text
    assert lead.get(f"/indicators/audits_good_or_better_pct?month={month}").status_code == 200
    board = client_for(app, "board_member")
    assert board.get(f"/indicators/audits_good_or_better_pct/children?month={month}"
                     ).status_code == 403


def test_a_copy_of_the_app_database_is_as_built() -> None:
    """Other modules write to the shared web home's app database (audits, the access
    log); a module's private copy starts from the accounts alone, whatever ran before."""
    import sqlite3

    wh = web_home()
    shared = sqlite3.connect(wh.home / "app.sqlite")
    try:
        shared.execute("CREATE TABLE written_by_another_module (x INTEGER)")
        shared.commit()
        copy = sqlite3.connect(copy_app_db(wh).removeprefix("sqlite:///"))
        tables = {r[0] for r in copy.execute("SELECT name FROM sqlite_master")}
        users = copy.execute("SELECT count(*) FROM users").fetchone()[0]
        copy.close()
    finally:
        shared.execute("DROP TABLE written_by_another_module")
        shared.commit()
        shared.close()
    assert "written_by_another_module" not in tables and users > 0
