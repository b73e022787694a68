"""Render a Report to one self-contained HTML file or a PDF (WeasyPrint).

Charts are plain inline SVG (`reports.charts`), the same for the web page and print,
so the HTML needs no scripts or outside files.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from lantern.assurance.exceptions import KIND_TEXT
from lantern.assurance.inputs import measure_range
from lantern.assurance.spc import icon_words
from lantern.assurance.targets import status_bands
from lantern.assurance.themes import distinct_reasons
from lantern.casework.labels import AVAILABILITY_TEXT, PERIOD_TEXT
from lantern.months import Month
from lantern.reports.charts import Lines, format_value, spc_svg
from lantern.reports.model import ChartPoint, Report, ScorecardRow

POINT_LABELS = {
    "common_cause": "common cause",
    "special_cause_improvement": "special cause: improvement",
    "special_cause_concern": "special cause: concern",
    "special_cause_neutral_high": "special cause: high",
    "special_cause_neutral_low": "special cause: low",
    "too_few": "left out: too few children",
    "": "",
}
PERIOD_LABELS = {
    "rolling_12m": "rolling 12 months",
    "rolling_36m": "rolling 3 years",
    "in_month": "each month's own value",
    "snapshot": "at each month end",
    "fytd": "financial year to date",
}


@dataclass(frozen=True)
class ChartView:
    """One chart of an indicator: the headline's period, or the series SPC runs on."""

    key: str  # "headline" or "in_month"
    period: str
    points: tuple[ChartPoint, ...]
    spc: bool  # coloured by signal, mean and limits drawn


def chart_views(row: ScorecardRow) -> list[ChartView]:
    """The charts of an indicator, the headline's period first. A rolling headline
    (overlapping months, no SPC) is followed by its in-month series with SPC; a
    snapshot is one SPC chart; an indicator with no SPC series one plain line."""
    if row.chart_period and row.chart_period == row.period:
        return [ChartView("headline", row.period, row.series, True)]
    views = [ChartView("headline", row.period, row.headline_series or row.series,
                       not row.headline_series and bool(row.chart_period))]
    if row.chart_period and row.headline_series:
        views.append(ChartView("in_month", row.chart_period, row.series, True))
    return views


def period_label(period: str) -> str:
    return PERIOD_LABELS.get(period, period.replace("_", " "))


def chart_caption(row: ScorecardRow, view: ChartView) -> str:
    """What the chart shows, in words that match its data table."""
    months = [p.month for p in view.points]
    span = f", {_month(months[0])} to {_month(months[-1])}" if months else ""
    text = f"{row.title}: {period_label(view.period)}, by month{span}."
    if view.key == "headline" and not view.spc and row.chart_period:
        text += (" This is the headline figure's period; its months overlap, so SPC "
                 f"is shown on {period_label(row.chart_period)}.")
    if view.spc:
        text += " Points coloured by SPC signal; solid line the mean, dashed the process limits"
        if row.limits_from and months and row.limits_from != months[0]:
            text += f" (recalculated from {_month(row.limits_from)}, after a process change)"
        text += "."
        if row.short_series and row.centre is not None:
            text += (f" The limits come from {row.limit_points} points, fewer than 12: "
                     "trial limits.")
        if row.small_months:
            n = len(row.small_months)
            text += (f" {n} month{'s' if n != 1 else ''} with fewer than "
                     f"{row.min_denominator} children left out (gaps): "
                     + ", ".join(_month(m) for m in row.small_months) + ".")
        if row.centre is None:
            text += " Too few months to calculate SPC limits."
    if row.target is not None:
        text += f" Dotted line: the target, {format_value(row.target, row.unit)}."
    return text


def _month(month: str) -> str:
    y, m = (int(p) for p in month.split("-"))
    return date(y, m, 1).strftime("%b %Y")


def chart_svg(row: ScorecardRow, view: ChartView | None = None) -> str:
    """The chart of one view (default: the SPC view) as inline SVG."""
    view = view or chart_views(row)[-1]
    limits_from = next((i for i, p in enumerate(view.points) if p.month == row.limits_from), 0)
    months = [p.month for p in view.points]
    lines = Lines(centre=row.centre, upper=row.upper, lower=row.lower, target=row.target,
                  limits_from=limits_from,
                  markers=tuple((months.index(m), label) for m, label in row.markers
                                if m in months and view.spc))
    return spc_svg(view.points, lines, unit=row.unit, measure_range=measure_range(row.unit),
                   show_spc=view.spc)


