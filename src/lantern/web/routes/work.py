"""The alert inbox (each person's items, acknowledge and snooze) and managers' work lists.

Items come from `lantern.alerts` (run once per data date and cached); acknowledgements
and snoozes are written and read through `lantern.security.alert_inbox`, in the app
database. The inbox holds the items whose ``notify`` names the person; a manager's work
list holds every item for the children (and workers) in their scope, with who has
acknowledged or snoozed what.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from starlette.responses import RedirectResponse, Response

from lantern.alerts import RULES, AlertItem
from lantern.alerts.stale import data_to_check
from lantern.security import alert_inbox
from lantern.security.alert_inbox import AlertKey, InboxError, key_of
from lantern.web import exports, labels
from lantern.web import services as sv
from lantern.web import worklist as wl
from lantern.web.access import access
from lantern.web.deps import Viewer, ViewerDep, WhDep, log_child_access, stores
from lantern.web.routes._common import is_htmx, render

router = APIRouter(include_in_schema=False)
RULE_TITLES = {r.id: r.title for r in RULES}
BACK = {"inbox": "/inbox", "work": "/work"}


# --------------------------------------------------------------------------- shared


def _engine(request: Request) -> Any:
    return stores(request).engine


def rows_for(request: Request, wh: sv.Wh, viewer: Viewer,
             items: list[AlertItem]) -> list[dict[str, Any]]:
    """Items as the pages and the API show them, each with its inbox state."""
    got = sv.item_states(_engine(request), items, wh.as_of)
    out = []
    for i in items:
        st = got[key_of(i)]
        last = st.last
        out.append({
            "item": i, "key": key_of(i), "title": i.title or RULE_TITLES.get(i.rule_id, i.rule_id),
            "state": st.state, "last": last,
            "child_link": sv.child_visible(wh, viewer.principal, i.child_id),
            "child_name": _child_name(wh, i.child_id),
            "worker": sv.recipient_name(wh, i.act),
            "subject": sv.recipient_name(wh, i.subject_id) if i.child_id is None else "",
        })
    return out


def _child_name(wh: sv.Wh, child_id: str | None) -> str:
    record = sv.child_record(wh, child_id) if child_id else None
    return record.name if record is not None else (child_id or "")


def row_json(r: dict[str, Any]) -> dict[str, Any]:
    last = r["last"]
    return {**r["item"].as_dict(), "title": r["title"], "state": r["state"],
            "who_must_act": r["worker"],
            "last_action": None if last is None else {
                "action": last.action, "at": last.at.isoformat(), "by": last.username,
                "by_name": last.display_name, "reason": last.reason,
                "snooze_until": last.snooze_until.isoformat() if last.snooze_until else None}}


def log_rows(request: Request, viewer: Viewer, rows: list[dict[str, Any]]) -> None:
    log_child_access(request, viewer, "view_work_list",
                     sorted({r["item"].child_id for r in rows if r["child_link"]}))


def listed(request: Request, wh: sv.Wh, items: list[AlertItem]) -> dict[str, Any]:
    """A page's list of due and overdue items, as the work list counts it: snoozed items
    out until they return, long-overdue tracker items out (data to check, on the work
    list); the counts from the very items listed; who must act and each child by name."""
    got = sv.item_states(_engine(request), items, wh.as_of)
    awake = [i for i in items if got[key_of(i)].state != "snoozed"]
    horizon_wd = horizon(request)
    shown = [i for i in awake if not data_to_check(i, horizon_wd)]
    return {"items": shown,
            "overdue": sum(i.status in ("overdue", "escalated") for i in shown),
            "to_check": len(awake) - len(shown),
            "who": {i.act: sv.recipient_name(wh, i.act) for i in shown},
            "child_names": {i.child_id: _child_name(wh, i.child_id)
                            for i in shown if i.child_id}}


def _actionable(wh: sv.Wh, viewer: Viewer) -> list[AlertItem]:
    """Items the person may acknowledge or snooze: their inbox, and for managers the
    items on their work list."""
    items = sv.inbox_items(wh, viewer.principal)
    if access("work", viewer.principal.role) != "forbidden":
        seen = {key_of(i) for i in items}
        items += [i for i in sv.team_items(wh, viewer.principal) if key_of(i) not in seen]
    return items


def _find(wh: sv.Wh, viewer: Viewer, key: AlertKey) -> AlertItem:
    for i in _actionable(wh, viewer):
        if key_of(i) == key:
            return i
    raise HTTPException(404, "That item is not in your inbox or work list (it may have "
                             "been completed since the page was loaded).")


def _key(rule_id: str, child_id: str, subject_id: str, due_date: str) -> AlertKey:
    try:
        due = date.fromisoformat(due_date)
    except ValueError:
        raise HTTPException(404, "No such item.") from None
    return AlertKey(rule_id, child_id or None, subject_id, due)


def _back(value: str) -> str:
    return value if value in BACK else "inbox"


# --------------------------------------------------------------------------- inbox


@router.get("/inbox", name="inbox")
def inbox(request: Request, viewer: ViewerDep, wh: WhDep) -> Response:
    every = rows_for(request, wh, viewer, sv.inbox_items(wh, viewer.principal))
    rows = [r for r in every if r["state"] != "snoozed"]  # back when the snooze ends
    log_rows(request, viewer, rows)
    groups = [(s, sv.STATUS_TITLES[s], [r for r in rows if r["item"].status == s])
              for s in sv.STATUS_ORDER]
    return render(request, "inbox.html", {
        "active_nav": "inbox", "as_of": wh.as_of, "title": "Inbox", "rows": rows,
        "groups": [g for g in groups if g[2]], "notice": request.query_params.get("done"),
        "open": sum(r["state"] == "open" for r in rows),
        "snoozed": len(every) - len(rows)})


def _item_page(request: Request, wh: sv.Wh, viewer: Viewer, item: AlertItem, back: str, *,
               errors: dict[str, str] | None = None, form: dict[str, str] | None = None,
               status_code: int = 200) -> Response:
    row = rows_for(request, wh, viewer, [item])[0]
    log_rows(request, viewer, [row])
    history = ([] if _engine(request) is None else
               alert_inbox.actions_for(_engine(request), items=[item]))
    return render(request, "inbox_item.html", {
        "active_nav": back, "as_of": wh.as_of, "title": row["title"], "row": row,
        "history": history, "back": back, "back_href": BACK[back],
        "notify": [sv.recipient_name(wh, k) for k in item.notify],
        "snooze_example": wh.as_of + timedelta(days=14),
        "errors": errors or {}, "form": form or {}}, status_code=status_code)


@router.get("/inbox/item", name="inbox_item")
def inbox_item(request: Request, viewer: ViewerDep, wh: WhDep, rule_id: str = "",
               child_id: str = "", subject_id: str = "", due_date: str = "",
               back: str = "inbox") -> Response:
    item = _find(wh, viewer, _key(rule_id, child_id, subject_id, due_date))
    return _item_page(request, wh, viewer, item, _back(back))


Field = Annotated[str, Form()]


@router.post("/inbox/acknowledge", name="inbox_acknowledge")
def inbox_acknowledge(request: Request, viewer: ViewerDep, wh: WhDep, rule_id: Field = "",
                      child_id: Field = "", subject_id: Field = "", due_date: Field = "",
                      note: Field = "", back: Field = "inbox") -> Response:
    back = _back(back)
    item = _find(wh, viewer, _key(rule_id, child_id, subject_id, due_date))
    if len(note) > 2000:
        return _item_page(request, wh, viewer, item, back, status_code=422,
                          errors={"note": "The note must be 2,000 characters or fewer"},
                          form={"note": note})
    try:
        alert_inbox.acknowledge(_engine(request), viewer.principal, item, reason=note)
    except InboxError as exc:
        raise HTTPException(403, str(exc)) from None
    return RedirectResponse(f"{BACK[back]}?done=acknowledged", status_code=303)


def _until(day: str, month: str, year: str) -> date:
    if not (day.strip() and month.strip() and year.strip()):
        raise ValueError("Enter the date to snooze until, including a day, month and year")
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError("The date to snooze until must be a real date") from None


@router.post("/inbox/snooze", name="inbox_snooze")
def inbox_snooze(request: Request, viewer: ViewerDep, wh: WhDep, rule_id: Field = "",
                 child_id: Field = "", subject_id: Field = "", due_date: Field = "",
                 reason: Field = "", until_day: Annotated[str, Form(alias="until-day")] = "",
                 until_month: Annotated[str, Form(alias="until-month")] = "",
                 until_year: Annotated[str, Form(alias="until-year")] = "",
                 back: Field = "inbox") -> Response:
    back = _back(back)
    item = _find(wh, viewer, _key(rule_id, child_id, subject_id, due_date))
    form = {"reason": reason, "until-day": until_day, "until-month": until_month,
            "until-year": until_year}
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = "Enter why you are snoozing this item"
    elif len(reason) > 2000:
        errors["reason"] = "The reason must be 2,000 characters or fewer"
    until: date | None = None
    try:
        until = _until(until_day, until_month, until_year)
    except ValueError as exc:
        errors["until"] = str(exc)
    if not errors and until is not None:
        try:
            alert_inbox.snooze(_engine(request), viewer.principal, item, reason=reason,
                               until=until, as_of=wh.as_of)
        except InboxError as exc:
            message = str(exc)
            errors["until" if "date" in message else "reason"] = message[0].upper() + message[1:]
    if errors:
        return _item_page(request, wh, viewer, item, back, errors=errors, form=form,
                          status_code=422)
    return RedirectResponse(f"{BACK[back]}?done=snoozed", status_code=303)


# --------------------------------------------------------------------------- work list


def work_rows(request: Request, wh: sv.Wh, viewer: Viewer, chosen: dict[str, str]
              ) -> dict[str, Any]:
    """The work list's rows for the chosen filters, split into current work and data to
    check, with the filters' choices (from every item in the viewer's scope)."""
    items = sv.team_items(wh, viewer.principal)
    every = wl.filter_items(wh, items, {})
    pairs = wl.filter_items(wh, items, chosen)
    rows = rows_for(request, wh, viewer, [i for i, _ in pairs])
    names = labels.all_names(wh)
    for r, (_, where) in zip(rows, pairs, strict=True):
        r["team_name"] = names.teams.get(where.team or "", "")
        r["service_name"] = names.service(where.service) if where.service else ""
        r["team_id"] = where.team
    rows = wl.keep_state(rows, chosen.get("state", ""))
    return {"groups": wl.split(rows, horizon(request)), "options": wl.options(wh, every, chosen)}


def horizon(request: Request) -> int:
    return int(request.app.state.config.work_data_check_wd)


def _where(wh: sv.Wh, viewer: Viewer) -> str:
    p = viewer.principal
    if p.scope_type == "team" and p.scope_value:
        return f"the {labels.label_of(wh, 'team', p.scope_value)} team"
    if p.scope_type == "service" and p.scope_value:
        return f"the {labels.label_of(wh, 'service', p.scope_value)} service"
    if p.scope_type == "caseload":
        return "your children"
    return "the whole authority"


Filter = Annotated[str, Query(max_length=120)]


def _chosen(service: str, team: str, worker: str, rule: str, state: str) -> dict[str, str]:
    return {"service": service, "team": team, "worker": worker, "rule": rule, "state": state}


@router.get("/work", name="work")
def work(request: Request, viewer: ViewerDep, wh: WhDep, service: Filter = "",
         team: Filter = "", worker: Filter = "", rule: Filter = "", state: Filter = "",
         group: Filter = "current", page: Annotated[int, Query(ge=1, le=100_000)] = 1
         ) -> Response:
    chosen = _chosen(service, team, worker, rule, state)
    got = work_rows(request, wh, viewer, chosen)
    group = group if group in wl.GROUPS else "current"
    shown = wl.page_of(got["groups"][group], page)
    links = {r["item"].act for r in shown.rows if worker_link(wh, viewer, r["item"].act)}
    log_rows(request, viewer, shown.rows)
    query = {k: v for k, v in chosen.items() if v}
    return render(request, "work.html", {
        "active_nav": "work", "as_of": wh.as_of, "title": "Work list",
        "where": _where(wh, viewer), "notice": request.query_params.get("done"),
        "status_titles": sv.STATUS_TITLES, "page": shown, "group": group,
        "group_titles": wl.GROUPS, "counts": {g: len(v) for g, v in got["groups"].items()},
        "by_status": {s: sum(r["item"].status == s for r in got["groups"][group])
                      for s in sv.STATUS_ORDER},
        "options": got["options"], "chosen": chosen, "query": query,
        "horizon": horizon(request), "worker_links": links},
        block="results" if is_htmx(request) else None)


def worker_link(wh: sv.Wh, viewer: Viewer, key: str) -> bool:
    """Link a worker only when the viewer may open their page (no links to a 404)."""
    w = sv.workers_by_id(wh).get(key)
    return w is not None and access("worker", viewer.principal.role) != "forbidden" \
        and sv.team_visible(wh, viewer.principal, w.team_id)


@router.get("/work/export.{fmt}", name="work_export")
def work_export(request: Request, fmt: str, viewer: ViewerDep, wh: WhDep, service: Filter = "",
                team: Filter = "", worker: Filter = "", rule: Filter = "", state: Filter = "",
                group: Filter = "current") -> Response:
    """The whole filtered list (every page) as CSV or Excel."""
    exports.check_format(fmt)
    got = work_rows(request, wh, viewer, _chosen(service, team, worker, rule, state))
    rows = got["groups"][group if group in wl.GROUPS else "current"]
    log_child_access(request, viewer, "export_work_list",
                     sorted({r["item"].child_id for r in rows if r["child_link"]}))
    return exports.table_response(
        fmt, f"work-list-{wh.as_of.isoformat()}", wl.EXPORT_COLUMNS,
        [wl.export_row(r, sv.STATUS_TITLES) for r in rows], wl.EXPORT_HEADERS, "Work list")
