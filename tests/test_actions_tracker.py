"""The shared action tracker on SQLite and PostgreSQL: history written once per field
change and refused UPDATE/DELETE by the database; updates, evidence, status, "my
actions"; the sign-off gate."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from lantern.actions.models import ActionHistory, ActionImpact
from lantern.actions.rag import ActionsConfig
from lantern.actions.service import ActionTracker
from lantern.actions.signoff import SignOffRefused, Statement
from lantern.actions.tracker import KpiLink, TrackerError, evidence_path
from tests.actions_fixtures import add_people, draft, figures
from tests.appdb_fixtures import app_engine, app_url

__all__ = ["app_engine", "app_url"]


@pytest.fixture
def setup(app_engine: Engine, tmp_path: Path) -> tuple[ActionTracker, dict]:
    people = add_people(app_engine)
    t = ActionTracker(app_engine, tmp_path, ActionsConfig())
    t.create(people["analyst"], draft())
    return t, people


def _history(engine: Engine) -> list[tuple[str, str | None, str | None]]:
    with Session(engine) as s:
        return [(h.field, h.before, h.after) for h in
                s.scalars(select(ActionHistory).order_by(ActionHistory.id))]


def test_every_field_change_once_in_history(setup: tuple, app_engine: Engine) -> None:
    t, people = setup
    me = people["analyst"]
    changed = t.update(me, "A1", title="Hold ICPCs on time", due=date(2024, 7, 31),
                       lead="director", outcome="Plans made sooner",  # unchanged
                       kpis=[KpiLink("icpc_15wd_pct", 75.0), KpiLink("cp_visits_10wd_pct")],
                       quarterly_outcome="Q2: 78% on time")
    assert changed == ["title", "due", "lead", "kpis", "quarterly_outcome"]
    assert t.update(me, "A1", title="Hold ICPCs on time") == []  # no change, no entry
    t.change_status(me, "A1", "cancelled", reason="Superseded by 1.2.1")
    t.change_status(me, "A1", "in_progress")
    assert _history(app_engine)[1:] == [
        ("title", "Run ICPCs within 15 working days", "Hold ICPCs on time"),
        ("due", "2024-06-30", "2024-07-31"),
        ("lead", "lead", "director"),
        ("kpis", "icpc_15wd_pct (target 70)",
         "icpc_15wd_pct (target 75), cp_visits_10wd_pct"),
        ("quarterly_outcome", "", "Q2: 78% on time"),
        ("status", "in_progress", "cancelled"),
        ("cancel_reason", None, "Superseded by 1.2.1"),
        ("status", "cancelled", "in_progress"),
        ("cancel_reason", "Superseded by 1.2.1", None),
    ]
    assert _history(app_engine)[0][0] == "created"
    view = t.get("A1")
    assert (view.lead, view.status, view.cancel_reason) == ("director", "in_progress", "")
    assert view.kpis == (KpiLink("icpc_15wd_pct", 75.0), KpiLink("cp_visits_10wd_pct"))


def test_history_is_append_only(setup: tuple, app_engine: Engine) -> None:
    for statement in (update(ActionHistory).values(after="forged"), delete(ActionHistory)):
        with pytest.raises(DBAPIError, match="append-only"), app_engine.begin() as con:
            con.execute(statement)
    if app_engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"), app_engine.begin() as con:
            con.execute(text("TRUNCATE action_history CASCADE"))
    assert len(_history(app_engine)) == 1


def test_refusals_are_clear(setup: tuple) -> None:
    t, people = setup
    me = people["analyst"]
    with pytest.raises(TrackerError, match="already exists"):
        t.create(me, draft())
    with pytest.raises(TrackerError, match="no user 'nobody'"):
        t.create(me, draft("A2", lead="nobody"))
    with pytest.raises(TrackerError, match="needs the reason"):
        t.change_status(me, "A1", "cancelled")
    with pytest.raises(TrackerError, match="sign-off gate"):
        t.change_status(me, "A1", "signed_off")
    with pytest.raises(TrackerError, match="no recommendation OF-1"):
        t.update(me, "A1", recommendations=["OF-1"])
    with pytest.raises(TrackerError, match="https://"):
        t.add_evidence(me, "A1", kind="link", url="javascript:alert(1)")


def test_evidence_files_have_a_size_limit(setup: tuple, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from lantern.actions import tracker

    t, people = setup
    monkeypatch.setattr(tracker, "MAX_EVIDENCE_BYTES", 2 * 2**20)
    with pytest.raises(TrackerError, match="smaller than 2 MB"):
        t.add_evidence(people["analyst"], "A1", kind="file", filename="big.pdf",
                       content=b"x" * (2 * 2**20 + 1))
    t.add_evidence(people["analyst"], "A1", kind="file", filename="ok.pdf",
                   content=b"x" * (2 * 2**20))
    assert not (tmp_path / "evidence" / hashlib.sha256(b"x" * (2 * 2**20 + 1)).hexdigest()[:2]
                ).exists()


def test_updates_evidence_and_my_actions(setup: tuple, tmp_path: Path) -> None:
    t, people = setup
    me = people["analyst"]
    t.add_update(me, "A1", "Chairs booked a week ahead.")
    t.add_evidence(me, "A1", kind="link", url="https://intranet.example/icpc")
    t.add_evidence(me, "A1", kind="file", filename="../minutes.pdf", content=b"%PDF-1.4 x",
                   content_type="application/pdf")
    digest = hashlib.sha256(b"%PDF-1.4 x").hexdigest()
    assert evidence_path(tmp_path, digest).read_bytes() == b"%PDF-1.4 x"
    line = t.timeline("A1")
    assert [u.text for u, _ in line.updates] == ["Chairs booked a week ahead."]
    stored = [(e.kind, e.filename, e.sha256) for e, _ in line.evidence]
    assert ("file", "minutes.pdf", digest) in stored  # the name only, never a path
    t.create(me, draft("AUD-1", source_kind="audit", source_id="7", due=date(2024, 5, 1)))
    mine = t.my_actions(people["lead"].user_id)
    assert [(a.ref, a.source_kind) for a in mine] == [("AUD-1", "audit"), ("A1", "plan_objective")]
    assert t.my_actions(people["director"].user_id) == []


THREE = {"2024-09": 71.0, "2024-10": 70.0, "2024-11": 80.0}  # action's own target: 70


def _impacts(engine: Engine) -> list[str]:
    with Session(engine) as s:
        return list(s.scalars(select(ActionImpact.kind)))


def test_sign_off_gate(setup: tuple, app_engine: Engine) -> None:
    t, people = setup
    t.change_status(people["lead"], "A1", "done_awaiting_impact")
    with pytest.raises(SignOffRefused, match="no evidenced impact") as e:
        t.sign_off(people["director"], "A1", figures({**THREE, "2024-10": 69.9}))
    assert "met its target (70) in 2 of the last 3 months" in str(e.value)
    with pytest.raises(SignOffRefused, match="lead cannot sign it off") as e:
        t.sign_off(people["lead"], "A1", figures(THREE))
    assert "only a divisional director or DCS" in str(e.value)  # lead is a head of service
    assert t.get("A1").status == "done_awaiting_impact" and _impacts(app_engine) == []
    checks = t.sign_off(people["director"], "A1", figures(THREE))
    assert [c.passed for c in checks] == [True]
    view = t.get("A1")
    assert (view.status, view.signed_off_by) == ("signed_off", "Director")
    assert view.signed_off_at is not None
    rag = t.rag(view, None, date(2030, 1, 1))
    assert (rag.colour, rag.reason) == (
        "blue", f"Signed off by Director on {view.signed_off_at:%-d %b %Y}")
    with Session(app_engine) as s:
        stored = s.scalars(select(ActionImpact)).one()
    assert stored.kind == "measured" and '"2024-10": 70.0' in stored.figures


def test_sign_off_on_an_observed_statement(setup: tuple, app_engine: Engine) -> None:
    t, people = setup
    said = Statement("child_family_feedback", "Parents said the conference came sooner.",
                     "Feedback survey Oct 2024", date(2024, 10, 20))
    with pytest.raises(SignOffRefused, match="lead cannot"):
        t.sign_off(people["lead"], "A1", None, said)
    assert _impacts(app_engine) == []  # refused: the statement was not kept
    t.sign_off(people["dcs"], "A1", None, said)
    assert t.get("A1").status == "signed_off"
    assert _impacts(app_engine) == ["child_family_feedback"]
    with pytest.raises(SignOffRefused, match="already signed off"):
        t.sign_off(people["dcs"], "A1", None, said)
    with pytest.raises(TrackerError, match="no longer change"):
        t.change_status(people["dcs"], "A1", "in_progress")


def test_rag_reads_when_the_action_became_done(setup: tuple) -> None:
    t, people = setup
    t.change_status(people["lead"], "A1", "done_awaiting_impact")
    view = t.get("A1")
    assert view.status_since is not None and view.status_since.tzinfo is not None
    since = view.status_since.date()
    from lantern.calendar import add_months

    later = add_months(since, 3)
    assert t.rag(view, figures({"2024-11": 90.0}), later).colour == "green"
    rag = t.rag(view, figures({"2024-11": 90.0}), date.fromordinal(later.toordinal() + 1))
    assert rag.colour == "amber" and "awaiting impact since" in rag.reason
