"""The `lantern` command: parse, call the core, print. No domain logic lives here.

Exit codes: 0 success; 1 the input was refused (nothing was loaded) or a step failed
with a message; 2 the command line was wrong (usage).
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable
from typer.core import TyperCommand

from lantern.config import Settings, get_settings

if TYPE_CHECKING:
    from lantern.measures.summary import YearEnd
    from lantern.synth import Scenario
    from lantern.synth.files import WrittenFiles
    from lantern.warehouse.meta import Authority

app = typer.Typer(
    help="Lantern: children's services performance, from child-level data to the board pack.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(soft_wrap=True)  # sentences stay whole lines when piped or logged
err = Console(stderr=True, soft_wrap=True)  # one line per error, never wrapped


def _register_admin() -> None:
    from lantern.commands.admin import audit_app, users_app
    from lantern.commands.governance import deep_dives_app, meetings_app
    from lantern.commands.plan import plan_app
    from lantern.commands.quality import audits_app

    app.add_typer(users_app, name="users", help="Manage accounts: add, list, disable, set-role.")
    app.add_typer(audit_app, name="audit", help="The access log: verify the hash chain, read it.")
    app.add_typer(plan_app, name="plan", help="The improvement plan: import, export, status, "
                  "sign-off, publish, diff, recommendations.")
    app.add_typer(deep_dives_app, name="deep-dives", help="Deep dives: the tracker, sync a "
                  "month's triggers, close one.")
    app.add_typer(meetings_app, name="meetings", help="Meetings: list, show.")
    app.add_typer(audits_app, name="audits", help="Case audits: sample, import, summary.")


_register_admin()


def _register_reports() -> None:
    from lantern.commands.reports import board_pack, report_app

    app.add_typer(report_app, name="report")
    app.command("board-pack")(board_pack)


_register_reports()


@app.callback()
def _check_settings() -> None:
    # Settings read deep inside a command are checked before any command runs, so a
    # misspelt one is one line, not a traceback half-way through.
    from lantern.assurance.targets import status_wording

    try:
        status_wording()
        if get_settings().identity_roles is not None:
            from lantern.security.identities import identity_roles

            identity_roles()
    except (ValueError, OSError) as exc:
        fail(str(exc), "See the settings table in README.md.", code=2)


def fail(message: str, hint: str | None = None, code: int = 1) -> NoReturn:
    """One clear line (and a pointer to detail) instead of a traceback."""
    err.print(f"[bold red]Error:[/] {message}", highlight=False)
    if hint:
        err.print(f"  {hint}", highlight=False)
    raise typer.Exit(code)


def parse_month(value: str, *, end: bool = False) -> date:
    """A --month option's first (or last) day; a bad month is a command-line error."""
    from lantern.months import Month

    try:
        month = Month.parse(value)
    except ValueError:
        fail(f"month {value!r} is not YYYY-MM", "Example: --month 2024-03", code=2)
    return month.last if end else month.first


def _progress() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


@app.command()
def generate(
    out: Annotated[Path, typer.Option(help="Folder to write the synthetic authority's files to")],
    children: Annotated[
        int | None, typer.Option(help="Population aged 0-17 (scales all flows)")
    ] = None,
    start: Annotated[str | None, typer.Option(help="First month, YYYY-MM")] = None,
    end: Annotated[str | None, typer.Option(help="Last month, YYYY-MM")] = None,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same files)")] = 42,
    scenario: Annotated[str, typer.Option(help="Scenario name or path to a YAML file")] = "torbay",
) -> None:
    """Simulate an authority and write its SSD extract, CIN census, SSDA903 and Annex A files."""
    written, _ = _generate(out, children, start, end, seed, scenario)
    console.print(f"Wrote the synthetic authority to [bold]{written.root}[/]")
    console.print(f"  SSD extract:  {written.ssd_extract}")
    if written.local:
        console.print(f"  Local tables: {written.local}")
    console.print(
        f"  CIN census:   {len(written.cin_census)} XML files in {written.root / 'cin_census'}"
    )
    console.print(f"  SSDA903:      {len(written.ssda903)} CSV files in {written.root / 'ssda903'}")
    console.print(f"  Annex A:      {written.annex_a}")


def _generate(
    out: Path,
    children: int | None,
    start: str | None,
    end: str | None,
    seed: int,
    scenario_name: str,
) -> tuple[WrittenFiles, Scenario]:
    from lantern.synth import load_scenario, simulate
    from lantern.synth.files import collection_years, write_all

    try:
        scenario = load_scenario(scenario_name)
    except (FileNotFoundError, ValueError) as exc:
        fail(f"scenario {scenario_name!r}: {exc}", "Built in: torbay; or give a YAML file path")
    if children is not None:
        if children <= 0:
            fail(f"--children {children}: expected a positive number of children", code=2)
        scenario = scenario.scaled(children=children)
    first = parse_month(start) if start else scenario.start
    last = parse_month(end, end=True) if end else scenario.end
    if last < first:
        fail(f"--end {end} is before --start {start}", code=2)
    years = collection_years(first, last)
    with _progress() as progress:
        task = progress.add_task("Simulating children's journeys", total=3 + 2 * len(years))
        data = simulate(scenario, seed=seed, start=first, end=last)
        progress.advance(task)

        def step(label: str) -> None:
            progress.update(task, description=f"Writing {label}")
            progress.advance(task)

        written = write_all(data, out, la_code=scenario.la_code, start=first, end=last, step=step)
    return written, scenario


