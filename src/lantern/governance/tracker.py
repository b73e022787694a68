"""The deep-dive tracker: every deep dive with its status, age, actions done and overdue,
the indicator's movement since the trigger, and a flag when an open one has had no
update for three months — the Quartet's monthly view."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lantern.actions.tracker import ActionView, actions_from
from lantern.appdb.models import User
from lantern.assurance.inputs import better_sign
from lantern.governance.figures import ScopeFigures, meta
from lantern.governance.models import DeepDive, DeepDiveTrigger, DeepDiveUpdate

SOURCE = "deep_dive"
STALE_MONTHS = 3
KIND_LABELS = {
    "trigger": "Two-month decline", "chief_executive": "Chief Executive",
    "board_chair": "Board chair", "mock_inspection": "Mock inspection",
    "service": "Service",
}
DONE = ("done_awaiting_impact", "signed_off")
CLOSED = ("signed_off", "cancelled", "done_awaiting_impact")


@dataclass(frozen=True)
class TrackerRow:
    id: int
    ref: str
    kind: str
    kind_label: str
    kpi_id: str | None
    subject: str  # the indicator's title, or the theme
    breakdown: str
    breakdown_value: str
    service: str  # service id ('' for the whole authority)
    trigger_month: str | None  # the first firing
    trigger_months: tuple[str, ...]  # every firing stored in it, oldest first
    status: str
    lead: str | None  # display name
    opened_on: date
    age_days: int
    last_update: date | None
    stale: bool
    actions_total: int
    actions_done: int
    actions_open: int
    actions_overdue: int
    value_at_trigger: float | None
    value_latest: float | None
    movement: str  # better / worse / no change / ''
    process_change_month: str | None


def service_of(dd: DeepDive, team_service: Mapping[str, str]) -> str:
    if dd.breakdown == "service":
        return dd.breakdown_value
    if dd.breakdown == "team":
        return team_service.get(dd.breakdown_value, "")
    return ""


def movement(kpi_id: str | None, before: float | None, after: float | None) -> str:
    if kpi_id is None or before is None or after is None:
        return ""
    sign = better_sign(meta(kpi_id).polarity) * (after - before)
    return "no change" if sign == 0 else ("better" if sign > 0 else "worse")


def _actions(s: Session, ids: Sequence[int]) -> dict[str, list[ActionView]]:
    out: dict[str, list[ActionView]] = {}
    for a in actions_from(s, SOURCE, [str(i) for i in ids]):
        out.setdefault(a.source_id, []).append(a)
    return out


def _last_updates(s: Session) -> dict[int, date]:
    rows = s.execute(select(DeepDiveUpdate.deep_dive_id, func.max(DeepDiveUpdate.on))
                     .group_by(DeepDiveUpdate.deep_dive_id))
    return {i: d for i, d in rows}


def tracker_rows(s: Session, *, as_of: date, figures: ScopeFigures | None,
                 team_service: Mapping[str, str]) -> list[TrackerRow]:
    dds = list(s.scalars(select(DeepDive).order_by(DeepDive.status.desc(),
                                                   DeepDive.opened_on.desc(), DeepDive.id)))
    leads = {u.id: u.display_name for u in s.scalars(select(User))}
    acts = _actions(s, [d.id for d in dds])
    updated = _last_updates(s)
    fired = _trigger_months(s)
    if figures is not None:
        figures.prefetch([d.kpi_id for d in dds if d.kpi_id],
                         [d.trigger_month for d in dds if d.trigger_month])
    return [_row(d, acts.get(str(d.id), []), updated.get(d.id), fired.get(d.id, ()), leads,
                 as_of, figures, team_service) for d in dds]


def _trigger_months(s: Session) -> dict[int, tuple[str, ...]]:
    out: dict[int, list[str]] = {}
    for i, m in s.execute(select(DeepDiveTrigger.deep_dive_id, DeepDiveTrigger.month)
                          .order_by(DeepDiveTrigger.month)):
        out.setdefault(i, []).append(m)
    return {i: tuple(ms) for i, ms in out.items()}


def _row(d: DeepDive, acts: list[ActionView], last: date | None, fired: tuple[str, ...],
         leads: Mapping[int, str],
         as_of: date, figures: ScopeFigures | None,
         team_service: Mapping[str, str]) -> TrackerRow:
    since = last or d.opened_on
    stale = d.status == "open" and since <= as_of - relativedelta(months=STALE_MONTHS)
    before = after = None
    if figures is not None and d.kpi_id and d.trigger_month:
        before = figures.value(d.kpi_id, d.breakdown, d.breakdown_value, d.trigger_month)
        after = figures.value(d.kpi_id, d.breakdown, d.breakdown_value, figures.latest_month)
    done = sum(a.status in DONE for a in acts)
    open_ = [a for a in acts if a.status not in CLOSED]
    return TrackerRow(
        id=d.id, ref=d.ref, kind=d.kind, kind_label=KIND_LABELS[d.kind], kpi_id=d.kpi_id,
        subject=d.theme or (meta(d.kpi_id).title if d.kpi_id else ""),
        breakdown=d.breakdown, breakdown_value=d.breakdown_value,
        service=service_of(d, team_service), trigger_month=d.trigger_month, trigger_months=fired,
        status=d.status,
        lead=leads.get(d.lead_id) if d.lead_id else None, opened_on=d.opened_on,
        age_days=max(0, ((d.closed_on or as_of) - d.opened_on).days), last_update=last, stale=stale,
        actions_total=len(acts), actions_done=done, actions_open=len(open_),
        actions_overdue=sum(a.due < as_of for a in open_), value_at_trigger=before,
        value_latest=after, movement=movement(d.kpi_id, before, after),
        process_change_month=d.process_change_month)


def filter_rows(rows: Sequence[TrackerRow], *, service: str | None = None,
                kind: str | None = None, status: str | None = None) -> list[TrackerRow]:
    return [r for r in rows
            if (not service or r.service == service) and (not kind or r.kind == kind)
            and (not status or r.status == status)]
