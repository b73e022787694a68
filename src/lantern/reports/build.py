"""Assemble the monthly performance report from the month's assurance.

Nothing here computes an indicator: figures come from the engine through
`assurance.monthly`, comparisons from the DfE benchmark data.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from lantern.assurance.exceptions import ExceptionItem
from lantern.assurance.inputs import measure_range
from lantern.assurance.monthly import SPC_MIN_DENOMINATOR, IndicatorMonth, MonthlyAssurance
from lantern.assurance.spc import clamp_limits, classify, rebase_indices
from lantern.assurance.store import Basis, month_assurance
from lantern.assurance.themes import NOT_COMPUTED, NOT_STORED, Theme, home_theme, themes
from lantern.calendar import add_working_days
from lantern.casework.labels import Names, exception_text, names, place_label
from lantern.measures.benchmarks import benchmark, compared_value
from lantern.measures.catalogue import INDICATORS, get
from lantern.months import Month
from lantern.reports.model import (
    ChartPoint,
    ExceptionLine,
    Report,
    ScorecardRow,
    Section,
    ThemeSection,
)

# The report's service areas, in the order the seeds' reports use, and the indicator
# areas (measures' `area`, or an id prefix where one area holds two services) in each.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("front_door", "Front door and assessment"),
    ("child_protection", "Child protection"),
    ("children_in_need", "Children in need"),
    ("cared_for", "Cared for children"),
    ("care_experienced", "Care experienced young people"),
    ("adoption", "Adoption"),
)
# Where exceptions from each workforce service are listed.
SERVICE_SECTIONS = {
    "front_door": "front_door",
    "safeguarding": "child_protection",
    "cared_for": "cared_for",
    "care_experienced": "care_experienced",
    "permanence": "adoption",
}
HEADLINES = (
    "referrals", "assessment_45wd_pct", "icpc_15wd_pct", "cp_plans_open",
    "cp_visits_10wd_pct", "cin_open", "cla_open", "cla_reviews_on_time_pct",
    "care_leavers_suitable_accom_pct",
)


#: The service sections by the indicator areas of `lantern.measures` (care leavers and
#: adoption share an area: `section_of` tells them apart by id).
AREA_SECTIONS = {
    "Front door and assessment": "front_door",
    "Section 47 and child protection": "child_protection",
    "Children in need": "children_in_need",
    "Children looked after": "cared_for",
    "Care leavers and adoption": "care_experienced",
}
THEME_PREFIX = "theme-"


def section_of(kpi_id: str, area: str) -> str:
    """The scorecard section an indicator is listed in: its service area's, or for an
    indicator of no service area (the thematic ones) its theme's (`theme_sections`)."""
    if kpi_id.startswith("care_leavers"):
        return "care_experienced"
    if kpi_id.startswith("adoption"):
        return "adoption"
    found = home_theme(kpi_id, area, frozenset(AREA_SECTIONS))
    if found is not None:
        return THEME_PREFIX + found.key
    return AREA_SECTIONS.get(area, "cared_for")


def all_sections() -> tuple[tuple[str, str], ...]:
    """The service sections, then one per theme (`assurance.themes`), in order."""
    return (*SECTIONS, *((THEME_PREFIX + t.key, t.title) for t in themes()))


def build_report(
    con: Any,
    month: str,
    *,
    la_code: str,
    la_name: str,
    population: int | None,
    process_changes: list[tuple[str, str]] | None = None,
    targets_path: str | None = None,
    today: date | None = None,
) -> Report:
    basis = Basis(la_code, population, tuple(process_changes or ()), targets_path)
    assurance = month_assurance(con, month, basis)  # stored at load time, else computed
    return report_from(assurance, la_code=la_code, la_name=la_name,
                       process_changes=process_changes or [], today=today, names=names(con),
                       population=population)


