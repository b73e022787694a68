"""`lantern audits ...`: draw a month's audit sample, import audits done on paper, the
quarter's summary. Thin: parse, call ``lantern.quality``, print."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table as RichTable
from sqlalchemy.orm import Session

from lantern.commands.admin import _engine, _fail
from lantern.commands.plan import _month
from lantern.config import get_settings

console = Console(soft_wrap=True)  # sentences stay whole lines when piped or logged
err = Console(stderr=True, soft_wrap=True)  # one line per error, never wrapped

audits_app = typer.Typer(help="Case audits: sample a month, import paper audits, the "
                         "quarter's summary.", no_args_is_help=True, add_completion=False,
                         pretty_exceptions_enable=False)


def _tools() -> Any:
    from lantern.quality.tools import ToolError, load_tools

    try:
        return load_tools()
    except ToolError as e:
        _fail(f"audit tool refused: {e}", "Fix the file named (LANTERN_AUDIT_TOOLS).")


@audits_app.command("sample")
def audits_sample(
    month: Annotated[str, typer.Option(help="Month, YYYY-MM (sampled at its last day)")],
    tool: Annotated[str, typer.Option(help="Audit tool id, e.g. child_protection")],
    per_team: Annotated[int, typer.Option(help="Audits per team")] = 2,
    seed: Annotated[int, typer.Option(help="Random seed (the same seed, the same sample)")]
    = 1,
    exclude_months: Annotated[int, typer.Option(help="Leave out anyone audited in these "
                                                "months before")] = 6,
    preview: Annotated[bool, typer.Option(help="Draw without allocating the audits")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table|json")] = "table",
) -> None:
    """Draw the month's sample (stratified by team) and allocate auditors outside each
    child's team; each child with the reason they qualify."""
    import duckdb

    from lantern.quality import audits as qa
    from lantern.quality.sampling import draw, eligible
    from lantern.quality.tools import ToolError, get_tool

    month = _month(month)
    if per_team < 1 or fmt not in ("table", "json"):
        _fail("--per-team must be at least 1 and --format table or json", code=2)
    try:
        chosen_tool = get_tool(tool, _tools())
    except ToolError as e:
        _fail(str(e), code=2)
    settings = get_settings()
    if not settings.warehouse_path.exists():
        _fail(f"no warehouse at {settings.warehouse_path}", "Run `lantern ingest` first.")
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        candidates = eligible(con, chosen_tool, month)
    finally:
        con.close()
    engine = _engine()
    with Session(engine) as s, s.begin():
        draws = draw(candidates, per_team=per_team, seed=seed,
                     recently_audited=qa.recently_audited(s, month, exclude_months),
                     auditors=qa.auditor_pool(s))
        refs = ([""] * len(draws) if preview else
                [a.ref for a in qa.allocate(s, chosen_tool, month, draws)])
    rows = [{"audit": ref, "subject_id": d.subject_id, "subject": chosen_tool.subject,
             "team": d.team_id, "service": d.service_id, "reason": d.reason,
             "auditor": d.auditor} for ref, d in zip(refs, draws, strict=False)]
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    table = RichTable("audit", chosen_tool.subject, "team", "why", "auditor",
                      title=f"{chosen_tool.title}: sample for {month}")
    for r in rows:
        table.add_row(r["audit"], r["subject_id"], r["team"], r["reason"], r["auditor"] or
                      "no auditor outside the team")
    console.print(table)


@audits_app.command("import")
def audits_import(file: Annotated[Path, typer.Argument(help="FILE.csv")]) -> None:
    """Import audits done on paper: all of them, or nothing if any row is wrong."""
    from lantern.quality.paper import ImportRefused, read, write

    if not file.is_file():
        _fail(f"{file}: no such file", code=2)
    with Session(_engine()) as s, s.begin():
        try:
            n = write(s, read(file, s, _tools()))
        except ImportRefused as e:
            for line in e.problems:
                err.print(line, highlight=False, markup=False)
            _fail(f"{file} refused ({e}); nothing was imported",
                  "Each line above names the row, the field and what was expected.")
    console.print(f"Imported {n} audits from {file}; {store_audit_figures()}.",
                  highlight=False)


