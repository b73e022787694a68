"""The JSON API under /api: the same sign-in, roles, scopes and suppression as the pages.

Requests are authenticated by the session cookie; the route × role table in
`web.access` decides who may call what, exactly as for the pages.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from starlette.responses import Response

from lantern import casework
from lantern.measures.catalogue import INDICATORS
from lantern.measures.drill import child_ids
from lantern.web import api_models as m
from lantern.web import services as sv
from lantern.web.deps import ViewerDep, WhDep, log_child_access
from lantern.web.routes import work
from lantern.web.routes._common import render
from lantern.web.routes.found import child_or_404, children_behind, kpi_or_404, team_or_404

router = APIRouter(prefix="/api", tags=["api"])
Month = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$",
                                    description="YYYY-MM; default the latest month")]


@router.get("/docs", name="api_docs", include_in_schema=False)
def api_docs(request: Request, viewer: ViewerDep) -> Response:
    schema = request.app.openapi()
    return render(request, "api_docs.html", {"active_nav": "api", "title": "API",
                                             "schema": schema, "returns": _returns(schema)})


def _returns(schema: dict[str, Any]) -> dict[str, str]:
    """Each GET path's response in words: "a list of TeamOut (team_id, name, ...)"."""
    shapes = schema.get("components", {}).get("schemas", {})
    out = {}
    for path, ops in schema["paths"].items():
        got = ops.get("get", {}).get("responses", {}).get("200", {}).get("content", {})
        body = got.get("application/json", {}).get("schema", {})
        many = body.get("type") == "array"
        ref = (body.get("items", {}) if many else body).get("$ref", "")
        name = ref.rsplit("/", 1)[-1]
        if name in shapes:
            fields = ", ".join(shapes[name].get("properties", {}))
            out[path] = f"{'a list of ' if many else ''}{name} ({fields})"
    return out


@router.get("/me", name="api_me", summary="The signed-in user")
def api_me(viewer: ViewerDep) -> m.Me:
    p = viewer.principal
    return m.Me(username=p.username, display_name=p.display_name, role=p.role,
                scope_type=p.scope_type, scope_value=p.scope_value,
                aggregate_only=p.aggregate_only)


@router.get("/indicators", name="api_indicators", summary="The indicator catalogue")
def api_indicators(viewer: ViewerDep) -> list[m.IndicatorInfo]:
    return [m.IndicatorInfo(kpi_id=i.id, title=i.title, definition=i.definition, area=i.area,
                            unit=i.unit, polarity=i.polarity, periods=list(i.all_periods),
                            headline_period=i.headline_period) for i in INDICATORS]


@router.get("/scorecard", name="api_scorecard",
            summary="Every indicator's value, target, status, trend and benchmarks")
def api_scorecard(viewer: ViewerDep, wh: WhDep, month: Month = None,
                  breakdown: Annotated[str, Query(pattern="^(authority|service|team)$")]
                  = "authority", value: str | None = None) -> m.Scorecard:
    month = sv.valid_month(wh, month)
    if breakdown != "authority" and not value:
        raise HTTPException(422, "value is required for a service or team breakdown")
    return m.Scorecard.model_validate({
        "month": month, "breakdown": breakdown, "value": value,
        "sections": sv.scorecard(wh, month, viewer.principal, breakdown, value)})


@router.get("/indicators/{kpi_id}", name="api_indicator",
            summary="One indicator: its row, monthly series and breakdowns")
def api_indicator(kpi_id: str, viewer: ViewerDep, wh: WhDep,
                  month: Month = None) -> m.IndicatorDetail:
    kpi_or_404(kpi_id)
    month = sv.valid_month(wh, month)
    got = sv.indicator(wh, kpi_id, month, viewer.principal)
    ind = got["indicator"]
    return m.IndicatorDetail.model_validate({
        "month": month, "kpi_id": kpi_id, "title": ind.title, "definition": ind.definition,
        "row": got["row"], "breakdowns": got["breakdowns"], "benchmark": got["benchmark"]})


@router.get("/indicators/{kpi_id}/children", name="api_indicator_children",
            summary="The children behind a figure (in your scope), and why each counts")
def api_indicator_children(request: Request, kpi_id: str, viewer: ViewerDep, wh: WhDep,
                           month: Month = None, by: str = "authority",
                           value: str | None = None) -> m.ChildrenBehind:
    month, rows = children_behind(wh, viewer, kpi_id, month, by, value)
    log_child_access(request, viewer, "export_indicator_children",
                     child_ids(rows), detail=f"{kpi_id} {month}")
    return m.ChildrenBehind.model_validate({"kpi_id": kpi_id, "month": month, "children": [
        {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()}
        for r in rows]})


@router.get("/children/{child_id}", name="api_child",
            summary="A child's record: identity, status, allocations, what is due")
def api_child(request: Request, child_id: str, viewer: ViewerDep,
              wh: WhDep) -> m.ChildOut:
    record = child_or_404(wh, viewer, child_id)
    log_child_access(request, viewer, "view_child", [child_id])
    return m.ChildOut.model_validate({**record.as_dict(), "due": [
        i.as_dict() for i in sv.work_items(wh, viewer.principal, child_ids={child_id})]})


@router.get("/children/{child_id}/chronology", name="api_child_chronology",
            summary="A child's chronology, oldest first")
