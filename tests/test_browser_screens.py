"""The screens of issue #13 in a real browser (Chromium via Playwright, axe-core): the
work list (filters, pages, data to check, downloads) and a refused month's error
summary. Each page: one h1, a skip link, no serious or critical
axe violation, a screenshot in test-artifacts/browser/screens-<page>.png.

Shares the small live authority and helpers of `test_browser_journeys`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser_support import CHROMIUM, Account, DemoSite, LiveServer

pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():  # pragma: no cover - depends on the machine
    pytest.skip(f"{CHROMIUM} is missing: run `bash scripts/system-deps.sh`",
                allow_module_level=True)

from playwright.sync_api import BrowserContext, expect

from tests.test_browser_journeys import (  # the same browser, axe and screenshots
    Journey,
    browser,
    context,
    keyboard_sign_in,
    server,
    site,
)

__all__ = ["browser", "context", "server", "site"]
pytestmark = pytest.mark.slow


def _journey(context: BrowserContext, account: Account) -> Journey:
    j = Journey(context.new_page(), f"screens-{account.role}")
    keyboard_sign_in(j, account)
    return j


def test_work_list_in_the_browser(site: DemoSite, server: LiveServer,
                                  context: BrowserContext) -> None:
    j = _journey(context, site.accounts["performance_analyst"])
    page = j.page
    page.goto("/work")
    j.check("work")
    caption = page.locator("caption").first.inner_text()
    found = re.search(r"items 1 to (\d+) of (\d+)", caption)
    assert found and int(found[1]) <= 50, caption
    rows = page.locator("tbody tr")
    assert rows.count() == int(found[1])
    header = [h.strip() for h in page.locator("thead th").all_inner_texts()]
    assert {"Who must act", "Team", "Child"} <= set(header)
    assert not re.search(r"\bT0\d\d\b", page.locator("tbody").inner_text())
    expect(page.get_by_role("link", name="Excel")).to_be_visible()
    if int(found[2]) > 50:  # the next page, with the keyboard
        j.follow(page.locator(".govuk-pagination__next a"))
        assert "page=2" in page.url
        expect(page.locator("caption").first).to_contain_text("items 51 to")
        j.check("work-page-2")
    # Filter to one team: the list (swapped in by HTMX) names only that team.
    page.goto("/work")
    team = page.locator("#team option").nth(1)
    team_name, team_id = team.inner_text(), team.get_attribute("value")
    with page.expect_response(lambda r: "/work?" in r.url and r.status == 200):
        page.select_option("#team", team_id)
    expect(page.locator("#work-results caption")).to_contain_text("items")
    texts = page.locator("#work-results tbody tr td:nth-child(7)").all_inner_texts()
    assert texts and all(t.strip() == team_name for t in texts if t.strip())
    page.goto("/work?group=check")
    j.check("work-data-to-check")
    expect(page.locator("main")).to_contain_text("Data to check")


def test_a_refused_month(site: DemoSite, server: LiveServer,
                         context: BrowserContext) -> None:
    j = _journey(context, site.accounts["head_of_service"])
    page = j.page
    page.goto("/scorecard?month=2031-01")
    # The error summary takes the focus as the page opens (GOV.UK Frontend), so a
    # screen-reader user hears the problem first; the skip link follows the summary.
    page.wait_for_load_state("load")
    assert page.evaluate("() => document.activeElement.classList"
                         ".contains('govuk-error-summary')")
    # The browser logs the 422 itself as a console error: expected here, nothing else.
    j.errors = [e for e in j.errors if "status of 422" not in e]
    j.check("bad-month", skip_link=False)
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "There are no complete figures for January 2031")
