"""The monthly chart as plain SVG: the line of values, points coloured by SPC signal,
the mean and process limits of the latest process segment, and the target.

Written directly (a few dozen elements) rather than through a charting library: the
same SVG serves the web page and the PDF, it renders in milliseconds, and WeasyPrint
lays a report of 70 of them out in seconds (the Vega-Lite charts this replaces took
10 s to render and most of the PDF's 30 s).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import escape

from lantern.assurance.inputs import format_value
from lantern.reports.model import ChartPoint

W, H = 640, 210
LEFT, RIGHT, TOP, BOTTOM = 52, 14, 12, 52
FACE = 'font-family="system-ui, Arial, sans-serif" font-size="11"'
FONT = f'{FACE} fill="#0b0c0c"'

# Making Data Count colours: improvement blue, concern orange, common cause grey.
POINT_COLOURS = {
    "common_cause": "#7f7f7f",
    "special_cause_improvement": "#1d70b8",
    "special_cause_concern": "#e87722",
    "special_cause_neutral_high": "#6f2c91",
    "special_cause_neutral_low": "#6f2c91",
}
LINE_COLOUR = "#505a5f"
MEAN_COLOUR = "#0b0c0c"
TARGET_COLOUR = "#d4351c"


@dataclass(frozen=True)
class Lines:
    """The horizontal lines of a chart; limits span the months from ``limits_from``."""

    centre: float | None = None
    upper: float | None = None
    lower: float | None = None
    target: float | None = None
    limits_from: int = 0
    markers: tuple[tuple[int, str], ...] = ()  # (point index, label): process changes


def nice_step(span: float, ticks: int = 4) -> float:
    """A round tick step (1, 2, 2.5 or 5 × a power of ten) giving about ``ticks`` steps."""
    raw = span / ticks if span > 0 else 1.0
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power


def y_domain(values: Sequence[float], lowest: float | None, highest: float | None
             ) -> tuple[float, float]:
    """The y range: every value and line, padded, cut to what the measure can take."""
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.08 or max(abs(hi) * 0.1, 1.0)
    lo, hi = lo - pad, hi + pad
    if lowest is not None:
        lo = max(lo, lowest)
    if highest is not None:
        hi = min(hi, highest)
    return (lo, hi) if hi > lo else (lo, lo + 1.0)


def month_tick(month: str) -> str:
    y, m = (int(p) for p in month.split("-"))
    return date(y, m, 1).strftime("%b %y")


def spc_svg(points: Sequence[ChartPoint], lines: Lines, *, unit: str,
            measure_range: tuple[float, float | None], show_spc: bool = True) -> str:
    """The chart. ``show_spc``: colour points by signal and draw mean and limits (off
    for a rolling-window line, whose overlapping months SPC cannot be run on)."""
    shown = [p for p in points if p.value is not None and p.point_type != "too_few"]
    drawn = [v for v in (lines.centre, lines.upper, lines.lower) if show_spc and v is not None]
    if lines.target is not None:
        drawn.append(lines.target)
    values = [float(p.value) for p in shown if p.value is not None] + drawn
    if not values:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} 40" width="{W}" '
                f'height="40"><text x="0" y="24" {FONT}>No values to chart</text></svg>')
    lo, hi = y_domain(values, *measure_range)
    n = max(len(points) - 1, 1)

    def x(i: int) -> float:
        return LEFT + (W - LEFT - RIGHT) * i / n

    def y(v: float) -> float:
        return TOP + (H - TOP - BOTTOM) * (hi - min(max(v, lo), hi)) / (hi - lo)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" '
           f'height="{H}">']
    out += _axes(points, lo, hi, unit, x, y)
    out += _runs(points, x, y)
    if show_spc:
        start = x(lines.limits_from)
        for v, dash, colour in ((lines.centre, "", MEAN_COLOUR),
                                (lines.upper, ' stroke-dasharray="5 3"', LINE_COLOUR),
                                (lines.lower, ' stroke-dasharray="5 3"', LINE_COLOUR)):
            if v is not None:
                out.append(f'<line x1="{start:.1f}" x2="{x(n):.1f}" y1="{y(v):.1f}" '
                           f'y2="{y(v):.1f}" stroke="{colour}" stroke-width="1"{dash}/>')
    for i, label in lines.markers:  # a process change: where the limits restart
        out.append(f'<line x1="{x(i):.1f}" x2="{x(i):.1f}" y1="{TOP}" y2="{H - BOTTOM}" '
                   f'stroke="#1d70b8" stroke-width="1.5"/><text x="{x(i) + 3:.1f}" '
                   f'y="{TOP + 10}" {FACE} fill="#1d70b8">{escape(label)}</text>')
    if lines.target is not None:
        out.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y(lines.target):.1f}" '
                   f'y2="{y(lines.target):.1f}" stroke="{TARGET_COLOUR}" stroke-width="1.5" '
                   'stroke-dasharray="1 3"/>')
    for i, p in enumerate(points):
        if p.value is not None and p.point_type != "too_few":
            colour = POINT_COLOURS.get(p.point_type, "#7f7f7f") if show_spc else LINE_COLOUR
            out.append(f'<circle cx="{x(i):.1f}" cy="{y(p.value):.1f}" r="3.2" '
                       f'fill="{colour}"/>')
    out.append(_legend(lines, show_spc))
    out.append("</svg>")
    return "".join(out)


def _axes(points: Sequence[ChartPoint], lo: float, hi: float, unit: str,
          x: object, y: object) -> list[str]:
    assert callable(x) and callable(y)
    out = []
    step = nice_step(hi - lo)
    tick = math.ceil(lo / step) * step
    while tick <= hi + 1e-9:
        yy = y(tick)
        out.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{yy:.1f}" y2="{yy:.1f}" '
                   'stroke="#e5e6e7" stroke-width="1"/>')
        label = format_value(tick, unit) if step >= 1 else f"{tick:g}{'%' * (unit == 'pct')}"
        out.append(f'<text x="{LEFT - 6}" y="{yy + 4:.1f}" text-anchor="end" {FONT}>'
                   f"{escape(label)}</text>")
        tick += step
    every = max(1, math.ceil(len(points) / 8))
    for i in range(len(points) - 1, -1, -every):  # always label the latest month
        anchor = "end" if i == len(points) - 1 else "middle"  # the last inside the chart
        out.append(f'<text x="{x(i):.1f}" y="{H - BOTTOM + 16}" text-anchor="{anchor}" '
                   f'{FONT}>{escape(month_tick(points[i].month))}</text>')
    return out


def _runs(points: Sequence[ChartPoint], x: object, y: object) -> list[str]:
    """The line through consecutive values; a missing or left-out month is a gap."""
    assert callable(x) and callable(y)
    runs: list[list[str]] = [[]]
    for i, p in enumerate(points):
        if p.value is None or p.point_type == "too_few":
            runs.append([])
        else:
            runs[-1].append(f"{x(i):.1f},{y(p.value):.1f}")
    return [f'<polyline fill="none" stroke="{LINE_COLOUR}" stroke-width="1.5" '
            f'points="{" ".join(r)}"/>' for r in runs if len(r) > 1]


def _legend(lines: Lines, show_spc: bool) -> str:
    """One row under the months: what each kind of line and point means."""
    items: list[tuple[str, str]] = []
    if show_spc:
        if lines.centre is not None:
            items.append((f'stroke="{MEAN_COLOUR}"', "mean"))
        if lines.upper is not None:
            items.append((f'stroke="{LINE_COLOUR}" stroke-dasharray="5 3"', "process limits"))
    if lines.target is not None:
        items.append((f'stroke="{TARGET_COLOUR}" stroke-width="1.5" stroke-dasharray="1 3"',
                      "target"))
    out, at, yy = [], float(LEFT), H - 12
    for style, label in items:
        out.append(f'<line x1="{at:.0f}" x2="{at + 22:.0f}" y1="{yy - 4}" y2="{yy - 4}" '
                   f"{style}/>")
        out.append(f'<text x="{at + 26:.0f}" y="{yy}" {FONT}>{label}</text>')
        at += 34 + 6.5 * len(label)
    if show_spc:
        for key, label in (("special_cause_improvement", "improvement"),
                           ("special_cause_concern", "concern")):
            out.append(f'<circle cx="{at + 4:.0f}" cy="{yy - 4}" r="3.2" '
                       f'fill="{POINT_COLOURS[key]}"/>')
            out.append(f'<text x="{at + 11:.0f}" y="{yy}" {FONT}>{label}</text>')
            at += 22 + 6.5 * len(label)
    return "".join(out)


BAR_W, BAR_H = 300, 150
BAR_LEFT, BAR_BOTTOM, BAR_TOP = 8, 34, 16
BAR_COLOUR, OVER_COLOUR = "#1d70b8", "#e87722"


def bars_svg(labels: Sequence[str], counts: Sequence[int | None], *,
             over_from: int | None = None, scale_max: int | None = None) -> str:
    """A small bar chart of counts by band (e.g. social workers by caseload band), each
    bar labelled with its count; bars from index ``over_from`` (bands over a limit)
    in the concern colour. A count of None is withheld: no bar, a dash above the axis.
    ``scale_max``: the top of the scale, shared by a row of charts so they compare."""
    top = max(scale_max or 0, *(c or 0 for c in counts), 1)
    n = max(len(labels), 1)
    slot = (BAR_W - 2 * BAR_LEFT) / n
    base = BAR_H - BAR_BOTTOM
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{BAR_W}" height="{BAR_H}" '
             f'viewBox="0 0 {BAR_W} {BAR_H}">',
             f'<line x1="{BAR_LEFT}" y1="{base}" x2="{BAR_W - BAR_LEFT}" y2="{base}" '
             f'stroke="{LINE_COLOUR}" stroke-width="1"/>']
    for i, (label, c) in enumerate(zip(labels, counts, strict=True)):
        x = BAR_LEFT + i * slot
        cx = x + slot / 2
        if c is None:
            parts.append(f'<text x="{cx:.1f}" y="{base - 4}" text-anchor="middle" {FONT}>'
                         '–</text>')
        else:
            h = (base - BAR_TOP) * c / top
            colour = OVER_COLOUR if over_from is not None and i >= over_from else BAR_COLOUR
            if c:
                parts.append(f'<rect x="{x + 3:.1f}" y="{base - h:.1f}" '
                             f'width="{slot - 6:.1f}" height="{h:.1f}" fill="{colour}"/>')
            parts.append(f'<text x="{cx:.1f}" y="{base - h - 3:.1f}" text-anchor="middle" '
                         f'{FONT}>{c}</text>')
        lo, _, hi = label.partition(" to ")
        short = lo.replace(" or more", "+") if not hi else f"{lo}–{hi}"
        parts.append(f'<text x="{cx:.1f}" y="{base + 14}" text-anchor="middle" {FONT}>'
                     f'{escape(short)}</text>')
    parts.append(f'<text x="{BAR_W / 2:.0f}" y="{BAR_H - 4}" text-anchor="middle" {FONT}>'
                 'children held (caseload)</text></svg>')
    return "".join(parts)
