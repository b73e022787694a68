"""Case audits in the browser: the auditor's work list, the audit form (GOV.UK radios per
domain on the tool's scale, narratives, practice-standard questions, findings with a
learning theme, family feedback, an action into the shared tracker; save a draft or
submit; an error summary from `quality.audits.problems`) with the child's Lantern record
beside it, the moderator's queue (the share `to_moderate` chooses, never the auditor's
own), and the programme calendar (months by tool, counts only).

The rules are `lantern.quality`'s; the routes parse the form and show the result. Every
page showing a child writes an access-log entry."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from lantern.actions.tracker import TrackerError, actions_from
from lantern.appdb.models import User
from lantern.quality import audits as qa
from lantern.quality.models import Audit, AuditAnswer, AuditFinding, AuditGrade
from lantern.quality.tools import GRADE_LABELS, Tool, load_tools
from lantern.web import services as sv
from lantern.web.deps import Viewer, ViewerDep, WhDep, log_child_access, stores
from lantern.web.routes._common import render

router = APIRouter(include_in_schema=False)
STATUS_LABELS = {"allocated": "Not started", "draft": "Draft saved", "submitted": "Submitted"}


def _engine(request: Request) -> Any:
    engine = stores(request).engine
    if engine is None:
        raise HTTPException(503, "No app database: case audits are kept there.")
    return engine


def _tools() -> dict[str, Tool]:
    return load_tools()


def _audit_or_404(s: Session, ref: str) -> Audit:
    try:
        return qa.get(s, ref)
    except qa.AuditError:
        raise HTTPException(404, f"No audit {ref!r}.") from None


def _names(s: Session) -> dict[int, str]:
    return {u.id: u.display_name for u in s.scalars(select(User))}


@router.get("/audits", name="audits")
def audits_page(request: Request, viewer: ViewerDep, wh: WhDep) -> Response:
    """My allocated and draft audits, oldest month first."""
    tools = _tools()
    with Session(_engine(request)) as s:
        mine = list(s.scalars(select(Audit).where(
            Audit.auditor_id == viewer.principal.user_id,
            Audit.status.in_(("allocated", "draft"))).order_by(Audit.month, Audit.ref)))
    teams = sv.team_names(wh)
    return render(request, "audits.html", {
        "active_nav": "audits", "title": "My audits", "audits": mine, "tools": tools,
        "team_label": lambda t: teams.get(t, t or "No team recorded"),
        "status_labels": STATUS_LABELS, "notice": request.query_params.get("done")})


@router.get("/audits/moderation", name="audits_moderation")
def moderation_page(request: Request, viewer: ViewerDep, wh: WhDep) -> Response:
    """The submitted audits chosen for moderation, month by month, not yet moderated,
    leaving out the moderator's own."""
    with Session(_engine(request)) as s:
        submitted = list(s.scalars(select(Audit).where(Audit.status == "submitted")
                                   .order_by(Audit.month, Audit.ref)))
        done = qa.moderations(s, [a.id for a in submitted])
        by_month: dict[str, list[str]] = {}
        for a in submitted:
            by_month.setdefault(a.month, []).append(a.ref)
        chosen = {r for refs in by_month.values() for r in qa.to_moderate(refs)}
        queue = [a for a in submitted if a.ref in chosen and a.id not in done
                 and a.auditor_id != viewer.principal.user_id]
        names = _names(s)
    teams = sv.team_names(wh)
    return render(request, "audits_moderation.html", {
        "active_nav": "audits", "title": "Audits to moderate", "queue": queue,
        "tools": _tools(), "names": names, "share": round(qa.MODERATION_SHARE * 100),
        "team_label": lambda t: teams.get(t, t or "No team recorded"),
        "grade_label": lambda tool, g: tool.scale.label(g) if g else ""})


@router.get("/audits/programme", name="audits_programme")
def programme_page(request: Request, viewer: ViewerDep, wh: WhDep) -> Response:
    """Months by tool: how many audits were allocated, and how many are submitted."""
    tools = _tools()
    with Session(_engine(request)) as s:
        rows = s.execute(select(Audit.month, Audit.tool_id, Audit.status)).all()
    allocated = Counter((m, t) for m, t, _ in rows)
    submitted = Counter((m, t) for m, t, st in rows if st == "submitted")
    months = sorted({m for m, _, _ in rows})
    return render(request, "audits_programme.html", {
        "active_nav": "audits", "title": "Audit programme", "months": months,
        "tools": tools, "allocated": allocated, "submitted": submitted, "as_of": wh.as_of})


