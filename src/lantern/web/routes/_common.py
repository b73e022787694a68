"""Shared by the page routers: rendering with the layout's context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from starlette.responses import Response

from lantern.casework.labels import value_label
from lantern.security.policy import Principal
from lantern.web.access import access


@dataclass(frozen=True)
class NavItem:
    key: str
    href: str
    text: str
    route: str


NAV = (
    NavItem("home", "/", "Home", "home"),
    NavItem("inbox", "/inbox", "Inbox", "inbox"),
    NavItem("work", "/work", "Work list", "work"),
    NavItem("scorecard", "/scorecard", "Scorecard", "scorecard"),
    NavItem("themes", "/themes", "Themes", "themes"),
    NavItem("teams", "/teams", "Teams", "teams"),
    NavItem("plan", "/plan", "Plan", "plan"),
    NavItem("my_actions", "/actions/mine", "My actions", "my_actions"),
    NavItem("deep_dives", "/deep-dives", "Deep dives", "deep_dives"),
    NavItem("meetings", "/meetings", "Meetings", "meetings"),
    NavItem("audits", "/audits", "Audits", "audits"),
    NavItem("exceptions", "/exceptions", "Exceptions", "exceptions"),
    NavItem("reports", "/reports", "Reports", "reports"),
    NavItem("board_pack", "/board-pack", "Board pack", "board_pack"),
    NavItem("loads", "/loads", "Data loads", "loads"),
    NavItem("admin", "/admin/users", "Users", "admin_users"),
    NavItem("targets", "/admin/targets", "Targets", "admin_targets"),
    NavItem("access_log", "/admin/access-log", "Access log", "admin_access_log"),
    NavItem("api", "/api/docs", "API", "api_docs"),
)


def nav_for(p: Principal | None) -> list[NavItem]:
    if p is None:
        return []
    return [n for n in NAV if access(n.route, p.role) != "forbidden"]


def scope_label(request: Request, p: Principal | None) -> str:
    """The person's scope as the header says it: "Front door", "Safeguarding Team 1",
    "own caseload" (the names read with the page's warehouse, else the id)."""
    if p is None or not p.scope_value:
        return ""
    if p.scope_type == "caseload":
        return "own caseload"
    names = getattr(request.state, "names", None)
    if names is None:
        return f"{p.scope_type} {p.scope_value}"
    return value_label(names, p.scope_type, p.scope_value)


def render(request: Request, template: str, context: dict[str, Any], *,
           status_code: int = 200, block: str | None = None) -> Response:
    principal = getattr(request.state, "principal", None)
    ctx = {"request": request, "principal": principal, "nav_items": nav_for(principal),
           "scope_label": scope_label(request, principal),
           "active_nav": context.pop("active_nav", ""), **context}
    templates = request.app.state.templates
    if block is not None:
        return templates.TemplateResponse(request, template, ctx, status_code=status_code,
                                          block_name=block)
    return templates.TemplateResponse(request, template, ctx,
                                      status_code=status_code)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"
