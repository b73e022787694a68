"""Deep dives (triggered and commissioned; the triggers frozen with their values and
children; updates; an append-only event history) and meetings.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from lantern.appdb.append_only import append_only_ddl, drop_append_only_ddl
from lantern.appdb.models import UTCDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = "'trigger', 'chief_executive', 'board_chair', 'mock_inspection', 'service'"
EVENTS = ("'opened', 'trigger_attached', 'closed_on_recovery', 'closed_by_reason', "
          "'reopened', 'process_change'")
MEETINGS = ("'performance_surgery', 'iro_performance', 'quartet', 'improvement_board', "
            "'corporate_parenting_board'")


def _deep_dives() -> None:
    op.create_table(
        "deep_dives",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ref", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("kpi_id", sa.String(80)),
        sa.Column("theme", sa.String(300), nullable=False),
        sa.Column("breakdown", sa.String(20), nullable=False),
        sa.Column("breakdown_value", sa.String(100), nullable=False),
        sa.Column("trigger_month", sa.String(7)),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("lead_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("due", sa.Date),
        sa.Column("terms_of_reference", sa.Text, nullable=False),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("audit_sample", sa.String(200), nullable=False),
        sa.Column("findings", sa.Text, nullable=False),
        sa.Column("recommendations", sa.Text, nullable=False),
        sa.Column("process_change_month", sa.String(7)),
        sa.Column("opened_on", sa.Date, nullable=False),
        sa.Column("closed_on", sa.Date),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("ref", name="uq_deep_dives_ref"),
        sa.CheckConstraint(f"kind IN ({KINDS})", name="ck_deep_dives_kind"),
        sa.CheckConstraint("status IN ('open', 'closed')", name="ck_deep_dives_status"),
        sa.CheckConstraint("kpi_id IS NOT NULL OR theme <> ''", name="ck_deep_dives_subject"),
    )
    op.create_index("ix_deep_dives_subject", "deep_dives",
                    ["kpi_id", "breakdown", "breakdown_value"])
    op.create_table(
        "deep_dive_triggers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("deep_dive_id", sa.Integer, sa.ForeignKey("deep_dives.id"), nullable=False),
        sa.Column("kpi_id", sa.String(80), nullable=False),
        sa.Column("breakdown", sa.String(20), nullable=False),
        sa.Column("breakdown_value", sa.String(100), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("figures", sa.Text, nullable=False),
        sa.Column("children", sa.Text, nullable=False),
        sa.Column("stored_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("kpi_id", "breakdown", "breakdown_value", "month",
                            name="uq_deep_dive_triggers"),
    )
    op.create_index("ix_deep_dive_triggers_deep_dive_id", "deep_dive_triggers",
                    ["deep_dive_id"])


def _records() -> None:
    op.create_table(
        "deep_dive_updates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("deep_dive_id", sa.Integer, sa.ForeignKey("deep_dives.id"), nullable=False),
        sa.Column("on", sa.Date, nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_deep_dive_updates_deep_dive_id", "deep_dive_updates",
                    ["deep_dive_id"])
    op.create_table(
        "deep_dive_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("deep_dive_id", sa.Integer, sa.ForeignKey("deep_dives.id"), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("on", sa.Date, nullable=False),
        sa.Column("user_id", sa.Integer),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("figures", sa.Text, nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.CheckConstraint(f"kind IN ({EVENTS})", name="ck_deep_dive_events_kind"),
    )
    op.create_index("ix_deep_dive_events_deep_dive_id", "deep_dive_events", ["deep_dive_id"])
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ref", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("service", sa.String(100), nullable=False),
        sa.Column("chair", sa.String(200), nullable=False),
        sa.Column("attendees", sa.Text, nullable=False),
        sa.Column("papers", sa.Text, nullable=False),
        sa.Column("minutes", sa.Text, nullable=False),
        sa.Column("decisions", sa.Text, nullable=False),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("ref", name="uq_meetings_ref"),
        sa.CheckConstraint(f"kind IN ({MEETINGS})", name="ck_meetings_kind"),
    )
    op.create_index("ix_meetings_kind_held_on", "meetings", ["kind", "held_on"])


def upgrade() -> None:
    _deep_dives()
    _records()
    for statement in append_only_ddl(op.get_bind().dialect.name, "deep_dive_events"):
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_append_only_ddl(op.get_bind().dialect.name, "deep_dive_events"):
        op.execute(statement)
    for table in ("meetings", "deep_dive_events", "deep_dive_updates", "deep_dive_triggers",
                  "deep_dives"):
        op.drop_table(table)