def api_child_chronology(request: Request, child_id: str, viewer: ViewerDep,
                         wh: WhDep) -> m.Chronology:
    child_or_404(wh, viewer, child_id)
    log_child_access(request, viewer, "export_chronology", [child_id])
    return m.Chronology.model_validate({"child_id": child_id, "events": [
        e.as_dict() for e in sv.chronology(wh, child_id)]})


@router.get("/teams", name="api_teams", summary="Teams in your scope with caseloads")
def api_teams(viewer: ViewerDep, wh: WhDep) -> list[m.TeamOut]:
    out = []
    for t in sv.visible_teams(wh, viewer.principal):
        ws = casework.workers(wh.con, wh.as_of, team_id=t.team_id)
        out.append({"team_id": t.team_id, "name": t.name, "service_id": t.service_id,
                    "workers": [w.__dict__ for w in ws]})
    return [m.TeamOut.model_validate(x) for x in out]


@router.get("/teams/{team_id}", name="api_team", summary="A team's children and workers")
def api_team(request: Request, team_id: str, viewer: ViewerDep, wh: WhDep) -> m.TeamDetail:
    t = team_or_404(wh, viewer, team_id)
    children = casework.children_of(wh.con, wh.as_of, team_id=team_id)
    log_child_access(request, viewer, "view_caseload", [c.child_id for c in children])
    return m.TeamDetail.model_validate({
        "team_id": t.team_id, "name": t.name, "service_id": t.service_id,
        "children": [c.as_dict() for c in children],
        "workers": [w.__dict__ for w in casework.workers(wh.con, wh.as_of, team_id=team_id)]})


@router.get("/workers/{worker_id}", name="api_worker", summary="A worker's caseload")
def api_worker(request: Request, worker_id: str, viewer: ViewerDep,
               wh: WhDep) -> m.WorkerDetail:
    w = casework.worker(wh.con, worker_id, wh.as_of)
    if w is None or not sv.team_visible(wh, viewer.principal, w.team_id):
        raise HTTPException(404, "No such worker in your scope.")
    children = [c for c in casework.children_of(wh.con, wh.as_of, worker_id=worker_id)
                if sv.child_visible(wh, viewer.principal, c.child_id)]
    log_child_access(request, viewer, "view_caseload", [c.child_id for c in children])
    return m.WorkerDetail.model_validate(
        {**w.__dict__, "children": [c.as_dict() for c in children]})


@router.get("/my-work", name="api_my_work",
            summary="Due, overdue and escalated items for children in your scope")
def api_my_work(viewer: ViewerDep, wh: WhDep) -> m.MyWork:
    p = viewer.principal
    items = sv.work_items(wh, p, worker_id=p.professional_id) if (
        p.role == "social_worker" and p.professional_id) else sv.work_items(wh, p)
    return m.MyWork.model_validate(
        {"as_of": wh.as_of.isoformat(), "items": [i.as_dict() for i in items]})


@router.get("/exceptions", name="api_exceptions", summary="The month's exceptions by service")
def api_exceptions(viewer: ViewerDep, wh: WhDep, month: Month = None) -> m.Exceptions:
    month = sv.valid_month(wh, month)
    return m.Exceptions.model_validate({"month": month, "services": {
        k: [sv.exception_dict(e, viewer.principal, wh, month) for e in v]
        for k, v in sv.exceptions(wh, month, viewer.principal).items()}})


@router.get("/loads", name="api_loads", summary="The warehouse's load history")
def api_loads(viewer: ViewerDep, wh: WhDep) -> list[m.LoadOut]:
    return [m.LoadOut(load_id=r["load_id"], loaded_at=r["loaded_at"], kind=r["kind"],
                      la_code=r["la_code"], rows=r["rows"]) for r in sv.loads(wh)]


@router.get("/inbox", name="api_inbox",
            summary="Your alert items, each with its state (open, acknowledged, snoozed)")
def api_inbox(request: Request, viewer: ViewerDep, wh: WhDep) -> m.Inbox:
    rows = work.rows_for(request, wh, viewer, sv.inbox_items(wh, viewer.principal))
    work.log_rows(request, viewer, rows)
    return m.Inbox.model_validate(
        {"as_of": wh.as_of.isoformat(), "items": [work.row_json(r) for r in rows]})


@router.get("/work", name="api_work",
            summary="Your team's (service's, authority's) due and overdue items")
def api_work(request: Request, viewer: ViewerDep, wh: WhDep,
             rule: Annotated[str, Query(max_length=120)] = "",
             worker: Annotated[str, Query(max_length=120)] = "",
             state: Annotated[str, Query(pattern="^(|open|acknowledged|snoozed)$")] = "",
             service: Annotated[str, Query(max_length=120)] = "",
             team: Annotated[str, Query(max_length=120)] = "") -> m.WorkList:
    """Every item for the filters (snoozed ones only when ``state=snoozed``); tracker
    items aged past the horizon carry ``data_to_check: true``."""
    got = work.work_rows(request, wh, viewer, {"rule": rule, "worker": worker, "state": state,
                                                "service": service, "team": team})
    rows = got["groups"]["current"] + got["groups"]["check"]
    work.log_rows(request, viewer, rows)
    check = {id(r) for r in got["groups"]["check"]}
    return m.WorkList.model_validate({
        "as_of": wh.as_of.isoformat(), "total": len(rows),
        "items": [{**work.row_json(r), "data_to_check": id(r) in check} for r in rows]})