def _may_open(viewer: Viewer, wh: sv.Wh, a: Audit) -> bool:
    """The allocated auditor, a moderator, or someone whose scope holds the child (a
    team manager sees their own team's audits, not another team's)."""
    p = viewer.principal
    return (a.auditor_id in (None, p.user_id) and p.role in qa.AUDITOR_ROLES) \
        or p.role in qa.MODERATOR_ROLES or (
            a.subject_kind == "child" and sv.child_visible(wh, p, a.subject_id))


def _child(request: Request, viewer: Viewer, wh: sv.Wh, a: Audit) -> Any:
    """The child's record beside the form (for whoever may open the audit): one
    access-log entry each time it is shown."""
    if a.subject_kind != "child" or viewer.suppressed:
        return None
    record = sv.child_record(wh, a.subject_id)
    if record is not None:
        log_child_access(request, viewer, "view_audit_child", [a.subject_id],
                         detail=f"audit {a.ref}")
    return record


def _saved(s: Session, a: Audit) -> qa.Submission:
    """What is saved so far, as the form shows it."""
    grades = list(s.scalars(select(AuditGrade).where(AuditGrade.audit_id == a.id)))
    answers = s.scalars(select(AuditAnswer).where(AuditAnswer.audit_id == a.id))
    findings = s.scalars(select(AuditFinding).where(AuditFinding.audit_id == a.id))
    return qa.Submission(grades={g.domain: g.grade for g in grades},
                         narratives={g.domain: g.narrative for g in grades},
                         answers={x.question: x.answer for x in answers},
                         findings=[(f.text, f.theme) for f in findings],
                         overall=a.overall_grade, family_contacted=a.family_contacted,
                         family_words=a.family_words, family_rating=a.family_rating)


@router.get("/audits/{ref}", name="audit")
def audit_page(request: Request, ref: str, viewer: ViewerDep, wh: WhDep) -> Response:
    with Session(_engine(request)) as s:
        a = _audit_or_404(s, ref)
        if not _may_open(viewer, wh, a):
            raise HTTPException(404, f"No audit {ref!r} in your scope.")
        return _form(request, viewer, wh, s, a, _saved(s, a), {})


def _form(request: Request, viewer: Viewer, wh: sv.Wh, s: Session, a: Audit,
          sub: qa.Submission, errors: dict[str, str], status_code: int = 200) -> Response:
    tool = _tools()[a.tool_id]
    names = _names(s)
    mods = qa.moderations(s, [a.id])
    teams = sv.team_names(wh)
    return render(request, "audit.html", {
        "active_nav": "audits", "title": f"Audit {a.ref}", "a": a, "tool": tool,
        "sub": sub, "errors": errors, "child": _child(request, viewer, wh, a),
        "team_label": teams.get(a.team_id, a.team_id or "No team recorded"),
        "auditor": names.get(a.auditor_id or 0, "Not allocated"),
        "moderation": mods.get(a.id), "moderator": names.get(
            mods[a.id].moderator_id, "") if a.id in mods else "",
        "grade_label": tool.scale.label, "actions": actions_from(s, qa.SOURCE, [str(a.id)]),
        "editable": a.status != "submitted" and a.auditor_id in (None,
                                                                  viewer.principal.user_id),
        "can_moderate": _may_moderate(viewer, a) and a.id not in mods,
        "users": [(u.username, u.display_name) for u in s.scalars(
            select(User).where(User.disabled.is_(False)).order_by(User.display_name))],
        "notice": request.query_params.get("done")}, status_code=status_code)


def _may_moderate(viewer: Viewer, a: Audit) -> bool:
    return (viewer.principal.role in qa.MODERATOR_ROLES and a.status == "submitted"
            and a.auditor_id != viewer.principal.user_id)


