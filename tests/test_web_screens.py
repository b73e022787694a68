"""What the screens, lists and downloads say (issue #13): names and labels instead of
codes, months refused when wrong, work lists that page, filter, export and log once,
snoozes against the data date, spreadsheet cells that cannot run as formulas, the
session cookie off loopback, and the social worker's scope.

Each test names the defect it catches; each fails on the code before the fix."""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import duckdb
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner

from lantern.tabular import csv_text, safe_cell, xlsx_bytes
from tests.web_support import (
    TEAM,
    WebHome,
    client_for,
    copy_app_db,
    csrf,
    make_app,
    web_home,
)

FORMULA_NAME = '=HYPERLINK("http://x","y")'
FORMULA_FIELD = "=1+1"


@pytest.fixture(scope="module")
def wh() -> WebHome:
    return web_home()


@pytest.fixture(scope="module")
def formula_wh(wh: WebHome) -> WebHome:
    """The web test authority, copied, with every child's first name a formula."""
    base = wh
    home = Path(tempfile.mkdtemp(prefix="lantern-screens-"))
    shutil.copytree(base.home, home, dirs_exist_ok=True)
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    con.execute("UPDATE ssd_person SET pers_forename = ?", [FORMULA_NAME])  # every child
    con.close()
    return WebHome(home, base.worker, base.child_in, base.child_out, base.child_in_service)


@pytest.fixture(scope="module")
def app(wh: WebHome) -> FastAPI:
    return make_app(wh, copy_app_db(wh))


@pytest.fixture(scope="module")
def pa(app: FastAPI) -> TestClient:
    return client_for(app, "performance_analyst")


