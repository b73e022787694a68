"""``ActionTracker``: the tracker's operations, each in its own transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from lantern.actions import signoff, tracker
from lantern.actions.figures import IndicatorFigures, months_back
from lantern.actions.rag import ActionsConfig, IndicatorReading, Rag, derive_rag, load_config
from lantern.actions.tracker import ActionDraft, ActionView, Timeline
from lantern.security.policy import Principal

T = TypeVar("T")


def readings(view: ActionView, figures: IndicatorFigures,
             month: str | None = None) -> list[IndicatorReading]:
    """The action's linked indicators at ``month`` (default the latest), each against the
    action's own success target or else the standing one."""
    month = month or figures.latest_month
    out = []
    for link in view.kpis:
        meta = figures.meta(link.kpi_id)
        standing = figures.target(link.kpi_id)
        target = link.target if link.target is not None else (
            standing.target if standing else None)
        out.append(IndicatorReading(
            link.kpi_id, meta.title if meta and meta.title else link.kpi_id, month,
            figures.value(link.kpi_id, month), target,
            standing.tolerance if standing else 0.0,
            meta.polarity if meta else "neutral", link.target is not None))
    return out


def rag_for(view: ActionView, figures: IndicatorFigures | None, today: date,
            config: ActionsConfig, month: str | None = None) -> Rag:
    """The action's derived RAG as at ``today`` with indicators at ``month``."""
    since = view.status_since.date() if view.status_since else None
    return derive_rag(status=view.status, due=view.due, today=today,
                      readings=readings(view, figures, month) if figures else [],
                      awaiting_since=since if view.status == "done_awaiting_impact" else None,
                      cancel_reason=view.cancel_reason, config=config,
                      signed_off=(f"by {view.signed_off_by} on {view.signed_off_at:%-d %b %Y}"
                                  if view.signed_off_at else ""))


def prefetch(figures: IndicatorFigures, views: list[ActionView], months: int) -> None:
    """Compute every linked indicator's figures in one go (when the figures can)."""
    fetch: Callable[..., Any] | None = getattr(figures, "prefetch", None)
    if fetch is not None:
        fetch({k.kpi_id for v in views for k in v.kpis},
              months_back(figures.latest_month, months))


class ActionTracker:
    """The tracker over one app database; evidence files kept under ``home``."""

    def __init__(self, engine: Engine, home: Path, config: ActionsConfig | None = None) -> None:
        self.engine, self.home = engine, home
        self.config = config or load_config()

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as s, s.begin():
            yield s

    def _run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with self._tx() as s:
            return fn(s, *args, **kwargs)

    def create(self, actor: Principal, draft: ActionDraft) -> ActionView:
        with self._tx() as s:
            return tracker.load_views(s, [tracker.create(s, actor, draft)])[0]

    def get(self, ref: str) -> ActionView:
        with self._tx() as s:
            return tracker.load_views(s, [tracker.get_action(s, ref)])[0]

    def update(self, actor: Principal, ref: str, **changes: Any) -> list[str]:
        return self._run(tracker.update, actor, ref, **changes)

    def change_status(self, actor: Principal, ref: str, status: str, reason: str = "") -> bool:
        return self._run(tracker.change_status, actor, ref, status, reason=reason)

    def add_update(self, actor: Principal, ref: str, text: str) -> None:
        self._run(tracker.add_update, actor, ref, text)

    def add_evidence(self, actor: Principal, ref: str, **kwargs: Any) -> None:
        self._run(tracker.add_evidence, actor, ref, home=self.home, **kwargs)

    def record_impact(self, actor: Principal, ref: str, *, kind: str, statement: str,
                      reference: str, observed_on: date) -> None:
        self._run(tracker.record_impact, actor, ref, kind=kind, statement=statement,
                  reference=reference, observed_on=observed_on)

    def sign_off(self, actor: Principal, ref: str, figures: IndicatorFigures | None,
                 statement: signoff.Statement | None = None) -> list[signoff.MeasuredCheck]:
        """Through the gate (raises ``SignOffRefused``, writing nothing, when refused)."""
        return self._run(signoff.sign_off, actor, ref, figures=figures, config=self.config,
                         statement=statement)

    def my_actions(self, user_id: int, include_closed: bool = False) -> list[ActionView]:
        return self._run(tracker.my_actions, user_id, include_closed=include_closed)

    def from_source(self, kind: str, ids: list[str] | None = None) -> list[ActionView]:
        return self._run(tracker.actions_from, kind, ids)

    def timeline(self, ref: str) -> Timeline:
        return self._run(tracker.timeline, ref)

    def rag(self, view: ActionView, figures: IndicatorFigures | None, today: date,
            month: str | None = None) -> Rag:
        return rag_for(view, figures, today, self.config, month)
