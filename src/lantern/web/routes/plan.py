"""The improvement plan and the shared action tracker in the browser: the plan as a tree
with derived RAG, an action's page (timeline, evidence, its indicators' SPC charts, the
sign-off button that explains a refusal), "my actions", the recommendations tracker and
version comparison.

Editors (performance analyst, head of service, divisional director, DCS) change actions;
everyone else with access reads (see `web.access`). The RAG and the sign-off gate are
the tracker's (`lantern.actions`); figures come from the same cached monthly assurance
the scorecards show.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile
from starlette.responses import FileResponse, RedirectResponse, Response

from lantern.actions import source_label, source_path
from lantern.actions.figures import MappingFigures
from lantern.actions.models import ActionEvidence, Recommendation
from lantern.actions.rag import COLOURS, ActionsConfig, load_config
from lantern.actions.service import ActionTracker, rag_for
from lantern.actions.signoff import SignOffRefused, Statement
from lantern.actions.tracker import (
    IMPACT_LABELS,
    MAX_EVIDENCE_BYTES,
    OBSERVED_KINDS,
    STATUS_LABELS,
    KpiLink,
    TrackerError,
    evidence_path,
    get_action,
    load_views,
    my_actions,
)
from lantern.appdb.models import User
from lantern.plan import service as plan_service
from lantern.plan.status import statuses
from lantern.security.disclosure import TOTAL
from lantern.security.policy import Principal
from lantern.web import services as sv
from lantern.web.access import access
from lantern.web.deps import ViewerDep, WhDep, stores
from lantern.web.routes._common import render

router = APIRouter(include_in_schema=False)
RAG_TAG = {"red": "govuk-tag--red", "amber": "govuk-tag--orange",
           "green": "govuk-tag--green", "blue": "govuk-tag--blue", "grey": "govuk-tag--grey"}
EDITABLE_STATUSES = ("not_started", "in_progress", "done_awaiting_impact", "cancelled")


def _engine(request: Request) -> Any:
    engine = stores(request).engine
    if engine is None:
        raise HTTPException(503, "No app database: the plan is kept there.")
    return engine


def _tracker(request: Request) -> ActionTracker:
    return ActionTracker(_engine(request), request.app.state.settings.home, _config())


def _config() -> ActionsConfig:
    try:
        return load_config()
    except ValueError as e:
        raise HTTPException(500, f"Plan settings: {e}") from None


def figures(wh: sv.Wh, month: str, p: Principal | None = None) -> MappingFigures:
    """The authority's monthly headline figures up to ``month`` and the targets in use,
    read from the month's assurance (the scorecards' own figures); for aggregate-only
    roles without the figures the scorecard withholds from them (the RAG's reasons
    quote them)."""
    metas = MappingFigures(month).metas
    values = {(r.kpi_id, r.month): (r.value if r.status == "ok" else None)
              for r in sv.assurance(wh, month).rows
              if r.breakdown == "authority" and r.kpi_id in metas
              and r.period == metas[r.kpi_id].headline_period}
    if p is not None and p.aggregate_only:
        values = {(k, m): None if v is None or sv.figure_withheld(wh, k, TOTAL, m) else v
                  for (k, m), v in values.items()}
    return MappingFigures(month, values, sv.targets(wh), metas)


def _can(principal: Principal, route: str) -> bool:
    return access(route, principal.role) != "forbidden"


def _rag_view(rag: Any) -> dict[str, str]:
    return {"colour": rag.colour, "label": rag.label, "reason": rag.reason,
            "tag": RAG_TAG[rag.colour]}


@router.get("/plan", name="plan")
def plan_page(request: Request, viewer: ViewerDep, wh: WhDep,
              theme: str = "", lead: str = "", status: str = "", rag: str = "") -> Response:
    month = sv.latest_month(wh)
    with Session(_engine(request)) as s:
        tree, rows = statuses(s, figures(wh, month, viewer.principal), month, _config(),
                              today=wh.as_of)
    leads = sorted({(r.action.lead, r.action.lead_name) for r in rows}, key=lambda x: x[1])
    shown = [r for r in rows
             if (not theme or r.theme.theme.ref == theme) and (not lead or r.action.lead == lead)
             and (not status or r.action.status == status) and (not rag or r.rag.colour == rag)]
    counts = {c: sum(r.rag.colour == c for r in rows) for c in COLOURS}
    return render(request, "plan.html", {
        "active_nav": "plan", "title": tree.plan.title if tree.plan else "Improvement plan",
        "as_of": wh.as_of, "plan": tree.plan, "tree": tree, "rows": shown, "total": len(rows),
        "counts": counts, "month_label": sv.month_label(month), "rag_tag": RAG_TAG,
        "rag_view": _rag_view, "status_labels": STATUS_LABELS, "leads": leads,
        "filters": {"theme": theme, "lead": lead, "status": status, "rag": rag},
        "colours": COLOURS, "can_publish": _can(viewer.principal, "plan_publish"),
        "notice": request.query_params.get("done")})


def _action_context(request: Request, viewer: Any, wh: sv.Wh, ref: str) -> dict[str, Any]:
    t = _tracker(request)
    month = sv.latest_month(wh)
    with Session(t.engine) as s:
        try:
            view = load_views(s, [get_action(s, ref)])[0]
        except TrackerError:
            raise HTTPException(404, f"No action {ref!r}.") from None
        users = [(u.username, u.display_name) for u in s.scalars(
            select(User).where(User.disabled.is_(False)).order_by(User.display_name))]
    line = t.timeline(ref)
    fig = figures(wh, month, viewer.principal)
    rows = sv.authority_rows(wh, month)
    charts = {k.kpi_id: sv.chart_row(wh, month, rows[k.kpi_id], viewer.principal)[0]
              for k in view.kpis if k.kpi_id in rows}
    linked = [{"link": k, "meta": fig.meta(k.kpi_id), "chart": charts.get(k.kpi_id),
               "standing": fig.target(k.kpi_id)} for k in view.kpis]
    return {
        "active_nav": "plan", "title": f"{view.ref} {view.title}", "as_of": wh.as_of,
        "action": view, "rag": _rag_view(rag_for(view, fig, wh.as_of, t.config, month)),
        "timeline": _timeline(line, dict(users)), "evidence": line.evidence,
        "impacts": line.impacts,
        "linked": linked, "source": source_label(view.source_kind), "users": users,
        "status_labels": STATUS_LABELS, "editable_statuses": EDITABLE_STATUSES,
        "impact_kinds": [(k, IMPACT_LABELS[k]) for k in OBSERVED_KINDS],
        "impact_labels": IMPACT_LABELS, "month_label": sv.month_label(month),
        "signoff_months": t.config.signoff_months,
        "can_edit": _can(viewer.principal, "action_edit"),
        "can_sign": _can(viewer.principal, "action_sign_off"),
        "can_download": _can(viewer.principal, "action_evidence_file"),
        "indicator_choices": sorted(((k, m.title) for k, m in fig.metas.items()
                                     if k not in {x.kpi_id for x in view.kpis}),
                                    key=lambda x: x[1]),
        "recommendation_choices": _recommendation_choices(t.engine, view),
        "notice": request.query_params.get("done"), "errors": {}, "form": _form(view)}


def _recommendation_choices(engine: Any, view: Any) -> list[tuple[str, str]]:
    with Session(engine) as s:
        return [(r.ref, r.text) for r in s.scalars(select(Recommendation)
                                                   .order_by(Recommendation.ref))
                if r.ref not in view.recommendations]


def _form(view: Any) -> dict[str, Any]:
    """The forms' values as the action stands (a refused form overlays what was sent)."""
    return {"status": view.status, "cancel_reason": view.cancel_reason, "title": view.title,
            "outcome": view.outcome, "lead": view.lead,
            "quarterly_outcome": view.quarterly_outcome, "due-day": str(view.due.day),
            "due-month": str(view.due.month), "due-year": str(view.due.year),
            "update_text": "", "evidence_kind": "file", "evidence_text": "", "url": "",
            "impact_kind": "", "statement": "", "reference": "", "kpi_id": "", "target": ""}


