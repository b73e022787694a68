"""Sign in and sign out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

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
    return render(request, "sign_in.html", {"title": "Sign in", "next": _safe_next(next),
                                            "username": "", "error": None, "notice": notice})


@router.post("/sign-in", name="sign_in_submit")
def sign_in_submit(request: Request, username: Annotated[str, Form()] = "",
                   password: Annotated[str, Form()] = "",
                   next: Annotated[str, Form()] = "/") -> Response:
    throttle = request.app.state.throttle
    client = request.client.host if request.client else "unknown"
    keys = (f"ip:{client}", f"user:{username.strip().lower()}")
    if throttle.blocked(*keys):
        return render(request, "sign_in.html", {
            "title": "Sign in", "next": _safe_next(next), "username": username,
            "error": "Too many failed attempts. Wait 15 minutes and try again.",
            "notice": None}, status_code=429)
    principal = stores(request).users.authenticate(username, password) if username else None
    if principal is None:
        throttle.fail(*keys)
        return render(request, "sign_in.html", {
            "title": "Sign in", "next": _safe_next(next), "username": username,
            "error": "Enter a correct user name and password", "notice": None},
            status_code=401)
    throttle.clear(f"user:{username.strip().lower()}")
    rotate(request, principal.user_id)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/sign-out", name="sign_out")
def sign_out(request: Request) -> Response:
    rotate(request, None)
    return RedirectResponse("/sign-in", status_code=303)
