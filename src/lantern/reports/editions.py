"""The editions of a month's report: the authority's, and one per service for its
performance surgery; their figures (to tell whether a new load moved them); and the
report as people have shaped it (themes, commentary, officers, endorsement page).

Figures come from `reports.build` (the authority's report) and the indicator engine
(a service's own figures); nothing here computes an indicator.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC
from pathlib import Path
from typing import Any

from lantern.appdb.reports import ReportRun, ReportStep
from lantern.assurance.inputs import add_months
from lantern.assurance.targets import Target, load_targets, since_last_period, status_text
from lantern.casework import team_services
from lantern.measures.catalogue import INDICATORS, get
from lantern.measures.engine import KpiRow, compute
from lantern.reports.book import AUTHORITY, Frozen, ReportBook, edition_label
from lantern.reports.build import build_report, section_of
from lantern.reports.chain import STATE_LABELS, ChainConfig
from lantern.reports.model import (
    ChartPoint,
    Commentary,
    Governance,
    Report,
    ScorecardRow,
    Signature,
)
from lantern.reports.render import write_reports
from lantern.warehouse.meta import Authority

#: The report sections each service's surgery takes (services not listed take all).
EDITION_SECTIONS: dict[str, tuple[str, ...]] = {
    "front_door": ("front_door",),
    "safeguarding": ("child_protection", "children_in_need"),
    "cared_for": ("cared_for", "care_experienced", "adoption"),
    "care_experienced": ("care_experienced",),
    "permanence": ("adoption",),
}
NOT_A_SERVICE = frozenset({"unallocated", ""})
STEP_NAMES = {
    "quality_checked": "Quality check",
    "themes_added": "Headline themes and commentary",
    "endorsed": "Endorsement",
    "published": "Publication",
}


def services(con: Any) -> list[str]:
    """The authority's services (from the warehouse's team hierarchy): one edition each."""
    return sorted({s for s in team_services(con).values() if s not in NOT_A_SERVICE})


def editions(con: Any) -> list[str]:
    return [AUTHORITY, *services(con)]


def build_edition(con: Any, month: str, authority: Authority, edition: str = AUTHORITY, *,
                  targets_path: str | None = None, base: Report | None = None) -> Report:
    """One edition's report. ``base`` (the month's authority report) saves recomputing
    it for each service edition."""
    if base is None:
        base = _authority_report(con, month, authority, targets_path)
    if edition == AUTHORITY:
        return base
    if edition not in services(con):
        raise ValueError(f"no service {edition!r}; the services are "
                         f"{', '.join(services(con))}")
    return service_edition(con, base, edition, authority, targets_path=targets_path)


#: The authority reports built in this process, by warehouse file state: a command that
#: builds a month and then publishes it (or a test walking the chain) computes it once.
_BUILT: dict[tuple[Any, ...], Report] = {}
_BUILT_MAX = 4


def _file_state(con: Any) -> tuple[Any, ...] | None:
    """The warehouse file's identity and state (path, size and mtime of it and its
    write-ahead log), or None for an in-memory database (the web's copy): never cached."""
    try:
        rows = con.execute("PRAGMA database_list").fetchall()
    except Exception:  # not a DuckDB connection
        return None
    path = next((r[2] for r in rows if r[1] not in ("system", "temp") and r[2]), None)
    if not path:
        return None
    out: list[Any] = [path]
    for p in (Path(path), Path(f"{path}.wal")):
        st = p.stat() if p.exists() else None
        out += [st.st_size, st.st_mtime_ns] if st else [None, None]
    return tuple(out)


def _authority_report(con: Any, month: str, authority: Authority,
                      targets_path: str | None) -> Report:
    state = _file_state(con)
    key = (state, month, authority.la_code, authority.la_name, authority.population,
           tuple(authority.process_changes), targets_path)
    if state is not None and key in _BUILT:
        return _BUILT[key]
    report = build_report(con, month, la_code=authority.la_code, la_name=authority.la_name,
                          population=authority.population,
                          process_changes=authority.process_changes, targets_path=targets_path)
    if state is not None:
        if len(_BUILT) >= _BUILT_MAX:
            _BUILT.pop(next(iter(_BUILT)))
        _BUILT[key] = report
    return report


def service_edition(con: Any, base: Report, service: str, authority: Authority, *,
                    targets_path: str | None = None) -> Report:
    """The authority's report cut to one service: its sections, the service's own
    figures and monthly series (no process limits: those are the authority's), and the
    exceptions raised for that service."""
    keys = EDITION_SECTIONS.get(service, tuple(s.key for s in base.sections))
    sections = [s for s in base.sections if s.key in keys]
    kpis = [r.kpi_id for s in sections for r in s.rows]
    months = sorted({p.month for s in sections for r in s.rows for p in r.series} | {
        base.month, add_months(base.month, -1)})
    rows = compute(con, months, breakdowns=("service",), population=authority.population,
                   la_code=authority.la_code, kpis=kpis)
    mine = [r for r in rows if r.breakdown_value == service]
    targets = load_targets(targets_path)
    cut = []
    for s in sections:
        new = replace(s, rows=[_service_row(r, mine, base.month, targets.get(r.kpi_id))
                               for r in s.rows],
                      exceptions=[e for e in s.exceptions if e.service == service])
        cut.append(new)
    wanted = {r.kpi_id for s in cut for r in s.rows}
    by_id = {r.kpi_id: r for s in cut for r in s.rows}
    return replace(
        base, la_name=f"{base.la_name} – {service.replace('_', ' ').capitalize()} service",
        headlines=[by_id[h.kpi_id] for h in base.headlines if h.kpi_id in wanted],
        sections=cut, completeness=[c for c in base.completeness
                                    if any(f"({k})" in c for k in wanted)],
        themes=[])  # the themes are the authority's figures: in its edition only


def _service_row(row: ScorecardRow, mine: list[KpiRow], month: str,
                 target: Target | None) -> ScorecardRow:
    """One indicator's row for a service: the service's figure, its status against the
    authority's target and its change since last month (`assurance.targets`' rules)."""
    period = row.chart_period or row.period
    by_month = {r.month: r for r in mine if r.kpi_id == row.kpi_id and r.period == period}
    head = next((r for r in mine if r.kpi_id == row.kpi_id and r.month == month
                 and r.period == row.period), None)
    ok = head is not None and head.status == "ok"
    series = tuple(ChartPoint(p.month, by_month[p.month].value if p.month in by_month
                              and by_month[p.month].status == "ok" else None,
                              _int(by_month[p.month].numerator) if p.month in by_month else None,
                              _int(by_month[p.month].denominator) if p.month in by_month
                              else None) for p in row.series)
    value = head.value if ok and head else None
    before = next((r for r in mine if r.kpi_id == row.kpi_id and r.period == row.period
                   and r.month == add_months(month, -1) and r.status == "ok"), None)
    word = status_text(value, target, row.polarity)
    return replace(
        row, value=value,
        numerator=_int(head.numerator) if head else None,
        denominator=_int(head.denominator) if head else None,
        availability=head.status if head else "not_available",
        status_word=word or "",
        since_last=since_last_period(value, before.value if before else None,
                                     row.polarity) or "",
        variation_icon=None, assurance_icon=None,
        series=series, centre=None, upper=None, lower=None)


def _int(x: float | None) -> int | None:
    return None if x is None else round(x)


def edition_kpis(edition: str) -> list[str]:
    """The indicators an edition reports (the authority's: all of them)."""
    keys = EDITION_SECTIONS.get(edition) if edition != AUTHORITY else None
    return [i.id for i in INDICATORS if keys is None or section_of(i.id, i.area) in keys]


def month_figures(con: Any, months: list[str], authority: Authority,
                  wanted: list[str]) -> dict[tuple[str, str], dict[str, list[Any]]]:
    """What a reader sees of each indicator in each (month, edition): the headline
    value, numerator, denominator and availability, as the report shows them (a new load
    "moved the figures" when any differ). One engine call for every month and edition."""
    rows = compute(con, months, breakdowns=("authority", "service"),
                   population=authority.population, la_code=authority.la_code)
    found = {(r.month, r.breakdown_value if r.breakdown == "service" else AUTHORITY,
              r.kpi_id): r for r in rows if r.period == get(r.kpi_id).headline_period}
    out = {}
    for month in months:
        for edition in wanted:
            out[month, edition] = {k: _figure(found.get((month, edition, k)))
                                   for k in edition_kpis(edition)}
    return out


def _figure(row: KpiRow | None) -> list[Any]:
    if row is None:
        return [None, None, None, "not_available"]
    return [None if row.value is None else round(row.value, 6), _int(row.numerator),
            _int(row.denominator), row.status]


def officer_of(config: ChainConfig, kpi_id: str) -> str | None:
    """The responsible officer of an indicator: named, else its report section's."""
    return config.officers.get(kpi_id) or config.officers_by_section.get(
        section_of(kpi_id, get(kpi_id).area))


def officers(config: ChainConfig, report: Report) -> dict[str, str]:
    found = {r.kpi_id: officer_of(config, r.kpi_id) for s in report.sections for r in s.rows}
    return {k: v for k, v in found.items() if v}


def governance(book: ReportBook, run: ReportRun, report: Report,
               steps: list[ReportStep] | None = None) -> Governance:
    """The people's part of an edition: state, themes, commentary, officers and the
    endorsement page (the latest forward step to each state, after any send back)."""
    cfg = book.config
    steps = book.steps(run.id) if steps is None else steps
    signed: dict[str, ReportStep] = {}
    for st in steps:
        if st.kind == "send_back":  # the steps above the state sent back to no longer hold
            for later in [k for k in signed if _after(k, st.to_state)]:
                del signed[later]
        else:
            signed[st.to_state] = st
    return Governance(
        edition_label=edition_label(run.edition), version=run.version, state=run.state,
        state_label=STATE_LABELS[run.state], reason=run.reason if run.version > 1 else "",
        themes=run.themes,
        commentary={k: Commentary(c.text, c.display_name, cfg.title(c.role), _day(c.at))
                    for k, c in book.commentary(run.month).items()},
        officers=officers(cfg, report),
        signatures=[Signature(STEP_NAMES[k], st.display_name, cfg.title(st.role), _day(st.at),
                              st.comment) for k, st in signed.items()],
        service_edition=run.edition != AUTHORITY,
    )


def _after(state: str, than: str) -> bool:
    from lantern.reports.chain import STATES

    return STATES.index(state) > STATES.index(than)


def _day(at: Any) -> str:
    return str(at.astimezone(UTC).date().isoformat())


def published_paths(reports_dir: Path, run: ReportRun) -> tuple[Path, Path]:
    stem = reports_dir / "published" / run.month / f"{run.month}-{run.edition}-v{run.version}"
    return stem.with_suffix(".html"), stem.with_suffix(".pdf")


def freezer(book: ReportBook, report: Report, reports_dir: Path, *, pdf: bool = True):  # type: ignore[no-untyped-def]
    """A ``freeze`` for `ReportBook.advance`: write the edition's published HTML (and
    PDF) with its themes, commentary and endorsement page, under
    ``reports/published/MONTH/``."""

    def freeze(run: ReportRun, steps: list[ReportStep]) -> Frozen:
        shaped = replace(report, governance=governance(book, run, report, steps))
        html_path, pdf_path = published_paths(reports_dir, run)
        write_reports(shaped, *([html_path, pdf_path] if pdf else [html_path]))
        return Frozen(html_path, pdf_path if pdf else None)

    return freeze
