"""The improvement board's pack for a month: headline figures (counts of 1-4 suppressed,
as for every aggregate-only reader), the exception report, deep dives, the improvement
plan's RAG by theme and inspection recommendations, the quarter's audits, and the
endorsement page of the month's report.

Deep dives, the plan and audits are recorded by their own packages; the pack reads each
through one small function in `SOURCES` (each returns None while its capability has no
data, and the pack says so rather than dropping the section).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from lantern.assurance.exceptions import KIND_TEXT
from lantern.assurance.targets import load_targets
from lantern.assurance.themes import themes
from lantern.measures.catalogue import get
from lantern.reports import board_sources
from lantern.reports.board_sources import SourceContext
from lantern.reports.book import AUTHORITY, ReportBook, today_utc
from lantern.reports.build import THEME_PREFIX
from lantern.reports.chain import STATE_LABELS, due_date
from lantern.reports.editions import build_edition, governance
from lantern.reports.model import Governance, Report, ScorecardRow
from lantern.reports.render import format_value
from lantern.security.disclosure import authority_window_withheld, withhold
from lantern.security.policy import SUPPRESSED, Principal, suppress_kpi_row
from lantern.warehouse.meta import Authority

#: The board reads aggregates only: the pack applies the board member's suppression.
BOARD = Principal(0, "board", "Improvement board", "board_member", "authority")


@dataclass(frozen=True)
class Line:
    """One row of a section the pack lists (deep dives, plan themes, audits)."""

    title: str
    status: str
    detail: str = ""


@dataclass(frozen=True)
class Summary:
    """What a capability says for the pack: a sentence and its lines."""

    headline: str
    lines: tuple[Line, ...] = ()


@dataclass
class BoardPack:
    la_name: str
    month: str
    month_label: str
    quarter: str
    generated_on: str
    due: str
    report_state: str
    late: bool
    headlines: list[dict[str, Any]]
    exceptions: list[dict[str, str]]
    sections: dict[str, Summary | None] = field(default_factory=dict)
    endorsement: Governance | None = None


def no_data(ctx: SourceContext) -> Summary | None:
    """A capability with nothing recorded yet."""
    return None


def _summary(got: tuple[str, list[tuple[str, str, str]]] | None) -> Summary | None:
    return None if got is None else Summary(got[0], tuple(Line(*line) for line in got[1]))


def deep_dives(ctx: SourceContext) -> Summary | None:
    return _summary(board_sources.deep_dives(ctx))


def plan(ctx: SourceContext) -> Summary | None:
    return _summary(board_sources.plan(ctx))


def audits(ctx: SourceContext) -> Summary | None:
    return _summary(board_sources.audits(ctx))


#: section key -> (title, reader(context) -> Summary | None): deep dives from the
#: governance records (opened and closed in the month, the ones the board follows), the
#: plan's RAG by theme and recommendations' status; the quarter's audits from the quality
#: programme's summary.
SOURCES: dict[str, tuple[str, Callable[[SourceContext], Summary | None]]] = {
    "deep_dives": ("Deep dives opened and closed", deep_dives),
    "plan": ("Improvement plan: RAG by theme and inspection recommendations", plan),
    "audits": ("Case-file audits this quarter", audits),
}


def quarter_of(month: str) -> str:
    year, mon = (int(p) for p in month.split("-"))
    q = (mon - 1) // 3 + 1
    return f"{year} Q{q} ({date(year, 3 * q - 2, 1):%B} to {date(year, 3 * q, 1):%B})"


def fmt_count(n: Any) -> str:
    """A count with thousands separators; a withheld one as its word."""
    return f"{n:,.0f}" if isinstance(n, int | float) else str(n)


def theme_headlines(report: Report) -> list[ScorecardRow]:
    """Each theme's declared headline (`assurance.themes`: the workforce's caseload)
    when the theme has data this month."""
    wanted = {THEME_PREFIX + t.key: t.headline for t in themes() if t.headline}
    return [r for s in report.themes for r in s.rows if wanted.get(s.key) == r.kpi_id]


def headline_rows(report: Report) -> list[dict[str, Any]]:
    """The headline figures as the board may see them: counts of 1-4 suppressed
    (`suppress_kpi_row`) and, as on the board's scorecard, a 12-month figure withheld
    where last month's would give back a small count."""
    out = []
    for r in [*report.headlines, *theme_headlines(report)]:
        row = suppress_kpi_row({"value": r.value, "numerator": r.numerator,
                                "denominator": r.denominator}, BOARD)
        unit = get(r.kpi_id).unit
        if row["suppressed"] or _withheld_across_months(r, unit):
            row = withhold(row, SUPPRESSED)
            shown = SUPPRESSED
        elif r.availability != "ok":
            shown = r.availability.replace("_", " ")
        else:
            shown = format_value(row["value"], unit)
        of = (f"{fmt_count(row['numerator'])} of {fmt_count(row['denominator'])}"
              if unit == "pct" and row["denominator"] not in (None, 0) else "")
        hidden = shown == SUPPRESSED  # its status and movement would narrow it down
        out.append({"kpi_id": r.kpi_id, "title": r.title, "shown": shown, "of": of,
                    "status": "–" if hidden else r.status_word or "No target",
                    "since_last": "" if hidden else r.since_last,
                    "target": format_value(r.target, unit) if r.target is not None else "–"})
    return out


