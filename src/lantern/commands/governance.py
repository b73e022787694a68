"""`lantern deep-dives ...` and `lantern meetings ...`: the deep-dive tracker, storing a
month's triggers, closing a deep dive (on recovery or with a reason); meetings with their
minutes and actions. Thin: parse, call ``lantern.governance``, print."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table as RichTable
from sqlalchemy.orm import Session

from lantern.commands.admin import _engine, _fail
from lantern.commands.plan import _month
from lantern.config import get_settings

console = Console(soft_wrap=True)  # sentences stay whole lines when piped or logged

deep_dives_app = typer.Typer(
    help="Deep dives: the tracker (no sub-command), sync a month's triggers, close one.",
    invoke_without_command=True, add_completion=False, pretty_exceptions_enable=False)
meetings_app = typer.Typer(help="Meetings: list them, show one with its minutes and actions.",
                           no_args_is_help=True, add_completion=False,
                           pretty_exceptions_enable=False)


@contextmanager
def warehouse() -> Iterator[tuple[Any, str, tuple[str, ...], date]]:
    """(figures warehouse, latest complete month, the authority's process changes, the
    data date — "today" for ages and overdue actions, as for the work lists)."""
    import duckdb

    from lantern.assurance.inputs import latest_complete_month
    from lantern.casework.dates import data_date
    from lantern.governance.figures import Warehouse
    from lantern.warehouse.meta import read_authority, with_population

    settings = get_settings()
    if not settings.warehouse_path.exists():
        _fail(f"no warehouse at {settings.warehouse_path}",
              "Deep dives read the indicators: run `lantern demo` or `lantern ingest` first.")
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        authority = with_population(read_authority(con), settings.population)
        wh = Warehouse(con, authority.la_code, authority.population)
        changes = tuple(m for m, _ in authority.process_changes)
        today = data_date(con)
        yield wh, latest_complete_month(today), changes, today
    finally:
        con.close()


def sync_after_load() -> str:
    """After a load: store the latest complete month's decline triggers as deep dives."""
    from lantern.governance.service import recorded_by, sync

    with warehouse() as (wh, latest, _changes, today):
        result, = sync(_engine(), wh, [latest], recorded_on=recorded_by(today))
    return (f"Deep dives for {latest}: {len(result.opened)} opened, "
            f"{len(result.attached)} repeat triggers attached (lantern deep-dives)")


def build_demo_governance() -> str:
    """The demo's deep dives and meetings (``lantern demo``); says what it did."""
    from lantern.governance import demo

    with warehouse() as (wh, latest, changes, _today):
        return "Deep dives: " + demo.build(_engine(), wh, latest, changes)


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def tracker_records() -> list[dict[str, Any]]:
    from lantern.casework import team_services
    from lantern.governance.service import tracker

    engine = _engine()
    with warehouse() as (wh, latest, _, today):
        rows = tracker(engine, as_of=today, wh=wh, latest_month=latest,
                       team_service=team_services(wh.con))
    return [{
        "id": r.ref, "kind": r.kind, "indicator": r.kpi_id, "theme": r.subject,
        "scope": {"breakdown": r.breakdown, "value": r.breakdown_value},
        "service": r.service, "trigger_month": r.trigger_month,
        "trigger_months": list(r.trigger_months), "status": r.status,
        "lead": r.lead, "opened_on": r.opened_on.isoformat(), "age_days": r.age_days,
        "last_update": r.last_update.isoformat() if r.last_update else None,
        "no_update_for_3_months": r.stale,
        "actions": {"total": r.actions_total, "done": r.actions_done,
                    "open": r.actions_open, "overdue": r.actions_overdue},
        "value_at_trigger": r.value_at_trigger, "value_latest": r.value_latest,
        "latest_month": latest, "movement": r.movement,
        "process_change_month": r.process_change_month,
    } for r in rows]


@deep_dives_app.callback()
def deep_dives_list(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="table|json")] = "table",
) -> None:
    """Every deep dive: kind, indicator or theme, scope, trigger month, status, lead,
    actions open and overdue, the values at the trigger and now."""
    if ctx.invoked_subcommand is not None:
        return
    if fmt not in ("table", "json"):
        _fail(f"--format {fmt!r}: expected table or json", code=2)
    records = tracker_records()
    if fmt == "json":
        sys.stdout.write(json.dumps(records, indent=2) + "\n")
        return
    table = RichTable("id", "kind", "indicator or theme", "scope", "trigger", "status",
                      "lead", "actions open / overdue", "at trigger", "latest",
                      title="Deep dives")
    for r in records:
        scope = r["scope"]["breakdown"] + (f" {r['scope']['value']}" if r["scope"]["value"]
                                           else "")
        table.add_row(r["id"], r["kind"], r["theme"], scope, r["trigger_month"] or "",
                      r["status"] + (" (no update 3 months)" if r["no_update_for_3_months"]
                                     else ""), r["lead"] or "no lead",
                      f"{r['actions']['open']} / {r['actions']['overdue']}",
                      _fmt(r["value_at_trigger"]), _fmt(r["value_latest"]))
    console.print(table if records else "No deep dives yet: lantern deep-dives sync "
                  "--month YYYY-MM stores a month's triggers.")


