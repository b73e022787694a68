"""Optional OpenID Connect single sign-on (e.g. Entra ID), through Authlib.

Configured by environment settings (``LANTERN_OIDC_*``): the issuer, client id and
secret, and which claim of the user info names the local account. Sign-in through the
identity provider only proves who someone is: their role and scope come from their local
account (``lantern users add NAME --sso-only ...``), which must exist and be enabled.

The web app builds the client with ``build_oauth(settings)`` (Authlib's Starlette
integration; it keeps the OAuth state in the session, so it needs Starlette's
``SessionMiddleware``), redirects with ``client.authorize_redirect(request, callback)``,
and on the callback calls ``token = await client.authorize_access_token(request)`` then
``principal_from_userinfo(store, settings, token["userinfo"])``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic_settings import BaseSettings, SettingsConfigDict

from lantern.security.accounts import UserStore, normalise_username
from lantern.security.policy import Principal

CLIENT_NAME = "oidc"


class OidcSettings(BaseSettings):
    """``LANTERN_OIDC_ISSUER`` (e.g. https://login.microsoftonline.com/<tenant>/v2.0),
    ``LANTERN_OIDC_CLIENT_ID``, ``LANTERN_OIDC_CLIENT_SECRET``,
    ``LANTERN_OIDC_USERNAME_CLAIM`` (default ``preferred_username``; ``email`` or
    ``upn`` are common), ``LANTERN_OIDC_STRIP_DOMAIN`` (``jo@council.gov.uk`` -> ``jo``),
    ``LANTERN_OIDC_ALLOWED_DOMAINS`` (comma-separated; empty allows any),
    ``LANTERN_OIDC_SCOPE`` and ``LANTERN_OIDC_LABEL`` (the sign-in button's text)."""

    model_config = SettingsConfigDict(env_prefix="LANTERN_OIDC_", extra="ignore")

    issuer: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    username_claim: str = "preferred_username"
    strip_domain: bool = False
    allowed_domains: str = ""
    scope: str = "openid email profile"
    label: str = "Sign in with your council account"

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


def principal_from_userinfo(store: UserStore, settings: OidcSettings,
                            userinfo: Mapping[str, Any]) -> Principal | None:
    """The local account's principal for a signed-in identity (None: no such enabled
    account — the person is refused, never created)."""
    name = username_from_userinfo(settings, userinfo)
    if name is None:
        return None
    return store.sign_in_external(name)
