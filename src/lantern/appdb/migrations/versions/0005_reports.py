"""The monthly report's chain: report_runs, report_steps, indicator_commentary,
report_distributions.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from lantern.appdb.models import UTCDateTime
from lantern.appdb.reports import STATE_CHECK

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _who() -> list[sa.Column]:
    return [
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "report_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("edition", sa.String(60), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("load_id", sa.Integer),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("figures", sa.Text, nullable=False),
        sa.Column("figures_sha256", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("themes", sa.Text, nullable=False, server_default=""),
        sa.Column("html_path", sa.Text),
        sa.Column("html_sha256", sa.String(64)),
        sa.Column("pdf_path", sa.Text),
        sa.Column("pdf_sha256", sa.String(64)),
        sa.Column("published_at", UTCDateTime),
        sa.UniqueConstraint("month", "edition", "version", name="uq_report_runs_edition"),
        sa.CheckConstraint(STATE_CHECK, name="ck_report_runs_state"),
    )
    op.create_index("ix_report_runs_month", "report_runs", ["month"])
    op.create_table(
        "report_steps",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("report_runs.id"), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        *_who(),
        sa.Column("from_state", sa.String(20), nullable=False),
        sa.Column("to_state", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("comment", sa.Text, nullable=False, server_default=""),
        sa.CheckConstraint("kind IN ('advance', 'send_back')", name="ck_report_steps_kind"),
    )
    op.create_index("ix_report_steps_run_id", "report_steps", ["run_id"])
    op.create_table(
        "indicator_commentary",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("kpi_id", sa.String(80), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        *_who(),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_index("ix_indicator_commentary_kpi", "indicator_commentary",
                    ["kpi_id", "month"])
    op.create_table(
        "report_distributions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("report_runs.id"), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("run_id", "username", name="uq_report_distributions_once"),
    )


def downgrade() -> None:
    op.drop_table("report_distributions")
    op.drop_index("ix_indicator_commentary_kpi", "indicator_commentary")
    op.drop_table("indicator_commentary")
    op.drop_index("ix_report_steps_run_id", "report_steps")
    op.drop_table("report_steps")
    op.drop_index("ix_report_runs_month", "report_runs")
    op.drop_table("report_runs")
