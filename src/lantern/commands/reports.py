"""`lantern report` (write an edition; `status`; `advance`) and `lantern board-pack`:
parse, call `lantern.reports.workflow`, print."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table as RichTable

from lantern.config import get_settings

report_app = typer.Typer(
    invoke_without_command=True, no_args_is_help=False, add_completion=False,
    help="The monthly performance report: write an edition, see its state, move it along "
         "the chain (quality check, themes, endorsement, publication).")

SUFFIXES = (".html", ".htm", ".pdf")


def _cli() -> Any:
    from lantern import cli

    return cli


def _check_out(out: Path) -> None:
    if out.suffix.lower() not in SUFFIXES:
        _cli().fail(f"--out {out}: expected a file name ending .html or .pdf", code=2)


def _context(month: str) -> tuple[Any, Any, Any]:
    """(warehouse connection, authority, report book)."""
    from lantern.reports.workflow import open_book

    cli = _cli()
    cli.parse_month(month)
    con, authority = cli._open_warehouse()
    return con, authority, open_book(get_settings())


@report_app.callback()
def report(
    ctx: typer.Context,
    month: Annotated[str | None, typer.Option(help="Month, YYYY-MM")] = None,
    out: Annotated[Path | None, typer.Option(help="FILE.html or FILE.pdf")] = None,
    service: Annotated[str | None, typer.Option(
        help="A service's edition (for its performance surgery), e.g. front_door")] = None,
) -> None:
    """Write the monthly performance report (self-contained HTML or PDF): the authority's
    edition, or a service's with --service. A published edition is written as frozen."""
    if ctx.invoked_subcommand is not None:
        if month or out or service:
            _cli().fail("--month/--out/--service go after the subcommand, e.g. "
                        "`lantern report status --month 2024-11`", code=2)
        return
    cli = _cli()
    if month is None or out is None:
        return cli.fail("`lantern report` needs --month YYYY-MM and --out FILE.html|FILE.pdf",
                 "Or: lantern report status|advance --help", code=2)
    _check_out(out)
    written, note = write_edition(month, out, service or "authority")
    cli.console.print(f"Report: [bold]{written}[/] ({note})")


def write_edition(month: str, out: Path, edition: str) -> tuple[Path, str]:
    from lantern.reports.render import write_reports
    from lantern.reports.workflow import build_run, published_file

    cli = _cli()
    con, authority, book = _context(month)
    settings = get_settings()
    current = book.current(month, edition)
    if current is not None and current.state == "published":
        from lantern.reports.editions import month_figures

        now = month_figures(con, [month], authority, [edition])[month, edition]
        frozen = published_file(book, current, out.suffix.lower())
        if frozen is not None and json.loads(current.figures) == json.loads(
                json.dumps(now)):
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(frozen, out)
            current = book.get(current.id) or current  # a PDF printed just now
            digest = current.pdf_sha256 if out.suffix == ".pdf" else current.html_sha256
            return out, f"published version {current.version}, sha256 {digest}"
    try:
        with cli.console.status(f"Computing {month} and writing {out.name}"):
            built = build_run(con, book, authority, month, edition,
                              targets_path=str(settings.targets) if settings.targets else None)
            write_reports(built.report, out)
    except ValueError as exc:
        cli.fail(str(exc), code=2)
    run = built.run
    book.record_file(run.id, out)
    return out, f"{run.edition} edition version {run.version}: {run.state.replace('_', ' ')}"


@report_app.command("status")
def status(
    month: Annotated[str, typer.Option(help="Month, YYYY-MM")],
    fmt: Annotated[str, typer.Option("--format", help="table|json")] = "table",
) -> None:
    """Each edition of a month's report: state, who acted and when, due date, late."""
    from lantern.reports.book import status_record, today_utc
    from lantern.reports.chain import AWAITING, due_date

    cli = _cli()
    cli._check_format(fmt, ("table", "json"))
    cli.parse_month(month)
    from lantern.reports.workflow import open_book

    book = open_book(get_settings())
    today = today_utc()
    records = []
    for run in book.runs(month):
        rec = status_record(book, run, today)
        rec["awaiting"] = AWAITING.get(run.state)
        records.append(rec)
    if fmt == "json":
        sys.stdout.write(json.dumps({"month": month, "due_date": due_date(month).isoformat(),
                                     "editions": records}, indent=2) + "\n")
        return
    if not records:
        cli.console.print(f"No report for {month} yet (due {due_date(month)}). Build it with "
                          f"`lantern report --month {month} --out FILE`.")
        return
    table = RichTable("id", "edition", "version", "state", "awaiting", "due", "late",
                      "last step", title=f"Report for {month}")
    for r in records:
        last = r["steps"][-1] if r["steps"] else None
        table.add_row(str(r["id"]), r["edition"], str(r["version"]), r["state_label"],
                      r["awaiting"] or "–", r["due_date"], "LATE" if r["late"] else "",
                      f"{last['name']} ({last['role']}) {last['at']}" if last else "–")
    cli.console.print(table)


