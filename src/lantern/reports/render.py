"""Render a Report to one self-contained HTML file or a PDF (WeasyPrint).

Charts are Vega-Lite specs (Altair) rendered to inline SVG with vl-convert, so the same
spec serves the web page and print, and the HTML needs no scripts or outside files.
"""

from __future__ import annotations

import html
from pathlib import Path

import altair as alt
import vl_convert as vlc
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from lantern.assurance.targets import status_bands
from lantern.casework.labels import AVAILABILITY_TEXT, PERIOD_TEXT
from lantern.reports.model import Report, ScorecardRow

# Making Data Count colours: improvement blue, concern orange, common cause grey.
POINT_COLOURS = {
    "common_cause": "#7f7f7f",
    "special_cause_improvement": "#1d70b8",
    "special_cause_concern": "#e87722",
    "special_cause_neutral_high": "#6f2c91",
    "special_cause_neutral_low": "#6f2c91",
}
POINT_LABELS = {
    "common_cause": "common cause",
    "special_cause_improvement": "special cause: improvement",
    "special_cause_concern": "special cause: concern",
    "special_cause_neutral_high": "special cause: high",
    "special_cause_neutral_low": "special cause: low",
}


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "pct":
        return f"{value:.1f}%"
    if unit in ("mean", "rate"):
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def chart_spec(row: ScorecardRow) -> alt.TopLevelMixin:
    points = [
        {"month": p.month, "value": p.value, "type": POINT_LABELS.get(p.point_type, p.point_type)}
        for p in row.series
        if p.value is not None
    ]
    data = alt.Data(values=points)
    base = alt.Chart(data).encode(
        x=alt.X("month:O", title=None, axis=alt.Axis(labelAngle=-45, labelFontSize=8)),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
    )
    layers: list[alt.Chart] = [
        base.mark_line(color="#505a5f", strokeWidth=1.2),
        base.mark_circle(size=28, opacity=1).encode(
            color=alt.Color(
                "type:N",
                scale=alt.Scale(
                    domain=list(POINT_LABELS.values()),
                    range=[POINT_COLOURS[k] for k in POINT_LABELS],
                ),
                legend=alt.Legend(title=None, orient="bottom", labelFontSize=8),
            )
        ),
    ]
    for value, dash, colour in (
        (row.centre, [], "#0b0c0c"),
        (row.upper, [4, 3], "#505a5f"),
        (row.lower, [4, 3], "#505a5f"),
        (row.target, [1, 2], "#d4351c"),
    ):
        if value is not None:
            layers.append(
                alt.Chart(alt.Data(values=[{"y": value}]))
                .mark_rule(strokeDash=dash, color=colour, strokeWidth=1)
                .encode(y="y:Q")
            )
    months = {p["month"] for p in points}
    marks = [{"month": m, "label": label} for m, label in row.markers if m in months]
    if marks:  # a process change (e.g. a deep dive): a vertical rule where limits restart
        rule = alt.Chart(alt.Data(values=marks)).encode(x="month:O")
        layers += [rule.mark_rule(color="#1d70b8", strokeWidth=1.5),
                   rule.mark_text(align="left", dx=3, dy=-55, fontSize=8, color="#1d70b8")
                   .encode(text="label:N")]
    return alt.layer(*layers).properties(width=520, height=130)


def chart_svg(row: ScorecardRow) -> str:
    return str(vlc.vegalite_to_svg(chart_spec(row).to_json()))


def chart_alt_text(row: ScorecardRow) -> str:
    """A sentence a screen-reader user can act on: range, latest, limits, signals."""
    values = [p for p in row.series if p.value is not None]
    if not values:
        return f"No data to chart for {row.title}."
    first, last = values[0], values[-1]
    text = (
        f"Line chart of {row.title} by month from {first.month} to {last.month}. "
        f"Latest value {format_value(last.value, row.unit)}."
    )
    if row.centre is not None and row.lower is not None and row.upper is not None:
        text += (
            f" Mean {format_value(row.centre, row.unit)}, process limits "
            f"{format_value(row.lower, row.unit)} to {format_value(row.upper, row.unit)}."
        )
    concern = sum(p.point_type == "special_cause_concern" for p in values)
    improvement = sum(p.point_type == "special_cause_improvement" for p in values)
    if concern or improvement:
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
    env.filters["status_band"] = lambda text: status_bands().get(text or "", "none")
    env.globals["chart_svg"] = lambda row: Markup(chart_svg(row))
    env.globals["chart_alt_text"] = chart_alt_text
    env.globals["point_label"] = lambda t: POINT_LABELS.get(t, t)
    env.globals["period_text"] = PERIOD_TEXT
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
