"""Deep dives in a real browser (Chromium via Playwright) with axe-core on every new page:
a head of service records findings and an action on a triggered deep dive in their scope,
then closes it with a reason; a board member sees the tracker and the deep dive's figures
but no child; the meetings pages.

Uses the browser journeys' live server, accounts and checks (one h1, main landmark, skip
link, no serious or critical axe violations). Needs /usr/bin/chromium.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.browser_support import DemoSite, LiveServer
from tests.test_browser_journeys import (  # the shared live-browser set-up
    Journey,
    browser,
    context,
    keyboard_sign_in,
    site,
)

pytestmark = pytest.mark.slow
__all__ = ["browser", "context", "site"]

from playwright.sync_api import BrowserContext, expect  # noqa: E402


def _store_trigger(site: DemoSite) -> str:
    """A decline trigger in the head of service's scope, with real children behind it."""
    import duckdb
    from sqlalchemy.orm import Session

    from lantern.appdb import make_engine
    from lantern.assurance.decline import DeclineTrigger
    from lantern.casework import children_of, data_date
    from lantern.config import Settings
    from lantern.governance import deep_dives

    scope = site.accounts["head_of_service"].scope
    kind, _, value = scope.partition(":")
    con = duckdb.connect(str(site.home / "warehouse.duckdb"), read_only=True)
    try:
        kids = [c.child_id for c in children_of(con, data_date(con), service_id=value or None)]
    finally:
        con.close()
    trigger = DeclineTrigger(
        kpi_id="icpc_15wd_pct", breakdown="service" if kind == "service" else "authority",
        breakdown_value=value, period="rolling_12m", polarity="high",
        months=("2023-12", "2024-01", "2024-02"), values=(82.0, 78.0, 74.0),
        numerators=(41, 39, 37), denominators=(50, 50, 50), children=((), (), tuple(kids[:3])))
    engine = make_engine(Settings(home=site.home).app_database_url)
    with Session(engine) as s, s.begin():
        return deep_dives.store_triggers(s, "2024-02", [trigger], on=date(2024, 3, 1)).opened[0]


@pytest.fixture(scope="module")
def ref(site: DemoSite) -> str:
    return _store_trigger(site)


@pytest.fixture(scope="module")
def server(site: DemoSite, ref: str) -> Iterator[LiveServer]:
    with LiveServer(site.home) as srv:
        yield srv


def test_findings_action_and_closure_then_the_board_view(
        site: DemoSite, server: LiveServer, ref: str, context: BrowserContext) -> None:
    srv = server
    page = context.new_page()
    j = Journey(page, "head_of_service")
    keyboard_sign_in(j, site.accounts["head_of_service"])
    page.goto("/deep-dives")
    j.check("deep-dives")
    j.follow(page.get_by_role("link", name="Initial conferences within 15 working days")
             .first)
    j.check("deep-dive")
    page.get_by_label("Findings").fill("Conferences were booked after the enquiry, not at "
                                       "the strategy discussion.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-inset-text")).to_contain_text("Saved")
    page.get_by_label("What").fill("Book the conference at the strategy discussion")
    page.get_by_label("Due date (YYYY-MM-DD)").last.fill("2024-04-30")
    with page.expect_navigation():
        page.get_by_role("button", name="Add action").click()
    expect(page.locator("main")).to_contain_text(f"{ref}-1 Book the conference")
    page.get_by_label("Reason").fill("Actions agreed; monitored through the plan")
    with page.expect_navigation():
        page.get_by_role("button", name="Close").click()
    expect(page.locator(".govuk-inset-text")).to_contain_text("Closed with your reason")
    expect(page.locator("main")).to_contain_text("Conferences were booked after the enquiry")
    j.check("deep-dive-closed", skip_link=False)
    page.goto("/meetings")
    j.check("meetings")

    assert context.browser is not None
    board = context.browser.new_context(base_url=srv.url, locale="en-GB")
    board.route("**/__axe__/axe.min.js", lambda route: route.fulfill(
        path=str(Path(__file__).parent / "assets" / "axe.min.js"),
        content_type="text/javascript; charset=utf-8"))
    bpage = board.new_page()
    b = Journey(bpage, "board_member")
    keyboard_sign_in(b, site.accounts["board_member"])
    bpage.goto("/deep-dives")
    b.check("board-deep-dives")
    bpage.goto(f"/deep-dives/{ref}")
    expect(bpage.locator("main")).to_contain_text("not shown to your role")
    expect(bpage.locator("main a[href^='/children/']")).to_have_count(0)
    expect(bpage.get_by_role("button", name="Save")).to_have_count(0)
    b.check("board-deep-dive")
    board.close()