@pytest.fixture(scope="module")
def tm(app: FastAPI) -> TestClient:
    return client_for(app, "team_manager")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --------------------------------------------------------------------------- names (#13.5)


def test_breakdowns_show_names_and_labels_in_age_order(pa: TestClient, wh: WebHome) -> None:
    """Breakdowns showed T003, front_door, F, and age bands 0-4, 10-15, 16-17, 5-9."""
    page = pa.get("/indicators/cp_plans_open").text
    cells = re.findall(r'<th scope="row" class="govuk-table__header" data-sort-value="\d+">'
                       r"([^<]+)</th>", page)
    assert {"Safeguarding", "Safeguarding Team 1", "Female", "No"} <= set(cells)
    assert not {"T004", "safeguarding", "F", "M", "N"} & set(cells)
    con = duckdb.connect(str(wh.home / "warehouse.duckdb"), read_only=True)
    try:
        names = dict(con.execute("SELECT prof_professional_id, prof_professional_name "
                                 "FROM ssd_professionals").fetchall())
    finally:
        con.close()
    assert set(names.values()) & set(cells)  # workers by name, not W000017
    assert not set(names) & set(cells)
    bands = [c for c in cells if c in ("0-4", "5-9", "10-15", "16-17")]
    assert bands == ["0-4", "5-9", "10-15", "16-17"]


def test_definitions_in_plain_english_beside_the_formula(pa: TestClient) -> None:
    """Definitions were shown only as formulas (`wd(referral date, ...) ≤ 45`)."""
    from lantern.measures.catalogue import ids
    from lantern.measures.plain import plain_definitions

    assert set(plain_definitions()) == set(ids())
    page = pa.get("/indicators/cp_plans_open").text
    assert "The number of children on a child protection plan at the end of the month." in page
    assert "How it is calculated:" in page and "distinct children subject to a CP plan" in page


def test_scorecard_views_and_exceptions_name_services_and_teams(pa: TestClient) -> None:
    page = pa.get("/scorecard").text
    assert ">Service: Front door<" in page and ">Team: Safeguarding Team 1<" in page
    assert "front_door" not in _text(page)
    exceptions = _text(pa.get("/exceptions").text)
    assert not re.search(r"\bteam T0\d\d\b|\bservice [a-z]+_[a-z]+\b", exceptions)


def test_report_exceptions_name_places() -> None:
    from lantern.assurance.exceptions import ExceptionItem
    from lantern.casework.labels import Names
    from lantern.reports.build import exception_line

    item = ExceptionItem(kind="target", severity="medium", service="front_door",
                         kpi_id="rereferral_12m_pct", breakdown="team", breakdown_value="T003",
                         message="Re-referrals for team T003 is 25 against a target of 20.",
                         rule="target")
    line = exception_line(item, Names({"T003": "Assessment Team 2"}, {}, {}))
    assert line.where == "the Assessment Team 2"
    assert line.message == ("Re-referrals for the Assessment Team 2 is 25 against a "
                            "target of 20.")


def test_load_times_read_as_people_write_them() -> None:
    """Loads were shown as 2026-12-06 10:43:46.321941."""
    from lantern.web.templating import fmt_when

    assert fmt_when(datetime(2026, 12, 6, 10, 43, 46, 321941)) == "6 Dec 2026, 10:43"


# --------------------------------------------------------------------------- months (#13.10)


@pytest.mark.parametrize("month", ["2024-13", "2031-01", "March"])
def test_a_bad_month_is_refused_on_pages_and_the_api(pa: TestClient, month: str) -> None:
    """`?month=2024-13` or `2031-01` showed the latest month without saying so."""
    for path in ("/scorecard", "/exceptions", "/indicators/cp_plans_open", "/board"):
        r = pa.get(f"{path}?month={month}")
        assert r.status_code == 422, path
        assert "govuk-error-summary" in r.text and r.text.count("<h1") == 1
        assert ("is not a month" in r.text or "no complete figures" in r.text), path
    api = pa.get(f"/api/scorecard?month={month}")
    assert api.status_code == 422
    assert pa.get("/scorecard?month=2024-03").status_code == 200


def test_a_bad_month_is_refused_on_the_command_line(wh: WebHome) -> None:
    from lantern.cli import app as cli

    runner = CliRunner()
    env = {"LANTERN_HOME": str(wh.home)}
    for month, words in (("2031-01", "no complete figures for January 2031"),
                         ("2024-13", "is not YYYY-MM")):
        got = runner.invoke(cli, ["exceptions", "--month", month], env=env)
        assert got.exit_code == 2, got.output
        assert words in got.output and "Traceback" not in got.output


# --------------------------------------------------------------------------- work lists (#13.7)


def _caption(html: str) -> tuple[int, int, int]:
    found = re.search(r"items (\d+) to (\d+) of (\d+)</caption>", html)
    assert found, "no caption"
    first, last, total = (int(x) for x in found.groups())
    return first, last, total


def _rows(html: str) -> list[str]:
    body = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return [r for r in body.split('<tr class="govuk-table__row">')[1:] if "colspan" not in r]


def test_work_list_pages_and_counts_agree(pa: TestClient) -> None:
    """630 items on one page; a header count that disagreed with its list."""
    api = pa.get("/api/work").json()
    current = [i for i in api["items"] if not i["data_to_check"]]
    page = pa.get("/work").text
    first, last, total = _caption(page)
    assert (first, last, total) == (1, 50, len(current)) and total > 50
    assert len(_rows(page)) == 50
    counted = sum(int(n) for n in re.findall(r"(\d+) (?:escalated|overdue|due today|due soon)"
                                             r"[,.]", page.split("<caption")[0][-600:]))
    assert counted == total
    pages = -(-total // 50)
    end = pa.get(f"/work?page={pages}").text
    assert _caption(end) == ((pages - 1) * 50 + 1, total, total)
    assert len(_rows(end)) == total - (pages - 1) * 50


def test_team_page_counts_its_own_list_and_names_who_must_act(app: FastAPI) -> None:
    """A team header said 11 overdue while its list had 13; the list had no worker."""
    hos = client_for(app, "head_of_service")
    for team in ("T004", "T005", "T006", "T007"):
        page = hos.get(f"/teams/{team}").text
        said = int(re.search(r"(\d+) items overdue or escalated", page)[1])  # type: ignore[index]
        table = page.split("Due and overdue (", 1)[1].split("</table>", 1)[0]
        listed = len(re.findall(r">(?:Overdue|Escalated)</strong>", table))
        assert said == listed, team
        assert "Who must act" in table
        assert not re.search(r">P\d{6}</a>", table)  # children by name


def test_work_list_filters_by_service_team_and_worker(pa: TestClient, wh: WebHome) -> None:
    page = pa.get(f"/work?team={TEAM}").text
    rows = _rows(page)
    assert rows and all("Safeguarding Team 1" in r for r in rows)
    assert not re.search(r"\bT0\d\d\b", " ".join(_text(r) for r in rows))  # ids gone
    assert ">Safeguarding Team 1<" in page.split('action="/work"', 1)[1].split("</form>", 1)[0]
    service = pa.get("/api/work?service=cared_for").json()["items"]
    everything = pa.get("/api/work").json()["items"]
    assert 0 < len(service) < len(everything)
    mine = pa.get(f"/api/work?worker={wh.worker}").json()["items"]
    assert mine and all(i["act"] == wh.worker for i in mine)


def test_work_list_links_only_to_pages_the_viewer_may_open(app: FastAPI) -> None:
    """Links to workers outside the viewer's scope gave 404."""
    for role in ("team_manager", "head_of_service"):
        c = client_for(app, role)
        page = c.get("/work").text
        links = sorted(set(re.findall(r'href="(/(?:workers|children)/[^"?]+)"', page)))
        assert any(x.startswith("/workers/") for x in links), role
        for href in links[:25]:
            assert c.get(href).status_code == 200, (role, href)


def test_one_access_log_entry_per_work_list_view(app: FastAPI, pa: TestClient) -> None:
    """One /work view wrote about 500 entries."""
    log = app.state.stores.access_log
    before = log.count()
    assert pa.get("/work").status_code == 200
    assert log.count() - before == 1
    (entry,) = log.entries(limit=1)
    assert entry.action == "view_work_list" and entry.child_id is None
    assert "50 children:" in entry.detail or "children:" in entry.detail


def test_long_overdue_trackers_are_data_to_check(wh: WebHome, pa: TestClient) -> None:
    """'Consider for a long-term match' items 2,950 working days overdue topped the list."""
    from lantern.alerts import RULES

    trackers = {r.id for r in RULES if r.family == "trackers"}
    items = pa.get("/api/work").json()["items"]
    stale = [i for i in items if i["data_to_check"]]
    assert stale and all(i["rule_id"] in trackers and i["days_overdue"] > 130 for i in stale)
    assert not any(i["rule_id"] in trackers and i["days_overdue"] > 130
                   for i in items if not i["data_to_check"])
    check = pa.get("/work?group=check").text
    assert "Data to check" in check and _caption(check)[2] == len(stale)
    # The horizon is a setting.
    strict = client_for(make_app(wh, copy_app_db(wh), work_data_check_wd=10_000),
                        "performance_analyst")
    assert not any(i["data_to_check"] for i in strict.get("/api/work").json()["items"])


def test_work_list_exports_every_page_safely(formula_wh: WebHome) -> None:
    pa = client_for(make_app(formula_wh, copy_app_db(formula_wh)), "performance_analyst")
    total = _caption(pa.get("/work").text)[2]
    got = pa.get("/work/export.csv")
    assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(got.text)))
    assert rows[0][:6] == ["Status", "Due", "Working days overdue", "What", "Child id", "Child"]
    assert len(rows) - 1 == total
    book = load_workbook(io.BytesIO(pa.get("/work/export.xlsx").content))
    sheet = book.active
    assert sheet is not None and sheet.max_row - 1 == total
    names = [r[5] for r in rows[1:] if r[4]]  # every child is named like a formula
    assert names and all(n.startswith("'=HYPERLINK") for n in names)
    cells = [c.value for c in next(sheet.iter_cols(min_col=6, max_col=6, min_row=2))]
    assert cells and all(not str(c).startswith("=") for c in cells if c)
    assert pa.get("/work/export.pdf").status_code == 404


