"""What a monthly performance report says, independent of how it is rendered."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ChartPoint:
    month: str
    value: float | None
    numerator: int | None
    denominator: int | None
    point_type: str = "common_cause"


@dataclass(frozen=True)
class ScorecardRow:
    kpi_id: str
    title: str
    definition: str
    unit: str
    polarity: str
    period: str
    value: float | None
    numerator: int | None
    denominator: int | None
    target: float | None
    status_word: str
    since_last: str
    england: float | None
    stat_neighbours: float | None
    variation_icon: str | None
    assurance_icon: str | None
    availability: str
    series: tuple[ChartPoint, ...] = ()
    centre: float | None = None
    upper: float | None = None
    lower: float | None = None
    short_series: bool = False  # the latest process segment has fewer than 12 points
    chart_period: str = ""  # the SPC series' period (in_month for a rolling headline)
    headline_series: tuple[ChartPoint, ...] = ()  # the headline's period, by month
    limits_from: str | None = None  # first month of the latest segment (its limits)
    limit_points: int = 0  # points the latest limits were computed from
    small_months: tuple[str, ...] = ()  # left out of SPC: denominator too small
    min_denominator: int = 0
    # How England and the neighbours compare (`measures.benchmarks`): their unit ("rate"
    # for a count, compared per 10,000 children), this authority's figure in that unit,
    # the DfE year (ending 31 March) and the region.
    benchmark_unit: str = ""
    compared: float | None = None
    benchmark_year: str = ""
    region: str = ""
    region_value: float | None = None
    markers: tuple[tuple[str, str], ...] = ()  # (month, label): process changes drawn


@dataclass(frozen=True)
class ExceptionLine:
    kind: str
    severity: str
    service: str
    kpi_id: str
    where: str
    message: str


@dataclass
class Section:
    key: str
    title: str
    rows: list[ScorecardRow] = field(default_factory=list)
    exceptions: list[ExceptionLine] = field(default_factory=list)


@dataclass
class ThemeSection(Section):
    """A theme's section (`assurance.themes`): why it matters, its indicators with data
    (``rows``) and those without, each with its reason ((title, reason))."""

    why: str = ""
    not_available: tuple[tuple[str, str], ...] = ()
    # Indicators the theme shows that belong to a service area, by kpi id: (section key,
    # title). Their charts are in that section, not drawn twice.
    elsewhere: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass
class Report:
    la_code: str
    la_name: str
    month: str
    month_label: str
    generated_on: str
    due_by: str
    headlines: list[ScorecardRow]
    sections: list[Section]
    completeness: list[str]
    process_changes: list[str] = field(default_factory=list)
    governance: Governance | None = None
    themes: list[ThemeSection] = field(default_factory=list)


@dataclass(frozen=True)
class Commentary:
    """The month's commentary on one indicator, by whom."""

    text: str
    author: str
    role_title: str
    at: str


@dataclass(frozen=True)
class Signature:
    """One step of the chain on the endorsement page."""

    step: str
    name: str
    role_title: str
    at: str
    comment: str


@dataclass
class Governance:
    """What people added to a report: its edition and state, the headline themes, the
    commentary and responsible officer beside each indicator, and who signed it off."""

    edition_label: str
    version: int
    state: str
    state_label: str
    reason: str = ""
    themes: str = ""
    commentary: dict[str, Commentary] = field(default_factory=dict)
    officers: dict[str, str] = field(default_factory=dict)
    signatures: list[Signature] = field(default_factory=list)
    # A service edition shows the commentary written on the authority's figures.
    service_edition: bool = False
