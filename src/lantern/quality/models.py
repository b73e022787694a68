"""Case audits in the app database (created by migration 0003; these classes must match
it): the audit of one child (or, for supervision, one worker) on one tool, its domain
grades, practice-standard answers, findings tagged with learning themes, family
feedback, moderation and the lead auditor's dip samples of audit actions. Audit actions
themselves live in the shared action tracker (source ``audit``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
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

AUDIT_STATUSES = ("allocated", "draft", "submitted")


class Audit(Base):
    __tablename__ = "audits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    tool_id: Mapped[str] = mapped_column(String(40))
    month: Mapped[str] = mapped_column(String(7))
    subject_kind: Mapped[str] = mapped_column(String(10), default="child")
    subject_id: Mapped[str] = mapped_column(String(48))
    team_id: Mapped[str] = mapped_column(String(48), default="")
    service_id: Mapped[str] = mapped_column(String(48), default="")
    sample_reason: Mapped[str] = mapped_column(Text, default="")
    auditor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(12), default="allocated")
    overall_grade: Mapped[str] = mapped_column(String(30), default="")
    overall_band: Mapped[str] = mapped_column(String(30), default="")
    submitted_on: Mapped[date | None] = mapped_column(Date)
    family_contacted: Mapped[bool | None] = mapped_column(Boolean)
    family_words: Mapped[str] = mapped_column(Text, default="")
    family_rating: Mapped[int | None] = mapped_column(Integer)
    re_audit_of: Mapped[int | None] = mapped_column(ForeignKey("audits.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("status IN ('allocated', 'draft', 'submitted')",
                        name="ck_audits_status"),
        CheckConstraint("family_rating IS NULL OR family_rating BETWEEN 1 AND 5",
                        name="ck_audits_family_rating"),
        Index("ix_audits_subject", "subject_id"),
        Index("ix_audits_month", "month"),
    )


class AuditGrade(Base):
    __tablename__ = "audit_grades"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id", ondelete="CASCADE"))
    domain: Mapped[str] = mapped_column(String(60))
    grade: Mapped[str] = mapped_column(String(30))
    narrative: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("audit_id", "domain", name="uq_audit_grades"),)


class AuditAnswer(Base):
    __tablename__ = "audit_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(String(60))
    answer: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (UniqueConstraint("audit_id", "question", name="uq_audit_answers"),)


class AuditFinding(Base):
    __tablename__ = "audit_findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    theme: Mapped[str] = mapped_column(String(80), default="")

    __table_args__ = (Index("ix_audit_findings_audit_id", "audit_id"),)


class AuditModeration(Base):
    """The moderator's grade stands; a change of grade keeps its reason."""

    __tablename__ = "audit_moderations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id", ondelete="CASCADE"))
    moderator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    on: Mapped[date] = mapped_column(Date)
    auditor_grade: Mapped[str] = mapped_column(String(30))
    grade: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("audit_id", name="uq_audit_moderations_audit_id"),)


class AuditDipSample(Base):
    """The lead auditor's check that an audit action really happened."""

    __tablename__ = "audit_dip_samples"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"))
    sampled_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    on: Mapped[date] = mapped_column(Date)
    happened: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")
