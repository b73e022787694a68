"""Local accounts: argon2id password hashes, lockout after repeated failures, roles and
scopes from ``policy``.

Passwords are never stored or logged: only argon2id hashes (argon2-cffi's
``PasswordHasher``), rehashed at sign-in when the hasher's parameters change. After
``max_failures`` wrong passwords in a row an account is locked for ``lockout``; an
unknown username costs the same hash verification as a known one.
"""

from __future__ import annotations

import builtins
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import CursorResult, Engine, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lantern.appdb.models import User, utcnow
from lantern.security.policy import ROLES, SCOPE_TYPES, Principal, ScopeType

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")


class AccountError(ValueError):
    """A refused account operation, with a message fit to show the person."""


@dataclass(frozen=True)
class UserRow:
    """An account as listed (never the password hash)."""

    id: int
    username: str
    display_name: str
    email: str | None
    role: str
    scope_type: str
    scope_value: str | None
    professional_id: str | None
    disabled: bool
    created_at: datetime
    last_login_at: datetime | None
    failed_logins: int
    locked_until: datetime | None
    has_password: bool

    @property
    def scope(self) -> str:
        return format_scope(self.scope_type, self.scope_value)

    def locked(self, now: datetime | None = None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or utcnow())


def format_scope(scope_type: str, scope_value: str | None) -> str:
    """'authority', 'team:T1' or 'service:S1'."""
    return scope_type if scope_value is None else f"{scope_type}:{scope_value}"


def parse_scope(text: str) -> tuple[ScopeType, str | None]:
    """'authority' | 'team:<id>' | 'service:<id>' -> (scope_type, scope_value)."""
    kind, _, value = text.strip().partition(":")
    kind = kind.strip().lower()
    check_scope(kind, value.strip() or None)
    return kind, value.strip() or None  # type: ignore[return-value]


def normalise_username(username: str) -> str:
    return username.strip().lower()


def check_username(username: str) -> str:
    u = normalise_username(username)
    if not USERNAME_RE.match(u):
        raise AccountError(
            f"username {username!r} is not valid: use 2-64 characters, letters, digits, "
            "'.', '_', '-' or '@', starting with a letter or digit"
        )
    return u


def check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; roles are: {', '.join(ROLES)}")


def check_scope(scope_type: str, scope_value: str | None) -> None:
    if scope_type not in SCOPE_TYPES:
        raise AccountError(
            f"unknown scope {scope_type!r}; scopes are: {', '.join(SCOPE_TYPES)}")
    if scope_type == "authority" and scope_value:
        raise AccountError("an authority-wide scope takes no team or service id")
    if scope_type != "authority" and not scope_value:
        raise AccountError(f"a {scope_type} scope needs a {scope_type} id, e.g. "
                           f"{scope_type}:<id>")


def check_password(password: str, username: str = "") -> None:
    """The password policy: at least 12 characters, not the username, not one character
    repeated. Raises AccountError saying what is wrong."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"password too short: use at least {MIN_PASSWORD_LENGTH} characters "
            f"(got {len(password)})")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"password too long: at most {MAX_PASSWORD_LENGTH} characters")
    if username and normalise_username(password) == normalise_username(username):
        raise AccountError("password must not be the username")
    if len(set(password)) < 4:
        raise AccountError("password too simple: use at least 4 different characters")


def default_hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's recommended parameters (RFC 9106 low-memory profile)."""
    return PasswordHasher()


def _principal(u: User) -> Principal:
    return Principal(
        user_id=u.id,
        username=u.username,
        display_name=u.display_name,
        role=u.role,
        scope_type=u.scope_type,  # type: ignore[arg-type]
        scope_value=u.scope_value,
        professional_id=u.professional_id,
    )


def _row(u: User) -> UserRow:
    return UserRow(
        id=u.id, username=u.username, display_name=u.display_name, email=u.email,
        role=u.role, scope_type=u.scope_type, scope_value=u.scope_value,
        professional_id=u.professional_id, disabled=u.disabled, created_at=u.created_at,
        last_login_at=u.last_login_at, failed_logins=u.failed_logins,
        locked_until=u.locked_until, has_password=u.password_hash is not None,
    )