@report_app.command("advance")
def advance(
    month: Annotated[str, typer.Option(help="Month, YYYY-MM")],
    to: Annotated[str, typer.Option(help="draft|quality_checked|themes_added|endorsed|"
                                    "published (an earlier state sends it back)")],
    as_user: Annotated[str, typer.Option("--as", help="Username of the person acting")],
    comment: Annotated[str, typer.Option(help="Comment; the headline themes for "
                                         "themes_added; the reason when sending back")] = "",
    edition: Annotated[str | None, typer.Option(help="Edition: authority (default), a "
                                                "service id, or an edition's id")] = None,
) -> None:
    """Move a report along its chain, with the same rules as the web."""
    from lantern.reports.chain import STATE_LABELS, STATES, Refused
    from lantern.reports.workflow import advance as do_advance

    cli = _cli()
    if to not in STATES:
        cli.fail(f"--to {to!r}: expected one of {', '.join(STATES)}", code=2)
    con, authority, book = _context(month)
    who = principal(book, as_user)
    settings = get_settings()
    try:
        run = book.find(month, edition)
        with cli.console.status(f"{STATE_LABELS[to]}: {month} {run.edition}"):
            step, sent = do_advance(con, book, authority, run, to, who, comment, settings)
    except Refused as exc:
        cli.fail(f"refused: {exc}", f"See `lantern report status --month {month}`.")
    except OSError as exc:
        cli.fail(f"published, but the emails could not be sent via {settings.smtp_host}:"
                 f"{settings.smtp_port}: {exc}")
    verb = "sent back to" if step.kind == "send_back" else "now"
    cli.console.print(f"{month} {run.edition} edition version {run.version}: {verb} "
                      f"{STATE_LABELS[to].lower()} ({who.display_name}, {who.role}).")
    if to == "published":
        fresh = book.get(run.id)
        assert fresh is not None
        cli.console.print(f"Published: {fresh.html_path} (sha256 {fresh.html_sha256})")
        if fresh.pdf_path:
            cli.console.print(f"           {fresh.pdf_path} (sha256 {fresh.pdf_sha256})")
    if sent is not None:
        cli.err.print(f"Emailed: {len(sent.sent)}; already sent: {len(sent.already_sent)}; "
                      f"no address: {len(sent.no_address)}; failed: {len(sent.failed)}")


def principal(book: Any, username: str) -> Any:
    """The account acting (``--as``): it must exist and be enabled."""
    from lantern.security.accounts import UserStore

    cli = _cli()
    row = UserStore(book.engine).get(username)
    if row is None or row.disabled:
        return cli.fail(f"--as {username}: no enabled account of that name",
                 "See `lantern users list`.")
    found = UserStore(book.engine).principal(row.id)
    if found is None:
        cli.fail(f"--as {username}: the account cannot act")
    return found


def board_pack(
    month: Annotated[str, typer.Option(help="Month, YYYY-MM")],
    out: Annotated[Path, typer.Option(help="FILE.html or FILE.pdf")],
) -> None:
    """The improvement board's pack for a month (HTML or PDF).

    Headline figures (counts of 1-4 suppressed), the exception report, deep dives, the
    plan's RAG, audits and the month's endorsement page."""
    from lantern.reports.board_pack import build_board_pack, write_board_pack

    cli = _cli()
    _check_out(out)
    con, authority, book = _context(month)
    settings = get_settings()
    with cli.console.status(f"Assembling the board pack for {month}"):
        pack = build_board_pack(con, book, authority, month,
                                targets_path=str(settings.targets) if settings.targets
                                else None)
        write_board_pack(pack, out)
    cli.console.print(f"Board pack: [bold]{out}[/]")
