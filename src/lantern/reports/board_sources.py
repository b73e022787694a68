"""What the board pack reads from the capabilities people write: deep dives (opened and
closed in the month, and every one still open) and the improvement plan (each theme's
RAG, the worst of its actions', and each inspection recommendation's status). Each
reader returns None while its capability holds nothing, and the pack says so. No child
is named: a deep dive appears by its subject and scope only."""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lantern.actions.rag import COLOUR_LABELS, load_config
from lantern.governance.models import DeepDive
from lantern.governance.tracker import KIND_LABELS
from lantern.measures.catalogue import INDICATORS

RAG_ORDER = ("red", "amber", "green", "blue", "grey")  # worst first


@dataclass(frozen=True)
class SourceContext:
    """What a reader may use: the app database, the warehouse and who the authority is."""

    engine: Any
    con: Any
    la_code: str
    population: int | None
    targets: Any
    month: str


def _month_bounds(month: str) -> tuple[date, date]:
    y, m = (int(p) for p in month.split("-"))
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])


def _places(con: Any) -> dict[tuple[str, str], str]:
    """(breakdown, id) -> the team's or service's name, as people read them."""
    from lantern.casework.caseload import teams

    out: dict[tuple[str, str], str] = {}
    for t in teams(con) if con is not None else []:
        out["team", t.team_id] = t.name
        if t.service_id:
            out["service", t.service_id] = t.service_name or t.service_id
    return out


def _subject(d: DeepDive, titles: dict[str, str], places: dict[tuple[str, str], str]) -> str:
    where = "" if d.breakdown == "authority" else \
        f" ({places.get((d.breakdown, d.breakdown_value), d.breakdown_value)})"
    return (d.theme or titles.get(d.kpi_id or "", d.kpi_id or "")) + where


def deep_dives(ctx: SourceContext) -> tuple[str, list[tuple[str, str, str]]] | None:
    """(headline, lines of (title, status, detail)) for the month, or None if none exist."""
    first, last = _month_bounds(ctx.month)
    titles = {i.id: i.title for i in INDICATORS}
    places = _places(ctx.con)
    with Session(ctx.engine) as s:
        dds = list(s.scalars(select(DeepDive).where(DeepDive.opened_on <= last)))
    if not dds:
        return None
    opened = [d for d in dds if first <= d.opened_on <= last]
    closed = [d for d in dds if d.closed_on is not None and first <= d.closed_on <= last]
    still_open = [d for d in dds if d.closed_on is None or d.closed_on > last]
    headline = (f"{len(opened)} opened and {len(closed)} closed in the month; "
                f"{len(still_open)} open at its end.")
    lines = [(_subject(d, titles, places), "Opened", f"{d.ref}, {KIND_LABELS[d.kind]}")
             for d in opened]
    lines += [(_subject(d, titles, places), "Closed", f"{d.ref}, {KIND_LABELS[d.kind]}")
              for d in closed]
    # The board follows the authority's and the commissioned ones; service and team
    # triggers are counted in the headline and worked by the services.
    followed = [d for d in still_open if d not in opened
                and (d.kind != "trigger" or d.breakdown == "authority")]
    lines += [(_subject(d, titles, places), "Open",
               f"{d.ref}, {KIND_LABELS[d.kind]}, open since {d.opened_on:%-d %b %Y}")
              for d in followed]
    return headline, lines


def plan(ctx: SourceContext) -> tuple[str, list[tuple[str, str, str]]] | None:
    """Each theme's RAG (its worst action's) with the count of actions by colour, then
    each inspection recommendation's status; None when there is no plan."""
    from lantern.actions.figures import EngineFigures
    from lantern.plan.service import inspections
    from lantern.plan.status import statuses

    figures = None if ctx.con is None else EngineFigures(
        ctx.con, ctx.month, la_code=ctx.la_code, population=ctx.population,
        targets=ctx.targets)
    with Session(ctx.engine) as s:
        tree, rows = statuses(s, figures, ctx.month, load_config())
        recs = inspections(s)
    if tree.plan is None or not rows:
        return None
    lines = []
    for node in tree.themes:
        mine = [r for r in rows if r.theme.theme.id == node.theme.id]
        if not mine:
            continue
        counts = Counter(r.rag.colour for r in mine)
        worst = min(counts, key=RAG_ORDER.index)
        detail = ", ".join(f"{counts[c]} {COLOUR_LABELS[c].lower()}"
                           for c in RAG_ORDER if counts[c])
        lines.append((f"Theme {node.theme.ref}: {node.theme.title}", COLOUR_LABELS[worst],
                      detail))
    for insp, views in recs:
        for v in views:
            repeat = f" (repeated from {v.repeated_from})" if v.repeated_from else ""
            lines.append((f"{insp.name} recommendation {v.number}{repeat}", v.status,
                          v.text[:160]))
    overall = Counter(r.rag.colour for r in rows)
    headline = (f"{tree.plan.title}, version {tree.plan.version}: {len(rows)} actions — "
                + ", ".join(f"{overall[c]} {COLOUR_LABELS[c].lower()}"
                            for c in RAG_ORDER if overall[c]) + ".")
    return headline, lines
