"""Single sign-on end to end against a real OpenID Connect provider on loopback
(panva/oidc-provider run with node; `tests.oidc_support`): discovery, the authorisation
code flow with PKCE, a role and scope given by the role map, someone the map does not
cover refused, and the session and access log exactly as for a local sign-in. Authlib
talks to the provider over real HTTP; nothing is mocked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from lantern.security.oidc import OidcSettings
from tests.oidc_support import (
    CLIENT_ID,
    CLIENT_SECRET,
    OidcProvider,
    require_provider,
    role_map_file,
)
from tests.web_support import TEAM, WebHome, copy_app_db, csrf, make_app, sign_in, web_home

CALLBACK = "http://testserver/sign-in/oidc/callback"


@pytest.fixture(scope="module")
def provider() -> Iterator[OidcProvider]:
    require_provider()
    with OidcProvider([CALLBACK]) as p:
        yield p


@pytest.fixture(scope="module")
def wh() -> WebHome:
    return web_home()


@pytest.fixture(scope="module")
def app(wh: WebHome, provider: OidcProvider, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    roles = role_map_file(tmp_path_factory.mktemp("sso"), TEAM)
    oidc = OidcSettings(issuer=provider.issuer, client_id=CLIENT_ID,
                        client_secret=CLIENT_SECRET, scope="openid email profile groups",
                        role_map=str(roles))
    return make_app(wh, copy_app_db(wh), oidc=oidc)


def _sso(app, provider: OidcProvider, login: str, next_: str = "/"):  # type: ignore[no-untyped-def]
    """Sign in through the provider as ``login``: (the app's client, the callback's
    response, the authorisation request's query)."""
    client = TestClient(app, follow_redirects=False)
    start = client.get("/sign-in/oidc", params={"next": next_})
    assert start.status_code == 302, start.text[:300]
    authorize = start.headers["location"]
    with httpx.Client(follow_redirects=False, timeout=30) as person:
        back = provider.sign_in(person, authorize, login)
    assert back.startswith(CALLBACK), back
    parts = urlsplit(back)
    return client, client.get(f"{parts.path}?{parts.query}"), parse_qs(urlsplit(authorize).query)


def test_discovery_and_the_sign_in_page(app, provider: OidcProvider) -> None:  # type: ignore[no-untyped-def]
    meta = httpx.get(f"{provider.issuer}/.well-known/openid-configuration").json()
    assert meta["issuer"] == provider.issuer
    assert "S256" in meta["code_challenge_methods_supported"]
    page = TestClient(app).get("/sign-in").text
    assert "Sign in with your council account" in page  # the local form stays too
    assert 'name="password"' in page
    start = TestClient(app, follow_redirects=False).get("/sign-in/oidc")
    # The redirect goes to the endpoint the provider's discovery document names.
    assert start.headers["location"].startswith(meta["authorization_endpoint"])


def test_code_flow_with_pkce_maps_role_and_scope(app, provider: OidcProvider,
                                                 wh: WebHome) -> None:  # type: ignore[no-untyped-def]
    client, done, query = _sso(app, provider, "ann.manager", f"/children/{wh.child_in}")
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["nonce"][0]
    assert done.status_code == 303 and done.headers["location"] == f"/children/{wh.child_in}"
    me = client.get("/api/me").json()
    assert (me["username"], me["role"], me["scope_type"], me["scope_value"]) == (
        "ann.manager", "team_manager", "team", TEAM)
    assert me["display_name"] == "Ann Manager"
    # The session works as a local one does: scoped pages, one access-log entry per
    # view of a child, sign-out.
    log = app.state.stores.access_log
    before = log.count()
    assert client.get(f"/children/{wh.child_in}").status_code == 200
    assert client.get(f"/children/{wh.child_out}").status_code == 404
    entries = log.entries(wh.child_in, limit=1)
    assert log.count() == before + 1
    assert (entries[0].username, entries[0].role, entries[0].action) == (
        "ann.manager", "team_manager", "view_child")
    client.post("/sign-out", data={"csrf_token": csrf(client, "/api/docs")})
    assert client.get("/api/me").status_code == 401


def test_provider_refuses_a_request_without_pkce(provider: OidcProvider) -> None:
    """The provider requires PKCE, so the sign-in above could only succeed with it."""
    r = httpx.get(f"{provider.issuer}/auth", params={
        "client_id": CLIENT_ID, "response_type": "code", "scope": "openid",
        "redirect_uri": CALLBACK, "state": "s", "nonce": "n"})
    assert r.status_code in (302, 303)
    assert "error=invalid_request" in r.headers["location"]
    assert "PKCE" in parse_qs(urlsplit(r.headers["location"]).query)[
        "error_description"][0]


def test_someone_the_role_map_does_not_cover_is_refused(app, provider: OidcProvider) -> None:  # type: ignore[no-untyped-def]
    client, done, _ = _sso(app, provider, "ben.outsider")
    assert done.status_code == 403
    assert "has not been given access to Lantern" in done.text
    assert 'href="#sso"' in done.text and "govuk-error-message" not in done.text
    assert client.get("/api/me").status_code == 401
    assert app.state.stores.users.get("ben.outsider") is None


def test_a_disabled_account_is_refused_and_local_sign_in_still_works(
        app, provider: OidcProvider) -> None:  # type: ignore[no-untyped-def]
    _sso(app, provider, "ann.manager")
    app.state.stores.users.disable("ann.manager")
    try:
        client, done, _ = _sso(app, provider, "ann.manager")
        assert done.status_code == 403 and client.get("/api/me").status_code == 401
    finally:
        app.state.stores.users.enable("ann.manager")
    local = sign_in(TestClient(app, follow_redirects=False), "team_manager")
    assert local.get("/api/me").json()["username"] == "team_manager"


def test_a_broken_role_map_stops_the_app_naming_the_rule(wh: WebHome, tmp_path: Path) -> None:
    bad = tmp_path / "roles.yml"
    bad.write_text("rules:\n  - {claim: groups, value: x, role: wizard}\n", "utf-8")
    oidc = OidcSettings(issuer="http://127.0.0.1:9", client_id="c", client_secret="s",
                        role_map=str(bad))
    with pytest.raises(ValueError, match="rule 1"):
        make_app(wh, oidc=oidc)


def test_without_configuration_there_is_no_single_sign_on(wh: WebHome) -> None:
    plain = TestClient(make_app(wh, oidc=OidcSettings(issuer=None)), follow_redirects=False)
    assert "council account" not in plain.get("/sign-in").text
    assert plain.get("/sign-in/oidc").status_code == 404
    assert plain.get("/sign-in/oidc/callback?code=x&state=y").status_code == 404
