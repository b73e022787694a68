"""The monthly report's pages: the reports by month, one month's editions with their
chain (state, who acted, the comment box and the actions open to the viewer), the
published files, commentary on an indicator, and the board pack.

The rules are `lantern.reports.chain`'s and the work `lantern.reports.workflow`'s; these
routes parse, call and show. Board members (aggregate-only) see published editions and
the board pack only, and never the report files (their figures are not suppressed).
"""

from __future__ import annotations

from itertools import groupby
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi import Path as PathParam
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from lantern.appdb.reports import ReportRun
from lantern.measures.catalogue import SCORECARD, ids
from lantern.reports.book import ReportBook, edition_label, today_utc
from lantern.reports.chain import (
    AWAITING,
    STATE_LABELS,
    STEP_ACTIONS,
    Refused,
    allowed_moves,
    due_date,
    load_chain_config,
)
from lantern.security.policy import Principal
from lantern.web import services as sv
from lantern.web.cache import LruCache
from lantern.web.deps import ViewerDep, WhDep, stores
from lantern.web.labels import all_names
from lantern.web.routes._common import render

router = APIRouter(include_in_schema=False)
MonthPath = Annotated[str, PathParam(pattern=r"^\d{4}-\d{2}$")]
MonthQuery = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")]
#: Roles that read editions before publication (those who shape them, and the heads of
#: service whose surgeries take the service editions).
DRAFT_READERS = frozenset({"performance_analyst", "divisional_director", "dcs",
                           "head_of_service"})
FILE_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'none'; sandbox")
_PACKS = LruCache(size=8)


def book_of(request: Request) -> ReportBook:
    settings = request.app.state.settings
    return ReportBook(stores(request).engine, load_chain_config(settings.report_chain))


def visible(p: Principal, run: ReportRun) -> bool:
    return run.state == "published" or p.role in DRAFT_READERS


def reports_panel(request: Request, p: Principal) -> dict[str, Any]:
    """For the leaders' home pages: the latest published editions and, for those who
    shape the report, the editions waiting and any that are late."""
    book = book_of(request)
    today = today_utc()
    latest: dict[tuple[str, str], ReportRun] = {}
    for r in book.runs() if p.role in DRAFT_READERS else []:
        if r.edition == "authority":
            latest[r.month, r.edition] = r  # versions come in order: the last is current
    waiting = sorted((r for r in latest.values() if r.state != "published"),
                     key=lambda r: r.month, reverse=True)
    return {
        "published": book.published(limit=6),
        "waiting": [{"run": r, "late": book.is_late(r, today),
                     "awaiting": AWAITING.get(r.state, "")} for r in waiting][:6],
        "labels": STATE_LABELS, "edition_label": edition_label,
    }


@router.get("/reports", name="reports")
def reports(request: Request, viewer: ViewerDep) -> Response:
    p = viewer.principal
    book = book_of(request)
    today = today_utc()
    runs = [r for r in book.runs() if visible(p, r)]
    months = [(m, [{"run": r, "late": book.is_late(r, today)} for r in rs])
              for m, rs in groupby(runs, key=lambda r: r.month)]
    return render(request, "reports.html", {
        "active_nav": "reports", "title": "Monthly reports", "months": months,
        "labels": STATE_LABELS, "edition_label": edition_label,
        "month_label": sv.month_label, "drafts": p.role in DRAFT_READERS})


def _selected(runs: list[ReportRun], edition: str | None) -> ReportRun | None:
    if edition and edition.isdigit():
        return next((r for r in runs if r.id == int(edition)), None)
    mine = [r for r in runs if r.edition == (edition or "authority")] or runs
    return max(mine, key=lambda r: r.version) if mine else None


@router.get("/reports/{month}", name="report_month")
def report_month(request: Request, month: MonthPath, viewer: ViewerDep,
                 edition: str | None = None, done: str | None = None,
                 refused: str | None = None) -> Response:
    p = viewer.principal
    book = book_of(request)
    runs = [r for r in book.runs(month) if visible(p, r)]
    run = _selected(runs, edition)
    moves = allowed_moves(run.state, p.role, book.config) if run and not viewer.suppressed \
        else []
    commentary = book.commentary(month) if run else {}
    return render(request, "report_month.html", {
        "active_nav": "reports", "title": f"Report for {sv.month_label(month)}",
        "month": month, "month_label": sv.month_label(month), "runs": runs, "run": run,
        "steps": book.steps(run.id) if run else [], "moves": moves,
        "late": book.is_late(run, today_utc()) if run else False,
        "due": due_date(month), "labels": STATE_LABELS, "actions": STEP_ACTIONS,
        "awaiting": AWAITING, "edition_label": edition_label, "config": book.config,
        "commentary": commentary, "titles": {i.id: i.title for i in SCORECARD},
        "indicators": SCORECARD, "done": done, "refused": refused,
        "can_comment": p.role in book.config.commentary_roles,
        "can_open_files": not viewer.suppressed})


