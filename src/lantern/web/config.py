"""Web settings: environment variables with safe local defaults."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from lantern.alerts.stale import DEFAULT_HORIZON_WD

SOCIAL_WORKER_SCOPES = ("team", "caseload")


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


def _secret(home: Path) -> str:
    """LANTERN_SECRET_KEY, else a key kept in LANTERN_HOME (created once, mode 600)."""
    env = os.environ.get("LANTERN_SECRET_KEY")
    if env:
        return env
    path = home / "secret_key"
    if path.exists():
        return path.read_text("utf-8").strip()
    home.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key, "utf-8")
    path.chmod(0o600)
    return key


@dataclass
class WebConfig:
    """How the web app signs sessions and what it trusts.

    secret_key: signs session cookies (LANTERN_SECRET_KEY);
    https: the app is served over HTTPS (LANTERN_HTTPS): cookies are Secure, HSTS sent;
    idle_minutes: a session unused this long is signed out (LANTERN_SESSION_IDLE_MINUTES);
    max_hours: a session older than this is signed out whatever its use;
    login_attempts / login_window_seconds: failed sign-ins allowed per client address and
    per user name in the window before further attempts are refused (HTTP 429).
    """

    secret_key: str
    https: bool = False
    idle_minutes: int = 30
    max_hours: int = 12
    login_attempts: int = 5
    login_window_seconds: int = 900
    cookie_name: str = "lantern_session"
    today: str | None = None  # YYYY-MM-DD: work lists as at this date (tests, demos)
    # Tracker items overdue by more than this many working days are listed as "data to
    # check" rather than work (LANTERN_WORK_DATA_CHECK_DAYS; `alerts.stale`).
    work_data_check_wd: int = DEFAULT_HORIZON_WD
    # What a social worker sees: their team's children ("team") or only the children
    # allocated to them ("caseload") (LANTERN_SOCIAL_WORKER_SCOPE).
    social_worker_scope: str = "team"
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, home: Path) -> WebConfig:
        return cls(
            secret_key=_secret(home),
            https=_env_bool("LANTERN_HTTPS", False),
            idle_minutes=int(os.environ.get("LANTERN_SESSION_IDLE_MINUTES", "30")),
            today=os.environ.get("LANTERN_TODAY") or None,
            work_data_check_wd=int(os.environ.get("LANTERN_WORK_DATA_CHECK_DAYS",
                                                  str(DEFAULT_HORIZON_WD))),
            social_worker_scope=os.environ.get("LANTERN_SOCIAL_WORKER_SCOPE", "team"),
        )

    def __post_init__(self) -> None:
        if self.social_worker_scope not in SOCIAL_WORKER_SCOPES:
            raise ValueError(f"LANTERN_SOCIAL_WORKER_SCOPE={self.social_worker_scope!r}: "
                             f"expected one of {', '.join(SOCIAL_WORKER_SCOPES)}")
        if self.work_data_check_wd < 1:
            raise ValueError("LANTERN_WORK_DATA_CHECK_DAYS must be a whole number above 0")