def _submission(tool: Tool, form: Any) -> tuple[qa.Submission, dict[str, str]]:
    """The form as a Submission, and what cannot even be read (a rating not a number)."""
    errs: dict[str, str] = {}
    contacted = {"yes": True, "no": False}.get(form.get("family_contacted", ""))
    rating_text = form.get("family_rating", "").strip()
    rating = int(rating_text) if rating_text.isdigit() else None
    if rating_text and rating is None:
        errs["family_rating"] = "The family's rating is from 1 to 5"
    finding = form.get("finding", "").strip()
    sub = qa.Submission(
        grades={d.id: form.get(f"grade-{d.id}", "") for d in tool.domains
                if form.get(f"grade-{d.id}", "")},
        narratives={d.id: form.get(f"narrative-{d.id}", "").strip() for d in tool.domains},
        answers={q.id: form.get(f"answer-{q.id}") == "yes" for q in tool.questions
                 if form.get(f"answer-{q.id}") in ("yes", "no")},
        findings=[(finding, form.get("theme", "").strip())] if finding else [],
        overall=form.get("overall", ""), family_contacted=contacted,
        family_words=form.get("family_words", "").strip(), family_rating=rating)
    return sub, errs


def _action(form: Any) -> tuple[dict[str, Any] | None, dict[str, str]]:
    title, lead, due = (form.get(k, "").strip() for k in ("action_title", "action_lead",
                                                         "action_due"))
    if not title:
        return None, {}
    try:
        when = date.fromisoformat(due)
    except ValueError:
        return None, {"action_due": "Enter the action's due date as YYYY-MM-DD"}
    if not lead:
        return None, {"action_lead": "Choose who owns the action"}
    return {"title": title, "lead": lead, "due": when}, {}


@router.post("/audits/{ref}", name="audit_save")
async def audit_save(request: Request, ref: str, viewer: ViewerDep, wh: WhDep) -> Response:
    form = await request.form()
    submitting = form.get("submit") == "submit"
    with Session(_engine(request)) as s, s.begin():
        a = _audit_or_404(s, ref)
        if not _may_open(viewer, wh, a):
            raise HTTPException(404, f"No audit {ref!r} in your scope.")
        tool = _tools()[a.tool_id]
        sub, errs = _submission(tool, form)
        action, action_errs = _action(form)
        errs |= action_errs | qa.problems(tool, sub, submitting=submitting)
        if errs:
            return _form(request, viewer, wh, s, a, sub, errs, status_code=422)
        try:
            qa.save(s, viewer.principal, ref, tool, sub, submit=submitting, on=wh.as_of)
            if action:
                qa.add_action(s, viewer.principal, ref, **action)
        except (qa.AuditError, TrackerError) as e:
            raise HTTPException(403 if isinstance(e, qa.AuditError) else 400, str(e)) \
                from None
    done = "Audit+submitted" if submitting else "Draft+saved"
    return RedirectResponse(f"/audits/{ref}?done={done}", status_code=303)


@router.post("/audits/{ref}/moderate", name="audit_moderate")
async def audit_moderate(request: Request, ref: str, viewer: ViewerDep,
                         wh: WhDep) -> Response:
    form = await request.form()
    grade, reason = str(form.get("grade", "")), str(form.get("reason", ""))
    with Session(_engine(request)) as s, s.begin():
        a = _audit_or_404(s, ref)
        tool = _tools()[a.tool_id]
        try:
            qa.moderate(s, viewer.principal, ref, tool, grade=grade, reason=reason,
                        on=wh.as_of)
        except qa.AuditError as e:
            errs = {"moderation": str(e)[0].upper() + str(e)[1:]}
            return _form(request, viewer, wh, s, a, _saved(s, a), errs, status_code=422)
    return RedirectResponse(f"/audits/{ref}?done=Moderation+recorded", status_code=303)


def child_audits(request: Request, child_id: str, tools: dict[str, Tool] | None = None
                 ) -> list[dict[str, Any]]:
    """The child's submitted audits with the grade that stands (for the child page)."""
    engine = stores(request).engine
    if engine is None:
        return []
    tools = tools or _tools()
    with Session(engine) as s:
        audits = list(s.scalars(select(Audit).where(Audit.subject_kind == "child",
                                                    Audit.subject_id == child_id)
                                .order_by(Audit.month)))
        mods = qa.moderations(s, [a.id for a in audits])
        return [{"ref": a.ref, "tool": tools[a.tool_id].title, "month": a.month,
                 "status": STATUS_LABELS[a.status],
                 "grade": GRADE_LABELS.get(qa.final_band(a, mods.get(a.id),
                                                         tools[a.tool_id]), "")
                 if a.status == "submitted" else ""} for a in audits]
