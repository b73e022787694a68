"""The main journeys in a real browser (Debian's Chromium via Playwright), one per role.

Roles that may see children: sign in with the keyboard, home page, scorecard, an
indicator, the children behind it, a child, the child's chronology. Aggregate-only roles
(board member, inspector): sign in, board view, scorecard, an indicator, with no child's
identity or link anywhere and small groups' figures reading "withheld".

Every page gets an axe-core check (WCAG 2.0/2.1/2.2 A and AA rules): no serious or
critical violations. Each page also needs one h1, a main landmark and a working skip
link. Screenshots go to test-artifacts/browser/<role>-<page>.png and every page's axe
findings (of any impact) to test-artifacts/browser/axe-report.json.

axe is injected without weakening the app's content security policy (script-src
'self'): Playwright intercepts requests for /__axe__/axe.min.js on the app's own origin
and answers with the vendored file (tests/assets/axe.min.js), and the test adds a
<script src> for that path, which the policy allows.

Needs /usr/bin/chromium (`bash scripts/system-deps.sh`); skipped when it is missing.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import (
    ARTIFACTS,
    AXE_JS,
    CHROMIUM,
    CHROMIUM_ARGS,
    Account,
    DemoSite,
    LiveServer,
    demo_site,
    sign_in_client,
)

pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():  # pragma: no cover - depends on the machine
    pytest.skip(f"{CHROMIUM} is missing: run `bash scripts/system-deps.sh`",
                allow_module_level=True)

from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    expect,
    sync_playwright,
)

pytestmark = pytest.mark.slow
SHOTS = ARTIFACTS / "browser"
AXE_PATH = "/__axe__/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")
CHILD_ROLES = ("social_worker", "team_manager", "head_of_service", "divisional_director",
               "dcs", "performance_analyst", "auditor", "iro")
AGGREGATE_ROLES = ("board_member", "inspector")
DRILL_BY_TEAM = ("divisional_director", "dcs", "auditor", "iro")
CHILD_ID = re.compile(r"\bP\d{6}\b")  # the synthetic authority's child ids
PREFERRED = ("referrals", "assessments_completed")
_axe_report: dict[str, Any] = {}
_shot_seconds: dict[str, float] = {}


# --- fixtures -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site() -> DemoSite:
    return demo_site()


@pytest.fixture(scope="module")
def server(site: DemoSite) -> Iterator[LiveServer]:
    with LiveServer(site.home) as srv:
        # The first request computes the month's indicators (tens of seconds cold): do it
        # here, not under a browser timeout.
        warm = sign_in_client(srv.url, site.accounts["performance_analyst"], timeout=300)
        assert warm.get("/api/scorecard").status_code == 200
        warm.close()
        yield srv


@pytest.fixture(scope="module")
def small(site: DemoSite, server: LiveServer) -> str | None:
    """An indicator with a breakdown count of 1-4, if there is one."""
    return indicator_with_small_numbers(server, site.accounts["performance_analyst"])


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
    (SHOTS / "axe-report.json").write_text(json.dumps(_axe_report, indent=1), "utf-8")


@pytest.fixture
def context(browser: Browser, server: LiveServer) -> Iterator[BrowserContext]:
    ctx = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900},
                              locale="en-GB", timezone_id="Europe/London")
    ctx.set_default_timeout(30_000)
    ctx.set_default_navigation_timeout(60_000)
    # Serve axe from the app's own origin so the page's CSP (script-src 'self') allows it.
    ctx.route(f"**{AXE_PATH}", lambda route: route.fulfill(
        path=str(AXE_JS), content_type="text/javascript; charset=utf-8"))
    yield ctx
    ctx.close()


# --- helpers --------------------------------------------------------------------------


class Journey:
    """One role's walk: checks and screenshots each page, collects browser errors."""

    def __init__(self, page: Page, role: str) -> None:
        self.page = page
        self.role = role
        self.errors: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(f"{page.url}: {exc}"))
        page.on("console", lambda msg: self.errors.append(f"{page.url}: {msg.text}")
                if msg.type == "error" else None)

    def check(self, name: str, *, skip_link: bool = True) -> None:
        """Structure, keyboard skip link, axe, screenshot: for the page now showing
        (``skip_link=False`` for a section of a page already checked from its top)."""
        page = self.page
        page.wait_for_load_state("load")
        assert page.locator("h1").count() == 1, f"{self.role}/{name}: expected one h1"
        assert page.locator("main#main-content").count() == 1, f"{name}: no main landmark"
        assert page.title().endswith("Lantern"), f"{name}: page title {page.title()!r}"
        if skip_link:
            self._skip_link(name)
        self._axe(name)
        started = time.perf_counter()
        page.screenshot(path=str(SHOTS / f"{self.role}-{name}.png"), full_page=True)
        _shot_seconds[f"{self.role}/{name}"] = round(time.perf_counter() - started, 2)
        assert not self.errors, f"{self.role}/{name}: browser errors:\n" + "\n".join(
            self.errors)

    def _skip_link(self, name: str) -> None:
        page = self.page
        page.evaluate("() => { document.activeElement && document.activeElement.blur(); "
                      "window.scrollTo(0, 0); }")
        page.keyboard.press("Tab")
        focused = page.evaluate("() => [document.activeElement.textContent.trim(), "
                                "document.activeElement.getAttribute('href')]")
        assert focused == ["Skip to main content", "#main-content"], (
            f"{self.role}/{name}: the first Tab stop is {focused}, not the skip link")
        page.evaluate("() => document.activeElement.blur()")

    def _axe(self, name: str) -> None:
        page = self.page
        started = time.perf_counter()
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(url=AXE_PATH)
        result = page.evaluate(
            """async (tags) => {
                const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                   resultTypes: ['violations']});
                return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    helpUrl: v.helpUrl, nodes: v.nodes.slice(0, 5).map(n => ({
                        target: n.target.join(' '), html: n.html.slice(0, 200),
                        summary: n.failureSummary})), count: v.nodes.length}));
            }""", AXE_TAGS)
        _axe_report[f"{self.role}/{name}"] = {
            "url": page.url, "seconds": round(time.perf_counter() - started, 2),
            "violations": result}
        blocking = [v for v in result if v["impact"] in BLOCKING]
        assert not blocking, (f"{self.role}/{name} ({page.url}): axe found serious or "
                              f"critical violations:\n{format_violations(blocking)}")

    def follow(self, link: Any) -> None:
        """Follow a link with the keyboard: focus it, press Enter, wait for the page."""
        link.focus()
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['count']} elements) "
                     f"{v['helpUrl']}")
        for n in v["nodes"]:
            lines.append(f"    at {n['target']}: {n['html']}")
            lines.append("      " + (n["summary"] or "").replace("\n", "\n      "))
    return "\n".join(lines)


