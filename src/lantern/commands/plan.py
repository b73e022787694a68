"""`lantern plan ...`: the improvement plan from the command line — import, export, status
with derived RAG, the sign-off gate, publish, compare versions, recommendations.

All act on the app database (``LANTERN_DATABASE_URL``, or ``app.sqlite`` under
``LANTERN_HOME``); status and sign-off read the indicator figures from the warehouse.
"""

from __future__ import annotations

import getpass
import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table as RichTable
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from lantern.commands.admin import _engine, _fail
from lantern.config import get_settings

console = Console(soft_wrap=True)  # sentences stay whole lines when piped or logged
err = Console(stderr=True, soft_wrap=True)  # one line per error, never wrapped

plan_app = typer.Typer(help="The improvement plan: import, export, status, sign-off, "
                       "versions, recommendations.", no_args_is_help=True,
                       add_completion=False, pretty_exceptions_enable=False)
KINDS = ("child_family_feedback", "audit_finding", "staff_feedback")


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".yml", ".yaml", ".xlsx"):
        _fail(f"{path}: expected a .yml, .yaml or .xlsx file", code=2)
    return suffix


def _figures(engine: Engine, month: str | None) -> Any:
    """Authority figures from the warehouse, up to ``month`` (default: the latest complete
    month of data), against the targets the scorecards use."""
    import duckdb

    from lantern.actions.figures import EngineFigures
    from lantern.assurance.inputs import latest_complete_month
    from lantern.casework.dates import data_date
    from lantern.warehouse.meta import read_authority, with_population
    from lantern.web.app_settings import effective, overrides

    settings = get_settings()
    if not settings.warehouse_path.exists():
        _fail(f"no warehouse at {settings.warehouse_path}",
              "Indicator figures are needed: run `lantern demo` or `lantern ingest` first.")
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    authority = with_population(read_authority(con), settings.population)
    latest = month or latest_complete_month(data_date(con))
    return EngineFigures(con, latest, la_code=authority.la_code,
                         population=authority.population,
                         targets=effective(settings, overrides(engine)))


def _month(value: str) -> str:
    try:
        year, m = (int(p) for p in value.split("-"))
        date(year, m, 1)
    except ValueError:
        _fail(f"--month {value!r}: expected YYYY-MM, e.g. 2024-11", code=2)
    return f"{year:04d}-{m:02d}"


def build_demo_plan() -> str:
    """The demo plan and its story in the app database (``lantern demo``); says what it did."""
    import duckdb

    from lantern.plan import demo
    from lantern.warehouse.meta import read_authority, with_population
    from lantern.web.app_settings import effective, overrides

    settings = get_settings()
    engine = _engine()
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        authority = with_population(read_authority(con), settings.population)
        built = demo.build(engine, con, la_code=authority.la_code,
                           population=authority.population,
                           targets=effective(settings, overrides(engine)), home=settings.home)
    finally:
        con.close()
    if not built:
        return "Plan:       kept the improvement plan already in the app database"
    return "Plan:       demo improvement plan created (lantern plan status --month YYYY-MM)"


@plan_app.command("import")
def plan_import(file: Annotated[Path, typer.Argument(help="FILE.yml or FILE.xlsx")]) -> None:
    """Import a plan with its recommendations: all of it, or nothing if any problem."""
    from lantern.actions.tracker import TrackerError, system_actor
    from lantern.plan.transfer import ImportRefused, import_file

    _suffix(file)
    if not file.is_file():
        _fail(f"{file}: no such file", code=2)
    engine = _engine()
    try:
        with Session(engine) as s, s.begin():
            n = import_file(s, system_actor(f"cli:{getpass.getuser()}"), file)
    except ImportRefused as e:
        for line in e.problems:
            err.print(line, highlight=False, markup=False)
        _fail(f"{file} refused: {e}", "Each line above names the place in the file and "
              "what was expected.")
    except (TrackerError, ValueError) as e:
        _fail(f"{file} refused: {e}; nothing was imported")
    console.print(f"Imported {file}: {n} actions.", highlight=False)


@plan_app.command("export")
def plan_export(out: Annotated[Path, typer.Option(help="FILE.yml or FILE.xlsx")]) -> None:
    """Write the plan and its recommendations to YAML or Excel."""
    from lantern.plan.transfer import document, to_yaml

    suffix = _suffix(out)
    with Session(_engine()) as s:
        doc = document(s)
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".xlsx":
        from lantern.plan.excel import write_workbook

        write_workbook(doc, out)
    else:
        out.write_text(to_yaml(doc), encoding="utf-8")
    console.print(f"Wrote {out}.", highlight=False)


@plan_app.command("status")
def plan_status(
    month: Annotated[str, typer.Option(help="Month, YYYY-MM")],
    fmt: Annotated[str, typer.Option("--format", help="table|json")] = "table",
) -> None:
    """Every action with its RAG and the reason, as at the month's end."""
    from lantern.actions.rag import load_config
    from lantern.plan.status import statuses

    if fmt not in ("table", "json"):
        _fail(f"--format {fmt!r}: expected table or json", code=2)
    month = _month(month)
    engine = _engine()
    with Session(engine) as s:
        _, rows = statuses(s, _figures(engine, month), month, load_config())
    records = [r.as_json() for r in rows]
    if fmt == "json":
        sys.stdout.write(json.dumps(records, indent=2) + "\n")
        return
    from lantern.actions.tracker import STATUS_LABELS

    table = RichTable("ref", "action", "lead", "due", "status", "RAG and why",
                      title=f"Improvement plan as at the end of {month}")
    for r in records:
        table.add_row(r["ref"], r["title"], r["lead_name"], r["due"],
                      STATUS_LABELS[r["status"]], f"{r['rag']}: {r['rag_reason']}")
    console.print(table if records else "No plan actions yet: lantern plan import FILE.yml")


