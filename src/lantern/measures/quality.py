"""The quality-assurance indicators (`shared/KPIS.md` "Quality assurance"), declared in
the same catalogue as the others so the scorecard, SPC, the decline rule, exceptions and
the report treat them alike.

They are counted from the app database's case audits, not the warehouse: the counting
is `quality.summary.tally` (one definition, in the layer that owns audits), and the
rows reach the assurance store from there at load time. The engine never computes them
(``source="app_db"``); asked for one, it says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis.expr.types as ir

from lantern.measures.core import Ctx, Indicator, Polarity, Unit

AREA = "Quality assurance"
SOURCE = "app_db"
BREAKDOWNS = ("authority", "service", "team")
COUNTED_BY = "quality.summary.tally"


def counted_from_audits(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    """Never called: the engine leaves ``source="app_db"`` indicators to the app
    database's counting (`COUNTED_BY`)."""
    raise LookupError(f"counted from the app database's case audits by {COUNTED_BY}")


def _qa(id: str, title: str, definition: str, polarity: Polarity, unit: Unit = "pct"
        ) -> Indicator:
    return Indicator(id=id, title=title, definition=definition, kind="window",
                     polarity=polarity, unit=unit, tables=(),
                     rows=counted_from_audits, area=AREA, local=True,
                     breakdowns=BREAKDOWNS, source=SOURCE)


AUDITS_COMPLETED = _qa(
    "audits_completed", "Case audits completed",
    "flow: case audits completed (submitted) in the window", "neutral", "count")
AUDITS_GOOD_OR_BETTER_PCT = _qa(
    "audits_good_or_better_pct", "Audits graded good or better",
    "flow over audits completed: overall grade (moderated where moderated) Good or "
    "Outstanding ÷ audits", "high")
AUDITS_INADEQUATE_PCT = _qa(
    "audits_inadequate_pct", "Audits graded inadequate",
    "flow over audits completed: overall grade Inadequate ÷ audits", "low")
AUDIT_MODERATION_AGREEMENT_PCT = _qa(
    "audit_moderation_agreement_pct", "Moderation agreed with the auditor's grade",
    "flow over audits moderated in the window: moderator's overall grade equals "
    "auditor's ÷ audits moderated", "high")
AUDIT_ACTIONS_ON_TIME_PCT = _qa(
    "audit_actions_on_time_pct", "Audit actions completed on time",
    "flow over audit actions due in the window: completed on or before the due date ÷ "
    "actions due", "high")
FAMILY_FEEDBACK_PCT = _qa(
    "family_feedback_pct", "Audits with child or family feedback",
    "flow over audits completed: feedback from the child or family recorded ÷ audits",
    "high")

INDICATORS: tuple[Indicator, ...] = (
    AUDITS_COMPLETED, AUDITS_GOOD_OR_BETTER_PCT, AUDITS_INADEQUATE_PCT,
    AUDIT_MODERATION_AGREEMENT_PCT, AUDIT_ACTIONS_ON_TIME_PCT, FAMILY_FEEDBACK_PCT,
)
