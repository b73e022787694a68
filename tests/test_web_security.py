"""Sessions, CSRF, throttling, security headers, idle timeout and the access log."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from lantern.web.session import CSP
from tests.web_support import PASSWORD, WebHome, client_for, csrf, make_app, sign_in, web_home


@pytest.fixture(scope="module")
def wh() -> WebHome:
    return web_home()


@pytest.fixture(scope="module")
def app(wh: WebHome) -> FastAPI:
    return make_app(wh)


def test_security_headers_on_every_response(app: FastAPI) -> None:
    c = client_for(app)
    for path in ("/sign-in", "/static/lantern.css", "/api/me", "/no-such-page"):
        r = c.get(path)
        assert r.headers["content-security-policy"] == CSP, path
        assert "script-src 'self'" in CSP and "frame-ancestors 'none'" in CSP
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert "camera=()" in r.headers["permissions-policy"]
        assert "strict-transport-security" not in r.headers  # plain HTTP here


def test_hsts_and_secure_cookie_over_https(wh: WebHome) -> None:
    c = client_for(make_app(wh, https=True))
    r = c.get("/sign-in")
    assert r.headers["strict-transport-security"].startswith("max-age=")
    cookie = r.headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie


def test_session_cookie_flags(app: FastAPI) -> None:
    cookie = client_for(app).get("/sign-in").headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie


def test_no_inline_scripts_or_styles_and_no_outside_urls(app: FastAPI, wh: WebHome) -> None:
    import re

    c = client_for(app, "head_of_service")
    for path in ("/", "/scorecard", "/indicators/cp_plans_open", f"/children/{wh.child_in}",
                 "/teams/T004", "/exceptions", "/api/docs", "/inbox", "/work"):
        page = c.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), path
        assert " style=" not in page and "<style" not in page, path
        assert not re.search(r'(src|href)="(https?:)?//', page), path
        assert "GOV.UK" not in page and "govuk-crest" not in page


def test_sign_in_and_out(app: FastAPI) -> None:
    c = client_for(app)
    assert c.get("/").status_code == 303
    sign_in(c, "dcs")
    assert c.get("/api/me").json()["role"] == "dcs"
    token = csrf(c, "/api/docs")
    assert c.post("/sign-out", data={"csrf_token": token}).status_code == 303
    assert c.get("/api/me").status_code == 401


def test_wrong_password_is_refused(app: FastAPI) -> None:
    c = client_for(app)
    r = c.post("/sign-in", data={"username": "dcs", "password": "wrong",
                                 "csrf_token": csrf(c)})
    assert r.status_code == 401
    assert "Enter a correct user name and password" in r.text
    assert c.get("/api/me").status_code == 401


def test_sign_in_only_redirects_to_local_paths(app: FastAPI) -> None:
    c = client_for(app)
    r = c.post("/sign-in", data={"username": "dcs", "password": PASSWORD,
                                 "csrf_token": csrf(c), "next": "//evil.example/"})
    assert r.status_code == 303 and r.headers["location"] == "/"


@pytest.mark.parametrize("token", [None, "forged"])
def test_csrf_is_required_for_sign_in_and_every_post(app: FastAPI, token: str | None) -> None:
    c = client_for(app)
    c.get("/sign-in")
    data = {"username": "dcs", "password": PASSWORD}
    if token:
        data["csrf_token"] = token
    assert c.post("/sign-in", data=data).status_code == 403
    signed = client_for(app, "admin")
    bad = {"csrf_token": token} if token else {}
    assert signed.post("/sign-out", data=bad).status_code == 403
    assert signed.post("/admin/users/dcs/disable", data=bad).status_code == 403
    assert signed.get("/api/me").status_code == 200  # still signed in
    # the header form (HTMX) works too
    good = csrf(signed, "/admin/users")
    assert signed.post("/sign-out", headers={"X-CSRF-Token": good}).status_code == 303


def test_session_is_rotated_at_sign_in(app: FastAPI) -> None:
    c = client_for(app)
    before = csrf(c)
    sign_in(c, "dcs")
    assert csrf(c, "/api/docs") != before


def test_idle_timeout_signs_out(wh: WebHome, monkeypatch: pytest.MonkeyPatch) -> None:
    import time as real_time

    from lantern.web import session as session_module

    app = make_app(wh, idle_minutes=1)
    c = client_for(app, "dcs")
    assert c.get("/api/me").status_code == 200
    now = real_time.time()
    monkeypatch.setattr(session_module.time, "time", lambda: now + 30)
    assert c.get("/api/me").status_code == 200  # within the idle time, and refreshed
    monkeypatch.setattr(session_module.time, "time", lambda: now + 30 + 61)
    r = c.get("/scorecard")
    assert r.status_code == 303 and "expired=1" in r.headers["location"]
    assert c.get("/api/me").status_code == 401


def test_login_throttling(wh: WebHome) -> None:
    app = make_app(wh, login_attempts=3)
    c = client_for(app)
    for _ in range(3):
        r = c.post("/sign-in", data={"username": "auditor", "password": "nope",
                                     "csrf_token": csrf(c)})
        assert r.status_code == 401
    r = c.post("/sign-in", data={"username": "auditor", "password": PASSWORD,
                                 "csrf_token": csrf(c)})
    assert r.status_code == 429  # even the right password, until the window passes
    assert c.get("/api/me").status_code == 401


def test_tampered_cookie_is_a_new_anonymous_session(app: FastAPI) -> None:
    c = client_for(app, "dcs")
    value = c.cookies.get("lantern_session")
    assert value
    c.cookies.set("lantern_session", value[:-3] + "abc")
    assert c.get("/api/me").status_code == 401


def test_disabled_user_is_signed_out_at_next_request(wh: WebHome) -> None:
    app = make_app(wh)
    admin = client_for(app, "admin")
    from lantern.appdb import make_engine
    from lantern.security.accounts import UserStore

    store = UserStore(make_engine(f"sqlite:///{wh.home / 'app.sqlite'}"))
    store.add("temp_iro", PASSWORD, display_name="Temp", role="iro", scope_type="authority")
    c = client_for(app, "temp_iro")
    assert c.get("/api/me").status_code == 200
    token = csrf(admin, "/admin/users")
    assert admin.post("/admin/users/temp_iro/disable",
                      data={"csrf_token": token}).status_code == 303
    assert c.get("/api/me").status_code == 401


def test_every_view_or_export_of_a_child_is_logged(app: FastAPI, wh: WebHome) -> None:
    from lantern.appdb import make_engine
    from lantern.security.access_log import AccessLog

    log = AccessLog(make_engine(f"sqlite:///{wh.home / 'app.sqlite'}"))
    before = len(log.entries(child_id=wh.child_in, limit=10_000))
    c = client_for(app, "iro")
    assert c.get(f"/children/{wh.child_in}").status_code == 200
    assert c.get(f"/children/{wh.child_in}/chronology.csv").status_code == 200
    assert c.get(f"/api/children/{wh.child_in}").status_code == 200
    assert c.get(f"/api/children/{wh.child_in}/chronology").status_code == 200
    entries = log.entries(child_id=wh.child_in, limit=10_000)
    assert len(entries) - before == 4
    assert {e.username for e in entries[:4]} == {"iro"}
    actions = sorted(e.action for e in entries[:4])
    assert actions == ["export_chronology", "export_chronology", "view_child", "view_child"]
    csv_before = log.count()
    got = c.get("/indicators/cp_plans_open/children.csv")
    ids = {line.split(",")[0] for line in got.text.splitlines()[1:]}
    # ONE entry for the export, naming every child in it (found by each child's id).
    assert log.count() - csv_before == 1 and len(ids) > 1
    (entry,) = log.entries(limit=1)
    assert entry.action == "export_indicator_children" and entry.child_id is None
    assert all(log.entries(child_id=c, limit=1)[0].id == entry.id for c in ids)
    assert log.verify().ok