def _report_reading(validation: Any) -> None:
    """Every file not read, with why; then the reading notes (years, sheets, columns)."""
    for line in validation.skipped:
        err.print(f"skipped: {line}", highlight=False)
    for note in validation.notes[:10]:
        err.print(f"note: {note}", highlight=False)
    if len(validation.notes) > 10:
        err.print(f"note: and {len(validation.notes) - 10} more", highlight=False)


def _report_problems(validation: Any) -> None:
    """Summary of problems: counts by rule, the first few, where the full report is."""
    if not validation.problems:
        return
    summary = ", ".join(f"{rule} ×{n}" for rule, n in list(validation.counts_by_rule().items())[:8])
    err.print(f"{validation.errors} errors, {validation.warnings} warnings, "
              f"{len(validation.problems) - validation.errors - validation.warnings} queries "
              f"in {len(validation.files)} files ({summary})", highlight=False)
    for line in validation.first_problems(5):
        typer.echo(f"  - {line}", err=True)
    if validation.report_csv:
        err.print(f"Full report: {validation.report_html} (and {validation.report_csv.name})",
                  highlight=False)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively)")],
    la: Annotated[str | None, typer.Option("--la", help="Authority code, e.g. 880")] = None,
    year: Annotated[int | None, typer.Option(help="Collection year of SSDA903 files (the year "
                                             "of the 31 March)")] = None,
    accept_warnings: Annotated[bool, typer.Option(help="Load despite warnings")] = False,
) -> None:
    """Validate and load SSD extracts, CIN census XML, SSDA903 CSVs, Annex A and local
    tables (`lantern template`), all or nothing."""
    from lantern.ingest.pipeline import ingest_paths, nothing_recognised
    from lantern.warehouse import Warehouse
    from lantern.warehouse.meta import write_authority

    settings = get_settings()
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        fail(f"no such file or folder: {', '.join(missing)}", code=2)
    outcome = ingest_paths(paths, settings=settings, la=la, year=year,
                           accept_warnings=accept_warnings)
    validation = outcome.validation
    _report_reading(validation)
    _report_problems(validation)
    if not outcome.loaded:
        fail("the input was refused; nothing was loaded" if validation.files
             else nothing_recognised(paths),
             "Fix the problems listed in the report and run `lantern ingest` again."
             + ("" if validation.errors else " (Warnings only: --accept-warnings loads anyway.)"))
    if la:
        with Warehouse(settings.warehouse_path) as wh:
            write_authority(wh.con, la_code=la)
    if outcome.changed or la:
        _store_assurance()
    rows = sum(outcome.row_counts.values())
    if outcome.changed:
        console.print(f"Loaded {len(validation.files)} files: load {outcome.load_id}, "
                      f"{rows:,} rows in the warehouse ({outcome.seconds:.1f} s)")
        from lantern.commands.governance import sync_after_load

        console.print(sync_after_load(), highlight=False)
        _check_published_reports()
    else:
        console.print(f"Already loaded (no change): load {outcome.load_id}")


def _check_published_reports() -> None:
    """A load never changes a published report: where it moved a published month's
    figures, a new draft edition is made, and this says which."""
    from lantern.reports.workflow import after_load, open_book

    settings = get_settings()
    if settings.database_url is None and not (settings.home / "app.sqlite").exists():
        return  # no app database: nothing has been published
    con, authority = _open_warehouse()
    try:
        notes = after_load(con, open_book(settings), authority)
    finally:
        con.close()
    for note in notes:
        console.print(f"Report: {note}", highlight=False)


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively)")],
    year: Annotated[int | None, typer.Option(help="Collection year of SSDA903 files")] = None,
) -> None:
    """Check files against the format and the DfE rules without loading anything."""
    from lantern.ingest.pipeline import nothing_recognised, validate_paths

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        fail(f"no such file or folder: {', '.join(missing)}", code=2)
    outcome = validate_paths(paths, year=year, settings=get_settings())
    _report_reading(outcome)
    _report_problems(outcome)
    if not outcome.files:
        fail(nothing_recognised(paths), "Each file and why it was not read is listed above.")
    console.print(f"{len(outcome.files)} files, {outcome.rows_read():,} rows checked in "
                  f"{outcome.seconds:.1f} s: {outcome.errors} errors, {outcome.warnings} warnings.")
    if outcome.blocking():
        raise typer.Exit(1)


def _local_table_names() -> str:
    from lantern.formats.local_csv import local_tables

    return ", ".join(local_tables())


