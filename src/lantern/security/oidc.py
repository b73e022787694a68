"""Optional OpenID Connect single sign-on (e.g. Entra ID), through Authlib.

Configured by environment settings (``LANTERN_OIDC_*``): the issuer, client id and
secret, which claim of the user info names the account, and optionally a role map
(``LANTERN_OIDC_ROLE_MAP``, a YAML file of claim → role and scope rules).

Sign-in through the identity provider proves who someone is. What they may see comes
from the role map when there is one: the first rule their claims match gives the role
and scope, and the account is created (single sign-on only, no password) or brought up
to date at each sign-in, so a move between teams in the council's directory reaches
Lantern the next time the person signs in; someone no rule matches is refused. Without a
role map the role and scope come from a local account (``lantern users add``), which
must exist. Either way a disabled account is refused.

The web app (`lantern.web.routes.auth`) builds the client with ``build_oauth(settings)``
(Authlib's Starlette integration, which keeps the OAuth state, nonce and PKCE verifier in
the signed session), redirects with ``client.authorize_redirect`` and, on the callback,
reads the ID token's claims and the user info and calls ``principal_from_userinfo``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import yaml
from pydantic_settings import BaseSettings, SettingsConfigDict

from lantern.security.accounts import check_role, normalise_username, parse_scope
from lantern.security.policy import Principal, ScopeType

CLIENT_NAME = "oidc"


class OidcSettings(BaseSettings):
    """``LANTERN_OIDC_ISSUER`` (e.g. https://login.microsoftonline.com/<tenant>/v2.0),
    ``LANTERN_OIDC_CLIENT_ID``, ``LANTERN_OIDC_CLIENT_SECRET``,
    ``LANTERN_OIDC_USERNAME_CLAIM`` (default ``preferred_username``; ``email`` or
    ``upn`` are common), ``LANTERN_OIDC_STRIP_DOMAIN`` (``jo@council.gov.uk`` -> ``jo``),
    ``LANTERN_OIDC_ALLOWED_DOMAINS`` (comma-separated; empty allows any),
    ``LANTERN_OIDC_SCOPE``, ``LANTERN_OIDC_LABEL`` (the sign-in button's text),
    ``LANTERN_OIDC_ROLE_MAP`` (a YAML file of claim → role and scope rules: see
    `load_role_map`) and ``LANTERN_OIDC_REDIRECT_URI`` (the callback address the
    provider knows, when the app is behind a proxy; default: from the request)."""

    model_config = SettingsConfigDict(env_prefix="LANTERN_OIDC_", extra="ignore")

    issuer: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    username_claim: str = "preferred_username"
    strip_domain: bool = False
    allowed_domains: str = ""
    scope: str = "openid email profile"
    label: str = "Sign in with your council account"
    role_map: str | None = None
    redirect_uri: str | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.issuer and self.client_id and self.client_secret)

    @property
    def metadata_url(self) -> str:
        if not self.issuer:
            raise ValueError("OpenID Connect is not configured (LANTERN_OIDC_ISSUER)")
        base = self.issuer.rstrip("/")
        if base.endswith("/.well-known/openid-configuration"):
            return base
        return f"{base}/.well-known/openid-configuration"

    @property
    def domains(self) -> frozenset[str]:
        return frozenset(d.strip().lower().lstrip("@")
                         for d in self.allowed_domains.split(",") if d.strip())


def oidc_settings() -> OidcSettings:
    return OidcSettings()


def client_kwargs(settings: OidcSettings) -> dict[str, Any]:
    """The arguments to Authlib's ``OAuth.register`` (no network: the provider's
    metadata is fetched lazily, at the first sign-in)."""
    if not settings.enabled:
        raise ValueError("OpenID Connect is not configured: set LANTERN_OIDC_ISSUER, "
                         "LANTERN_OIDC_CLIENT_ID and LANTERN_OIDC_CLIENT_SECRET")
    return {
        "name": CLIENT_NAME,
        "client_id": settings.client_id,
        "client_secret": settings.client_secret,
        "server_metadata_url": settings.metadata_url,
        "client_kwargs": {"scope": settings.scope, "code_challenge_method": "S256"},
    }


def build_oauth(settings: OidcSettings) -> Any:
    """An Authlib Starlette ``OAuth`` registry with the client registered as ``oidc``
    (``oauth.oidc``)."""
    from authlib.integrations.starlette_client import OAuth

    oauth = OAuth()
    oauth.register(**client_kwargs(settings))
    return oauth


def username_from_userinfo(settings: OidcSettings, userinfo: Mapping[str, Any]) -> str | None:
    """The local username the identity provider's user info names, or None when the
    claim is missing, the email is unverified or the domain is not allowed."""
    if settings.issuer and userinfo.get("iss") not in (None, settings.issuer,
                                                       settings.issuer.rstrip("/")):
        return None
    value = userinfo.get(settings.username_claim)
    if not isinstance(value, str) or not value.strip():
        return None
    if settings.username_claim == "email" and userinfo.get("email_verified") is False:
        return None
    name = normalise_username(value)
    local, at, domain = name.rpartition("@")
    if at and settings.domains and domain not in settings.domains:
        return None
    if not at and settings.domains:
        return None
    if at and settings.strip_domain:
        name = local
    return name or None


class Accounts(Protocol):
    """What sign-in needs of the accounts (`lantern.security.accounts.UserStore`)."""

    def sign_in_external(self, username: str) -> Principal | None: ...

    def sign_in_mapped(self, username: str, *, display_name: str, email: str | None,
                       role: str, scope_type: str, scope_value: str | None,
                       professional_id: str | None) -> Principal | None: ...


@dataclass(frozen=True)
class RoleRule:
    """People whose ``claim`` equals ``value`` (or, for a list claim such as ``groups``,
    includes it) get ``role`` with scope ``scope_type``/``scope_value``."""

    claim: str
    value: str
    role: str
    scope_type: ScopeType
    scope_value: str | None = None

    def matches(self, claims: Mapping[str, Any]) -> bool:
        got = claims.get(self.claim)
        if isinstance(got, list | tuple):
            return self.value in [str(g) for g in got]
        return got is not None and str(got) == self.value


@dataclass(frozen=True)
class RoleMap:
    rules: tuple[RoleRule, ...]
    professional_id_claim: str | None = None

    def match(self, claims: Mapping[str, Any]) -> RoleRule | None:
        """The first rule the claims match (None: the person is not given access)."""
        return next((r for r in self.rules if r.matches(claims)), None)


def load_role_map(path: str | Path) -> RoleMap:
    """A role map from YAML::

        professional_id_claim: employee_id     # optional: links a worker to their cases
        rules:                                 # the first match wins
          - {claim: groups, value: lantern-dcs, role: dcs, scope: authority}
          - {claim: groups, value: lantern-team-T001, role: team_manager, scope: "team:T001"}

    Raises ValueError naming the file and the rule when it is malformed."""
    origin = str(path)
    doc = yaml.safe_load(Path(path).read_text("utf-8")) or {}
    if not isinstance(doc, Mapping) or not isinstance(doc.get("rules"), list):
        raise ValueError(f"{origin}: expected a mapping with a list of 'rules'")
    return RoleMap(tuple(_rule(origin, n, r) for n, r in enumerate(doc["rules"], 1)),
                   doc.get("professional_id_claim") or None)


def _rule(origin: str, n: int, entry: Any) -> RoleRule:
    if not isinstance(entry, Mapping) or not {"claim", "value", "role"} <= set(entry):
        raise ValueError(f"{origin}: rule {n}: needs claim, value and role")
    try:
        check_role(str(entry["role"]))
        scope_type, scope_value = parse_scope(str(entry.get("scope", "authority")))
    except ValueError as e:
        raise ValueError(f"{origin}: rule {n}: {e}") from None
    return RoleRule(str(entry["claim"]), str(entry["value"]), str(entry["role"]),
                    scope_type, scope_value)


def principal_from_userinfo(store: Accounts, settings: OidcSettings,
                            userinfo: Mapping[str, Any],
                            role_map: RoleMap | None = None) -> Principal | None:
    """The principal for a signed-in identity, or None: refused (see the module's
    docstring). With a role map the account follows the matched rule; without one the
    local account must exist (it is never created)."""
    name = username_from_userinfo(settings, userinfo)
    if name is None:
        return None
    if role_map is None:
        return store.sign_in_external(name)
    rule = role_map.match(userinfo)
    if rule is None:
        return None
    pid = userinfo.get(role_map.professional_id_claim) if role_map.professional_id_claim \
        else None
    display = userinfo.get("name") or name
    return store.sign_in_mapped(
        name, display_name=str(display), email=_str(userinfo.get("email")),
        role=rule.role, scope_type=rule.scope_type, scope_value=rule.scope_value,
        professional_id=_str(pid))


def _str(value: Any) -> str | None:
    return str(value) if isinstance(value, str | int) and str(value).strip() else None
