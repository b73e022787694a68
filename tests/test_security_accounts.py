"""Local accounts: argon2id hashes, password policy, lockout, disable, roles and scopes,
demo users, OpenID Connect mapping, the alert inbox and the `lantern users` commands —
each on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from rich.console import Console
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from lantern.appdb import utcnow
from lantern.commands import admin
from lantern.commands.admin import users_app
from lantern.security import ROLES, Principal
from lantern.security.accounts import (
    AccountError,
    UserStore,
    ensure_demo_users,
    parse_scope,
)
from lantern.security.alert_inbox import (
    AlertKey,
    InboxError,
    acknowledge,
    actions_for,
    snooze,
    states,
)
from lantern.security.oidc import (
    OidcSettings,
    build_oauth,
    client_kwargs,
    load_role_map,
    principal_from_userinfo,
    username_from_userinfo,
)
from tests.appdb_fixtures import app_engine, app_url, fast_hasher

__all__ = ["app_engine", "app_url"]

PASSWORD = "correct horse battery"


@pytest.fixture
def store(app_engine: Engine) -> UserStore:
    return UserStore(app_engine, hasher=fast_hasher())


def add_worker(store: UserStore, name: str = "jo.bloggs") -> Principal:
    return store.add(name, PASSWORD, display_name="Jo Bloggs", role="social_worker",
                     scope_type="team", scope_value="T1", professional_id="P1",
                     email="jo@example.gov.uk")


def test_add_and_authenticate(store: UserStore) -> None:
    p = add_worker(store, "Jo.Bloggs")
    assert p.username == "jo.bloggs"  # names are case-insensitive, stored lower case
    assert (p.role, p.scope_type, p.scope_value, p.professional_id) == (
        "social_worker", "team", "T1", "P1")
    signed = store.authenticate("JO.BLOGGS", PASSWORD)
    assert signed == p
    assert store.authenticate("jo.bloggs", PASSWORD + "x") is None
    assert store.authenticate("nobody", PASSWORD) is None
    assert store.principal(p.user_id) == p
    assert store.principal(9999) is None
    row = store.get("jo.bloggs")
    assert row is not None and row.last_login_at is not None and row.has_password


def test_only_argon2id_hashes_are_stored(store: UserStore, app_engine: Engine,
                                         app_url: str) -> None:
    add_worker(store)
    with app_engine.connect() as con:
        rows = [tuple(r) for r in con.execute(text("SELECT * FROM users"))]
    dump = repr(rows)
    assert PASSWORD not in dump
    (hash_,) = [v for v in rows[0] if isinstance(v, str) and v.startswith("$argon2")]
    assert hash_.startswith("$argon2id$")
    assert "$argon2" not in repr(store.list()[0])  # listings never carry the hash
    if app_url.startswith("sqlite"):
        path = app_url.removeprefix("sqlite:///")
        app_engine.dispose()  # flush the WAL into the file
        with open(path, "rb") as f:
            raw = f.read()
        assert PASSWORD.encode() not in raw


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "too short"),
        ("jo.bloggs", "too short"),
        ("aaaaaaaaaaaaaaaa", "too simple"),
        ("JO.BLOGGS.LONGNAME", "must not be the username"),
    ],
)
def test_password_policy(store: UserStore, password: str, message: str) -> None:
    name = "jo.bloggs.longname" if "LONGNAME" in password else "jo.bloggs"
    with pytest.raises(AccountError, match=message):
        store.add(name, password, display_name="Jo", role="admin", scope_type="authority")
    assert store.list() == []


def test_refuses_bad_roles_scopes_and_duplicates(store: UserStore) -> None:
    add_worker(store)
    with pytest.raises(AccountError, match="already exists"):
        add_worker(store, "JO.BLOGGS")
    with pytest.raises(AccountError, match="unknown role"):
        store.add("x1", PASSWORD, display_name="X", role="wizard", scope_type="authority")
    with pytest.raises(AccountError, match="needs a team id"):
        store.add("x1", PASSWORD, display_name="X", role="team_manager", scope_type="team")
    with pytest.raises(AccountError, match="takes no team"):
        store.add("x1", PASSWORD, display_name="X", role="dcs", scope_type="authority",
                  scope_value="T1")
    with pytest.raises(AccountError, match="not valid"):
        store.add("bad name!", PASSWORD, display_name="X", role="dcs",
                  scope_type="authority")
    with pytest.raises(AccountError, match="no user"):
        store.disable("ghost")
    assert parse_scope("team:T1") == ("team", "T1")
    assert parse_scope("authority") == ("authority", None)
    with pytest.raises(AccountError):
        parse_scope("galaxy:1")


def test_lockout_after_five_failures(store: UserStore) -> None:
    add_worker(store)
    t0 = utcnow()
    for i in range(4):
        assert store.authenticate("jo.bloggs", f"wrong password {i}", now=t0) is None
    assert store.get("jo.bloggs").failed_logins == 4  # type: ignore[union-attr]
    # A success resets the count...
    assert store.authenticate("jo.bloggs", PASSWORD, now=t0) is not None
    assert store.get("jo.bloggs").failed_logins == 0  # type: ignore[union-attr]
    # ... five failures in a row lock the account, even against the right password.
    for i in range(5):
        assert store.authenticate("jo.bloggs", f"wrong password {i}", now=t0) is None
    row = store.get("jo.bloggs")
    assert row is not None and row.locked(t0)
    assert store.authenticate("jo.bloggs", PASSWORD, now=t0 + timedelta(minutes=14)) is None
    assert store.authenticate("jo.bloggs", PASSWORD, now=t0 + timedelta(minutes=16)) is not None
    # An administrator can unlock early.
    for i in range(5):
        store.authenticate("jo.bloggs", f"wrong password {i}", now=t0)
    assert store.authenticate("jo.bloggs", PASSWORD, now=t0) is None
    store.unlock("jo.bloggs")
    assert store.authenticate("jo.bloggs", PASSWORD, now=t0) is not None


def test_disabled_users_cannot_sign_in(store: UserStore) -> None:
    p = add_worker(store)
    store.disable("jo.bloggs")
    assert store.authenticate("jo.bloggs", PASSWORD) is None
    assert store.principal(p.user_id) is None  # existing sessions end
    assert store.sign_in_external("jo.bloggs") is None
    store.enable("jo.bloggs")
    assert store.authenticate("jo.bloggs", PASSWORD) == p


def test_set_role_and_password(store: UserStore) -> None:
    p = add_worker(store)
    store.set_role("jo.bloggs", "head_of_service", "service", "safeguarding")
    q = store.principal(p.user_id)
    assert q is not None
    assert (q.role, q.scope_type, q.scope_value) == ("head_of_service", "service",
                                                     "safeguarding")
    store.set_role("jo.bloggs", "board_member", "authority", None)
    q = store.principal(p.user_id)
    assert q is not None and q.aggregate_only
    with pytest.raises(AccountError):
        store.set_role("jo.bloggs", "team_manager", "team", None)
    store.set_password("jo.bloggs", "another long secret")
    assert store.authenticate("jo.bloggs", PASSWORD) is None
    assert store.authenticate("jo.bloggs", "another long secret") is not None


def test_rehash_when_parameters_change(app_engine: Engine) -> None:
    weak = UserStore(app_engine, hasher=fast_hasher())
    add_worker(weak)
    before = weak.list()
    strong = UserStore(app_engine, hasher=PasswordHasher(time_cost=2, memory_cost=2048,
                                                         parallelism=1))
    assert strong.authenticate("jo.bloggs", PASSWORD) is not None
    with app_engine.connect() as con:
        hash_ = con.execute(text("SELECT password_hash FROM users")).scalar_one()
    assert "m=2048,t=2,p=1" in hash_
    assert before[0].has_password
    assert weak.authenticate("jo.bloggs", PASSWORD) is not None  # still verifies


def test_sso_only_account_has_no_password(store: UserStore) -> None:
    store.add("sso.user", None, display_name="SSO", role="dcs", scope_type="authority")
    assert store.authenticate("sso.user", "") is None
    assert store.authenticate("sso.user", PASSWORD) is None
    p = store.sign_in_external("SSO.User")
    assert p is not None and p.role == "dcs"
    assert store.get("sso.user").last_login_at is not None  # type: ignore[union-attr]


def test_demo_users_one_per_role(app_engine: Engine) -> None:
    teams = {"T2": "cared_for", "T1": "safeguarding"}
    made = ensure_demo_users(app_engine, teams, worker="P7", hasher=fast_hasher())
    assert [r for _, _, r, _ in made] == list(ROLES)
    scopes = {role: scope for _, _, role, scope in made}
    assert scopes["social_worker"] == scopes["team_manager"] == "team:T1"
    assert scopes["head_of_service"] == "service:safeguarding"
    assert scopes["dcs"] == scopes["board_member"] == "authority"
    store = UserStore(app_engine, hasher=fast_hasher())
    for username, password, role, _ in made:
        p = store.authenticate(username, password)
        assert p is not None and p.role == role
    assert store.get("demo_social_worker").professional_id == "P7"  # type: ignore[union-attr]
    again = ensure_demo_users(app_engine, teams, hasher=fast_hasher())
    assert len(store.list()) == len(ROLES)
    assert {u: pw for u, pw, _, _ in again} != {u: pw for u, pw, _, _ in made}
    assert store.authenticate(again[0][0], again[0][1]) is not None
    with pytest.raises(AccountError, match="no teams"):
        ensure_demo_users(app_engine, {})


# --- OpenID Connect: no network -------------------------------------------------------

OIDC = OidcSettings(issuer="https://login.example.com/tenant/v2.0", client_id="lantern",
                    client_secret="s3cret", username_claim="email", strip_domain=True,
                    allowed_domains="council.gov.uk")


def test_oidc_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LANTERN_OIDC_ISSUER", raising=False)
    assert not OidcSettings().enabled
    monkeypatch.setenv("LANTERN_OIDC_ISSUER", "https://idp.example.com/")
    monkeypatch.setenv("LANTERN_OIDC_CLIENT_ID", "abc")
    monkeypatch.setenv("LANTERN_OIDC_CLIENT_SECRET", "xyz")
    monkeypatch.setenv("LANTERN_OIDC_USERNAME_CLAIM", "upn")
    s = OidcSettings()
    assert s.enabled and s.username_claim == "upn"
    assert s.metadata_url == "https://idp.example.com/.well-known/openid-configuration"
    with pytest.raises(ValueError, match="not configured"):
        client_kwargs(OidcSettings(issuer=None))


def test_oidc_client_is_built_without_network() -> None:
    kw = client_kwargs(OIDC)
    assert kw["server_metadata_url"].endswith("/tenant/v2.0/.well-known/openid-configuration")
    assert kw["client_kwargs"]["scope"] == "openid email profile"
    oauth = build_oauth(OIDC)
    client = oauth.create_client("oidc")
    assert client is not None and client.client_id == "lantern"


def test_oidc_userinfo_maps_to_local_account(store: UserStore) -> None:
    add_worker(store, "jo.bloggs")
    info = {"iss": OIDC.issuer, "email": "Jo.Bloggs@council.gov.uk", "email_verified": True}
    assert username_from_userinfo(OIDC, info) == "jo.bloggs"
    p = principal_from_userinfo(store, OIDC, info)
    assert p is not None and p.username == "jo.bloggs" and p.scope_value == "T1"
    refused = [
        {**info, "email": "jo.bloggs@elsewhere.com"},  # domain not allowed
        {**info, "email_verified": False},
        {**info, "iss": "https://evil.example.com"},
        {"iss": OIDC.issuer},  # no claim
        {**info, "email": "stranger@council.gov.uk"},  # no local account: never created
    ]
    for r in refused:
        assert principal_from_userinfo(store, OIDC, r) is None, r
    store.disable("jo.bloggs")
    assert principal_from_userinfo(store, OIDC, info) is None


# --- Alert inbox -------------------------------------------------------------------------

ITEM = AlertKey("cp_visit", "C1", "C1:visit", date(2024, 3, 1))


def test_alert_inbox_acknowledge_and_snooze(store: UserStore, app_engine: Engine) -> None:
    worker = add_worker(store)
    manager = store.add("tm.one", PASSWORD, display_name="Team Manager", role="team_manager",
                        scope_type="team", scope_value="T1")
    other = AlertKey("cla_review", "C2", "C2:review", date(2024, 3, 5))
    today = date(2024, 3, 4)
    t = utcnow().replace(year=2024, month=3, day=4)
    assert states(app_engine, [ITEM, other], today)[ITEM].state == "open"
    with pytest.raises(InboxError, match="needs a reason"):
        snooze(app_engine, worker, ITEM, reason="  ", until=date(2024, 3, 10), now=t)
    with pytest.raises(InboxError, match="after today"):
        snooze(app_engine, worker, ITEM, reason="family away", until=today, now=t)
    snooze(app_engine, worker, ITEM, reason="family away", until=date(2024, 3, 10), now=t)
    acknowledge(app_engine, manager, other, reason="booked", now=t)
    st = states(app_engine, [ITEM, other], today)
    assert st[ITEM].state == "snoozed" and st[ITEM].last is not None
    assert st[ITEM].last.reason == "family away" and st[ITEM].last.username == "jo.bloggs"
    assert st[other].state == "acknowledged"
    assert states(app_engine, [ITEM], date(2024, 3, 10))[ITEM].state == "open"
    # A new due date is a new item.
    nxt = AlertKey("cp_visit", "C1", "C1:visit", date(2024, 3, 15))
    assert states(app_engine, [nxt], today)[nxt].state == "open"
    # Managers see who did what, by child or item.
    seen = actions_for(app_engine, child_ids=["C1", "C2"])
    assert [(a.username, a.action) for a in seen] == [("tm.one", "acknowledge"),
                                                      ("jo.bloggs", "snooze")]
    assert [a.child_id for a in actions_for(app_engine, child_id="C1")] == ["C1"]
    assert [a.rule_id for a in actions_for(app_engine, items=[other])] == ["cla_review"]
    assert actions_for(app_engine, items=[]) == []
    board = store.add("board.one", PASSWORD, display_name="Board", role="board_member",
                      scope_type="authority")
    with pytest.raises(InboxError, match="aggregates only"):
        acknowledge(app_engine, board, ITEM)


# --- `lantern users` -------------------------------------------------------------------


def test_users_cli(app_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANTERN_DATABASE_URL", app_url)
    monkeypatch.setattr(admin, "console", Console(width=200))  # Rich tables unwrapped
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
        r = runner.invoke(users_app, list(args), input=stdin)
        return r.exit_code, r.output

    code, out = run("add", "ana.admin", "--role", "admin", "--display-name", "Ana Admin",
                    "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0, out
    code, out = run("add", "sam.sw", "--role", "social_worker", "--scope", "team:T1",
                    "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0, out
    code, out = run("add", "sam.sw", "--role", "social_worker", "--scope", "team:T1",
                    "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 1 and "already exists" in out
    code, out = run("add", "pat", "--role", "dcs", "--password-stdin", stdin="short\n")
    assert code == 1 and "too short" in out
    code, out = run("add", "pat", "--role", "wizard", "--password-stdin", stdin=PASSWORD)
    assert code == 2 and "unknown role" in out
    code, out = run("add", "pat", "--role", "dcs", "--scope", "team", "--password-stdin",
                    stdin=PASSWORD)
    assert code == 2 and "needs a team id" in out
    code, out = run("list")
    assert code == 0 and "ana.admin" in out and "team:T1" in out and PASSWORD not in out
    code, out = run("set-role", "sam.sw", "head_of_service", "--scope", "service:S1")
    assert code == 0, out
    code, out = run("disable", "sam.sw")
    assert code == 0, out
    code, out = run("disable", "nobody")
    assert code == 1 and "no user" in out
    code, out = run("list")
    assert "disabled" in out and "service:S1" in out and "head_of_service" in out, out

    from lantern.appdb import make_engine

    engine = make_engine(app_url)
    store = UserStore(engine)
    assert store.authenticate("ana.admin", PASSWORD) is not None
    assert store.authenticate("sam.sw", PASSWORD) is None  # disabled
    row = store.get("sam.sw")
    assert row is not None and (row.role, row.scope) == ("head_of_service", "service:S1")
    engine.dispose()


def test_oidc_role_map_gives_role_and_scope_and_follows_moves(store: UserStore,
                                                             tmp_path: Path) -> None:
    path = tmp_path / "roles.yml"
    path.write_text(
        "professional_id_claim: employee_id\n"
        "rules:\n"
        "  - {claim: groups, value: lantern-dcs, role: dcs, scope: authority}\n"
        "  - {claim: groups, value: team-T1, role: team_manager, scope: 'team:T1'}\n"
        "  - {claim: groups, value: team-T2, role: team_manager, scope: 'team:T2'}\n"
        "  - {claim: department, value: Safeguarding, role: head_of_service,"
        " scope: 'service:safeguarding'}\n", "utf-8")
    roles = load_role_map(path)
    info = {"iss": OIDC.issuer, "email": "sam@council.gov.uk", "email_verified": True,
            "name": "Sam Smith", "employee_id": "P9", "groups": ["staff", "team-T1"]}
    p = principal_from_userinfo(store, OIDC, info, roles)
    assert p is not None
    assert (p.username, p.role, p.scope_type, p.scope_value, p.display_name,
            p.professional_id) == ("sam", "team_manager", "team", "T1",
                                   "Sam Smith", "P9")
    row = store.get("sam")  # the email, domain stripped (OIDC settings)
    assert row is not None and not row.has_password  # single sign-on only
    # A move in the council's directory reaches Lantern at the next sign-in.
    moved = principal_from_userinfo(store, OIDC, {**info, "groups": ["team-T2"]}, roles)
    assert moved is not None and (moved.user_id, moved.scope_value) == (p.user_id, "T2")
    # The first rule (in the file's order) that matches wins; a string claim matches by
    # equality.
    both = principal_from_userinfo(store, OIDC, {**info, "groups": ["team-T2", "team-T1"]},
                                   roles)
    assert both is not None and both.scope_value == "T1"
    hos = principal_from_userinfo(store, OIDC, {**info, "groups": "x",
                                                "department": "Safeguarding"}, roles)
    assert hos is not None and (hos.role, hos.scope_value) == ("head_of_service",
                                                              "safeguarding")
    assert principal_from_userinfo(store, OIDC, {**info, "groups": ["staff"]}, roles) is None
    store.disable("sam")
    assert principal_from_userinfo(store, OIDC, info, roles) is None


@pytest.mark.parametrize("text, problem", [
    ("rules: nope\n", "list of 'rules'"),
    ("rules:\n  - {claim: groups, value: x}\n", "rule 1: needs claim, value and role"),
    ("rules:\n  - {claim: groups, value: x, role: dcs, scope: 'planet:mars'}\n", "rule 1"),
])
def test_oidc_role_map_refuses_a_malformed_file(tmp_path: Path, text: str,
                                                problem: str) -> None:
    path = tmp_path / "roles.yml"
    path.write_text(text, "utf-8")
    with pytest.raises(ValueError, match=re.escape(problem)):
        load_role_map(path)
