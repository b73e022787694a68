"""The indicator page's charts in a real browser (#13.1): the headline's period first,
a link to the in-month values with SPC, captions and the data table agree with the
headline; axe-core finds no serious or critical violation on either view.

Needs /usr/bin/chromium (`bash scripts/system-deps.sh`); skipped when it is missing.
Screenshots: test-artifacts/browser/charts-<view>.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

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

from playwright.sync_api import Page, sync_playwright

pytestmark = pytest.mark.slow
AXE_PATH = "/__axe__/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
KPI = "icpc_15wd_pct"  # a rolling-12-month flow with in-month values


@pytest.fixture(scope="module")
def site() -> DemoSite:
    return demo_site()


@pytest.fixture(scope="module")
def page(site: DemoSite) -> Iterator[tuple[Page, str, dict[str, object]]]:
    with LiveServer(site.home) as srv:
        api = sign_in_client(srv.url, site.accounts["performance_analyst"], timeout=300)
        card = api.get("/api/scorecard").json()
        headline = next(r for s in card["sections"] for r in s["rows"] if r["kpi_id"] == KPI)
        api.close()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            ctx = browser.new_context(base_url=srv.url, viewport={"width": 1280, "height": 900})
            ctx.route(f"**{AXE_PATH}", lambda route: route.fulfill(
                path=str(AXE_JS), content_type="text/javascript; charset=utf-8"))
            pg = ctx.new_page()
            account = site.accounts["performance_analyst"]
            pg.goto("/sign-in")
            pg.fill("#username", account.username)
            pg.fill("#password", account.password)
            with pg.expect_navigation():
                pg.keyboard.press("Enter")
            yield pg, card["month"], headline
            browser.close()


def _axe_blocking(pg: Page) -> list[str]:
    pg.add_script_tag(url=AXE_PATH)
    found = pg.evaluate("""async (tags) => (await axe.run(document, {runOnly: {type: 'tag',
        values: tags}, resultTypes: ['violations']})).violations
        .filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => v.id + ': ' + v.help)""", AXE_TAGS)
    return list(found)


def test_indicator_charts_agree_with_the_headline(
        page: tuple[Page, str, dict[str, object]]) -> None:
    pg, month, headline = page
    shots = ARTIFACTS / "browser"
    shots.mkdir(parents=True, exist_ok=True)
    pg.goto(f"/indicators/{KPI}?month={month}")
    caption = pg.locator("figure.lantern-figure figcaption").inner_text()
    assert "rolling 12 months" in caption and ", ," not in caption
    # the data table's last row holds the headline's value (its month is the latest)
    last = pg.locator("details.govuk-details table tbody tr").last.text_content() or ""
    assert month in last and f"{headline['value']:.1f}%" in last
    assert pg.locator(".lantern-chart svg").count() == 1
    assert _axe_blocking(pg) == []
    pg.screenshot(path=str(shots / "charts-headline.png"), full_page=True)
    pg.get_by_role("link", name="with SPC limits").click()
    pg.wait_for_load_state("load")
    caption = pg.locator("figure.lantern-figure figcaption").inner_text()
    assert "each month's own value" in caption and "process limits" in caption
    assert _axe_blocking(pg) == []
    pg.screenshot(path=str(shots / "charts-in-month.png"), full_page=True)