class _TemplateCommand(TyperCommand):
    """`lantern template --help` lists the local tables, read from the model only when
    asked (reading it at start-up would slow every command by a second)."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self.help = (f"{self.help} Tables: {_local_table_names()}. How to fill each column: "
                     "docs/data-dictionary.md.")
        super().format_help(ctx, formatter)


@app.command(cls=_TemplateCommand)
def template(
    table: Annotated[str, typer.Argument(help="A local table, e.g. lantern_marac_referrals")],
) -> None:
    """Print the CSV template (its header line) of a local table, ready to fill and load
    with `lantern ingest`."""
    from lantern.formats.local_csv import local_tables
    from lantern.formats.local_csv import template as header

    if table not in local_tables():
        fail(f"{table!r} is not a local table; the tables are: {_local_table_names()}",
             code=2)
    typer.echo(header(table), nl=False)


@app.command()
def loads() -> None:
    """List the load history of the warehouse."""
    from lantern.warehouse import Warehouse

    settings = get_settings()
    if not settings.warehouse_path.exists():
        fail(
            f"no warehouse at {settings.warehouse_path}", "Run `lantern demo` or `lantern ingest`."
        )
    with Warehouse(settings.warehouse_path, read_only=True) as wh:
        table = RichTable("load", "when (UTC)", "kind", "authority", "rows")
        for row in wh.loads():
            counts = row["row_counts"]
            total = sum(counts.values()) if isinstance(counts, dict) else 0
            table.add_row(
                str(row["load_id"]),
                str(row["loaded_at"]),
                str(row["kind"]),
                str(row["la_code"]),
                f"{total:,}",
            )
        console.print(table)


def _parse_date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} {value!r}: expected a date, YYYY-MM-DD", code=2)


@app.command()
def export(
    out: Annotated[Path, typer.Option(help="Folder to write cin_census/, ssda903/<year>/ "
                                           "and annex_a/ under")],
    year: Annotated[list[int] | None, typer.Option(
        help="Collection (end) year of the CIN census and SSDA903 files; repeat for "
             "several (default: the years loaded)")] = None,
    annex_a_from: Annotated[str | None, typer.Option(
        help="Annex A: first day, YYYY-MM-DD (default: a year before --annex-a-to)")] = None,
    annex_a_to: Annotated[str | None, typer.Option(
        help="Annex A: last day, YYYY-MM-DD (default: the data date)")] = None,
    la: Annotated[str | None, typer.Option(
        help="Local authority code for the CIN census header (default: the warehouse's)")
    ] = None,
) -> None:
    """Write the warehouse as statutory files: CIN census XML, SSDA903 CSVs, Annex A.

    The files name children, so every child in them gets an access-log entry
    (`lantern audit log`), as an export from the web app does."""
    from lantern.ingest.export import ExportRefused, export_and_record

    settings = get_settings()
    if not settings.warehouse_path.exists():
        fail(f"no warehouse at {settings.warehouse_path}",
             "Run `lantern demo` or `lantern ingest` first.")
    started = time.perf_counter()
    first = _parse_date(annex_a_from, "--annex-a-from") if annex_a_from else None
    last = _parse_date(annex_a_to, "--annex-a-to") if annex_a_to else None
    try:
        with console.status("Writing the statutory files"):
            run = export_and_record(settings, out, years=year, annex_a_from=first,
                                    annex_a_to=last, la_code=la)
    except ExportRefused as exc:
        fail(str(exc), code=2)
    written, (start, end) = run.written, run.annex_a
    console.print(f"CIN census:  {len(written.cin_census)} XML files in {out / 'cin_census'}")
    console.print(f"SSDA903:     {len(written.ssda903)} CSV files in {out / 'ssda903'}")
    console.print(f"Annex A:     {written.annex_a} ({start} to {end})")
    console.print(f"{run.children_named:,} children named; access log updated. "
                  f"Done in {time.perf_counter() - started:.1f} s.")


@app.command()
def demo(
    seed: Annotated[int, typer.Option(help="Random seed")] = 42,
    months: Annotated[
        int | None, typer.Option(help="Months of history (default: 10 years)")
    ] = None,
    serve_after: Annotated[bool, typer.Option("--serve", help="Then start the web app with a "
                                              "demo user for each role")] = False,
) -> None:
    """Generate the synthetic authority, load it, compute, write the report; print where."""
    from lantern.measures.summary import year_ends
    from lantern.warehouse import Warehouse
    from lantern.warehouse.meta import write_authority

    settings = get_settings()
    started = time.perf_counter()
    start = None
    if months is not None:
        if months < 1:
            fail(f"--months {months}: expected at least 1", code=2)
        from lantern.months import Month
        from lantern.synth import load_scenario

        start = str(Month.parse(load_scenario("torbay").end) - (months - 1))
    out = settings.home / "demo"
    written, scenario = _generate(out, None, start, None, seed, "torbay")
    from lantern.ingest.pipeline import ingest_paths

    _check_returns(written, settings)
    with console.status("Validating and loading the SSD extract and the local tables"):
        extract = [written.ssd_extract, *([written.local] if written.local else [])]
        outcome = ingest_paths(extract, settings=settings, la=scenario.la_code)
    if not outcome.loaded:
        _report_problems(outcome.validation)
        fail("the generated extract was refused", "This is a bug: please report it.")
    with Warehouse(settings.warehouse_path) as wh:
        write_authority(wh.con, **scenario.authority())
        counts = wh.row_counts()
        ends = year_ends(wh.con, scenario.start if start is None else parse_month(start),
                         scenario.end, la_code=scenario.la_code)
    _store_assurance()
    _print_summary(counts, ends, outcome.load_id or 0)
    latest = f"{scenario.end:%Y-%m}"
    _print_headlines(latest)
    _demo_report(settings, latest, written.root)
    console.print(f"Done in {time.perf_counter() - started:.1f} s.")
    if serve_after:
        _serve_demo("127.0.0.1", 8000)


def _check_returns(written: WrittenFiles, settings: Settings) -> None:
    """The demo's statutory returns go through the same readers and DfE rules a
    council's would."""
    from lantern.ingest.pipeline import validate_paths

    with console.status("Reading and validating the CIN census, SSDA903 and Annex A files"):
        returns = validate_paths(written.latest_returns(), settings=settings)
    _report_problems(returns)
    console.print(f"Statutory returns: {len(returns.files)} files, {returns.rows_read():,} rows "
                  f"read and checked against the DfE rules: {returns.errors} errors, "
                  f"{returns.warnings} warnings ({returns.seconds:.1f} s)")