# --------------------------------------------------------------------------- alerts (#13.9)


def test_snooze_to_a_date_after_the_data_date_and_it_leaves_every_list(
        app: FastAPI, wh: WebHome) -> None:
    """Snoozing to a date after the data date but before today was refused, and a
    snoozed item stayed in the escalated list."""
    tm = client_for(app, "head_of_service")  # escalated items reach the head of service
    items = tm.get("/api/work").json()["items"]
    escalated = next(i for i in items if i["status"] == "escalated" and i["child_id"]
                     and i["state"] == "open")
    as_of = date.fromisoformat(tm.get("/api/work").json()["as_of"])
    until = as_of + timedelta(days=10)
    assert until < date.today()
    item_page = tm.get("/inbox/item", params={
        "rule_id": escalated["rule_id"], "child_id": escalated["child_id"],
        "subject_id": escalated["subject_id"], "due_date": escalated["due_date"],
        "back": "work"}).text
    example = re.search(r"for example (\d+) (\d+) (\d+)", item_page)
    assert example and date(int(example[3]), int(example[2]), int(example[1])) > as_of
    r = tm.post("/inbox/snooze", data={
        "csrf_token": csrf(tm, "/work"), "rule_id": escalated["rule_id"],
        "child_id": escalated["child_id"], "subject_id": escalated["subject_id"],
        "due_date": escalated["due_date"], "reason": "Conference booked",
        "until-day": str(until.day), "until-month": str(until.month),
        "until-year": str(until.year), "back": "work"})
    assert r.status_code == 303, r.text[:400]
    key = (escalated["rule_id"], escalated["child_id"], escalated["due_date"])
    listed = {(i["rule_id"], i["child_id"], i["due_date"])
              for i in tm.get("/api/work").json()["items"]}
    assert key not in listed
    assert key in {(i["rule_id"], i["child_id"], i["due_date"])
                   for i in tm.get("/api/work?state=snoozed").json()["items"]}
    inbox = tm.get("/inbox").text
    href = (f"child_id={escalated['child_id']}&amp;subject_id="
            f"{quote(escalated['subject_id'], safe='/')}&amp;due_date={escalated['due_date']}")
    assert href not in inbox and "Conference booked" not in inbox
    mine = {(i["rule_id"], i["child_id"], i["due_date"]): i["state"]
            for i in tm.get("/api/inbox").json()["items"]}
    assert mine.get(key, "snoozed") == "snoozed"


