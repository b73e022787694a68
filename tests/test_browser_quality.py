"""Case audits in a real browser (Chromium via Playwright) with axe-core on every new
page: an auditor opens their work list and the audit (the child's record beside it),
submits too early and reads the error summary, then completes the audit with a finding,
family feedback and an action; a moderator finds it in the queue and changes the grade
with the reason; the programme calendar.

Uses the browser journeys' live server, accounts and checks (one h1, main landmark, skip
link, no serious or critical axe violations). Needs /usr/bin/chromium.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser_support import AXE_JS, DemoSite, LiveServer
from tests.test_browser_journeys import (  # the shared live-browser set-up
    AXE_PATH,
    Journey,
    browser,
    context,
    keyboard_sign_in,
    site,
)

pytestmark = pytest.mark.slow
__all__ = ["browser", "context", "site"]

from playwright.sync_api import BrowserContext, expect  # noqa: E402


def _allocate(site: DemoSite) -> tuple[str, str]:
    """One child protection audit of a child in the team manager's team, allocated to
    the demo auditor (who is not in that team); the audit's reference and the child."""
    import duckdb
    from sqlalchemy.orm import Session

    from lantern.appdb import make_engine
    from lantern.casework import children_of, data_date
    from lantern.config import Settings
    from lantern.quality import audits as qa
    from lantern.quality.sampling import Draw
    from lantern.quality.tools import load_tools

    team = site.accounts["team_manager"].scope.partition(":")[2]
    con = duckdb.connect(str(site.home / "warehouse.duckdb"), read_only=True)
    try:
        child = children_of(con, data_date(con), team_id=team)[0].child_id
    finally:
        con.close()
    engine = make_engine(Settings(home=site.home).app_database_url)
    with Session(engine) as s, s.begin():
        ref = qa.allocate(s, load_tools()["child_protection"], "2024-03", [Draw(
            child, team, site.teams.get(team, ""), "on a child protection plan on "
            "31 March 2024", site.accounts["auditor"].username)])[0].ref
    return ref, child


@pytest.fixture(scope="module")
def allocated(site: DemoSite) -> tuple[str, str]:
    return _allocate(site)


@pytest.fixture(scope="module")
def server(site: DemoSite, allocated: tuple[str, str]) -> Iterator[LiveServer]:
    with LiveServer(site.home) as srv:
        yield srv


DOMAINS = ("The voice of the child", "Assessment and analysis of risk",
           "Planning: the child protection plan", "Management oversight and supervision",
           "Impact: is the child safer?")


def test_an_auditor_completes_an_audit_and_a_moderator_changes_the_grade(
        site: DemoSite, server: LiveServer, allocated: tuple[str, str],
        context: BrowserContext) -> None:
    ref, child = allocated
    page = context.new_page()
    j = Journey(page, "auditor")
    keyboard_sign_in(j, site.accounts["auditor"])
    page.goto("/audits")
    j.check("audits")
    j.follow(page.get_by_role("link", name=ref))
    j.check("audit")
    expect(page.locator(f"a[href='/children/{child}']")).to_have_count(1)
    with page.expect_navigation():
        page.get_by_role("button", name="Submit audit").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Grade the voice of the child")
    # The refusal answers 422 on purpose (the form is not accepted); the browser logs it.
    assert all("status of 422" in e for e in j.errors)
    j.errors.clear()
    j.check("audit-errors", skip_link=False)  # the error summary takes the focus
    for title in DOMAINS:
        page.get_by_role("group", name=f"Grade: {title}").get_by_label(
            "Good", exact=True).check()
    page.get_by_label("What you found: planning: the child protection plan").fill(
        "The plan says what must change but not by when.")
    page.get_by_role("group", name="Overall grade").get_by_label("Good", exact=True).check()
    page.get_by_label("A finding").fill("Plans lack timescales")
    page.get_by_label("Learning theme").fill("planning")
    page.get_by_role("group", name="Did you contact the child or family?").get_by_label(
        "Yes").check()
    page.get_by_label("Their words").fill("The social worker listens to us now.")
    page.get_by_role("group", name="Their rating of the help they get").get_by_label(
        "4", exact=True).check()
    page.get_by_label("What must happen").fill("Add timescales to every CP plan")
    page.get_by_label("Owner").select_option(site.accounts["team_manager"].username)
    page.get_by_label("Due date (YYYY-MM-DD)").fill("2024-05-31")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit audit").click()
    expect(page.locator(".govuk-inset-text")).to_contain_text("Audit submitted")
    expect(page.locator("main")).to_contain_text("Add timescales to every CP plan")
    j.check("audit-submitted")

    assert context.browser is not None
    other = context.browser.new_context(base_url=server.url, locale="en-GB")
    other.route(f"**{AXE_PATH}", lambda route: route.fulfill(
        path=str(AXE_JS), content_type="text/javascript; charset=utf-8"))
    mpage = other.new_page()
    m = Journey(mpage, "performance_analyst")
    keyboard_sign_in(m, site.accounts["performance_analyst"])
    mpage.goto("/audits/moderation")
    m.check("audits-moderation")
    m.follow(mpage.get_by_role("link", name=ref))
    mpage.get_by_label("Your grade").select_option("requires_improvement")
    mpage.get_by_label("Reason, if you change the grade").fill(
        "No evidence the child is safer yet")
    with mpage.expect_navigation():
        mpage.get_by_role("button", name="Record moderation").click()
    expect(mpage.locator("main")).to_contain_text(
        "Requires improvement (the auditor said Good). Reason: No evidence the child is "
        "safer yet")
    m.check("audit-moderated")
    mpage.goto("/audits/programme")
    m.check("audits-programme")
    other.close()
