"""The app database as the web app uses it: accounts, the access log, and (through
``engine``) the alert inbox and settings changed in the app.

The real classes live in `lantern.security.accounts` and `lantern.security.access_log`
(SQLAlchemy over the app database); the web app depends only on these protocols so a
test can pass small in-memory stand-ins.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from lantern.config import Settings
from lantern.security.policy import Principal


class UserStoreLike(Protocol):
    def authenticate(self, username: str, password: str) -> Principal | None: ...

    def principal(self, user_id: int) -> Principal | None: ...

    def sign_in_external(self, username: str) -> Principal | None: ...

    def sign_in_mapped(self, username: str, *, display_name: str, email: str | None,
                       role: str, scope_type: str, scope_value: str | None,
                       professional_id: str | None) -> Principal | None: ...

    def list(self) -> Any: ...

    def add(self, *args: Any, **kwargs: Any) -> Any: ...

    def disable(self, username: str) -> Any: ...

    def set_role(self, username: str, role: str, scope_type: str,
                 scope_value: str | None) -> Any: ...


class AccessLogLike(Protocol):
    def record(self, principal: Principal, action: str, *, child_id: str | None = None,
               path: str = "", detail: str = "") -> Any: ...

    def record_many(self, principal: Principal, action: str, child_ids: Any, *,
                    path: str = "", detail: str = "") -> Any: ...

    def record_view(self, principal: Principal, action: str, child_ids: Any, *,
                    path: str = "", detail: str = "") -> Any: ...

    def entries(self, child_id: str | None = None, limit: int = 100, *,
                username: str | None = None, before_id: int | None = None) -> Any: ...

    def verify(self) -> Any: ...

    def count(self) -> int: ...


@dataclass
class Stores:
    users: UserStoreLike
    access_log: AccessLogLike
    engine: Any = None


def open_stores(settings: Settings) -> Stores:
    """The app database named by the settings, migrated to the latest schema."""
    from lantern.appdb import make_engine, migrate
    from lantern.security.access_log import AccessLog
    from lantern.security.accounts import UserStore

    url = settings.app_database_url
    settings.home.mkdir(parents=True, exist_ok=True)
    migrate(url)
    engine = make_engine(url)
    return Stores(UserStore(engine), AccessLog(engine), engine)