def _demo_report(settings: Settings, latest: str, files: Path) -> None:
    """The monthly report for the latest month, and where everything is."""
    reports = settings.reports_dir
    html_path, pdf_path = _write_report(
        latest,
        reports / f"performance-report-{latest}.html",
        reports / f"performance-report-{latest}.pdf",
    )
    from lantern.commands.plan import build_demo_plan

    with console.status("Creating the demo improvement plan"):
        plan_line = build_demo_plan()
    from lantern.commands.governance import build_demo_governance

    with console.status("Storing deep dives and the year's performance surgeries"):
        governance_line = build_demo_governance()
    from lantern.commands.quality import build_demo_quality

    with console.status("Recording a year of case audits"):
        quality_line = build_demo_quality()
    _demo_reports(latest)
    console.print()
    console.print(f"Files:      {files}")
    console.print(f"Warehouse:  {settings.warehouse_path}")
    console.print(f"Archive:    {settings.archive_dir}")
    console.print(f"Report:     [bold]{html_path}[/]")
    console.print(f"            [bold]{pdf_path}[/]")
    console.print(plan_line)
    console.print(governance_line, highlight=False)
    console.print(quality_line, highlight=False)


def _demo_reports(latest: str) -> None:
    """The report's history: the ten months before the latest published through the
    chain (HTML frozen; each PDF printed from it when first asked for), the latest
    awaiting the DCS's endorsement (demo accounts act; new passwords with --serve)."""
    from lantern.casework import team_services
    from lantern.reports.demo_chain import published_months
    from lantern.reports.workflow import open_book
    from lantern.security.accounts import UserStore, ensure_demo_users

    settings = get_settings()
    con, authority = _open_warehouse()
    book = open_book(settings)
    ensure_demo_users(book.engine, team_services(con))
    users = UserStore(book.engine)
    people = {role: users.principal(users.get(f"demo_{role}").id)  # type: ignore[union-attr]
              for role in ("performance_analyst", "divisional_director", "dcs",
                           "head_of_service")}
    published = published_months(latest)
    from lantern.reports.demo_chain import run_demo_chain

    with console.status("Reports: quality check, themes, endorsement, publication") as st:
        run_demo_chain(con, book, authority, settings, people, published, latest,  # type: ignore[arg-type]
                       progress=lambda text: st.update(f"Reports: {text}"))
    con.close()
    console.print(f"Reports:    {published[0]} to {published[-1]} published; {latest} "
                  "awaiting the DCS's endorsement (`lantern report status --month "
                  f"{latest}`)")


def _serve_demo(host: str, port: int) -> None:
    """Demo accounts for every role (new passwords each time), then the web app."""
    import duckdb

    from lantern.appdb import make_engine, migrate
    from lantern.casework import team_services
    from lantern.security.accounts import ensure_demo_users
    from lantern.web.serve import run

    settings = get_settings()
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    teams = team_services(con)
    con.close()
    migrate(settings.app_database_url)
    users = ensure_demo_users(make_engine(settings.app_database_url), teams)
    console.print("[bold]Demo accounts[/] (new passwords each run):")
    width = max(len(u[0]) for u in users)
    for username, password, role, scope in users:
        console.print(f"  {username:<{width}}  {password}  {role} ({scope})",
                      highlight=False, soft_wrap=True)
    console.print(f"Lantern is at [bold]http://{host}:{port}/[/] (Ctrl+C to stop)")
    run(host, port, settings)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default)")] = (
        "127.0.0.1"),
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Server processes, each with its own copy of the warehouse in memory "
                    "(default: LANTERN_WEB_WORKERS, else 1)")] = None,
) -> None:
    """Start the web app (accounts: `lantern users add`)."""
    from lantern.appdb import migrate
    from lantern.web.serve import run

    settings = get_settings()
    if not settings.warehouse_path.exists():
        fail(f"no warehouse at {settings.warehouse_path}",
             "Run `lantern demo` or `lantern ingest` first.")
    migrate(settings.app_database_url)
    console.print(f"Lantern is at [bold]http://{host}:{port}/[/] (Ctrl+C to stop)")
    run(host, port, settings, workers)


