"""A live Lantern server for the browser, API-fuzz and load tests.

`demo_site()` builds a small authority (4,000 children, two years; or the full demo
authority for the benchmark) in a temporary LANTERN_HOME, migrates the app database
and creates the demo accounts with `ensure_demo_users`. `LiveServer` runs
`lantern.web.serve.run` in a subprocess on 127.0.0.1 (a free port), waits until it
answers and stops it afterwards. The server is a separate process so that neither
Playwright nor locust (which monkey-patches the standard library with gevent) shares an
interpreter with the app under test.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import TracebackType

import httpx

from tests.built import run_dir

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
AXE_JS = Path(__file__).resolve().parent / "assets" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium tries to reach Google's servers
# (component updates, sync, field trials), which a locked-down CI machine refuses.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-quic",
]
SECRET_KEY = "browser-tests-secret-key-not-for-production"


@dataclass(frozen=True)
class Account:
    username: str
    password: str
    role: str
    scope: str


@dataclass(frozen=True)
class DemoSite:
    home: Path
    accounts: dict[str, Account]  # by role
    worker: str | None  # the demo social worker's professional id
    teams: dict[str, str] = field(default_factory=dict)  # team id -> service id


def make_accounts(home: Path) -> DemoSite:
    """Migrate the app database in ``home`` and create (or refresh) the demo accounts.
    The social worker is the busiest worker in the first team, so their home page lists
    children."""
    import duckdb
    from argon2 import PasswordHasher

    from lantern.appdb import make_engine, migrate
    from lantern.casework import children_of, data_date
    from lantern.config import Settings
    from lantern.security.accounts import ensure_demo_users

    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        teams = dict(con.execute(
            "SELECT DISTINCT dept_team_id, dept_team_parent_id FROM ssd_department "
            "WHERE dept_team_parent_id IS NOT NULL ORDER BY dept_team_id").fetchall())
        first = sorted(teams)[0]
        kids = children_of(con, data_date(con), team_id=first)
        workers = sorted({c.worker_id for c in kids if c.worker_id})
        worker = max(workers, key=lambda w: sum(c.worker_id == w for c in kids),
                     default=None)
    finally:
        con.close()
    url = Settings(home=home).app_database_url
    migrate(url)
    # Cheap argon2 parameters: the hashes verify quickly at sign-in (the server's own
    # hasher then rehashes them once, as it would after a parameter change).
    fast = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    rows = ensure_demo_users(make_engine(url), teams, worker=worker, hasher=fast)
    accounts = {role: Account(u, p, role, scope) for u, p, role, scope in rows}
    return DemoSite(home, accounts, worker, teams)


@cache
def demo_site() -> DemoSite:
    """The small test authority (4,000 children, April 2022 to March 2024) as a load
    leaves it — its latest months' assurance stored (`tests.web_support.web_home`) — with
    the demo accounts (new passwords each time, so made here, not shared). This process's
    own copy, removed with the run's directory."""
    from tests.web_support import web_warehouse

    home = Path(tempfile.mkdtemp(prefix="live-site-", dir=run_dir()))
    shutil.copy2(web_warehouse(), home / "warehouse.duckdb")
    return make_accounts(home)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


_SERVE = ("import sys; from lantern.config import Settings; "
          "from lantern.web.serve import run; "
          "run('127.0.0.1', int(sys.argv[2]), Settings(home=sys.argv[1]))")


class LiveServer:
    """`lantern.web.serve.run` in a subprocess on 127.0.0.1; use as a context manager.
    The server's log goes to LANTERN_HOME/server-<port>.log."""

    def __init__(self, home: Path, *, today: str | None = None,
                 startup_seconds: float = 60.0, workers: int | None = None,
                 secret_key: str | None = SECRET_KEY) -> None:
        self.home = home
        self.today = today
        self.workers = workers  # None: LANTERN_WEB_WORKERS as set, else 1
        self.secret_key = secret_key  # None: the key the server keeps in LANTERN_HOME
        self.startup_seconds = startup_seconds
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.log_path = home / "server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveServer:
        env = {**os.environ, "LANTERN_HOME": str(self.home), "LANTERN_HTTPS": "0",
               "PYTHONPATH": os.pathsep.join(
                   [str(REPO / "src"), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
        env.pop("LANTERN_DATABASE_URL", None)
        env.pop("LANTERN_SECRET_KEY", None)
        if self.secret_key is not None:
            env["LANTERN_SECRET_KEY"] = self.secret_key
        if self.workers is not None:
            env["LANTERN_WEB_WORKERS"] = str(self.workers)
        if self.today:
            env["LANTERN_TODAY"] = self.today
        last_error = ""
        for _attempt in range(3):
            self.port = free_port()
            self.log_path = self.home / f"server-{self.port}.log"
            with self.log_path.open("wb") as log:
                self.proc = subprocess.Popen(
                    [sys.executable, "-c", _SERVE, str(self.home), str(self.port)],
                    cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
            if self._wait_ready():
                return self
            last_error = self.log_path.read_text(errors="replace")[-3000:]
            self.stop()
        raise RuntimeError(f"the Lantern server did not start:\n{last_error}")

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + self.startup_seconds
        assert self.proc is not None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        return False

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self.proc = None

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def sign_in_client(base_url: str, account: Account, *,
                   timeout: float = 120) -> httpx.Client:
    """An httpx client signed in as ``account`` (session cookie set), for API calls."""
    client = httpx.Client(base_url=base_url, follow_redirects=False, timeout=timeout)
    page = client.get("/sign-in")
    found = _CSRF.search(page.text)
    if not found:
        raise RuntimeError("no CSRF token on the sign-in page")
    r = client.post("/sign-in", data={"username": account.username,
                                      "password": account.password,
                                      "csrf_token": found.group(1), "next": "/"})
    if r.status_code != 303:
        raise RuntimeError(f"sign-in as {account.username} failed: HTTP {r.status_code}")
    return client