@deep_dives_app.command("sync")
def deep_dives_sync(
    month: Annotated[str, typer.Option(help="Month, YYYY-MM")],
) -> None:
    """Store the month's decline triggers as deep dives (again: no change)."""
    from lantern.governance.service import recorded_by, sync

    month = _month(month)
    engine = _engine()
    with warehouse() as (wh, latest, _, today):
        if month > latest:
            _fail(f"--month {month}: the data run to {latest}", code=2)
        result, = sync(engine, wh, [month], recorded_on=recorded_by(today))
    console.print(f"{month}: {len(result.opened)} deep dives opened"
                  f"{' (' + ', '.join(result.opened) + ')' if result.opened else ''}, "
                  f"{len(result.attached)} repeat triggers attached, {result.already} "
                  "already stored.", highlight=False)


@deep_dives_app.command("close")
def deep_dives_close(
    ref: Annotated[str, typer.Argument(help="The deep dive's id, e.g. DD-2024-003")],
    as_user: Annotated[str, typer.Option("--as", help="Who closes it (username)")],
    reason: Annotated[str | None, typer.Option(help="Close by reason (senior roles); "
                                               "without it the recovery check applies")] = None,
) -> None:
    """Close a deep dive: on recovery (checked against the figures) or with a reason."""
    from lantern.governance.deep_dives import DeepDiveError
    from lantern.governance.service import Recovery, close
    from lantern.security.accounts import UserStore

    engine = _engine()
    found = UserStore(engine).get(as_user)
    actor = UserStore(engine).principal(found.id) if found is not None else None
    if actor is None:
        _fail(f"--as {as_user}: no such active user", code=2)
    with warehouse() as (wh, latest, changes, _today):
        try:
            result = close(engine, actor, ref, date.today(), reason=reason or "",
                           recovery=Recovery(wh, latest, changes))
        except DeepDiveError as e:
            _fail(f"{ref}: {e}")
    how = f"on recovery ({', '.join(_fmt(v) for v in result.values)})" if result else \
        "with the reason given"
    console.print(f"Closed {ref} {how}.", highlight=False)


@meetings_app.command("list")
def meetings_list(
    kind: Annotated[str | None, typer.Option(help="Only this kind")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table|json")] = "table",
) -> None:
    """Meetings, newest first, with their open actions."""
    from lantern.governance import meetings

    with Session(_engine()) as s:
        rows: list[dict[str, Any]] = [{
                 "id": m.ref, "kind": m.kind, "kind_label": meetings.KIND_LABELS[m.kind],
                 "held_on": m.held_on.isoformat(), "service": m.service, "chair": m.chair,
                 "actions": len(meetings.own_actions(s, m))}
                for m in meetings.listing(s, kind)]
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    table = RichTable("id", "meeting", "held on", "service", "chair", "actions",
                      title="Meetings")
    for r in rows:
        table.add_row(str(r["id"]), str(r["kind_label"]), str(r["held_on"]),
                      str(r["service"]), str(r["chair"]), str(r["actions"]))
    console.print(table if rows else "No meetings recorded yet.")


@meetings_app.command("show")
def meetings_show(
    ref: Annotated[str, typer.Argument(help="The meeting's id")],
    fmt: Annotated[str, typer.Option("--format", help="table|json")] = "table",
) -> None:
    """One meeting: attendees, papers, minutes, decisions, its actions and those carried
    forward from earlier meetings of the same kind."""
    from lantern.governance import meetings

    with Session(_engine()) as s:
        try:
            m = meetings.get(s, ref)
        except meetings.MeetingError as e:
            _fail(str(e), code=1)
        record: dict[str, Any] = {
            "id": m.ref, "kind": m.kind, "held_on": m.held_on.isoformat(),
            "service": m.service, "chair": m.chair, "attendees": meetings.attendees(m),
            "papers": [asdict(p) for p in meetings.papers(m)], "minutes": m.minutes,
            "decisions": m.decisions,
            "actions": [_action(a) for a in meetings.own_actions(s, m)],
            "carried_forward": [_action(a) for a in meetings.carried_forward(s, m)],
        }
    if fmt == "json":
        sys.stdout.write(json.dumps(record, indent=2) + "\n")
        return
    console.print(f"[bold]{meetings.KIND_LABELS[record['kind']]}[/] {record['id']}, "
                  f"{record['held_on']}", highlight=False)
    for label in ("chair", "service"):
        if record[label]:
            console.print(f"{label.capitalize()}: {record[label]}", highlight=False)
    console.print(f"Attendees: {', '.join(record['attendees']) or 'not recorded'}",
                  highlight=False)
    console.print(f"\nMinutes:\n{record['minutes'] or 'not recorded'}", highlight=False)
    console.print(f"\nDecisions:\n{record['decisions'] or 'none recorded'}", highlight=False)
    for title, key in (("Actions", "actions"), ("Carried forward", "carried_forward")):
        console.print(f"\n{title}:", highlight=False)
        for a in record[key] or [{"ref": "", "title": "none", "lead": "", "due": "",
                                   "status": ""}]:
            console.print(f"  {a['ref']} {a['title']} {a['lead']} {a['due']} {a['status']}",
                          highlight=False, markup=False)


def _action(a: Any) -> dict[str, Any]:
    return {"ref": a.ref, "title": a.title, "lead": a.lead_name, "due": a.due.isoformat(),
            "status": a.status}