@audits_app.command("summary")
def audits_summary(
    quarter: Annotated[str, typer.Option(help="Quarter, YYYYQn (calendar), e.g. 2024Q3")],
    fmt: Annotated[str, typer.Option("--format", help="table|json")] = "table",
) -> None:
    """The quarter's audits: the quality-assurance indicators, grades by team, themes,
    moderation, actions and dip samples, beside the previous quarter."""
    from lantern.quality.summary import QuarterError, summary

    try:
        with Session(_engine()) as s:
            got = summary(s, quarter, _tools())
    except QuarterError as e:
        _fail(str(e), code=2)
    if fmt == "json":
        sys.stdout.write(json.dumps(got, indent=2) + "\n")
        return
    table = RichTable("indicator", got["quarter"], got["previous"]["quarter"],
                      title=f"Case audits, {got['quarter']}")
    for key, now in got["indicators"].items():
        before = got["previous"]["indicators"][key]
        table.add_row(key, _shown(now), _shown(before))
    console.print(table)


def _shown(x: Any) -> str:
    if isinstance(x, dict):
        return "–" if x["value"] is None else f"{x['value']:.1f}% ({x['numerator']} of " \
            f"{x['denominator']})"
    return str(x)


@audits_app.command("report")
def audits_report(
    quarter: Annotated[str, typer.Option(help="Quarter, YYYYQn (calendar), e.g. 2024Q3")],
    out: Annotated[Path, typer.Option(help="FILE.html or FILE.pdf")],
) -> None:
    """The quarterly audit report: grades over time and by team, moderation, themes,
    actions and dip samples, family feedback, beside the previous quarter."""
    from lantern.quality.summary import QuarterError
    from lantern.reports.audit_report import build, write

    if out.suffix.lower() not in (".html", ".htm", ".pdf"):
        _fail(f"--out {out}: expected a .html or .pdf file name", code=2)
    la_name, teams = _authority_and_teams()
    try:
        with Session(_engine()) as s:
            report = build(s, quarter, la_name=la_name, team_names=teams, tools=_tools())
    except QuarterError as e:
        _fail(str(e), code=2)
    try:
        write(report, out)
    except OSError as e:
        _fail(f"could not write {out}: {e.strerror or e}", "Check the folder exists and "
              "can be written.")
    console.print(f"Wrote the {report.quarter['quarter']} audit report to {out}.",
                  highlight=False)


def _authority_and_teams() -> tuple[str, dict[str, str]]:
    """The authority's name and team names from the warehouse, where there is one (the
    report names teams, never codes); without one, the report shows team ids."""
    import duckdb

    from lantern.casework.caseload import teams
    from lantern.warehouse.meta import read_authority

    path = get_settings().warehouse_path
    if not path.exists():
        return "Local authority", {}
    con = duckdb.connect(str(path), read_only=True)
    try:
        return read_authority(con).la_name, {t.team_id: t.name for t in teams(con)}
    finally:
        con.close()


def build_demo_quality() -> str:
    """The demo's year of case audits (``lantern demo``); says what it did."""
    from lantern.commands.governance import warehouse
    from lantern.quality import demo

    with warehouse() as (wh, latest, _changes, today):
        done = "Case audits: " + demo.build(_engine(), wh.con, latest, today)
    return f"{done}; {store_audit_figures()}"


def store_audit_figures() -> str:
    """The audits' indicators into every stored month's assurance (the scorecard, SPC,
    the decline rule and exceptions read them there); says what it did."""
    from lantern.assurance.store import Basis, store_local
    from lantern.quality.kpis import local_figures
    from lantern.warehouse import Warehouse
    from lantern.warehouse.meta import read_authority, with_population

    settings = get_settings()
    if not settings.warehouse_path.exists():
        return "no warehouse yet: the first load stores the audits' figures"
    targets = str(settings.targets) if settings.targets else None
    with Warehouse(settings.warehouse_path) as wh:
        authority = with_population(read_authority(wh.con), settings.population)
        n = store_local(wh.con, Basis.of(authority, targets),
                        local_figures(settings.app_database_url, authority.la_code))
    return (f"the audits' figures stored with every month's assurance ({n:,} rows)" if n
            else "no stored assurance yet: the next load stores the audits' figures")
