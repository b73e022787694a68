"""A manager's work list cut for a page: each item with its team, service and worker by
name, filtered (service, team, worker, rule, state), split into the current work and
"data to check" (`alerts.stale`), and a page at a time. The export takes the same rows.

Snoozed items leave the list until their snooze ends, unless the person asks for the
snoozed ones; the counts on the page are counted from the very rows listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lantern.alerts import RULES, AlertItem
from lantern.alerts.stale import data_to_check
from lantern.web import services as sv

PAGE_SIZE = 50
RULE_TITLES = {r.id: r.title for r in RULES}
STATES = (("", "Open or acknowledged"), ("open", "Open"), ("acknowledged", "Acknowledged"),
          ("snoozed", "Snoozed"))
GROUPS = {"current": "Current work", "check": "Data to check"}
FILTERS = ("service", "team", "worker", "rule", "state")


@dataclass(frozen=True)
class Where:
    """The team, service and worker an item belongs to (ids; names looked up)."""

    team: str | None
    service: str | None
    worker: str | None  # the worker who must act, when it is a worker


def where_of(wh: sv.Wh, item: AlertItem) -> Where:
    """A child's item belongs to the child's team; a workforce item to the worker's."""
    ws = sv.workers_by_id(wh)
    worker = item.act if item.act in ws else None
    if item.child_id is not None:
        s = sv.scopes(wh).get(item.child_id)
        team = s.team if s else None
    else:
        w = ws.get(item.subject_id) or ws.get(item.act)
        team = w.team_id if w else None
    return Where(team, sv.team_services(wh).get(team) if team else None, worker)


def filter_items(wh: sv.Wh, items: list[AlertItem], chosen: dict[str, str]
                 ) -> list[tuple[AlertItem, Where]]:
    """The items matching the chosen service, team, worker and rule (state is applied
    to rows, once their inbox state is known)."""
    out = []
    for item in items:
        w = where_of(wh, item)
        if chosen.get("rule") and item.rule_id != chosen["rule"]:
            continue
        if chosen.get("service") and w.service != chosen["service"]:
            continue
        if chosen.get("team") and w.team != chosen["team"]:
            continue
        if chosen.get("worker") and item.act != chosen["worker"]:
            continue
        out.append((item, w))
    return out


def keep_state(rows: list[dict[str, Any]], state: str) -> list[dict[str, Any]]:
    """Rows in the chosen state; by default every row but the snoozed ones."""
    if state in ("open", "acknowledged", "snoozed"):
        return [r for r in rows if r["state"] == state]
    return [r for r in rows if r["state"] != "snoozed"]


def options(wh: sv.Wh, pairs: list[tuple[AlertItem, Where]], chosen: dict[str, str]
            ) -> dict[str, list[dict[str, Any]]]:
    """The choices of each filter, from the items in the viewer's scope, by name."""
    names = sv.team_names(wh)
    ws = sv.workers_by_id(wh)
    found: dict[str, dict[str, str]] = {"service": {}, "team": {}, "worker": {}, "rule": {}}
    for item, w in pairs:
        if w.service:
            found["service"][w.service] = service_name(wh, w.service)
        if w.team:
            found["team"][w.team] = names.get(w.team, w.team)
        found["worker"][item.act] = ws[item.act].name if item.act in ws else \
            sv.recipient_name(wh, item.act)
        found["rule"][item.rule_id] = RULE_TITLES.get(item.rule_id, item.rule_id)
    every = {"service": "All services", "team": "All teams", "worker": "All workers",
             "rule": "All rules"}
    out = {k: [{"value": "", "text": every[k]}] + [
        {"value": v, "text": t, "selected": v == chosen.get(k)}
        for v, t in sorted(found[k].items(), key=lambda x: x[1].lower())] for k in found}
    out["state"] = [{"value": v, "text": t, "selected": v == chosen.get("state", "")}
                    for v, t in STATES]
    return out


def service_name(wh: sv.Wh, service_id: str) -> str:
    """A service by its name (the department record), else its id in words."""
    from lantern.web.labels import service_names

    return service_names(wh).get(service_id, service_id.replace("_", " ").capitalize())


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    number: int
    pages: int
    total: int

    @property
    def first(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.number * PAGE_SIZE, self.total)


def page_of(rows: list[dict[str, Any]], number: int) -> Page:
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    number = min(max(1, number), pages)
    start = (number - 1) * PAGE_SIZE
    return Page(rows[start:start + PAGE_SIZE], number, pages, len(rows))


def split(rows: list[dict[str, Any]], horizon_wd: int) -> dict[str, list[dict[str, Any]]]:
    """Current work, and tracker items aged past the horizon (data to check)."""
    check = [r for r in rows if data_to_check(r["item"], horizon_wd)]
    stale = {id(r) for r in check}
    return {"current": [r for r in rows if id(r) not in stale], "check": check}


EXPORT_COLUMNS = ("status", "due_date", "days_overdue", "title", "child_id", "child_name",
                  "worker", "team", "service", "state", "basis")
EXPORT_HEADERS = ("Status", "Due", "Working days overdue", "What", "Child id", "Child",
                  "Who must act", "Team", "Service", "State", "Why")


def export_row(r: dict[str, Any], status_titles: dict[str, str]) -> dict[str, Any]:
    item: AlertItem = r["item"]
    return {"status": status_titles.get(item.status, item.status), "due_date": item.due_date,
            "days_overdue": max(item.days_overdue, 0), "title": r["title"],
            "child_id": item.child_id or "",
            "child_name": (r["child_name"] if r["child_link"] else "") if item.child_id
            else f"Worker: {r['subject']}", "worker": r["worker"],
            "team": r["team_name"], "service": r["service_name"], "state": r["state"],
            "basis": item.basis}