def chart_alt_text(row: ScorecardRow, view: ChartView | None = None) -> str:
    """A sentence a screen-reader user can act on: range, latest, limits, signals."""
    view = view or chart_views(row)[-1]
    values = [p for p in view.points if p.value is not None and p.point_type != "too_few"]
    if not values:
        return f"No data to chart for {row.title}."
    first, last = values[0], values[-1]
    text = (
        f"Line chart of {row.title} ({period_label(view.period)}) by month from "
        f"{first.month} to {last.month}. Latest value {format_value(last.value, row.unit)}."
    )
    if view.spc and row.centre is not None and row.lower is not None and row.upper is not None:
        text += (
            f" Mean {format_value(row.centre, row.unit)}, process limits "
            f"{format_value(row.lower, row.unit)} to {format_value(row.upper, row.unit)}."
        )
    concern = sum(p.point_type == "special_cause_concern" for p in values)
    improvement = sum(p.point_type == "special_cause_improvement" for p in values)
    if view.spc and (concern or improvement):
        text += f" {concern} points show special cause concern, {improvement} improvement."
    if row.target is not None:
        text += f" Target {format_value(row.target, row.unit)}."
    return text


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("lantern.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fmt"] = format_value
    env.filters["month_name"] = lambda m: Month.parse(m).label()
    env.filters["status_band"] = lambda text: status_bands().get(text or "", "none")
    env.globals["chart_svg"] = lambda row, view=None: Markup(chart_svg(row, view))
    env.globals["chart_alt_text"] = chart_alt_text
    env.globals["chart_views"] = chart_views
    env.globals["chart_caption"] = chart_caption
    env.globals["period_label"] = period_label
    env.globals["chart_table"] = chart_table
    env.globals["point_label"] = lambda t: POINT_LABELS.get(t, t)
    env.globals["period_text"] = PERIOD_TEXT
    env.globals["distinct_reasons"] = distinct_reasons
    env.globals["spc_words"] = icon_words
    env.globals["kind_text"] = KIND_TEXT
    env.globals["availability_text"] = AVAILABILITY_TEXT
    return env


def render_html(report: Report) -> str:
    css = (Path(__file__).parent / "templates" / "report.css").read_text("utf-8")
    return _environment().get_template("report.html.j2").render(
        report=report, css=Markup(css), esc=html.escape
    )


def write_report(report: Report, out: Path) -> Path:
    """Write HTML or PDF, chosen by the file extension."""
    return write_reports(report, out)[0]


def write_reports(report: Report, *outs: Path) -> list[Path]:
    """Render the page once (its charts are the slow part) and write each file."""
    for out in outs:
        if out.suffix.lower() not in (".pdf", ".html", ".htm"):
            raise ValueError(f"{out}: expected a .html or .pdf file name")
    page = render_html(report)
    for out in outs:
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.suffix.lower() == ".pdf":
            from weasyprint import HTML

            HTML(string=page, base_url=str(out.parent)).write_pdf(out)
        else:
            out.write_text(page, encoding="utf-8")
    return list(outs)


def chart_table(row: ScorecardRow) -> tuple[list[str], list[list[str]]]:
    """One data table for all of an indicator's charts: per month, each view's value,
    its numerator and denominator ("45 of 56") and, for an SPC view, the signal."""
    views = chart_views(row)
    headers = ["Month"]
    for v in views:
        headers += [period_label(v.period).capitalize(), "Of"]
        if v.spc:
            headers.append("SPC")
    months = [p.month for p in views[0].points]
    body = []
    for n, month in enumerate(months):
        cells = [month]
        for v in views:
            p = v.points[n] if n < len(v.points) and v.points[n].month == month else None
            cells.append(format_value(p.value if p else None, row.unit))
            of = (f"{p.numerator:,} of {p.denominator:,}" if p and p.numerator is not None
                  and p.denominator is not None and row.unit in ("pct", "mean") else "")
            cells.append(of)
            if v.spc:
                cells.append(POINT_LABELS.get(p.point_type, p.point_type) if p else "")
        body.append(cells)
    return headers, body
