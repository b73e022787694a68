"""The pages: home by role, scorecards, indicators, children, teams, workers, exceptions,
data loads."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import FileResponse, Response

from lantern import casework
from lantern.casework.labels import Names, exception_text, place_label
from lantern.ingest.history import history, validation_report_file
from lantern.measures.catalogue import SCORECARD
from lantern.measures.drill import child_ids
from lantern.measures.plain import plain
from lantern.security.policy import Principal
from lantern.web import exports, labels
from lantern.web import services as sv
from lantern.web.access import access
from lantern.web.deps import ViewerDep, WhDep, log_child_access, stores
from lantern.web.routes import work
from lantern.web.routes._common import is_htmx, render
from lantern.web.routes.found import (
    child_or_404,
    children_behind,
    drill_columns,
    kpi_or_404,
    team_or_404,
)
from lantern.web.routes.quality import child_audits
from lantern.web.routes.reports import book_of, reports_panel

router = APIRouter(include_in_schema=False)
# Checked by `services.valid_month`, which says what is wrong (not a bare 422).
Month = Annotated[str | None, Query(max_length=20)]
REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
              "frame-ancestors 'none'; base-uri 'none'; form-action 'none'; sandbox")


@router.get("/", name="home")
def home(request: Request, viewer: ViewerDep, wh: WhDep) -> Response:
    p = viewer.principal
    base = {"active_nav": "home", "as_of": wh.as_of}
    month = sv.latest_month(wh)
    if p.role == "admin":
        return render(request, "home.html", {**base, "kind": "admin", "title": "Administration"})
    if viewer.suppressed:
        return render(request, "home.html", {
            **base, "kind": "board", "title": "Board view", "month": month,
            "month_label": sv.month_label(month), "rows": sv.headlines(wh, month, p),
            "reports": reports_panel(request, p) if access("reports", p.role) != "forbidden"
            else None})
    if p.role == "social_worker" and p.professional_id:
        children = casework.children_of(wh.con, wh.as_of, worker_id=p.professional_id)
        children = [c for c in children if sv.child_visible(wh, p, c.child_id)]
        items = sv.work_items(wh, p, child_ids={c.child_id for c in children},
                              worker_id=p.professional_id)
        log_child_access(request, viewer, "view_caseload", [c.child_id for c in children])
        return render(request, "home.html", {
            **base, "kind": "worker", "title": "My children", "children": children,
            "link_workers": p.scope_type != "caseload", **work.listed(request, wh, items)})
    if p.role in ("social_worker", "team_manager") and p.scope_type == "team" and p.scope_value:
        team = team_or_404(wh, viewer, p.scope_value)
        children = casework.children_of(wh.con, wh.as_of, team_id=team.team_id)
        items = sv.work_items(wh, p, child_ids={c.child_id for c in children})
        log_child_access(request, viewer, "view_caseload", [c.child_id for c in children])
        return render(request, "home.html", {
            **base, "kind": "team", "title": f"My team: {team.name}", "team": team,
            "children": children, "link_workers": True, **work.listed(request, wh, items),
            "workers": casework.workers(wh.con, wh.as_of, team_id=team.team_id),
            "reports": reports_panel(request, p) if access("reports", p.role) != "forbidden"
            else None})
    breakdown, value = sv.default_breakdown(p)
    where = place_label(labels.all_names(wh), breakdown, value)
    return render(request, "home.html", {
        **base, "kind": "scorecard", "title": "Service scorecard", "month": month,
        "month_label": sv.month_label(month), "where": where,
        "rows": sv.headlines(wh, month, p, breakdown, value),
        "reports": reports_panel(request, p)})


def _views(wh: sv.Wh) -> list[tuple[str, str]]:
    n = labels.all_names(wh)
    out = [("authority", "Whole authority")]
    services = [(s, n.service(s)) for s in sv.breakdown_values(wh, "service")]
    out += [(f"service:{s}", f"Service: {name}") for s, name in sorted(services, key=_second)]
    teams = [(t, n.teams.get(t, t)) for t in sv.breakdown_values(wh, "team")]
    out += [(f"team:{t}", f"Team: {name}") for t, name in sorted(teams, key=_second)]
    return out


def _second(pair: tuple[str, str]) -> str:
    return pair[1].lower()


@router.get("/scorecard", name="scorecard")
def scorecard(request: Request, viewer: ViewerDep, wh: WhDep, month: Month = None,
              view: str | None = None) -> Response:
    p = viewer.principal
    month = sv.valid_month(wh, month)
    views = _views(wh)
    if view is None:
        b, v = sv.default_breakdown(p)
        view = "authority" if v is None else f"{b}:{v}"
    if view not in dict(views):
        view = "authority"
    breakdown, _, value = view.partition(":")
    label = dict(views)[view]
    ctx = {"active_nav": "scorecard", "as_of": wh.as_of, "title": "Service scorecard",
           "months": sv.months(wh), "month": month, "month_label": sv.month_label(month),
           "views": views, "view": view, "where": label, "suppressed": viewer.suppressed,
           "sections": sv.scorecard(wh, month, p, breakdown, value or None)}
    return render(request, "scorecard.html", ctx,
                  block="results" if is_htmx(request) else None)


@router.get("/board", name="board")
def board(request: Request, viewer: ViewerDep, wh: WhDep, month: Month = None) -> Response:
    month = sv.valid_month(wh, month)
    return render(request, "home.html", {
        "active_nav": "home", "as_of": wh.as_of, "kind": "board", "title": "Board view",
        "month": month, "month_label": sv.month_label(month),
        "rows": sv.headlines(wh, month, viewer.principal)})


@router.get("/indicators/{kpi_id}", name="indicator")
def indicator(request: Request, kpi_id: str, viewer: ViewerDep, wh: WhDep,
              month: Month = None) -> Response:
    kpi_or_404(kpi_id)
    month = sv.valid_month(wh, month)
    got = sv.indicator(wh, kpi_id, month, viewer.principal)
    return render(request, "indicator.html", {
        "active_nav": "scorecard", "as_of": wh.as_of, "title": got["indicator"].title,
        "ind": got["indicator"], "row": got["row"], "chart_row": got["scorecard_row"],
        "breakdowns": {b: labels.labelled(wh, b, rows) for b, rows in got["breakdowns"].items()},
        "labels": sv.BREAKDOWN_LABELS, "names": sv.team_names(wh), "bench": got["benchmark"],
        "months": sv.months(wh), "month": month, "month_label": sv.month_label(month),
        "suppressed": viewer.suppressed, "plain": plain(kpi_id),
        "can_drill": not viewer.principal.aggregate_only,
        **_commentary(request, kpi_id, viewer)})


def _commentary(request: Request, kpi_id: str, viewer: ViewerDep) -> dict[str, object]:
    """The indicator's commentary history, its responsible officer, and whether the
    viewer may write this month's commentary."""
    from lantern.reports.editions import officer_of

    book = book_of(request)
    return {"commentary": book.commentary_history(kpi_id),
            "officer": officer_of(book.config, kpi_id),
            "can_comment": access("indicator_commentary", viewer.principal.role) != "forbidden"
            and viewer.principal.role in book.config.commentary_roles,
            "commentary_done": request.query_params.get("done") == "commentary",
            "commentary_refused": request.query_params.get("refused")}


