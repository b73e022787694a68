"""Single sign-on in a real browser (Debian's Chromium via Playwright) against a real
OpenID Connect provider on loopback (`tests.oidc_support`) and a live Lantern server:
the sign-in page offers the council account beside the local form (axe-clean), the
person signs in at the provider, lands on the page they asked for with the role and
scope the role map gives, and viewing a child writes the access log as for a local
sign-in. Someone the role map does not cover is told so and gets no session.
Screenshots go to test-artifacts/browser/sso-*.png.
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
)
from tests.oidc_support import CLIENT_ID, CLIENT_SECRET, OidcProvider, require_provider

pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():  # pragma: no cover - depends on the machine
    pytest.skip(f"{CHROMIUM} is missing: run `bash scripts/system-deps.sh`",
                allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright

pytestmark = pytest.mark.slow
SHOTS = ARTIFACTS / "browser"
AXE_PATH = "/__axe__/axe.min.js"


@pytest.fixture(scope="module")
def site() -> DemoSite:
    require_provider()
    return demo_site()


@pytest.fixture(scope="module")
def team(site: DemoSite) -> str:
    return sorted(site.teams)[0]


@pytest.fixture(scope="module")
def live(site: DemoSite, team: str) -> Iterator[tuple[LiveServer, OidcProvider]]:
    """Lantern (configured for the provider) and the provider (knowing Lantern's
    callback): Lantern first, as it reads the provider's discovery document only at the
    first sign-in."""
    from tests.oidc_support import role_map_file

    provider = OidcProvider([])
    with pytest.MonkeyPatch.context() as env:
        env.setenv("LANTERN_OIDC_ISSUER", provider.issuer)
        env.setenv("LANTERN_OIDC_CLIENT_ID", CLIENT_ID)
        env.setenv("LANTERN_OIDC_CLIENT_SECRET", CLIENT_SECRET)
        env.setenv("LANTERN_OIDC_SCOPE", "openid email profile groups")
        env.setenv("LANTERN_OIDC_ROLE_MAP", str(role_map_file(site.home, team)))
        server = LiveServer(site.home).start()
    try:
        provider.redirect_uris = [f"{server.url}/sign-in/oidc/callback"]
        with provider:
            yield server, provider
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser, live: tuple[LiveServer, OidcProvider]) -> Iterator[Page]:
    ctx = browser.new_context(base_url=live[0].url, locale="en-GB")
    ctx.set_default_timeout(30_000)
    ctx.set_default_navigation_timeout(120_000)  # the first page computes the figures
    ctx.route(f"**{AXE_PATH}", lambda route: route.fulfill(
        path=str(AXE_JS), content_type="text/javascript; charset=utf-8"))
    yield ctx.new_page()
    ctx.close()


def _axe_blocking(page: Page) -> list[str]:
    page.add_script_tag(url=AXE_PATH)
    found = page.evaluate("async () => (await axe.run(document, {runOnly: {type: 'tag', "
                          "values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', "
                          "'wcag22aa']}})).violations.map(v => [v.id, v.impact])")
    return [f"{rule} ({impact})" for rule, impact in found if impact in ("serious", "critical")]


def _at_provider(page: Page, login: str) -> None:
    """The person signs in on the provider's own page."""
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("their council password")
    page.locator("button[type=submit]").click()


def test_sign_in_with_the_council_account(page: Page, site: DemoSite, team: str,
                                          live: tuple[LiveServer, OidcProvider]) -> None:
    from lantern.appdb import make_engine
    from lantern.config import Settings
    from lantern.security.access_log import AccessLog

    server, provider = live
    page.goto(f"/teams/{team}")  # asked for before signing in: comes back here after
    expect(page.locator("h1")).to_have_text("Sign in to Lantern")
    expect(page.locator("input[name=password]")).to_be_visible()  # local accounts remain
    assert _axe_blocking(page) == []
    page.screenshot(path=str(SHOTS / "sso-sign-in.png"), full_page=True)
    page.get_by_role("button", name="Sign in with your council account").click()
    page.wait_for_url(f"{provider.issuer}/**")
    _at_provider(page, "ann.manager")
    page.wait_for_url(f"{server.url}/teams/{team}")
    page.screenshot(path=str(SHOTS / "sso-team.png"), full_page=True)
    assert page.locator("h1").count() == 1
    me = page.request.get("/api/me").json()
    assert (me["username"], me["role"], me["scope_value"]) == (
        "ann.manager", "team_manager", team)
    child = page.locator("a[href^='/children/']").first.get_attribute("href")
    assert child is not None
    log = AccessLog(make_engine(Settings(home=site.home).app_database_url))
    before = log.count()
    page.goto(child)
    entry = log.entries(child.rsplit("/", 1)[1], limit=1)[0]
    assert log.count() == before + 1
    assert (entry.username, entry.role, entry.action) == (
        "ann.manager", "team_manager", "view_child")


def test_someone_not_given_access_is_told_so(page: Page,
                                             live: tuple[LiveServer, OidcProvider]) -> None:
    server, provider = live
    page.goto("/sign-in")
    page.get_by_role("button", name="Sign in with your council account").click()
    page.wait_for_url(f"{provider.issuer}/**")
    _at_provider(page, "ben.outsider")
    page.wait_for_url(f"{server.url}/sign-in/oidc/callback**")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "has not been given access to Lantern")
    assert _axe_blocking(page) == []
    page.screenshot(path=str(SHOTS / "sso-refused.png"), full_page=True)
    assert page.request.get("/api/me").status == 401
