"""Deep dives and meetings in the app database (created by migration 0004; these classes
must match it).

A deep dive is either *triggered* (the two-month decline rule fired for an indicator at
a scope) or *commissioned* by hand on a theme. Each firing of the rule is kept in
``deep_dive_triggers`` with the three values and the children behind them as they were
then; a repeat firing on an indicator and scope whose deep dive is still open attaches to
it. ``deep_dive_events`` (opened, closed, reopened, marked as a process change) is
append-only, as the action history is: who did what and why can always be shown.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lantern.appdb.models import Base, UTCDateTime, one_of, utcnow

TRIGGERED = "trigger"
COMMISSIONED_KINDS: tuple[str, ...] = (
    "chief_executive", "board_chair", "mock_inspection", "service")
DEEP_DIVE_KINDS: tuple[str, ...] = (TRIGGERED, *COMMISSIONED_KINDS)
DEEP_DIVE_STATUSES: tuple[str, ...] = ("open", "closed")
EVENT_KINDS: tuple[str, ...] = (
    "opened", "trigger_attached", "closed_on_recovery", "closed_by_reason", "reopened",
    "process_change")
MEETING_KINDS: tuple[str, ...] = (
    "performance_surgery", "iro_performance", "quartet", "improvement_board",
    "corporate_parenting_board")


class DeepDive(Base):
    __tablename__ = "deep_dives"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    kpi_id: Mapped[str | None] = mapped_column(String(80))
    theme: Mapped[str] = mapped_column(String(300), default="")
    breakdown: Mapped[str] = mapped_column(String(20), default="authority")
    breakdown_value: Mapped[str] = mapped_column(String(100), default="")
    trigger_month: Mapped[str | None] = mapped_column(String(7))
    status: Mapped[str] = mapped_column(String(10), default="open")
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due: Mapped[date | None] = mapped_column(Date)
    terms_of_reference: Mapped[str] = mapped_column(Text, default="")
    method: Mapped[str] = mapped_column(Text, default="")
    audit_sample: Mapped[str] = mapped_column(String(200), default="")
    findings: Mapped[str] = mapped_column(Text, default="")
    recommendations: Mapped[str] = mapped_column(Text, default="")
    process_change_month: Mapped[str | None] = mapped_column(String(7))
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint(one_of("kind", DEEP_DIVE_KINDS), name="ck_deep_dives_kind"),
        CheckConstraint(one_of("status", DEEP_DIVE_STATUSES), name="ck_deep_dives_status"),
        CheckConstraint("kpi_id IS NOT NULL OR theme <> ''", name="ck_deep_dives_subject"),
        Index("ix_deep_dives_subject", "kpi_id", "breakdown", "breakdown_value"),
    )


class DeepDiveTrigger(Base):
    """One firing of the decline rule, frozen as it was: the three months' values,
    numerators and denominators and the children behind each (JSON)."""

    __tablename__ = "deep_dive_triggers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deep_dive_id: Mapped[int] = mapped_column(ForeignKey("deep_dives.id"))
    kpi_id: Mapped[str] = mapped_column(String(80))
    breakdown: Mapped[str] = mapped_column(String(20))
    breakdown_value: Mapped[str] = mapped_column(String(100))
    month: Mapped[str] = mapped_column(String(7))
    figures: Mapped[str] = mapped_column(Text)
    children: Mapped[str] = mapped_column(Text)
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("kpi_id", "breakdown", "breakdown_value", "month",
                         name="uq_deep_dive_triggers"),
        Index("ix_deep_dive_triggers_deep_dive_id", "deep_dive_id"),
    )


class DeepDiveUpdate(Base):
    """A dated monthly update (who, when, what)."""

    __tablename__ = "deep_dive_updates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deep_dive_id: Mapped[int] = mapped_column(ForeignKey("deep_dives.id"))
    on: Mapped[date] = mapped_column(Date)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_deep_dive_updates_deep_dive_id", "deep_dive_id"),)


class DeepDiveEvent(Base):
    """Append-only (database triggers refuse UPDATE and DELETE): opened, closed on
    recovery (with the figures checked), closed by a named person with a reason,
    reopened, marked as a process change."""

    __tablename__ = "deep_dive_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deep_dive_id: Mapped[int] = mapped_column(ForeignKey("deep_dives.id"))
    kind: Mapped[str] = mapped_column(String(30))
    on: Mapped[date] = mapped_column(Date)
    user_id: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text, default="")
    figures: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint(one_of("kind", EVENT_KINDS), name="ck_deep_dive_events_kind"),
        Index("ix_deep_dive_events_deep_dive_id", "deep_dive_id"),
    )


class Meeting(Base):
    """A meeting that acts on the figures: attendees, papers (JSON list of {title, href}),
    minutes and decisions; its actions are in the shared tracker."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    held_on: Mapped[date] = mapped_column(Date)
    service: Mapped[str] = mapped_column(String(100), default="")
    chair: Mapped[str] = mapped_column(String(200), default="")
    attendees: Mapped[str] = mapped_column(Text, default="")
    papers: Mapped[str] = mapped_column(Text, default="[]")
    minutes: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint(one_of("kind", MEETING_KINDS), name="ck_meetings_kind"),
        Index("ix_meetings_kind_held_on", "kind", "held_on"),
    )