@router.get("/indicators/{kpi_id}/children", name="indicator_children")
def indicator_children(request: Request, kpi_id: str, viewer: ViewerDep, wh: WhDep,
                       month: Month = None, by: str = "authority",
                       value: str | None = None) -> Response:
    month, rows = children_behind(wh, viewer, kpi_id, month, by, value,
                                  stores(request).engine)
    log_child_access(request, viewer, "view_indicator_children",
                     child_ids(rows), detail=f"{kpi_id} {month}")
    names = sv.team_names(wh)
    where = "" if by == "authority" or value is None else place_label(
        labels.all_names(wh), by, value)
    ind = next(i for i in SCORECARD if i.id == kpi_id)
    subject = ind.subject_info
    if ind.source != "app_db":  # a household's type by its label, beside its code
        rows = labels.named_children(wh, rows, drill_columns(kpi_id))[1]
    one, many = ("child", "children") if subject.id == "child" else (subject.label,
                                                                      subject.plural)
    return render(request, "indicator_children.html", {
        "active_nav": "scorecard", "as_of": wh.as_of,
        "title": f"{_first_upper(many)} behind the figure", "ind": ind, "subject": subject,
        "one": _first_upper(one), "many": _first_upper(many),
        "own": [(b.label, f"{b.id}_label") for b in subject.own],
        "rows": rows, "month": month, "month_label": sv.month_label(month), "names": names,
        "by": by if by != "authority" else "", "value": value or "", "where": where})