def report_from(
    assurance: MonthlyAssurance,
    *,
    la_code: str,
    la_name: str,
    process_changes: list[tuple[str, str]],
    today: date | None = None,
    names: Names | None = None,
    population: int | None = None,
) -> Report:
    """The report of a month's assurance; ``names`` puts teams, services and workers
    by name in the exceptions (ids without it)."""
    year, mon = (int(p) for p in assurance.month.split("-"))
    first_of_next = date(year + mon // 12, mon % 12 + 1, 1)
    rows = {i.id: scorecard_row(assurance.indicators[i.id], la_code, population)
            for i in INDICATORS}
    sections = {key: Section(key, title) for key, title in all_sections()}
    for ind in INDICATORS:
        sections[section_of(ind.id, ind.area)].rows.append(rows[ind.id])
    for item in assurance.exceptions:
        sections[_exception_section(item)].exceptions.append(exception_line(item, names))
    theme_sections = [theme_section(t, rows, assurance, sections[THEME_PREFIX + t.key])
                      for t in themes()]
    completeness = [
        f"{r.title} ({r.kpi_id}): not available — {i.headline.reason}"
        for r, i in ((rows[k], assurance.indicators[k]) for k in rows)
        if i.headline is not None and i.headline.status == "not_available"
    ]
    return Report(
        la_code=la_code,
        la_name=la_name,
        month=assurance.month,
        month_label=date(year, mon, 1).strftime("%B %Y"),
        generated_on=(today or date.today()).isoformat(),
        due_by=add_working_days(first_of_next, 10).isoformat(),
        headlines=[rows[k] for k in HEADLINES if k in rows],
        sections=[s for s in sections.values()
                  if s.rows and not s.key.startswith(THEME_PREFIX)],
        themes=theme_sections,
        completeness=completeness,
        process_changes=[f"{Month.parse(m).label()}: {label}" for m, label in process_changes],
    )


def theme_section(theme: Theme, rows: dict[str, ScorecardRow],
                  assurance: MonthlyAssurance, own: Section) -> ThemeSection:
    """A theme's part of the report: its indicators with data this month (their
    figures, status words and charts), why the others have none, and the exceptions of
    the indicators it is home to (``own``: the theme's scorecard section)."""
    shown, missing = [], []
    for kpi in theme.kpis:
        im = assurance.indicators.get(kpi)
        if im is None or kpi not in rows:
            missing.append((kpi, NOT_COMPUTED))
        elif im.headline is None:
            missing.append((rows[kpi].title, NOT_STORED))
        elif im.headline.status == "not_available":
            missing.append((rows[kpi].title, theme.reason_text(im.headline.reason)))
        else:
            shown.append(rows[kpi])
    titles = dict(all_sections())
    homes = {r.kpi_id: section_of(r.kpi_id, get(r.kpi_id).area) for r in shown}
    return ThemeSection(own.key, theme.title, rows=shown, exceptions=own.exceptions,
                        why=theme.why, not_available=tuple(missing),
                        elsewhere={k: (h, titles[h]) for k, h in homes.items()
                                   if h != own.key})


def scorecard_row(im: IndicatorMonth, la_code: str,
                  population: int | None = None) -> ScorecardRow:
    ind = get(im.kpi_id)
    h = im.headline
    bench = _benchmark(im.kpi_id, la_code)
    value = h.value if h else None
    segment = im.spc.segments[-1] if im.spc and im.spc.segments else None
    limits = segment.limits if segment else None
    if limits is not None:
        limits = clamp_limits(limits, *measure_range(ind.unit))
    types = [p.point_type for p in im.spc.points] if im.spc else []
    small = set(im.small_months)
    series = tuple(
        ChartPoint(p.month, p.value, _int(p.numerator), _int(p.denominator),
                   "too_few" if p.month in small else
                   (types[n] if n < len(types) else None) or "common_cause")
        for n, p in enumerate(im.series)
    )
    headline_series = tuple(
        ChartPoint(p.month, p.value, _int(p.numerator), _int(p.denominator), "")
        for p in im.headline_series)
    return ScorecardRow(
        kpi_id=im.kpi_id,
        title=ind.title,
        definition=ind.definition,
        unit=ind.unit,
        polarity=ind.polarity,
        period=h.period if h else ind.headline_period,
        value=h.value if h else None,
        numerator=_int(h.numerator) if h else None,
        denominator=_int(h.denominator) if h else None,
        target=im.target.target if im.target else None,
        status_word=im.status_word or "",
        since_last=im.since_last or "",
        england=bench.get("england"),
        stat_neighbours=bench.get("neighbours_mean"),
        variation_icon=im.spc.variation_icon if im.spc else None,
        assurance_icon=im.spc.assurance_icon if im.spc else None,
        availability=h.status if h else "not_available",
        series=series,
        centre=limits.mean if limits else None,
        upper=limits.upper if limits else None,
        lower=limits.lower if limits else None,
        short_series=bool(segment and segment.short_series),
        chart_period=im.spc_period or "",
        benchmark_unit=bench.get("unit", ""),
        compared=compared_value(im.kpi_id, value, population) if bench else None,
        benchmark_year=str(bench.get("published", "")),
        region=bench.get("region", ""),
        region_value=bench.get("region_value"),
        headline_series=headline_series,
        limits_from=im.series[segment.start].month if segment and im.series else None,
        limit_points=limits.n_points if limits else 0,
        small_months=tuple(im.small_months),
        min_denominator=SPC_MIN_DENOMINATOR,
    )


def exception_line(item: ExceptionItem, n: Names | None = None) -> ExceptionLine:
    n = n or Names({}, {}, {})
    where = place_label(n, item.breakdown, item.breakdown_value)
    return ExceptionLine(item.kind, item.severity, item.service, item.kpi_id, where,
                         exception_text(item.message, item.breakdown, item.breakdown_value, n))


def _exception_section(item: ExceptionItem) -> str:
    home = section_of(item.kpi_id, get(item.kpi_id).area)
    if item.breakdown == "authority" or item.service not in SERVICE_SECTIONS \
            or home.startswith(THEME_PREFIX):  # a theme's exceptions stay in the theme
        return home
    return SERVICE_SECTIONS[item.service]


def _benchmark(kpi_id: str, la_code: str) -> dict[str, Any]:
    try:
        found = benchmark(kpi_id, la_code)
    except KeyError:  # not a DfE authority number (e.g. a synthetic code)
        return {}
    return found if found.get("available") else {}


def _int(x: float | None) -> int | None:
    return None if x is None else round(x)


def headline_lines(con: Any, month: str, *, la_code: str, population: int | None
                   ) -> list[tuple[str, str, str, str]]:
    """The headline indicators for one month as the demo prints them: (title, value,
    "numerator / denominator" for percentages, period), in `HEADLINES` order."""
    from lantern.measures.engine import compute
    from lantern.reports.render import format_value

    rows = compute(con, [month], population=population, la_code=la_code,
                   kpis=list(HEADLINES))
    out = []
    for kpi in HEADLINES:
        ind = get(kpi)
        row = next((r for r in rows if r.kpi_id == kpi and r.period == ind.headline_period),
                   None)
        if row is None:
            continue
        shown = format_value(row.value, ind.unit) if row.status == "ok" else row.status
        of = (f"{row.numerator:,.0f} / {row.denominator:,.0f}"
              if ind.unit == "pct" and row.denominator else "")
        out.append((ind.title, shown, of, row.period.replace("_", " ")))
    return out


def with_process_change(row: ScorecardRow, month: str, label: str) -> ScorecardRow:
    """The row's SPC chart with a process change at ``month`` (e.g. the date a deep dive
    changed practice): points classified again with the limits restarting there, the
    mean and limits those of the segment from the change, and the change marked."""
    months = [p.month for p in row.series]
    if month not in months:
        return row
    values = [None if p.point_type == "too_few" else p.value for p in row.series]
    if all(v is None for v in values):
        return row
    result = classify(values, row.polarity, rebase_at=rebase_indices(months, [month]),
                      target=row.target)
    series = tuple(replace(p, point_type=pt.point_type or p.point_type)
                   for p, pt in zip(row.series, result.points, strict=True))
    limits = result.limits
    if limits is not None:
        limits = clamp_limits(limits, *measure_range(row.unit))
    return replace(row, series=series, markers=(*row.markers, (month, label)),
                   centre=limits.mean if limits else row.centre,
                   upper=limits.upper if limits else row.upper,
                   lower=limits.lower if limits else row.lower,
                   short_series=result.segments[-1].short_series,
                   limits_from=month if limits else row.limits_from,
                   limit_points=limits.n_points if limits else row.limit_points)
