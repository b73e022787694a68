"""A real OpenID Connect provider on loopback for the single sign-on tests.

`OidcProvider` runs panva/oidc-provider 8 (the npm package, installed by
`make oidc-provider` into tests/oidc_provider/node_modules; version 8 because it runs on
Debian's Node.js 18 as well as later ones) with node, with one
confidential client and the accounts given. It signs ID tokens with a key it makes at
start-up, requires PKCE on every authorisation request and shows its own (development)
sign-in form, which takes any password: the accounts are who it says people are.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import pytest

from tests.browser_support import free_port

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc_provider"
CLIENT_ID = "lantern-test"
CLIENT_SECRET = "lantern-test-client-secret-0123456789abcdef"
GROUP_TEAM_MANAGERS = "lantern-team-managers"
# What the council's directory says about each person (the provider's accounts).
ACCOUNTS: dict[str, dict[str, Any]] = {
    "ann.manager": {"email": "ann.manager@council.gov.uk", "email_verified": True,
                    "name": "Ann Manager", "preferred_username": "ann.manager",
                    "groups": ["all-staff", GROUP_TEAM_MANAGERS]},
    "ben.outsider": {"email": "ben.outsider@council.gov.uk", "email_verified": True,
                     "name": "Ben Outsider", "preferred_username": "ben.outsider",
                     "groups": ["all-staff"]},
}


def require_provider() -> None:
    """Skip (saying how to fix it) when node or the provider's packages are missing."""
    if shutil.which("node") is None:  # pragma: no cover - depends on the machine
        pytest.skip("node is missing: run `bash scripts/system-deps.sh`")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():  # pragma: no cover
        pytest.skip("the OpenID Connect provider is not installed: run `make oidc-provider`")


def role_map_file(folder: Path, team: str) -> Path:
    """A role map giving the team managers' group the team manager role for ``team``."""
    path = folder / "roles.yml"
    path.write_text(
        "rules:\n"
        f"  - {{claim: groups, value: {GROUP_TEAM_MANAGERS}, role: team_manager, "
        f"scope: 'team:{team}'}}\n", "utf-8")
    return path


class OidcProvider:
    """The provider on 127.0.0.1 (a free port), as a context manager."""

    def __init__(self, redirect_uris: list[str]) -> None:
        self.redirect_uris = redirect_uris
        self.port = free_port()
        self.proc: subprocess.Popen[str] | None = None
        self.folder = Path(tempfile.mkdtemp(prefix="lantern-oidc-"))

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> OidcProvider:
        config = self.folder / "provider.json"
        config.write_text(json.dumps({
            "port": self.port, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
            "redirect_uris": self.redirect_uris, "accounts": ACCOUNTS}), "utf-8")
        self.proc = subprocess.Popen(
            ["node", str(PROVIDER_DIR / "provider.mjs"), str(config)], cwd=PROVIDER_DIR,
            stdout=subprocess.PIPE, stderr=(self.folder / "provider.log").open("w"),
            text=True, env={**os.environ, "NODE_ENV": "test"})
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()  # blocks until it listens (or dies)
        if not line.startswith("ready"):
            self.stop()
            log = (self.folder / "provider.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"the OpenID Connect provider did not start:\n{log}")
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None

    def __enter__(self) -> OidcProvider:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def sign_in(self, browser: httpx.Client, authorize_url: str, login: str) -> str:
        """Play the person at the provider: open the authorisation URL, submit the
        sign-in form as ``login``, and return where the provider sends them back."""
        r = browser.get(authorize_url)
        while r.status_code in (302, 303) and r.headers["location"].startswith(
                ("/", self.issuer)):
            r = browser.get(httpx.URL(self.issuer).join(r.headers["location"]))
        form = re.search(r'<form[^>]*action="([^"]+)"', r.text)
        assert form, f"no sign-in form at the provider: {r.text[:500]}"
        r = browser.post(httpx.URL(self.issuer).join(form.group(1)),
                         data={"prompt": "login", "login": login, "password": "any"})
        while r.status_code in (302, 303):
            location = r.headers["location"]
            if not location.startswith(("/", self.issuer)):
                return location
            r = browser.get(httpx.URL(self.issuer).join(location))
        raise AssertionError(f"the provider did not send the person back: {r.status_code} "
                             f"{r.text[:500]}")
