"""The shared action tracker (actions, their indicators, recommendations, updates,
evidence, impact records and append-only history), inspections and their
recommendations, and the improvement plan (themes, objectives, published versions).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from lantern.appdb.append_only import append_only_ddl, drop_append_only_ddl
from lantern.appdb.models import UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_TABLES = ("action_history", "plan_versions")


def _actions() -> None:
    op.create_table(
        "actions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ref", sa.String(40), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("lead_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("cancel_reason", sa.Text, nullable=False),
        sa.Column("source_kind", sa.String(40), nullable=False),
        sa.Column("source_id", sa.String(100), nullable=False),
        sa.Column("quarterly_outcome", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("signed_off_at", UTCDateTime),
        sa.Column("signed_off_by", sa.Integer, sa.ForeignKey("users.id")),
        sa.UniqueConstraint("ref", name="uq_actions_ref"),
        sa.CheckConstraint(
            "status IN ('not_started', 'in_progress', 'done_awaiting_impact', 'signed_off', "
            "'cancelled')", name="ck_actions_status"),
        sa.CheckConstraint("status <> 'cancelled' OR cancel_reason <> ''",
                           name="ck_actions_cancel_reason"),
    )
    op.create_index("ix_actions_source", "actions", ["source_kind", "source_id"])
    op.create_index("ix_actions_lead_id", "actions", ["lead_id"])
    op.create_table(
        "action_indicators",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("action_id", sa.Integer, sa.ForeignKey("actions.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("kpi_id", sa.String(80), nullable=False),
        sa.Column("target", sa.Float),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("action_id", "kpi_id", name="uq_action_indicators"),
    )
    op.create_table(
        "inspections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("body", sa.String(120), nullable=False),
        sa.Column("date", sa.Date),
        sa.Column("type", sa.String(200), nullable=False),
        sa.UniqueConstraint("name", name="uq_inspections_name"),
    )
    op.create_table(
        "recommendations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ref", sa.String(40), nullable=False),
        sa.Column("inspection_id", sa.Integer, sa.ForeignKey("inspections.id"),
                  nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("repeated_from_id", sa.Integer, sa.ForeignKey("recommendations.id")),
        sa.UniqueConstraint("ref", name="uq_recommendations_ref"),
    )
    op.create_table(
        "action_recommendations",
        sa.Column("action_id", sa.Integer, sa.ForeignKey("actions.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("recommendation_id", sa.Integer, sa.ForeignKey("recommendations.id"),
                  primary_key=True),
    )


def _action_records() -> None:
    action_fk = sa.ForeignKey("actions.id", ondelete="CASCADE")
    op.create_table(
        "action_updates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("action_id", sa.Integer, action_fk, nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_index("ix_action_updates_action_id", "action_updates", ["action_id"])
    op.create_table(
        "action_evidence",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("action_id", sa.Integer, sa.ForeignKey("actions.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(120), nullable=False),
        sa.Column("size", sa.Integer),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.CheckConstraint("kind IN ('text', 'link', 'file')", name="ck_action_evidence_kind"),
    )
    op.create_index("ix_action_evidence_action_id", "action_evidence", ["action_id"])
    op.create_table(
        "action_impacts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("action_id", sa.Integer, sa.ForeignKey("actions.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("observed_on", sa.Date),
        sa.Column("statement", sa.Text, nullable=False),
        sa.Column("reference", sa.String(300), nullable=False),
        sa.Column("figures", sa.Text, nullable=False),
        sa.CheckConstraint(
            "kind IN ('measured', 'child_family_feedback', 'audit_finding', 'staff_feedback')",
            name="ck_action_impacts_kind"),
    )
    op.create_index("ix_action_impacts_action_id", "action_impacts", ["action_id"])
    op.create_table(
        "action_history",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("action_id", sa.Integer, sa.ForeignKey("actions.id"), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("user_id", sa.Integer),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("field", sa.String(60), nullable=False),
        sa.Column("before", sa.Text),
        sa.Column("after", sa.Text),
    )
    op.create_index("ix_action_history_action_id", "action_history", ["action_id"])


def _plan() -> None:
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "plan_themes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("ref", sa.String(40), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("plan_id", "ref", name="uq_plan_themes_ref"),
    )
    op.create_table(
        "plan_objectives",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("theme_id", sa.Integer,
                  sa.ForeignKey("plan_themes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("ref", sa.String(40), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("theme_id", "ref", name="uq_plan_objectives_ref"),
    )
    op.create_table(
        "plan_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("published_at", UTCDateTime, nullable=False),
        sa.Column("published_by", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("snapshot", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.UniqueConstraint("plan_id", "version", name="uq_plan_versions_version"),
    )


def upgrade() -> None:
    _actions()
    _action_records()
    _plan()
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY_TABLES:
        for statement in append_only_ddl(dialect, table):
            op.execute(statement)


def downgrade() -> None:
    for table in APPEND_ONLY_TABLES:
        for statement in drop_append_only_ddl(op.get_bind().dialect.name, table):
            op.execute(statement)
    for table in ("plan_versions", "plan_objectives", "plan_themes", "plans",
                  "action_history", "action_impacts", "action_evidence", "action_updates",
                  "action_recommendations", "recommendations", "inspections",
                  "action_indicators", "actions"):
        op.drop_table(table)