def _timeline(line: Any, names: dict[str, str]) -> list[dict[str, Any]]:
    """Updates, evidence, impact and field changes, newest first (MOJ timeline items)."""
    items: list[dict[str, Any]] = []
    for u, who in line.updates:
        items.append({"at": u.at, "title": "Update", "by": who, "text": u.text})
    for e, who in line.evidence:
        what = {"text": e.text, "link": e.url, "file": e.filename}[e.kind]
        items.append({"at": e.at, "title": "Evidence added", "by": who, "text": what})
    for i, who in line.impacts:
        items.append({"at": i.at, "title": IMPACT_LABELS[i.kind], "by": who,
                      "text": f"{i.statement} ({i.reference})" if i.reference else i.statement})
    for h, who in line.history:
        before, after = h.before, h.after
        if h.field == "lead":  # people's names, not their user names
            before, after = names.get(before or "", before), names.get(after or "", after)
        items.append({"at": h.at, "title": _change_title(h.field), "by": who,
                      "text": _change_text(h.field, before, after)})
    return sorted(items, key=lambda x: x["at"], reverse=True)


FIELD_LABELS = {"created": "Action created", "status": "Status changed",
                "cancel_reason": "Reason for cancelling", "title": "Title changed",
                "outcome": "Outcome sought changed", "lead": "Lead changed",
                "due": "Due date changed", "quarterly_outcome": "Quarterly outcome",
                "kpis": "Indicators changed", "recommendations": "Recommendations changed",
                "position": "Order changed", "source_id": "Moved"}