class UserStore:
    """Accounts in the app database (which must be migrated: ``lantern.appdb.migrate``)."""

    def __init__(self, engine: Engine, *, hasher: PasswordHasher | None = None,
                 max_failures: int = 5, lockout: timedelta = timedelta(minutes=15)) -> None:
        self.engine = engine
        self.hasher = hasher or default_hasher()
        self.max_failures = max_failures
        self.lockout = lockout
        self._dummy: str | None = None

    # --- administration -------------------------------------------------------------

    def add(self, username: str, password: str | None, *, display_name: str, role: str,
            scope_type: str, scope_value: str | None = None,
            professional_id: str | None = None, email: str | None = None) -> Principal:
        """Create an account. ``password=None`` makes a single-sign-on-only account."""
        username = check_username(username)
        check_role(role)
        check_scope(scope_type, scope_value)
        if not display_name.strip():
            raise AccountError("display name must not be empty")
        if password is not None:
            check_password(password, username)
        user = User(
            username=username, display_name=display_name.strip(),
            email=(email or "").strip() or None, role=role, scope_type=scope_type,
            scope_value=scope_value, professional_id=professional_id or None,
            password_hash=None if password is None else self.hasher.hash(password),
            disabled=False, created_at=utcnow(), failed_logins=0,
        )
        try:
            with self._session() as s, s.begin():
                s.add(user)
        except IntegrityError:
            raise AccountError(f"user {username!r} already exists") from None
        return _principal(user)

    def list(self) -> builtins.list[UserRow]:
        with self._session() as s:
            return [_row(u) for u in s.scalars(select(User).order_by(User.username))]

    def get(self, username: str) -> UserRow | None:
        with self._session() as s:
            u = s.scalars(select(User).where(
                User.username == normalise_username(username))).one_or_none()
            return None if u is None else _row(u)

    def disable(self, username: str) -> None:
        self._set(username, disabled=True)

    def enable(self, username: str) -> None:
        """Re-enable an account and clear any lockout."""
        self._set(username, disabled=False, failed_logins=0, locked_until=None)

    def unlock(self, username: str) -> None:
        self._set(username, failed_logins=0, locked_until=None)

    def set_role(self, username: str, role: str, scope_type: str,
                 scope_value: str | None = None) -> None:
        check_role(role)
        check_scope(scope_type, scope_value)
        self._set(username, role=role, scope_type=scope_type, scope_value=scope_value)

    def set_password(self, username: str, password: str) -> None:
        check_password(password, normalise_username(username))
        self._set(username, password_hash=self.hasher.hash(password), failed_logins=0,
                  locked_until=None)

    def set_details(self, username: str, *, display_name: str | None = None,
                    email: str | None = None, professional_id: str | None = None) -> None:
        values: dict[str, object] = {}
        if display_name is not None:
            if not display_name.strip():
                raise AccountError("display name must not be empty")
            values["display_name"] = display_name.strip()
        if email is not None:
            values["email"] = email.strip() or None
        if professional_id is not None:
            values["professional_id"] = professional_id or None
        if values:
            self._set(username, **values)

    def _set(self, username: str, **values: object) -> None:
        name = normalise_username(username)
        with self._session() as s, s.begin():
            result = s.execute(update(User).where(User.username == name).values(**values))
        if cast(CursorResult[Any], result).rowcount == 0:
            raise AccountError(f"no user {name!r}")

    # --- signing in -----------------------------------------------------------------

    def authenticate(self, username: str, password: str, *,
                     now: datetime | None = None) -> Principal | None:
        """The principal if the password is right and the account is enabled and not
        locked; otherwise None (the reason is not revealed). Failures count towards the
        lockout; a success resets the count."""
        now = now or utcnow()
        name = normalise_username(username)
        with self._session() as s:
            u = s.scalars(select(User).where(User.username == name)).one_or_none()
        if u is None or u.password_hash is None:
            self._verify(self._dummy_hash, password)
            return None
        if u.disabled or (u.locked_until is not None and u.locked_until > now):
            self._verify(self._dummy_hash, password)
            return None
        if not self._verify(u.password_hash, password):
            self._failed(u.id, now)
            return None
        values: dict[str, object] = {"failed_logins": 0, "locked_until": None,
                                     "last_login_at": now}
        if self.hasher.check_needs_rehash(u.password_hash):
            values["password_hash"] = self.hasher.hash(password)
        with self._session() as s, s.begin():
            s.execute(update(User).where(User.id == u.id).values(**values))
        return _principal(u)

    def sign_in_external(self, username: str, *,
                         now: datetime | None = None) -> Principal | None:
        """Sign in someone whose identity was proved elsewhere (OpenID Connect): the
        principal if the local account exists, is enabled and is not locked."""
        now = now or utcnow()
        name = normalise_username(username)
        with self._session() as s, s.begin():
            u = s.scalars(select(User).where(User.username == name)).one_or_none()
            if u is None or u.disabled or (u.locked_until is not None
                                           and u.locked_until > now):
                return None
            u.last_login_at = now
            return _principal(u)

    def sign_in_mapped(self, username: str, *, display_name: str, email: str | None,
                       role: str, scope_type: str, scope_value: str | None,
                       professional_id: str | None, now: datetime | None = None
                       ) -> Principal | None:
        """Sign in someone whose identity and role were given by the identity provider
        (OpenID Connect with a role map): the account is created single-sign-on-only
        the first time and its role, scope and details follow the provider at every
        sign-in. None when the account is disabled or locked."""
        now = now or utcnow()
        name = check_username(username)
        check_role(role)
        check_scope(scope_type, scope_value)
        values: dict[str, Any] = {
            "display_name": display_name.strip() or name, "email": email, "role": role,
            "scope_type": scope_type, "scope_value": scope_value,
            "professional_id": professional_id, "last_login_at": now}
        with self._session() as s, s.begin():
            u = s.scalars(select(User).where(User.username == name)).one_or_none()
            if u is None:
                u = User(username=name, password_hash=None, disabled=False,
                         created_at=now, failed_logins=0, **values)
                s.add(u)
            elif u.disabled or (u.locked_until is not None and u.locked_until > now):
                return None
            else:
                for k, v in values.items():
                    setattr(u, k, v)
            s.flush()
            return _principal(u)

    def principal(self, user_id: int) -> Principal | None:
        """The principal for a session's user id; None if gone or disabled (so disabling
        an account ends its sessions at their next request)."""
        with self._session() as s:
            u = s.get(User, user_id)
            if u is None or u.disabled:
                return None
            return _principal(u)

    @property
    def _dummy_hash(self) -> str:
        """Verified against for unknown or unusable accounts, so that they cost what a
        known one does (no timing oracle for which usernames exist)."""
        if self._dummy is None:
            self._dummy = self.hasher.hash(secrets.token_urlsafe(16))
        return self._dummy

    def _verify(self, hash_: str, password: str) -> bool:
        try:
            return self.hasher.verify(hash_, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def _failed(self, user_id: int, now: datetime) -> None:
        with self._session() as s, s.begin():
            count = s.execute(
                update(User).where(User.id == user_id)
                .values(failed_logins=User.failed_logins + 1)
                .returning(User.failed_logins)
            ).scalar_one()
            if count >= self.max_failures:
                s.execute(update(User).where(User.id == user_id)
                          .values(failed_logins=0, locked_until=now + self.lockout))

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)


