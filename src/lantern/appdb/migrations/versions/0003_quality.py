"""Case audits: audits, their domain grades, answers, findings, moderation and the lead
auditor's dip samples of audit actions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from lantern.appdb.models import UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _audits() -> None:
    op.create_table(
        "audits",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ref", sa.String(40), nullable=False),
        sa.Column("tool_id", sa.String(40), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("subject_kind", sa.String(10), nullable=False),
        sa.Column("subject_id", sa.String(48), nullable=False),
        sa.Column("team_id", sa.String(48), nullable=False),
        sa.Column("service_id", sa.String(48), nullable=False),
        sa.Column("sample_reason", sa.Text, nullable=False),
        sa.Column("auditor_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("overall_grade", sa.String(30), nullable=False),
        sa.Column("overall_band", sa.String(30), nullable=False),
        sa.Column("submitted_on", sa.Date),
        sa.Column("family_contacted", sa.Boolean),
        sa.Column("family_words", sa.Text, nullable=False),
        sa.Column("family_rating", sa.Integer),
        sa.Column("re_audit_of", sa.Integer, sa.ForeignKey("audits.id")),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("ref", name="uq_audits_ref"),
        sa.CheckConstraint("status IN ('allocated', 'draft', 'submitted')",
                           name="ck_audits_status"),
        sa.CheckConstraint("family_rating IS NULL OR family_rating BETWEEN 1 AND 5",
                           name="ck_audits_family_rating"),
    )
    op.create_index("ix_audits_subject", "audits", ["subject_id"])
    op.create_index("ix_audits_month", "audits", ["month"])


def _parts() -> None:
    op.create_table(
        "audit_grades",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("domain", sa.String(60), nullable=False),
        sa.Column("grade", sa.String(30), nullable=False),
        sa.Column("narrative", sa.Text, nullable=False),
        sa.UniqueConstraint("audit_id", "domain", name="uq_audit_grades"),
    )
    op.create_table(
        "audit_answers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("question", sa.String(60), nullable=False),
        sa.Column("answer", sa.Boolean, nullable=False),
        sa.UniqueConstraint("audit_id", "question", name="uq_audit_answers"),
    )
    op.create_table(
        "audit_findings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("theme", sa.String(80), nullable=False),
    )
    op.create_index("ix_audit_findings_audit_id", "audit_findings", ["audit_id"])
    op.create_table(
        "audit_moderations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("moderator_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("on", sa.Date, nullable=False),
        sa.Column("auditor_grade", sa.String(30), nullable=False),
        sa.Column("grade", sa.String(30), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.UniqueConstraint("audit_id", name="uq_audit_moderations_audit_id"),
    )
    op.create_table(
        "audit_dip_samples",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("action_id", sa.Integer, sa.ForeignKey("actions.id"), nullable=False),
        sa.Column("sampled_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("on", sa.Date, nullable=False),
        sa.Column("happened", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )


def upgrade() -> None:
    _audits()
    _parts()


def downgrade() -> None:
    for table in ("audit_dip_samples", "audit_moderations", "audit_findings",
                  "audit_answers", "audit_grades", "audits"):
        op.drop_table(table)