# --------------------------------------------------------------------------- exports (#13.11)


def test_cells_that_would_run_as_formulas_are_neutralised() -> None:
    for bad in ("=1+1", "+1+1", "-1+1", "@SUM(A1)", "\tx", "\rx", FORMULA_NAME):
        assert safe_cell(bad) == "'" + bad
    for fine in ("Jo Bloggs", "-3.5", "+44", "1e3", -3, 2.5, None, "", "a=b"):
        assert safe_cell(fine) == fine
    text = csv_text(["name", "n"], [{"name": FORMULA_NAME, "n": -4}])
    assert text.splitlines()[1] == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-4"
    sheet = load_workbook(io.BytesIO(xlsx_bytes("t", ["a", "n"], [[FORMULA_FIELD, -4]]))).active
    assert sheet is not None
    assert sheet["A2"].value == "'=1+1" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == -4 and sheet["B2"].data_type == "n"


def test_validation_report_csv_is_safe(tmp_path: Path) -> None:
    from lantern.ingest.report import write_report
    from lantern.ingest.source import Problem

    fields = {f: "" for f in Problem.__dataclass_fields__}
    problem = Problem(**{**fields, "file": "contacts.csv", "locator": "row 2",  # type: ignore[arg-type]
                         "field": "cont_contact_source_desc", "value": FORMULA_FIELD,
                         "rule_id": "ssd:code", "severity": "error",
                         "message": "not a code", "expected": "a code"})
    csv_path, _ = write_report([problem], tmp_path)
    row = next(iter(csv.DictReader(csv_path.open(encoding="utf-8"))))
    assert row["value"] == "'=1+1"


