"""Admin pages: users, roles and scopes; targets."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from lantern.assurance.targets import load_targets
from lantern.measures.catalogue import INDICATORS
from lantern.security.policy import ROLES, SCOPE_TYPES
from lantern.web.deps import ViewerDep, stores
from lantern.web.routes._common import render

router = APIRouter(include_in_schema=False, prefix="/admin")


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


@router.get("/targets", name="admin_targets")
def admin_targets(request: Request, viewer: ViewerDep) -> Response:
    settings = request.app.state.settings
    path = str(settings.targets) if settings.targets else None
    targets = load_targets(path)
    rows = [{"kpi_id": i.id, "title": i.title, "unit": i.unit,
             "target": targets[i.id].target, "tolerance": targets[i.id].tolerance,
             "source": targets[i.id].source} for i in INDICATORS if i.id in targets]
    return render(request, "admin_targets.html", {
        "active_nav": "admin", "title": "Targets", "rows": rows, "targets_path": path})
