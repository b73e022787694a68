"""create_app: the FastAPI application with its routers, middleware and error pages."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount

from lantern.assurance.targets import status_wording
from lantern.config import Settings, get_settings
from lantern.security.oidc import OidcSettings, build_oauth, load_role_map
from lantern.web.access import MATRIX, PUBLIC
from lantern.web.config import WebConfig
from lantern.web.deps import SignInRequired
from lantern.web.routes import (
    admin,
    api,
    auth,
    downloads,
    governance,
    pages,
    plan,
    quality,
    reports,
    themes,
    work,
)
from lantern.web.routes._common import render
from lantern.web.session import SessionMiddleware, Throttle, csrf_protect
from lantern.web.stores import Stores, open_stores
from lantern.web.templating import make_templates

STATIC = Path(__file__).parent / "static"
ERROR_TITLES = {401: "Sign in required", 403: "You do not have access",
                404: "Page not found", 422: "There is a problem with the request",
                429: "Too many attempts", 503: "No data loaded yet"}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") and request.url.path != "/api/docs"


def create_app(settings: Settings | None = None, *, config: WebConfig | None = None,
               stores: Stores | None = None, oidc: OidcSettings | None = None) -> FastAPI:
    """The Lantern web app over the warehouse and app database named by ``settings``
    (single sign-on as ``oidc`` says, default from the environment)."""
    settings = settings or get_settings()
    status_wording()  # a misspelt LANTERN_STATUS_WORDS stops the start, not every page
    config = config or WebConfig.from_env(settings.home)
    app = FastAPI(
        title="Lantern API", version="1", docs_url=None, redoc_url=None,
        openapi_url="/api/openapi.json",
        description=("Children's services performance: indicators, the children behind "
                     "them, chronologies and work lists. Every endpoint needs a signed-in "
                     "session and applies the user's role and scope."),
        dependencies=[Depends(csrf_protect)],
    )
    app.state.settings = settings
    app.state.config = config
    app.state.stores = stores or open_stores(settings)
    app.state.templates = make_templates()
    app.state.throttle = Throttle(config.login_attempts, config.login_window_seconds)
    _single_sign_on(app, oidc or OidcSettings())
    app.add_middleware(SessionMiddleware, config=config)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(auth.router)
    app.include_router(pages.router)
    app.include_router(themes.router)
    app.include_router(downloads.router)
    app.include_router(work.router)
    app.include_router(reports.router)
    app.include_router(admin.router)
    app.include_router(plan.router)
    app.include_router(governance.router)
    app.include_router(quality.router)
    app.include_router(api.router)

    @app.get("/healthz", name="healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/favicon.ico", name="favicon", include_in_schema=False)
    def favicon() -> Response:
        return RedirectResponse("/static/lantern.svg", status_code=301)

    _error_pages(app)
    check_routes(app)
    return app


def _error_pages(app: FastAPI) -> None:
    """Sign-in redirects, error pages for people and JSON errors for the API."""
    @app.exception_handler(SignInRequired)
    def sign_in_required(request: Request, exc: SignInRequired) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "Sign in required"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        from urllib.parse import urlencode

        query = {"next": target, **({"expired": "1"} if exc.expired else {})}
        return RedirectResponse(f"/sign-in?{urlencode(query)}", status_code=303)

    @app.exception_handler(HTTPException)
    def http_error(request: Request, exc: HTTPException) -> Response:
        if _is_api(request) or request.method not in ("GET", "HEAD", "POST"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                                headers=exc.headers)
        title = ERROR_TITLES.get(exc.status_code, "Something went wrong")
        return render(request, "error.html", {"title": title, "message": exc.detail,
                                              "summary": exc.status_code == 422},
                      status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    def invalid(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": jsonable(exc.errors())}, status_code=422)
        return render(request, "error.html", {
            "title": ERROR_TITLES[422], "message": "Check the address and try again."},
            status_code=422)


def _single_sign_on(app: FastAPI, oidc: OidcSettings) -> None:
    """The OpenID Connect client and role map (none when not configured). A malformed
    role map stops the app starting, naming the file and the rule."""
    app.state.oidc = oidc
    app.state.oauth_client = build_oauth(oidc).create_client("oidc") if oidc.enabled else None
    app.state.role_map = load_role_map(oidc.role_map) if oidc.enabled and oidc.role_map \
        else None


def jsonable(value: object) -> object:
    from fastapi.encoders import jsonable_encoder

    return jsonable_encoder(value, custom_encoder={Exception: str})


def iter_routes(app: FastAPI) -> Iterator[tuple[str, str, frozenset[str]]]:
    """(name, path, methods) of every route, through included routers."""

    def walk(routes: Iterable[Any]) -> Iterator[tuple[str, str, frozenset[str]]]:
        for r in routes:
            if hasattr(r, "effective_candidates"):  # an included router (FastAPI >= 0.16x)
                yield from walk(r.effective_candidates())
            elif isinstance(r, Mount):
                yield str(r.name), r.path, frozenset()
            else:
                yield (str(getattr(r, "name", "")), str(getattr(r, "path", "")),
                       frozenset(getattr(r, "methods", None) or ()))

    yield from walk(app.routes)


def check_routes(app: FastAPI) -> None:
    """Every route is either public or in the access table, and every row of the table
    names a route: the table is the whole truth about who may use what."""
    names = {name for name, _, _ in iter_routes(app)}
    undeclared = sorted(n for n in names if n not in MATRIX and n not in PUBLIC)
    if undeclared:
        raise RuntimeError(f"routes missing from web.access: {undeclared}")
    stale = sorted(n for n in MATRIX if n not in names)
    if stale:
        raise RuntimeError(f"web.access names routes that do not exist: {stale}")
