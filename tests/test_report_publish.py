"""The report's journey end to end on a small authority, through the CLI: editions built,
the chain walked by the people configured, publication freezing the HTML and PDF (with
themes, commentary and the endorsement page) and emailing the distribution list once
each (aiosmtpd on loopback, no child names); a new load that moves the figures leaves
the published file alone and makes a new draft edition; the board pack."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from aiosmtpd.controller import Controller
from typer.testing import CliRunner

from lantern.appdb import make_engine
from lantern.cli import app
from lantern.reports.book import sha256_file
from lantern.security.accounts import UserStore
from tests.test_alerts_digest import Inbox, free_port
from tests.test_report_render import ARTIFACTS
from tests.web_support import FAST_HASHER, copy_app_db, web_home

MONTH = "2024-02"
LEADERS = {"lead_bi": "performance_analyst", "lead_dd": "divisional_director",
           "lead_dcs": "dcs", "lead_hos": "head_of_service"}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A private LANTERN_HOME: the web tests' small authority as loaded and a copy of its
    accounts, with the leaders who walk the chain."""
    wh = web_home()
    home = tmp_path_factory.mktemp("report_home")
    shutil.copyfile(wh.home / "warehouse.duckdb", home / "warehouse.duckdb")
    url = copy_app_db(wh)
    shutil.copyfile(url.removeprefix("sqlite:///"), home / "app.sqlite")
    users = UserStore(make_engine(f"sqlite:///{home / 'app.sqlite'}"), hasher=FAST_HASHER)
    for name, role in LEADERS.items():
        users.add(name, None, display_name=f"Leader {name}", role=role,
                  scope_type="authority", email=f"{name}@example.gov.uk")
    yield home


@pytest.fixture
def env(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Inbox, Path]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("LANTERN_HOME", str(home))
    monkeypatch.delenv("LANTERN_DATABASE_URL", raising=False)
    monkeypatch.setenv("LANTERN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LANTERN_SMTP_PORT", str(port))
    try:
        yield inbox, home
    finally:
        controller.stop()


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, " ".join(result.output.split())


def status(month: str = MONTH) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(app, ["report", "status", "--month", month, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def child_names(home: Path) -> set[str]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT pers_forename || ' ' || pers_surname, pers_person_id "
                           "FROM ssd_person").fetchall()
    finally:
        con.close()
    return {r[0] for r in rows if r[0]} | {r[1] for r in rows}


def test_the_journey_from_draft_to_published(env: tuple[Inbox, Path]) -> None:
    inbox, home = env
    code, out = run("report", "--month", MONTH, "--out", str(home / "draft.html"))
    assert code == 0, out
    draft = (home / "draft.html").read_text("utf-8")
    assert "Draft" in draft and "not yet endorsed" in draft
    editions = {e["edition"]: e for e in status()["editions"]}
    assert set(editions) >= {"authority", "safeguarding", "cared_for", "front_door"}
    assert editions["authority"]["due_date"] == "2024-03-15"
    assert [f["sha256"] for f in editions["authority"]["files"]] == [
        sha256_file(home / "draft.html")]  # the file written, recorded with its hash

    code, out = run("report", "advance", "--month", MONTH, "--to", "endorsed", "--as", "lead_dcs")
    assert code == 1 and "out of order" in out
    code, out = run("report", "advance", "--month", MONTH, "--to", "quality_checked",
                    "--as", "lead_dd")
    assert code == 1 and "is a step for" in out
    steps = [("quality_checked", "lead_bi", "Reconciled with the CIN census."),
             ("themes_added", "lead_dd", "Child protection visits recovered after January."),
             ("endorsed", "lead_dcs", "Endorsed.")]
    for to, who, comment in steps:
        code, out = run("report", "advance", "--month", MONTH, "--to", to, "--as", who,
                        "--comment", comment)
        assert code == 0, out
    code, out = run("report", "advance", "--month", MONTH, "--to", "themes_added",
                    "--as", "lead_dcs")
    assert code == 1 and "needs a reason" in out
    from lantern.config import get_settings
    from lantern.reports.workflow import open_book
    from lantern.security.accounts import UserStore as Users

    book = open_book(get_settings())
    hos = Users(book.engine).principal(Users(book.engine).get("lead_hos").id)  # type: ignore[union-attr]
    book.add_commentary(MONTH, "cp_visits_10wd_pct", "Two teams caught up on visits.", hos)

    code, out = run("report", "advance", "--month", MONTH, "--to", "published", "--as", "lead_dcs")
    assert code == 0, out
    auth = {e["edition"]: e for e in status()["editions"]}["authority"]
    assert auth["state"] == "published" and [s["to"] for s in auth["steps"]] == [
        "quality_checked", "themes_added", "endorsed", "published"]
    files = {Path(f["path"]).suffix: f for f in auth["files"]}
    assert set(files) == {".html", ".pdf"}
    html = Path(files[".html"]["path"]).read_text("utf-8")
    for expected in ("Child protection visits recovered after January.",  # themes
                     "Two teams caught up on visits.",  # commentary beside the indicator
                     "Responsible officer: Head of Service, Safeguarding",
                     "Endorsement", "Leader lead_dcs", "Director of Children&#39;s Services",
                     "Leader lead_bi", "Head of Service, Business Intelligence"):
        assert expected in html, expected
    assert files[".html"]["sha256"] == sha256_file(Path(files[".html"]["path"]))

    # Distribution: every leader on the list once; a link; no child's name or id.
    recipients = sorted(r for rcpts, _ in inbox.messages for r in rcpts)
    assert recipients == sorted(f"{n}@example.gov.uk" for n in LEADERS)
    names = child_names(home)
    for _, msg in inbox.messages:
        body = msg.get_body().get_content()  # type: ignore[union-attr]
        assert f"/reports/{MONTH}?edition=authority" in body
        assert not any(n in body or n in str(msg["Subject"]) for n in names)

    # The bare command writes the frozen file while the figures stand.
    code, out = run("report", "--month", MONTH, "--out", str(home / "again.html"))
    assert code == 0 and "published version 1" in out
    assert sha256_file(home / "again.html") == files[".html"]["sha256"]

    # A new load that moves the figures: the published file and hash stay; a new draft.
    from lantern.assurance.store import Basis, store_assurance
    from lantern.reports.workflow import after_load
    from lantern.warehouse.meta import read_authority

    con = duckdb.connect(str(home / "warehouse.duckdb"))
    con.execute("DELETE FROM ssd_cp_visits WHERE cppv_cp_visit_date BETWEEN "
                "'2024-02-01' AND '2024-02-29'")
    # and stores the months' assurance again, as `lantern ingest` does before it
    # checks the published reports
    store_assurance(con, Basis.of(read_authority(con), None), months=3)
    con.close()

    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    notes = after_load(con, book, read_authority(con))
    con.close()
    assert any("new draft version 2" in n and "cp_visits_10wd_pct" in n for n in notes), notes
    auth_runs = [e for e in status()["editions"] if e["edition"] == "authority"]
    assert [(e["version"], e["state"]) for e in auth_runs] == [(1, "published"), (2, "draft")]
    assert auth_runs[0]["files"] == auth["files"]
    assert sha256_file(Path(files[".html"]["path"])) == files[".html"]["sha256"]
    assert len(inbox.messages) == len(LEADERS)  # nobody emailed again


def test_board_pack_pdf(env: tuple[Inbox, Path]) -> None:
    """Every section, small counts suppressed, page 1 as a PNG (a hand-made month, so
    the figures are known: 3 children on plans in one team is "withheld")."""
    from dataclasses import replace

    from lantern.config import get_settings
    from lantern.reports.board_pack import build_board_pack, write_board_pack
    from lantern.reports.workflow import open_book
    from lantern.warehouse.meta import Authority
    from tests.test_report_render import sample_report

    _, home = env
    report = sample_report()
    small = replace(report.headlines[1], value=3.0, numerator=3, kpi_id="cp_plans_open")
    report = replace(report, headlines=[report.headlines[0], small])
    pack = build_board_pack(None, open_book(get_settings()), Authority(la_name="Demo"),
                            report.month, report=report)
    assert [h["shown"] for h in pack.headlines] == ["71.3%", "withheld"]
    out = write_board_pack(pack, home / "board-pack.pdf")
    assert out.read_bytes().startswith(b"%PDF")
    pages = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                           text=True, check=True).stdout
    for section in ("Headline figures", "Exception report", "Deep dives opened and closed",
                    "Improvement plan", "Case-file audits this quarter", "Endorsement of"):
        assert section in pages, section
    assert pages.count("No data yet") == 3
    assert "withheld" in pages
    assert not [ln for ln in pages.splitlines() if "Children on CP plans" in ln
                and " 3 " in f" {ln} "]
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(out),
                    str(ARTIFACTS / "board-pack-page")], check=True)
    assert list(ARTIFACTS.glob("board-pack-page*.png"))


