"""Charts as inline SVG: a sparkline for scorecards, and the indicator's charts as the
report draws them (`reports.render.chart_svg`), so the page needs no chart script and
the strict content security policy holds.

Each chart has a text alternative; the pages show the same figures in a data table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape

from lantern.months import Month
from lantern.reports.charts import bars_svg
from lantern.reports.model import ScorecardRow
from lantern.reports.render import ChartView, chart_alt_text, chart_svg, format_value
from lantern.reports.render import chart_views as render_views
from lantern.web.cache import RESULTS

W, H, PAD = 120, 28, 3


def sparkline(series: Sequence[dict[str, Any]], unit: str, title: str) -> Markup:
    """A small line of the last 24 months with the latest point marked."""
    return _sparkline(tuple((s["month"], s.get("value")) for s in series), unit, title)


@lru_cache(maxsize=2048)
def _sparkline(series: tuple[tuple[str, float | None], ...], unit: str,
               title: str) -> Markup:
    """The sparkline of (month, value) points: the same points draw the same line, so
    each is drawn once per process."""
    pts = [(n, v) for n, (_, v) in enumerate(series) if v is not None]
    if len(pts) < 2:
        return Markup('<span class="govuk-visually-hidden">No trend to show</span>')
    lo = min(v for _, v in pts)
    hi = max(v for _, v in pts)
    span = (hi - lo) or 1.0
    n = max(len(series) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return (PAD + (W - 2 * PAD) * i / n, H - PAD - (H - 2 * PAD) * (v - lo) / span)

    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in pts))
    lx, ly = xy(*pts[-1])
    first, last = (Month.parse(series[pts[k][0]][0]).label() for k in (0, -1))
    label = (f"Trend of {title} from {first} ({format_value(pts[0][1], unit)}) "
             f"to {last} ({format_value(pts[-1][1], unit)}), "
             f"range {format_value(lo, unit)} to {format_value(hi, unit)}")
    return Markup(
        f'<svg class="lantern-sparkline" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
        f'role="img" aria-label="{escape(label)}" focusable="false">'
        f'<polyline fill="none" stroke="#505a5f" stroke-width="1.5" points="{coords}"/>'
        f'<circle cx="{lx:.1f}" cy="{ly:.1f}" r="2.5" fill="#1d70b8"/></svg>')


_SIZE = re.compile(r'^<svg([^>]*?) width="(\d+)" height="(\d+)"')


def chart_views(row: ScorecardRow) -> list[ChartView]:
    return render_views(row)


def chart(row: ScorecardRow, view: ChartView | None = None) -> Markup:
    """One chart of the indicator (inline SVG, the report's), scaled to its container,
    with its text alternative. ``view``: default, the headline's period."""
    view = view or render_views(row)[0]
    svg = RESULTS.get(("chart", row, view), lambda: chart_svg(row, view))
    svg = _SIZE.sub(r'<svg\1 width="100%" aria-hidden="true" focusable="false"', svg,
                    count=1)
    alt = chart_alt_text(row, view)
    return Markup(f'<div class="lantern-chart" role="img" aria-label="{escape(alt)}">'
                  f"{svg}</div>")


def bars(labels: Sequence[str], counts: Sequence[int | None], *, over_from: int | None,
         scale_max: int, title: str) -> Markup:
    """A bar chart of counts by band (`reports.charts.bars_svg`) with its text
    alternative; a withheld count (None) is read as "withheld"."""
    svg = bars_svg(labels, counts, over_from=over_from, scale_max=scale_max)
    svg = _SIZE.sub(r'<svg\1 width="100%" aria-hidden="true" focusable="false"', svg,
                    count=1)
    said = "; ".join(f"{label}: {'withheld' if n is None else n}"
                     for label, n in zip(labels, counts, strict=True))
    return Markup(f'<div class="lantern-chart lantern-chart--bars" role="img" '
                  f'aria-label="{escape(f"{title}. {said}.")}">{svg}</div>')