def _change_title(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


def _change_text(name: str, before: str | None, after: str | None) -> str:
    if name == "created":
        return after or ""
    if name == "status":
        return (f"{STATUS_LABELS.get(before or '', before or '–')} → "
                f"{STATUS_LABELS.get(after or '', after or '–')}")
    return f"{before or '(blank)'} → {after or '(blank)'}"


@router.get("/actions/mine", name="my_actions")
def my_actions_page(request: Request, viewer: ViewerDep, wh: WhDep) -> Response:
    month = sv.latest_month(wh)
    fig = figures(wh, month, viewer.principal)
    config = _config()
    with Session(_engine(request)) as s:
        mine = my_actions(s, viewer.principal.user_id)
    rows = [{"action": a, "source": source_label(a.source_kind),
             "source_href": source_path(a.source_kind, a.source_id),
             "rag": _rag_view(rag_for(a, fig, wh.as_of, config, month))} for a in mine]
    return render(request, "my_actions.html", {
        "active_nav": "my_actions", "title": "My actions", "as_of": wh.as_of, "rows": rows,
        "status_labels": STATUS_LABELS})


@router.get("/actions/{ref}", name="action")
def action_page(request: Request, ref: str, viewer: ViewerDep, wh: WhDep) -> Response:
    return render(request, "action.html", _action_context(request, viewer, wh, ref))


def _refused(request: Request, viewer: Any, wh: sv.Wh, ref: str, errors: dict[str, str],
             form: dict[str, str]) -> Response:
    ctx = _action_context(request, viewer, wh, ref)
    ctx.update(errors=errors, form={**ctx["form"], **form})
    return render(request, "action.html", ctx, status_code=422)


def _done(ref: str, message: str) -> Response:
    from urllib.parse import quote

    return RedirectResponse(f"/actions/{quote(ref)}?done={quote(message)}", status_code=303)


@router.post("/actions/{ref}/updates", name="action_update")
def action_update(request: Request, ref: str, viewer: ViewerDep, wh: WhDep,
                  text: Annotated[str, Form()] = "") -> Response:
    try:
        _tracker(request).add_update(viewer.principal, ref, text)
    except TrackerError as e:
        return _refused(request, viewer, wh, ref, {"update-text": str(e)},
                        {"update_text": text})
    return _done(ref, "Update added")


def _parse_day(day: str, month: str, year: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


@router.post("/actions/{ref}/edit", name="action_edit")
def action_edit(request: Request, ref: str, viewer: ViewerDep, wh: WhDep,
                status: Annotated[str, Form()] = "", cancel_reason: Annotated[str, Form()] = "",
                title: Annotated[str, Form()] = "", outcome: Annotated[str, Form()] = "",
                lead: Annotated[str, Form()] = "", quarterly_outcome: Annotated[str, Form()] = "",
                due_day: Annotated[str, Form(alias="due-day")] = "",
                due_month: Annotated[str, Form(alias="due-month")] = "",
                due_year: Annotated[str, Form(alias="due-year")] = "") -> Response:
    form = {"status": status, "cancel_reason": cancel_reason, "title": title,
            "outcome": outcome, "lead": lead, "quarterly_outcome": quarterly_outcome,
            "due-day": due_day, "due-month": due_month, "due-year": due_year}
    due = _parse_day(due_day, due_month, due_year)
    if due is None:
        return _refused(request, viewer, wh, ref, {"due": "Enter a real due date"}, form)
    if not title.strip():
        return _refused(request, viewer, wh, ref, {"title": "Enter the action's title"}, form)
    if status not in EDITABLE_STATUSES:
        return _refused(request, viewer, wh, ref, {"status": "Choose a status"}, form)
    t = _tracker(request)
    try:
        changed = t.update(viewer.principal, ref, title=title.strip(), outcome=outcome.strip(),
                           lead=lead, due=due, quarterly_outcome=quarterly_outcome.strip())
        if t.change_status(viewer.principal, ref, status, reason=cancel_reason.strip()):
            changed.append("status")
    except TrackerError as e:
        key = "cancel_reason" if "reason" in str(e) else "status"
        return _refused(request, viewer, wh, ref, {key: str(e)}, form)
    return _done(ref, f"Saved: {len(changed)} change{'s' * (len(changed) != 1)}")


@router.post("/actions/{ref}/links", name="action_links")
def action_links(request: Request, ref: str, viewer: ViewerDep, wh: WhDep,
                 op: Annotated[str, Form()] = "", kpi_id: Annotated[str, Form()] = "",
                 target: Annotated[str, Form()] = "",
                 recommendation: Annotated[str, Form()] = "") -> Response:
    """Link or unlink an indicator (with the action's own success target, if given) or an
    inspection recommendation; each change goes to the history."""
    t = _tracker(request)
    try:
        view = t.get(ref)
    except TrackerError:
        raise HTTPException(404, f"No action {ref!r}.") from None
    kpis, recs = list(view.kpis), list(view.recommendations)
    if op == "add_kpi":
        error, link = _kpi_link(kpi_id, target)
        if link is None:
            return _refused(request, viewer, wh, ref, {"kpi_id": error},
                            {"kpi_id": kpi_id, "target": target})
        kpis = [k for k in kpis if k.kpi_id != kpi_id] + [link]
    elif op == "remove_kpi":
        kpis = [k for k in kpis if k.kpi_id != kpi_id]
    elif op == "add_recommendation" and recommendation and recommendation not in recs:
        recs.append(recommendation)
    elif op == "remove_recommendation":
        recs = [r for r in recs if r != recommendation]
    try:
        changed = t.update(viewer.principal, ref, kpis=kpis, recommendations=recs)
    except TrackerError as e:
        return _refused(request, viewer, wh, ref, {"recommendation": str(e)}, {})
    return _done(ref, "Links saved" if changed else "Nothing changed")


def _kpi_link(kpi_id: str, target: str) -> tuple[str, KpiLink | None]:
    if kpi_id not in MappingFigures("2000-01").metas:
        return "Choose an indicator", None
    if not target.strip():
        return "", KpiLink(kpi_id)
    try:
        value = float(target.strip().rstrip("%"))
    except ValueError:
        return "The success target must be a number, like 70 or 12.5", None
    if value != value or value in (float("inf"), float("-inf")):
        return "The success target must be a number, like 70 or 12.5", None
    return "", KpiLink(kpi_id, value)


@router.post("/actions/{ref}/evidence", name="action_evidence")
async def action_evidence(request: Request, ref: str, viewer: ViewerDep, wh: WhDep) -> Response:
    form = await request.form()
    kind = str(form.get("kind", ""))
    upload = form.get("file")
    fields: dict[str, Any] = {"kind": kind, "text": str(form.get("text", "")),
                              "url": str(form.get("url", ""))}
    if kind == "file":
        if not isinstance(upload, UploadFile) or not upload.filename:
            return _refused(request, viewer, wh, ref, {"file": "Choose a file to upload"},
                            {"evidence_kind": kind})
        # One byte over the limit is enough for the tracker to refuse it.
        fields.update(filename=upload.filename,
                      content=await upload.read(MAX_EVIDENCE_BYTES + 1),
                      content_type=upload.content_type or "")
    try:
        _tracker(request).add_evidence(viewer.principal, ref, **fields)
    except TrackerError as e:
        where = {"file": "file", "link": "url"}.get(kind, "evidence-text")
        return _refused(request, viewer, wh, ref, {where: str(e)},
                        {"evidence_kind": kind, "evidence_text": fields["text"],
                         "url": fields["url"]})
    return _done(ref, "Evidence added")


@router.get("/actions/{ref}/evidence/{evidence_id}", name="action_evidence_file")
def action_evidence_file(request: Request, ref: str, evidence_id: int,
                         viewer: ViewerDep) -> Response:
    with Session(_engine(request)) as s:
        try:
            action = get_action(s, ref)
        except TrackerError:
            raise HTTPException(404, f"No action {ref!r}.") from None
        ev = s.get(ActionEvidence, evidence_id)
    if ev is None or ev.action_id != action.id or ev.kind != "file":
        raise HTTPException(404, "No such evidence file.")
    path = evidence_path(request.app.state.settings.home, ev.sha256)
    if not path.is_file():
        raise HTTPException(410, "The evidence file is missing from the store.")
    return FileResponse(path, media_type=ev.content_type or "application/octet-stream",
                        filename=ev.filename)


@router.post("/actions/{ref}/sign-off", name="action_sign_off")
def action_sign_off(request: Request, ref: str, viewer: ViewerDep, wh: WhDep,
                    statement: Annotated[str, Form()] = "", kind: Annotated[str, Form()] = "",
                    reference: Annotated[str, Form()] = "") -> Response:
    said = None
    form = {"statement": statement, "impact_kind": kind, "reference": reference}
    if statement.strip() or kind or reference.strip():
        if kind not in OBSERVED_KINDS or not statement.strip() or not reference.strip():
            return _refused(request, viewer, wh, ref, {"sign-off": (
                "An impact statement needs its kind, the statement and a reference")}, form)
        said = Statement(kind, statement, reference, wh.as_of)
    try:
        _tracker(request).sign_off(viewer.principal, ref, figures(wh, sv.latest_month(wh)),
                                   said)
    except SignOffRefused as e:
        return _refused(request, viewer, wh, ref, {"sign-off": str(e)}, form)
    except TrackerError as e:
        return _refused(request, viewer, wh, ref, {"sign-off": str(e)}, form)
    return _done(ref, "Signed off")


@router.get("/plan/recommendations", name="plan_recommendations")
def recommendations_page(request: Request, viewer: ViewerDep) -> Response:
    with Session(_engine(request)) as s:
        found = plan_service.inspections(s)
    return render(request, "plan_recommendations.html", {
        "active_nav": "plan", "title": "Inspection recommendations", "inspections": found,
        "status_labels": STATUS_LABELS})


@router.get("/plan/versions", name="plan_versions")
def versions_page(request: Request, viewer: ViewerDep,
                  v1: Annotated[int | None, Query(ge=1)] = None,
                  v2: Annotated[int | None, Query(ge=1)] = None) -> Response:
    error, diff = None, None
    with Session(_engine(request)) as s:
        found = plan_service.versions(s)
        if v1 is not None and v2 is not None:
            try:
                diff = plan_service.compare(s, v1, v2)
            except plan_service.PlanError as e:
                error = str(e)
    return render(request, "plan_versions.html", {
        "active_nav": "plan", "title": "Plan versions", "versions": found, "diff": diff,
        "error": error, "v1": v1, "v2": v2, "status_labels": STATUS_LABELS,
        "can_publish": _can(viewer.principal, "plan_publish"),
        "notice": request.query_params.get("done")}, status_code=422 if error else 200)


@router.post("/plan/publish", name="plan_publish")
def publish_plan(request: Request, viewer: ViewerDep) -> Response:
    with Session(_engine(request)) as s, s.begin():
        if plan_service.the_plan(s) is None:
            raise HTTPException(404, "There is no plan to publish: import one first.")
        number = plan_service.publish(s, viewer.principal).version
    return RedirectResponse(f"/plan/versions?done=Published+version+{number}", status_code=303)


__all__ = ["figures", "router"]
