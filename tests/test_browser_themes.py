"""The theme pages in a real browser (Debian's Chromium via Playwright) for a team
manager and a board member: /themes and every theme's page, reached from the navigation
and the themes list, each with one h1, charts with a text alternative and no serious or
critical axe-core finding (WCAG 2.0/2.1/2.2 A and AA); the board member's workforce page
names no worker and publishes no count of 1-4. Screenshots go to
test-artifacts/browser/themes-<role>-<page>.png.

Needs /usr/bin/chromium (`bash scripts/system-deps.sh`); skipped when it is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lantern.assurance.themes import themes
from tests.browser_support import (
    ARTIFACTS,
    AXE_JS,
    CHROMIUM,
    CHROMIUM_ARGS,
    DemoSite,
    LiveServer,
    demo_site,
    sign_in_client,
)

pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():  # pragma: no cover - depends on the machine
    pytest.skip(f"{CHROMIUM} is missing: run `bash scripts/system-deps.sh`",
                allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright

pytestmark = pytest.mark.slow
SHOTS = ARTIFACTS / "browser"
AXE_PATH = "/__axe__/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ROLES = ("team_manager", "board_member")


@pytest.fixture(scope="module")
def site() -> DemoSite:
    return demo_site()


@pytest.fixture(scope="module")
def server(site: DemoSite) -> Iterator[LiveServer]:
    with LiveServer(site.home) as srv:
        # The month's figures are computed on the first request (tens of seconds cold):
        # here, not under a browser timeout.
        warm = sign_in_client(srv.url, site.accounts["performance_analyst"], timeout=300)
        assert warm.get("/themes/workforce").status_code == 200
        warm.close()
        yield srv


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def signed_in(browser: Browser, server: LiveServer, site: DemoSite, role: str) -> Page:
    ctx = browser.new_context(base_url=server.url, locale="en-GB",
                              viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(60_000)
    ctx.route(f"**{AXE_PATH}", lambda route: route.fulfill(
        path=str(AXE_JS), content_type="text/javascript; charset=utf-8"))
    page = ctx.new_page()
    account = site.accounts[role]
    page.goto("/sign-in")
    page.fill("#username", account.username)
    page.fill("#password", account.password)
    with page.expect_navigation():
        page.press("#password", "Enter")
    return page


def check(page: Page, name: str) -> None:
    """One h1, every chart described, no serious or critical axe finding, a screenshot."""
    page.wait_for_load_state("load")
    assert page.locator("h1").count() == 1, name
    charts = page.locator(".lantern-chart[role='img']")
    for i in range(charts.count()):
        assert (charts.nth(i).get_attribute("aria-label") or "").strip(), name
    page.add_script_tag(url=AXE_PATH)
    found = page.evaluate(
        """async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations']})).violations.map(v => [v.id, v.impact,
            v.nodes.slice(0, 3).map(n => n.target.join(' '))])""", AXE_TAGS)
    blocking = [v for v in found if v[1] in ("serious", "critical")]
    assert not blocking, f"{name}: {blocking}"
    page.screenshot(path=str(SHOTS / f"themes-{name}.png"), full_page=True)


@pytest.mark.parametrize("role", ROLES)
def test_every_theme_page(role: str, browser: Browser, server: LiveServer,
                          site: DemoSite) -> None:
    page = signed_in(browser, server, site, role)
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Themes").click()
    expect(page.locator("h1")).to_have_text("Themes")
    check(page, f"{role}-index")
    for t in themes():
        page.goto("/themes")
        page.locator(f"#theme-{t.key} a").click()  # from the list, as a person would
        expect(page.locator("h1")).to_have_text(t.title)
        main = page.locator("main")
        expect(main).to_contain_text(t.why[:40])
        for reason in page.locator("main .govuk-inset-text").all_inner_texts():
            assert "lantern_" not in reason and "ssd_" not in reason, t.key  # in words
        if t.key == "workforce":
            expect(main).to_contain_text("Caseloads by team")
            named = page.locator("main a[href^='/workers/']").count()
            if role == "board_member":
                assert named == 0
                table = page.locator("main table", has_text="Team").first
                for cell in table.locator("td").all_inner_texts():
                    assert cell.strip() not in {"1", "2", "3", "4"}
            else:
                expect(main).to_contain_text("over the caseload limit")
        check(page, f"{role}-{t.key}")
    page.context.close()
