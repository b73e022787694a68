"""The quarterly audit report (HTML or PDF, the monthly report's machinery: the same
stylesheet, Vega-Lite charts as inline SVG, WeasyPrint): grades over the year and by
team, moderation agreement, learning themes, audit actions and the lead auditor's dip
samples, family feedback, and the previous quarter beside each figure. Every figure
comes from ``lantern.quality.summary``; nothing here counts audits itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import altair as alt
import vl_convert as vlc
from markupsafe import Markup
from sqlalchemy.orm import Session

from lantern.actions.tracker import STATUS_LABELS
from lantern.quality import summary as qs
from lantern.quality.tools import GRADE_LABELS, OFSTED, Tool, load_tools

BAND_COLOURS = {"outstanding": "#1d70b8", "good": "#00703c",
                "requires_improvement": "#e87722", "inadequate": "#d4351c"}


@dataclass
class AuditReport:
    la_name: str
    quarter: dict[str, Any]  # quality.summary.summary()
    months: list[dict[str, Any]]  # bands_by_month over the year to the quarter's end
    family: dict[str, Any]
    family_before: dict[str, Any]
    actions: dict[str, Any]
    team_names: dict[str, str] = field(default_factory=dict)
    generated_on: str = field(default_factory=lambda: date.today().isoformat())


def build(s: Session, quarter: str, *, la_name: str, team_names: dict[str, str],
          tools: dict[str, Tool] | None = None) -> AuditReport:
    """The quarter's figures, and the year to its end for the grades over time."""
    tools = tools or load_tools()
    w = qs.Window.quarter(quarter)
    first = w.previous().previous().previous()
    year = qs.Window(first.first, w.last, f"{first.label}-{w.label}")
    return AuditReport(la_name=la_name, quarter=qs.summary(s, quarter, tools),
                       months=qs.bands_by_month(s, year, tools),
                       family=qs.family_feedback(s, w),
                       family_before=qs.family_feedback(s, w.previous()),
                       actions=qs.actions_status(s, w), team_names=team_names)


def grades_chart(months: list[dict[str, Any]]) -> str:
    """Stacked bars: each month's audits by the grade that stands."""
    values = [{"month": m["month"], "grade": GRADE_LABELS[b], "order": OFSTED.index(b),
               "audits": m["grades"].get(b, 0)} for m in months for b in OFSTED]
    chart = alt.Chart(alt.Data(values=values)).mark_bar().encode(
        x=alt.X("month:O", title=None, axis=alt.Axis(labelAngle=-45, labelFontSize=8)),
        y=alt.Y("audits:Q", title="audits", stack="zero",
                axis=alt.Axis(tickMinStep=1, format="d")),
        order=alt.Order("order:Q"),
        color=alt.Color("grade:N", scale=alt.Scale(
            domain=[GRADE_LABELS[b] for b in OFSTED],
            range=[BAND_COLOURS[b] for b in OFSTED]),
            legend=alt.Legend(title=None, orient="bottom", labelFontSize=8)),
    ).properties(width=520, height=150)
    return str(vlc.vegalite_to_svg(chart.to_json()))


def grades_alt_text(months: list[dict[str, Any]]) -> str:
    total = sum(m["audits"] for m in months)
    if total == 0:
        return "No audits were submitted in these months."
    good = sum(m["grades"].get(b, 0) for m in months for b in qs.GOOD)
    return (f"Bar chart of audits by month from {months[0]['month']} to "
            f"{months[-1]['month']}, stacked by grade: {total} audits, {good} of them "
            f"good or outstanding.")


def _indicator_rows(r: AuditReport) -> list[dict[str, Any]]:
    now, before = r.quarter["indicators"], r.quarter["previous"]["indicators"]
    return [{"id": k, "title": qs.TITLES[k], "now": _value(now[k]),
             "before": _value(before[k]), "counts": _counts(now[k])} for k in qs.TITLES]


def _value(x: Any) -> str:
    if isinstance(x, dict):
        return "–" if x["value"] is None else f"{x['value']:.1f}%"
    return str(x)


def _counts(x: Any) -> str:
    return f"{x['numerator']} of {x['denominator']}" if isinstance(x, dict) else ""


def render_html(r: AuditReport) -> str:
    from lantern.reports.render import _environment

    css = (Path(__file__).parent / "templates" / "report.css").read_text("utf-8")
    return _environment().get_template("audit_report.html.j2").render(
        r=r, css=Markup(css), indicators=_indicator_rows(r),
        chart=Markup(grades_chart(r.months)), chart_alt=grades_alt_text(r.months),
        grade_label=lambda b: GRADE_LABELS.get(b, b.replace("_", " ").capitalize()),
        grades=OFSTED, status_labels=STATUS_LABELS,
        theme_label=lambda t: t.replace("_", " ").capitalize())


def write(r: AuditReport, out: Path) -> Path:
    """HTML or PDF, chosen by the file extension."""
    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".html", ".htm"):
        raise ValueError(f"{out}: expected a .html or .pdf file name")
    page = render_html(r)
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".pdf":
        from weasyprint import HTML

        HTML(string=page, base_url=str(out.parent)).write_pdf(out)
    else:
        out.write_text(page, encoding="utf-8")
    return out
