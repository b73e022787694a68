"""The JSON API's response shapes (Pydantic), so /api/openapi.json describes what each
endpoint really returns. The routes build plain dictionaries from the core layers;
FastAPI checks them against these models on the way out.

Counts may read "withheld" for aggregate-only roles (`security.policy`,
`security.disclosure`), so they are typed ``Count``. Models allow extra keys: a field
added by the core still reaches the client, and the test of every route keeps these
declarations honest.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

Count = float | str | None  # a number, or "withheld" when suppressed


class Shape(BaseModel):
    model_config = ConfigDict(extra="allow")


class Me(Shape):
    username: str
    display_name: str
    role: str
    scope_type: str
    scope_value: str | None
    aggregate_only: bool


class IndicatorInfo(Shape):
    kpi_id: str
    title: str
    definition: str
    area: str
    unit: str
    polarity: str
    periods: list[str]
    headline_period: str


class ChartPointOut(Shape):
    month: str
    value: float | None
    numerator: Count
    denominator: Count
    point_type: str


class TrendPointOut(Shape):
    month: str
    value: float | None


class ScorecardRowOut(Shape):
    kpi_id: str
    title: str
    unit: str
    polarity: str
    period: str
    value: float | None
    numerator: Count
    denominator: Count
    target: float | None
    status_word: str | None = Field(description="Performance against target, e.g. "
                                    "\"Worse than target (lower is better)\"")
    since_last: str | None
    england: float | None
    stat_neighbours: float | None
    variation_icon: str | None
    assurance_icon: str | None
    availability: str
    chart_period: str
    benchmark_unit: str = Field(description="The unit England and the neighbours are "
                                "compared in: \"rate\" (per 10,000 children) for a count")
    compared: float | None = Field(description="This authority's figure in that unit "
                                   "(a count as a rate per 10,000 children aged 0-17)")
    benchmark_year: str = Field(description="The DfE year compared (ending 31 March; the "
                                            "workforce census, 30 September)")
    region: str
    region_value: float | None
    series: list[ChartPointOut]
    trend: list[TrendPointOut] = Field(description="The headline's own period month by "
                                       "month (rolling 12 months for a flow): the sparkline")
    suppressed: bool


class ScorecardSection(Shape):
    key: str
    title: str
    rows: list[ScorecardRowOut]


class Scorecard(Shape):
    month: str
    breakdown: str
    value: str | None
    sections: list[ScorecardSection]


class BreakdownRowOut(Shape):
    kpi_id: str
    month: str
    period: str
    breakdown: str
    breakdown_value: str
    numerator: Count
    denominator: Count
    value: float | None
    status: str
    reason: str | None = None
    suppressed: bool


class BenchmarkYear(Shape):
    period: str
    year_ending: str
    ends: str = Field(description="The day the year ends, for people: \"31 March\", or "
                      "\"30 September\" for the workforce census")
    published: int
    authority: float | None
    england: float | None
    region_value: float | None
    neighbours_mean: float | None
    neighbours_count: int
    neighbours_excluded: int


class NeighbourOut(Shape):
    la_code: str
    la_name: str
    value: float | None


class BenchmarkOut(BenchmarkYear):
    """DfE's published figures compared like with like (`measures.benchmarks`)."""

    kpi_id: str
    lait: str
    la_code: str
    la_name: str
    compared_as: str = Field(description="\"value\", or \"rate_per_10k\" for a count")
    unit: str
    available: bool
    measure: str
    polarity: str
    authority_published: str | None
    region: str
    neighbours: list[NeighbourOut]
    trend: list[BenchmarkYear]


class IndicatorDetail(Shape):
    month: str
    kpi_id: str
    title: str
    definition: str
    row: ScorecardRowOut
    breakdowns: dict[str, list[BreakdownRowOut]]
    benchmark: BenchmarkOut | None = Field(description="None when DfE publishes nothing "
                                           "comparable for the authority")