def _first_upper(words: str) -> str:
    """"MARAC referrals" stays so; "fostering households" -> "Fostering households"."""
    return words[:1].upper() + words[1:]


@router.get("/indicators/{kpi_id}/children.csv", name="indicator_children_csv")
def indicator_children_csv(request: Request, kpi_id: str, viewer: ViewerDep, wh: WhDep,
                           month: Month = None, by: str = "authority",
                           value: str | None = None) -> Response:
    month, rows = children_behind(wh, viewer, kpi_id, month, by, value,
                                  stores(request).engine)
    log_child_access(request, viewer, "export_indicator_children",
                     child_ids(rows), detail=f"{kpi_id} {month}")
    columns, named = labels.named_children(wh, rows, drill_columns(kpi_id))
    return exports.table_response("csv", f"{kpi_id}-{month}-children", columns, named)


@router.get("/children/{child_id}", name="child")
def child(request: Request, child_id: str, viewer: ViewerDep, wh: WhDep,
          category: str | None = None) -> Response:
    record = child_or_404(wh, viewer, child_id)
    cats = {category} if category in casework.CATEGORIES else None
    events = sv.chronology(wh, child_id, cats)
    log_child_access(request, viewer, "view_child", [child_id])
    names = sv.team_names(wh)
    return render(request, "child.html", {
        "as_of": wh.as_of, "title": f"Child {child_id}", "child": record, "events": events,
        "categories": casework.CATEGORIES, "category": category or "",
        **work.listed(request, wh, sv.work_items(wh, viewer.principal, child_ids={child_id})),
        "names": names, "team_name": names.get(record.team_id or "", record.team_id),
        "audits": child_audits(request, child_id)
        if access("audit", viewer.principal.role) != "forbidden" else None},
        block="events" if is_htmx(request) else None)


@router.get("/children/{child_id}/chronology.csv", name="child_chronology_csv")
def child_chronology_csv(request: Request, child_id: str, viewer: ViewerDep,
                         wh: WhDep) -> Response:
    child_or_404(wh, viewer, child_id)
    events = sv.chronology(wh, child_id)
    log_child_access(request, viewer, "export_chronology", [child_id])
    return exports.table_response(
        "csv", f"chronology-{child_id}", ("date", "category", "category_label", "title",
                                          "detail", "source", "record_id"),
        [e.as_dict() for e in events])


@router.get("/teams", name="teams")
def teams(request: Request, viewer: ViewerDep, wh: WhDep) -> Response:
    rows = []
    for t in sv.visible_teams(wh, viewer.principal):
        ws = casework.workers(wh.con, wh.as_of, team_id=t.team_id)
        rows.append({"team": t, "children": len(casework.children_of(
            wh.con, wh.as_of, team_id=t.team_id)),
            "workers": sum(1 for w in ws if w.caseload),
            "max_caseload": max((w.caseload for w in ws), default=0)})
    return render(request, "teams.html", {"active_nav": "teams", "as_of": wh.as_of,
                                          "title": "Teams", "teams": rows})


@router.get("/teams/{team_id}", name="team")
def team(request: Request, team_id: str, viewer: ViewerDep, wh: WhDep) -> Response:
    t = team_or_404(wh, viewer, team_id)
    children = casework.children_of(wh.con, wh.as_of, team_id=team_id)
    items = sv.work_items(wh, viewer.principal, child_ids={c.child_id for c in children})
    log_child_access(request, viewer, "view_caseload", [c.child_id for c in children])
    return render(request, "team.html", {
        "active_nav": "teams", "as_of": wh.as_of, "title": t.name, "team": t,
        "children": children, **work.listed(request, wh, items),
        "workers": casework.workers(wh.con, wh.as_of, team_id=team_id),
        "changed": sum(1 for c in children if c.changes_12m)})