def test_lantern_children_csv_is_safe(wh: WebHome, tmp_path: Path) -> None:
    from lantern.cli import app as cli

    home = tmp_path / "home"
    shutil.copytree(wh.home, home)
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    con.execute("UPDATE ssd_involvements SET invo_professional_id = ? "
                "WHERE invo_professional_id = ?", [FORMULA_FIELD, wh.worker])
    con.close()
    got = CliRunner().invoke(cli, ["children", "cp_plans_open", "--month", "2024-03",
                                   "--format", "csv"], env={"LANTERN_HOME": str(home)})
    assert got.exit_code == 0, got.output
    rows = list(csv.DictReader(io.StringIO(got.stdout)))
    workers = {r["worker"] for r in rows}
    assert "'=1+1" in workers and FORMULA_FIELD not in workers


def test_scorecard_breakdowns_and_children_download(pa: TestClient, app: FastAPI) -> None:
    got = pa.get("/scorecard/export.csv?month=2024-03&view=service:safeguarding")
    assert got.status_code == 200
    rows = list(csv.DictReader(io.StringIO(got.text)))
    assert rows and {"Indicator", "Value", "Against target"} <= set(rows[0])
    book = load_workbook(io.BytesIO(pa.get("/scorecard/export.xlsx").content))
    assert book.active is not None and book.active.max_row > 20
    got = pa.get("/indicators/cp_plans_open/breakdowns.csv?month=2024-03")
    groups = {r["Group"] for r in csv.DictReader(io.StringIO(got.text))}
    assert {"Safeguarding Team 1", "Safeguarding", "Female", "0-4"} <= groups
    listed = list(csv.DictReader(io.StringIO(
        pa.get("/indicators/cp_plans_open/children.csv?month=2024-03").text)))
    assert listed and {"Safeguarding Team 1"} >= {r["team_name"] for r in listed
                                                  if r["team"] == "T004"}
    assert {r["sex_label"] for r in listed} <= {"Female", "Male", "Not known or indeterminate"}
    log = app.state.stores.access_log
    before = log.count()
    got = pa.get("/indicators/cp_plans_open/children.xlsx?month=2024-03")
    assert got.status_code == 200 and log.count() - before == 1
    board = client_for(app, "board_member")
    assert board.get("/indicators/cp_plans_open/children.xlsx").status_code == 403
    assert board.get("/scorecard/export.csv").status_code == 200


def test_report_closing_notes_speak_to_readers() -> None:
    """The report ended telling the reader to run a CLI command and cited KPIS.md."""
    from lantern.reports.render import render_html
    from tests.test_report_render import sample_report

    html = render_html(sample_report())
    assert "lantern children" not in html and "KPIS.md" not in html
    assert "lantern exceptions" not in html
    assert "Each indicator's page in Lantern gives its definition" in html


# --------------------------------------------------------------------------- security (#13)


def test_session_cookie_is_secure_off_loopback(wh: WebHome) -> None:
    app = make_app(wh, copy_app_db(wh))
    for base, secure in (("http://127.0.0.1", False), ("http://[::1]", False),
                         ("http://10.1.2.3", True), ("http://203.0.113.9:8000", True)):
        cookie = TestClient(app, base_url=base).get("/sign-in").headers["set-cookie"]
        assert ("secure" in cookie.lower()) is secure, base


def _another_childs_in_team(wh: WebHome) -> str:
    from lantern.casework import scope_map
    from lantern.config import Settings
    from lantern.web.services import open_warehouse

    w = open_warehouse(Settings(home=wh.home))
    try:
        return next(c for c, s in sorted(scope_map(w.con, w.as_of).items())
                    if s.team == TEAM and s.worker not in (None, wh.worker))
    finally:
        w.close()


def test_social_worker_scope_is_a_setting(wh: WebHome) -> None:
    other = _another_childs_in_team(wh)
    team = client_for(make_app(wh, copy_app_db(wh)), "social_worker")
    assert team.get(f"/children/{other}").status_code == 200
    own = client_for(make_app(wh, copy_app_db(wh), social_worker_scope="caseload"),
                     "social_worker")
    assert own.get(f"/children/{wh.child_in}").status_code == 200
    assert own.get(f"/children/{other}").status_code == 404
    assert own.get(f"/api/children/{other}").status_code == 404
    assert other not in own.get("/").text
    with pytest.raises(ValueError, match="LANTERN_SOCIAL_WORKER_SCOPE"):
        make_app(wh, copy_app_db(wh), social_worker_scope="everyone")
