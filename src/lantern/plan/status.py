"""Every plan action with its derived RAG and reason at a month: one definition for
``lantern plan status`` and the plan pages."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from lantern.actions.figures import IndicatorFigures
from lantern.actions.rag import ActionsConfig, Rag
from lantern.actions.service import prefetch, rag_for
from lantern.actions.tracker import ActionView
from lantern.plan.service import ObjectiveNode, PlanTree, ThemeNode, tree


def month_end(month: str) -> date:
    year, m = (int(x) for x in month.split("-"))
    return date(year, m, calendar.monthrange(year, m)[1])


@dataclass(frozen=True)
class ActionStatus:
    theme: ThemeNode
    objective: ObjectiveNode
    action: ActionView
    rag: Rag

    def as_json(self) -> dict[str, Any]:
        a = self.action
        return {
            "ref": a.ref, "theme": self.theme.theme.title, "theme_ref": self.theme.theme.ref,
            "objective": self.objective.objective.title,
            "objective_ref": self.objective.objective.ref, "title": a.title,
            "outcome": a.outcome, "lead": a.lead, "lead_name": a.lead_name,
            "due": a.due.isoformat(), "status": a.status, "rag": self.rag.colour,
            "rag_reason": self.rag.reason,
            "kpis": [{"id": k.kpi_id, "target": k.target} for k in a.kpis],
            "recommendations": list(a.recommendations),
        }


def statuses(s: Session, figures: IndicatorFigures | None, month: str, config: ActionsConfig,
             today: date | None = None) -> tuple[PlanTree, list[ActionStatus]]:
    """The plan and each action's RAG as at ``today`` (default: the month's last day) with
    its indicators at ``month``."""
    t = tree(s)
    rows = t.actions()
    if figures is not None:
        prefetch(figures, [a for _, _, a in rows], 1)  # the RAG reads only ``month``
    as_at = today or month_end(month)
    return t, [ActionStatus(th, ob, a, rag_for(a, figures, as_at, config, month))
               for th, ob, a in rows]
