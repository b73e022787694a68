"""Admin pages: users, roles and scopes; targets (kept in the app database); the access
log and its chain check."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from starlette.responses import RedirectResponse, Response

from lantern.measures.catalogue import SCORECARD
from lantern.security.policy import ROLES, SCOPE_TYPES
from lantern.web import app_settings
from lantern.web.cache import ASSURANCE
from lantern.web.deps import ViewerDep, stores
from lantern.web.routes._common import render

router = APIRouter(include_in_schema=False, prefix="/admin")
PAGE = 200


def _users_page(request: Request, *, error: str | None = None, notice: str | None = None,
                status_code: int = 200) -> Response:
    users = stores(request).users.list()
    return render(request, "admin_users.html", {
        "active_nav": "admin", "title": "Users", "users": users, "error": error,
        "notice": notice or request.query_params.get("done"),
        "role_items": [{"value": r, "text": r.replace("_", " ")} for r in ROLES],
        "scope_items": [{"value": s, "text": s} for s in SCOPE_TYPES]},
        status_code=status_code)


@router.get("/users", name="admin_users")
def admin_users(request: Request, viewer: ViewerDep) -> Response:
    return _users_page(request)


@router.post("/users", name="admin_user_add")
def admin_user_add(request: Request, viewer: ViewerDep,
                   username: Annotated[str, Form()] = "",
                   display_name: Annotated[str, Form()] = "",
                   role: Annotated[str, Form()] = "",
                   scope_type: Annotated[str, Form()] = "authority",
                   scope_value: Annotated[str, Form()] = "",
                   professional_id: Annotated[str, Form()] = "",
                   password: Annotated[str, Form()] = "") -> Response:
    try:
        stores(request).users.add(
            username, password, display_name=display_name, role=role, scope_type=scope_type,
            scope_value=scope_value.strip() or None,
            professional_id=professional_id.strip() or None)
    except ValueError as exc:
        return _users_page(request, error=str(exc), status_code=422)
    return RedirectResponse(f"/admin/users?done=Added+{username}", status_code=303)


@router.post("/users/role", name="admin_user_role")
def admin_user_role(request: Request, viewer: ViewerDep,
                    username: Annotated[str, Form()] = "",
                    role: Annotated[str, Form()] = "",
                    scope_type: Annotated[str, Form()] = "authority",
                    scope_value: Annotated[str, Form()] = "") -> Response:
    try:
        stores(request).users.set_role(username, role, scope_type, scope_value.strip() or None)
    except ValueError as exc:
        return _users_page(request, error=str(exc), status_code=422)
    return RedirectResponse(f"/admin/users?done=Changed+{username}", status_code=303)


@router.post("/users/{username}/disable", name="admin_user_disable")
def admin_user_disable(request: Request, username: str, viewer: ViewerDep) -> Response:
    if username == viewer.principal.username:
        return _users_page(request, error="You cannot disable your own account.",
                           status_code=422)
    try:
        stores(request).users.disable(username)
    except ValueError as exc:
        return _users_page(request, error=str(exc), status_code=422)
    return RedirectResponse(f"/admin/users?done=Disabled+{username}", status_code=303)


def _target_rows(request: Request) -> list[dict[str, Any]]:
    settings = request.app.state.settings
    local = app_settings.overrides(stores(request).engine)
    eff = app_settings.effective(settings, local)
    rows = []
    for i in SCORECARD:
        t = eff.get(i.id)
        rows.append({"kpi_id": i.id, "title": i.title, "unit": i.unit,
                     "polarity": i.polarity,
                     "target": t.target if t else None, "tolerance": t.tolerance if t else None,
                     "source": t.source if t else "", "local": i.id in local})
    return rows


@router.get("/targets", name="admin_targets")
def admin_targets(request: Request, viewer: ViewerDep) -> Response:
    settings = request.app.state.settings
    return render(request, "admin_targets.html", {
        "active_nav": "targets", "title": "Targets", "rows": _target_rows(request),
        "targets_path": app_settings.configured_path(settings),
        "notice": request.query_params.get("done")})


def _kpi_or_404(kpi_id: str) -> Any:
    found = next((i for i in SCORECARD if i.id == kpi_id), None)
    if found is None:
        raise HTTPException(404, f"No indicator {kpi_id!r}.")
    return found


def _target_page(request: Request, kpi_id: str, *, errors: dict[str, str] | None = None,
                 form: dict[str, str] | None = None, status_code: int = 200) -> Response:
    ind = _kpi_or_404(kpi_id)
    row = next(r for r in _target_rows(request) if r["kpi_id"] == kpi_id)
    if form is None:
        form = {"target": "" if row["target"] is None else f"{row['target']:g}",
                "tolerance": "" if row["tolerance"] is None else f"{row['tolerance']:g}"}
    return render(request, "admin_target_edit.html", {
        "active_nav": "targets", "title": f"Target: {ind.title}", "ind": ind, "row": row,
        "errors": errors or {}, "form": form}, status_code=status_code)


@router.get("/targets/{kpi_id}", name="admin_target_edit")
def admin_target_edit(request: Request, kpi_id: str, viewer: ViewerDep) -> Response:
    return _target_page(request, kpi_id)


@router.post("/targets/{kpi_id}", name="admin_target_save")
def admin_target_save(request: Request, kpi_id: str, viewer: ViewerDep,
                      target: Annotated[str, Form()] = "",
                      tolerance: Annotated[str, Form()] = "",
                      action: Annotated[str, Form()] = "save") -> Response:
    _kpi_or_404(kpi_id)
    engine = stores(request).engine
    if engine is None:
        raise HTTPException(503, "No app database: targets cannot be changed here.")
    if action == "reset":
        if kpi_id not in app_settings.overrides(engine):
            return RedirectResponse("/admin/targets", status_code=303)  # nothing set here
        app_settings.clear_target(engine, kpi_id)
    else:
        try:
            value, tol = app_settings.parse_target(target, tolerance)
        except ValueError as exc:
            field = "tolerance" if "tolerance" in str(exc) else "target"
            return _target_page(request, kpi_id, errors={field: str(exc)},
                                form={"target": target, "tolerance": tolerance},
                                status_code=422)
        app_settings.set_target(engine, viewer.principal, kpi_id, value, tol)
    ASSURANCE.clear()  # figures computed with the old targets are not needed again
    return RedirectResponse(f"/admin/targets?done={kpi_id}", status_code=303)


Filter = Annotated[str | None, Query(max_length=100)]


@router.get("/access-log", name="admin_access_log")
def admin_access_log(request: Request, viewer: ViewerDep, child: Filter = None,
                     user: Filter = None, before: int | None = None) -> Response:
    log = stores(request).access_log
    child = (child or "").strip() or None
    user = (user or "").strip() or None
    result = log.verify()
    entries = log.entries(child_id=child, limit=PAGE, username=user, before_id=before)
    log.record(viewer.principal, "view_access_log", path=str(request.url.path),
               detail=f"child={child or ''} user={user or ''}")
    more = None
    if len(entries) == PAGE:
        more = urlencode({k: v for k, v in (("child", child), ("user", user),
                                            ("before", entries[-1].id)) if v})
    return render(request, "admin_access_log.html", {
        "active_nav": "access_log", "title": "Access log", "result": result,
        "entries": entries, "child": child or "", "user": user or "",
        "count": log.count(), "more": more})
