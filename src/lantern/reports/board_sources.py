"""What the board pack reads from the capabilities people write: deep dives (opened and
closed in the month, and every one still open) and the improvement plan (each theme's
RAG, the worst of its actions', and each inspection recommendation's status). Each
reader returns None while its capability holds nothing, and the pack says so. No child
is named: a deep dive appears by its subject and scope only."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from lantern.actions.models import ActionHistory
from lantern.actions.rag import COLOUR_LABELS, load_config
from lantern.casework.caseload import team_services
from lantern.casework.labels import Names, names, value_label
from lantern.governance.models import DeepDive, DeepDiveEvent, DeepDiveTrigger
from lantern.governance.tracker import KIND_LABELS, service_of
from lantern.measures.catalogue import SCORECARD
from lantern.months import Month
from lantern.quality.models import Audit, AuditModeration

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


def sources_version(engine: Engine) -> tuple[int, ...]:
    """Changes whenever a source of the pack records something — a deep dive's event or
    trigger, the plan's history, an audit created, submitted or moderated — so a cached
    pack is rebuilt when what it says would change."""
    with Session(engine) as s:
        latest = [int(s.scalar(select(func.max(t.id))) or 0) for t in (
            DeepDiveEvent, DeepDiveTrigger, ActionHistory, Audit, AuditModeration)]
        submitted = int(s.scalar(select(func.count(Audit.id)).where(
            Audit.submitted_on.is_not(None))) or 0)
    return (*latest, submitted)


def _month_bounds(month: str) -> tuple[date, date]:
    m = Month.parse(month)
    return m.first, m.last


def _places(con: Any) -> Names:
    """Teams, services and workers by name, as people read them."""
    return names(con) if con is not None else Names({}, {}, {})


def _subject(d: DeepDive, titles: dict[str, str], places: Names) -> str:
    where = "" if d.breakdown == "authority" else \
        f" ({value_label(places, d.breakdown, d.breakdown_value)})"
    return (d.theme or titles.get(d.kpi_id or "", d.kpi_id or "")) + where


def _by_service(dds: list[DeepDive], con: Any, places: Names) -> list[tuple[str, str, str]]:
    """The open deep dives on services' and teams' figures, one line per service: the
    services work them at their performance surgeries; the board sees how many."""
    team_service = team_services(con) if con is not None else {}
    counts = Counter(service_of(d, team_service) for d in dds)
    return [(f"{value_label(places, 'service', sid) or 'Service not recorded'}: "
             f"{n} on its own and its teams' figures", "Open",
             "worked at the service's performance surgery; each is on the Deep dives page")
            for sid, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def deep_dives(ctx: SourceContext) -> tuple[str, list[tuple[str, str, str]]] | None:
    """(headline, lines of (title, status, detail)) for the month, or None if none exist.
    Every deep dive open at the month end is accounted for: the authority's and the
    commissioned ones by name, the services' and teams' counted by service."""
    first, last = _month_bounds(ctx.month)
    titles = {i.id: i.title for i in SCORECARD}
    places = _places(ctx.con)
    with Session(ctx.engine) as s:
        dds = list(s.scalars(select(DeepDive).where(DeepDive.opened_on <= last)))
    if not dds:
        return None
    opened = [d for d in dds if first <= d.opened_on <= last]
    closed = [d for d in dds if d.closed_on is not None and first <= d.closed_on <= last]
    still_open = [d for d in dds if d.closed_on is None or d.closed_on > last]
    followed = [d for d in still_open if d not in opened
                and (d.kind != "trigger" or d.breakdown == "authority")]
    local = [d for d in still_open if d not in opened and d not in followed]
    headline = (f"{len(opened)} opened and {len(closed)} closed in the month; "
                f"{len(still_open)} open at its end. Listed below: those opened or closed "
                f"in the month, and the {len(followed)} other{'s' * (len(followed) != 1)} the "
                f"board follows (on the "
                f"whole authority's figures, or commissioned); the other {len(local)}, on "
                "a service's or team's figures, are counted by service.")
    lines = [(_subject(d, titles, places), "Opened", f"{d.ref}, {KIND_LABELS[d.kind]}")
             for d in opened]
    lines += [(_subject(d, titles, places), "Closed", f"{d.ref}, {KIND_LABELS[d.kind]}")
              for d in closed]
    lines += [(_subject(d, titles, places), "Open",
               f"{d.ref}, {KIND_LABELS[d.kind]}, open since {d.opened_on:%-d %b %Y}")
              for d in followed]
    return headline, lines + _by_service(local, ctx.con, places)


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


AUDIT_LINES = (
    ("audits_good_or_better_pct", "Audits graded good or outstanding"),
    ("audits_inadequate_pct", "Audits graded inadequate"),
    ("audit_moderation_agreement_pct", "Moderation agreed with the auditor's grade"),
    ("audit_actions_on_time_pct", "Audit actions completed on time"),
    ("family_feedback_pct", "Audits with the child's or family's feedback"),
)


def _audit_figure(fig: dict[str, Any]) -> str:
    """A percentage as the board may see it: counts of 1-4 (audits are of children)
    as "withheld", and the percentage computed from them withheld."""
    from lantern.security.policy import SUPPRESS_BELOW, SUPPRESSED

    n, d = fig["numerator"], fig["denominator"]
    if not d:
        return "none this quarter"
    if 0 < n < SUPPRESS_BELOW or d < SUPPRESS_BELOW:
        return f"{SUPPRESSED if 0 < n < SUPPRESS_BELOW else n} of " \
               f"{SUPPRESSED if d < SUPPRESS_BELOW else d}"
    return f"{fig['value']:.1f}% ({n} of {d})"


def audits(ctx: SourceContext) -> tuple[str, list[tuple[str, str, str]]] | None:
    """The quarter's case-file audits (`quality.summary`): how many, the quality
    indicators against the previous quarter; None when no audit was submitted in it."""
    from lantern.quality.summary import summary

    y, m = (int(p) for p in ctx.month.split("-"))
    with Session(ctx.engine) as s:
        got = summary(s, f"{y}Q{(m - 1) // 3 + 1}")
    now, before = got["indicators"], got["previous"]["indicators"]
    done = now["audits_completed"]
    if not done:
        return None
    from lantern.security.policy import SUPPRESS_BELOW, SUPPRESSED

    def count(n: int) -> str:
        return SUPPRESSED if 0 < n < SUPPRESS_BELOW else str(n)

    headline = (f"{count(done)} audits submitted in {got['quarter']} ({got['from']} to "
                f"{got['to']}); {count(before['audits_completed'])} in "
                f"{got['previous']['quarter']}.")
    lines = [(label, _audit_figure(now[key]),
              f"previous quarter: {_audit_figure(before[key])}")
             for key, label in AUDIT_LINES]
    return headline, lines