DEMO_ROLES: tuple[str, ...] = ROLES


def ensure_demo_users(engine: Engine, teams: dict[str, str], *,
                      worker: str | None = None,
                      hasher: PasswordHasher | None = None,
                      ) -> builtins.list[tuple[str, str, str, str]]:
    """One demo account per role, ``demo_<role>``, each with a new random password.

    ``teams`` maps team id -> service id. The social worker and team manager are scoped
    to the first team (sorted by id), the head of service to its service, everyone else
    to the authority. ``worker`` is the social worker's professional id, if known.
    Existing demo accounts get a new password, their demo role and scope, and are
    re-enabled. Returns (username, password, role, scope) to print.
    """
    if not teams:
        raise AccountError("no teams: load or generate an authority first")
    team = sorted(teams)[0]
    service = teams[team]
    store = UserStore(engine, hasher=hasher)
    out: builtins.list[tuple[str, str, str, str]] = []
    for role in DEMO_ROLES:
        scope_type: str
        scope_value: str | None
        if role in ("social_worker", "team_manager"):
            scope_type, scope_value = "team", team
        elif role == "head_of_service":
            scope_type, scope_value = "service", service
        else:
            scope_type, scope_value = "authority", None
        username = f"demo_{role}"
        password = secrets.token_urlsafe(12)
        display = f"Demo {role.replace('_', ' ')}"
        professional = worker if role == "social_worker" else None
        if store.get(username) is None:
            store.add(username, password, display_name=display, role=role,
                      scope_type=scope_type, scope_value=scope_value,
                      professional_id=professional)
        else:
            store.set_role(username, role, scope_type, scope_value)
            store.set_password(username, password)
            store.enable(username)
            if professional:
                store.set_details(username, professional_id=professional)
        out.append((username, password, role, format_scope(scope_type, scope_value)))
    return out