@plan_app.command("sign-off")
def plan_sign_off(
    ref: Annotated[str, typer.Argument(help="The action's reference")],
    as_user: Annotated[str, typer.Option("--as", help="Who signs it off (username)")],
    statement: Annotated[str | None, typer.Option(help="An observed impact statement")] = None,
    kind: Annotated[str | None, typer.Option(help=", ".join(KINDS))] = None,
    reference: Annotated[str | None, typer.Option(
        help="Where the statement can be found (default: this sign-off)")] = None,
) -> None:
    """Sign an action off through the gate: evidenced impact, by a sign-off role who is
    not its lead. Exit 1 with the reason when refused."""
    from lantern.actions.service import ActionTracker
    from lantern.actions.signoff import SignOffRefused, Statement
    from lantern.actions.tracker import TrackerError
    from lantern.appdb.models import User
    from lantern.security.accounts import UserStore

    if (statement is None) != (kind is None):
        _fail("--statement and --kind go together", code=2)
    if kind is not None and kind not in KINDS:
        _fail(f"--kind {kind!r}: expected one of {', '.join(KINDS)}", code=2)
    engine = _engine()
    with Session(engine) as s:
        uid = s.scalars(select(User.id).where(User.username == as_user)).first()
    signer = UserStore(engine).principal(uid) if uid is not None else None
    if signer is None:
        _fail(f"--as {as_user!r}: no such active account", "See `lantern users list`.")
    said = None if statement is None or kind is None else Statement(
        kind, statement, reference or f"statement given at sign-off by {as_user}", date.today())
    tracker = ActionTracker(engine, get_settings().home)
    try:
        checks = tracker.sign_off(signer, ref, _figures(engine, None), said)
    except SignOffRefused as e:
        _fail(f"{ref} {e}")
    except TrackerError as e:
        _fail(str(e))
    met = [c.describe() for c in checks if c.passed]
    console.print(f"Signed off {ref} by {signer.display_name}"
                  + (f": {met[0]}" if met else " on the impact statement") + ".",
                  highlight=False)


@plan_app.command("publish")
def plan_publish() -> None:
    """Freeze the plan as its current version (stored snapshot with its SHA-256)."""
    from lantern.plan.service import PlanError, publish

    try:
        with Session(_engine()) as s, s.begin():
            v = publish(s, None)
            version, digest = v.version, v.sha256
    except PlanError as e:
        _fail(str(e))
    console.print(f"Published version {version} (SHA-256 {digest}).", highlight=False)


@plan_app.command("diff")
def plan_diff(
    v1: Annotated[int, typer.Argument(help="Earlier version")],
    v2: Annotated[int, typer.Argument(help="Later version")],
    fmt: Annotated[str, typer.Option("--format", help="table|json")] = "table",
) -> None:
    """Compare two published versions: actions added, removed, changed, status moves."""
    from lantern.plan.service import PlanError, compare

    if fmt not in ("table", "json"):
        _fail(f"--format {fmt!r}: expected table or json", code=2)
    try:
        with Session(_engine()) as s:
            diff = compare(s, v1, v2)
    except PlanError as e:
        _fail(str(e))
    if fmt == "json":
        sys.stdout.write(json.dumps(diff.as_json(), indent=2, default=str) + "\n")
        return
    console.print(f"Version {v1} → {v2}", highlight=False)
    for label, items in (("Added", diff.added), ("Removed", diff.removed)):
        for a in items:
            console.print(f"  {label}: {a['ref']} {a['title']}", highlight=False)
    for m in diff.status_moves:
        console.print(f"  Status: {m['ref']} {m['before_label']} → {m['after_label']}",
                      highlight=False)
    for c in diff.changed:
        console.print(f"  Changed: {c['ref']} ({', '.join(c['changes'])})", highlight=False)
    if not (diff.added or diff.removed or diff.status_moves or diff.changed):
        console.print("  No differences.")


@plan_app.command("recommendations")
def plan_recommendations(
    fmt: Annotated[str, typer.Option("--format", help="table|json")] = "table",
) -> None:
    """Inspection recommendations, inspection by inspection, repeats marked, with the
    status derived from their actions."""
    from dataclasses import asdict

    from lantern.plan.service import inspections

    if fmt not in ("table", "json"):
        _fail(f"--format {fmt!r}: expected table or json", code=2)
    with Session(_engine()) as s:
        found = inspections(s)
    if fmt == "json":
        out = [{**asdict(r), "actions": [{"ref": a[0], "title": a[1], "status": a[2]}
                                         for a in r.actions], "repeated": bool(r.repeated_from)}
               for _, recs in found for r in recs]
        sys.stdout.write(json.dumps(out, indent=2) + "\n")
        return
    for insp, recs in found:
        table = RichTable("ref", "recommendation", "repeated from", "actions", "status",
                          title=insp.name, title_justify="left")
        for r in recs:
            table.add_row(r.ref, r.text, r.repeated_from or "",
                          ", ".join(a[0] for a in r.actions), r.status)
        console.print(table)