def test_bad_command_lines(env: tuple[Inbox, Path]) -> None:
    assert run("report", "--month", MONTH)[0] == 2
    assert run("report", "--month", MONTH, "--out", "x.txt")[0] == 2
    assert run("report", "advance", "--month", MONTH, "--to", "approved",
               "--as", "lead_dcs")[0] == 2
    code, out = run("report", "advance", "--month", MONTH, "--to", "endorsed",
                    "--as", "nobody")
    assert code == 1 and "no enabled account" in out


def test_demo_chain_publishes_and_leaves_the_latest_awaiting_endorsement(
        env: tuple[Inbox, Path]) -> None:
    """The demo's history on the small authority: February published (by the journey
    above, or here), March taken to its headline themes, so it awaits the DCS."""
    from lantern.config import get_settings
    from lantern.reports.demo_chain import WATCHED, run_demo_chain
    from lantern.reports.workflow import open_book
    from lantern.security.accounts import UserStore as Users
    from lantern.warehouse.meta import read_authority

    _, home = env
    book = open_book(get_settings())
    users = Users(book.engine)
    people = {role: users.principal(users.get(name).id)  # type: ignore[union-attr]
              for name, role in LEADERS.items()}
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        run_demo_chain(con, book, read_authority(con), get_settings(), people,  # type: ignore[arg-type]
                       [MONTH], "2024-03")
    finally:
        con.close()
    march = {e["edition"]: e for e in status("2024-03")["editions"]}["authority"]
    assert (march["state"], march["awaiting"]) == ("themes_added", "endorsement")
    assert march["themes"].startswith(("Improving:", "Concern:", "Demand:"))
    assert "Children subject to a CP plan" in march["themes"]
    # 1 April 2024 is Easter Monday: the 6th working day after it is Tue 9 April, the
    # 8th Thu 11 April (quality check, then themes).
    assert [s["at"][:10] for s in march["steps"]] == ["2024-04-09", "2024-04-11"]
    assert set(book.commentary("2024-03")) == set(WATCHED)
    feb = [e for e in status()["editions"] if e["edition"] == "authority"]
    assert feb[0]["state"] == "published"