def keyboard_sign_in(j: Journey, account: Account) -> None:
    """Sign in using only the keyboard: Tab to the user name, type, Tab, type, Enter."""
    page = j.page
    page.goto("/")
    assert "/sign-in" in page.url, "an anonymous visitor is sent to sign in"
    j.check("sign-in")
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "username":
            break
    else:
        pytest.fail("the user name field cannot be reached with Tab")
    page.keyboard.type(account.username)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "password"
    page.keyboard.type(account.password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/sign-in" not in page.url, f"sign-in as {account.username} failed"
    expect(page.locator("header")).to_contain_text("Signed in as")


def indicator_with_children(server: LiveServer, site: DemoSite,
                            account: Account) -> tuple[str, str | None]:
    """An indicator whose children list, for this account, is not empty, and the team
    to drill into (None: the whole list); found through the API. Authority-wide roles
    other than the performance analyst drill into one team's list (the same path as a
    breakdown row's "List" link), which also keeps the pages short."""
    by_team = account.role in DRILL_BY_TEAM
    client = sign_in_client(server.url, account, timeout=300)
    try:
        catalogue = [i["kpi_id"] for i in client.get("/api/indicators").json()]
        order = [k for k in PREFERRED if k in catalogue] + [
            k for k in catalogue if k not in PREFERRED]
        for kpi in order[:60]:
            for team in (sorted(site.teams)[1:] if by_team else [None]):
                query = {"by": "team", "value": team} if team else {}
                r = client.get(f"/api/indicators/{kpi}/children", params=query)
                if r.status_code == 200 and r.json()["children"]:
                    return kpi, team
    finally:
        client.close()
    pytest.fail(f"no indicator lists any child for {account.username}")


def indicator_with_small_numbers(server: LiveServer, account: Account) -> str | None:
    """An indicator with a breakdown count of 1-4 (as an unsuppressed role sees it)."""
    client = sign_in_client(server.url, account, timeout=300)
    try:
        for ind in client.get("/api/indicators").json()[:60]:
            got = client.get(f"/api/indicators/{ind['kpi_id']}")
            if got.status_code != 200:
                continue
            for rows in got.json()["breakdowns"].values():
                for r in rows:
                    if any(isinstance(r.get(k), int) and 1 <= r[k] <= 4
                           for k in ("numerator", "denominator")):
                        return str(ind["kpi_id"])
    finally:
        client.close()
    return None


# --- the journeys ---------------------------------------------------------------------


@pytest.mark.parametrize("role", CHILD_ROLES)
def test_journey_to_a_childs_chronology(role: str, site: DemoSite, server: LiveServer,
                                        context: BrowserContext) -> None:
    account = site.accounts[role]
    kpi, team = indicator_with_children(server, site, account)
    page = context.new_page()
    j = Journey(page, role)

    keyboard_sign_in(j, account)
    j.check("home")

    # Scorecard, from the main menu.
    j.follow(page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name=re.compile("scorecard", re.I)).first)
    assert page.url.split("?")[0].endswith("/scorecard"), page.url
    expect(page.locator("h1")).to_have_text("Service scorecard")
    assert page.locator("table.lantern-scorecard").count() >= 1
    j.check("scorecard")

    # An indicator, from its row in the scorecard.
    j.follow(page.locator(f"table.lantern-scorecard a[href^='/indicators/{kpi}?']").first)
    assert f"/indicators/{kpi}" in page.url
    j.check("indicator")

    # The children behind the figure: the whole list, or one team's from its breakdown row.
    drill = page.locator(f"main a[href^='/indicators/{kpi}/children?']")
    if team:
        drill = drill.and_(page.locator(f"a[href*='by=team'][href$='value={team}']"))
    j.follow(drill.last)
    expect(page.locator("h1")).to_have_text("Children behind the figure")
    children = page.locator("main table a[href^='/children/']")
    assert children.count() >= 1, f"{role}: no child listed behind {kpi}"
    j.check("indicator-children")

    # A child.
    child_id = children.first.inner_text().strip()
    j.follow(children.first)
    assert page.url.split("?")[0].endswith(f"/children/{child_id}"), page.url
    expect(page.locator(".govuk-caption-l")).to_contain_text(child_id)
    j.check("child")

    # The chronology, through the record's own section navigation.
    page.get_by_role("navigation", name="Sections of the child's record").get_by_role(
        "link", name="Chronology").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#chronology$"))
    expect(page.locator("h2#chronology")).to_be_visible()
    events = page.locator("#chronology-events .moj-timeline__item")
    assert events.count() >= 1, f"{role}: child {child_id} has an empty chronology"
    expect(events.first.locator("time")).to_have_attribute(
        "datetime", re.compile(r"^\d{4}-\d{2}-\d{2}$"))
    j.check("chronology", skip_link=False)
    page.close()


