"""Sign in and sign out: local accounts, and OpenID Connect single sign-on when it is
configured (`lantern.security.oidc`)."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from authlib.integrations.base_client.errors import OAuthError
from fastapi import APIRouter, Form, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from lantern.security.oidc import principal_from_userinfo
from lantern.web.deps import session_principal, stores
from lantern.web.routes._common import render
from lantern.web.session import rotate

router = APIRouter(include_in_schema=False)


def _safe_next(value: str | None) -> str:
    """Only a local path: never redirect to another site after signing in."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


@router.get("/sign-in", name="sign_in")
def sign_in(request: Request, next: str = "/") -> Response:
    if session_principal(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    notice = ("You were signed out because you had not used Lantern for a while."
              if request.query_params.get("expired") else None)
    return _form(request, next=next, notice=notice)


def _form(request: Request, *, next: str = "/", username: str = "", error: str | None = None,
          notice: str | None = None, status_code: int = 200, sso: bool = False) -> Response:
    """The sign-in page: the local form and, when configured, the single sign-on button
    (``sso``: the error is about single sign-on, not the user name typed)."""
    oidc = request.app.state.oidc
    return render(request, "sign_in.html", {
        "title": "Sign in", "next": _safe_next(next), "username": username, "error": error,
        "notice": notice, "sso_label": oidc.label if oidc.enabled else None,
        "sso_error": sso}, status_code=status_code)


@router.post("/sign-in", name="sign_in_submit")
def sign_in_submit(request: Request, username: Annotated[str, Form()] = "",
                   password: Annotated[str, Form()] = "",
                   next: Annotated[str, Form()] = "/") -> Response:
    throttle = request.app.state.throttle
    client = request.client.host if request.client else "unknown"
    keys = (f"ip:{client}", f"user:{username.strip().lower()}")
    if throttle.blocked(*keys):
        return _form(request, next=next, username=username, status_code=429,
                     error="Too many failed attempts. Wait 15 minutes and try again.")
    principal = stores(request).users.authenticate(username, password) if username else None
    if principal is None:
        throttle.fail(*keys)
        return _form(request, next=next, username=username, status_code=401,
                     error="Enter a correct user name and password")
    throttle.clear(f"user:{username.strip().lower()}")
    rotate(request, principal.user_id)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/sign-out", name="sign_out")
def sign_out(request: Request) -> Response:
    rotate(request, None)
    return RedirectResponse("/sign-in", status_code=303)


def _oauth_client(request: Request) -> Any:
    client = request.app.state.oauth_client
    if client is None:
        raise HTTPException(404, "Single sign-on is not set up for this Lantern.")
    return client


@router.get("/sign-in/oidc", name="sign_in_oidc")
async def sign_in_oidc(request: Request, next: str = "/") -> Response:
    """Off to the identity provider (authorisation code flow with PKCE and a nonce)."""
    client = _oauth_client(request)
    request.state.session["sso_next"] = _safe_next(next)
    callback = (request.app.state.oidc.redirect_uri
                or str(request.url_for("sign_in_oidc_callback")))
    try:
        response: Response = await client.authorize_redirect(request, callback)
    except Exception:  # the provider is unreachable or its discovery document is bad
        logging.getLogger(__name__).exception("single sign-on: could not reach the provider")
        return _form(request, next=next, status_code=502, sso=True, error=(
            "Single sign-on is not available just now. Try again, or sign in with a "
            "Lantern user name and password."))
    return response


@router.get("/sign-in/oidc/callback", name="sign_in_oidc_callback")
async def sign_in_oidc_callback(request: Request) -> Response:
    """Back from the identity provider: check the tokens, map the person to a role and
    scope, and start their session as a local sign-in does."""
    client = _oauth_client(request)
    next_ = _safe_next(request.state.session.get("sso_next"))
    try:
        token = await client.authorize_access_token(request)
        claims = await _claims(client, token)
    except (OAuthError, ValueError) as e:
        logging.getLogger(__name__).warning("single sign-on refused: %s", e)
        return _form(request, next=next_, status_code=401, sso=True, error=(
            "Single sign-on did not complete. Try again."))
    principal = principal_from_userinfo(stores(request).users, request.app.state.oidc,
                                        claims, request.app.state.role_map)
    if principal is None:
        logging.getLogger(__name__).warning(
            "single sign-on refused: %s (%s) has no role in Lantern",
            claims.get("sub"), claims.get(request.app.state.oidc.username_claim))
        return _form(request, next=next_, status_code=403, sso=True, error=(
            "Your council account has not been given access to Lantern. Ask your "
            "Lantern administrator to add you."))
    rotate(request, principal.user_id)
    return RedirectResponse(next_, status_code=303)


async def _claims(client: Any, token: dict[str, Any]) -> dict[str, Any]:
    """The ID token's claims with the user info endpoint's (some providers put groups
    and email only there). The user info must be about the same person (OIDC Core
    5.3.2)."""
    id_claims = dict(token.get("userinfo") or {})
    if not id_claims.get("sub"):
        raise ValueError("no ID token")
    info = dict(await client.userinfo(token=token))
    if info.get("sub") != id_claims["sub"]:
        raise ValueError("the user info names another subject than the ID token")
    return {**info, **id_claims}