def _store_assurance() -> None:
    """Every month's assurance computed once for the new load and stored in the
    warehouse, so pages, commands and reports read it back instead of recomputing."""
    from lantern.assurance.store import Basis, store_assurance
    from lantern.quality.kpis import local_figures
    from lantern.warehouse import Warehouse
    from lantern.warehouse.meta import read_authority, with_population

    settings = get_settings()
    targets = str(settings.targets) if settings.targets else None
    with console.status("Computing every month's indicators, SPC and exceptions"), \
            Warehouse(settings.warehouse_path) as wh:
        authority = with_population(read_authority(wh.con), settings.population)
        done = store_assurance(wh.con, Basis.of(authority, targets), local=local_figures(
            settings.app_database_url, authority.la_code))
    console.print(f"Assurance stored for {done.first_month} to {done.last_month}: "
                  f"{done.rows:,} indicator rows, {done.exceptions:,} exceptions "
                  f"({done.seconds:.1f} s)")


def _print_headlines(month: str) -> None:
    from lantern.reports.build import headline_lines

    con, authority = _open_warehouse()
    try:
        lines = headline_lines(con, month, la_code=authority.la_code,
                               population=authority.population)
    finally:
        con.close()
    table = RichTable("indicator", "value", "of", "period", title=f"Headline indicators, {month}")
    for line in lines:
        table.add_row(*line)
    console.print(table)


def _print_summary(counts: dict[str, int], ends: list[YearEnd], load_id: int) -> None:
    table = RichTable("table", "rows", title=f"Warehouse load {load_id}")
    for name, n in counts.items():
        table.add_row(name, f"{n:,}")
    console.print(table)
    ye = RichTable("31 March", "children on CP plans", "looked after", title="At each year end")
    for row in ends:
        ye.add_row(str(row.date), str(row.cp_plans), str(row.looked_after))
    console.print(ye)


# --- indicators ------------------------------------------------------------------------

KPI_JSON_KEYS = (
    "kpi_id", "month", "period", "breakdown", "breakdown_value",
    "numerator", "denominator", "value", "status",
)


def _open_warehouse() -> tuple[Any, Authority]:
    """The warehouse (read-only) and what it records about the authority."""
    import duckdb

    from lantern.warehouse.meta import read_authority, with_population

    settings = get_settings()
    if not settings.warehouse_path.exists():
        fail(f"no warehouse at {settings.warehouse_path}",
             "Run `lantern demo`, or `lantern ingest` your authority's files first.")
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    return con, with_population(read_authority(con), settings.population)


def _check_loaded_month(con: Any, month: str) -> None:
    """Refuse (exit 2, one line) a month outside the loaded data: before its first month
    or after the month it runs into."""
    from lantern.assurance.inputs import MonthRefused, check_month
    from lantern.casework import data_date
    from lantern.casework.dates import first_data_month
    from lantern.months import Month

    first = first_data_month(con)
    if first is None:
        return
    # The month the data runs into counts as loaded (a report for a month still being
    # recorded is the operator's choice); the web offers complete months only.
    last = Month.parse(data_date(con))
    as_of = last.last
    months = last - Month.parse(first) + 1
    try:
        check_month(month, as_of, max(months, 1))
    except MonthRefused as exc:
        fail(str(exc), "Run `lantern loads` to see what is loaded.", code=2)


def _check_format(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        fail(f"--format {value!r}: expected one of {', '.join(allowed)}", code=2)
    return value


def _print_records(records: list[dict[str, Any]], columns: tuple[str, ...], fmt: str,
                   title: str = "") -> None:
    import json
    import sys

    from lantern.tabular import write_csv

    if fmt == "json":
        sys.stdout.write(json.dumps(records, indent=2, default=str) + "\n")
    elif fmt == "csv":  # cells safe to open in a spreadsheet (no formula injection)
        write_csv(sys.stdout, columns, records)
    else:
        table = RichTable(*columns, title=title or None, expand=False)
        for r in records:
            table.add_row(*("" if r.get(c) is None else _cell(r.get(c)) for c in columns))
        console.print(table)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}" if not value.is_integer() else f"{value:,.0f}"
    return str(value)


@app.command()
def kpis(
    month: Annotated[str, typer.Option(help="Month, YYYY-MM")],
    by: Annotated[str, typer.Option(help="authority|service|team|worker|age_band|sex|"
                                    "ethnicity|disability|household_type|"
                                    "referring_agency|employer_sector")] = "authority",
    fmt: Annotated[str, typer.Option("--format", help="table|csv|json")] = "table",
    with_benchmarks: Annotated[bool, typer.Option(
        "--benchmarks", help="csv|json: add England's value and the statistical "
        "neighbours' mean to the authority rows DfE publishes in the same unit (the "
        "table always shows them)")] = False,
) -> None:
    """Every indicator for a month: one row per indicator, period and breakdown value.
    As csv or json each row has exactly the nine contract keys unless --benchmarks."""
    from lantern.measures.core import BREAKDOWNS
    from lantern.measures.engine import compute
    from lantern.quality.kpis import rows_from_app_db

    _check_format(fmt, ("table", "csv", "json"))
    if by not in BREAKDOWNS:
        fail(f"--by {by!r}: expected one of {', '.join(BREAKDOWNS)}", code=2)
    parse_month(month)
    con, authority = _open_warehouse()
    _check_loaded_month(con, month)
    backend: Any = con
    if get_settings().engine == "spark":
        # The same declarations on a local Spark session (the path to a cluster).
        from lantern.warehouse.spark import spark_from_warehouse

        con.close()
        with console.status("Starting Spark and loading the warehouse"):
            backend = spark_from_warehouse(get_settings().warehouse_path)
    rows = compute(backend, [month], breakdowns=(by,), population=authority.population,
                   la_code=authority.la_code)
    records = [{k: getattr(r, k) for k in KPI_JSON_KEYS} for r in rows if r.breakdown == by]
    # The quality-assurance indicators are counted from the app database's case audits.
    qa = rows_from_app_db(get_settings().app_database_url, [month], breakdowns=(by,),
                          la_code=authority.la_code)
    records += [{k: r[k] for k in KPI_JSON_KEYS} for r in qa]
    columns: tuple[str, ...] = KPI_JSON_KEYS if fmt != "table" else (
        "kpi_id", "period", "breakdown_value", "value", "numerator", "denominator", "status")
    if by == "authority" and (fmt == "table" or with_benchmarks):
        columns = _with_comparators(records, authority.la_code, columns)
    _print_records(records, columns, fmt, f"Indicators for {month} by {by}")
    reasons = sorted({r["reason"] for r in qa if r["status"] == "not_available"})
    if fmt == "table" and reasons:
        console.print(f"Quality-assurance indicators not available: {'; '.join(reasons)}.",
                      highlight=False)


