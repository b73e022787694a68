"""The monthly report's records: each edition built (month, edition, load, files and
their SHA-256), each step of its chain (who, when, what they said), the commentary on
each indicator month by month, and who was sent the published report.

Created by migration 0005; these classes must match it.
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

from lantern.appdb.models import Base, UTCDateTime, utcnow

STATE_CHECK = ("state IN ('draft', 'quality_checked', 'themes_added', 'endorsed', "
               "'published')")


class ReportRun(Base):
    """One edition of one month's report. ``edition`` is ``authority`` or a service id;
    ``version`` counts the editions of that kind for the month (a new load that moves a
    published report's figures makes version + 1)."""

    __tablename__ = "report_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7))
    edition: Mapped[str] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(Integer, default=1)
    load_id: Mapped[int | None] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20), default="draft")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    figures: Mapped[str] = mapped_column(Text, default="{}")  # JSON: kpi -> figure
    figures_sha256: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text, default="")  # why this edition exists
    themes: Mapped[str] = mapped_column(Text, default="")
    html_path: Mapped[str | None] = mapped_column(Text)
    html_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_path: Mapped[str | None] = mapped_column(Text)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("month", "edition", "version", name="uq_report_runs_edition"),
        CheckConstraint(STATE_CHECK, name="ck_report_runs_state"),
        Index("ix_report_runs_month", "month"),
    )


class ReportStep(Base):
    """One move along the chain: forward a step or sent back (with a reason)."""

    __tablename__ = "report_steps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("report_runs.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        CheckConstraint("kind IN ('advance', 'send_back')", name="ck_report_steps_kind"),
        Index("ix_report_steps_run_id", "run_id"),
    )


class IndicatorCommentary(Base):
    """What a leader wrote about one indicator's figure for one month (the latest entry
    is the commentary shown; earlier ones are its history)."""

    __tablename__ = "indicator_commentary"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7))
    kpi_id: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_indicator_commentary_kpi", "kpi_id", "month"),)


class ReportDistribution(Base):
    """One person sent one published edition (so nobody is sent it twice)."""

    __tablename__ = "report_distributions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("report_runs.id"))
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(320))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("run_id", "username", name="uq_report_distributions_once"),
    )