def _withheld_across_months(r: ScorecardRow, unit: str) -> bool:
    """As the board's scorecard: a 12-month figure less last month's must not give
    back an in-month count the charts withhold (`security.disclosure`)."""
    if not (r.period.startswith("rolling_") and r.chart_period == "in_month"
            and r.headline_series):
        return False
    span = {"rolling_12m": 12, "rolling_36m": 36}.get(r.period, 12)
    return authority_window_withheld(unit, span, r.headline_series, r.series,
                                     r.headline_series[-1].month)


def exception_rows(report: Report) -> list[dict[str, str]]:
    """Each exception by service, kind and indicator. Messages are left out: they may
    quote small numbers (the web's exceptions page does the same for the board)."""
    return [{"section": s.title, "kind": KIND_TEXT.get(e.kind, e.kind),
             "severity": e.severity.capitalize(),
             "indicator": get(e.kpi_id).title, "where": e.where}
            for s in report.sections for e in s.exceptions]


def build_board_pack(con: Any, book: ReportBook, authority: Authority, month: str, *,
                     targets_path: str | None = None, today: date | None = None,
                     report: Report | None = None) -> BoardPack:
    today = today or today_utc()
    report = report or build_edition(con, month, authority, AUTHORITY,
                                     targets_path=targets_path)
    run = book.latest_published(month) or book.current(month)
    state = ("not started" if run is None else
             f"{STATE_LABELS[run.state]} (version {run.version})")
    late = book.is_late(run, today) if run is not None else today > due_date(month)
    context = SourceContext(book.engine, con, authority.la_code, authority.population,
                            load_targets(targets_path), month)
    return BoardPack(
        la_name=authority.la_name, month=month, month_label=report.month_label,
        quarter=quarter_of(month), generated_on=f"{today:%-d %B %Y}",
        due=f"{due_date(month):%-d %B %Y}", report_state=state, late=late,
        headlines=headline_rows(report), exceptions=exception_rows(report),
        sections={key: reader(context) for key, (_, reader) in SOURCES.items()},
        endorsement=governance(book, run, report) if run is not None else None,
    )


def _environment() -> Environment:
    return Environment(loader=PackageLoader("lantern.reports", "templates"),
                       autoescape=select_autoescape(["html", "j2"]), trim_blocks=True,
                       lstrip_blocks=True)


def render_body(pack: BoardPack, *, heading_level: int = 1) -> Markup:
    """The pack's content (for the standalone file and the web page alike)."""
    return Markup(_environment().get_template("board_pack_body.html.j2").render(
        pack=pack, sources=SOURCES, h=heading_level))


def render_html(pack: BoardPack) -> str:
    css = (Path(__file__).parent / "templates" / "report.css").read_text("utf-8")
    return _environment().get_template("board_pack.html.j2").render(
        pack=pack, css=Markup(css), body=render_body(pack))


def write_board_pack(pack: BoardPack, out: Path) -> Path:
    page = render_html(pack)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".pdf":
        from weasyprint import HTML

        HTML(string=page, base_url=str(out.parent)).write_pdf(out)
    else:
        out.write_text(page, encoding="utf-8")
    return out
