"""What the CLI, the web and the demo do with a month's report: build and record its
editions, move one along the chain (publishing freezes and distributes it), and check
published reports after a new load. Thin over `book`, `editions` and `distribute`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from lantern.alerts.command import SmtpSettings
from lantern.appdb.reports import ReportRun, ReportStep
from lantern.config import Settings
from lantern.reports.book import AUTHORITY, ReportBook
from lantern.reports.chain import load_chain_config
from lantern.reports.distribute import Distributed, distribute
from lantern.reports.editions import (
    build_edition,
    editions,
    freezer,
    governance,
    month_figures,
)
from lantern.reports.model import Report
from lantern.security.policy import Principal
from lantern.warehouse.meta import Authority


def open_book(settings: Settings, engine: Engine | None = None) -> ReportBook:
    """The report book over the app database (migrated to the latest schema)."""
    from lantern.appdb import make_engine, migrate

    if engine is None:
        migrate(settings.app_database_url)
        engine = make_engine(settings.app_database_url)
    return ReportBook(engine, load_chain_config(settings.report_chain))


def smtp_of(settings: Settings) -> SmtpSettings:
    return SmtpSettings(settings.smtp_host, settings.smtp_port, settings.smtp_sender,
                        settings.smtp_username, settings.smtp_password)


def latest_load(con: Any) -> int | None:
    try:
        row = con.execute("SELECT max(load_id) FROM _loads").fetchone()
    except Exception:  # a warehouse built without the load log (tests, hand-made)
        return None
    return int(row[0]) if row and row[0] is not None else None


def record_editions(con: Any, book: ReportBook, authority: Authority, months: list[str],
                    wanted: list[str] | None = None) -> list[tuple[ReportRun, str]]:
    """Record every edition of each month as built from the latest load: (run, what
    happened: "new", "updated", "unchanged" or the sentence naming the indicators a new
    load moved in a published report)."""
    wanted = wanted or editions(con)
    figures = month_figures(con, months, authority, wanted)
    load = latest_load(con)
    return [book.record_build(m, e, figures[m, e], load) for m in months for e in wanted]


def after_load(con: Any, book: ReportBook, authority: Authority) -> list[str]:
    """After a load: every month with a published edition is checked; where the figures
    moved, a new draft edition is made. Returns one sentence per new edition."""
    published = sorted({(r.month, r.edition) for r in book.runs() if r.state == "published"})
    months = sorted({m for m, _ in published})
    if not months:
        return []
    out = []
    for m in months:
        kinds = sorted({e for mm, e in published if mm == m})
        for run, what in record_editions(con, book, authority, [m], kinds):
            if run.version > 1 and what not in ("new", "updated", "unchanged"):
                out.append(f"{run.month} {run.edition}: new draft version {run.version}. {what}")
    return out


@dataclass
class Built:
    run: ReportRun
    report: Report  # with its governance


def build_run(con: Any, book: ReportBook, authority: Authority, month: str,
              edition: str = AUTHORITY, *, targets_path: str | None = None) -> Built:
    """Build an edition, record it, and shape it with its themes, commentary and sign-off."""
    report = build_edition(con, month, authority, edition, targets_path=targets_path)
    record_editions(con, book, authority, [month])  # every edition of the month
    run = book.current(month, edition)
    assert run is not None
    return Built(run, replace(report, governance=governance(book, run, report)))


def advance(con: Any, book: ReportBook, authority: Authority, run: ReportRun, to: str,
            who: Principal, comment: str, settings: Settings, *, send: bool = True,
            pdf: bool = True, at: datetime | None = None,
            ) -> tuple[ReportStep, Distributed | None]:
    """Move an edition along the chain. Publishing renders and freezes its files (HTML
    and PDF, hashed) and emails the distribution list."""
    freeze = None
    if to == "published":
        report = build_edition(con, run.month, authority, run.edition,
                               targets_path=str(settings.targets) if settings.targets
                               else None)
        freeze = freezer(book, report, settings.reports_dir, pdf=pdf)
    step = book.advance(run.id, to, who, comment, freeze=freeze, at=at)
    sent = None
    if to == "published" and send:
        published = book.get(run.id)
        assert published is not None
        sent = distribute(book, published, smtp_of(settings), base_url=settings.base_url)
    return step, sent


def published_file(book: ReportBook, run: ReportRun, suffix: str) -> Path | None:
    """The frozen file of a published edition. An edition frozen as HTML only (the
    demo's history) has its PDF printed from that frozen HTML on first request, and the
    PDF's SHA-256 stored then."""
    if suffix != ".pdf":
        return Path(run.html_path) if run.html_path and Path(run.html_path).exists() else None
    if run.pdf_path and Path(run.pdf_path).exists():
        return Path(run.pdf_path)
    if not run.html_path or not Path(run.html_path).exists():
        return None
    from weasyprint import HTML

    html = Path(run.html_path)
    pdf = html.with_suffix(".pdf")
    HTML(filename=str(html), base_url=str(html.parent)).write_pdf(pdf)
    book.attach_pdf(run.id, pdf)
    return pdf
