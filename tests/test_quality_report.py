"""The quarterly audit report on a hand-made quarter: the indicators beside the previous
quarter (worked by hand below), grades by month and by named team, moderation, themes,
actions and dip samples, family feedback; `lantern audits report` writes the HTML and a
PDF whose first page becomes a PNG; a bad quarter or file name is refused (exit 2)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from lantern.appdb import make_engine, migrate
from lantern.cli import app
from lantern.quality import audits as qa
from lantern.quality.sampling import Draw
from lantern.quality.tools import load_tools
from lantern.reports.audit_report import build, render_html
from lantern.security.accounts import UserStore
from tests.actions_fixtures import add_people
from tests.appdb_fixtures import fast_hasher
from tests.test_report_render import ARTIFACTS

TOOLS = load_tools()
CP = TOOLS["child_protection"]
TEAMS = {"T1": "Brixham Safeguarding", "T2": "Paignton Child Protection"}


def _sub(overall: str, **kw: object) -> qa.Submission:
    base: dict[str, object] = dict(
        grades={d.id: overall for d in CP.domains}, overall=overall, family_contacted=True,
        family_words="They listened to us.", family_rating=4,
        findings=[("Plan not specific", "planning")])
    base.update(kw)
    return qa.Submission(**base)  # type: ignore[arg-type]


def quarter_of_audits(engine: Engine) -> None:
    """June: r0 requires improvement (moderated to good on 1 July), r1 good.
    August: r2 inadequate (moderation agrees, 10 Aug; an action due 30 Sep, never done;
    rating 2), r3 outstanding (family not contacted, no feedback; a voice-of-the-child
    finding). September: r0 re-audited, good. One action dip-sampled: it had not
    happened."""
    people = add_people(engine)
    auditor = UserStore(engine, hasher=fast_hasher()).add(
        "auditor", None, display_name="Auditor", role="auditor", scope_type="authority")
    draws = [Draw(f"C{n}", team, "S1", "on a plan", "auditor")
             for n, team in enumerate(["T1", "T2", "T1", "T2"], 1)]
    with Session(engine) as s, s.begin():
        jun = [a.ref for a in qa.allocate(s, CP, "2024-06", draws[:2])]
        aug = [a.ref for a in qa.allocate(s, TOOLS["children_in_need"], "2024-08",
                                          draws[2:])]
        cin = TOOLS["children_in_need"]

        def cin_sub(overall: str, **kw: object) -> qa.Submission:
            sub = _sub(overall, **kw)
            sub.grades = {d.id: overall for d in cin.domains}
            return sub

        for ref, sub, on in ((jun[0], _sub("requires_improvement"), date(2024, 6, 20)),
                             (jun[1], _sub("good"), date(2024, 6, 21))):
            assert qa.save(s, auditor, ref, CP, sub, submit=True, on=on) == {}
        assert qa.save(s, auditor, aug[0], cin, cin_sub("inadequate", family_rating=2),
                       submit=True, on=date(2024, 8, 5)) == {}
        assert qa.save(s, auditor, aug[1], cin, cin_sub(
            "outstanding", family_contacted=False, family_words="", family_rating=None,
            findings=[("Child's wishes not recorded", "voice_of_child")]),
            submit=True, on=date(2024, 8, 6)) == {}
        qa.moderate(s, people["lead"], jun[0], CP, grade="good", reason="Impact shown",
                    on=date(2024, 7, 1))
        qa.moderate(s, people["lead"], aug[0], cin, grade="inadequate", reason="",
                    on=date(2024, 8, 10))
        action = qa.add_action(s, auditor, aug[0], title="Write a SMART plan", lead="lead",
                               due=date(2024, 9, 30))
        qa.dip_sample(s, people["lead"], action, happened=False, note="No new plan",
                      on=date(2024, 9, 20))
        again = qa.re_audit(s, jun[0], "2024-09", auditor="auditor").ref
        assert qa.save(s, auditor, again, CP, _sub("good"), submit=True,
                       on=date(2024, 9, 10)) == {}


@pytest.fixture(scope="module")
def app_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('qa_report') / 'app.sqlite'}"
    engine = make_engine(url)
    migrate(engine)
    quarter_of_audits(engine)
    engine.dispose()
    yield url


def test_the_report_shows_the_quarter_beside_the_one_before(app_db: str) -> None:
    engine = make_engine(app_db)
    with Session(engine) as s:
        r = build(s, "2024Q3", la_name="Torbay", team_names=TEAMS, tools=TOOLS)
    ind = r.quarter["indicators"]
    # Q3: r2 inadequate, r3 outstanding, the re-audit good -> 2 of 3 good or better
    assert ind["audits_completed"] == 3
    assert ind["audits_good_or_better_pct"]["value"] == 66.7
    assert ind["audits_inadequate_pct"]["value"] == 33.3
    # moderated in Q3: r0 on 1 July (changed) and r2 (agreed) -> 1 of 2
    assert ind["audit_moderation_agreement_pct"]["value"] == 50.0
    assert ind["audit_actions_on_time_pct"] == {"value": 0.0, "numerator": 0,
                                                "denominator": 1}
    assert ind["family_feedback_pct"]["numerator"] == 2
    assert [m["audits"] for m in r.months][-4:] == [2, 0, 2, 1]  # Jun, Jul, Aug, Sep
    assert r.months[0]["month"] == "2023-10" and len(r.months) == 12
    assert r.family["ratings"] == {1: 0, 2: 1, 3: 0, 4: 1, 5: 0}
    assert r.family["contacted"] == 2 and r.family["mean_rating"] == 3.0
    assert r.actions == {"actions": 1, "by_status": {"not_started": 1}, "overdue": 1}
    page = " ".join(render_html(r).split())
    assert "Quarterly audit report: 2024Q3" in page
    assert "Brixham Safeguarding" in page and ">T1<" not in page
    assert "2 of 3" in page and "100.0%" in page  # Q2: both graded good once moderated
    assert "the moderator agreed with the auditor's grade in 1 (50.0%)" in page
    assert "dip-sampled 1 completed action in 2024Q3: 0 had really happened, 1 had not" \
        in page
    assert "Planning</th><td class=\"num\">2" in page  # r2's planning finding and the re-audit's
    assert "Voice of child</th><td class=\"num\">1" in page
    assert "the mean rating was 3.0 out of 5 (4.0 in 2024Q2)" in page
    assert "<script" not in page


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, " ".join(result.output.split())


@pytest.fixture
def env(app_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LANTERN_HOME", str(tmp_path))
    monkeypatch.setenv("LANTERN_DATABASE_URL", app_db)
    return tmp_path


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_cli_writes_html_and_pdf_and_page_one_becomes_a_png(env: Path) -> None:
    code, out = run("audits", "report", "--quarter", "2024Q3", "--out",
                    str(env / "q3.html"))
    assert code == 0, out
    assert "Case audits submitted 2024-07-01 to 2024-09-30" in (env / "q3.html").read_text()
    code, out = run("audits", "report", "--quarter", "2024Q3", "--out", str(env / "q3.pdf"))
    assert code == 0, out
    text = subprocess.run(["pdftotext", str(env / "q3.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Quarterly audit report: 2024Q3" in text and "66.7%" in text
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(env / "q3.pdf"),
                    str(ARTIFACTS / "audit-report-page")], check=True)
    assert list(ARTIFACTS.glob("audit-report-page*.png"))


@pytest.mark.parametrize(("args", "message"), [
    (("--quarter", "2024Q5", "--out", "x.pdf"), "expected YYYYQn"),
    (("--quarter", "2024Q3", "--out", "x.docx"), "expected a .html or .pdf"),
])
def test_bad_quarter_or_file_name_is_refused(env: Path, args: tuple[str, ...],
                                             message: str) -> None:
    code, out = run("audits", "report", *args)
    assert code == 2 and message in out and "Traceback" not in out
