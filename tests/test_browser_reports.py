"""The monthly report's pages in a real browser (Debian's Chromium via Playwright) with
axe-core: the DCS reads the month's report waiting for endorsement, sees who has acted
and the actions open to them, and endorses it with a comment; the performance lead sees
it flagged late on their home page; the indicator page shows its commentary history; a
board member reads the board pack (no child's identity, sections without data saying so).

Needs /usr/bin/chromium; skipped when it is missing.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser_support import CHROMIUM, DemoSite, LiveServer, demo_site, make_accounts

pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():  # pragma: no cover - depends on the machine
    pytest.skip(f"{CHROMIUM} is missing: run `bash scripts/system-deps.sh`",
                allow_module_level=True)

from playwright.sync_api import BrowserContext, expect

from tests.test_browser_journeys import (
    CHILD_ID,
    Journey,
    browser,
    context,
    keyboard_sign_in,
)

__all__ = ["browser", "context"]
pytestmark = pytest.mark.slow
MONTH = "2024-03"


@pytest.fixture(scope="module")
def site() -> DemoSite:
    """A private copy of the browser tests' authority, its March 2024 report quality
    checked and given its themes, with commentary on one indicator."""
    import duckdb

    from lantern.config import Settings
    from lantern.reports.workflow import open_book, record_editions
    from lantern.security.accounts import UserStore
    from lantern.warehouse.meta import read_authority

    shared = demo_site()
    home = Path(tempfile.mkdtemp(prefix="lantern-reports-browser-"))
    shutil.copyfile(shared.home / "warehouse.duckdb", home / "warehouse.duckdb")
    mine = make_accounts(home)
    book = open_book(Settings(home=home))
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    record_editions(con, book, read_authority(con), [MONTH], ["authority"])
    con.close()
    users = UserStore(book.engine)

    def who(role: str):  # type: ignore[no-untyped-def]
        return users.principal(users.get(mine.accounts[role].username).id)  # type: ignore[union-attr]

    run = book.current(MONTH)
    assert run is not None
    book.advance(run.id, "quality_checked", who("performance_analyst"), "Reconciled.")
    book.advance(run.id, "themes_added", who("divisional_director"),
                 "Visits to children on plans recovered in March.")
    book.add_commentary(MONTH, "cp_plans_open", "Plans fell as step-downs were agreed.",
                        who("head_of_service"))
    return mine


@pytest.fixture(scope="module")
def server(site: DemoSite) -> Iterator[LiveServer]:
    from tests.browser_support import sign_in_client

    with LiveServer(site.home, startup_seconds=240) as srv:
        warm = sign_in_client(srv.url, site.accounts["performance_analyst"], timeout=300)
        assert warm.get("/api/scorecard").status_code == 200
        warm.close()
        yield srv


def test_the_dcs_endorses_the_report(site: DemoSite, server: LiveServer,
                                     context: BrowserContext) -> None:
    page = context.new_page()
    j = Journey(page, "dcs")
    keyboard_sign_in(j, site.accounts["dcs"])
    page.goto("/reports")
    j.check("reports")
    j.follow(page.get_by_role("link", name="Authority edition"))
    expect(page.locator("main")).to_contain_text("Headline themes added")
    expect(page.locator("main")).to_contain_text("waiting for the endorsement")
    expect(page.locator("main")).to_contain_text("Visits to children on plans recovered")
    expect(page.locator("main")).to_contain_text("Plans fell as step-downs were agreed.")
    j.check("report-month")
    # Sending back without a reason is refused, with the reason shown.
    page.get_by_role("button", name="Send back to quality checked").click()
    page.wait_for_load_state("load")
    expect(page.locator(".govuk-error-summary")).to_contain_text("needs a reason")
    j.check("report-refused", skip_link=False)
    page.get_by_label("Comment", exact=True).fill("Endorsed for the improvement board.")
    page.get_by_role("button", name="Endorse the report").click()
    page.wait_for_load_state("load")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("now endorsed")
    expect(page.locator("main table")).to_contain_text("Endorsed for the improvement board.")
    j.check("report-endorsed", skip_link=False)


def test_late_flag_and_commentary_history(site: DemoSite, server: LiveServer,
                                          context: BrowserContext) -> None:
    page = context.new_page()
    j = Journey(page, "performance_analyst")
    keyboard_sign_in(j, site.accounts["performance_analyst"])
    expect(page.locator("main")).to_contain_text("Monthly reports")
    expect(page.locator("main")).to_contain_text("Late")  # due 2024-04-15, not published
    page.goto(f"/indicators/cp_plans_open?month={MONTH}")
    expect(page.locator("#commentary")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Plans fell as step-downs were agreed.")
    expect(page.locator("main")).to_contain_text("Responsible officer: Head of Service, "
                                                 "Safeguarding")
    j.check("indicator-commentary")


def test_the_board_reads_the_pack(site: DemoSite, server: LiveServer,
                                  context: BrowserContext) -> None:
    page = context.new_page()
    j = Journey(page, "board_member")
    keyboard_sign_in(j, site.accounts["board_member"])
    page.goto("/board-pack")
    j.check("board-pack")
    main = page.locator("main")
    for section in ("Headline figures", "Exception report", "Deep dives opened and closed",
                    "Case-file audits this quarter", "Endorsement of"):
        expect(main).to_contain_text(section)
    expect(main).to_contain_text("No data yet")
    assert not CHILD_ID.search(main.inner_text())
    assert not re.search(r"/children/", page.content())
    page.goto("/reports")
    expect(main).to_contain_text("No reports yet")  # nothing published: no drafts shown
    j.check("board-reports")
