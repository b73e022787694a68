"""The action tracker's tables (created by migration 0002; these classes must match it).

``action_history`` is append-only: the database refuses UPDATE and DELETE on it (triggers,
as for the access log), so what an action said at any time can always be shown.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lantern.appdb.models import Base, UTCDateTime, one_of, utcnow

STATUSES: tuple[str, ...] = (
    "not_started", "in_progress", "done_awaiting_impact", "signed_off", "cancelled")
IMPACT_KINDS: tuple[str, ...] = (
    "measured", "child_family_feedback", "audit_finding", "staff_feedback")
EVIDENCE_KINDS: tuple[str, ...] = ("text", "link", "file")


class Action(Base):
    """One action, whatever asked for it (``source_kind`` + ``source_id``)."""

    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    outcome: Mapped[str] = mapped_column(Text, default="")
    lead_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    due: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(30), default="not_started")
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    source_kind: Mapped[str] = mapped_column(String(40))
    source_id: Mapped[str] = mapped_column(String(100))
    quarterly_outcome: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_off_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (
        CheckConstraint(one_of("status", STATUSES), name="ck_actions_status"),
        CheckConstraint("status <> 'cancelled' OR cancel_reason <> ''",
                        name="ck_actions_cancel_reason"),
        Index("ix_actions_source", "source_kind", "source_id"),
        Index("ix_actions_lead_id", "lead_id"),
    )


class ActionIndicator(Base):
    """An indicator the action should move; ``target`` (optional) is the action's own
    success target, replacing the indicator's standing target for this action."""

    __tablename__ = "action_indicators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    kpi_id: Mapped[str] = mapped_column(String(80))
    target: Mapped[float | None] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (UniqueConstraint("action_id", "kpi_id", name="uq_action_indicators"),)


class Inspection(Base):
    """An inspection or review that made recommendations (e.g. "Ofsted 2018")."""

    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    body: Mapped[str] = mapped_column(String(120), default="")
    date: Mapped[date | None] = mapped_column(Date)
    type: Mapped[str] = mapped_column(String(200), default="")


class Recommendation(Base):
    __tablename__ = "recommendations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"))
    number: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text, default="")
    repeated_from_id: Mapped[int | None] = mapped_column(ForeignKey("recommendations.id"))


class ActionRecommendation(Base):
    __tablename__ = "action_recommendations"

    action_id: Mapped[int] = mapped_column(
        ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id"), primary_key=True)


class ActionUpdate(Base):
    """A dated progress note (who, when, what)."""

    __tablename__ = "action_updates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_action_updates_action_id", "action_id"),)


class ActionEvidence(Base):
    """Evidence: a statement, a link, or a file kept under LANTERN_HOME by its SHA-256."""

    __tablename__ = "action_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(Text, default="")
    filename: Mapped[str] = mapped_column(String(255), default="")
    content_type: Mapped[str] = mapped_column(String(120), default="")
    size: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), default="")

    __table_args__ = (
        CheckConstraint(one_of("kind", EVIDENCE_KINDS), name="ck_action_evidence_kind"),
        Index("ix_action_evidence_action_id", "action_id"),
    )


class ActionImpact(Base):
    """Evidence of impact: measured (the figures checked at sign-off, as JSON) or an
    observed statement (child/family feedback, an audit finding, staff feedback)."""

    __tablename__ = "action_impacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    observed_on: Mapped[date | None] = mapped_column(Date)
    statement: Mapped[str] = mapped_column(Text, default="")
    reference: Mapped[str] = mapped_column(String(300), default="")
    figures: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        CheckConstraint(one_of("kind", IMPACT_KINDS), name="ck_action_impacts_kind"),
        Index("ix_action_impacts_action_id", "action_id"),
    )


class ActionHistory(Base):
    """Append-only (database triggers refuse UPDATE and DELETE): one row per change of one
    field — who, when, the field, its value before and after (as text)."""

    __tablename__ = "action_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(60))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_action_history_action_id", "action_id"),)
