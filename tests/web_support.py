"""Shared set-up for the web tests: a small authority, an app database with one user per
role, and signed-in test clients."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import duckdb
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from lantern.config import Settings
from lantern.security.policy import ROLES
from lantern.web.app import create_app
from lantern.web.config import WebConfig
from lantern.web.stores import Stores
from tests.built import built_once, private_copy, run_dir

PASSWORD = "Lantern-test-password-1"
TEAM = "T004"
SERVICE = "safeguarding"
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
REPORT = "20240401T090000_000000"  # a validation report in the test home


@dataclass(frozen=True)
class WebHome:
    home: Path
    worker: str  # the social worker's professional id (in TEAM, with children)
    child_in: str  # a child allocated in TEAM now
    child_out: str  # a child allocated in another service now
    child_in_service: str  # a child in SERVICE but not in TEAM


@cache
def web_home() -> WebHome:
    """A 4,000-child authority (two years) as a load leaves it — its last three months'
    assurance stored (enough to test, quick to compute) — and an app database with a
    user per role. Earlier months are computed when asked for."""
    built, facts = _built_web_home()
    return WebHome(private_copy(built, "web-home"), **facts)


@cache
def board_home() -> WebHome:
    """As `web_home`, to the end of November 2024 (the month the board's view of the
    demo authority was seen to leak small numbers), nothing stored: every figure the
    board's pages show is computed."""
    built, facts = built_once("board-home", _builder(date(2022, 12, 1), date(2024, 11, 30)))
    return WebHome(private_copy(built, "board-home"), **facts)


@cache
def stored_web_home() -> Path:
    """Another copy of `web_home`, a folder of its own: read only (the assurance-store
    tests copy its warehouse before writing; the deep-dive commands read it)."""
    return private_copy(_built_web_home()[0], "stored-web-home")


def web_warehouse() -> Path:
    """`web_home`'s warehouse as built for the whole run: shared by every process, so
    only ever read or copied."""
    return _built_web_home()[0] / "warehouse.duckdb"


@cache
def _built_web_home() -> tuple[Path, dict[str, str]]:
    return built_once("web-home", _builder(date(2022, 4, 1), date(2024, 3, 31),
                                           store_months=3))


def _builder(start: date, end: date, store_months: int = 0
             ) -> Callable[[Path], dict[str, str]]:
    """`build_home` (seed 3) with ``store_months`` of assurance stored after it."""
    def build(home: Path) -> dict[str, str]:
        facts = build_home(start, end, 3, home)
        if store_months:
            _store(home / "warehouse.duckdb", store_months)
        return facts

    return build


def _store(warehouse: Path, months: int) -> None:
    from lantern.assurance.store import Basis, store_assurance
    from lantern.warehouse.meta import read_authority

    con = duckdb.connect(str(warehouse))
    try:
        store_assurance(con, Basis.of(read_authority(con), None), months=months)
    finally:
        con.close()


def build_home(start: date, end: date, seed: int, home: Path) -> dict[str, str]:
    """A 4,000-child authority from ``start`` to ``end`` and an app database with a
    user per role, in ``home``; the facts of a `WebHome` but its folder."""
    from lantern.appdb import make_engine, migrate
    from lantern.casework import children_of, data_date
    from lantern.ingest.report import render_html
    from lantern.security.accounts import UserStore
    from lantern.synth import load_scenario
    from tests.conftest import load_simulated

    load_simulated(home / "warehouse.duckdb", load_scenario("torbay").scaled(children=4000),
                   seed=seed, start=start, end=end)
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    on = data_date(con)
    in_team = children_of(con, on, team_id=TEAM)
    worker = max(sorted({c.worker_id for c in in_team if c.worker_id}),
                 key=lambda w: sum(c.worker_id == w for c in in_team))
    child_in = next(c.child_id for c in in_team if c.worker_id == worker)
    out = children_of(con, on, service_id="cared_for")
    in_service = [c for c in children_of(con, on, service_id=SERVICE) if c.team_id != TEAM]
    con.close()
    report = home / "reports" / "validation" / REPORT
    report.mkdir(parents=True)
    (report / "problems.html").write_text(render_html([]), "utf-8")
    (report / "problems.csv").write_text("file,locator\n", "utf-8")
    url = f"sqlite:///{home / 'app.sqlite'}"
    migrate(url)
    engine = make_engine(url)
    users = UserStore(engine, hasher=FAST_HASHER)
    for role in ROLES:
        scope: tuple[str, str | None] = ("authority", None)
        if role in ("social_worker", "team_manager"):
            scope = ("team", TEAM)
        elif role == "head_of_service":
            scope = ("service", SERVICE)
        users.add(role, PASSWORD, display_name=f"Test {role.replace('_', ' ')}", role=role,
                  scope_type=scope[0], scope_value=scope[1],
                  professional_id=worker if role == "social_worker" else None)
    engine.dispose()  # every write in the file, nothing held open, before it is copied
    _backup(home / "app.sqlite", _pristine(home))
    return {"worker": worker, "child_in": child_in, "child_out": out[0].child_id,
            "child_in_service": in_service[0].child_id}


def _pristine(home: Path) -> Path:
    """The app database as `build_home` left it (accounts only), kept in the home:
    modules that use the shared one write to it (audits, access log), so copies are
    taken from this."""
    return home / "app-as-built.sqlite"


def _backup(src_path: Path, dst_path: Path) -> None:
    import sqlite3

    src, dst = sqlite3.connect(src_path), sqlite3.connect(dst_path)
    try:
        src.backup(dst)  # includes what is still in the write-ahead log
    finally:
        src.close()
        dst.close()


def copy_app_db(wh: WebHome) -> str:
    """A private copy of the test app database as built (accounts, nothing else,
    whatever other modules have since written to the shared one): for tests that write
    to it (inbox actions, targets, audits) or tamper with it (the access log)."""
    folder = Path(tempfile.mkdtemp(prefix="lantern-appdb-", dir=run_dir()))
    _backup(_pristine(wh.home), folder / "app.sqlite")
    return f"sqlite:///{folder / 'app.sqlite'}"


def make_app(wh: WebHome, database_url: str | None = None, *, oidc: object = None,
             **config: object):  # type: ignore[no-untyped-def]
    from lantern.appdb import make_engine
    from lantern.security.access_log import AccessLog
    from lantern.security.accounts import UserStore

    settings = Settings(home=wh.home, database_url=database_url)
    engine = make_engine(settings.app_database_url)
    stores = Stores(UserStore(engine, hasher=FAST_HASHER), AccessLog(engine), engine)
    cfg = WebConfig(secret_key="test-secret-key", **config)  # type: ignore[arg-type]
    return create_app(settings, config=cfg, stores=stores,
                      oidc=oidc)  # type: ignore[arg-type]


def csrf(client: TestClient, path: str = "/sign-in") -> str:
    page = client.get(path).text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def sign_in(client: TestClient, role: str, password: str = PASSWORD) -> TestClient:
    token = csrf(client)
    r = client.post("/sign-in", data={"username": role, "password": password,
                                      "csrf_token": token, "next": "/"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    return client


def client_for(app, role: str | None = None) -> TestClient:  # type: ignore[no-untyped-def]
    c = TestClient(app, follow_redirects=False)
    if role is not None:
        sign_in(c, role)
    return c
