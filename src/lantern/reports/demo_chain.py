"""The demo authority's report history: the year's months published through
the chain (quality check, headline themes, commentary, endorsement), the latest month
waiting for the DCS's endorsement — as Torbay's plan describes the process.

The themes and commentary are written from the month's own figures (what moved, and
by how much) with the actions the seeds describe (performance surgeries, deep dives,
dip samples); no figure is invented. Steps are dated on the working days before each
report's due date.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

from lantern.calendar import add_working_days
from lantern.config import Settings
from lantern.measures.catalogue import get
from lantern.months import Month
from lantern.reports.book import AUTHORITY, ReportBook
from lantern.reports.chain import STATES
from lantern.reports.editions import month_figures
from lantern.reports.render import format_value
from lantern.reports.workflow import advance, record_editions
from lantern.security.policy import Principal
from lantern.warehouse.meta import Authority

#: Indicators the demo's leaders comment on each month, and what the service does about
#: a figure that slipped (the seeds' performance-surgery and deep-dive language).
WATCHED: dict[str, str] = {
    "assessment_45wd_pct": "Assessments nearing 45 working days are reviewed weekly at "
                           "the front door performance surgery.",
    "icpc_15wd_pct": "Conference dates are booked at the strategy discussion; any that "
                     "slip are escalated to the Head of Service the same day.",
    "cp_visits_10wd_pct": "Team managers check visits due in the next ten working days "
                          "in supervision; the surgery follows up every late visit.",
    "cla_reviews_on_time_pct": "The IRO service dip-samples late reviews and reports to "
                               "the Quartet.",
    "care_leavers_suitable_accom_pct": "Personal advisers review every young person not "
                                       "in suitable accommodation at the monthly surgery.",
    "cp_plans_open": "The deep dive into plans open over 18 months continues; step-downs "
                     "are tracked through the surgery.",
}


PUBLISHED_MONTHS = 10
"""The demo's published history: the ten months before the latest (January to October
for a November demo) — the year an improvement board looks back on."""


def published_months(latest: str, n: int = PUBLISHED_MONTHS) -> list[str]:
    """The ``n`` months before ``latest``, oldest first: the demo publishes them and
    leaves ``latest`` awaiting endorsement."""
    last = Month.parse(latest)
    return [str(last - k) for k in range(n, 0, -1)]


def month_after(month: str) -> date:
    return (Month.parse(month) + 1).first


def previous(month: str) -> str:
    return str(Month.parse(month) - 1)


def on_working_day(month: str, n: int, hour: int = 10) -> datetime:
    """The n-th working day after the 1st of the month following ``month``."""
    return datetime.combine(add_working_days(month_after(month), n), time(hour), UTC)


def movement(kpi: str, now: list[Any], before: list[Any]) -> tuple[str, float | None]:
    """A sentence on one figure against last month, and how far it moved (signed,
    in the direction that is better: positive is better)."""
    ind = get(kpi)
    if now[0] is None:
        return f"{ind.title}: not available this month.", None
    text = f"{ind.title}: {format_value(now[0], ind.unit)}"
    if ind.unit == "pct" and now[2]:
        text += f" ({now[1]:,.0f} of {now[2]:,.0f})"
    if before[0] is None:
        return text + ".", None
    change = now[0] - before[0]
    if abs(change) < 1e-9:
        return text + ", the same as last month.", 0.0
    way = "up" if change > 0 else "down"
    text += f", {way} from {format_value(before[0], ind.unit)} last month."
    better = change if ind.polarity == "high" else -change if ind.polarity == "low" else 0
    return text, better


def commentary(kpi: str, now: list[Any], before: list[Any]) -> str:
    text, better = movement(kpi, now, before)
    if better is not None and better < 0:
        return f"{text} {WATCHED[kpi]}"
    if better is not None and better > 0:
        return f"{text} The improvement is being tested with a dip sample before it is "\
               "reported as sustained."
    return f"{text} The surgery keeps the trend under review."


def themes(month: str, figures: dict[str, list[Any]], before: dict[str, list[Any]]) -> str:
    """Three headline themes: the figure that improved most, the one that fell most,
    and the demand picture (children on plans)."""
    moves = []
    for kpi in WATCHED:
        _, better = movement(kpi, figures[kpi], before[kpi])
        if better is not None and get(kpi).polarity != "neutral":
            moves.append((better, kpi))
    moves.sort()
    lines = []
    if moves and moves[-1][0] > 0:
        lines.append("Improving: " + movement(moves[-1][1], figures[moves[-1][1]],
                                              before[moves[-1][1]])[0])
    if moves and moves[0][0] < 0:
        kpi = moves[0][1]
        lines.append(f"Concern: {movement(kpi, figures[kpi], before[kpi])[0]} {WATCHED[kpi]}")
    lines.append("Demand: " + movement("cp_plans_open", figures["cp_plans_open"],
                                       before["cp_plans_open"])[0])
    return "\n".join(lines)


def run_demo_chain(con: Any, book: ReportBook, authority: Authority, settings: Settings,
                   people: dict[str, Principal], published: list[str], waiting: str, *,
                   progress: Callable[[str], None] = lambda _: None) -> None:
    """Publish each month in ``published`` (authority edition) and take ``waiting`` to
    the headline themes, so it awaits the DCS's endorsement. ``people`` maps role ->
    the account acting."""
    months = [*published, waiting]
    record_editions(con, book, authority, months)
    figures = month_figures(con, sorted({*months, *map(previous, months)}), authority,
                            [AUTHORITY])
    for month in months:
        now, before = figures[month, AUTHORITY], figures[previous(month), AUTHORITY]
        run = book.current(month)
        assert run is not None
        written = book.commentary(month)  # a second demo run adds nothing twice
        for kpi in (k for k in WATCHED if k not in written):
            role = "head_of_service" if kpi != "cp_plans_open" else "divisional_director"
            book.add_commentary(month, kpi, commentary(kpi, now[kpi], before[kpi]),
                                people[role], at=on_working_day(month, 7, 9))
        steps = [("quality_checked", "performance_analyst", 6,
                  "Figures reconciled with the case management system and the returns."),
                 ("themes_added", "divisional_director", 8, themes(month, now, before))]
        if month != waiting:
            steps += [("endorsed", "dcs", 9, "Endorsed for the performance surgeries and "
                                             "the improvement board."),
                      ("published", "dcs", 10, "Shared with all children's leaders.")]
        for to, role, day, comment in steps:
            fresh = book.get(run.id)
            assert fresh is not None
            if STATES.index(fresh.state) >= STATES.index(to):
                continue  # taken on an earlier demo run
            progress(f"{month}: {to.replace('_', ' ')}")
            advance(con, book, authority, fresh, to, people[role], comment, settings,
                    send=False, pdf=False, at=on_working_day(month, day))
