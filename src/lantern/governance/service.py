"""Deep dives and meetings for the CLI and the web: each call in its own transaction,
with the warehouse figures the recovery check and the tracker need."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from lantern.assurance.inputs import add_months
from lantern.governance import deep_dives
from lantern.governance.figures import (
    SPC_MONTHS,
    ScopeFigures,
    Warehouse,
    latest_point_type,
    meta,
    month_range,
    month_triggers,
    scope_series,
)
from lantern.governance.models import DeepDive
from lantern.governance.recovery import RecoveryCheck, recovery_check
from lantern.governance.tracker import TrackerRow, tracker_rows
from lantern.months import Month
from lantern.quality.kpis import children_lookup
from lantern.security.policy import Principal

T = TypeVar("T")


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    with Session(engine) as s, s.begin():
        yield s


def run(engine: Engine, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    with transaction(engine) as s:
        return fn(s, *args, **kwargs)


def sync(engine: Engine, wh: Warehouse, months: Sequence[str], *,
         recorded_on: Callable[[str], date]) -> list[deep_dives.SyncResult]:
    """Store the decline rule's firings for each month, oldest first (a later firing
    attaches to a deep dive an earlier one opened); ``recorded_on(month)`` dates them."""
    with Session(engine) as audits:  # the children behind a quality-assurance decline
        found = month_triggers(wh, months, children_lookup(audits))
    out = []
    for month in sorted(found):
        with transaction(engine) as s:
            out.append(deep_dives.store_triggers(s, month, found[month],
                                                 on=recorded_on(month)))
    return out


def recorded_by(today: date) -> Callable[[str], date]:
    """``recorded_on`` no later than the data date (a firing is not dated after the data
    it was found in)."""
    return lambda month: min(recorded_on(month), today)


def recorded_on(month: str) -> date:
    """The day a month's figures are first assured: the month after's first working
    days — Lantern dates a firing on the 1st of the following month."""
    return (Month.parse(month) + 1).first


@dataclass(frozen=True)
class Recovery:
    """The recovery check against the warehouse: the deep dive's indicator at its scope
    over the last 24 months, limits rebased at the authority's process changes and at the
    deep dive's own (when its lead marked one)."""

    wh: Warehouse
    latest_month: str
    change_months: tuple[str, ...] = ()

    def check(self, dd: DeepDive, since: str) -> RecoveryCheck:
        if dd.kpi_id is None:
            raise deep_dives.DeepDiveError(f"{dd.ref} has no indicator to recover")
        months = month_range(add_months(self.latest_month, -(SPC_MONTHS - 1)),
                             self.latest_month)
        series = scope_series(self.wh, dd.kpi_id, dd.breakdown, dd.breakdown_value, months)
        changes = [*self.change_months, *([dd.process_change_month]
                                          if dd.process_change_month else [])]
        polarity = meta(dd.kpi_id).polarity
        return recovery_check({m: p.value for m, p in series.items()}, polarity,
                              trigger_month=since, latest_month=self.latest_month,
                              latest_point_type=latest_point_type(series, polarity, changes))


def close(engine: Engine, actor: Principal, ref: str, on: date, *, reason: str = "",
          recovery: Recovery | None = None) -> RecoveryCheck | None:
    """Close a deep dive (see ``deep_dives.close``); the recovery check counts the months
    since the latest firing attached to it."""
    with transaction(engine) as s:
        def check(dd: DeepDive) -> RecoveryCheck:
            assert recovery is not None
            last = deep_dives.latest_trigger(s, dd)
            since = last.month if last is not None else (dd.trigger_month
                                                         or recovery.latest_month)
            return recovery.check(dd, since)
        return deep_dives.close(s, actor, ref, on, reason=reason,
                                check=check if recovery is not None else None)


def tracker(engine: Engine, *, as_of: date, wh: Warehouse | None, latest_month: str | None,
            team_service: dict[str, str],
            figures: ScopeFigures | None = None) -> list[TrackerRow]:
    """The tracker rows; pass ``figures`` to reuse values already read (the demo reads
    them once for every step it takes)."""
    if figures is None and wh is not None and latest_month:
        figures = ScopeFigures(wh, latest_month)
    with transaction(engine) as s:
        return tracker_rows(s, as_of=as_of, figures=figures, team_service=team_service)