@router.post("/reports/{month}/advance", name="report_advance")
def report_advance(request: Request, month: MonthPath, viewer: ViewerDep, wh: WhDep,
                   run_id: Annotated[int, Form()], to: Annotated[str, Form()],
                   comment: Annotated[str, Form()] = "") -> Response:
    from lantern.reports.workflow import advance

    book = book_of(request)
    run = book.get(run_id)
    if run is None or run.month != month or not visible(viewer.principal, run):
        raise HTTPException(404, "No such edition of this month's report.")
    back = f"/reports/{month}?"
    try:
        advance(wh.con, book, wh.authority, run, to, viewer.principal, comment,
                request.app.state.settings)
    except Refused as exc:
        return RedirectResponse(back + urlencode({"edition": run.id, "refused": str(exc)}),
                                status_code=303)
    except OSError:
        return RedirectResponse(back + urlencode({
            "edition": run.id, "refused": "published, but the emails could not be sent: "
                                          "ask the administrator to check the mail server"}),
            status_code=303)
    return RedirectResponse(back + urlencode({"edition": run.id, "done": to}),
                            status_code=303)


@router.get("/reports/{month}/{run_id}.{kind}", name="report_file")
def report_file(request: Request, month: MonthPath, run_id: int, kind: str,
                viewer: ViewerDep, wh: WhDep) -> Response:
    """A published edition's frozen file; a draft's HTML built now, for those who shape
    it."""
    book = book_of(request)
    run = book.get(run_id)
    if run is None or run.month != month or not visible(viewer.principal, run) or kind not in (
            "html", "pdf"):
        raise HTTPException(404, "No such report file.")
    if run.state == "published":
        from lantern.reports.workflow import published_file

        path = published_file(book, run, f".{kind}")
        if path is None:
            raise HTTPException(404, "The published file is missing from the reports folder.")
        name = f"performance-report-{run.month}-{run.edition}-v{run.version}.{kind}"
        if kind == "pdf":
            return FileResponse(path, media_type="application/pdf", filename=name)
        return FileResponse(path, media_type="text/html; charset=utf-8",
                            headers={"Content-Security-Policy": FILE_CSP})
    if kind != "html":
        raise HTTPException(404, "A draft is read as HTML; the PDF is made at publication.")
    from lantern.reports.render import render_html
    from lantern.reports.workflow import build_run

    built = build_run(wh.con, book, wh.authority, month, run.edition,
                      targets_path=wh.targets_path)
    return HTMLResponse(render_html(built.report), headers={"Content-Security-Policy": FILE_CSP})


def _comment(request: Request, viewer: ViewerDep, kpi_id: str, month: str, text: str,
             back: str) -> Response:
    if kpi_id not in ids():
        raise HTTPException(404, f"No indicator {kpi_id!r}.")
    try:
        book_of(request).add_commentary(month, kpi_id, text, viewer.principal)
    except Refused as exc:
        return RedirectResponse(back + urlencode({"refused": str(exc)}) + "#commentary",
                                status_code=303)
    return RedirectResponse(back + "done=commentary#commentary", status_code=303)


@router.post("/indicators/{kpi_id}/commentary", name="indicator_commentary")
def indicator_commentary(request: Request, kpi_id: str, viewer: ViewerDep,
                         month: Annotated[str, Form(pattern=r"^\d{4}-\d{2}$")],
                         text: Annotated[str, Form()] = "") -> Response:
    """Commentary written on the indicator's page."""
    return _comment(request, viewer, kpi_id, month, text,
                    f"/indicators/{kpi_id}?month={month}&")


@router.post("/reports/{month}/commentary", name="report_commentary")
def report_commentary(request: Request, month: MonthPath, viewer: ViewerDep,
                      kpi_id: Annotated[str, Form()],
                      text: Annotated[str, Form()] = "") -> Response:
    """Commentary written in the chain, on the report's page."""
    return _comment(request, viewer, kpi_id, month, text, f"/reports/{month}?")


@router.get("/board-pack", name="board_pack")
def board_pack(request: Request, viewer: ViewerDep, wh: WhDep,
               month: MonthQuery = None) -> Response:
    from lantern.reports.board_pack import build_board_pack, render_body

    month = sv.valid_month(wh, month)
    book = book_of(request)
    from lantern.reports.board_sources import sources_version

    key = wh.key("board_pack", month, book.version(), sources_version(book.engine))
    pack = _PACKS.get(key, lambda: build_board_pack(
        wh.con, book, wh.authority, month, report=_report(wh, month)))
    return render(request, "board_pack.html", {
        "active_nav": "board_pack", "title": f"Board pack: {sv.month_label(month)}",
        "months": sv.months(wh), "month": month, "body": render_body(pack, heading_level=1)})


def _report(wh: sv.Wh, month: str) -> Any:
    """The month's authority report from the app's cached assurance (no recomputing)."""
    from lantern.reports.build import report_from

    a = wh.authority
    return report_from(sv.assurance(wh, month), la_code=a.la_code, la_name=a.la_name,
                       process_changes=a.process_changes, population=a.population,
                       names=all_names(wh))  # teams by name, as the PDF names them