def _with_comparators(records: list[dict[str, Any]], la_code: str,
                      columns: tuple[str, ...]) -> tuple[str, ...]:
    """Authority rows whose indicator DfE publishes in the same unit carry England's
    value and the statistical neighbours' mean (`benchmarks.comparators`) after the
    nine contract keys; the columns gain them where any row has them. Only when asked
    for: the kpis contract (checks outside the repo rely on it) is exactly nine keys."""
    from lantern.measures.benchmarks import COMPARATOR_KEYS, comparators

    found = {k: comparators(k, la_code) for k in {r["kpi_id"] for r in records}}
    for r in records:
        r.update(found[r["kpi_id"]] or {})
    return (*columns, *COMPARATOR_KEYS) if any(found.values()) else columns


def table_columns(kpi_id: str, rows: list[dict[str, Any]]) -> tuple[str, ...]:
    """The drill-down columns `lantern children` prints as a table: a child's rows with
    their team and worker; a worker by name with team, caseload and FTE; another
    subject by its id, with the child when the rows have one (arrangements,
    presentations) and the team only when the indicator breaks down by team (a
    household or a referral has none)."""
    from lantern.measures.catalogue import get

    ind = get(kpi_id)
    subject = ind.subject_info
    if subject.id == "child":
        return ("child_id", "event_id", "in_numerator", "reason", "team", "worker")
    named = subject.detail_columns[:1] or (
        () if subject.attributed_to == "team" else ("subject_id",))
    about_child = ("child_id",) if any(r.get("child_id") for r in rows) else ()
    team = ("team",) if "team" in ind.all_breakdowns else ()
    own = tuple(b.id for b in subject.own)  # a household's type, a referral's sector
    return (*named, *about_child, *team, *own, *subject.detail_columns[2:4],
            "in_numerator", "reason")