class ChildBehind(Shape):
    """One row of the figure's denominator (`measures.drill.COLUMNS`, and any columns
    the indicator adds): a child's, or a worker's, team's, household's or referral's
    (``subject_id``), which is about no child."""

    subject_id: str | None = Field(None, description="the child, worker, team, household "
                                   "or referral the row is about")
    child_id: str | None = Field(None, description="the child, when the row is about one")
    event_id: str | None = None
    event_date: str | None = None
    in_numerator: bool | None = None
    measure: float | None = Field(None, description="e.g. working days taken")
    reason: str | None = None
    date_1_label: str | None = None
    date_1: str | None = None
    date_2_label: str | None = None
    date_2: str | None = None
    service: str | None = None
    team: str | None = None
    worker: str | None = None
    age_band: str | None = None
    sex: str | None = None
    ethnicity: str | None = None
    disability: str | None = None


class ChildrenBehind(Shape):
    kpi_id: str
    month: str
    children: list[ChildBehind]


class AlertItemOut(Shape):
    rule_id: str
    title: str
    child_id: str | None
    subject_id: str
    due_date: str
    status: str
    days_overdue: int
    basis: str
    act: str
    notify: list[str]


class AllocationOut(Shape):
    role: str
    worker_id: str | None
    worker_name: str | None
    team_id: str | None
    start: str | None
    end: str | None
    change_reason: str | None


class ChildOut(Shape):
    child_id: str
    forename: str | None
    surname: str | None
    dob: str | None
    sex: str | None
    ethnicity: str | None
    upn: str | None
    death_date: str | None
    team_id: str | None
    service_id: str | None
    statuses: list[str]
    worker_changes_12m: int
    allocations: list[AllocationOut]
    due: list[AlertItemOut]


class EventOut(Shape):
    date: str
    category: str
    category_label: str
    title: str
    detail: str
    source: str
    record_id: str


class Chronology(Shape):
    child_id: str
    events: list[EventOut]


class WorkerOut(Shape):
    worker_id: str
    name: str
    job_title: str | None
    team_id: str | None
    agency: bool
    fte: float | None
    caseload: int
    active: bool
    caseload_of: str = Field("", description="Whose caseload the children are held on: "
                             "\"social worker\", \"personal adviser\" or both")


class CaseChildOut(Shape):
    child_id: str
    forename: str | None
    surname: str | None
    dob: str | None
    worker_id: str | None
    worker_name: str | None
    team_id: str | None
    allocated_since: str | None
    changes_12m: int
    held_as: str = Field("social worker", description="The role the case is held in: "
                         "\"social worker\" or \"personal adviser\"")


class TeamOut(Shape):
    team_id: str
    name: str
    service_id: str | None
    workers: list[WorkerOut]


class TeamDetail(TeamOut):
    children: list[CaseChildOut]


class WorkerDetail(WorkerOut):
    children: list[CaseChildOut]


class MyWork(Shape):
    as_of: str
    items: list[AlertItemOut]


class ExceptionOut(Shape):
    kind: str
    severity: str
    service: str
    kpi_id: str
    breakdown: str
    breakdown_value: str
    message: str | None = Field(description="For aggregate-only roles, the explanation "
                                "with its figures withheld where they concern few children")
    rule: str
    children: int | None


class Exceptions(Shape):
    month: str
    services: dict[str, list[ExceptionOut]]


class LoadOut(Shape):
    load_id: int
    loaded_at: str
    kind: str
    la_code: str | None
    rows: int


class LastAction(Shape):
    action: str
    at: str
    by: str
    by_name: str | None
    reason: str | None
    snooze_until: str | None


class WorkItemOut(AlertItemOut):
    state: str
    who_must_act: str
    last_action: LastAction | None


class Inbox(Shape):
    as_of: str
    items: list[WorkItemOut]


class WorkListItem(WorkItemOut):
    data_to_check: bool = Field(description="a tracker item overdue past the horizon "
                                            "(LANTERN_WORK_DATA_CHECK_DAYS): check the record")


class WorkList(Shape):
    as_of: str
    total: int
    items: list[WorkListItem]
