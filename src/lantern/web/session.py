"""Signed session cookies, idle timeout, CSRF tokens, sign-in throttling, security headers.

The session is a small JSON object signed with itsdangerous (the cookie is readable by
the client but cannot be forged or altered): the user id, a CSRF token and when it was
last used. It is HttpOnly, SameSite=Lax and Secure over HTTPS or whenever the app is not
reached on loopback (`on_loopback`). A session unused for
``idle_minutes`` or older than ``max_hours`` is signed out.
"""

from __future__ import annotations

import ipaddress
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import HTTPException, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp

from lantern.web.config import WebConfig

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": ("camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
                           "interest-cohort=()"),
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def new_session() -> dict[str, Any]:
    now = int(time.time())
    return {"uid": None, "csrf": secrets.token_urlsafe(32), "t": now, "iat": now}


class SessionMiddleware(BaseHTTPMiddleware):
    """Loads the session into ``request.state.session`` and writes it back; adds the
    security headers to every response."""

    def __init__(self, app: ASGIApp, config: WebConfig) -> None:
        super().__init__(app)
        self.config = config
        self.signer = URLSafeTimedSerializer(config.secret_key, salt="lantern.session")

    def load(self, raw: str | None) -> tuple[dict[str, Any], bool]:
        """(session, expired): a fresh session when missing, forged or timed out."""
        if not raw:
            return new_session(), False
        try:
            data = self.signer.loads(raw, max_age=self.config.max_hours * 3600)
        except BadSignature:  # includes SignatureExpired
            return new_session(), False
        if not isinstance(data, dict) or "csrf" not in data:
            return new_session(), False
        now = time.time()
        if data.get("uid") is not None and now - float(data.get("t", 0)) > (
                self.config.idle_minutes * 60):
            return new_session(), True
        return data, False

    async def dispatch(self, request: Request,
                       call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        session, expired = self.load(request.cookies.get(self.config.cookie_name))
        request.state.session = session
        # Authlib's Starlette client keeps its state, nonce and PKCE verifier in
        # ``request.session``: the same signed session, so nothing else holds them.
        request.scope["session"] = session
        request.state.session_expired = expired
        response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        https = self.config.https or request.url.scheme == "https"
        secure = https or not on_loopback(request)
        if https:
            response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
            session = request.state.session
            session["t"] = int(time.time())
            response.set_cookie(
                self.config.cookie_name, self.signer.dumps(session),
                max_age=self.config.max_hours * 3600, httponly=True, samesite="lax",
                secure=secure, path="/",
            )
        return response


def on_loopback(request: Request) -> bool:
    """Is the app reached on a loopback address (127.0.0.1, ::1)? Anywhere else a
    session cookie sent over plain HTTP could be read on the network, so it is marked
    Secure (the browser then sends it only over HTTPS). The address is the server's end
    of the connection; a name rather than an address (a test client's "testserver", a
    Unix socket) is trusted as local, the configuration (LANTERN_HTTPS) deciding."""
    server = request.scope.get("server")
    host = str(server[0]) if server else ""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return True


def rotate(request: Request, uid: int | None) -> None:
    """A new session (new CSRF token) on sign-in and sign-out: no session fixation."""
    session = new_session()
    session["uid"] = uid
    request.state.session = session
    request.scope["session"] = session


async def csrf_protect(request: Request) -> None:
    """Every state-changing request carries the session's CSRF token, in the form field
    ``csrf_token`` or the ``X-CSRF-Token`` header (HTMX sends the header)."""
    if request.method not in UNSAFE_METHODS:
        return
    expected = request.state.session.get("csrf", "")
    sent = request.headers.get("x-csrf-token")
    if not sent:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get("csrf_token")
            sent = value if isinstance(value, str) else None
    if not sent or not expected or not secrets.compare_digest(sent, expected):
        raise HTTPException(403, "The form has expired or did not come from Lantern. "
                                 "Go back, reload the page and try again.")


class Throttle:
    """Failed sign-ins per key (client address, user name) in a sliding window."""

    def __init__(self, attempts: int, window_seconds: int) -> None:
        self.attempts = attempts
        self.window = window_seconds
        self.failures: dict[str, deque[float]] = defaultdict(deque)
        self.lock = threading.Lock()

    def _trim(self, key: str, now: float) -> deque[float]:
        q = self.failures[key]
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def blocked(self, *keys: str) -> bool:
        now = time.monotonic()
        with self.lock:
            return any(len(self._trim(k, now)) >= self.attempts for k in keys)

    def fail(self, *keys: str) -> None:
        now = time.monotonic()
        with self.lock:
            for k in keys:
                self._trim(k, now).append(now)

    def clear(self, *keys: str) -> None:
        with self.lock:
            for k in keys:
                self.failures.pop(k, None)
