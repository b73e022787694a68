"""The theme pages (`/themes`, `/themes/{key}`) and the report's theme sections on the
small web authority: figures or "not available" with the reason in words, the caseload
distribution per team in the viewer's scope, the social workers over the limit only for
the roles that may see them by name, small numbers withheld for the board."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from lantern.assurance.themes import theme, themes
from lantern.casework.caseload_bands import caseload_bands
from tests.web_support import TEAM, WebHome, client_for, copy_app_db, make_app, web_home

MONTH_END = date(2024, 3, 31)  # the web authority's last complete month


@pytest.fixture(scope="module")
def wh() -> WebHome:
    return web_home()


@pytest.fixture(scope="module")
def app(wh: WebHome) -> FastAPI:
    return make_app(wh)


@pytest.fixture(scope="module")
def clients(app: FastAPI) -> dict[str, TestClient]:
    return {r: client_for(app, r) for r in ("performance_analyst", "team_manager",
                                            "social_worker", "board_member")}


#: The local tables the copy of the web authority goes without.
EMPTIED = ("lantern_foster_households", "lantern_lado_referrals")


@pytest.fixture(scope="module")
def without_local(wh: WebHome) -> WebHome:
    """The web authority with no fostering households and no LADO referrals loaded."""
    import shutil
    import tempfile
    from dataclasses import replace
    from pathlib import Path

    import duckdb

    home = Path(tempfile.mkdtemp(prefix="lantern-themes-"))
    shutil.copy2(wh.home / "warehouse.duckdb", home / "warehouse.duckdb")
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    for table in EMPTIED:
        con.execute(f"DELETE FROM {table}")
    # The assurance stored from the tables as they were goes too: each figure is then
    # computed from the tables as they now are (a load would store them again).
    for table in ("_assurance_store", "_assurance_rows", "_assurance_exceptions"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    con.close()
    return replace(wh, home=home)


@pytest.fixture(scope="module")
def analyst_without_local(wh: WebHome, without_local: WebHome) -> TestClient:
    return client_for(make_app(without_local, copy_app_db(wh)), "performance_analyst")


@pytest.fixture(scope="module")
def bands(wh: WebHome):  # type: ignore[no-untyped-def]
    import duckdb

    con = duckdb.connect(str(wh.home / "warehouse.duckdb"), read_only=True)
    try:
        return caseload_bands(con, MONTH_END, theme("workforce").caseload_bands)
    finally:
        con.close()


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_every_theme_is_listed_with_its_figures(clients: dict[str, TestClient]) -> None:
    page = clients["performance_analyst"].get("/themes")
    assert page.status_code == 200
    for t in themes():
        assert f'href="/themes/{t.key}?month=2024-03"' in page.text
    assert 'href="/themes"' in page.text  # in the navigation
    # every indicator of the simulated authority has a figure, linked to its page
    for t in themes():
        for kpi in t.kpis:
            assert f'href="/indicators/{kpi}?month=2024-03"' in page.text, kpi
    assert "not available" not in text(page.text)


def test_a_theme_without_its_data_says_what_is_missing_never_0(
        analyst_without_local: TestClient) -> None:
    page = analyst_without_local.get("/themes")
    body = text(page.text)
    # The list says it once per theme, in words; nothing reads 0.
    assert "not available no fostering households loaded." in body
    assert "not available no LADO referrals loaded." in body
    assert "lantern_" not in body
    assert 'href="/indicators/foster_households' not in page.text
    fostering = text(analyst_without_local.get("/themes/fostering").text)
    assert fostering.count("not available No fostering households loaded.") == len(
        theme("fostering").kpis)
    assert "Value, March 2024" not in fostering  # no figure at all, not even 0
    # a theme with its data is unaffected
    assert "not available" not in text(analyst_without_local.get("/themes/marac").text)


def test_a_theme_page_shows_each_indicator(clients: dict[str, TestClient]) -> None:
    page = clients["performance_analyst"].get("/themes/exploitation-missing")
    assert page.status_code == 200
    body = text(page.text)
    for kpi in theme("exploitation-missing").kpis:
        assert f'id="{kpi}"' in page.text and f'href="/indicators/{kpi}?month=2024-03"' in (
            page.text)
    assert body.count("Value, March 2024") == len(theme("exploitation-missing").kpis)
    assert page.text.count('class="lantern-chart"') == len(
        theme("exploitation-missing").kpis)  # each indicator's chart
    assert "By team" in body  # a breakdown
    # the workforce census is compared with England at its own year end
    workforce = text(clients["performance_analyst"].get("/themes/workforce").text)
    assert "year ending 30 Sep" in workforce and "Statistical neighbours (mean)" in workforce
    assert clients["performance_analyst"].get("/themes/no-such").status_code == 404
    assert clients["performance_analyst"].get(
        "/themes/workforce?month=2031-01").status_code == 422


def test_workforce_names_the_workers_over_the_limit_to_managers(
        clients: dict[str, TestClient], bands) -> None:  # type: ignore[no-untyped-def]
    assert bands.over_limit, "the web authority should have someone over the limit"
    page = clients["performance_analyst"].get("/themes/workforce")
    body = text(page.text)
    assert "Caseloads by team" in body
    for o in bands.over_limit:
        assert o.name in body and f'href="/workers/{o.worker_id}"' in page.text
    for t in bands.teams:  # every team's chart, with its count of social workers
        assert f"{t.team_name} ({t.workers} social worker" in body


def test_a_team_manager_sees_their_own_team_only(
        clients: dict[str, TestClient], bands) -> None:  # type: ignore[no-untyped-def]
    page = clients["team_manager"].get("/themes/workforce")
    assert page.status_code == 200
    section = page.text.split('id="caseloads"')[1].split("</section>")[0]
    mine = [t for t in bands.teams if t.team_id == TEAM]
    others = [t for t in bands.teams if t.team_id != TEAM]
    assert all(t.team_name in section for t in mine)
    assert not any(f"{t.team_name} (" in section for t in others)
    for o in bands.over_limit:
        assert (o.name in section) == (o.team_id == TEAM)


def test_no_names_for_social_workers_or_the_board(
        clients: dict[str, TestClient], bands) -> None:  # type: ignore[no-untyped-def]
    for role in ("social_worker", "board_member"):
        page = clients[role].get("/themes/workforce")
        assert page.status_code == 200
        assert "over the caseload limit of" not in page.text
        for o in bands.over_limit:
            assert o.name not in page.text and o.worker_id not in page.text
        assert not re.search(r"/workers/", page.text)


def test_the_boards_distribution_withholds_small_numbers(
        clients: dict[str, TestClient], bands) -> None:  # type: ignore[no-untyped-def]
    page = clients["board_member"].get("/themes/workforce").text
    table = page.split("Social workers by caseload (children held)")[1].split("</table>")[0]
    cells = re.findall(r'govuk-table__cell--numeric[^>]*>([^<]*)<', table)
    assert cells, "the distribution table is shown"
    shown = [int(c) for c in cells if c.strip().isdigit()]
    assert all(n == 0 or n >= 5 for n in shown)  # no count of 1-4 published
    small = sum(1 for t in bands.teams for n in t.counts if 0 < n < 5)
    assert small and cells.count("withheld") >= small
    # the pages a manager sees publish them
    manager = clients["performance_analyst"].get("/themes/workforce").text
    assert "withheld" not in manager.split("Social workers by caseload")[1].split(
        "</table>")[0]


def test_the_report_has_a_section_per_theme_with_data(
        without_local: WebHome, analyst_without_local: TestClient) -> None:
    from lantern.config import Settings
    from lantern.reports.board_pack import headline_rows
    from lantern.reports.build import report_from
    from lantern.reports.render import render_html
    from lantern.web import services as sv

    w = sv.open_warehouse(Settings(home=without_local.home))
    try:
        got = report_from(sv.assurance(w, "2024-03"), la_code=w.authority.la_code,
                          la_name=w.authority.la_name, process_changes=[])
    finally:
        w.close()
    by_key = {s.key: s for s in got.themes}
    assert list(by_key) == [f"theme-{t.key}" for t in themes()]
    assert [r.kpi_id for r in by_key["theme-marac"].rows] == list(theme("marac").kpis)
    fostering = by_key["theme-fostering"]
    assert not fostering.rows
    assert {reason for _, reason in fostering.not_available} == {
        "no fostering households loaded"}
    # thematic indicators are not counted among the service areas' any more
    service_kpis = {r.kpi_id for s in got.sections for r in s.rows}
    assert not service_kpis & set(theme("marac").kpis)
    page = text(render_html(got))
    assert "Theme: MARAC" in page and "Theme: Exploitation and missing children" in page
    assert "Fostering households : not available – no fostering households loaded." in page
    assert "Theme: Fostering households" not in page  # one line, no empty section
    # the board pack adds the workforce theme's headline to the report's
    pack = headline_rows(got)
    assert [r["kpi_id"] for r in pack] == [h.kpi_id for h in got.headlines] + [
        "sw_caseload_avg"]
    caseload = next(r for r in by_key["theme-workforce"].rows
                    if r.kpi_id == "sw_caseload_avg")
    assert pack[-1]["shown"] == f"{caseload.value:.1f}"


#: The theme pages split by a household's or referral's own record, and how.
RECORD_SPLITS = {"fostering": ("household type", ("Mainstream", "Connected person"),
                               ("mainstream", "connected")),
                 "lado": ("employer sector", ("Education",), ("EDUCATION", "EARLY_YEARS")),
                 "marac": ("referring agency", ("Police",), ("POLICE", "IDVA"))}


def split_tables(html: str, by: str) -> dict[str, list[tuple[str, list[str]]]]:
    """Each table of the page by ``by``: caption -> [(row label, [value, numerator,
    denominator] as shown)]."""
    out: dict[str, list[tuple[str, list[str]]]] = {}
    for part in html.split("<caption")[1:]:
        caption = text(part.split("</caption>")[0].split(">", 1)[1]).strip()
        if f" by {by}, " not in caption:
            continue
        body = part.split("<tbody")[1].split("</tbody>")[0]
        out[caption] = [
            (text(label).strip(), [text(c).strip() for c in cells])
            for label, cells in (
                (r.split("</th>")[0].split(">", 1)[1],
                 re.findall(r'govuk-table__cell--numeric">(.*?)</td>', r))
                for r in body.split('<tr class="govuk-table__row">')[1:])]
    return out


@pytest.mark.parametrize("key", list(RECORD_SPLITS))
def test_households_and_referrals_are_split_by_their_own_record(
        clients: dict[str, TestClient], key: str) -> None:
    """Fostering by household type, LADO by employer sector, MARAC by referring agency:
    a table under each figure, its groups by their labels, never their codes."""
    by, labels, codes = RECORD_SPLITS[key]
    page = clients["performance_analyst"].get(f"/themes/{key}")
    assert page.status_code == 200
    tables = split_tables(page.text, by)
    assert len(tables) == len(theme(key).kpis), list(tables)
    shown = {label for rows in tables.values() for label, _ in rows}
    assert set(labels) <= shown
    assert not shown & set(codes)
    assert f"By {by}" in text(page.text)


def _counts(cells: list[str], unit: str) -> tuple[int, int] | None:
    """(in the numerator, not in it) of a row as shown; None when withheld."""
    if "withheld" in cells[0] or any(c and c[0] not in "0123456789–" for c in cells[1:]):
        return None
    num = int(cells[1].replace(",", ""))
    den = num if unit == "count" else int(cells[2].replace(",", ""))
    return num, den - num


@pytest.mark.parametrize("key", list(RECORD_SPLITS))
def test_the_boards_split_withholds_small_numbers_beyond_subtraction(
        clients: dict[str, TestClient], key: str) -> None:
    """The board sees no count of 1-4 in these tables, and the withheld groups of a
    table add up to 0 or 5 or more: the whole authority's figure (which the analyst's
    complete table gives) less the published groups does not reveal them."""
    from lantern.measures.catalogue import get

    by = RECORD_SPLITS[key][0]
    board = split_tables(clients["board_member"].get(f"/themes/{key}").text, by)
    full = split_tables(clients["performance_analyst"].get(f"/themes/{key}").text, by)
    assert board.keys() == full.keys() and board
    withheld = 0
    for caption, rows in board.items():
        kpi = next(k for k in theme(key).kpis if caption.startswith(get(k).title + " by"))
        unit = get(kpi).unit
        every = [_counts(cells, unit) for _, cells in full[caption]]
        shown = [_counts(cells, unit) for _, cells in rows]
        assert [label for label, _ in rows] == [label for label, _ in full[caption]]
        assert None not in every  # the analyst's table is complete
        totals = [sum(c[part] for c in every if c is not None) for part in (0, 1)]
        # a total of 1-4 is withheld itself, leaving nothing to subtract from
        total_published = not any(0 < t < 5 for t in totals)
        for part in (0, 1):
            published = [c[part] for c in shown if c is not None]
            assert all(n == 0 or n >= 5 for n in published), (caption, rows)
            hidden = totals[part] - sum(published)
            assert hidden == 0 or hidden >= 5 or not total_published, (caption, rows)
        withheld += sum(c is None for c in shown)
    assert withheld, "some group is small enough to be withheld: the test is not vacuous"


def test_the_households_behind_a_figure_show_their_type_by_its_label(
        clients: dict[str, TestClient]) -> None:
    analyst = clients["performance_analyst"]
    url = "/indicators/foster_households/children?month=2024-03"
    page = analyst.get(f"{url}&by=household_type&value=connected")
    assert page.status_code == 200
    body = text(page.text)
    assert "Fostering households behind the figure" in body
    assert "(Connected person (household type))" in body
    table = text(page.text.split("<tbody")[1].split("</tbody>")[0])
    assert "Connected person" in table and "Mainstream" not in table
    assert "None" not in table and "unallocated" not in table  # no child, no worker
    every = text(analyst.get(url).text.split("<tbody")[1].split("</tbody>")[0])
    assert "Mainstream" in every and "Connected person" in every
    got = list(csv.DictReader(io.StringIO(analyst.get(
        "/indicators/foster_households/children.csv?month=2024-03&by=household_type"
        "&value=connected").text)))
    assert got and {(r["household_type"], r["household_type_label"]) for r in got} == {
        ("connected", "Connected person")}


def test_the_social_workers_behind_a_figure_by_name_to_those_who_may_see_them(
        clients: dict[str, TestClient], bands) -> None:  # type: ignore[no-untyped-def]
    """The workforce figures drill to social workers (no child): the page once failed
    with a server error on rows without a child. Workers are named to the roles that may
    see them by name, within their scope; a social worker sees none of their colleagues;
    the board is refused as for any drill-down."""
    url = "/indicators/sw_caseload_over_limit_pct/children?month=2024-03"
    analyst = clients["performance_analyst"].get(url)
    assert analyst.status_code == 200
    table = analyst.text.split("<tbody")[1].split("</tbody>")[0]
    for o in bands.over_limit:  # by name, linked to the worker's page, never by id
        assert f'href="/workers/{o.worker_id}">{o.name}</a>' in table
    assert not re.search(r">\s*W\d+\s*<", table)
    assert "Social workers behind the figure" in text(analyst.text)
    manager = clients["team_manager"].get(url)
    assert manager.status_code == 200
    mine = manager.text.split("<tbody")[1].split("</tbody>")[0]
    for o in bands.over_limit:
        assert (o.name in mine) == (o.team_id == TEAM)
    worker = clients["social_worker"].get(url)
    assert worker.status_code == 200
    assert "None in your scope." in worker.text
    assert clients["board_member"].get(url).status_code == 403
    api = clients["performance_analyst"].get(
        "/api/indicators/sw_caseload_over_limit_pct/children?month=2024-03")
    assert api.status_code == 200
    rows = api.json()["children"]
    assert rows and all(r["child_id"] is None and r["subject_id"] for r in rows)


def test_every_figure_opens_to_the_rows_behind_it(clients: dict[str, TestClient]) -> None:
    """A drill-down page answers whatever its rows are about (children, workers, teams,
    households, referrals, arrangements, presentations, audits): one indicator of each
    subject and source (all of them take a minute)."""
    from lantern.measures.catalogue import SCORECARD

    one_each = {(i.subject, i.source): i.id for i in SCORECARD}
    assert len({s for s, _ in one_each}) >= 8  # every subject is tried
    analyst = clients["performance_analyst"]
    failed = {k: r.status_code for k in one_each.values()
              if (r := analyst.get(f"/indicators/{k}/children?month=2024-03")).status_code
              != 200}
    assert not failed, failed