@router.get("/workers/{worker_id}", name="worker")
def worker(request: Request, worker_id: str, viewer: ViewerDep, wh: WhDep) -> Response:
    w = casework.worker(wh.con, worker_id, wh.as_of)
    if w is None or not sv.team_visible(wh, viewer.principal, w.team_id):
        raise HTTPException(404, "No such worker in your scope.")
    children = [c for c in casework.children_of(wh.con, wh.as_of, worker_id=worker_id)
                if sv.child_visible(wh, viewer.principal, c.child_id)]
    items = sv.work_items(wh, viewer.principal, child_ids={c.child_id for c in children},
                          worker_id=worker_id)
    log_child_access(request, viewer, "view_caseload", [c.child_id for c in children])
    names = sv.team_names(wh)
    return render(request, "worker.html", {
        "active_nav": "teams", "as_of": wh.as_of, "title": w.name, "worker": w,
        "team_name": names.get(w.team_id or "", w.team_id or ""), "children": children,
        **work.listed(request, wh, items), "changed": sum(1 for c in children if c.changes_12m)})


def _named(e: dict[str, object], n: Names) -> dict[str, object]:
    """An exception with its place (team, service, worker) by name."""
    b, v = str(e["breakdown"]), e.get("breakdown_value")
    value = None if v is None else str(v)
    msg = e.get("message")
    return {**e, "where": place_label(n, b, value),
            "message": exception_text(msg, b, value, n) if isinstance(msg, str) else msg}


@router.get("/exceptions", name="exceptions")
def exceptions(request: Request, viewer: ViewerDep, wh: WhDep, month: Month = None) -> Response:
    month = sv.valid_month(wh, month)
    n = labels.all_names(wh)
    groups = {n.service(k) if k else k: [_named(sv.exception_dict(e, viewer.principal, wh,
                                                                  month), n)
                                          for e in v]
              for k, v in sv.exceptions(wh, month, viewer.principal).items()}
    return render(request, "exceptions.html", {
        "active_nav": "exceptions", "as_of": wh.as_of, "title": "Exceptions",
        "months": sv.months(wh), "month": month, "month_label": sv.month_label(month),
        "groups": groups, "names": sv.team_names(wh), "suppressed": viewer.suppressed,
        "titles": {i.id: i.title for i in SCORECARD},
        "deep_dives": _deep_dive_refs(request, month)})


def _deep_dive_refs(request: Request, month: str) -> dict[tuple[str, str, str], str]:
    """Each stored deep dive by subject, so a trigger links to its record."""
    from lantern.governance.deep_dives import refs_by_subject

    engine = stores(request).engine
    if engine is None:
        return {}
    with Session(engine) as s:
        return refs_by_subject(s, month)


#: Validation reports list problems row by row, with the values found: child-level data.
#: Only people who may see every child open them (the role table decides the role; the
#: scope must be the whole authority as well).


def can_open_reports(p: Principal) -> bool:
    return access("validation_report", p.role) != "forbidden" and p.scope_type == "authority"


@router.get("/loads", name="loads")
def loads(request: Request, viewer: ViewerDep, wh: WhDep) -> Response:
    rows, reports = history(wh.con, request.app.state.settings.reports_dir)
    for r in rows:
        r["kind_label"] = ", ".join(LOAD_KINDS.get(k, k) for k in str(r["kind"]).split("+"))
    return render(request, "loads.html", {
        "active_nav": "loads", "as_of": wh.as_of, "title": "Data loads",
        "loads": rows, "reports": reports, "can_open": can_open_reports(viewer.principal),
        "authority_names": {wh.authority.la_code: wh.authority.la_name},
    })


#: What each kind of load was, in words.
LOAD_KINDS = {"ssd": "Case-management extract (SSD)", "cin": "CIN census",
              "ssda903": "SSDA903 return", "903": "SSDA903 return", "annex_a": "Annex A",
              "synthetic": "Synthetic demo authority", "demo": "Synthetic demo authority"}


@router.get("/loads/validation/{name}/problems.{kind}", name="validation_report")
def validation_report(request: Request, name: str, kind: str, viewer: ViewerDep) -> Response:
    if viewer.principal.scope_type != "authority":
        raise HTTPException(403, "Validation reports hold child-level data: they are open "
                                 "only to people who can see every child.")
    path = validation_report_file(request.app.state.settings.reports_dir, name, kind)
    if path is None:
        raise HTTPException(404, "No such validation report.")
    stores(request).access_log.record(viewer.principal, "view_validation_report",
                                      path=str(request.url.path), detail=name)
    if kind == "csv":
        return FileResponse(path, media_type="text/csv; charset=utf-8",
                            filename=f"validation-{name}.csv")
    # The report is a standalone page with its own small stylesheet and no scripts.
    return FileResponse(path, media_type="text/html; charset=utf-8", headers={
        "Content-Security-Policy": REPORT_CSP})
