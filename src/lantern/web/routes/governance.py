"""Deep dives and meetings in the browser: the tracker (filters by service, kind, status;
"no update for three months" flagged), a deep dive's page (values and children at each
trigger, the indicator's SPC chart with the deep dive marked as a process change,
findings, actions in the shared tracker, updates, its history), commissioning one, and
meetings with minutes, decisions and actions carried forward.

Heads of service and above manage deep dives in their scope; board members and
inspectors see the tracker and the pages without any child (see `web.access`). The
rules are `lantern.governance`'s; the figures are the scorecard's own.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from lantern.actions.tracker import ActionDraft, KpiLink, TrackerError, actions_from, create
from lantern.appdb.models import User
from lantern.assurance.monthly import metas as indicator_metas
from lantern.governance import deep_dives as dds
from lantern.governance import meetings as mtg
from lantern.governance.figures import ScopeFigures, Warehouse
from lantern.governance.models import (
    COMMISSIONED_KINDS,
    MEETING_KINDS,
    DeepDive,
)
from lantern.governance.service import Recovery, close, tracker
from lantern.governance.tracker import KIND_LABELS, filter_rows, service_of
from lantern.reports.build import with_process_change
from lantern.security.disclosure import TOTAL, withhold
from lantern.security.policy import SUPPRESSED, Principal, suppress_kpi_row
from lantern.web import services as sv
from lantern.web.access import access
from lantern.web.deps import Viewer, ViewerDep, WhDep, log_child_access, stores
from lantern.web.labels import label_of
from lantern.web.routes._common import render

router = APIRouter(include_in_schema=False)
MANAGERS = ("head_of_service", "divisional_director", "dcs")


def _engine(request: Request) -> Any:
    engine = stores(request).engine
    if engine is None:
        raise HTTPException(503, "No app database: deep dives are kept there.")
    return engine


def _warehouse(wh: sv.Wh) -> Warehouse:
    return Warehouse(wh.con, wh.authority.la_code, wh.authority.population)


def may_manage(p: Principal, service: str) -> bool:
    """Heads of service and above, for deep dives in their scope (a service-scoped head
    of service manages its own service's; the authority's need authority scope)."""
    if p.role not in MANAGERS:
        return False
    return p.scope_type == "authority" or (p.scope_type == "service"
                                           and bool(service) and p.scope_value == service)


def _scope_label(wh: sv.Wh, breakdown: str, value: str) -> str:
    if breakdown in ("team", "service"):  # by name: "Assessment Team 2", "No allocated worker"
        return label_of(wh, breakdown, value)
    return wh.authority.la_name or "the authority"


@router.get("/deep-dives", name="deep_dives")
def deep_dives_page(request: Request, viewer: ViewerDep, wh: WhDep, service: str = "",
                    kind: str = "", status: str = "") -> Response:
    latest = sv.latest_month(wh)
    # The figures are kept per load (computed for new subjects only); the deep dives
    # themselves are read afresh, so a change shows at once.
    figures = sv.RESULTS.get(wh.key("deep_dive_figures", latest),
                             lambda: ScopeFigures(_warehouse(wh), latest))
    figures.wh = _warehouse(wh)  # this request's connection; the values are the load's
    rows = tracker(_engine(request), as_of=wh.as_of, wh=None, latest_month=latest,
                   team_service=sv.team_services(wh), figures=figures)
    shown = filter_rows(rows, service=service, kind=kind, status=status)
    services = sorted({r.service for r in rows if r.service})
    return render(request, "deep_dives.html", {
        "active_nav": "deep_dives", "title": "Deep dives", "rows": shown, "total": len(rows),
        "filters": {"service": service, "kind": kind, "status": status},
        "services": services, "kinds": KIND_LABELS, "month_label": sv.month_label(latest),
        "place_of": lambda r: _scope_label(wh, r.breakdown, r.breakdown_value),
        "stale": sum(r.stale for r in shown), "as_of": wh.as_of,
        "can_commission": viewer.principal.role in MANAGERS,
        "commission_kinds": KINDS_COMMISSIONED,
        "notice": request.query_params.get("done")})


def _dd_or_404(s: Session, ref: str) -> DeepDive:
    try:
        return dds.get(s, ref)
    except dds.DeepDiveError:
        raise HTTPException(404, f"No deep dive {ref!r}.") from None


def _triggers(s: Session, dd: DeepDive, p: Principal, wh: sv.Wh) -> list[dict[str, Any]]:
    """Each firing with its frozen figures, as this person may see them: for
    aggregate-only roles, counts of 1-4 suppressed, a figure the scorecard withholds
    (secondary suppression, differencing across months) withheld here too, and no
    children."""
    out = []
    for t in dds.triggers(s, dd):
        f = json.loads(t.figures)
        kids = dds.trigger_children(t)
        key = TOTAL if t.breakdown == "authority" else (t.breakdown, t.breakdown_value)
        points = [withhold({"month": m, "value": v, "numerator": n, "denominator": d},
                           SUPPRESSED)
                  if p.aggregate_only and sv.figure_withheld(wh, t.kpi_id, key, m) else
                  suppress_kpi_row({"month": m, "value": v, "numerator": n,
                                    "denominator": d}, p)
                  for m, v, n, d in zip(f["months"], f["values"], f["numerators"],
                                        f["denominators"], strict=True)]
        out.append({"month": t.month, "points": points, "polarity": f.get("polarity", ""),
                    "children": [] if p.aggregate_only else kids.get(t.month, [])})
    return out


def _visible_children(request: Request, viewer: Viewer, wh: sv.Wh,
                      kids: list[dds.CountedChild], polarity: str) -> list[dict[str, Any]]:
    """The children of the latest figure this person may open, each marked when they
    count against it (late, not seen); one access-log entry for the view."""
    if viewer.suppressed:
        return []
    shown = [k for k in kids if sv.child_visible(wh, viewer.principal, k.child_id)]
    log_child_access(request, viewer, "view_deep_dive_children", [k.child_id for k in shown])
    records = {k.child_id: sv.child_record(wh, k.child_id) for k in shown}
    return [{"id": k.child_id, "name": getattr(records[k.child_id], "name", "") or k.child_id,
             "against": k.against(polarity), "known": k.records is not None} for k in shown]


def _chart(wh: sv.Wh, viewer: Viewer, dd: DeepDive) -> Any:
    if dd.kpi_id is None:
        return None
    month = sv.latest_month(wh)
    row = sv.authority_rows(wh, month).get(dd.kpi_id)
    if row is not None:  # the board sees the chart the indicator's page shows it
        row = sv.chart_row(wh, month, row, viewer.principal)[0]
    if row is not None and dd.process_change_month:
        row = with_process_change(row, dd.process_change_month, f"Deep dive {dd.ref}")
    return row


@router.get("/deep-dives/{ref}", name="deep_dive")
def deep_dive_page(request: Request, ref: str, viewer: ViewerDep, wh: WhDep) -> Response:
    engine = _engine(request)
    with Session(engine) as s:
        dd = _dd_or_404(s, ref)
        triggers = _triggers(s, dd, viewer.principal, wh)
        names = {u.id: u.display_name for u in s.scalars(select(User))}
        context: dict[str, Any] = {
            "dd": dd, "kind_label": KIND_LABELS[dd.kind], "triggers": triggers,
            "scope": _scope_label(wh, dd.breakdown, dd.breakdown_value),
            "lead": names.get(dd.lead_id) if dd.lead_id else None,
            "updates": [(u, names.get(u.user_id, "")) for u in dds.updates(s, dd)],
            "events": dds.events(s, dd),
            "actions": actions_from(s, "deep_dive", [str(dd.id)]),
            "service": service_of(dd, sv.team_services(wh)),
            "users": [(u.username, u.display_name) for u in s.scalars(
                select(User).where(User.disabled.is_(False)).order_by(User.display_name))],
        }
    meta = indicator_metas().get(dd.kpi_id) if dd.kpi_id else None
    last: dict[str, Any] = triggers[-1] if triggers else {"children": [], "polarity": ""}
    return render(request, "deep_dive.html", {
        **context, "active_nav": "deep_dives", "title": f"{dd.ref} {_subject(dd)}",
        "subject": _subject(dd), "meta": meta, "chart_row": _chart(wh, viewer, dd),
        "children": _visible_children(request, viewer, wh, last["children"],
                                      last["polarity"]),
        "children_withheld": viewer.suppressed,
        "can_manage": may_manage(viewer.principal, context["service"]),
        "notice": request.query_params.get("done"),
        "error": request.query_params.get("error")})


def _subject(dd: DeepDive) -> str:
    if dd.theme:
        return dd.theme
    meta = indicator_metas().get(dd.kpi_id or "")
    return meta.title if meta else (dd.kpi_id or "")


def _managed(request: Request, viewer: Viewer, wh: sv.Wh, ref: str) -> None:
    with Session(_engine(request)) as s:
        dd = _dd_or_404(s, ref)
        service = service_of(dd, sv.team_services(wh))
    if not may_manage(viewer.principal, service):
        raise HTTPException(403, "Only heads of service and above manage deep dives in "
                                 "their scope.")


def _back(ref: str, *, done: str = "", error: str = "") -> Response:
    from urllib.parse import urlencode

    query = urlencode({k: v for k, v in (("done", done), ("error", error)) if v})
    return RedirectResponse(f"/deep-dives/{ref}" + (f"?{query}" if query else ""),
                            status_code=303)


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        return None


@router.post("/deep-dives/{ref}/edit", name="deep_dive_edit")
def deep_dive_edit(request: Request, ref: str, viewer: ViewerDep, wh: WhDep,
                   lead: Annotated[str, Form()] = "", due: Annotated[str, Form()] = "",
                   terms_of_reference: Annotated[str, Form()] = "",
                   method: Annotated[str, Form()] = "",
                   audit_sample: Annotated[str, Form()] = "",
                   findings: Annotated[str, Form()] = "",
                   recommendations: Annotated[str, Form()] = "") -> Response:
    _managed(request, viewer, wh, ref)
    when = _date(due)
    if due.strip() and when is None:
        return _back(ref, error=f"Due date {due!r}: enter a date as YYYY-MM-DD")
    try:
        with Session(_engine(request)) as s, s.begin():
            dds.edit(s, ref, lead=lead, due=when, terms_of_reference=terms_of_reference,
                     method=method, audit_sample=audit_sample, findings=findings,
                     recommendations=recommendations)
    except dds.DeepDiveError as e:
        return _back(ref, error=str(e))
    return _back(ref, done="Saved")


@router.post("/deep-dives/{ref}/updates", name="deep_dive_update")
def deep_dive_update(request: Request, ref: str, viewer: ViewerDep, wh: WhDep,
                     text: Annotated[str, Form()] = "") -> Response:
    _managed(request, viewer, wh, ref)
    try:
        with Session(_engine(request)) as s, s.begin():
            dds.add_update(s, viewer.principal, ref, text, wh.as_of)
    except dds.DeepDiveError as e:
        return _back(ref, error=str(e))
    return _back(ref, done="Update added")


@router.post("/deep-dives/{ref}/actions", name="deep_dive_action")
def deep_dive_action(request: Request, ref: str, viewer: ViewerDep, wh: WhDep,
                     title: Annotated[str, Form()] = "", lead: Annotated[str, Form()] = "",
                     due: Annotated[str, Form()] = "") -> Response:
    _managed(request, viewer, wh, ref)
    when = _date(due)
    if not title.strip() or not lead or when is None:
        return _back(ref, error="An action needs a title, a lead and a due date (YYYY-MM-DD)")
    with Session(_engine(request)) as s, s.begin():
        dd = _dd_or_404(s, ref)
        n = len(actions_from(s, "deep_dive", [str(dd.id)])) + 1
        kpis = (KpiLink(dd.kpi_id),) if dd.kpi_id else ()
        try:
            create(s, viewer.principal, ActionDraft(
                ref=f"{dd.ref}-{n}", title=title.strip(), lead=lead, due=when,
                source_kind="deep_dive", source_id=str(dd.id), kpis=kpis))
        except TrackerError as e:
            return _back(ref, error=str(e))
    return _back(ref, done="Action added to the tracker")


@router.post("/deep-dives/{ref}/process-change", name="deep_dive_process_change")
def deep_dive_process_change(request: Request, ref: str, viewer: ViewerDep, wh: WhDep,
                             month: Annotated[str, Form()] = "") -> Response:
    _managed(request, viewer, wh, ref)
    if _date(f"{month.strip()}-01") is None:
        return _back(ref, error=f"Month {month!r}: enter it as YYYY-MM")
    with Session(_engine(request)) as s, s.begin():
        dds.mark_process_change(s, viewer.principal, ref, month.strip(), wh.as_of)
    return _back(ref, done=f"Marked as a process change from {month.strip()}")


@router.post("/deep-dives/{ref}/close", name="deep_dive_close")
def deep_dive_close(request: Request, ref: str, viewer: ViewerDep, wh: WhDep,
                    reason: Annotated[str, Form()] = "") -> Response:
    _managed(request, viewer, wh, ref)
    recovery = Recovery(_warehouse(wh), sv.latest_month(wh),
                        tuple(m for m, _ in wh.authority.process_changes))
    try:
        result = close(_engine(request), viewer.principal, ref, wh.as_of, reason=reason,
                       recovery=recovery)
    except dds.DeepDiveError as e:
        return _back(ref, error=f"Not closed: {e}")
    return _back(ref, done="Closed on recovery" if result else "Closed with your reason")


@router.post("/deep-dives/{ref}/reopen", name="deep_dive_reopen")
def deep_dive_reopen(request: Request, ref: str, viewer: ViewerDep, wh: WhDep,
                     reason: Annotated[str, Form()] = "") -> Response:
    _managed(request, viewer, wh, ref)
    try:
        with Session(_engine(request)) as s, s.begin():
            dds.reopen(s, viewer.principal, ref, wh.as_of, reason)
    except dds.DeepDiveError as e:
        return _back(ref, error=str(e))
    return _back(ref, done="Reopened")


@router.post("/deep-dives", name="deep_dive_commission")
def deep_dive_commission(request: Request, viewer: ViewerDep, wh: WhDep,
                         kind: Annotated[str, Form()] = "",
                         theme: Annotated[str, Form()] = "",
                         lead: Annotated[str, Form()] = "",
                         due: Annotated[str, Form()] = "") -> Response:
    p = viewer.principal
    if p.role not in MANAGERS:
        raise HTTPException(403, "Only heads of service and above commission deep dives.")
    service = p.scope_value if p.scope_type == "service" else ""
    try:
        with Session(_engine(request)) as s, s.begin():
            dd = dds.commission(s, p, kind=kind, theme=theme, on=wh.as_of, lead=lead or None,
                                due=_date(due), breakdown="service" if service else
                                "authority", breakdown_value=service or "")
            ref = dd.ref
    except dds.DeepDiveError as e:
        return RedirectResponse(f"/deep-dives?done=Not+commissioned:+{e}", status_code=303)
    return _back(ref, done="Commissioned")


# --- meetings ------------------------------------------------------------------


@router.get("/meetings", name="meetings")
def meetings_page(request: Request, viewer: ViewerDep, kind: str = "") -> Response:
    with Session(_engine(request)) as s:
        rows = [(m, len(mtg.own_actions(s, m))) for m in mtg.listing(s, kind or None)]
    return render(request, "meetings.html", {
        "active_nav": "meetings", "title": "Meetings", "rows": rows, "kind": kind,
        "kinds": mtg.KIND_LABELS, "can_add": viewer.principal.role in (*MANAGERS,
                                                                      "performance_analyst"),
        "notice": request.query_params.get("done")})


@router.post("/meetings", name="meeting_add")
def meeting_add(request: Request, viewer: ViewerDep,
                kind: Annotated[str, Form()] = "", held_on: Annotated[str, Form()] = "",
                service: Annotated[str, Form()] = "",
                chair: Annotated[str, Form()] = "") -> Response:
    when = _date(held_on)
    if kind not in MEETING_KINDS or when is None:
        return RedirectResponse("/meetings?done=Not+added:+choose+a+kind+and+a+date",
                                status_code=303)
    with Session(_engine(request)) as s, s.begin():
        m = mtg.create(s, kind=kind, held_on=when, service=service.strip(),
                       chair=chair.strip(), created_by=viewer.principal.user_id)
        ref = m.ref
    return RedirectResponse(f"/meetings/{ref}?done=Meeting+added", status_code=303)


@router.get("/meetings/{ref}", name="meeting")
def meeting_page(request: Request, ref: str, viewer: ViewerDep) -> Response:
    with Session(_engine(request)) as s:
        try:
            m = mtg.get(s, ref)
        except mtg.MeetingError:
            raise HTTPException(404, f"No meeting {ref!r}.") from None
        context = {"m": m, "attendees": mtg.attendees(m), "papers": mtg.papers(m),
                   "actions": mtg.own_actions(s, m), "carried": mtg.carried_forward(s, m),
                   "users": [(u.username, u.display_name) for u in s.scalars(
                       select(User).where(User.disabled.is_(False))
                       .order_by(User.display_name))]}
    return render(request, "meeting.html", {
        **context, "active_nav": "meetings", "kind_label": mtg.KIND_LABELS[m.kind],
        "title": f"{mtg.KIND_LABELS[m.kind]}, {m.held_on:%d %B %Y}",
        "can_edit": access("meeting_minutes", viewer.principal.role) != "forbidden",
        "notice": request.query_params.get("done")})


@router.post("/meetings/{ref}/minutes", name="meeting_minutes")
def meeting_minutes(request: Request, ref: str, viewer: ViewerDep,
                    minutes: Annotated[str, Form()] = "",
                    decisions: Annotated[str, Form()] = "",
                    attendees: Annotated[str, Form()] = "") -> Response:
    with Session(_engine(request)) as s, s.begin():
        try:
            mtg.record(s, ref, minutes=minutes, decisions=decisions,
                       attendees=attendees.splitlines())
        except mtg.MeetingError:
            raise HTTPException(404, f"No meeting {ref!r}.") from None
    return RedirectResponse(f"/meetings/{ref}?done=Minutes+saved", status_code=303)


@router.post("/meetings/{ref}/actions", name="meeting_action")
def meeting_action(request: Request, ref: str, viewer: ViewerDep,
                   title: Annotated[str, Form()] = "", lead: Annotated[str, Form()] = "",
                   due: Annotated[str, Form()] = "") -> Response:
    when = _date(due)
    if not title.strip() or not lead or when is None:
        return RedirectResponse(f"/meetings/{ref}?done=Not+added:+an+action+needs+a+title,"
                                "+a+lead+and+a+due+date", status_code=303)
    with Session(_engine(request)) as s, s.begin():
        try:
            m = mtg.get(s, ref)
            n = len(mtg.own_actions(s, m)) + 1
            create(s, viewer.principal, ActionDraft(
                ref=f"{m.ref}-{n}", title=title.strip(), lead=lead, due=when,
                source_kind="meeting", source_id=str(m.id)))
        except (mtg.MeetingError, TrackerError) as e:
            return RedirectResponse(f"/meetings/{ref}?done=Not+added:+{e}", status_code=303)
    return RedirectResponse(f"/meetings/{ref}?done=Action+added", status_code=303)


KINDS_COMMISSIONED = {k: KIND_LABELS[k] for k in COMMISSIONED_KINDS}