@app.command()
def children(
    kpi_id: Annotated[str, typer.Argument(help="Indicator id, e.g. icpc_15wd_pct")],
    month: Annotated[str, typer.Option(help="Month, YYYY-MM")],
    period: Annotated[str | None, typer.Option(help="in_month|rolling_12m|fytd|snapshot|"
                                               "rolling_36m (default: headline)")] = None,
    by: Annotated[str, typer.Option(help="Breakdown of --value")] = "authority",
    value: Annotated[str | None, typer.Option(help="Breakdown value, e.g. a team id")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table|csv|json")] = "table",
) -> None:
    """The children behind a figure: who is in the denominator and numerator, and why."""
    from sqlalchemy.exc import SQLAlchemyError

    from lantern.measures.catalogue import from_app_db, get, ids
    from lantern.measures.drill import child_ids
    from lantern.measures.drill import children as drill
    from lantern.measures.drill import columns as drill_columns
    from lantern.quality.kpis import AUDIT_COLUMNS, audits_from_app_db
    from lantern.security.operator import record_operator_access

    _check_format(fmt, ("table", "csv", "json"))
    if kpi_id not in ids() and not from_app_db(kpi_id):
        fail(f"unknown indicator {kpi_id!r}", "List them with `lantern kpis --month YYYY-MM`.")
    parse_month(month)
    con, _ = _open_warehouse()
    _check_loaded_month(con, month)
    settings = get_settings()
    columns: tuple[str, ...] = () if from_app_db(kpi_id) else tuple(drill_columns(kpi_id))
    shown: tuple[str, ...] = ("child_id", "event_id", "in_numerator", "reason", "team",
                              "worker")
    try:
        if from_app_db(kpi_id):  # the case audits behind the figure
            rows = audits_from_app_db(settings.app_database_url, kpi_id, month,
                                      period=period, breakdown=by, value=value)
            columns = AUDIT_COLUMNS
            shown = ("audit", "child_id", "team", "auditor", "grade", "moderated_grade",
                     "submitted_on", "in_numerator")
        else:
            rows = drill(con, kpi_id, month, period=period, breakdown=by,
                         breakdown_value=value)
    except ValueError as exc:
        fail(str(exc), code=2)
    try:  # logged before anything is shown: no identities without an entry
        record_operator_access(
            settings, "view_children_list", child_ids(rows),
            path="lantern children",
            detail=f"{kpi_id} {month} {period or 'headline'} {by}={value or 'all'}")
        rows = _guard_identities(settings, rows)
    except (SQLAlchemyError, OSError) as exc:
        fail(f"could not write the access log in {settings.app_database_url}, so no child "
             f"is shown ({type(exc).__name__})", "Check LANTERN_DATABASE_URL and that the "
             "app database can be written.")
    ind = get(kpi_id)
    subject = ind.subject_info
    if not from_app_db(kpi_id):  # the audits' columns are set above
        shown = table_columns(kpi_id, rows)
    if fmt == "table":  # people read a household's type, not its code
        rows = [{**r, **{b.id: b.value_label(r.get(b.id)) for b in subject.own}}
                for r in rows]
    _print_records(rows, columns if fmt != "table" else shown, fmt,
                   f"{kpi_id} {month}: {len(rows)} {subject.plural} in the denominator, "
                   f"{sum(1 for r in rows if r.get('in_numerator'))} in the numerator")


def _guard_identities(settings: Settings, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Adults' identities in local records (a MARAC victim's name, say) are shown only
    if the command line's role may see them, each column's view logged first."""
    from lantern.appdb import make_engine, migrate
    from lantern.security.access_log import AccessLog
    from lantern.security.identities import guard_rows, log_identity_view
    from lantern.security.operator import operator

    rows, shown = guard_rows(operator(), rows)
    if shown:
        migrate(settings.app_database_url)
        log = AccessLog(make_engine(settings.app_database_url))
        for (table, column), ids in shown.items():
            log_identity_view(log, operator(), table, column, ids, path="lantern children")
    return rows


@app.command()
def benchmarks(
    kpi_id: Annotated[str, typer.Argument(help="Indicator id, e.g. cp_rate_per_10k")],
    la: Annotated[str | None, typer.Option("--la", help="DfE authority number")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table|json")] = "table",
) -> None:
    """Published DfE values: the authority, England, its region and statistical neighbours."""
    import json

    from lantern.measures.benchmarks import benchmark
    from lantern.measures.catalogue import ids

    _check_format(fmt, ("table", "json"))
    if kpi_id not in ids():
        fail(f"unknown indicator {kpi_id!r}", "List them with `lantern kpis --month YYYY-MM`.")
    code = la
    if code is None:
        _, authority = _open_warehouse()
        code = authority.la_code
    try:
        found = benchmark(kpi_id, code)
    except KeyError as exc:
        fail(str(exc.args[0]), "Use the DfE number, e.g. --la 880 for Torbay.")
    if fmt == "json":
        console.print_json(json.dumps(found, default=str))
        return
    if not found.get("available"):
        console.print(f"{kpi_id}: no DfE comparison — {found.get('reason')}")
        return
    _print_benchmark(found, code)


def _print_benchmark(found: dict[str, Any], code: str) -> None:
    """The comparison as the indicator page shows it: the latest year, the five-year
    trend, the region and the neighbours by name."""
    per = found["compared_as"] == "rate_per_10k"
    unit = found["unit"]

    def cell(v: float | None) -> str:
        return "–" if v is None else _bench_value(v, unit)

    year = found["published"]
    console.print(f"{found['measure']}: DfE, year ending {found['ends']} {year}.")
    if per:
        console.print("A number of children is compared only as a rate per 10,000 children "
                      "aged 0-17.")
    table = RichTable(f"year ending {found['ends']}", f"{found['la_name']} ({code})", "England",
                      str(found["region"]), "statistical neighbours (mean)",
                      title="Five-year trend" + (", rates per 10,000 children" if per else ""))
    for y in found["trend"]:
        table.add_row(str(y["published"]), cell(y["authority"]), cell(y["england"]),
                      cell(y["region_value"]), cell(y["neighbours_mean"]))
    console.print(table)
    names = ", ".join(f"{n['la_name']} {cell(n['value'])}" for n in found["neighbours"])
    console.print(f"Statistical neighbours ({year}, closest first): {names}.")
    if found.get("neighbours_excluded"):
        console.print(f"{found['neighbours_excluded']} neighbour values suppressed or missing.")


def _bench_value(v: float, unit: str) -> str:
    return f"{v:.1f}%" if unit == "pct" else f"{v:,.1f}"


@app.command()
def exceptions(
    month: Annotated[str, typer.Option(help="Month, YYYY-MM")],
    fmt: Annotated[str, typer.Option("--format", help="table|json")] = "table",
) -> None:
    """Deep-dive triggers, SPC concerns, target failures and data problems, by service."""
    import json
    import sys
    from dataclasses import asdict

    from lantern.assurance.exceptions import group_by_service
    from lantern.assurance.store import Basis, month_assurance

    _check_format(fmt, ("table", "json"))
    parse_month(month)
    con, authority = _open_warehouse()
    _check_loaded_month(con, month)
    settings = get_settings()
    result = month_assurance(
        con, month, Basis.of(authority, str(settings.targets) if settings.targets else None))
    if fmt == "json":
        records = [asdict(e) for e in result.exceptions]
        sys.stdout.write(json.dumps(records, indent=2, default=str) + "\n")
        return
    for service, items in group_by_service(result.exceptions).items():
        table = RichTable("severity", "kind", "indicator", "where", "what",
                          title=f"{service}: {len(items)}", title_justify="left")
        for e in items:
            where = (
                "authority" if e.breakdown == "authority" else f"{e.breakdown} {e.breakdown_value}"
            )
            table.add_row(e.severity, e.kind, e.kpi_id, where, e.message)
        console.print(table)
    if not result.exceptions:
        console.print(f"No exceptions for {month}.")


def _write_report(month: str, *outs: Path) -> list[Path]:
    """Compute the month once and write it to each file (HTML or PDF by extension)."""
    from lantern.assurance.store import Basis, month_assurance
    from lantern.reports.build import report_from
    from lantern.reports.render import write_reports

    parse_month(month)
    for out in outs:
        if out.suffix.lower() not in (".html", ".htm", ".pdf"):
            fail(f"--out {out}: expected a file name ending .html or .pdf", code=2)
    con, authority = _open_warehouse()
    _check_loaded_month(con, month)
    settings = get_settings()
    with console.status(f"Computing {month} and writing {', '.join(o.name for o in outs)}"):
        targets = str(settings.targets) if settings.targets else None
        assured = month_assurance(con, month, Basis.of(authority, targets))
        built = report_from(assured, la_code=authority.la_code, la_name=authority.la_name,
                            process_changes=authority.process_changes)
        return write_reports(built, *outs)


@app.command()
def alerts(
    on: Annotated[str, typer.Option("--date", help="Day to run for, YYYY-MM-DD")],
    send: Annotated[bool, typer.Option(help="Email each person their digest (SMTP)")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table|json")] = "table",
) -> None:
    """Every deadline due soon, overdue or escalated on a day, and who must act."""
    import sys

    from lantern.alerts.command import SmtpSettings, alerts_command, load_addresses

    _check_format(fmt, ("table", "json"))
    day = _parse_date(on, "--date")
    settings = get_settings()
    addresses = None
    if send:
        if settings.addresses is None:
            fail("--send needs an address book",
                 "Set LANTERN_ADDRESSES to a YAML file of recipient key: email address.")
        try:
            addresses = load_addresses(settings.addresses)
        except (OSError, ValueError) as exc:
            fail(f"address book {settings.addresses}: {exc}")
    con, _ = _open_warehouse()
    smtp = SmtpSettings(settings.smtp_host, settings.smtp_port, settings.smtp_sender,
                        settings.smtp_username, settings.smtp_password)
    try:
        text, result = alerts_command(
            con, day, fmt="json" if fmt == "json" else "table", send=send,
            addresses=addresses, smtp=smtp, sent_log=settings.home / "alerts" / "sent.jsonl",
        )
    except OSError as exc:
        fail(f"could not send digests via {settings.smtp_host}:{settings.smtp_port}: {exc}")
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    if result is not None:
        err.print(f"Digests sent: {sum(result.sent.values())} to {len(result.sent)} people; "
                  f"already sent today: {len(result.already_sent)}; "
                  f"no address: {len(result.no_address)}; failed: {len(result.failed)}")


# -- lantern rules: the validation rule catalogue (issue #19) ---------------------------


@app.command()
def rules(
    fmt: Annotated[str, typer.Option("--format", help="table|json|md")] = "table",
    year: Annotated[int | None, typer.Option(
        help="Collection year, the year of the 31 March (2025 is 2024-25)")] = None,
    collection: Annotated[str | None, typer.Option(help="cin|ssda903")] = None,
) -> None:
    """The validation rules: every DfE code for the year, and whether Lantern checks it."""
    import json
    import sys

    from lantern.ingest.rules.catalogue import COLLECTIONS, catalogue, render_markdown
    from lantern.ingest.rules.engine import RULE_YEARS

    _check_format(fmt, ("table", "json", "md"))
    if collection is not None and collection not in COLLECTIONS:
        fail(f"--collection {collection!r}: expected one of {', '.join(COLLECTIONS)}", code=2)
    spans = [RULE_YEARS[c] for c in ([collection] if collection else COLLECTIONS)]
    first, last = min(a for a, _ in spans), max(b for _, b in spans)
    if year is not None and not first <= year <= last:
        fail(f"--year {year}: the {collection or 'DfE'} rule lists cover {first} to {last} "
             f"(the year of the 31 March)", code=2)
    entries = catalogue(year, collection)
    if fmt == "json":
        sys.stdout.write(json.dumps([e.as_json() for e in entries], indent=2) + "\n")
    elif fmt == "md":
        sys.stdout.write(render_markdown(entries))
    else:
        table = RichTable(title="Validation rules")
        for name in ("id", "DfE code", "collection", "severity", "years"):
            table.add_column(name, no_wrap=True)
        table.add_column("message", min_width=30, overflow="fold")
        table.add_column("status", no_wrap=True)
        for e in entries:
            table.add_row(e.id, e.dfe_code or "", e.collection, e.severity, e.year_span,
                          e.message, e.status)
        console.print(table)
        done = sum(e.status == "implemented" and e.dfe_code is not None for e in entries)
        listed = sum(e.dfe_code is not None for e in entries)
        console.print(f"{done} of {listed} DfE rules implemented; "
                      f"{len(entries) - listed} Lantern checks.")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