@pytest.mark.parametrize("role", AGGREGATE_ROLES)
def test_aggregate_journey_shows_no_child(role: str, site: DemoSite, server: LiveServer,
                                          context: BrowserContext,
                                          small: str | None) -> None:
    account = site.accounts[role]
    page = context.new_page()
    j = Journey(page, role)

    def no_children_here(name: str) -> None:
        html = page.content()
        assert page.locator("a[href*='/children']").count() == 0, (
            f"{role}/{name}: a link to children")
        found = CHILD_ID.findall(page.locator("body").inner_text())
        assert not found, f"{role}/{name}: child ids on the page: {found[:5]}"
        assert "/workers/" not in html, f"{role}/{name}: a link to a worker's caseload"

    keyboard_sign_in(j, account)
    expect(page.locator("h1")).to_have_text("Board view")
    no_children_here("home")
    j.check("home")

    page.goto("/board")
    expect(page.locator("h1")).to_have_text("Board view")
    no_children_here("board")
    j.check("board")

    page.goto("/scorecard")
    expect(page.locator("h1")).to_have_text("Service scorecard")
    no_children_here("scorecard")
    j.check("scorecard")

    kpi = small or "referrals"
    j.follow(page.locator(f"table.lantern-scorecard a[href^='/indicators/{kpi}?']").first)
    no_children_here("indicator")
    # Breakdown counts (numerator, denominator columns) never show 1-4.
    counts = page.locator("main table[data-module='moj-sortable-table'] tbody tr")
    for i in range(counts.count()):
        cells = counts.nth(i).locator("td")
        if cells.count() < 3:
            continue
        for c in (1, 2):
            text = cells.nth(c).inner_text().strip()
            assert text not in {"1", "2", "3", "4"}, (
                f"{role}: a small count {text!r} shown on {page.url}")
    if small is not None:
        expect(page.locator("main")).to_contain_text("withheld")
    j.check("indicator")

    # The children behind a figure are refused outright.
    response = page.goto(f"/indicators/{kpi}/children")
    assert response is not None and response.status == 403, (
        f"{role}: /indicators/{kpi}/children answered {response and response.status}")
    page.close()
